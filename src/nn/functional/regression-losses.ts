/**
 * Regression losses: squared error, absolute error, and the two smooth blends of them (Huber, smooth L1).
 * Each is composed from element-wise ops, so gradients (and second derivatives) come from autograd.
 */
import { isFloat } from "../../dtype.js";
import { ValueError } from "../../errors.js";
import { Tensor } from "../../tensor.js";
import { abs, cast, lt, mul, sub, where } from "../../ops/elementwise.js";
import { checkFloat, checkNumber, checkSameShape, reduce, scanValues, type ReductionOptions } from "./loss-checks.js";

/** Shared checks: float input, same shapes, no NaN; an int target is converted to the input's dtype. */
function prepare(loss: string, input: Tensor, target: Tensor): Tensor {
  checkFloat(loss, input);
  if (!(target instanceof Tensor)) throw new ValueError(`${loss}: target must be a Tensor, got ${typeof target}.`);
  checkSameShape(loss, input, target);
  scanValues(loss, input, "input");
  scanValues(loss, target, "target");
  return isFloat(target.dtype) ? target : cast(target, input.dtype);
}

/**
 * Mean squared error: `ℓᵢ = (xᵢ − yᵢ)²`, then reduced (mean by default). Gradient `2(xᵢ − yᵢ)/n` for the mean.
 * ```ts
 * mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5])).item(); // 4/3 ≈ 1.3333
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, { reduction = "mean" }: ReductionOptions = {}): Tensor {
  const d = sub(input, prepare("mseLoss", input, target));
  return reduce("mseLoss", mul(d, d), reduction);
}

/**
 * Mean absolute error: `ℓᵢ = |xᵢ − yᵢ|`. Its gradient is `sign(xᵢ − yᵢ)` (0 where they are equal, as PyTorch).
 * ```ts
 * l1Loss(tensor([1, 2, 3]), tensor([1, 2, 5])).item(); // 2/3 ≈ 0.6667
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, { reduction = "mean" }: ReductionOptions = {}): Tensor {
  return reduce("l1Loss", abs(sub(input, prepare("l1Loss", input, target))), reduction);
}

export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (> 0, default 1). */
  delta?: number;
}

/**
 * Huber loss: with `d = x − y`, `ℓ = d²/2` if `|d| < δ`, else `δ(|d| − δ/2)`. Quadratic near the target,
 * linear (robust to outliers) far from it; the gradient is `d` clipped to [−δ, δ].
 * ```ts
 * huberLoss(tensor([0, 3]), tensor([0.5, 0]), { delta: 1 }).item(); // (0.125 + 2.5)/2 = 1.3125
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, { delta = 1, reduction = "mean" }: HuberOptions = {}): Tensor {
  checkNumber("huberLoss", "delta", delta, (v) => v > 0, "a number > 0");
  const d = sub(input, prepare("huberLoss", input, target));
  const a = abs(d);
  return reduce("huberLoss", where(lt(a, delta), mul(mul(d, d), 0.5), mul(sub(a, 0.5 * delta), delta)), reduction);
}

export interface SmoothL1Options extends ReductionOptions {
  /** Width of the quadratic zone (≥ 0, default 1); 0 gives plain L1. */
  beta?: number;
}

/**
 * Smooth L1 loss: with `d = x − y`, `ℓ = d²/(2β)` if `|d| < β`, else `|d| − β/2`. Equals `huberLoss / β`
 * with `δ = β` (the gradient is bounded by 1 rather than δ); `β = 0` is `l1Loss`.
 * ```ts
 * smoothL1Loss(tensor([0, 3]), tensor([0.5, 0])).item(); // (0.125 + 2.5)/2 = 1.3125
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, { beta = 1, reduction = "mean" }: SmoothL1Options = {}): Tensor {
  checkNumber("smoothL1Loss", "beta", beta, (v) => v >= 0, "a number ≥ 0");
  const d = sub(input, prepare("smoothL1Loss", input, target));
  const a = abs(d);
  // beta = 0 would divide by zero in the quadratic branch, which is then empty anyway: plain L1, as PyTorch.
  const per = beta === 0 ? a : where(lt(a, beta), mul(mul(d, d), 0.5 / beta), sub(a, 0.5 * beta));
  return reduce("smoothL1Loss", per, reduction);
}
