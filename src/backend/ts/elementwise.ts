/** Element-wise kernels of the TS backend: unary, binary, where, copy/cast, assign. */
import { allocArray, type DType, type TypedArray } from "../../dtype.js";
import type { BinaryOp, UnaryOp } from "../backend.js";
import { sizeOf } from "../../shape.js";
import { elementOffsets, TsStorage, type TsView } from "./storage.js";

/** erf by Abramowitz–Stegun 7.1.26 is only 1e-7 accurate; this uses a rational Chebyshev fit (W. J. Cody) accurate to float64. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const p = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t +
      377.485237685302021) * t + 3209.37758913846947;
    const q = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t +
      2844.23683343917062;
    return (x * p) / q;
  }
  return x < 0 ? erfcPos(ax) - 1 : 1 - erfcPos(ax);
}

function erfcPos(x: number): number {
  if (x < 4) {
    // Cody's leading coefficient is the tiny 2.15e-8 (his c[8]); the constant term is 1230.339…
    const p = (((((((2.15311535474403846e-8 * x + 5.64188496988670089e-1) * x + 8.88314979438837594) * x +
      66.1191906371416295) * x + 298.635138197400131) * x + 881.952221241769090) * x + 1712.04761263407058) *
      x + 2051.07837782607147) * x + 1230.33935479799725;
    const q = (((((((x + 15.7449261107098347) * x + 117.693950891312499) * x + 537.181101862009858) * x +
      1621.38957456669019) * x + 3290.79923573345963) * x + 4362.61909014324716) * x + 3439.36767414372164) *
      x + 1230.33935480374942;
    return Math.exp(-x * x) * (p / q);
  }
  if (x > 27) return 0;
  const z = 1 / (x * x);
  const p = ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z + 3.60344899949804439e-1) * z +
    1.25781726111229246e-1) * z + 1.60837851487422766e-2) * z + 6.58749161529837803e-4;
  const q = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 5.27905102951428412e-1) * z +
    6.05183413124413191e-2) * z + 2.33520497626869185e-3;
  return (Math.exp(-x * x) / x) * (0.564189583547756287 - (z * p) / q);
}

export const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  recip: (x) => 1 / x,
  floor: Math.floor,
  ceil: Math.ceil,
  // Round half to even, as PyTorch and NumPy.
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  erf,
  expm1: Math.expm1,
  log1p: Math.log1p,
  // Two forms so that neither tail overflows or loses float32 precision.
  sigmoid: (x) => {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
  logicalNot: (x) => (x === 0 ? 1 : 0),
  relu: (x) => (x > 0 ? x : 0),
};

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // NaN propagates through maximum/minimum, as PyTorch.
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  // The activation gradients round each intermediate to float32 (see binaryFn for float64).
  tanhGrad: (a, b) => b * Math.fround(1 - Math.fround(a * a)),
  sigmoidGrad: (a, b) => b * Math.fround(a * Math.fround(1 - a)),
  reluGrad: (a, b) => (a > 0 ? b : b * 0),
};

/** float64 forms of the fused activation gradients (no intermediate rounding). */
const BINARY_F64: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  tanhGrad: (a, b) => b * (1 - a * a),
  sigmoidGrad: (a, b) => b * (a * (1 - a)),
};

/** The element function of a binary op for an output dtype. */
const binaryFn = (op: BinaryOp, out: DType): ((a: number, b: number) => number) =>
  (out === "float32" ? undefined : BINARY_F64[op]) ?? BINARY[op];

/** Converts a computed number to what an int32/bool array should hold (truncation; bool is x ≠ 0). */
const storeFn = (dtype: DType): ((x: number) => number) | null =>
  dtype === "bool" ? (x) => (x !== 0 ? 1 : 0) : null;

export function unary(op: UnaryOp, x: TsView, out: DType): TsStorage {
  const n = sizeOf(x.shape);
  const res = allocArray(out, n);
  const f = UNARY[op];
  const src = x.storage.data;
  const offs = elementOffsets(x);
  const o = x.offset;
  if (offs === null) for (let i = 0; i < n; i++) res[i] = f(src[o + i]!);
  else for (let i = 0; i < n; i++) res[i] = f(src[offs[i]!]!);
  return new TsStorage(res, out);
}

export function binary(op: BinaryOp, a: TsView, b: TsView, out: DType): TsStorage {
  const n = sizeOf(a.shape);
  const res = allocArray(out, n);
  const f = binaryFn(op, out);
  const da = a.storage.data, db = b.storage.data;
  const oa = elementOffsets(a), ob = elementOffsets(b);
  const a0 = a.offset, b0 = b.offset;
  if (oa === null && ob === null) {
    for (let i = 0; i < n; i++) res[i] = f(da[a0 + i]!, db[b0 + i]!);
  } else {
    for (let i = 0; i < n; i++) res[i] = f(da[oa ? oa[i]! : a0 + i]!, db[ob ? ob[i]! : b0 + i]!);
  }
  return new TsStorage(res, out);
}

export function where(cond: TsView, a: TsView, b: TsView, out: DType): TsStorage {
  const n = sizeOf(a.shape);
  const res = allocArray(out, n);
  const dc = cond.storage.data, da = a.storage.data, db = b.storage.data;
  const oc = elementOffsets(cond), oa = elementOffsets(a), ob = elementOffsets(b);
  for (let i = 0; i < n; i++) {
    const c = dc[oc ? oc[i]! : cond.offset + i]!;
    res[i] = c !== 0 ? da[oa ? oa[i]! : a.offset + i]! : db[ob ? ob[i]! : b.offset + i]!;
  }
  return new TsStorage(res, out);
}

export function copy(x: TsView, out: DType): TsStorage {
  const n = sizeOf(x.shape);
  const res = allocArray(out, n);
  const src = x.storage.data;
  const offs = elementOffsets(x);
  const store = storeFn(out);
  if (store === null && offs === null && res.constructor === src.constructor) {
    res.set(src.subarray(x.offset, x.offset + n));
  } else {
    for (let i = 0; i < n; i++) {
      const v = src[offs ? offs[i]! : x.offset + i]!;
      res[i] = store ? store(v) : v;
    }
  }
  return new TsStorage(res, out);
}

export function assign(dst: TsView, src: TsView): void {
  const n = sizeOf(dst.shape);
  const d = dst.storage.data, s = src.storage.data;
  const od = elementOffsets(dst), os = elementOffsets(src);
  const store = storeFn(dst.storage.dtype);
  // Read everything first: src may alias dst (x.copy_(x.flip(0))).
  const vals: TypedArray = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = s[os ? os[i]! : src.offset + i]!;
  for (let i = 0; i < n; i++) d[od ? od[i]! : dst.offset + i] = store ? store(vals[i]!) : vals[i]!;
}
