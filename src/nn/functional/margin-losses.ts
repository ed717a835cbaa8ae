/**
 * Margin losses: the multi-class hinge (multiMarginLoss, an SVM's loss), the hinge embedding loss and the
 * cosine embedding loss. They are zero once the margin is met, so their gradient is sparse; composed from
 * element-wise ops (the kinks follow PyTorch: no gradient exactly at the hinge).
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../errors.js";
import { shapesEqual } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import { add, clamp, div, eq, gt, mul, sqrt, sub, where } from "../../ops/elementwise.js";
import { gather, reshape, unsqueeze } from "../../ops/movement.js";
import { arange } from "../../ops/creation.js";
import { sum } from "../../ops/reduce.js";
import {
  checkClassIndices, checkClassWeight, checkFloat, checkNumber, checkPlusMinusOne, checkReduction, checkSameShape, reduce,
  scanValues, type ReductionOptions,
} from "./loss-checks.js";

export interface MultiMarginOptions extends ReductionOptions {
  /** 1 (hinge, default) or 2 (squared hinge), as PyTorch. */
  p?: 1 | 2;
  /** The required gap between the true class's score and every other (default 1). */
  margin?: number;
  /** One weight per class, shape [C], applied by the true class. */
  weight?: Tensor | null;
}

/**
 * Multi-class hinge loss on scores `x` ([N, C] or [C]) with int32 class indices `y`:
 * `ℓᵢ = (1/C) Σ_{c ≠ yᵢ} w[yᵢ] · max(0, margin − x[i, yᵢ] + x[i, c])^p`. "mean" averages over the N samples.
 * ```ts
 * multiMarginLoss(tensor([[0.1, 0.2, 0.4, 0.8]]), tensor([3], { dtype: "int32" })).item();
 * // ((1 − 0.7) + (1 − 0.6) + (1 − 0.4)) / 4 = 0.325
 * ```
 */
export function multiMarginLoss(
  input: Tensor,
  target: Tensor,
  { p = 1, margin = 1, weight = null, reduction = "mean" }: MultiMarginOptions = {},
): Tensor {
  const name = "multiMarginLoss";
  checkReduction(name, reduction);
  checkFloat(name, input);
  if (p !== 1 && p !== 2) throw new ValueError(`${name}: p must be 1 or 2 (as PyTorch), got ${String(p)}.`);
  checkNumber(name, "margin", margin, () => true, "a finite number");
  if (input.ndim !== 1 && input.ndim !== 2) {
    throw new ShapeError(`${name}: input must be [N, C] or [C] scores, got shape ${fmtShape(input.shape)}.`);
  }
  const unbatched = input.ndim === 1;
  const x = unbatched ? unsqueeze(input, 0) : input;
  const numClasses = x.shape[1]!;
  checkClassWeight(name, weight, numClasses);
  if (!(target instanceof Tensor) || target.dtype !== "int32") {
    throw new DTypeError(`${name}: target must be an int32 tensor of class indices${target instanceof Tensor ? `, got ${target.dtype}` : ""}. Convert with target.int().`);
  }
  const want = unbatched ? [] : [x.shape[0]!];
  if (!shapesEqual(target.shape, want)) {
    throw new ShapeError(`${name}: target has shape ${fmtShape(target.shape)}, but for input ${fmtShape(input.shape)} it must be ${fmtShape(want)} (one class index per sample).`);
  }
  checkClassIndices(name, target, numClasses, null);
  scanValues(name, input, "input");
  const t = reshape(target, [x.shape[0]!, 1]);
  const gap = add(sub(margin, gather(x, 1, t)), x); // margin − x[y] + x[c], [N, C]
  const hinge = where(gt(gap, 0), gap, 0); // no gradient at gap = 0, as PyTorch's `z > 0`
  let terms = where(eq(t, arange(numClasses, { dtype: "int32" })), 0, p === 2 ? mul(hinge, hinge) : hinge);
  if (weight) terms = mul(terms, gather(weight, 0, reshape(target, [x.shape[0]!])).reshape([x.shape[0]!, 1]));
  const per = mul(sum(terms, 1), 1 / numClasses);
  return reduce(name, unbatched ? reshape(per, []) : per, reduction);
}

