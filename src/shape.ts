/** Shape arithmetic shared by ops and backends: sizes, strides, broadcasting, axis normalization. */
import { IndexError, ShapeError, ValueError, fmtShape } from "./errors.js";

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-contiguous) strides of a shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True if the strides are row-major for the shape (dims of size 1 may have any stride). */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== s) return false;
    s *= shape[i]!;
  }
  return true;
}

export const shapesEqual = (a: Shape, b: Shape): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * NumPy broadcasting: align trailing dims; each pair must be equal or contain a 1.
 * `broadcastShapes("add", [2,1,3], [4,3])` → `[2,4,3]`.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast: dimension ${i - n} is ` +
          `${da} vs ${db}. Broadcasting needs equal sizes or a 1; reshape or unsqueeze one operand.`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalizes a possibly negative axis; throws an IndexError naming the op otherwise. */
export function normAxis(op: string, axis: number, ndim: number, argName = "dim"): number {
  if (!Number.isInteger(axis)) {
    throw new ValueError(`${op}: ${argName} must be an integer, got ${axis}.`);
  }
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (axis < lo || axis > hi) {
    throw new IndexError(
      `${op}: ${argName} ${axis} is out of range for a tensor with ${ndim} dimension(s) ` +
        `(valid: ${lo}..${hi}).`,
    );
  }
  return axis < 0 ? axis + Math.max(ndim, 1) : axis;
}

/** Normalizes an axis list (undefined = all axes), sorted and unique. */
export function normAxes(op: string, axes: number | readonly number[] | undefined, ndim: number): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const out = [...new Set(list.map((a) => normAxis(op, a, ndim)))].sort((x, y) => x - y);
  if (out.length !== list.length) {
    throw new ValueError(`${op}: dim [${list.join(",")}] repeats an axis; list each axis once.`);
  }
  return ndim === 0 ? [] : out;
}

/** Checks that a shape is a list of non-negative integers. */
export function checkShape(op: string, shape: Shape, argName = "shape"): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(`${op}: ${argName} ${fmtShape(shape)} has an invalid size ${d}; sizes are integers ≥ 0.`);
    }
  }
}
