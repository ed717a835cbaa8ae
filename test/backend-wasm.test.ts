// The wasm backend against the TS reference backend, kernel by kernel, on random inputs: odd sizes (not a
// multiple of the SIMD width), empty tensors, every dtype, and non-contiguous views (transposed, sliced with
// steps, flipped, expanded). Native float32 kernels must agree within a few float32 ulps (SIMD exp/log/tanh/
// sigmoid are polynomial approximations; sums accumulate in float32 lanes); data movement and the TS
// fallback must agree exactly. Then op-level checks: a small MLP trains to the same losses on both backends,
// gradients of composite functions agree, and dispose/reuse of memory works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { allocArray, type DType, type TypedArray } from "../src/dtype.js";
import type { BinaryOp, ReduceOp, Storage, UnaryOp, View } from "../src/backend/backend.js";
import { TsBackend } from "../src/backend/ts/index.js";
import { TsStorage } from "../src/backend/ts/storage.js";
import { createWasmBackend, useWasm, wasmSimdSupported, type WasmStorage } from "../src/backend/wasm/index.js";
import { contiguousStrides, sizeOf } from "../src/shape.js";
import { Generator } from "../src/random.js";
import { getBackend, setBackend } from "../src/backend/registry.js";
import { Tensor } from "../src/tensor.js";
import { randn, tensor } from "../src/ops/creation.js";
import { noGrad } from "../src/autograd/grad-mode.js";

const tsb = new TsBackend();
const wb = createWasmBackend();
const T = tsb.kernels, W = wb.kernels;
const g = new Generator(1234);

// ------------------------------------------------------------------ inputs as paired views

type Kind = "contig" | "transposed" | "stepped" | "flipped" | "expanded";
const KINDS: Kind[] = ["contig", "transposed", "stepped", "flipped", "expanded"];

interface Pair { ts: View<TsStorage>; w: View<WasmStorage>; host: TypedArray }

function randomData(dtype: DType, n: number, range: [number, number] = [-3, 3]): TypedArray {
  const a = allocArray(dtype, n);
  for (let i = 0; i < n; i++) {
    const u = range[0] + (range[1] - range[0]) * g.random();
    a[i] = dtype === "bool" ? (u > (range[0] + range[1]) / 2 ? 1 : 0) : dtype === "int32" ? Math.round(u * 3) : u;
  }
  return a;
}

/** A view of `shape` over a fresh storage, laid out as `kind`, with the same random data on both backends. */
function makePair(shape: number[], dtype: DType, kind: Kind, range?: [number, number]): Pair {
  const nd = shape.length;
  let base: number[], strides: number[], offset = 0;
  if (kind === "transposed" && nd >= 2) {
    base = [...shape].reverse();
    strides = contiguousStrides(base).reverse();
  } else if (kind === "stepped") {
    base = shape.map((s) => 2 * s + 1);
    strides = contiguousStrides(base).map((s) => 2 * s);
    offset = contiguousStrides(base).reduce((a, b) => a + b, 0);
  } else if (kind === "flipped" && nd >= 1 && sizeOf(shape) > 0) {
    base = [...shape];
    const cs = contiguousStrides(base);
    strides = cs.map((s, d) => (d === 0 || d === nd - 1 ? -s : s));
    offset = (shape[0]! - 1) * cs[0]! + (nd > 1 ? (shape[nd - 1]! - 1) * cs[nd - 1]! : 0);
  } else if (kind === "expanded" && nd >= 1) {
    base = shape.map((s, d) => (d === 0 ? 1 : s));
    strides = contiguousStrides(base).map((s, d) => (d === 0 ? 0 : s));
  } else {
    base = [...shape];
    strides = contiguousStrides(base);
  }
  const host = randomData(dtype, sizeOf(base), range);
  return {
    host,
    ts: { storage: tsb.fromArray(host.slice(), dtype), shape, strides, offset },
    w: { storage: wb.fromArray(host, dtype), shape, strides, offset },
  };
}

const readTs = (s: TsStorage, shape: number[]): TypedArray => tsb.read({ storage: s, shape, strides: contiguousStrides(shape), offset: 0 });
const readW = (s: WasmStorage, shape: number[]): TypedArray => wb.read({ storage: s, shape, strides: contiguousStrides(shape), offset: 0 });

