/**
 * Reductions along axes with `keepDims`. The primitives (sum, prod, max, min) compute with the reduced axes
 * kept as size 1; the gradient then only needs `expand`. `dim` undefined means all axes.
 */
import type { ReduceOp } from "../backend/backend.js";
import { record } from "../autograd/node.js";
import { isGradEnabled, noGrad } from "../autograd/grad-mode.js";
import { isFloat, toFloat, type DType } from "../dtype.js";
import { ValueError, fmtShape } from "../errors.js";
import { normAxes, normAxis, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { add, cast, div, eq, exp, isfinite, log, mul, sqrt, sub, where } from "./elementwise.js";
import { expand, permute, reshape } from "./movement.js";
import { eye } from "./creation.js";

export type Dim = number | readonly number[] | undefined;

function kernel(op: ReduceOp, x: Tensor, axes: number[], dtype: DType): Tensor {
  const shape = x.shape.map((s, i) => (axes.includes(i) ? 1 : s));
  if (op !== "sum" && op !== "prod") {
    const empty = axes.find((a) => x.shape[a] === 0);
    if (empty !== undefined) {
      throw new ValueError(`${op}: cannot reduce dimension ${empty} of size 0 (input ${fmtShape(x.shape)}); the result is undefined.`);
    }
  }
  return Tensor._fromStorage(x.backend.kernels.reduce(op, x, axes, dtype), shape, dtype, x.backend);
}

const dropAxes = (t: Tensor, axes: number[], keepDims: boolean): Tensor =>
  keepDims ? t : reshape(t, t.shape.filter((_, i) => !axes.includes(i)));

/** Sum over `dim` (all by default). Ints and bools sum to int32. */
export function sum(x: Tensor, dim?: Dim, keepDims = false): Tensor {
  const axes = normAxes("sum", dim, x.ndim);
  const out = kernel("sum", x, axes, x.dtype === "bool" ? "int32" : x.dtype);
  const kept = record(out, "sum", [x], (dy) => [expand(dy, x.shape)]);
  return dropAxes(kept, axes, keepDims);
}

/** Mean over `dim` (all by default); ints give float32. */
export function mean(x: Tensor, dim?: Dim, keepDims = false): Tensor {
  const axes = normAxes("mean", dim, x.ndim);
  const n = sizeOf(axes.map((a) => x.shape[a]!));
  const xs = isFloat(x.dtype) ? x : cast(x, toFloat(x.dtype));
  return div(sum(xs, axes, keepDims), n);
}

/**
 * Product over `dim`. The gradient is `prod / x`, computed without dividing by zero: with one zero in a
 * slice, that element gets the product of the others; with two or more, every element gets 0 (and, under
 * createGraph, the second derivative is still exact; pinned in test/gradcheck.test.ts).
 */
export function prod(x: Tensor, dim?: Dim, keepDims = false): Tensor {
  const axes = normAxes("prod", dim, x.ndim);
  const out = kernel("prod", x, axes, x.dtype === "bool" ? "int32" : x.dtype);
  const kept = record(out, "prod", [x], (dy) => {
    const isZero = eq(x, 0);
    const safe = where(isZero, 1, x);
    const zeroCount = expand(sum(isZero, axes, true), x.shape);
    const othersIfZero = expand(prod(safe, axes, true), x.shape);
    const outE = expand(out, x.shape);
    // With two or more zeros in a slice the first derivative is 0, but its derivative is not (∂²/∂z₁∂z₂ is
    // the product of the rest). Only when the backward is itself recorded (createGraph) and such a slice
    // exists, use the exact, differentiable product of the others (O(n²) per slice, so not by default).
    const exact = isGradEnabled() && x.size > 0 && noGrad(() => max(zeroCount).item()) >= 2;
    const atZero = exact ? prodOthers(x, axes) : where(eq(zeroCount, 1), othersIfZero, 0);
    const g = where(isZero, atZero, div(outE, safe));
    return [mul(expand(dy, x.shape), g)];
  });
  return dropAxes(kept, axes, keepDims);
}

/** `Π_{j≠i} x_j` over the slice of `axes` that holds each element i, built from differentiable ops. */
function prodOthers(x: Tensor, axes: number[]): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const keptShape = kept.map((i) => x.shape[i]!);
  const n = sizeOf(axes.map((a) => x.shape[a]!));
  // grid[..., i, j] = x_j, with the diagonal replaced by 1; its product over j skips element i.
  const grid = expand(reshape(permute(x, perm), [...keptShape, 1, n]), [...keptShape, n, n]);
  const others = prod(where(eye(n, n, { dtype: "bool" }), 1, grid), -1);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return permute(reshape(others, perm.map((i) => x.shape[i]!)), inverse);
}

