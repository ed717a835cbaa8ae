/**
 * Multi-class losses: negative log-likelihood on log-probabilities and cross-entropy on logits, with
 * PyTorch's layout (classes along dim 1: input [N, C] or [N, C, d1, ...], or an unbatched [C]), targets as
 * int32 class indices or (cross-entropy) as class probabilities, class weights, ignoreIndex and label smoothing.
 * Built from logSoftmax and gather, so the gradient `softmax − onehot` comes from autograd; crossEntropy on
 * [N, C] logits with index targets runs the backend's fused `crossEntropyLoss` kernels instead where it can
 * (the same bits).
 */
import { isFloat } from "../../dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../errors.js";
import { shapesEqual } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import { isGradEnabled } from "../../autograd/grad-mode.js";
import { record } from "../../autograd/node.js";
import { add, cast, div, mul, ne, neg, sub, where } from "../../ops/elementwise.js";
import { expand, gather, reshape, scatterAdd, squeeze, unsqueeze } from "../../ops/movement.js";
import { mean, sum } from "../../ops/reduce.js";
import { logSoftmax, softmax } from "../../ops/activations.js";
import { zeros } from "../../ops/creation.js";
import {
  alongClassDim, checkClassIndices, checkClassWeight, checkFloat, checkNumber, checkReduction, scanValues, weightedMean,
  type Reduction, type ReductionOptions,
} from "./loss-checks.js";

export interface NLLLossOptions extends ReductionOptions {
  /** One weight per class, shape [C]. The mean then divides by the sum of the targets' weights. */
  weight?: Tensor | null;
  /** Targets equal to this index add nothing and are left out of the mean (default −100, as PyTorch). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** Mixes each target with the uniform distribution: `(1 − ε)·target + ε/C` (default 0). */
  labelSmoothing?: number;
}

/** The input as [N, C, ...] with the class dim at 1; an unbatched [C] input gets a batch dim of 1. */
function batched(loss: string, input: Tensor): { x: Tensor; unbatched: boolean } {
  checkFloat(loss, input);
  if (input.ndim === 0) {
    throw new ShapeError(`${loss}: input must have a class dimension: [C], [N, C] or [N, C, d1, ...]; got a scalar.`);
  }
  return input.ndim === 1 ? { x: unsqueeze(input, 0), unbatched: true } : { x: input, unbatched: false };
}

/** The shape class-index targets must have for this input: the input's shape without dim 1. */
const indexShape = (x: Tensor): number[] => x.shape.filter((_, i) => i !== 1);

/** Checks int32 class-index targets (dtype, shape, values) and returns them batched like the input. */
function indexTarget(
  loss: string, input: Tensor, target: Tensor, unbatched: boolean, numClasses: number, ignoreIndex: number | null, checkValues = true,
): Tensor {
  if (!(target instanceof Tensor)) throw new ValueError(`${loss}: target must be a Tensor, got ${typeof target}.`);
  const want = unbatched ? [] : indexShape(input);
  if (isFloat(target.dtype)) {
    throw new DTypeError(
      `${loss}: target has dtype ${target.dtype} and shape ${fmtShape(target.shape)}, but class-index targets must be int32 ` +
        `of shape ${fmtShape(want)}. Convert class labels with target.int()` +
        (loss === "crossEntropy" ? `; class-probability targets must be float with the input's shape ${fmtShape(input.shape)}.` : "."),
    );
  }
  if (target.dtype !== "int32") {
    throw new DTypeError(`${loss}: target has dtype ${target.dtype}; class-index targets must be int32. Convert with target.int().`);
  }
  if (!shapesEqual(target.shape, want)) {
    const oneHot = shapesEqual(target.shape, input.shape);
    throw new ShapeError(
      `${loss}: target has shape ${fmtShape(target.shape)}, but for an input of shape ${fmtShape(input.shape)} class-index ` +
        `targets have shape ${fmtShape(want)} (the input's shape without the class dim ${unbatched ? 0 : 1}).` +
        (oneHot
          ? ` This target looks one-hot: pass target.argmax(${unbatched ? 0 : 1}) for indices` +
            (loss === "crossEntropy" ? ", or target.float() to use it as class probabilities." : ".")
          : ""),
    );
  }
  if (checkValues) checkClassIndices(loss, target, numClasses, ignoreIndex);
  return unbatched ? reshape(target, [1]) : target;
}

