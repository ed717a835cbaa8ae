/**
 * Element-wise primitives: each is a kernel call, an output dtype rule and a vector-Jacobian product,
 * side by side. Binary ops broadcast by `expand`ing both operands (a zero-copy view), so "sum the gradient
 * back to the input's shape" lives in one place: expand's vjp.
 */
import type { BinaryOp, UnaryOp } from "../backend/backend.js";
import { isFloat, promoteTypes, toFloat, type DType } from "../dtype.js";
import { DTypeError, ValueError } from "../errors.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { record } from "../autograd/node.js";
import { broadcastShapes, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { expand } from "./movement.js";

/** A tensor or a plain number; numbers take the dtype of the tensor they meet (a float if they are fractional). */
export type Operand = Tensor | number | boolean;

// ---------------------------------------------------------------- casting

/** Converts to another dtype. Float→int32 truncates toward zero; anything→bool is `x ≠ 0`. */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = Tensor._fromStorage(x.backend.kernels.copy(x, dtype), x.shape, dtype, x.backend);
  if (!isFloat(dtype)) return out;
  return record(out, "cast", [x], (dy) => [cast(dy, x.dtype)]);
}

// ---------------------------------------------------------------- unary

function unary(op: UnaryOp, x: Tensor, dtype: DType): Tensor {
  return Tensor._fromStorage(x.backend.kernels.unary(op, x, dtype), x.shape, dtype, x.backend);
}

/** Float-valued unary op: int and bool inputs compute in float32. */
function floatUnary(op: UnaryOp, x: Tensor, vjp: (dy: Tensor, out: Tensor, x: Tensor) => Tensor): Tensor {
  const out = unary(op, x, toFloat(x.dtype));
  return record(out, op, [x], (dy) => [vjp(dy, out, x)]);
}

/** `-x`. */
export const neg = (x: Tensor): Tensor => record(unary("neg", x, x.dtype === "bool" ? "int32" : x.dtype), "neg", [x], (dy) => [neg(dy)]);
/** `eˣ`; derivative `eˣ`. */
export const exp = (x: Tensor): Tensor => floatUnary("exp", x, (dy, out) => mul(dy, out));
/** Natural logarithm; derivative `1/x`. */
export const log = (x: Tensor): Tensor => floatUnary("log", x, (dy, _o, x) => div(dy, x));
/** `√x`; derivative `1/(2√x)`. */
export const sqrt = (x: Tensor): Tensor => floatUnary("sqrt", x, (dy, out) => div(dy, mul(out, 2)));
/** `1/x`; derivative `-1/x²`. */
export const recip = (x: Tensor): Tensor => floatUnary("recip", x, (dy, out) => neg(mul(dy, mul(out, out))));
/** `sin x`. */
export const sin = (x: Tensor): Tensor => floatUnary("sin", x, (dy, _o, x) => mul(dy, cos(x)));
/** `cos x`. */
export const cos = (x: Tensor): Tensor => floatUnary("cos", x, (dy, _o, x) => neg(mul(dy, sin(x))));
/** Hyperbolic tangent; derivative `1 - tanh²(x)`. */
export const tanh = (x: Tensor): Tensor =>
  floatUnary("tanh", x, (dy, out) => activationGrad("tanhGrad", out, dy));
/** Gauss error function; derivative `2/√π · e^(−x²)`. */
export const erf = (x: Tensor): Tensor =>
  floatUnary("erf", x, (dy, _o, x) => mul(dy, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))));
/** `eˣ − 1`, accurate near 0. */
export const expm1 = (x: Tensor): Tensor => floatUnary("expm1", x, (dy, out) => mul(dy, add(out, 1)));
/** `log(1 + x)`, accurate near 0. */
export const log1p = (x: Tensor): Tensor => floatUnary("log1p", x, (dy, _o, x) => div(dy, add(x, 1)));

/** `|x|`; derivative `sign(x)` (0 at 0, as PyTorch). */
export const abs = (x: Tensor): Tensor => record(unary("abs", x, x.dtype === "bool" ? "int32" : x.dtype), "abs", [x], (dy) => [mul(dy, sign(x))]);

/** Piecewise-constant ops: their gradient is zero wherever it exists. */
const stepUnary = (op: UnaryOp) => (x: Tensor): Tensor => {
  const out = unary(op, x, x.dtype === "bool" ? "int32" : x.dtype);
  return record(out, op, [x], (dy) => [zerosFrom(dy)]);
};
/** −1, 0 or 1. */
export const sign = stepUnary("sign");
export const floor = stepUnary("floor");
export const ceil = stepUnary("ceil");
/** Rounds half to even, as PyTorch. */
export const round = stepUnary("round");

/** True where x is NaN. */
export const isnan = (x: Tensor): Tensor => ne(x, x);
/** True where x is finite (not ±inf, not NaN). */
export const isfinite = (x: Tensor): Tensor => lt(abs(x.detach()), Infinity);

