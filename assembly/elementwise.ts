/**
 * Element-wise float32 kernels: unary (contiguous, may run in place), binary and where over 2-D views whose
 * element strides are arbitrary (the TS side coalesces any broadcast view to ≤ 2 dims). Rows whose inner
 * strides are 0 or 1 run 4 lanes at a time; anything else runs the same maths lane by lane.
 */
import { erf64, expV, logV, sigmoidV, tanhV } from "./vmath";

// Op codes, mirrored in src/backend/wasm/opcodes.ts.
const NEG = 0, EXP = 1, LOG = 2, SQRT = 3, ABS = 4, SIGN = 5, SIN = 6, COS = 7, TANH = 8, RECIP = 9;
const FLOOR = 10, CEIL = 11, ROUND = 12, ERF = 13, EXPM1 = 14, LOG1P = 15, SIGMOID = 16, LOGICAL_NOT = 17, RELU = 18;
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, POW = 4, MAXIMUM = 5, MINIMUM = 6;
const EQ = 7, NE = 8, LT = 9, LE = 10, GT = 11, GE = 12;
const TANH_GRAD = 13, SIGMOID_GRAD = 14, RELU_GRAD = 15;

/** Whether a binary op is a comparison (writes bytes). */
// @ts-ignore: decorator
@inline
function isCmp(op: i32): bool {
  return op >= EQ && op <= GE;
}


// @ts-ignore: decorator
@inline
function unaryV(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case EXP: return expV(x);
    case LOG: return logV(x);
    case SQRT: return f32x4.sqrt(x);
    case ABS: return f32x4.abs(x);
    case SIGN: {
      const s = f32x4.sub(v128.and(f32x4.gt(x, f32x4.splat(0)), f32x4.splat(1)), v128.and(f32x4.lt(x, f32x4.splat(0)), f32x4.splat(1)));
      return v128.bitselect(x, s, f32x4.ne(x, x)); // NaN stays NaN
    }
    case TANH: return tanhV(x);
    case RECIP: return f32x4.div(f32x4.splat(1), x);
    case FLOOR: return f32x4.floor(x);
    case CEIL: return f32x4.ceil(x);
    case ROUND: return f32x4.nearest(x); // half to even, as the TS backend
    case SIGMOID: return sigmoidV(x);
    case RELU: return v128.and(x, f32x4.gt(x, f32x4.splat(0))); // NaN, −0 → +0
    default: return x;
  }
}

/** Ops computed lane by lane in float64 (sin, cos, erf, expm1, log1p), as the TS backend does. */
// @ts-ignore: decorator
@inline
function unaryS(op: i32, x: f64): f64 {
  switch (op) {
    case SIN: return Math.sin(x);
    case COS: return Math.cos(x);
    case ERF: return erf64(x);
    case EXPM1: return Math.expm1(x);
    case LOG1P: return Math.log1p(x);
    default: return x;
  }
}

// @ts-ignore: decorator
@inline
function unaryRun(op: i32, x: usize, out: usize, n: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, unaryV(op, v128.load(x + o)));
  }
  if (n4 < n) {
    // The last 1–3 elements go through the same vector maths, lane by lane in a register (no static scratch:
    // threads share the memory).
    const rest = n - n4;
    const px = x + (<usize>n4 << 2), po = out + (<usize>n4 << 2);
    let v = v128.load32_zero(px);
    if (rest > 1) v = v128.load32_lane(px, v, 1, 4);
    if (rest > 2) v = v128.load32_lane(px, v, 2, 8);
    const r = unaryV(op, v);
    v128.store32_lane(po, r, 0);
    if (rest > 1) v128.store32_lane(po, r, 1, 4);
    if (rest > 2) v128.store32_lane(po, r, 2, 8);
  }
}