const ULP = 2 ** -23;

/** Element-wise agreement: exact when tol and atol are 0, else |w − t| ≤ tol·|t| + atol; NaN must match NaN. */
function assertClose(w: TypedArray, t: TypedArray, tol: number, what: string, atol = 0): void {
  assert.equal(w.constructor, t.constructor, `${what}: dtype`);
  assert.equal(w.length, t.length, `${what}: length`);
  for (let i = 0; i < t.length; i++) {
    const a = w[i]!, b = t[i]!;
    if (Number.isNaN(b)) { assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`); continue; }
    if (a === b) continue;
    assert.ok((tol > 0 || atol > 0) && Math.abs(a - b) <= tol * Math.abs(b) + atol, `${what}[${i}]: wasm ${a} vs ts ${b}`);
  }
}

const SIZES: number[][] = [[0], [1], [3], [4], [5], [7, 3], [17, 33], [2, 3, 5], [1000]];

test("the runtime has WebAssembly SIMD and the module loads", () => {
  assert.equal(wasmSimdSupported(), true);
  assert.equal(wb.name, "wasm");
});

// ------------------------------------------------------------------ unary

const UNARY: UnaryOp[] = ["neg", "exp", "log", "sqrt", "abs", "sign", "sin", "cos", "tanh", "recip", "floor", "ceil", "round", "erf", "expm1", "log1p", "sigmoid", "logicalNot"];
/** Native SIMD polynomial ops get a few ulps; everything else is exact or float64-then-rounded (1 ulp). */
const unaryTol = (op: UnaryOp): number => (["exp", "log", "tanh", "sigmoid"].includes(op) ? 3 * ULP : ["sin", "cos", "erf", "expm1", "log1p"].includes(op) ? ULP : 0);

test("unary float32: every op, odd sizes, every view kind", () => {
  for (const op of UNARY) {
    for (const shape of SIZES) {
      for (const kind of KINDS) {
        const range: [number, number] = ["log", "sqrt"].includes(op) ? [0.001, 50] : op === "log1p" ? [-0.9, 20] : [-12, 12];
        const x = makePair(shape, "float32", kind, range);
        const out: DType = op === "logicalNot" ? "bool" : "float32";
        const what = `${op} ${kind} [${shape}]`;
        assertClose(readW(W.unary(op, x.w, out), shape), readTs(T.unary(op, x.ts, out), shape), unaryTol(op), what, 1e-37);
      }
    }
  }
});

test("unary float32: special values (±0, ±inf, NaN, subnormals, overflow edges)", () => {
  const specials = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 1e-45, 88.7, 88.8, -87.5, -103, -104, 0.625, -0.625, 0.6249, 9, -9, 1e30, -1e30, 0.5, 1.5, 2.5, -2.5];
  const host = Float32Array.from(specials);
  const shape = [host.length];
  const tv = { storage: tsb.fromArray(host.slice(), "float32"), shape, strides: [1], offset: 0 };
  const wv = { storage: wb.fromArray(host, "float32"), shape, strides: [1], offset: 0 };
  for (const op of UNARY) {
    const out: DType = op === "logicalNot" ? "bool" : "float32";
    assertClose(readW(W.unary(op, wv, out), shape), readTs(T.unary(op, tv, out), shape), unaryTol(op), `${op} specials`, 1e-44);
  }
});

test("exp, log, tanh, sigmoid stay within 3 ulp of Math over a dense sweep", () => {
  const cases: [UnaryOp, (x: number) => number, number, number][] = [
    ["exp", Math.exp, -87, 88.7], ["log", Math.log, 1e-3, 1e4], ["tanh", Math.tanh, -10, 10], ["sigmoid", (x) => 1 / (1 + Math.exp(-x)), -30, 30],
  ];
  for (const [op, f, lo, hi] of cases) {
    const n = 20001;
    const x = Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
    const y = readW(W.unary(op, { storage: wb.fromArray(x, "float32"), shape: [n], strides: [1], offset: 0 }, "float32"), [n]);
    for (let i = 0; i < n; i++) {
      const ref = f(x[i]!);
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(ref) || 1e-38)) - 23);
      assert.ok(Math.abs(y[i]! - ref) <= 3 * ulp, `${op}(${x[i]}) = ${y[i]}, Math gives ${ref}`);
    }
  }
});

test("unary on float64, int32 and bool inputs (TS fallback) equals the TS backend exactly", () => {
  for (const dtype of ["float64", "int32", "bool"] as DType[]) {
    for (const op of ["neg", "exp", "abs", "sign", "sqrt", "logicalNot", "round"] as UnaryOp[]) {
      const out: DType = op === "logicalNot" ? "bool" : dtype === "float64" ? "float64" : ["exp", "sqrt"].includes(op) ? "float32" : dtype === "bool" ? "int32" : dtype;
      for (const kind of ["contig", "stepped", "flipped"] as Kind[]) {
        const x = makePair([5, 3], dtype, kind);
        assertClose(readW(W.unary(op, x.w, out), [5, 3]), readTs(T.unary(op, x.ts, out), [5, 3]), 0, `${op} ${dtype} ${kind}`);
      }
    }
  }
});

// ------------------------------------------------------------------ binary

const BINARY: BinaryOp[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge"];
const isCmp = (op: BinaryOp): boolean => ["eq", "ne", "lt", "le", "gt", "ge"].includes(op);

/** Broadcast patterns: [a's view, b's view] over one output shape. */
function broadcastCases(): { name: string; shape: number[]; a: Pair; b: Pair }[] {
  const cases: { name: string; shape: number[]; a: Pair; b: Pair }[] = [];
  const range: [number, number] = [0.25, 3]; // positive, so pow is defined
  for (const shape of SIZES) {
    for (const kind of KINDS) {
      cases.push({ name: `${kind}+contig [${shape}]`, shape, a: makePair(shape, "float32", kind, range), b: makePair(shape, "float32", "contig", range) });
      cases.push({ name: `contig+${kind} [${shape}]`, shape, a: makePair(shape, "float32", "contig", range), b: makePair(shape, "float32", kind, range) });
    }
  }
  const bc = (shape: number[], bShape: number[], name: string): void => {
    const b = makePair(bShape, "float32", "contig", range);
    // Expand b to `shape` as ops do: stride 0 on new or size-1 dims.
    const pad = shape.length - bShape.length;
    const strides = shape.map((s, d) => (d < pad || bShape[d - pad] === 1 ? 0 : b.ts.strides[d - pad]!));
    cases.push({
      name, shape, a: makePair(shape, "float32", "contig", range),
      b: { host: b.host, ts: { ...b.ts, shape, strides }, w: { ...b.w, shape, strides } },
    });
  };
  bc([13, 7], [], "tensor+scalar");
  bc([13, 7], [7], "row broadcast (bias add)");
  bc([13, 7], [13, 1], "column broadcast (x − max keepDims)");
  bc([4, 5, 6], [5, 1], "3-D middle broadcast");
  bc([3, 4, 5], [3, 1, 5], "3-D non-coalescable broadcast");
  bc([2, 3, 4, 5], [3, 1, 1], "4-D broadcast");
  bc([0, 5], [5], "empty broadcast");
  return cases;
}

test("binary float32: every op over contiguous, strided and broadcast operands", () => {
  const cases = broadcastCases();
  for (const op of BINARY) {
    const out: DType = isCmp(op) ? "bool" : "float32";
    for (const c of cases) {
      const tol = op === "pow" ? ULP : 0;
      assertClose(readW(W.binary(op, c.a.w, c.b.w, out), c.shape), readTs(T.binary(op, c.a.ts, c.b.ts, out), c.shape), tol, `${op} ${c.name}`);
    }
  }
});

test("binary float32: NaN, infinities and pow(x, 2) on negative bases", () => {
  const va = Float32Array.from([NaN, 1, -Infinity, Infinity, 0, -0, 2, -3, -1.5, 4, NaN]);
  const vb = Float32Array.from([1, NaN, Infinity, Infinity, -0, 0, 2, 2, 2, 0.5, NaN]);
  const shape = [va.length];
  const mk = (h: Float32Array) => [{ storage: tsb.fromArray(h.slice(), "float32"), shape, strides: [1], offset: 0 }, { storage: wb.fromArray(h, "float32"), shape, strides: [1], offset: 0 }] as const;
  const [ta, wa] = mk(va), [tb, wbv] = mk(vb);
  for (const op of BINARY) {
    const out: DType = isCmp(op) ? "bool" : "float32";
    const w = readW(W.binary(op, wa, wbv, out), shape), t = readTs(T.binary(op, ta, tb, out), shape);
    // maximum/minimum of ±0 may pick either zero; both compare equal.
    assertClose(w, t, op === "pow" ? ULP : 0, `${op} specials`);
  }
  // pow with a scalar exponent of 2 takes the x·x path.
  const two = { storage: wb.fromArray(Float32Array.of(2), "float32"), shape, strides: [0], offset: 0 };
  const twoTs = { storage: tsb.fromArray(Float32Array.of(2), "float32"), shape, strides: [0], offset: 0 };
  assertClose(readW(W.binary("pow", wa, two, "float32"), shape), readTs(T.binary("pow", ta, twoTs, "float32"), shape), 0, "pow(x, 2)");
});

test("binary on float64, int32 and bool (TS fallback) equals the TS backend exactly", () => {
  for (const dtype of ["float64", "int32", "bool"] as DType[]) {
    for (const op of ["add", "mul", "sub", "maximum", "eq", "lt"] as BinaryOp[]) {
      const out: DType = isCmp(op) ? "bool" : dtype === "bool" && op !== "maximum" ? "int32" : dtype;
      const a = makePair([4, 5], dtype, "stepped"), b = makePair([4, 5], dtype, "transposed");
      assertClose(readW(W.binary(op, a.w, b.w, out), [4, 5]), readTs(T.binary(op, a.ts, b.ts, out), [4, 5]), 0, `${op} ${dtype}`);
    }
  }
});

// ------------------------------------------------------------------ where

test("where: float32 and int32 native, float64 fallback, with broadcast condition and operands", () => {
  for (const dtype of ["float32", "int32", "float64"] as DType[]) {
    for (const shape of [[0, 3], [5], [7, 9], [2, 3, 5]]) {
      for (const kind of KINDS) {
        const c = makePair(shape, "bool", kind), a = makePair(shape, dtype, "contig"), b = makePair(shape, dtype, kind === "contig" ? "flipped" : "contig");
        assertClose(readW(W.where(c.w, a.w, b.w, dtype), shape), readTs(T.where(c.ts, a.ts, b.ts, dtype), shape), 0, `where ${dtype} ${kind} [${shape}]`);
      }
    }
  }
  // Scalar a and b (relu's where(x > 0, x, 0) pattern with a 0-d operand expanded).
  const shape = [6, 11];
  const c = makePair(shape, "bool", "contig"), a = makePair(shape, "float32", "contig");
  const z = { host: Float32Array.of(0), ts: { storage: tsb.fromArray(Float32Array.of(0), "float32"), shape, strides: [0, 0], offset: 0 }, w: { storage: wb.fromArray(Float32Array.of(0), "float32"), shape, strides: [0, 0], offset: 0 } };
  assertClose(readW(W.where(c.w, a.w, z.w, "float32"), shape), readTs(T.where(c.ts, a.ts, z.ts, "float32"), shape), 0, "where scalar");
});

// ------------------------------------------------------------------ reduce

const REDUCE: ReduceOp[] = ["sum", "prod", "max", "min", "argmax", "argmin"];

test("reduce float32: every op over any axes, strided inputs, NaN and empty dims", () => {
  const shapes: [number[], number[][]][] = [
    [[17], [[0]]],
    [[7, 33], [[0], [1], [0, 1]]],
    [[3, 5, 9], [[0], [1], [2], [0, 1], [1, 2], [0, 2], [0, 1, 2]]],
    [[2, 3, 4, 5], [[1, 3], [0, 2], [3]]],
    [[4, 1, 6], [[1], [0, 1], [2]]],
  ];
  for (const op of REDUCE) {
    const out: DType = op === "argmax" || op === "argmin" ? "int32" : "float32";
    for (const [shape, axesList] of shapes) {
      for (const axes of axesList) {
        if (out === "int32" && axes.length > 1) continue; // ops call arg* on one axis
        for (const kind of KINDS) {
          const x = makePair(shape, "float32", kind, op === "prod" ? [0.5, 1.5] : [-3, 3]);
          const oshape = shape.map((s, d) => (axes.includes(d) ? 1 : s));
          const tol = op === "sum" ? 1e-5 : op === "prod" ? ULP : 0;
          assertClose(readW(W.reduce(op, x.w, axes, out), oshape), readTs(T.reduce(op, x.ts, axes, out), oshape), tol, `${op} ${kind} [${shape}] axes ${axes}`, 1e-5);
        }
      }
    }
  }
  // NaN wins max/min and is the argmax/argmin; a long row exercises the 16-lane body and the tail.
  const h = randomData("float32", 3 * 41);
  h[5] = NaN; h[41 + 40] = NaN;
  const shape = [3, 41];
  const tv = { storage: tsb.fromArray(h.slice(), "float32"), shape, strides: [41, 1], offset: 0 };
  const wv = { storage: wb.fromArray(h, "float32"), shape, strides: [41, 1], offset: 0 };
  for (const op of REDUCE) {
    const out: DType = op.startsWith("arg") ? "int32" : "float32";
    for (const axes of [[1], [0]]) {
      const oshape = shape.map((s, d) => (axes.includes(d) ? 1 : s));
      assertClose(readW(W.reduce(op, wv, axes, out), oshape), readTs(T.reduce(op, tv, axes, out), oshape), op === "sum" ? 1e-5 : op === "prod" ? ULP : 0, `${op} NaN axes ${axes}`, 1e-5);
    }
  }
  // Reducing an empty dim: sum is 0, prod is 1.
  for (const op of ["sum", "prod"] as ReduceOp[]) {
    const x = makePair([3, 0], "float32", "contig");
    assertClose(readW(W.reduce(op, x.w, [1], "float32"), [3, 1]), readTs(T.reduce(op, x.ts, [1], "float32"), [3, 1]), 0, `${op} over an empty dim`);
  }
});

test("reduce on float64 and int32 (TS fallback) equals the TS backend exactly", () => {
  for (const dtype of ["float64", "int32"] as DType[]) {
    for (const op of REDUCE) {
      const out: DType = op.startsWith("arg") ? "int32" : dtype;
      const x = makePair([4, 6], dtype, "transposed");
      assertClose(readW(W.reduce(op, x.w, [1], out), [4, 1]), readTs(T.reduce(op, x.ts, [1], out), [4, 1]), 0, `${op} ${dtype}`);
    }
  }
});

// ------------------------------------------------------------------ matmul

/** a [...B, M, K] and b [...B, K, N] views; `ta`/`tb` store the operand transposed; `bcast` makes b's batch stride 0. */
function matmulPair(batch: number[], M: number, K: number, N: number, ta: boolean, tb: boolean, bcast = false) {
  const mk = (rows: number, cols: number, trans: boolean, zeroBatch: boolean) => {
    const nb = zeroBatch ? [] : batch;
    const base = trans ? [...nb, cols, rows] : [...nb, rows, cols];
    const p = makePair(base, "float32", "contig", [-1, 1]);
    const st = contiguousStrides(base);
    const nd = base.length;
    const strides = zeroBatch ? [...batch.map(() => 0), ...(trans ? [st[nd - 1]!, st[nd - 2]!] : st)]
      : trans ? [...st.slice(0, nd - 2), st[nd - 1]!, st[nd - 2]!] : st;
    const shape = [...batch, rows, cols];
    return { ts: { ...p.ts, shape, strides }, w: { ...p.w, shape, strides } };
  };
  return [mk(M, K, ta, false), mk(K, N, tb, bcast)] as const;
}

test("matmul float32: odd shapes, transposed operands, batches with broadcast batch dims", () => {
  const shapes: [number[], number, number, number][] = [
    [[], 1, 1, 1], [[], 3, 5, 7], [[], 17, 33, 9], [[], 4, 8, 8], [[], 65, 300, 19], [[], 70, 9, 131],
    [[3], 5, 6, 7], [[2, 3], 9, 4, 10], [[], 0, 5, 3], [[], 4, 0, 3], [[], 3, 5, 0],
  ];
  for (const [batch, M, K, N] of shapes) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      for (const bcast of batch.length ? [false, true] : [false]) {
        const [a, b] = matmulPair(batch, M, K, N, ta, tb, bcast);
        const oshape = [...batch, M, N];
        const w = readW(W.matmul(a.w, b.w, "float32"), oshape), t = readTs(T.matmul(a.ts, b.ts, "float32"), oshape);
        // float32 accumulation in another order than the TS backend (float64): a few ε·K with entries in [-1, 1].
        assertClose(w, t, 0, `matmul ${batch}×${M}×${K}×${N} ta=${ta} tb=${tb} bcast=${bcast}`, 4 * ULP * Math.max(K, 1));
      }
    }
  }
});

test("matmul float32 over flipped, stepped and expanded (stride 0) operands", () => {
  for (const ka of KINDS) {
    for (const kb of KINDS) {
      const [M, K, N] = [13, 21, 10];
      const a = makePair([M, K], "float32", ka, [-1, 1]), b = makePair([K, N], "float32", kb, [-1, 1]);
      const w = readW(W.matmul(a.w, b.w, "float32"), [M, N]), t = readTs(T.matmul(a.ts, b.ts, "float32"), [M, N]);
      assertClose(w, t, 0, `matmul ${ka}·${kb}`, 4 * ULP * K);
    }
  }
});

test("matmul on float64 and int32 (TS fallback) equals the TS backend exactly", () => {
  for (const dtype of ["float64", "int32"] as DType[]) {
    const a = makePair([5, 4], dtype, "transposed"), b = makePair([4, 3], dtype, "stepped");
    assertClose(readW(W.matmul(a.w, b.w, dtype), [5, 3]), readTs(T.matmul(a.ts, b.ts, dtype), [5, 3]), 0, `matmul ${dtype}`);
  }
});

// ------------------------------------------------------------------ data movement

const DTYPES: DType[] = ["float32", "float64", "int32", "bool"];

test("copy: every dtype pair over every view kind, float→int truncation and wrap-around like Int32Array", () => {
  for (const from of DTYPES) {
    for (const to of DTYPES) {
      for (const shape of [[0], [1], [5], [6, 7], [2, 3, 4]]) {
        for (const kind of KINDS) {
          const x = makePair(shape, from, kind, [-40, 40]);
          assertClose(readW(W.copy(x.w, to), shape), readTs(T.copy(x.ts, to), shape), 0, `copy ${from}→${to} ${kind} [${shape}]`);
        }
      }
    }
  }
  const odd = Float64Array.from([2.7, -2.7, 1e10, -1e10, 2 ** 31, -(2 ** 31) - 1, NaN, Infinity, -Infinity, -0, 4294967296 * 3 + 5, 1e300]);
  for (const from of ["float64", "float32"] as DType[]) {
    const h = from === "float32" ? Float32Array.from(odd) : odd;
    const shape = [h.length];
    for (const to of DTYPES) {
      const t = T.copy({ storage: tsb.fromArray(h.slice(), from), shape, strides: [1], offset: 0 }, to);
      const w = W.copy({ storage: wb.fromArray(h, from), shape, strides: [1], offset: 0 }, to);
      assertClose(readW(w, shape), readTs(t, shape), 0, `copy odd ${from}→${to}`);
    }
  }
});

test("fromArray converts like the TS backend and read returns any view row-major", () => {
  const src = Float64Array.from([0, 1.5, -2.5, 3, NaN, 1e10]);
  for (const dtype of DTYPES) {
    const shape = [src.length];
    const w = wb.read({ storage: wb.fromArray(src, dtype), shape, strides: [1], offset: 0 });
    const t = tsb.read({ storage: tsb.fromArray(src, dtype), shape, strides: [1], offset: 0 });
    assertClose(w, t, 0, `fromArray ${dtype}`);
    for (const kind of KINDS) {
      const x = makePair([3, 4], dtype, kind);
      assertClose(wb.read(x.w), tsb.read(x.ts), 0, `read ${dtype} ${kind}`);
    }
  }
});

test("assign: strided destinations, broadcast and aliasing sources, dtype conversion", () => {
  for (const dtype of DTYPES) {
    for (const kind of KINDS.filter((k) => k !== "expanded")) {
      for (const srcKind of KINDS) {
        const d = makePair([4, 6], dtype, kind), s = makePair([4, 6], srcKind === "contig" ? "float32" : dtype, srcKind);
        T.assign(d.ts, s.ts);
        W.assign(d.w, s.w);
        const full = (p: Pair) => [p.host.length];
        assertClose(wb.read({ ...d.w, shape: full(d), strides: [1], offset: 0 }), tsb.read({ ...d.ts, shape: full(d), strides: [1], offset: 0 }), 0, `assign ${dtype} ${kind} ← ${srcKind}`);
      }
    }
  }
  // x.copy_(x.flip(0)): the source aliases the destination.
  const x = makePair([5, 3], "float32", "contig");
  const flip = <S extends Storage>(v: View<S>): View<S> => ({ ...v, strides: [-3, 1], offset: 12 });
  T.assign(x.ts, flip(x.ts));
  W.assign(x.w, flip(x.w));
  assertClose(wb.read(x.w), tsb.read(x.ts), 0, "assign aliasing flip");
});

// Ops cast the parts to one dtype before the kernel; a float32 part is also mixed in here (not for bool, where
// the TS kernel's typed-array store wraps modulo 256 while copy semantics, which the wasm kernel uses, give x ≠ 0).
test("cat: any dim, strided parts, every dtype, mixed input dtypes converted", () => {
  for (const dtype of DTYPES) {
    for (const dim of [0, 1, 2]) {
      const shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]].map((s, i) => s.map((v, d) => (d === dim ? v + i : v)));
      const parts = shapes.map((s, i) => makePair(s, i === 1 && dtype !== "bool" ? "float32" : dtype, KINDS[i % KINDS.length]!));
      const oshape = [...shapes[0]!];
      oshape[dim] = shapes.reduce((a, s) => a + s[dim]!, 0);
      assertClose(readW(W.cat(parts.map((p) => p.w), dim, dtype), oshape), readTs(T.cat(parts.map((p) => p.ts), dim, dtype), oshape), 0, `cat ${dtype} dim ${dim}`);
    }
  }
});

test("gather and scatterAdd (TS fallback) equal the TS backend and throw RangeError out of range", () => {
  const x = makePair([4, 5], "float32", "transposed");
  const idxHost = Int32Array.from([0, 4, 2, -1, 3, 1, 0, 0]);
  const iv = { shape: [4, 2], strides: [2, 1], offset: 0 };
  const it = { ...iv, storage: tsb.fromArray(idxHost, "int32") }, iw = { ...iv, storage: wb.fromArray(idxHost, "int32") };
  assertClose(readW(W.gather(x.w, 1, iw), [4, 2]), readTs(T.gather(x.ts, 1, it), [4, 2]), 0, "gather");
  const src = makePair([4, 2], "float32", "flipped");
  assertClose(readW(W.scatterAdd(x.w, 1, iw, src.w), [4, 5]), readTs(T.scatterAdd(x.ts, 1, it, src.ts), [4, 5]), 0, "scatterAdd");
  const bad = { ...iv, storage: wb.fromArray(Int32Array.from([0, 9, 0, 0, 0, 0, 0, 0]), "int32") };
  assert.throws(() => W.gather(x.w, 1, bad), RangeError);
});

// ------------------------------------------------------------------ memory

test("dispose frees at once, the allocator reuses freed blocks, and a disposed storage cannot be used", () => {
  const b = createWasmBackend();
  const before = b.memoryStats();
  const s = b.fromArray(new Float32Array(1000), "float32");
  const live = b.memoryStats();
  assert.equal(live.blocks, before.blocks + 1);
  const ptr = s.ptr;
  b.dispose(s);
  b.dispose(s); // idempotent
  assert.equal(b.memoryStats().blocks, before.blocks);
  const again = b.fromArray(new Float32Array(990), "float32"); // same size class → same block
  assert.equal(again.ptr, ptr);
  assert.throws(() => b.read({ storage: s, shape: [1000], strides: [1], offset: 0 }), /disposed/);
  // Memory grows on demand (a 64 MiB tensor) and data survives the growth.
  const small = b.fromArray(Float32Array.from([1, 2, 3]), "float32");
  const big = b.fromArray(new Float32Array(16 * 2 ** 20), "float32");
  assert.ok(b.memoryStats().pages >= 1024);
  assert.deepEqual(Array.from(b.read({ storage: small, shape: [3], strides: [1], offset: 0 })), [1, 2, 3]);
  b.dispose(big);
});

// ------------------------------------------------------------------ op level: training and gradients

/** Runs `fn` with the given backend active. */
function onBackend<R>(name: string, fn: () => R): R {
  setBackend(name);
  try {
    return fn();
  } finally {
    setBackend("ts");
  }
}

test("a 2-16-1 MLP trained with manual SGD gives the same losses on ts and wasm", () => {
  useWasm();
  const train = (): number[] => {
    const gen = new Generator(7);
    const x = randn([64, 2], { generator: gen });
    const y = tensor(Array.from(x.toArray() as number[][], ([a, b]) => [a! * b! > 0 ? 1 : 0]));
    const w1 = randn([2, 16], { generator: gen, requiresGrad: true });
    const b1 = randn([16], { generator: gen }).mul(0.1).detach().requiresGrad_(true);
    const w2 = randn([16, 1], { generator: gen }).mul(0.25).detach().requiresGrad_(true);
    const b2 = randn([1], { generator: gen }).mul(0.1).detach().requiresGrad_(true);
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const h = x.matmul(w1).add(b1).tanh();
      const p = h.matmul(w2).add(b2).sigmoid();
      const loss = p.sub(y).pow(2).mean();
      loss.backward();
      losses.push(loss.item());
      noGrad(() => {
        for (const t of [w1, b1, w2, b2]) {
          t.sub_(t.grad!.mul(0.5));
          t.zeroGrad();
        }
      });
    }
    assert.equal(w1.backend.name, backendOf());
    return losses;
  };
  let current = "ts";
  const backendOf = () => current;
  const lt = onBackend("ts", train);
  current = "wasm";
  const lw = onBackend("wasm", train);
  assert.ok(lt[39]! < lt[0]! * 0.9, "the net learns");
  for (let i = 0; i < lt.length; i++) assert.ok(Math.abs(lw[i]! - lt[i]!) <= 1e-5 * Math.abs(lt[i]!) + 1e-7, `step ${i}: wasm ${lw[i]} vs ts ${lt[i]}`);
});

test("gradients of composite functions agree between ts and wasm", () => {
  useWasm();
  const fns: [string, (x: Tensor, w: Tensor) => Tensor][] = [
    ["logSoftmax cross-entropy", (x, w) => x.matmul(w).logSoftmax(1).mul(-1).sum(1).mean()],
    ["softmax·gelu", (x, w) => x.matmul(w).softmax(0).mul(x.matmul(w).gelu()).sum()],
    ["layer-norm-like", (x, w) => { const h = x.matmul(w); const c = h.sub(h.mean(1, true)); return c.div(c.pow(2).mean(1, true).add(1e-5).sqrt()).tanh().sum(); }],
    ["logsumexp·max·abs", (x, w) => x.matmul(w.T.T).logsumexp(1).add(x.abs().max(1)).sum()],
    ["transposed matmul chain", (x, w) => x.T.matmul(x).matmul(w).sigmoid().mean()],
  ];
  for (const [name, f] of fns) {
    const run = (backend: string) => onBackend(backend, () => {
      const gen = new Generator(11);
      const x = randn([9, 5], { generator: gen, requiresGrad: true });
      const w = randn([5, 5], { generator: gen, requiresGrad: true });
      const out = f(x, w);
      out.backward();
      return [out.item(), ...x.grad!.toFlatArray(), ...w.grad!.toFlatArray()];
    });
    const t = run("ts"), w = run("wasm");
    const scale = Math.max(...t.map(Math.abs));
    for (let i = 0; i < t.length; i++) assert.ok(Math.abs(w[i]! - t[i]!) <= 2e-5 * scale, `${name}[${i}]: wasm ${w[i]} vs ts ${t[i]}`);
  }
});

test("setBackend('wasm') creates tensors in WebAssembly memory; backends do not mix", () => {
  useWasm();
  const x = onBackend("wasm", () => tensor([1, 2, 3]));
  assert.equal(x.backend, getBackend("wasm"));
  assert.deepEqual(x.exp().toFlatArray().map((v) => +v.toFixed(4)), [2.7183, 7.3891, 20.0855]);
  assert.throws(() => x.add(tensor([1, 2, 3])), /different backends/);
});
