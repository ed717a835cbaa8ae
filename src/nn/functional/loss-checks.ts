/**
 * What every loss shares: the `reduction` option and the input checks. Each check reads a tensor's values at
 * most once (one pass), and every error names the loss, the argument, the offending shape or value and a fix.
 */
import { isFloat, type TypedArray } from "../../dtype.js";
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../../errors.js";
import { broadcastShapes, shapesEqual } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import { div } from "../../ops/elementwise.js";
import { reshape } from "../../ops/movement.js";
import { mean, sum } from "../../ops/reduce.js";

/** How per-element losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = "mean" | "sum" | "none";

/** The one option every loss takes. */
export interface ReductionOptions {
  /** `"mean"` (default), `"sum"` or `"none"` (per-element losses). */
  reduction?: Reduction;
}

/** Throws unless `reduction` is one of `allowed`. */
export function checkReduction(loss: string, reduction: string, allowed: readonly string[] = ["mean", "sum", "none"]): void {
  if (!allowed.includes(reduction)) {
    throw new ValueError(`${loss}: reduction must be ${allowed.map((r) => `"${r}"`).join(", ")}; got "${reduction}".`);
  }
}

/** Applies `reduction` to per-element losses (checked first). */
export function reduce(loss: string, perElement: Tensor, reduction: Reduction): Tensor {
  checkReduction(loss, reduction);
  if (reduction === "none") return perElement;
  return reduction === "sum" ? sum(perElement) : mean(perElement);
}

/** Weighted mean: `Σ loss / Σ weight` (PyTorch's mean for losses with class weights or ignored targets). */
export const weightedMean = (perElement: Tensor, weights: Tensor): Tensor => div(sum(perElement), sum(weights));

/** Predictions must be float tensors (gradients flow into them). */
export function checkFloat(loss: string, x: Tensor, arg = "input"): void {
  if (!(x instanceof Tensor)) throw new ValueError(`${loss}: ${arg} must be a Tensor, got ${typeof x}.`);
  if (!isFloat(x.dtype)) {
    throw new DTypeError(`${loss}: ${arg} has dtype ${x.dtype}, but a float tensor is needed. Convert it with ${arg}.float().`);
  }
}

/** Element-wise losses need `input` and `target` of one shape (no silent broadcasting, unlike PyTorch's warning). */
export function checkSameShape(loss: string, input: Tensor, target: Tensor, names: [string, string] = ["input", "target"]): void {
  if (shapesEqual(input.shape, target.shape)) return;
  const hint =
    input.size === target.size
      ? ` They hold the same number of elements: reshape one, e.g. ${names[1]}.reshape(${fmtShape(input.shape)}).`
      : " Check that the predictions and targets come from the same batch.";
  throw new ShapeError(
    `${loss}: ${names[0]} has shape ${fmtShape(input.shape)} but ${names[1]} has shape ${fmtShape(target.shape)}; they must match.` + hint,
  );
}

/** Float targets: an int or bool target is refused with a hint to convert it. */
export function checkFloatTarget(loss: string, target: Tensor, what: string): void {
  if (!(target instanceof Tensor)) throw new ValueError(`${loss}: target must be a Tensor, got ${typeof target}.`);
  if (!isFloat(target.dtype)) {
    throw new DTypeError(`${loss}: target has dtype ${target.dtype}, but ${what} are expected as floats. Convert it with target.float().`);
  }
}

export interface ScanOptions {
  /** Allowed closed interval; values outside it are refused. */
  range?: readonly [number, number];
  /** Appended to the out-of-range message (what the user probably meant). */
  rangeHint?: string;
  /** Appended to the NaN message of an input (e.g. "use binaryCrossEntropyWithLogits"). */
  nanHint?: string;
}

/** A value as the user wrote it: float32 values printed with float32's 7 digits (1.3, not 1.2999999523162842). */
const fmtValue = (v: number, x: Tensor): string => (x.dtype === "float32" ? String(Number(v.toPrecision(7))) : String(v));

const position = (shape: readonly number[], flat: number): string => {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(flat % shape[d]!);
    flat = Math.floor(flat / shape[d]!);
  }
  return `[${idx.join(",")}]`;
};

/**
 * One pass over a tensor's values: refuses NaN and, with `range`, values outside [lo, hi]. For `arg`
 * "input" a NaN means training has diverged, and the message says so. Returns the values it read.
 */