/**
 * Shared core for index targets: `ℓᵢ = −w[yᵢ] · ((1 − ε) logp[i, yᵢ] + ε/C · Σ_c (w_c/w[yᵢ]) logp[i, c])`, 0 for
 * ignored targets; "mean" divides by `Σ w[yᵢ]` over the targets kept (PyTorch's rule, also with smoothing).
 */
function indexLoss(logp: Tensor, t: Tensor, weight: Tensor | null, ignoreIndex: number, epsilon: number, reduction: string, unbatched: boolean): Tensor {
  const numClasses = logp.shape[1]!;
  const keep = ne(t, ignoreIndex);
  const safeT = where(keep, t, 0); // ignored positions read class 0 and are then zeroed
  const picked = squeeze(gather(logp, 1, unsqueeze(safeT, 1)), 1);
  let w = cast(keep, logp.dtype);
  if (weight) w = mul(w, reshape(gather(weight, 0, reshape(safeT, [safeT.size])), t.shape));
  let per = neg(mul(where(keep, picked, 0), w));
  if (epsilon > 0) {
    const weighted = weight ? mul(logp, alongClassDim(weight, logp.ndim)) : logp;
    const smooth = where(keep, neg(sum(weighted, 1)), 0);
    per = add(mul(per, 1 - epsilon), mul(smooth, epsilon / numClasses));
  }
  if (reduction === "none") return unbatched ? reshape(per, []) : per;
  return reduction === "sum" ? sum(per) : weightedMean(per, w);
}

/**
 * Negative log-likelihood on log-probabilities `x` (e.g. from logSoftmax, classes along dim 1):
 * `ℓᵢ = −w[yᵢ] · x[i, yᵢ]`; "mean" is `Σ ℓᵢ / Σ w[yᵢ]` over targets ≠ ignoreIndex.
 * ```ts
 * const logp = tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]).log();
 * nllLoss(logp, tensor([0, 2], { dtype: "int32" })).item(); // −(ln 0.7 + ln 0.8)/2 ≈ 0.2899
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, { weight = null, ignoreIndex = -100, reduction = "mean" }: NLLLossOptions = {}): Tensor {
  const name = "nllLoss";
  checkReduction(name, reduction);
  const { x, unbatched } = batched(name, input);
  checkClassWeight(name, weight, x.shape[1]!);
  const t = indexTarget(name, input, target, unbatched, x.shape[1]!, ignoreIndex);
  scanValues(name, input, "input", { nanHint: "compute log-probabilities with logSoftmax() rather than log(softmax())" });
  return indexLoss(x, t, weight, ignoreIndex, 0, reduction, unbatched);
}

/**
 * Cross-entropy from logits `x` (classes along dim 1): `logSoftmax` then the negative log-likelihood.
 * - int32 class-index targets `y` ([N] or [N, d1, ...]): `ℓᵢ = −w[yᵢ] log softmax(xᵢ)[yᵢ]`; "mean" divides by
 *   `Σ w[yᵢ]` over targets ≠ ignoreIndex. With labelSmoothing ε the target is `(1 − ε)·onehot + ε/C`.
 * - float class-probability targets `p` (the input's shape): `ℓᵢ = −Σ_c w_c p_ic log softmax(xᵢ)_c`;
 *   "mean" divides by the number of samples N·d1·... (ignoreIndex does not apply).
 *
 * The gradient with respect to the logits is `w·(softmax(x) − target)` (per sample), exact in float32.
 * ```ts
 * crossEntropy(tensor([[2, 0, 0]]), tensor([0], { dtype: "int32" })).item(); // ln(e² + 2) − 2 ≈ 0.2395
 * ```
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  { weight = null, ignoreIndex = -100, reduction = "mean", labelSmoothing = 0 }: CrossEntropyOptions = {},
): Tensor {
  const name = "crossEntropy";
  checkReduction(name, reduction);
  checkNumber(name, "labelSmoothing", labelSmoothing, (v) => v >= 0 && v <= 1, "a number in [0, 1]");
  const { x, unbatched } = batched(name, input);
  const numClasses = x.shape[1]!;
  checkClassWeight(name, weight, numClasses);
  if (target instanceof Tensor && isFloat(target.dtype) && shapesEqual(target.shape, input.shape)) {
    return probabilityLoss(x, unbatched ? unsqueeze(target, 0) : target, weight, labelSmoothing, reduction, unbatched, input);
  }
  if (labelSmoothing === 0 && x.ndim === 2) {
    // The fused kernel checks the logits and labels itself (no host read); null sends us to the checks below.
    const fused = crossEntropyFused(x, indexTarget(name, input, target, unbatched, numClasses, ignoreIndex, false), weight, ignoreIndex, reduction);
    if (fused) return reduction === "none" && unbatched ? reshape(fused, []) : fused;
  }
  const t = indexTarget(name, input, target, unbatched, numClasses, ignoreIndex);
  scanValues(name, input, "input");
  return indexLoss(logSoftmax(x, 1), t, weight, ignoreIndex, labelSmoothing, reduction, unbatched);
}

/**
 * Cross-entropy of [N, C] logits with int32 targets [N] through the backend's fused `crossEntropyLoss` kernel:
 * one kernel call forward, one (`crossEntropyLossBackward`) backward, the same bits as logSoftmax then
 * indexLoss. Null where the backend lacks the kernels or the inputs are outside its domain (a logit not
 * finite, a label out of range): the caller then checks the values and takes the composite path. Under
 * createGraph the backward is built from differentiable ops, `g·w[t]·(onehot(t) − softmax(x))`.
 */
