/**
 * Regularization that is not a layer: penalty terms added to the loss (the decks' L2 term `λ/2m · Σ w²`,
 * and L1), picking which parameters they cover (weights, not biases), the max-norm constraint applied after
 * an optimizer step, and target-side noise (additive noise for regression, label smoothing for classes).
 * Dropout and input/weight noise are layers (src/nn/layers); decoupled weight decay is AdamW's option.
 * ```ts
 * const loss = crossEntropy(model.call(x), y).add(l2Penalty(weightsOnly(model.namedParameters()), 1e-3, { m: n }));
 * ```
 */
import { isFloat } from "../dtype.js";
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { noGrad } from "../autograd/grad-mode.js";
import { getDefaultGenerator, type Generator } from "../random.js";
import { Tensor } from "../tensor.js";
import { randn } from "../ops/creation.js";
import { abs, add, cast, div, gt, mul, sqrt, where } from "../ops/elementwise.js";
import { normAxis } from "../shape.js";
import { oneHot } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";

function checkParams(op: string, params: Iterable<Tensor>): Tensor[] {
  const list = [...params];
  if (list.length === 0) {
    throw new ValueError(`${op}: no parameters given, so the penalty would be 0. Pass model.parameters() or weightsOnly(model.namedParameters()).`);
  }
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ValueError(`${op}: params[${i}] is not a Tensor (got ${typeof p}).`);
    if (!isFloat(p.dtype)) throw new DTypeError(`${op}: params[${i}] has dtype ${p.dtype}; penalties apply to float parameters.`);
  });
  return list;
}

function checkLambda(op: string, lambda: number): void {
  if (typeof lambda !== "number" || !Number.isFinite(lambda) || lambda < 0) {
    throw new ValueError(`${op}: lambda must be a finite number ≥ 0 (the regularization strength), got ${String(lambda)}.`);
  }
}

/**
 * The decks' L2 penalty (weight decay as a loss term): `λ/(2m) · Σ_p Σ w²`, with `m` the number of training
 * examples (default 1, giving `λ/2 · Σ w²`). Its gradient is `(λ/m) · w`, so with SGD each step shrinks every
 * weight by the factor `1 − lr·λ/m`.
 * ```ts
 * l2Penalty([tensor([[1, 2], [3, 4]])], 0.1, { m: 5 }).item(); // 0.1/10 · 30 = 0.3
 * ```
 */
export function l2Penalty(params: Iterable<Tensor>, lambda: number, { m = 1 }: { m?: number } = {}): Tensor {
  const list = checkParams("l2Penalty", params);
  checkLambda("l2Penalty", lambda);
  if (!(Number.isFinite(m) && m > 0)) throw new ValueError(`l2Penalty: m (the number of training examples) must be > 0, got ${m}.`);
  const total = list.map((p) => sum(mul(p, p))).reduce((a, b) => add(a, b));
  return mul(total, lambda / (2 * m));
}

/**
 * L1 penalty `λ · Σ_p Σ |w|`; its gradient `λ·sign(w)` pushes weights to exactly 0 (sparse weights).
 * ```ts
 * l1Penalty([tensor([1, -2, 0.5])], 0.01).item(); // 0.035
 * ```
 */
export function l1Penalty(params: Iterable<Tensor>, lambda: number): Tensor {
  const list = checkParams("l1Penalty", params);
  checkLambda("l1Penalty", lambda);
  const total = list.map((p) => sum(abs(p))).reduce((a, b) => add(a, b));
  return mul(total, lambda);
}

/**
 * Picks the weights a penalty should cover from `[name, tensor]` pairs (as `model.namedParameters()` gives):
 * tensors with 2 or more dims (weight matrices, embedding tables) whose name does not end in "bias".
 * Biases and the 1-D scales of normalization layers are left out, as the decks (and common practice) do.
 * ```ts
 * weightsOnly(new Linear(2, 3).namedParameters()).length; // 1 (weight, not bias)
 * ```
 */
export function weightsOnly<T extends Tensor>(namedParams: Iterable<readonly [string, T]>): T[] {
  const out: T[] = [];
  for (const [name, p] of namedParams) {
    const last = name.split(".").pop() ?? name;
    if (p.ndim >= 2 && !/bias$/i.test(last)) out.push(p);
  }
  return out;
}

