/**
 * Typed errors. Every message names the operation, the argument, the offending shapes or values, and a
 * likely fix, e.g. `matmul: inner dimensions differ: a is [2,3], b is [4,5] (3 ≠ 4). Did you mean b.transpose()?`
 */

/** Base class of every error nabla throws on purpose. */
export class NablaError extends Error {
  override name = "NablaError";
}

/** Shapes that do not fit together (broadcasting, matmul, reshape, concatenation, ...). */
export class ShapeError extends NablaError {
  override name = "ShapeError";
}

/** A dtype an operation cannot take (e.g. `requiresGrad` on an int32 tensor). */
export class DTypeError extends NablaError {
  override name = "DTypeError";
}

/** An axis or index outside its range. */
export class IndexError extends NablaError {
  override name = "IndexError";
}

/** An argument with a bad value (a negative size, NaN where a number is needed, an unknown option). */
export class ValueError extends NablaError {
  override name = "ValueError";
}

/** Misuse of autograd: backward on a non-scalar without gradOutput, a freed graph, ... */
export class GradError extends NablaError {
  override name = "GradError";
}

/** Formats a shape the way messages print it: `[2,3]`, `[]` for a scalar. */
export const fmtShape = (shape: readonly number[]): string => `[${shape.join(",")}]`;