function crossEntropyFused(x: Tensor, t: Tensor, weight: Tensor | null, ignoreIndex: number, reduction: Reduction): Tensor | null {
  const k = x.backend.kernels;
  if (!k.crossEntropyLoss || !k.crossEntropyLossBackward || t.backend !== x.backend) return null;
  if (weight && (weight.dtype !== x.dtype || weight.backend !== x.backend)) return null;
  const args = { weight, ignoreIndex, reduction };
  const s = k.crossEntropyLoss(x, t, args);
  if (s === null) return null;
  const out = Tensor._fromStorage(s, reduction === "none" ? [x.shape[0]!] : [], x.dtype, x.backend);
  return record(out, "crossEntropy", [x], (g) => {
    if (!isGradEnabled()) return [Tensor._fromStorage(k.crossEntropyLossBackward!(x, t, g, args), x.shape, x.dtype, x.backend)];
    // createGraph: the gradient from differentiable ops, pᵢ·(onehot(tᵢ) − softmax(xᵢ)) with pᵢ = −gᵢ·wᵢ.
    const keep = ne(t, ignoreIndex);
    const safeT = where(keep, t, 0);
    let w = cast(keep, x.dtype);
    if (weight) w = mul(w, gather(weight, 0, safeT));
    const gl = reduction === "mean" ? div(g, sum(w)) : reduction === "sum" ? expand(g, w.shape) : g;
    const p = unsqueeze(mul(neg(gl), w), 1);
    const picked = scatterAdd(zeros(x.shape, { dtype: x.dtype }), 1, unsqueeze(safeT, 1), p);
    return [sub(picked, mul(softmax(x, 1), p))];
  });
}

/** crossEntropy with class-probability targets (same shape as the logits). */
function probabilityLoss(x: Tensor, p: Tensor, weight: Tensor | null, epsilon: number, reduction: string, unbatched: boolean, input: Tensor): Tensor {
  const name = "crossEntropy";
  scanValues(name, input, "input");
  scanValues(name, p, "target", {
    range: [0, Infinity],
    rangeHint: "Float targets of the input's shape are class probabilities (≥ 0, summing to 1 over dim 1).",
  });
  const numClasses = x.shape[1]!;
  const q = epsilon > 0 ? add(mul(p, 1 - epsilon), epsilon / numClasses) : p;
  let terms = mul(logSoftmax(x, 1), q);
  if (weight) terms = mul(terms, alongClassDim(weight, x.ndim));
  const per = neg(sum(terms, 1));
  if (reduction === "none") return unbatched ? reshape(per, []) : per;
  return reduction === "sum" ? sum(per) : mean(per);
}
