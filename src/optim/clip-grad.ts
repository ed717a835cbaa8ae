/** Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_: call between backward() and step(). */
import { noGrad } from "../autograd/grad-mode.js";
import { GradError, ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import { Tensor } from "../tensor.js";

/** The gradients, through the internal field: clipping only reads and rescales them (see src/autograd/release.ts). */
const gradsOf = (params: Iterable<Tensor> | Tensor): Tensor[] =>
  (params instanceof Tensor ? [params] : [...params]).map((p) => p._grad).filter((g): g is Tensor => g !== null);

/** The p-norm of all elements, `(Σ|x|ᵖ)^(1/p)`; the largest |x| for p = ∞. */
function pNorm(x: Tensor, p: number): Tensor {
  if (p === Infinity) return x.abs().max();
  if (p === 2) return x.square().sum().sqrt();
  if (p === 1) return x.abs().sum();
  return x.abs().pow(p).sum().pow(1 / p);
}

/**
 * Rescales the gradients of `params` in place so that their joint norm is at most `maxNorm`, and returns the
 * norm before clipping (a 0-d tensor). The joint norm is the p-norm of all gradients as one vector; the scale
 * is `min(1, maxNorm / (norm + 1e-6))`, as PyTorch.
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm_(model.parameters(), 1.0);   // or { normType: "inf" }
 * opt.step();
 * ```
 */
export function clipGradNorm_(
  params: Iterable<Tensor> | Tensor, maxNorm: number,
  { normType = 2, errorIfNonfinite = false }: { normType?: number | "inf"; errorIfNonfinite?: boolean } = {},
): Tensor {
  const p = normType === "inf" ? Infinity : normType;
  if (typeof p !== "number" || !(p > 0)) throw new ValueError(`clipGradNorm_: normType must be a positive number or "inf", got ${String(normType)}.`);
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) throw new ValueError(`clipGradNorm_: maxNorm must be a number ≥ 0, got ${String(maxNorm)}.`);
  return noGrad(() => {
    const grads = gradsOf(params);
    if (grads.length === 0) return tensor(0);
    const norms = grads.map((g) => pNorm(g, p));
    const total = norms.length === 1 ? norms[0]! : pNorm(stack(norms.map((n) => n.to(norms[0]!.dtype))), p);
    const value = total.item();
    if (errorIfNonfinite && !Number.isFinite(value)) {
      throw new GradError(`clipGradNorm_: the total norm of order ${normType} of the gradients is ${value}, so they cannot be clipped. Look for NaN/inf in the loss, or pass errorIfNonfinite: false.`);
    }
    const coef = Math.min(1, maxNorm / (value + 1e-6));
    if (coef < 1) for (const g of grads) g.mul_(coef);
    return total;
  });
}

/**
 * Clamps every gradient element of `params` into [−clipValue, clipValue], in place.
 * ```ts
 * loss.backward();
 * clipGradValue_(model.parameters(), 0.5);
 * opt.step();
 * ```
 */
export function clipGradValue_(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (typeof clipValue !== "number" || !(clipValue >= 0)) throw new ValueError(`clipGradValue_: clipValue must be a number ≥ 0, got ${String(clipValue)}.`);
  noGrad(() => {
    for (const g of gradsOf(params)) g.copy_(g.clamp(-clipValue, clipValue));
  });
}
