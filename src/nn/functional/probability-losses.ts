/**
 * Losses between probability distributions: binary cross-entropy (on probabilities, and on logits in the
 * stable form), and the Kullback–Leibler divergence. Composed from element-wise ops (the stable forms below
 * never evaluate log(0) or exp of a large number); binaryCrossEntropy runs the backend's fused `bceLoss`
 * kernels where it has them and the inputs are in their domain, with the composite's bits.
 */
import { isGradEnabled, noGrad } from "../../autograd/grad-mode.js";
import { record } from "../../autograd/node.js";
import type { TypedArray } from "../../dtype.js";
import { Tensor } from "../../tensor.js";
import { add, div, eq, gt, log, mul, neg, sub, where, exp, clamp } from "../../ops/elementwise.js";
import { softplus } from "../../ops/activations.js";
import { sum } from "../../ops/reduce.js";
import { expand } from "../../ops/movement.js";
import {
  checkBroadcastWeight, checkFloat, checkFloatTarget, checkReduction, checkSameShape, reduce, scanValues,
  type Reduction, type ReductionOptions,
} from "./loss-checks.js";

export interface BCEOptions extends ReductionOptions {
  /** Rescales each element's loss; broadcast to the input's shape (e.g. one weight per output column). */
  weight?: Tensor | null;
}

/**
 * `log p` clamped below at −100, as PyTorch's BCE, so a confident wrong prediction (p = 0) costs 100 instead
 * of ∞. The log is taken of a safe value where p = 0, so the gradient there is 0, not 0·∞ = NaN.
 */
function clampedLog(p: Tensor): Tensor {
  const pos = gt(p, 0);
  return where(pos, clamp(log(where(pos, p, 1)), -100), -100);
}

/** Smallest input for which log(x) stays far above BCE's clamp at −100 (log 1e-40 ≈ −92.1). */
const CLAMP_FREE_MIN = 1e-40;

/** Whether every value lies in [CLAMP_FREE_MIN, 1): then neither log in BCE reaches its clamp (1 − x ≥ 6e-8 in float32). */
function clampFree(v: TypedArray): boolean {
  for (let i = 0; i < v.length; i++) {
    const a = v[i]!;
    if (!(a >= CLAMP_FREE_MIN && a < 1)) return false;
  }
  return true;
}

/** The composite backward of BCE's per-element loss `−g·y/x + g·(1 − y)/(1 − x)`, written with differentiable ops. */
const bceGrad = (g: Tensor, x: Tensor, y: Tensor, oneMinusX: Tensor, oneMinusY: Tensor): Tensor => {
  const a = neg(g);
  return sub(div(mul(a, y), x), div(mul(a, oneMinusY), oneMinusX));
};

/**
 * BCE's per-element loss `−[y log x + (1 − y) log(1 − x)]` as one graph node, for inputs where no log is
 * clamped and a target without gradient. The forward runs the composite's kernels (the clamps are no-ops
 * here); the backward `−g·y/x + g·(1 − y)/(1 − x)` is the composite's chain of ops collapsed: each
 * intermediate is the same operation on the same values, so the gradient is equal bit for bit, and it is
 * written with differentiable ops, so it can be differentiated again.
 */
function bcePerElement(x: Tensor, y: Tensor): Tensor {
  const { per, oneMinusX, oneMinusY } = noGrad(() => {
    const oneMinusX = sub(1, x), oneMinusY = sub(1, y);
    return { per: neg(add(mul(y, log(x)), mul(oneMinusY, log(oneMinusX)))), oneMinusX, oneMinusY };
  });
  return record(per, "binaryCrossEntropy", [x], (g) => [bceGrad(g, x, y, oneMinusX, oneMinusY)]);
}