/** out[i] = op(x[i]) for n contiguous float32 (out may be x). logicalNot writes bytes. */
export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unaryRun(NEG, x, out, n); break;
    case EXP: unaryRun(EXP, x, out, n); break;
    case LOG: unaryRun(LOG, x, out, n); break;
    case SQRT: unaryRun(SQRT, x, out, n); break;
    case ABS: unaryRun(ABS, x, out, n); break;
    case SIGN: unaryRun(SIGN, x, out, n); break;
    case TANH: unaryRun(TANH, x, out, n); break;
    case RECIP: unaryRun(RECIP, x, out, n); break;
    case FLOOR: unaryRun(FLOOR, x, out, n); break;
    case CEIL: unaryRun(CEIL, x, out, n); break;
    case ROUND: unaryRun(ROUND, x, out, n); break;
    case SIGMOID: unaryRun(SIGMOID, x, out, n); break;
    case RELU: unaryRun(RELU, x, out, n); break;
    case LOGICAL_NOT:
      for (let i = 0; i < n; i++) store<u8>(out + <usize>i, load<f32>(x + (<usize>i << 2)) == 0 ? 1 : 0);
      break;
    default:
      for (let i = 0; i < n; i++) {
        const p = <usize>i << 2;
        store<f32>(out + p, <f32>unaryS(op, <f64>load<f32>(x + p)));
      }
  }
}

// @ts-ignore: decorator
@inline
function binaryV(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case MAXIMUM: return f32x4.max(a, b); // wasm max propagates NaN, as PyTorch
    case MINIMUM: return f32x4.min(a, b);
    case EQ: return f32x4.eq(a, b);
    case NE: return f32x4.ne(a, b);
    case LT: return f32x4.lt(a, b);
    case LE: return f32x4.le(a, b);
    case GT: return f32x4.gt(a, b);
    case GE: return f32x4.ge(a, b);
    // Activation gradients (a = saved activation, b = incoming gradient), rounded as the composite ops.
    case TANH_GRAD: return f32x4.mul(b, f32x4.sub(f32x4.splat(1), f32x4.mul(a, a)));
    case SIGMOID_GRAD: return f32x4.mul(b, f32x4.mul(a, f32x4.sub(f32x4.splat(1), a)));
    case RELU_GRAD: return v128.bitselect(b, f32x4.mul(b, f32x4.splat(0)), f32x4.gt(a, f32x4.splat(0)));
    default: return a;
  }
}

// @ts-ignore: decorator
@inline
function loadV(p: usize, s: i32): v128 {
  return s == 0 ? v128.load32_splat(p) : v128.load(p);
}

/** One row of a binary op: n outputs, inputs with element strides sa, sb (0 or 1 run 4 lanes at a time). */
// @ts-ignore: decorator
@inline
function binaryRow(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const cmp = isCmp(op);
  let i = 0;
  if ((sa == 0 || sa == 1) && (sb == 0 || sb == 1)) {
    const da = <usize>(sa << 4), db = <usize>(sb << 4);
    let pa = a, pb = b;
    for (; i + 4 <= n; i += 4) {
      const r = binaryV(op, loadV(pa, sa), loadV(pb, sb));
      if (cmp) {
        // lanes are 0 or -1: narrow to bytes and keep bit 0.
        const w = i16x8.narrow_i32x4_s(r, r);
        v128.store32_lane(out + <usize>i, v128.and(i8x16.narrow_i16x8_s(w, w), i8x16.splat(1)), 0);
      } else {
        v128.store(out + (<usize>i << 2), r);
      }
      pa += da;
      pb += db;
    }
  }
  for (; i < n; i++) {
    const va = v128.load32_splat(a + (<usize>(i * sa) << 2));
    const vb = v128.load32_splat(b + (<usize>(i * sb) << 2));
    const r = binaryV(op, va, vb);
    if (cmp) store<u8>(out + <usize>i, <u8>(i32x4.extract_lane(r, 0) & 1));
    else store<f32>(out + (<usize>i << 2), f32x4.extract_lane(r, 0));
  }
}

// @ts-ignore: decorator
@inline
function binaryRows(op: i32, a: usize, ar: i32, ac: i32, b: usize, br: i32, bc: i32, out: usize, rows: i32, cols: i32): void {
  const outRow = <usize>(isCmp(op) ? cols : cols << 2);
  for (let r = 0; r < rows; r++) {
    binaryRow(op, a + (<usize>(r * ar) << 2), ac, b + (<usize>(r * br) << 2), bc, out + <usize>r * outRow, cols);
  }
}

