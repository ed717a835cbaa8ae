/**
 * Reading metric inputs: predictions and targets arrive as Tensors (any dtype, any backend) and leave as
 * plain arrays of numbers, checked once here so every metric gives the same clear errors.
 *
 * Conventions (shared by every metric): arguments are `(pred, target)`, as torchmetrics and nabla's losses
 * (scikit-learn's order is `(y_true, y_pred)`). A class prediction is one of
 * - scores `[..., C]` with integer labels `[...]` (or one-hot targets `[..., C]`): the class is the argmax
 *   (the first one on ties, as NumPy);
 * - float probabilities with the target's shape: the class is `pred > threshold` (strictly, as Keras);
 * - int32/bool labels with the target's shape: used as they are.
 * A trailing dimension of size 1 on either side is ignored (`[N,1]` against `[N]`), nothing else broadcasts.
 */
import { isFloat } from "../dtype.js";
import { IndexError, ShapeError, ValueError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor.js";

/** Elements of `t` in row-major order (a fresh array; tensors that require grad are read as they are). */
export const readValues = (t: Tensor): ArrayLike<number> => t.dataSync();

/** True when the shapes are equal or differ only by one trailing dimension of size 1. */
export function sameShapeUpToTrailingOne(a: readonly number[], b: readonly number[]): boolean {
  const eq = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((d, i) => d === y[i]);
  if (eq(a, b)) return true;
  if (a.length === b.length + 1 && a[a.length - 1] === 1) return eq(a.slice(0, -1), b);
  if (b.length === a.length + 1 && b[b.length - 1] === 1) return eq(a, b.slice(0, -1));
  return false;
}

/** Throws a ShapeError unless pred and target have the same shape (up to a trailing 1). */
export function checkSameShape(op: string, pred: Tensor, target: Tensor): void {
  if (!sameShapeUpToTrailingOne(pred.shape, target.shape)) {
    throw new ShapeError(
      `${op}: pred has shape ${fmtShape(pred.shape)} but target has shape ${fmtShape(target.shape)}; they must match ` +
        `(a trailing dimension of 1 is allowed). Check the argument order (pred, target) and the batch sizes.`,
    );
  }
}

/** Reads `t` as class labels: every value must be a non-negative integer (and below `numClasses` if given). */
export function readLabels(op: string, arg: string, t: Tensor, numClasses?: number): Int32Array {
  const v = readValues(t);
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isInteger(x) || x < 0) {
      throw new ValueError(
        `${op}: ${arg} must hold class labels (non-negative integers), but element ${i} is ${x}. ` +
          (isFloat(t.dtype) ? "If these are scores or probabilities, pass them as pred, not as the target." : ""),
      );
    }
    if (numClasses !== undefined && x >= numClasses) {
      throw new IndexError(`${op}: ${arg} has label ${x} at element ${i}, out of range for ${numClasses} classes (0..${numClasses - 1}).`);
    }
    out[i] = x;
  }
  return out;
}

/** Row-wise argmax of a `[rows, C]` block of numbers (first maximum on ties; NaN counts as largest, as NumPy). */
export function argmaxRows(v: ArrayLike<number>, rows: number, C: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestV = v[r * C]!;
    for (let c = 1; c < C && !Number.isNaN(bestV); c++) {
      const x = v[r * C + c]!;
      if (x > bestV || Number.isNaN(x)) {
        best = c;
        bestV = x;
      }
    }
    out[r] = best;
  }
  return out;
}

/** Predicted and true classes, one per sample, and the number of classes when the scores tell it. */
export interface ClassPairs {
  pred: Int32Array;
  target: Int32Array;
  /** C when pred holds scores `[..., C]`; undefined when both sides are labels. */
  numClasses?: number;
}

/** How `pred` is turned into classes; see the module comment. */
export function toClassPairs(op: string, pred: Tensor, target: Tensor, threshold = 0.5): ClassPairs {
  const C = pred.shape[pred.ndim - 1];
  // scores [..., C] with labels [...]
  // (a last dimension of 1 is one probability per sample, handled below)
  if (C! > 1 && pred.ndim === target.ndim + 1 && pred.shape.slice(0, -1).every((d, i) => d === target.shape[i])) {
    const rows = target.size;
    return { pred: argmaxRows(readValues(pred), rows, C!), target: readLabels(op, "target", target, C), numClasses: C };
  }
  checkSameShape(op, pred, target);
  // scores [..., C] with one-hot (or probability) targets [..., C]
  if (pred.ndim >= 2 && C! > 1 && pred.ndim === target.ndim) {
    const rows = pred.size / C!;
    return { pred: argmaxRows(readValues(pred), rows, C!), target: argmaxRows(readValues(target), rows, C!), numClasses: C };
  }
  const t = readLabels(op, "target", target);
  if (isFloat(pred.dtype)) {
    const bad = t.findIndex((x) => x > 1);
    if (bad >= 0) {
      throw new ValueError(
        `${op}: pred is float with the target's shape ${fmtShape(target.shape)}, so it is read as probabilities of ` +
          `class 1 and thresholded into 0/1, but target has label ${t[bad]} at element ${bad}. For multiclass data ` +
          `pass scores of shape [..., C], or predicted labels as int32 (pred.int()).`,
      );
    }
    const v = readValues(pred);
    const p = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) p[i] = v[i]! > threshold ? 1 : 0;
    return { pred: p, target: t };
  }
  return { pred: readLabels(op, "pred", pred), target: t };
}

/** Throws when there is nothing to score. */
export function checkNonEmpty(op: string, n: number): void {
  if (n === 0) throw new ValueError(`${op}: got 0 samples; a metric needs at least one.`);
}
