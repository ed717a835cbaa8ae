/**
 * The backend contract. A backend knows storage and named kernels; it never sees a Tensor, a graph or a
 * gradient. Ops (src/ops) validate arguments, compute output shapes, make zero-copy views (reshape of a
 * contiguous tensor, permute, expand, slice, flip) by editing `View` metadata, and call kernels for
 * everything that touches element values. See docs/backends.md for the full contract.
 *
 * - Storage is an opaque, flat buffer of one dtype. The TS backend holds a typed array; a WASM backend
 *   holds an offset into its linear memory; a WebGPU backend holds a GPUBuffer.
 * - A View describes a strided window into a storage: element (i0, i1, ...) lives at
 *   `offset + Σ ik·strides[k]`. Strides may be 0 (broadcast) or negative (flip).
 * - Every kernel writes a fresh, contiguous (row-major) storage and returns it, except the in-place kernels
 *   `assign` (used by in-place tensor methods such as `copy_`) and the optional `optimizerStep` (a fused
 *   optimizer update of a parameter and its state tensors). The optional loss kernels (`bceLoss`,
 *   `crossEntropyLoss` and their backward passes) may return null: the inputs are outside their domain.
 * - `read` is synchronous where the backend can be (TS, WASM); an async-only backend (WebGPU) throws a
 *   clear error there and implements `readAsync`.
 * - `dispose` is optional: garbage-collected backends (TS) have nothing to free.
 */
import type { DType, TypedArray } from "../dtype.js";

export interface Storage {
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
}