/** max/min share a gradient: it goes to the extreme elements, split evenly between ties (as torch.amax). */
function extreme(op: "max" | "min", x: Tensor, dim: Dim, keepDims: boolean): Tensor {
  const axes = normAxes(op, dim, x.ndim);
  const out = kernel(op, x, axes, x.dtype);
  const kept = record(out, op, [x], (dy) => {
    const mask = cast(eq(x, expand(out, x.shape)), dy.dtype);
    const count = sum(mask, axes, true);
    return [mul(mask, expand(div(dy, count), x.shape))];
  });
  return dropAxes(kept, axes, keepDims);
}
/** Maximum over `dim` (all by default). NaN propagates. */
export const max = (x: Tensor, dim?: Dim, keepDims = false): Tensor => extreme("max", x, dim, keepDims);
/** Minimum over `dim` (all by default). NaN propagates. */
export const min = (x: Tensor, dim?: Dim, keepDims = false): Tensor => extreme("min", x, dim, keepDims);

function argExtreme(op: "argmax" | "argmin", x: Tensor, dim: number | undefined, keepDims: boolean): Tensor {
  if (dim === undefined) {
    const flat = reshape(x, [x.size]);
    const out = kernel(op, flat, [0], "int32");
    return keepDims ? reshape(out, x.shape.map(() => 1)) : reshape(out, []);
  }
  const d = normAxis(op, dim, x.ndim);
  return dropAxes(kernel(op, x, [d], "int32"), [d], keepDims);
}
/** Index of the (first) largest element along `dim`, or of the flattened tensor; int32. */
export const argmax = (x: Tensor, dim?: number, keepDims = false): Tensor => argExtreme("argmax", x, dim, keepDims);
/** Index of the (first) smallest element along `dim`, or of the flattened tensor; int32. */
export const argmin = (x: Tensor, dim?: number, keepDims = false): Tensor => argExtreme("argmin", x, dim, keepDims);

/**
 * Variance over `dim`: `Σ(x − mean)² / (N − correction)`. `correction` 1 (default) is the unbiased
 * estimator, as torch.var; 0 is the population variance.
 */
export function variance(x: Tensor, dim?: Dim, { correction = 1, keepDims = false }: { correction?: number; keepDims?: boolean } = {}): Tensor {
  const axes = normAxes("var", dim, x.ndim);
  const n = sizeOf(axes.map((a) => x.shape[a]!));
  const xs = isFloat(x.dtype) ? x : cast(x, "float32");
  const centered = sub(xs, mean(xs, axes, true));
  return div(sum(mul(centered, centered), axes, keepDims), Math.max(0, n - correction));
}

/** Standard deviation: `sqrt(var(x, dim, { correction }))`. */
export const std = (x: Tensor, dim?: Dim, opts: { correction?: number; keepDims?: boolean } = {}): Tensor =>
  sqrt(variance(x, dim, opts));

/**
 * `log Σ exp(x)` over `dim`, stable: the max m is subtracted first (`m + log Σ exp(x − m)`). m is a
 * constant for the gradient (its contributions cancel), which gives the exact softmax gradient.
 */
export function logsumexp(x: Tensor, dim?: Dim, keepDims = false): Tensor {
  const axes = normAxes("logsumexp", dim, x.ndim);
  const xs = isFloat(x.dtype) ? x : cast(x, "float32");
  const m = noGrad(() => {
    const mx = max(xs, axes, true);
    return where(isfinite(mx), mx, 0); // all −inf (or inf) slices: shift by 0 instead of NaN
  });
  const lse = add(log(sum(exp(sub(xs, m)), axes, true)), m);
  return dropAxes(lse, axes, keepDims);
}