/** Logical not: a bool tensor, true where x is 0. */
export const logicalNot = (x: Tensor): Tensor => unary("logicalNot", x, "bool");

/** Logistic sigmoid `1/(1+e^(−x))`, one primitive for float32 accuracy in both tails; derivative `s(1−s)`. */
export const sigmoid = (x: Tensor): Tensor =>
  floatUnary("sigmoid", x, (dy, out) => activationGrad("sigmoidGrad", out, dy));

/**
 * `max(x, 0)` as one kernel (`where(x > 0, x, 0)` for int and bool inputs); relu'(0) = 0, as PyTorch. The
 * gradient `where(x > 0, dy, dy·0)` is one kernel too.
 */
export function relu(x: Tensor): Tensor {
  if (!isFloat(x.dtype)) return where(gt(x, 0), x, 0);
  const out = unary("relu", x, x.dtype);
  return record(out, "relu", [x], (dy) => [activationGrad("reluGrad", x, dy)]);
}

/** The fused activation gradients as composite, differentiable ops (saved = tanh/sigmoid output, relu input or output). */
const COMPOSITE_GRADS = {
  tanhGrad: (y: Tensor, dy: Tensor): Tensor => mul(dy, sub(1, mul(y, y))),
  sigmoidGrad: (y: Tensor, dy: Tensor): Tensor => mul(dy, mul(y, sub(1, y))),
  reluGrad: (x: Tensor, dy: Tensor): Tensor => where(gt(x, 0), dy, mul(dy, 0)),
};

/**
 * An activation's gradient from its saved tensor and the incoming gradient, as one fused kernel. When the
 * backward pass is itself recorded (createGraph) it is the composite form instead, which gives the same
 * values (the kernel rounds as the composite ops do) and can be differentiated again.
 */
export function activationGrad(op: keyof typeof COMPOSITE_GRADS, saved: Tensor, dy: Tensor): Tensor {
  if (isGradEnabled() || saved.dtype !== dy.dtype || !shapesEqual(saved.shape, dy.shape)) return COMPOSITE_GRADS[op](saved, dy);
  return binary(op, saved, dy, dy.dtype);
}

const zerosFrom = (t: Tensor): Tensor => mul(t, 0);

// ---------------------------------------------------------------- binary

/** Turns the operands into tensors of a common dtype and shape (broadcast views). */
export function broadcastOperands(op: string, a: Operand, b: Operand, dtypeRule?: (d: DType) => DType): [Tensor, Tensor, DType] {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new ValueError(`${op}: at least one operand must be a Tensor, got ${typeof a} and ${typeof b}. Wrap one with tensor().`);
  }
  const ref = (a instanceof Tensor ? a : b) as Tensor;
  const ta = a instanceof Tensor ? a : Tensor._constant(a, ref);
  const tb = b instanceof Tensor ? b : Tensor._constant(b, ref);
  if (ta.backend !== tb.backend) {
    throw new ValueError(`${op}: operands live on different backends ("${ta.backend.name}" and "${tb.backend.name}"); move one with .to().`);
  }
  let dtype = promoteTypes(ta.dtype, tb.dtype);
  if (dtypeRule) dtype = dtypeRule(dtype);
  // The common case, two operands of one shape and dtype: nothing to broadcast or convert.
  if (ta.dtype === dtype && tb.dtype === dtype && shapesEqual(ta.shape, tb.shape)) return [ta, tb, dtype];
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  const ea = shapesEqual(ta.shape, shape) ? ta : expand(ta, shape);
  const eb = shapesEqual(tb.shape, shape) ? tb : expand(tb, shape);
  return [cast(ea, dtype), cast(eb, dtype), dtype];
}

function binary(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType): Tensor {
  return Tensor._fromStorage(a.backend.kernels.binary(op, a, b, dtype), a.shape, dtype, a.backend);
}

type BinVjp = (dy: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];

function arith(op: BinaryOp, x: Operand, y: Operand, vjp: BinVjp, dtypeRule?: (d: DType) => DType): Tensor {
  const [a, b, dtype] = broadcastOperands(op, x, y, dtypeRule);
  const out = binary(op, a, b, dtype === "bool" && op !== "maximum" && op !== "minimum" ? "int32" : dtype);
  return record(out, op, [a, b], (dy) => vjp(dy, a, b, out));
}

/** `a + b`, broadcasting. `add(x, 1)` and `x.add(y)` both work. */
export const add = (a: Operand, b: Operand): Tensor => arith("add", a, b, (dy) => [dy, dy]);
/** `a − b`, broadcasting. */
export const sub = (a: Operand, b: Operand): Tensor => arith("sub", a, b, (dy) => [dy, neg(dy)]);
/** `b − a` (reversed subtraction, handy with a number first). */
export const rsub = (a: Operand, b: Operand): Tensor => sub(b, a);
/** `a · b` element-wise, broadcasting. */
export const mul = (a: Operand, b: Operand): Tensor =>
  arith("mul", a, b, (dy, a, b) => [a.requiresGrad || b.requiresGrad ? mul(dy, b) : null, b.requiresGrad ? mul(dy, a) : null]);