/**
 * BCE (no weight, or "none" for a weight applied after) through the backend's fused `bceLoss` kernel: one
 * kernel call forward and one (`bceLossBackward`) backward, the same bits as bcePerElement then sum/mean.
 * Null where the backend lacks the kernels or the inputs are outside its domain (a log would be clamped, a
 * value is NaN or out of range): the caller then checks the values and takes the composite path. Under
 * createGraph the backward is the composite's ops, so it can be differentiated again.
 */
function bceFused(x: Tensor, y: Tensor, reduction: Reduction): Tensor | null {
  const k = x.backend.kernels;
  if (!k.bceLoss || !k.bceLossBackward || y.backend !== x.backend) return null;
  const s = k.bceLoss(x, y, reduction);
  if (s === null) return null;
  const out = Tensor._fromStorage(s, reduction === "none" ? x.shape : [], x.dtype, x.backend);
  const n = x.size;
  return record(out, "binaryCrossEntropy", [x], (g) => {
    if (!isGradEnabled()) return [Tensor._fromStorage(k.bceLossBackward!(x, y, g, reduction), x.shape, x.dtype, x.backend)];
    // createGraph: the composite backward (mean's division, sum's expansion, then BCE's), differentiable.
    const gPer = reduction === "none" ? g : expand(reduction === "mean" ? div(g, n) : g, x.shape);
    return [bceGrad(gPer, x, y, sub(1, x), sub(1, y))];
  });
}

/**
 * Binary cross-entropy on probabilities `x ∈ [0, 1]` with targets `y ∈ [0, 1]`:
 * `ℓᵢ = −wᵢ [yᵢ log xᵢ + (1 − yᵢ) log(1 − xᵢ)]`, each log clamped at −100 (PyTorch's rule).
 * The gradient is `wᵢ (xᵢ − yᵢ) / (xᵢ(1 − xᵢ))` inside the clamp and 0 where it binds (PyTorch instead
 * divides by max(x(1 − x), 1e-12) there). Prefer `binaryCrossEntropyWithLogits` on raw scores: it is exact
 * where sigmoid would round to 0 or 1.
 * ```ts
 * binaryCrossEntropy(tensor([0.9, 0.2]), tensor([1, 0])).item(); // −(ln 0.9 + ln 0.8)/2 ≈ 0.1643
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, { weight = null, reduction = "mean" }: BCEOptions = {}): Tensor {
  const name = "binaryCrossEntropy";
  checkReduction(name, reduction);
  checkFloat(name, input);
  checkFloatTarget(name, target, "probabilities");
  checkSameShape(name, input, target);
  checkBroadcastWeight(name, "weight", weight, input.shape);
  const fast = !target.requiresGrad && target.dtype === input.dtype;
  if (fast) {
    // The fused kernel checks the values itself (no host read); null sends us to the checks below.
    const fused = bceFused(input, target, weight ? "none" : reduction);
    if (fused) return weight ? reduce(name, mul(fused, weight), reduction) : fused;
  }
  const values = scanValues(name, input, "input", {
    range: [0, 1],
    rangeHint: "binaryCrossEntropy takes probabilities: apply sigmoid() first, or better, pass the raw scores to binaryCrossEntropyWithLogits.",
    nanHint: "binaryCrossEntropyWithLogits on the raw scores (stable where sigmoid saturates)",
  });
  scanValues(name, target, "target", { range: [0, 1], rangeHint: "Targets are probabilities (usually the labels 0 and 1)." });
  let per =
    fast && clampFree(values)
      ? bcePerElement(input, target)
      : neg(add(mul(target, clampedLog(input)), mul(sub(1, target), clampedLog(sub(1, input)))));
  if (weight) per = mul(per, weight);
  return reduce(name, per, reduction);
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /**
   * Weight of the positive term, broadcast along the last dim (one per class, e.g. `#neg/#pos` to balance
   * rare positives).
   */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on logits `x` (sigmoid inside), stable for any `x`:
 * `ℓᵢ = wᵢ [(1 − yᵢ) xᵢ + lᵢ · softplus(−xᵢ)]` with `lᵢ = 1 + (posWeight − 1) yᵢ`, where
 * `softplus(−x) = max(−x, 0) + log(1 + e^(−|x|))`. Without posWeight this is `max(x, 0) − x·y + log(1 + e^(−|x|))`.
 * The gradient is `wᵢ [(1 − yᵢ) − lᵢ σ(−xᵢ)]` (`σ(x) − y` without posWeight).
 * ```ts
 * binaryCrossEntropyWithLogits(tensor([2.2, -1.4]), tensor([1, 0])).item(); // ≈ 0.1628 (σ(2.2) ≈ 0.900, σ(−1.4) ≈ 0.198)
 * ```
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  { weight = null, posWeight = null, reduction = "mean" }: BCEWithLogitsOptions = {},
): Tensor {
  const name = "binaryCrossEntropyWithLogits";
  checkReduction(name, reduction);
  checkFloat(name, input);
  checkFloatTarget(name, target, "probabilities");
  checkSameShape(name, input, target);
  checkBroadcastWeight(name, "weight", weight, input.shape);
  checkBroadcastWeight(name, "posWeight", posWeight, input.shape);
  scanValues(name, input, "input");
  scanValues(name, target, "target", { range: [0, 1], rangeHint: "Targets are probabilities (usually the labels 0 and 1)." });
  const sp = softplus(neg(input));
  const logWeight = posWeight ? add(mul(sub(posWeight, 1), target), 1) : null;
  let per = add(mul(sub(1, target), input), logWeight ? mul(logWeight, sp) : sp);
  if (weight) per = mul(per, weight);
  return reduce(name, per, reduction);
}