export interface MarginOptions extends ReductionOptions {
  margin?: number;
}

/**
 * Hinge embedding loss on distances `x` with labels `y ∈ {1, −1}`: `ℓᵢ = xᵢ` if `yᵢ = 1`, else
 * `max(0, margin − xᵢ)` (default margin 1). Pulls similar pairs together, pushes dissimilar ones past the margin.
 * ```ts
 * hingeEmbeddingLoss(tensor([0.3, 0.4]), tensor([1, -1])).item(); // (0.3 + 0.6)/2 = 0.45
 * ```
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, { margin = 1, reduction = "mean" }: MarginOptions = {}): Tensor {
  const name = "hingeEmbeddingLoss";
  checkReduction(name, reduction);
  checkFloat(name, input);
  checkNumber(name, "margin", margin, () => true, "a finite number");
  if (!(target instanceof Tensor)) throw new ValueError(`${name}: target must be a Tensor of 1 and -1, got ${typeof target}.`);
  checkSameShape(name, input, target);
  checkPlusMinusOne(name, target);
  scanValues(name, input, "input");
  const per = where(eq(target, 1), input, clamp(sub(margin, input), 0));
  return reduce(name, per, reduction);
}

/** PyTorch's guard in the cosine: `|a|² + ε` under the root, so a zero vector gives cos = 0, not NaN. */
const COS_EPS = 1e-12;

/**
 * Cosine embedding loss on pairs `a`, `b` ([N, D] or [D]) with labels `y ∈ {1, −1}` ([N] or []):
 * `ℓᵢ = 1 − cos(aᵢ, bᵢ)` if `yᵢ = 1`, else `max(0, cos(aᵢ, bᵢ) − margin)` (default margin 0), where
 * `cos = a·b / √((|a|² + 1e-12)(|b|² + 1e-12))`.
 * ```ts
 * cosineEmbeddingLoss(tensor([[1, 0]]), tensor([[1, 1]]), tensor([1])).item(); // 1 − 1/√2 ≈ 0.2929
 * ```
 */
export function cosineEmbeddingLoss(a: Tensor, b: Tensor, target: Tensor, { margin = 0, reduction = "mean" }: MarginOptions = {}): Tensor {
  const name = "cosineEmbeddingLoss";
  checkReduction(name, reduction);
  checkFloat(name, a, "input1");
  checkFloat(name, b, "input2");
  checkNumber(name, "margin", margin, () => true, "a finite number (usually in [−1, 1])");
  checkSameShape(name, a, b, ["input1", "input2"]);
  if (a.ndim !== 1 && a.ndim !== 2) {
    throw new ShapeError(`${name}: inputs must be [N, D] or [D] vectors, got shape ${fmtShape(a.shape)}.`);
  }
  if (!(target instanceof Tensor)) throw new ValueError(`${name}: target must be a Tensor of 1 and -1, got ${typeof target}.`);
  const want = a.ndim === 2 ? [a.shape[0]!] : [];
  if (!shapesEqual(target.shape, want)) {
    throw new ShapeError(`${name}: target has shape ${fmtShape(target.shape)}, but for inputs ${fmtShape(a.shape)} it must be ${fmtShape(want)} (one label per pair).`);
  }
  checkPlusMinusOne(name, target);
  scanValues(name, a, "input");
  scanValues(name, b, "input");
  const d = a.ndim - 1;
  const dot = sum(mul(a, b), d);
  const denom = sqrt(mul(add(sum(mul(a, a), d), COS_EPS), add(sum(mul(b, b), d), COS_EPS)));
  const cos = div(dot, denom);
  const per = where(eq(target, 1), sub(1, cos), clamp(sub(cos, margin), 0));
  return reduce(name, per, reduction);
}