/** True division `a / b` (int inputs give float32, as PyTorch). */
export const div = (a: Operand, b: Operand): Tensor =>
  arith("div", a, b, (dy, _a, b, out) => [div(dy, b), b.requiresGrad ? neg(div(mul(dy, out), b)) : null], toFloat);
/**
 * `aᵇ`. Derivatives `b·aᵇ⁻¹` and `aᵇ·ln a` (taken as 0 where a = 0, as PyTorch, so `x.pow(2)` at 0 is clean).
 */
export const pow = (a: Operand, b: Operand): Tensor =>
  arith("pow", a, b, (dy, a, b, out) => [
    a.requiresGrad ? mul(dy, mul(b, pow(a, sub(b, 1)))) : null,
    b.requiresGrad ? mul(dy, where(eq(a, 0), 0, mul(out, log(a)))) : null,
  ]);

/** Ties split the gradient evenly between the operands, as PyTorch. */
const pickVjp = (pick: BinaryOp): BinVjp => (dy, a, b) => {
  const wa = add(cast(binary(pick, a, b, "bool"), dy.dtype), mul(cast(binary("eq", a, b, "bool"), dy.dtype), 0.5));
  return [mul(dy, wa), mul(dy, sub(1, wa))];
};
/** Element-wise maximum; NaN propagates. */
export const maximum = (a: Operand, b: Operand): Tensor => arith("maximum", a, b, pickVjp("gt"));
/** Element-wise minimum; NaN propagates. */
export const minimum = (a: Operand, b: Operand): Tensor => arith("minimum", a, b, pickVjp("lt"));

function compare(op: BinaryOp, x: Operand, y: Operand): Tensor {
  const [a, b] = broadcastOperands(op, x, y);
  return binary(op, a, b, "bool");
}
/** `a == b` → bool tensor. */
export const eq = (a: Operand, b: Operand): Tensor => compare("eq", a, b);
export const ne = (a: Operand, b: Operand): Tensor => compare("ne", a, b);
export const lt = (a: Operand, b: Operand): Tensor => compare("lt", a, b);
export const le = (a: Operand, b: Operand): Tensor => compare("le", a, b);
export const gt = (a: Operand, b: Operand): Tensor => compare("gt", a, b);
export const ge = (a: Operand, b: Operand): Tensor => compare("ge", a, b);

/** Truthiness as bool; a plain number or boolean stays a JS boolean (it meets a tensor next). */
const truthy = (v: Operand): Tensor | boolean => (v instanceof Tensor ? ne(v, 0) : Boolean(v));
/** Element-wise logical and / or of truthiness → bool. */
export const logicalAnd = (a: Operand, b: Operand): Tensor => ne(mul(truthy(a), truthy(b)), 0);
export const logicalOr = (a: Operand, b: Operand): Tensor => ne(add(truthy(a), truthy(b)), 0);

/**
 * `cond ? a : b` element-wise, broadcasting all three. The gradient flows to `a` where cond holds and to
 * `b` elsewhere.
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  if (!(cond instanceof Tensor)) throw new ValueError(`where: cond must be a Tensor (bool), got ${typeof cond}.`);
  const [ta0, tb0, dtype] = broadcastOperands("where", a instanceof Tensor || b instanceof Tensor ? a : Tensor._constant(a, cond, "float32"), b);
  const shape = broadcastShapes("where", cond.shape, ta0.shape);
  const ta = shapesEqual(ta0.shape, shape) ? ta0 : expand(ta0, shape);
  const tb = shapesEqual(tb0.shape, shape) ? tb0 : expand(tb0, shape);
  const c = shapesEqual(cond.shape, shape) ? cond : expand(cond, shape);
  const out = Tensor._fromStorage(c.backend.kernels.where(c, ta, tb, dtype), shape, dtype, c.backend);
  return record(out, "where", [ta, tb], (dy) => {
    const zero = zerosFrom(dy);
    return [ta.requiresGrad ? where(c, dy, zero) : null, tb.requiresGrad ? where(c, zero, dy) : null];
  });
}

/**
 * Clamps into [min, max] (either bound may be omitted). The gradient passes where min ≤ x ≤ max, as PyTorch.
 */
export function clamp(x: Tensor, min?: Operand | null, max?: Operand | null): Tensor {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new ValueError("clamp: give at least one of min and max, e.g. clamp(x, 0, 1) or clamp(x, null, 1).");
  }
  let y = x;
  if (min !== undefined && min !== null) y = where(lt(y, min), min, y);
  if (max !== undefined && max !== null) y = where(gt(y, max), max, y);
  return y;
}

/** Checks that a tensor can carry a gradient (float dtype). */
export function assertFloat(op: string, x: Tensor, arg = "input"): void {
  if (!isFloat(x.dtype)) {
    throw new DTypeError(`${op}: ${arg} has dtype ${x.dtype}, but a float tensor is needed. Convert it with .float().`);
  }
}