export interface KLDivOptions {
  /** `"mean"` (default, over all elements as PyTorch), `"batchmean"` (sum / batch size: the true KL), `"sum"`, `"none"`. */
  reduction?: Reduction | "batchmean";
  /** Whether `target` holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence `KL(target ‖ exp(input))`, with `input` as log-probabilities (e.g. from
 * logSoftmax): `ℓᵢ = yᵢ (log yᵢ − xᵢ)` (0 where yᵢ = 0), or `e^{yᵢ} (yᵢ − xᵢ)` with `logTarget`.
 * `"batchmean"` divides the sum by the batch size (dim 0), which is the mathematical KL per sample; the default
 * `"mean"` divides by the element count, as PyTorch.
 * ```ts
 * klDiv(tensor([[0.5, 0.5]]).log(), tensor([[0.9, 0.1]]), { reduction: "batchmean" }).item();
 * // 0.9 ln 1.8 + 0.1 ln 0.2 ≈ 0.3681
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, { reduction = "mean", logTarget = false }: KLDivOptions = {}): Tensor {
  const name = "klDiv";
  checkReduction(name, reduction, ["mean", "batchmean", "sum", "none"]);
  checkFloat(name, input);
  checkFloatTarget(name, target, logTarget ? "log-probabilities" : "probabilities");
  checkSameShape(name, input, target);
  scanValues(name, input, "input", { nanHint: "compute the input with logSoftmax() rather than log(softmax())" });
  scanValues(name, target, "target", logTarget ? {} : {
    range: [0, Infinity],
    rangeHint: "Targets are probabilities; if they are log-probabilities, pass { logTarget: true }.",
  });
  let per: Tensor;
  if (logTarget) {
    per = mul(exp(target), sub(target, input));
  } else {
    // xlogy(y, y): the log is taken of 1 where y = 0, so both the value and its gradient are 0 there.
    const safe = where(eq(target, 0), 1, target);
    per = sub(mul(target, log(safe)), mul(target, input));
  }
  if (reduction === "batchmean") {
    const total = sum(per);
    return input.ndim === 0 ? total : mul(total, 1 / input.shape[0]!);
  }
  return reduce(name, per, reduction);
}