export interface View<S extends Storage = Storage> {
  readonly storage: S;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type UnaryOp =
  | "neg" | "exp" | "log" | "sqrt" | "abs" | "sign" | "sin" | "cos" | "tanh" | "recip"
  | "floor" | "ceil" | "round" | "erf" | "expm1" | "log1p" | "sigmoid" | "logicalNot"
  /** `x > 0 ? x : 0` (NaN and −0 give +0). */
  | "relu";
export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge"
  /**
   * Activation backward passes in one kernel, `a` the saved activation, `b` the incoming gradient, every
   * intermediate rounded to the output dtype (so they equal the composite ops bit for bit):
   * tanhGrad `b·(1 − a·a)` (a = tanh output), sigmoidGrad `b·(a·(1 − a))` (a = sigmoid output),
   * reluGrad `a > 0 ? b : b·0` (a = relu input or output).
   */
  | "tanhGrad" | "sigmoidGrad" | "reluGrad";
/** Activations a `linear` kernel can apply to its result. */
export type LinearActivation = "relu" | "tanh" | "sigmoid";
export type ReduceOp = "sum" | "prod" | "max" | "min" | "argmax" | "argmin";

/**
 * One fused optimizer update (`Kernels.optimizerStep`): the rule and its hyper-parameters as the optimizer's
 * options give them. Each rule computes exactly the operations of its pure function in src/optim (`sgdUpdate`,
 * `adamUpdate`, ...), in the same order, each rounded to the parameter's dtype, with every constant
 * (`1 − β₁`, `−γ/(1 − β₁ᵗ)`, ...) computed in float64 first and then rounded (`optimizerConstants` in
 * src/backend/ts/optim.ts), so a fused step gives the same bits as the composite ops. `states` lists the
 * rule's state tensors in this order (each absent entry is left out):
 *
 * - `sgd`: [momentumBuffer] when momentum ≠ 0; `first` makes the buffer the gradient (the first step).
 * - `adam` (AdamW with `decoupled`): [expAvg, expAvgSq, maxExpAvgSq (amsgrad only)]; `step` is t (from 1).
 * - `adamax`: [expAvg, expInf]. `nadam`: [expAvg, expAvgSq], with μₜ, μₜ₊₁ and Πₜ = μ₁⋯μₜ given.
 * - `rmsprop`: [squareAvg, gradAvg (centered only), momentumBuffer (momentum > 0 only)].
 * - `adagrad`: [sum]. `adadelta`: [squareAvg, accDelta].
 */
export type OptimizerRule =
  | { kind: "sgd"; lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number; maximize: boolean; first: boolean }
  | { kind: "adam"; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; amsgrad: boolean; maximize: boolean; step: number }
  | { kind: "adamax"; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; maximize: boolean; step: number }
  | { kind: "nadam"; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; step: number; mu: number; muNext: number; muProduct: number }
  | { kind: "rmsprop"; lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean; maximize: boolean }
  | { kind: "adagrad"; lr: number; lrDecay: number; eps: number; weightDecay: number; maximize: boolean; step: number }
  | { kind: "adadelta"; lr: number; rho: number; eps: number; weightDecay: number; maximize: boolean };

/** How a loss kernel combines its per-element (per-sample) losses: as they are, summed, or averaged. */
export type LossReduction = "none" | "sum" | "mean";

/**
 * Class-index cross-entropy from logits for the `crossEntropyLoss` kernels: `weight` is one float per class
 * ([C]) or null; a target equal to `ignoreIndex` adds nothing (and nothing to the weighted mean's divisor).
 */
export interface CrossEntropyArgs<S extends Storage = Storage> {
  weight: View<S> | null;
  ignoreIndex: number;
  reduction: LossReduction;
}

/**
 * Every kernel a backend must provide. Typed as an interface so that a backend missing one is a compile
 * error, not a runtime "kernel not found".
 */
export interface Kernels<S extends Storage = Storage> {
  /** out[i] = op(x[i]); out has x's shape, contiguous, dtype `out`. */
  unary(op: UnaryOp, x: View<S>, out: DType): S;
  /** out[i] = op(a[i], b[i]); a and b already have the same (broadcast) shape. */
  binary(op: BinaryOp, a: View<S>, b: View<S>, out: DType): S;
  /** out[i] = cond[i] ? a[i] : b[i]; all three views have the same shape. */
  where(cond: View<S>, a: View<S>, b: View<S>, out: DType): S;
  /** Reduces `axes` (sorted, unique); out has x's shape with those axes set to 1. arg* give int32. */
  reduce(op: ReduceOp, x: View<S>, axes: readonly number[], out: DType): S;
  /** Batched matrix product: a [...B, M, K], b [...B, K, N] with equal batch shapes → [...B, M, N]. */
  matmul(a: View<S>, b: View<S>, out: DType): S;
  /**
   * The dense layer: x [M, K], w [N, K], bias [N] or null → `act(x·wᵀ + bias)` [M, N], equal bit for bit to
   * `matmul(x, wᵀ)`, then `binary("add", ·, bias)` broadcast over the rows, then `unary(act, ·)`, without
   * materializing wᵀ or the intermediate results.
   */
  linear(x: View<S>, w: View<S>, bias: View<S> | null, act: LinearActivation | null, out: DType): S;
  /** Contiguous copy of a view, converted to `out` (float→int truncates toward zero; bool is x ≠ 0). */
  copy(x: View<S>, out: DType): S;
  /** out[..., i, ...] = x[..., index[..., i, ...], ...] along `dim`; out has index's shape. */
  gather(x: View<S>, dim: number, index: View<S>): S;
  /** out = base; out[..., index[..., i, ...], ...] += src[..., i, ...] along `dim`. */
  scatterAdd(base: View<S>, dim: number, index: View<S>, src: View<S>): S;
  /** Concatenation along `dim`; all views agree on the other dims. */
  cat(xs: readonly View<S>[], dim: number, out: DType): S;
  /** In place: dst[i] = src[i] (src already broadcast to dst's shape), converting to dst's dtype. */
  assign(dst: View<S>, src: View<S>): void;
  /**
   * Optional, in place: one optimizer update of `param` and its `states` by `rule` (see OptimizerRule), reading
   * `grad`. Every view is contiguous, of one float dtype (float32 or float64) and of one element count; param
   * and the states are distinct storages, none of them grad's. A backend without it (or a call the optimizer
   * finds unsuitable: another dtype or layout) takes the composite path: the pure update's ops, then `copy_`.
   */
  optimizerStep?(rule: OptimizerRule, param: View<S>, grad: View<S>, states: readonly View<S>[]): void;
  /**
   * Optional: binary cross-entropy on probabilities, `ℓᵢ = −[yᵢ log xᵢ + (1 − yᵢ) log(1 − xᵢ)]`, for x and y
   * of one float dtype and shape, reduced by `reduction` ("mean": `Σℓ / n`; the result then has one element).
   * Its domain is the inputs where no log reaches PyTorch's clamp at −100: every xᵢ in [1e-40, 1) and every
   * yᵢ in [0, 1]. Anything else (NaN included) returns null, having computed nothing, and the caller takes
   * the composite path (which clamps, or reports the bad value). Each operation is the composite's, rounded
   * to the dtype in the same order (`1 − x`, `1 − y`, both logs, the products, their sum, the negation; the
   * sum over elements as the `reduce` kernel sums; the mean divides by n rounded to the dtype), so the result
   * equals `neg(add(mul(y, log x), mul(1 − y, log(1 − x))))` then `sum`/`mean` bit for bit.
   */
  bceLoss?(input: View<S>, target: View<S>, reduction: LossReduction): S | null;
  /**
   * Optional: the gradient of `bceLoss` with respect to the input, for inputs in its domain:
   * `gᵢ·(1 − yᵢ)/(1 − xᵢ) − gᵢ·yᵢ/xᵢ` computed as the composite's backward, `(−g·y)/x − (−g·(1 − y))/(1 − x)`,
   * each step rounded to the dtype; `grad` is the upstream gradient, of the input's shape for "none" and of
   * one element otherwise ("mean" first divides it by n rounded to the dtype). Returns the input's shape.
   */
  bceLossBackward?(input: View<S>, target: View<S>, grad: View<S>, reduction: LossReduction): S;
  /**
   * Optional: softmax cross-entropy from logits `x` [N, C] (float) with int32 class targets `t` [N]:
   * `ℓᵢ = −w[tᵢ] · logSoftmax(xᵢ)[tᵢ]` (0 where tᵢ = ignoreIndex; w = 1 without weights), "mean" dividing
   * `Σℓ` by `Σ w[tᵢ]` over the targets kept. logSoftmax is the composite's: `(x − max) − log Σ exp(x − max)`,
   * the sums as the `reduce` kernel sums, so the result equals the composite ops bit for bit. Its domain:
   * every logit finite, every target in [0, C) or equal to ignoreIndex, C below 65536; outside it, returns null.
   * Returns [N] for "none", one element otherwise.
   */
  crossEntropyLoss?(input: View<S>, target: View<S>, args: CrossEntropyArgs<S>): S | null;
  /**
   * Optional: the gradient of `crossEntropyLoss` with respect to the logits, `gᵢ·w[tᵢ]·(softmax(xᵢ) − onehot(tᵢ))`,
   * computed as the composite's backward: with `pᵢ = −gᵢ·w[tᵢ]` (g divided by `Σ w` first for "mean"),
   * `[c = tᵢ]·pᵢ + ((−pᵢ)/Sᵢ)·eᵢc` where `eᵢc = exp(xᵢc − maxᵢ)`, `Sᵢ = Σ_c eᵢc` (each step rounded), so the
   * same bits. `grad` has shape [N] for "none", one element otherwise. Returns [N, C].
   */
  crossEntropyLossBackward?(input: View<S>, target: View<S>, grad: View<S>, args: CrossEntropyArgs<S>): S;
}

export interface Backend<S extends Storage = Storage> {
  readonly name: string;
  /** Wraps (TS: without copying where it can) or uploads a typed array as a storage of `dtype`. */
  fromArray(data: TypedArray, dtype: DType): S;
  /** A contiguous copy of the view's elements, synchronously. */
  read(x: View<S>): TypedArray;
  /** A contiguous copy of the view's elements. */
  readAsync(x: View<S>): Promise<TypedArray>;
  /** Frees a storage now rather than at garbage collection (no-op where the GC owns memory). */
  dispose(s: S): void;
  readonly kernels: Kernels<S>;
  /**
   * Optional, for backends whose `dispose` frees memory (wasm): a mark of the allocations made so far. The
   * autograd engine takes one when a backward pass starts, and frees at its end the gradient storages that
   * were allocated after it and that nothing outside the engine can reach (src/autograd/release.ts).
   */
  allocationMark?(): number;
  /** Optional, with `allocationMark`: whether storage `s` was allocated after `mark` was taken. */
  allocatedSince?(s: S, mark: number): boolean;
}