/**
 * out[r, c] = op(a[r·ar + c·ac], b[r·br + c·bc]) over a rows×cols grid, out contiguous (float32, or bytes for
 * comparisons). pow runs lane by lane in float64 (Math.pow), as the TS backend.
 */
export function binaryF32(op: i32, a: usize, ar: i32, ac: i32, b: usize, br: i32, bc: i32, out: usize, rows: i32, cols: i32): void {
  switch (op) {
    case ADD: binaryRows(ADD, a, ar, ac, b, br, bc, out, rows, cols); break;
    case SUB: binaryRows(SUB, a, ar, ac, b, br, bc, out, rows, cols); break;
    case MUL: binaryRows(MUL, a, ar, ac, b, br, bc, out, rows, cols); break;
    case DIV: binaryRows(DIV, a, ar, ac, b, br, bc, out, rows, cols); break;
    case MAXIMUM: binaryRows(MAXIMUM, a, ar, ac, b, br, bc, out, rows, cols); break;
    case MINIMUM: binaryRows(MINIMUM, a, ar, ac, b, br, bc, out, rows, cols); break;
    case EQ: binaryRows(EQ, a, ar, ac, b, br, bc, out, rows, cols); break;
    case NE: binaryRows(NE, a, ar, ac, b, br, bc, out, rows, cols); break;
    case LT: binaryRows(LT, a, ar, ac, b, br, bc, out, rows, cols); break;
    case LE: binaryRows(LE, a, ar, ac, b, br, bc, out, rows, cols); break;
    case GT: binaryRows(GT, a, ar, ac, b, br, bc, out, rows, cols); break;
    case GE: binaryRows(GE, a, ar, ac, b, br, bc, out, rows, cols); break;
    case TANH_GRAD: binaryRows(TANH_GRAD, a, ar, ac, b, br, bc, out, rows, cols); break;
    case SIGMOID_GRAD: binaryRows(SIGMOID_GRAD, a, ar, ac, b, br, bc, out, rows, cols); break;
    case RELU_GRAD: binaryRows(RELU_GRAD, a, ar, ac, b, br, bc, out, rows, cols); break;
    case POW: {
      let o = out;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const x = <f64>load<f32>(a + (<usize>(r * ar + c * ac) << 2));
          const y = <f64>load<f32>(b + (<usize>(r * br + c * bc) << 2));
          store<f32>(o, <f32>Math.pow(x, y));
          o += 4;
        }
      }
      break;
    }
  }
}

/**
 * out[r, c] = cond[r·cr + c·cc] ≠ 0 ? a[…] : b[…] over a rows×cols grid; cond is bytes, a, b and out are
 * 32-bit lanes (float32 or int32: the kernel only moves bits).
 */
export function where32(cond: usize, cr: i32, cc: i32, a: usize, ar: i32, ac: i32, b: usize, br: i32, bc: i32, out: usize, rows: i32, cols: i32): void {
  const vec = (cc == 0 || cc == 1) && (ac == 0 || ac == 1) && (bc == 0 || bc == 1);
  for (let r = 0; r < rows; r++) {
    const pc = cond + <usize>(r * cr), pa = a + (<usize>(r * ar) << 2), pb = b + (<usize>(r * br) << 2);
    const po = out + (<usize>(r * cols) << 2);
    let i = 0;
    if (vec) {
      for (; i + 4 <= cols; i += 4) {
        let m: v128;
        if (cc == 0) m = i32x4.splat(load<u8>(pc));
        else m = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pc + <usize>i)));
        m = i32x4.ne(m, i32x4.splat(0));
        const va = ac == 0 ? v128.load32_splat(pa) : v128.load(pa + (<usize>i << 2));
        const vb = bc == 0 ? v128.load32_splat(pb) : v128.load(pb + (<usize>i << 2));
        v128.store(po + (<usize>i << 2), v128.bitselect(va, vb, m));
      }
    }
    for (; i < cols; i++) {
      const c = load<u8>(pc + <usize>(i * cc));
      store<u32>(po + (<usize>i << 2), c != 0 ? load<u32>(pa + (<usize>(i * ac) << 2)) : load<u32>(pb + (<usize>(i * bc) << 2)));
    }
  }
}