/**
 * Max-norm constraint, in place (call it after `optimizer.step()`): every slice `param.select(dim, i)` whose
 * L2 norm exceeds `maxNorm` is scaled down to norm `maxNorm` (`w · maxNorm / (‖w‖ + 1e-7)`), others are left
 * as they are, as `torch.renorm` (Keras' MaxNorm, Srivastava et al. 2014). With PyTorch's Linear layout
 * [out, in], the default `dim: 0` bounds each unit's incoming weight vector. Runs under noGrad.
 * ```ts
 * const w = tensor([[3, 4], [0.3, 0.4]]);
 * maxNormConstraint_(w, 1).toArray(); // ≈ [[0.6, 0.8], [0.3, 0.4]]
 * ```
 */
export function maxNormConstraint_<T extends Tensor>(param: T, maxNorm: number, { dim = 0 }: { dim?: number } = {}): T {
  if (!(param instanceof Tensor) || !isFloat(param.dtype)) {
    throw new DTypeError(`maxNormConstraint_: param must be a float tensor${param instanceof Tensor ? `, got ${param.dtype}` : ""}.`);
  }
  if (!(Number.isFinite(maxNorm) && maxNorm > 0)) throw new ValueError(`maxNormConstraint_: maxNorm must be a number > 0, got ${maxNorm}.`);
  if (param.ndim === 0) throw new ShapeError("maxNormConstraint_: param is a scalar; it needs a dimension to take slices along.");
  const d = normAxis("maxNormConstraint_", dim, param.ndim);
  noGrad(() => {
    const others = param.shape.map((_, i) => i).filter((i) => i !== d);
    const norms = others.length ? sqrt(sum(mul(param, param), others, true)) : abs(param);
    const scale = where(gt(norms, maxNorm), div(maxNorm, add(norms, 1e-7)), 1);
    param.mul_(scale);
  });
  return param;
}

/**
 * Additive Gaussian noise on regression targets, `y + std·ε` with `ε ~ N(0, 1)` drawn from `generator` (the
 * global one by default): a regularizer that keeps a model from fitting the targets exactly. Returns a new
 * tensor outside the graph (int targets become float32).
 * ```ts
 * addTargetNoise(tensor([1, 2, 3]), 0.1, { generator: new Generator(0) }).toArray(); // ≈ [0.991, 1.899, 2.908]
 * ```
 */
export function addTargetNoise(y: Tensor, std: number, { generator }: { generator?: Generator } = {}): Tensor {
  if (!(Number.isFinite(std) && std >= 0)) throw new ValueError(`addTargetNoise: std must be a number ≥ 0, got ${std}.`);
  return noGrad(() => {
    const base = isFloat(y.dtype) ? y.detach() : cast(y, "float32");
    if (std === 0) return base;
    return add(base, mul(randn(base.shape, { dtype: base.dtype, generator: generator ?? getDefaultGenerator() }), std));
  });
}

/**
 * Label smoothing as a target transform: class indices (int32, any shape) become probability rows
 * `(1 − ε)·onehot + ε/K` with K = numClasses along a new last dim; float targets whose last dim is K
 * (one-hot or soft) are mixed the same way. Feeding the result to crossEntropy equals its `labelSmoothing: ε`.
 * ```ts
 * smoothLabels(tensor([0, 2], { dtype: "int32" }), 3, 0.3).toArray(); // [[0.8, 0.1, 0.1], [0.1, 0.1, 0.8]]
 * ```
 */
export function smoothLabels(targets: Tensor, numClasses: number, epsilon: number): Tensor {
  const op = "smoothLabels";
  if (!(Number.isInteger(numClasses) && numClasses >= 1)) throw new ValueError(`${op}: numClasses must be an integer ≥ 1, got ${numClasses}.`);
  if (!(Number.isFinite(epsilon) && epsilon >= 0 && epsilon <= 1)) throw new ValueError(`${op}: epsilon must lie in [0, 1], got ${epsilon}.`);
  let probs: Tensor;
  if (targets.dtype === "int32") {
    const v = targets.dataSync();
    for (let i = 0; i < v.length; i++) {
      if (v[i]! < 0 || v[i]! >= numClasses) {
        throw new IndexError(`${op}: target holds class index ${v[i]}, but numClasses is ${numClasses}; indices must lie in [0, ${numClasses}).`);
      }
    }
    probs = oneHot(targets, numClasses);
  } else if (isFloat(targets.dtype)) {
    if (targets.shape[targets.ndim - 1] !== numClasses) {
      throw new ShapeError(`${op}: float targets must have numClasses = ${numClasses} along the last dim, got shape ${fmtShape(targets.shape)}. Pass class indices as int32.`);
    }
    probs = targets;
  } else {
    throw new DTypeError(`${op}: targets must be int32 class indices or float class probabilities, got ${targets.dtype}.`);
  }
  return noGrad(() => add(mul(probs, 1 - epsilon), epsilon / numClasses));
}
