/**
 * Activation functions, each written from primitives (so the gradient, and its gradient, come for free)
 * unless a one-primitive form is more accurate (sigmoid, tanh). Every function's formula is in its doc.
 */
import { noGrad } from "../autograd/grad-mode.js";
import { record } from "../autograd/node.js";
import { isFloat, toFloat } from "../dtype.js";
import { ValueError } from "../errors.js";
import { normAxis } from "../shape.js";
import { Tensor } from "../tensor.js";
import {
  abs, add, cast, erf, exp, expm1, ge, gt, isfinite, le, log, log1p, lt, maximum, mul, sigmoid, sub, tanh, where,
} from "./elementwise.js";
import { max, sum } from "./reduce.js";

export { relu, sigmoid, tanh } from "./elementwise.js";

/** `x`. */
export const identity = (x: Tensor): Tensor => x;

/** `x` for x > 0, `negativeSlope·x` otherwise (default slope 0.01, as PyTorch). */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => where(gt(x, 0), x, mul(x, negativeSlope));

/** `min(max(x, 0), 6)`; gradient 1 on the open interval (0, 6), as PyTorch. */
export const relu6 = (x: Tensor): Tensor => where(le(x, 0), 0, where(ge(x, 6), 6, x));

/** `relu6(x + 3) / 6`: a piecewise-linear sigmoid; gradient 1/6 on (−3, 3). */
export const hardsigmoid = (x: Tensor): Tensor => where(le(x, -3), 0, where(ge(x, 3), 1, add(mul(x, 1 / 6), 0.5)));

/**
 * `x · relu6(x + 3) / 6` (MobileNetV3). At the corners the gradient is PyTorch's: −0.5 at −3 and 1.5 at 3
 * (the middle piece's slope `x/3 + 1/2`); pinned by kinks_hardswish in test/parity.test.ts.
 */
export const hardswish = (x: Tensor): Tensor => where(lt(x, -3), 0, where(gt(x, 3), x, mul(x, add(mul(x, 1 / 6), 0.5))));

/** How binaryStep's backward treats the step. */
export type StepGradient = "zero" | "straight-through";

/**
 * Heaviside step: 1 where x ≥ 0, else 0. Its true derivative is 0 almost everywhere, so by default no
 * gradient flows (`"zero"`); `"straight-through"` passes the incoming gradient unchanged (Bengio et al. 2013),
 * which lets a network with step units train.
 */
export function binaryStep(x: Tensor, { gradient = "zero" }: { gradient?: StepGradient } = {}): Tensor {
  if (gradient !== "zero" && gradient !== "straight-through") {
    throw new ValueError(`binaryStep: gradient must be "zero" or "straight-through", got "${gradient as string}".`);
  }
  const out = cast(ge(x, 0), toFloat(x.dtype));
  return record(out, "binaryStep", [x], (dy) => [gradient === "zero" ? mul(dy, 0) : dy]);
}

/** `log(1 + eˣ)`, stable: `max(x, 0) + log1p(e^(−|x|))`. With beta: `softplus(βx)/β`. */
export function softplus(x: Tensor, beta = 1): Tensor {
  const bx = beta === 1 ? x : mul(x, beta);
  const y = add(maximum(bx, 0), log1p(exp(mul(abs(bx), -1))));
  return beta === 1 ? y : mul(y, 1 / beta);
}

/**
 * `x` for x > 0, `α(eˣ − 1)` otherwise. elu'(0) = α, as PyTorch (so 1 for α = 1, where elu is smooth): the
 * negative branch sees x through `where`, not `minimum(x, 0)`, whose tie at 0 would halve the gradient.
 */
export const elu = (x: Tensor, alpha = 1): Tensor => {
  const positive = gt(x, 0);
  return where(positive, x, mul(expm1(where(positive, 0, x)), alpha));
};

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
/** `scale · elu(x, α)` with the self-normalizing constants of Klambauer et al. 2017. */
export const selu = (x: Tensor): Tensor => mul(elu(x, SELU_ALPHA), SELU_SCALE);

/** `x · sigmoid(x)` (also called swish). */
export const silu = (x: Tensor): Tensor => mul(x, sigmoid(x));

/** `x · tanh(softplus(x))`. */
export const mish = (x: Tensor): Tensor => mul(x, tanh(softplus(x)));

/**
 * Gaussian error linear unit: `x · Φ(x) = x/2 · (1 + erf(x/√2))`; with `approximate: "tanh"`,
 * `x/2 · (1 + tanh(√(2/π)(x + 0.044715x³)))`.
 */
export function gelu(x: Tensor, { approximate = "none" }: { approximate?: "none" | "tanh" } = {}): Tensor {
  if (approximate === "tanh") {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  if (approximate !== "none") throw new ValueError(`gelu: approximate must be "none" or "tanh", got "${approximate as string}".`);
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

/**
 * `x − logsumexp(x, dim)`: log-probabilities, stable for any logits. Computed as `(x − m) − log Σ exp(x − m)`
 * with m the max (a constant for the gradient), not as `x − (m + log Σ …)`: re-adding m and subtracting it
 * again would cost float32 digits for large logits (near 1000 the spacing is 6e-5). Pinned by
 * log_softmax_large in test/parity.test.ts.
 */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  normAxis("logSoftmax", dim, x.ndim); // so a bad dim is reported as logSoftmax's, not max's
  const xs = isFloat(x.dtype) ? x : cast(x, "float32");
  const m = noGrad(() => {
    const mx = max(xs, dim, true);
    return where(isfinite(mx), mx, 0); // all −inf (or inf) slices: shift by 0 instead of NaN
  });
  const shifted = sub(xs, m);
  return sub(shifted, log(sum(exp(shifted), dim, true)));
}

/** `eˣ / Σ eˣ` along `dim`, computed as `exp(logSoftmax(x))` so large logits do not overflow. */
export function softmax(x: Tensor, dim = -1): Tensor {
  normAxis("softmax", dim, x.ndim);
  return exp(logSoftmax(x, dim));
}
