/**
 * Matrix products with NumPy semantics: 1-D·1-D is a dot product, a 1-D operand is promoted to a matrix
 * (and the added dim removed afterwards), leading batch dims broadcast.
 */
import type { LinearActivation } from "../backend/backend.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { record } from "../autograd/node.js";
import { isFloat, promoteTypes } from "../dtype.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { broadcastShapes, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { activationGrad, add, cast, relu, sigmoid, tanh } from "./elementwise.js";
import { expand, reshape, squeeze, transpose, unsqueeze } from "./movement.js";
import { sum } from "./reduce.js";

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

export type { LinearActivation } from "../backend/backend.js";

/** The activation as its own op (a function, not a table: the ops modules import each other). */
const activate = (act: LinearActivation, y: Tensor): Tensor => (act === "relu" ? relu(y) : act === "tanh" ? tanh(y) : sigmoid(y));
const ACT_GRADS = { relu: "reluGrad", tanh: "tanhGrad", sigmoid: "sigmoidGrad" } as const;

/**
 * The dense layer `act(x·wᵀ + bias)` for x [..., K], w [N, K], bias [N] or null, act one of relu, tanh,
 * sigmoid or none (as `torch.nn.functional.linear` followed by the activation). With float operands of one
 * dtype this is one graph node and one kernel (`Kernels.linear`: wᵀ is never materialized) whose backward is
 * three kernels (dx = g·w, dW = gᵀ·x, db = Σ g over the rows, g the gradient through the activation, itself
 * one kernel); the values and gradients are exactly those of `add(matmul(x, transpose(w)), bias)` then the
 * activation, which is what runs for other operands (mixed dtypes, a bias that is not [N]).
 */
export function linear(x: Tensor, w: Tensor, bias: Tensor | null = null, activation: LinearActivation | null = null): Tensor {
  if (!(x instanceof Tensor) || !(w instanceof Tensor)) throw new ValueError("linear: input and weight must be Tensors.");
  if (activation !== null && !(activation in ACT_GRADS)) {
    throw new ValueError(`linear: activation must be "relu", "tanh", "sigmoid" or null, got ${JSON.stringify(activation)}.`);
  }
  const dtype = x.dtype;
  const fused =
    isFloat(dtype) && w.dtype === dtype && w.ndim === 2 && x.ndim >= 1 && x.shape[x.ndim - 1] === w.shape[1] && w.backend === x.backend &&
    (bias === null || (bias.dtype === dtype && bias.ndim === 1 && bias.shape[0] === w.shape[0] && bias.backend === x.backend));
  if (!fused) {
    const y = bias ? add(matmul(x, transpose(w)), bias) : matmul(x, transpose(w));
    return activation ? activate(activation, y) : y;
  }
  const N = w.shape[0]!, K = w.shape[1]!;
  const lead = x.shape.slice(0, -1);
  const x2 = x.ndim === 2 ? x : reshape(x, [sizeOf(lead), K]);
  const M = x2.shape[0]!;
  const kernels = x.backend.kernels;
  const out = Tensor._fromStorage(kernels.linear(x2, w, bias, activation, dtype), [M, N], dtype, x.backend);
  const inputs = bias ? [x2, w, bias] : [x2, w];
  const y = record(out, activation ? `linear+${activation}` : "linear", inputs, (dy) => {
    const g = activation ? activationGrad(ACT_GRADS[activation], out, dy) : dy;
    if (isGradEnabled()) {
      // Recorded (createGraph): differentiable ops, the same kernels.
      return [
        x2.requiresGrad ? matmul(g, w) : null,
        w.requiresGrad ? matmul(transpose(g), x2) : null,
        bias?.requiresGrad ? sum(g, 0) : null,
      ];
    }
    const b = x.backend, gt = { storage: g.storage, shape: [N, M], strides: [g.strides[1]!, g.strides[0]!], offset: g.offset };
    const grads = [
      x2.requiresGrad ? Tensor._fromStorage(kernels.matmul(g, w, dtype), [M, K], dtype, b) : null,
      w.requiresGrad ? Tensor._fromStorage(kernels.matmul(gt, x2, dtype), [N, K], dtype, b) : null,
      bias?.requiresGrad ? Tensor._fromStorage(kernels.reduce("sum", g, [0], dtype), [N], dtype, b) : null,
    ];
    // The gradient through the activation was made here (a fresh kernel output) and nothing else holds it.
    if (g !== dy) b.dispose(g.storage);
    return grads;
  });
  return x.ndim === 2 ? y : reshape(y, [...lead, N]);
}
