/**
 * Matrix products with NumPy semantics: 1-D·1-D is a dot product, a 1-D operand is promoted to a matrix
 * (and the added dim removed afterwards), leading batch dims broadcast.
 */
import { record } from "../autograd/node.js";
import { promoteTypes } from "../dtype.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { broadcastShapes } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast } from "./elementwise.js";
import { expand, reshape, squeeze, transpose, unsqueeze } from "./movement.js";

/** The primitive: a [...B, M, K] · b [...B, K, N] with equal batch dims. Gradients are matmuls with transposes. */
function bmm(a: Tensor, b: Tensor): Tensor {
  const nd = a.ndim;
  const shape = [...a.shape.slice(0, nd - 1), b.shape[nd - 1]!];
  const out = Tensor._fromStorage(a.backend.kernels.matmul(a, b, a.dtype), shape, a.dtype, a.backend);
  return record(out, "matmul", [a, b], (dy) => [
    a.requiresGrad ? bmm(dy, transpose(b)) : null,
    b.requiresGrad ? bmm(transpose(a), dy) : null,
  ]);
}

/**
 * Matrix product, as `torch.matmul`.
 * ```ts
 * matmul(ones([2, 3]), ones([3, 4])).shape;     // [2, 4]
 * matmul(ones([5, 2, 3]), ones([3])).shape;     // [5, 2]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new ValueError("matmul: both operands must be Tensors.");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both operands need at least 1 dimension, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}. Use mul() for scalars.`);
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  let x = cast(a, dtype), y = cast(b, dtype);
  const aVec = x.ndim === 1, bVec = y.ndim === 1;
  if (aVec) x = unsqueeze(x, 0);
  if (bVec) y = unsqueeze(y, -1);
  const k1 = x.shape[x.ndim - 1]!, k2 = y.shape[y.ndim - 2]!;
  if (k1 !== k2) {
    throw new ShapeError(
      `matmul: inner dimensions differ: a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)} (${k1} ≠ ${k2}). ` +
        `Did you mean b.transpose()?`,
    );
  }
  const batch = broadcastShapes("matmul (batch dims)", x.shape.slice(0, -2), y.shape.slice(0, -2));
  x = expand(x, [...batch, ...x.shape.slice(-2)]);
  y = expand(y, [...batch, ...y.shape.slice(-2)]);
  let out = bmm(x, y);
  if (aVec) out = squeeze(out, -2);
  if (bVec) out = squeeze(out, -1);
  return out;
}

/** Dot product of two 1-D tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(`dot: both operands must be 1-D, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}. Use matmul() for matrices.`);
  }
  return matmul(a, b);
}

/** Outer product of two 1-D tensors: [n] × [m] → [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(`outer: both operands must be 1-D, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}.`);
  }
  return matmul(reshape(a, [a.shape[0]!, 1]), reshape(b, [1, b.shape[0]!]));
}