export function scanValues(loss: string, x: Tensor, arg: string, { range, rangeHint = "", nanHint = "" }: ScanOptions = {}): TypedArray {
  const v = x.dataSync();
  const lo = range ? range[0] : -Infinity, hi = range ? range[1] : Infinity;
  for (let i = 0; i < v.length; i++) {
    const a = v[i]!;
    if (a !== a) {
      const why =
        arg === "input"
          ? " The predictions are NaN: training has probably diverged. Try a lower learning rate or gradient clipping" +
            (nanHint ? `, or ${nanHint}.` : ".")
          : " Check the data for missing values.";
      throw new ValueError(`${loss}: NaN appeared in the ${arg} (first at ${position(x.shape, i)} of shape ${fmtShape(x.shape)}).${why}`);
    }
    if (a < lo || a > hi) {
      throw new ValueError(
        `${loss}: ${arg} values must lie in [${lo}, ${hi}], found ${fmtValue(a, x)} at ${position(x.shape, i)} (shape ${fmtShape(x.shape)}).` +
          (rangeHint ? ` ${rangeHint}` : ""),
      );
    }
  }
  return v;
}

/**
 * Class-index targets: int32 values in [0, C) or equal to `ignoreIndex`. One pass; the error names the
 * first bad index, its position and C.
 */
export function checkClassIndices(loss: string, target: Tensor, numClasses: number, ignoreIndex: number | null): void {
  const v = target.dataSync();
  for (let i = 0; i < v.length; i++) {
    const k = v[i]!;
    if (k === ignoreIndex) continue;
    if (k < 0 || k >= numClasses) {
      throw new IndexError(
        `${loss}: target holds class index ${k} at ${position(target.shape, i)}, but the input has C = ${numClasses} classes; ` +
          `indices must lie in [0, ${numClasses})` +
          (ignoreIndex === null ? "." : ` (or equal ignoreIndex = ${ignoreIndex}).`) +
          (k === numClasses ? " Labels counted from 1? Subtract 1." : ""),
      );
    }
  }
}

/** A class weight is a float vector of length C. */
export function checkClassWeight(loss: string, weight: Tensor | null | undefined, numClasses: number): void {
  if (weight === undefined || weight === null) return;
  checkFloat(loss, weight, "weight");
  if (weight.ndim !== 1 || weight.shape[0] !== numClasses) {
    throw new ShapeError(
      `${loss}: weight must be a vector of one weight per class, shape [${numClasses}], got ${fmtShape(weight.shape)}.`,
    );
  }
}

/** A rescaling weight (BCE's `weight`, `posWeight`) must broadcast to the input's shape without growing it. */
export function checkBroadcastWeight(loss: string, arg: string, weight: Tensor | null | undefined, shape: readonly number[]): void {
  if (weight === undefined || weight === null) return;
  checkFloat(loss, weight, arg);
  let ok = weight.ndim <= shape.length;
  if (ok) {
    try {
      ok = shapesEqual(broadcastShapes(loss, weight.shape, shape), shape);
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new ShapeError(
      `${loss}: ${arg} of shape ${fmtShape(weight.shape)} does not broadcast to the input's shape ${fmtShape(shape)}. ` +
        `Use one weight per element, or e.g. shape [${shape[shape.length - 1] ?? 1}] for one per class (last dim).`,
    );
  }
}

/** A number option must be finite and satisfy `ok`; `rule` says what is allowed. */
export function checkNumber(loss: string, arg: string, value: number, ok: (v: number) => boolean, rule: string): void {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) {
    throw new ValueError(`${loss}: ${arg} must be ${rule}, got ${String(value)}.`);
  }
}

/** Values in {−1, 1} (embedding losses' similar/dissimilar labels). */
export function checkPlusMinusOne(loss: string, target: Tensor): void {
  const v = target.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 1 && v[i] !== -1) {
      throw new ValueError(
        `${loss}: target values must be 1 (similar) or -1 (dissimilar), found ${fmtValue(v[i]!, target)} at ${position(target.shape, i)}. ` +
          "Map 0/1 labels with target.mul(2).sub(1).",
      );
    }
  }
}

/** Reshapes a [C]-vector so it broadcasts along dim 1 of an input with `ndim` dims: [1, C, 1, ...]. */
export const alongClassDim = (v: Tensor, ndim: number): Tensor =>
  reshape(v, Array.from({ length: ndim }, (_, i) => (i === 1 ? v.shape[0]! : 1)));
