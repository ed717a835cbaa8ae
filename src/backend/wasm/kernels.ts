/**
 * The wasm backend's kernels. float32 compute runs in the SIMD module (see docs/wasm.md for the exact
 * list); data movement (copy/cast, assign, cat, reading views) is native for every dtype; the rest goes
 * through the TS reference kernels on host copies (fallback.ts), so every kernel works for every dtype.
 */
import type { DType } from "../../dtype.js";
import { contiguousStrides, isContiguous, sizeOf } from "../../shape.js";
import type { BinaryOp, CrossEntropyArgs, Kernels, LinearActivation, LossReduction, OptimizerRule, ReduceOp, UnaryOp } from "../backend.js";
import * as ts from "../ts/index.js";
import { isSliceIndex, sliceIndices } from "../ts/indexing.js";
import { checkOptimizerStep, optimizerConstants, OPTIM_MAX_CONSTANTS } from "../ts/optim.js";
import { fromTs, toTs } from "./fallback.js";
import { BINARY_CODE, DTYPE_CODE, ELEM_BYTES, REDUCE_CODE, UNARY_CODE, isComparison } from "./opcodes.js";
import type { WasmRuntime } from "./runtime.js";
import type { WasmStorage, WasmView } from "./storage.js";
import { MAX_PARTS } from "./threads.js";
import { asGrid, coalesce } from "./views.js";

/** The TS reference kernels (created on first fallback). */
let tsKernels: Kernels<ts.TsStorage> | null = null;
const TS = (): Kernels<ts.TsStorage> => (tsKernels ??= new ts.TsBackend().kernels);

// Job kinds of assembly/parallel.ts.
const JOB_OPTIM = 8, JOB_GEMM_PACK_B = 6, JOB_GEMM_BLOCK = 7, JOB_UNARY = 1, JOB_BINARY = 2, JOB_WHERE = 3, JOB_REDUCE = 4, JOB_REDUCE_PARTIAL = 5;
/** Elements below which element-wise kernels and reductions stay on one thread. */
const ELEMENTWISE_MIN = 65536;
/**
 * Multiply-adds (m·n·k) below which a matmul stays on one thread and runs the unpacked small-matrix kernel
 * (assembly/gemm-small.ts: faster than packing up to about 64³, measured; the same bits).
 */
const GEMM_MIN = 1 << 18;
/**
 * Multiply-adds a threaded matmul's part should have at least (about 0.02 ms): small enough that the
 * 128-row products of a training step (W2: 128×256×128) are cut into several parts, so that the caller
 * takes over the parts of a worker that starts late instead of waiting for it (measured: a 2-part job
 * left the caller waiting ≈ 40 µs on average; 2^19 against 2^21 cut that wait by about two thirds).
 */
const GEMM_PART = 1 << 19;
/** Last-axis sum/max/min of at least this many elements are cut into fixed LEN_CHUNK pieces (any thread count). */
const LONG_LEN = 65536;
/** Elements per piece (assembly/reduce.ts LEN_CHUNK). */
const LEN_CHUNK = 16384;

const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;

/**
 * Parts per thread an element-wise kernel aims for: with exactly one part per thread the caller waits
 * whenever a worker starts late (it is woken, or busy finishing its previous part); with several, the
 * caller claims the late worker's parts itself. Parts are fixed slices, so the bits never change.
 */
const PARTS_PER_THREAD = 4;
/** Elements an element-wise part should have at least (about 5 µs of work). */
const ELEMENTWISE_PART = 16384;
/**
 * How many parts to cut `units` units of work (`size` elements each) into for t threads: PARTS_PER_THREAD
 * per thread, fewer where a part would fall under ELEMENTWISE_PART elements, never fewer than t.
 */
const partsFor = (units: number, size: number, t: number): number =>
  Math.max(1, Math.min(units, Math.max(t, Math.min(PARTS_PER_THREAD * t, Math.floor((units * size) / ELEMENTWISE_PART)))));

const isF32 = (v: WasmView): boolean => v.storage.dtype === "float32";

/** Whether every stride is 0 (a scalar broadcast to the view's shape). */
function allZero(strides: readonly number[]): boolean {
  for (let i = 0; i < strides.length; i++) if (strides[i] !== 0) return false;
  return true;
}

/** Kernels bound to one runtime. */
export function makeKernels(rt: WasmRuntime): Kernels<WasmStorage> {
  const k = rt.k;

  /** Contiguous copy of x converted to `out` (native for every dtype pair). */
  function copy(x: WasmView, out: DType): WasmStorage {
    const n = sizeOf(x.shape);
    const res = rt.alloc(out, n);
    if (n === 0) return res;
    const from = x.storage.dtype;
    if (from === out) {
      rt.gatherTo(x, res.ptr);
    } else {
      const src = rt.contiguous(x);
      k.convert(DTYPE_CODE[from], src.ptr, DTYPE_CODE[out], res.ptr, n);
      if (src.free) rt.release(src.ptr, src.free);
    }
    return res;
  }

  /** unaryF32 over n contiguous elements, split across threads when large. */
  function unaryRun(op: number, x: number, out: number, n: number): void {
    const t = rt.threadsFor(n, ELEMENTWISE_MIN);
    if (t === 1) return k.unaryF32(op, x, out, n);
    const chunk = roundUp(Math.ceil(n / partsFor(n, 1, t)), 16);
    rt.parallel([JOB_UNARY, op, x, out, n, chunk], Math.ceil(n / chunk), t);
  }

  /** binaryF32 over a grid, split by rows (or by columns of a single row) across threads when large. */
  function binaryGrid(op: number, a: number, ar: number, ac: number, b: number, br: number, bc: number, out: number, rows: number, cols: number): void {
    const t = rt.threadsFor(rows * cols, ELEMENTWISE_MIN);
    if (t === 1) return k.binaryF32(op, a, ar, ac, b, br, bc, out, rows, cols);
    const chunk = rows > 1 ? Math.ceil(rows / partsFor(rows, cols, t)) : roundUp(Math.ceil(cols / partsFor(cols, 1, t)), 16);
    rt.parallel([JOB_BINARY, op, a, ar, ac, b, br, bc, out, rows, cols, chunk], Math.ceil((rows > 1 ? rows : cols) / chunk), t);
  }

  function unary(op: UnaryOp, x: WasmView, out: DType): WasmStorage {
    const native = x.storage.dtype === "float32" && (op === "logicalNot" ? out === "bool" : out === "float32");
    if (!native) return fromTs(rt, TS().unary(op, toTs(rt, x), out));
    const n = sizeOf(x.shape);
    const res = rt.alloc(out, n);
    if (n === 0) return res;
    if (isContiguous(x.shape, x.strides)) {
      unaryRun(UNARY_CODE[op], rt.addr(x), res.ptr, n);
    } else if (out === "float32") {
      // Gather into the output, then transform it in place.
      rt.gatherTo(x, res.ptr);
      unaryRun(UNARY_CODE[op], res.ptr, res.ptr, n);
    } else {
      const src = rt.contiguous(x);
      unaryRun(UNARY_CODE[op], src.ptr, res.ptr, n);
      rt.release(src.ptr, src.free);
    }
    return res;
  }

  /** Scalar value of a view whose every stride is 0 (or null). */
  function broadcastScalar(v: WasmView): number | null {
    if (!v.strides.every((s, d) => s === 0 || v.shape[d] === 1)) return null;
    return rt.arrays().float32[rt.addr(v) >> 2]!;
  }

  function binary(op: BinaryOp, a: WasmView, b: WasmView, out: DType): WasmStorage {
    const f32 = a.storage.dtype === "float32" && b.storage.dtype === "float32";
    const native = f32 && out === (isComparison(op) ? "bool" : "float32");
    if (!native) return fromTs(rt, TS().binary(op, toTs(rt, a), toTs(rt, b), out));
    const n = sizeOf(a.shape);
    const res = rt.alloc(out, n);
    if (n === 0) return res;
    // x.pow(2) is x·x: exactly what Math.pow gives after rounding to float32, at SIMD speed.
    if (op === "pow" && broadcastScalar(b) === 2) op = "mul", b = a;
    const ca = isContiguous(a.shape, a.strides), cb = isContiguous(b.shape, b.strides);
    if (ca || cb) {
      // The common cases, one run without view arithmetic: same-shape contiguous operands, or a contiguous
      // one with a broadcast scalar (`x.mul(0.5)`; the kernel splats a stride-0 operand).
      const sa = ca ? 1 : allZero(a.strides) ? 0 : -1, sb = cb ? 1 : allZero(b.strides) ? 0 : -1;
      if (sa >= 0 && sb >= 0) {
        binaryGrid(BINARY_CODE[op], rt.addr(a), 0, sa, rt.addr(b), 0, sb, res.ptr, 1, n);
        return res;
      }
    }
    let c = coalesce(a.shape, [a.strides, b.strides]);
    let ta = { ptr: rt.addr(a), free: 0 }, tb = { ptr: rt.addr(b), free: 0 };
    if (asGrid(c) === null) {
      // More than 2 dims remain: make the operands contiguous, then it is one run.
      if (!isContiguous(a.shape, a.strides)) ta = rt.contiguous(a);
      if (!isContiguous(b.shape, b.strides)) tb = rt.contiguous(b);
      c = { shape: [n], strides: [[1], [1]] };
    }
    const g = asGrid(c)!;
    binaryGrid(BINARY_CODE[op], ta.ptr, g.rs[0]!, g.cs[0]!, tb.ptr, g.rs[1]!, g.cs[1]!, res.ptr, g.rows, g.cols);
    if (ta.free) rt.release(ta.ptr, ta.free);
    if (tb.free) rt.release(tb.ptr, tb.free);
    return res;
  }

  function where(cond: WasmView, a: WasmView, b: WasmView, out: DType): WasmStorage {
    const d = a.storage.dtype;
    const native = cond.storage.dtype === "bool" && d === b.storage.dtype && d === out && (d === "float32" || d === "int32");
    if (!native) return fromTs(rt, TS().where(toTs(rt, cond), toTs(rt, a), toTs(rt, b), out));
    const n = sizeOf(a.shape);
    const res = rt.alloc(out, n);
    if (n === 0) return res;
    if (n < ELEMENTWISE_MIN && isContiguous(cond.shape, cond.strides) && isContiguous(a.shape, a.strides) && isContiguous(b.shape, b.strides)) {
      // The common small case (contiguous operands, one thread): one run, no view arithmetic.
      k.where32(rt.addr(cond), 0, 1, rt.addr(a), 0, 1, rt.addr(b), 0, 1, res.ptr, 1, n);
      return res;
    }
    const views = [cond, a, b];
    let c = coalesce(a.shape, views.map((v) => v.strides));
    const t = views.map((v) => ({ ptr: rt.addr(v), free: 0 }));
    if (asGrid(c) === null) {
      views.forEach((v, i) => { if (!isContiguous(v.shape, v.strides)) t[i] = rt.contiguous(v); });
      c = { shape: [n], strides: [[1], [1], [1]] };
    }
    const g = asGrid(c)!;
    const args = [t[0]!.ptr, g.rs[0]!, g.cs[0]!, t[1]!.ptr, g.rs[1]!, g.cs[1]!, t[2]!.ptr, g.rs[2]!, g.cs[2]!, res.ptr, g.rows, g.cols] as const;
    const threads = rt.threadsFor(n, ELEMENTWISE_MIN);
    if (threads === 1) {
      k.where32(...args);
    } else {
      const chunk = g.rows > 1 ? Math.ceil(g.rows / partsFor(g.rows, g.cols, threads)) : roundUp(Math.ceil(g.cols / partsFor(g.cols, 1, threads)), 16);
      rt.parallel([JOB_WHERE, ...args, chunk], Math.ceil((g.rows > 1 ? g.rows : g.cols) / chunk), threads);
    }
    for (const x of t) if (x.free) rt.release(x.ptr, x.free);
    return res;
  }

  function reduce(op: ReduceOp, x: WasmView, axes: readonly number[], out: DType): WasmStorage {
    const arg = op === "argmax" || op === "argmin";
    const native = x.storage.dtype === "float32" && out === (arg ? "int32" : "float32");
    if (!native) return fromTs(rt, TS().reduce(op, toTs(rt, x), axes, out));
    const nd = x.shape.length;
    // One pass (plain loops: this runs for every bias gradient) over the dims of size ≠ 1, tagged reduced or
    // kept: one reduced run between kept runs is [before, len, after].
    let outer = 1, len = 1, runs = 0, lead = 1, first = false, prevReduced = false;
    for (let d = 0; d < nd; d++) {
      const s = x.shape[d]!;
      const r = axes.includes(d);
      if (r) len *= s;
      else outer *= s;
      if (s === 1) continue;
      if (r && !prevReduced) runs++;
      if (r) first = true;
      else if (!first) lead *= s;
      prevReduced = r;
    }
    const res = rt.alloc(out, outer);
    if (outer === 0) return res;
    let src: { ptr: number; free: number };
    let before = outer, after = 1;
    if (runs <= 1 || len === 0) {
      if (first) {
        before = lead;
        after = outer / Math.max(before, 1);
      }
      src = rt.contiguous(x);
    } else {
      // Several reduced runs: gather a permuted copy with the reduced axes last.
      const order = [...Array(nd).keys()].filter((d) => !axes.includes(d)).concat(axes);
      const shape = order.map((d) => x.shape[d]!);
      const bytes = sizeOf(shape) * 4;
      const ptr = rt.temp(bytes);
      rt.stridedCopy(4, shape, rt.addr(x), order.map((d) => x.strides[d]!), ptr, contiguousStrides(shape));
      src = { ptr, free: bytes };
    }
    reduceBlock(op, src.ptr, before, len, after, res.ptr);
    if (src.free) rt.release(src.ptr, src.free);
    return res;
  }

  /**
   * reduceF32 over a contiguous [outer, len, inner] block, threaded when large. Every output is computed
   * by the same operations whatever the thread count: threads take whole rows or whole columns of outputs,
   * and a long last-axis sum/max/min is always cut into the same LEN_CHUNK pieces, combined in one fixed
   * order (also on one thread).
   */
  function reduceBlock(op: ReduceOp, x: number, outer: number, len: number, inner: number, out: number): void {
    const code = REDUCE_CODE[op];
    const total = outer * len * inner;
    if (inner === 1 && len >= LONG_LEN && (op === "sum" || op === "max" || op === "min")) {
      const perRow = Math.ceil(len / LEN_CHUNK);
      const pieces = outer * perRow;
      const partials = rt.temp(pieces * 4);
      const t = rt.threadsFor(total, ELEMENTWISE_MIN);
      const group = Math.ceil(pieces / MAX_PARTS);
      rt.parallel([JOB_REDUCE_PARTIAL, code, x, len, partials, group, pieces], Math.ceil(pieces / group), t);
      k.reduceCombine(code, partials, outer, perRow, out);
      rt.release(partials, pieces * 4);
      return;
    }
    const t = rt.threadsFor(total, ELEMENTWISE_MIN);
    if (t > 1 && outer >= 2) {
      const chunk = Math.ceil(outer / partsFor(outer, len * inner, t));
      rt.parallel([JOB_REDUCE, code, x, outer, len, inner, out, 0, chunk], Math.ceil(outer / chunk), t);
    } else if (t > 1 && inner >= 64) {
      const chunk = roundUp(Math.ceil(inner / partsFor(inner, outer * len, t)), 4);
      rt.parallel([JOB_REDUCE, code, x, outer, len, inner, out, 1, chunk], Math.ceil(inner / chunk), t);
    } else {
      k.reduceF32(code, x, outer, len, inner, inner, out);
    }
  }

  /** Storage offset of each matrix of a batched view (batch dims = all but the last two). */
  function batchOffsets(v: WasmView, batch: readonly number[]): number[] {
    const out: number[] = [];
    const idx = new Array<number>(batch.length).fill(0);
    const total = sizeOf(batch);
    for (let i = 0; i < total; i++) {
      let off = v.offset;
      for (let d = 0; d < batch.length; d++) off += idx[d]! * v.strides[d]!;
      out.push(off);
      for (let d = batch.length - 1; d >= 0; d--) {
        if (++idx[d]! < batch[d]!) break;
        idx[d] = 0;
      }
    }
    return out;
  }

  function matmul(a: WasmView, b: WasmView, out: DType): WasmStorage {
    const native = a.storage.dtype === "float32" && b.storage.dtype === "float32" && out === "float32";
    if (!native) return fromTs(rt, TS().matmul(toTs(rt, a), toTs(rt, b), out));
    const nd = a.shape.length;
    const M = a.shape[nd - 2]!, K = a.shape[nd - 1]!, N = b.shape[nd - 1]!;
    const batch = a.shape.slice(0, nd - 2);
    const res = rt.alloc(out, sizeOf(batch) * M * N);
    if (res.size === 0) return res;
    // Small products (or fewer than 4 columns) take the unpacked kernel on one thread: the same bits.
    const small = M * N * K < GEMM_MIN || N < 4;
    const t = small || K === 0 ? 1 : rt.threadsFor(M * N * K, GEMM_MIN);
    const scratch = rt.gemmScratchPtr(t === 1 ? 1 : rt.threadSlots);
    const ao = batchOffsets(a, batch), bo = batchOffsets(b, batch);
    const pa = rt.addr(a) - a.offset * 4, pb = rt.addr(b) - b.offset * 4;
    const [rsA, csA] = [a.strides[nd - 2]!, a.strides[nd - 1]!];
    const [rsB, csB] = [b.strides[nd - 2]!, b.strides[nd - 1]!];
    for (let i = 0; i < ao.length; i++) {
      const c = res.ptr + i * M * N * 4;
      if (small) k.gemmSmallF32(M, N, K, pa + ao[i]! * 4, rsA, csA, pb + bo[i]! * 4, rsB, csB, c, N, scratch);
      else if (t === 1) k.gemmF32(M, N, K, pa + ao[i]! * 4, rsA, csA, pb + bo[i]! * 4, rsB, csB, c, N, scratch);
      else gemmThreaded(M, N, K, pa + ao[i]! * 4, rsA, csA, pb + bo[i]! * 4, rsB, csB, c, scratch, t);
    }
    return res;
  }

  /**
   * x·wᵀ through the matmul kernel (wᵀ is a view: gemm reads w through swapped strides), then the bias added
   * and the activation applied in place over the fresh output by the element-wise kernels (so the bits are
   * those of matmul, add and the activation run separately).
   */
  function linear(x: WasmView, w: WasmView, bias: WasmView | null, act: LinearActivation | null, out: DType): WasmStorage {
    if (!(out === "float32" && isF32(x) && isF32(w) && (bias === null || isF32(bias)))) {
      return fromTs(rt, TS().linear(toTs(rt, x), toTs(rt, w), bias && toTs(rt, bias), act, out));
    }
    const N = w.shape[0]!, K = w.shape[1]!, M = x.shape[0]!;
    if (K > 0 && M > 0 && N > 0 && (M * N * K < GEMM_MIN || N < 4)) {
      // Small (matmul's unpacked kernel): the product, the bias and the activation in one call, the same bits.
      const res = rt.alloc(out, M * N);
      k.linearSmallF32(M, N, K, rt.addr(x), x.strides[0]!, x.strides[1]!, rt.addr(w), w.strides[1]!, w.strides[0]!, res.ptr, rt.gemmScratchPtr(1),
        bias === null ? 0 : rt.addr(bias), bias === null ? 0 : bias.strides[0]!, act === null ? -1 : UNARY_CODE[act]);
      return res;
    }
    const res = matmul(x, { storage: w.storage, shape: [K, N], strides: [w.strides[1]!, w.strides[0]!], offset: w.offset }, out);
    if (res.size === 0) return res;
    if (bias !== null) binaryGrid(BINARY_CODE.add, res.ptr, N, 1, rt.addr(bias), 0, bias.strides[0]!, res.ptr, M, N);
    if (act !== null) unaryRun(UNARY_CODE[act], res.ptr, res.ptr, M * N);
    return res;
  }

  /**
   * gemmF32's schedule on t threads, per block of NC columns: the threads pack all of B's block into one
   * shared buffer (one job, cut into panel groups as element-wise kernels are: partsFor), then share C's rows × columns (a second job), each part packing its own rows
   * of A and walking the depth blocks in gemmF32's order, so the bits are the same. Parts are sized to at
   * least GEMM_PART multiply-adds and up to 8 per thread (measured best of 1, 2, 4, 8, 16 at 1024³), so a thread slowed by other load takes fewer.
   * Row slices are whole micro-kernel tiles (MR rows: 4, or 5 in the relaxed-SIMD build), column slices whole panels (8).
   */
  function gemmThreaded(M: number, N: number, K: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number, c: number, scratch: number, t: number): void {
    const NC = k.gemmBlockN(), stride = k.gemmScratchBytes(), MR = k.gemmTileRows();
    for (let jc = 0; jc < N; jc += NC) {
      const nc = Math.min(NC, N - jc);
      const want = Math.max(t, Math.min(8 * t, Math.floor((M * nc * K) / GEMM_PART)));
      const rowParts = Math.min(Math.ceil(M / MR), want);
      const rowChunk = roundUp(Math.ceil(M / rowParts), MR);
      const rp = Math.ceil(M / rowChunk);
      const colParts = Math.min(Math.ceil(nc / 8), Math.ceil(want / rp));
      const colChunk = roundUp(Math.ceil(nc / colParts), 8);
      const cp = Math.ceil(nc / colChunk);
      const packChunk = roundUp(Math.ceil(nc / partsFor(Math.ceil(nc / 8), 8 * K, t)), 8);
      const bytes = K * roundUp(nc, 8) * 4; // packed panels are padded to 8 columns
      const bpk = rt.temp(bytes);
      rt.parallel([JOB_GEMM_PACK_B, b + jc * csB * 4, rsB, csB, K, nc, bpk, packChunk], Math.ceil(nc / packChunk), t);
      rt.parallel([JOB_GEMM_BLOCK, M, nc, K, a, rsA, csA, c + jc * 4, N, bpk, scratch, stride, rowChunk, colChunk, rp], rp * cp, t);
      rt.release(bpk, bytes);
    }
  }

  /**
   * gather for a slice index (indexSelect's; see isSliceIndex): each selected slice of x is one strided
   * copy into the output (one memmove per slice when both sides are contiguous after `dim`'s selection).
   */
  function gatherSlices(x: WasmView, dim: number, index: WasmView): WasmStorage {
    const shape = index.shape;
    const dtype = x.storage.dtype, eb = ELEM_BYTES[dtype];
    const n = sizeOf(shape);
    const m = shape[dim]!;
    const idxAt = rt.addr(index) >> 2;
    const sel = n === 0 ? new Int32Array(0) : sliceIndices(rt.arrays().int32, idxAt, index.strides[dim]!, m, dim, x.shape[dim]!, "gather");
    const res = rt.alloc(dtype, n);
    if (n === 0) return res;
    const outStrides = contiguousStrides(shape);
    const box = shape.map((s, d) => (d === dim ? 1 : s));
    const c = coalesce(box, [x.strides, outStrides]);
    const xAddr = rt.addr(x), sd = x.strides[dim]! * eb, od = outStrides[dim]! * eb;
    if (c.shape.length <= 1 && (c.shape.length === 0 || (c.strides[0]![0] === 1 && c.strides[1]![0] === 1))) {
      const bytes = sizeOf(box) * eb;
      const u8 = rt.arrays().bool;
      for (let i = 0; i < m; i++) {
        const from = xAddr + sel[i]! * sd;
        u8.copyWithin(res.ptr + i * od, from, from + bytes);
      }
    } else {
      for (let i = 0; i < m; i++) rt.stridedCopy(eb, box, xAddr + sel[i]! * sd, x.strides, res.ptr + i * od, outStrides);
    }
    return res;
  }

  function gather(x: WasmView, dim: number, index: WasmView): WasmStorage {
    if (isSliceIndex(index, dim)) return gatherSlices(x, dim, index);
    // The TS kernel reads x in place through a window onto the whole wasm memory (x's offset and strides
    // kept): only the index and the result cross to the host, never all of x. (A host copy of x made
    // indexSelect on a 60,000×784 training set copy 188 MB per batch.)
    const eb = ELEM_BYTES[x.storage.dtype];
    const idx = toTs(rt, index); // first: reading the index may grow the memory, which detaches earlier views of it
    const inPlace = { storage: new ts.TsStorage(rt.arrays()[x.storage.dtype], x.storage.dtype), shape: x.shape, strides: x.strides, offset: rt.addr(x) / eb };
    return fromTs(rt, TS().gather(inPlace, dim, idx));
  }

  function scatterAdd(base: WasmView, dim: number, index: WasmView, src: WasmView): WasmStorage {
    return fromTs(rt, TS().scatterAdd(toTs(rt, base), dim, toTs(rt, index), toTs(rt, src)));
  }

  function cat(xs: readonly WasmView[], dim: number, out: DType): WasmStorage {
    const shape = [...xs[0]!.shape];
    shape[dim] = xs.reduce((s, x) => s + x.shape[dim]!, 0);
    const res = rt.alloc(out, sizeOf(shape));
    if (res.size === 0) return res;
    const strides = contiguousStrides(shape);
    const eb = ELEM_BYTES[out];
    let at = 0;
    for (const x of xs) {
      const dst = res.ptr + at * strides[dim]! * eb;
      if (x.storage.dtype === out) {
        rt.stridedCopy(eb, x.shape, rt.addr(x), x.strides, dst, strides);
      } else {
        const tmp = copy(x, out);
        rt.stridedCopy(eb, x.shape, tmp.ptr, contiguousStrides(x.shape), dst, strides);
        rt.dispose(tmp);
      }
      at += x.shape[dim]!;
    }
    return res;
  }

  function assign(dst: WasmView, src: WasmView): void {
    const d = dst.storage.dtype;
    const eb = ELEM_BYTES[d];
    if (src.storage.dtype === d && src.storage !== dst.storage) {
      rt.stridedCopy(eb, dst.shape, rt.addr(src), src.strides, rt.addr(dst), dst.strides);
      return;
    }
    // src may alias dst (x.copy_(x.flip(0))) or need a cast: go through a contiguous copy.
    const tmp = copy(src, d);
    rt.stridedCopy(eb, dst.shape, tmp.ptr, contiguousStrides(dst.shape), rt.addr(dst), dst.strides);
    rt.dispose(tmp);
  }

  /** The float64 constants block of optimizerStep (allocated on first use, kept with the runtime). */
  let optimHyper = -1;

  /**
   * In place: one fused optimizer update (assembly/optim.ts) for float32 and float64, split across threads
   * when large (element-wise, so the bits are the same for any thread count).
   */
  function optimizerStep(rule: OptimizerRule, param: WasmView, grad: WasmView, states: readonly WasmView[]): void {
    const n = checkOptimizerStep(rule, param, grad, states);
    if (n === 0) return;
    const { code, flags, c } = optimizerConstants(rule);
    if (optimHyper < 0) optimHyper = rt.temp(8 * OPTIM_MAX_CONSTANTS);
    const f64 = rt.arrays().float64, h = optimHyper >> 3;
    for (let i = 0; i < c.length; i++) f64[h + i] = c[i]!;
    const isF64 = param.storage.dtype === "float64" ? 1 : 0;
    const p = rt.addr(param), g = rt.addr(grad);
    const s0 = states.length > 0 ? rt.addr(states[0]!) : 0;
    const s1 = states.length > 1 ? rt.addr(states[1]!) : 0;
    const s2 = states.length > 2 ? rt.addr(states[2]!) : 0;
    const t = rt.threadsFor(n, ELEMENTWISE_MIN);
    if (t === 1) return k.optimStep(code, flags, isF64, n, p, g, s0, s1, s2, optimHyper);
    const chunk = roundUp(Math.ceil(n / partsFor(n, 1, t)), 16);
    rt.parallel([JOB_OPTIM, code, flags, isF64, n, chunk, p, g, s0, s1, s2, optimHyper], Math.ceil(n / chunk), t);
  }

  /** Σ of n contiguous float32 at `ptr`, as the reduce kernel sums them (reduceBlock: the same bits). */
  function sumOf(ptr: number, n: number): number {
    const at = rt.temp(4);
    reduceBlock("sum", ptr, 1, n, 1, at);
    const s = rt.arrays().float32[at >> 2]!;
    rt.release(at, 4);
    return s;
  }

  /** A one-element float32 storage holding v. */
  function scalarStorage(v: number): WasmStorage {
    const res = rt.alloc("float32", 1);
    rt.arrays().float32[res.ptr >> 2] = v;
    return res;
  }

  /** Per-element losses at `per` (n floats, a fresh storage) reduced as asked; `divisor` for "mean". */
  function lossReduced(per: WasmStorage, n: number, reduction: LossReduction, divisor: () => number): WasmStorage {
    if (reduction === "none") return per;
    const s = sumOf(per.ptr, n);
    rt.dispose(per);
    return scalarStorage(reduction === "sum" ? s : Math.fround(s / divisor()));
  }

  /** Releases the temporary copies rt.contiguous made. */
  const releaseAll = (...xs: { ptr: number; free: number }[]): void => {
    for (const x of xs) if (x.free) rt.release(x.ptr, x.free);
  };

  /**
   * Fused binary cross-entropy (assembly/losses.ts bceF32: the composite's vector maths), its sum through
   * the reduce path and the mean's division rounded once: the composite's bits. float64 and empty inputs
   * take the TS reference kernel.
   */
  function bceLoss(input: WasmView, target: WasmView, reduction: LossReduction): WasmStorage | null {
    const n = sizeOf(input.shape);
    if (!isF32(input) || !isF32(target) || n === 0) {
      const s = TS().bceLoss!(toTs(rt, input), toTs(rt, target), reduction);
      return s && fromTs(rt, s);
    }
    const x = rt.contiguous(input), y = rt.contiguous(target);
    const per = rt.alloc("float32", n);
    const ok = k.bceF32(x.ptr, y.ptr, n, per.ptr);
    releaseAll(x, y);
    if (!ok) {
      rt.dispose(per);
      return null;
    }
    return lossReduced(per, n, reduction, () => Math.fround(n));
  }

  function bceLossBackward(input: WasmView, target: WasmView, grad: WasmView, reduction: LossReduction): WasmStorage {
    const n = sizeOf(input.shape);
    if (!isF32(input) || !isF32(target) || !isF32(grad) || n === 0) {
      return fromTs(rt, TS().bceLossBackward!(toTs(rt, input), toTs(rt, target), toTs(rt, grad), reduction));
    }
    const x = rt.contiguous(input), y = rt.contiguous(target);
    const g = reduction === "none" ? rt.contiguous(grad) : { ptr: 0, free: 0 };
    let gv = 0;
    if (reduction !== "none") {
      gv = rt.arrays().float32[rt.addr(grad) >> 2]!;
      if (reduction === "mean") gv = Math.fround(gv / Math.fround(n));
    }
    const res = rt.alloc("float32", n);
    k.bceGradF32(x.ptr, y.ptr, g.ptr, gv, n, res.ptr);
    releaseAll(x, y, g);
    return res;
  }

  /** The TS reference kernel's cross-entropy arguments (host copies). */
  const tsArgs = (args: CrossEntropyArgs<WasmStorage>): CrossEntropyArgs<ts.TsStorage> =>
    ({ ...args, weight: args.weight && toTs(rt, args.weight) });

  /** Whether the cross-entropy kernels run natively (float32 logits and weights, int32 targets, 1 ≤ C < 65536). */
  const ceNative = (input: WasmView, target: WasmView, args: CrossEntropyArgs<WasmStorage>): boolean =>
    isF32(input) && target.storage.dtype === "int32" && (args.weight === null || isF32(args.weight)) &&
    input.shape[0]! > 0 && input.shape[1]! >= 1 && input.shape[1]! < 65536;

  /**
   * Fused softmax cross-entropy (assembly/losses.ts ceF32: the composite logSoftmax's vector maths and row
   * sums), its sums through the reduce path: the composite's bits. Other dtypes take the TS reference kernel.
   */
  function crossEntropyLoss(input: WasmView, target: WasmView, args: CrossEntropyArgs<WasmStorage>): WasmStorage | null {
    if (!ceNative(input, target, args)) {
      const s = TS().crossEntropyLoss!(toTs(rt, input), toTs(rt, target), tsArgs(args));
      return s && fromTs(rt, s);
    }
    const [n, c] = input.shape as [number, number];
    const x = rt.contiguous(input), t = rt.contiguous(target);
    const w = args.weight ? rt.contiguous(args.weight) : { ptr: 0, free: 0 };
    const per = rt.alloc("float32", n);
    const wvBytes = n * 4, scratchBytes = (c + 4) * 4;
    const wv = rt.temp(wvBytes), scratch = rt.temp(scratchBytes);
    const ok = k.ceF32(x.ptr, n, c, t.ptr, w.ptr, args.ignoreIndex, per.ptr, wv, scratch);
    releaseAll(x, t, w);
    rt.release(scratch, scratchBytes);
    if (!ok) {
      rt.release(wv, wvBytes);
      rt.dispose(per);
      return null;
    }
    const res = lossReduced(per, n, args.reduction, () => sumOf(wv, n));
    rt.release(wv, wvBytes);
    return res;
  }

  function crossEntropyLossBackward(input: WasmView, target: WasmView, grad: WasmView, args: CrossEntropyArgs<WasmStorage>): WasmStorage {
    if (!ceNative(input, target, args) || !isF32(grad)) {
      return fromTs(rt, TS().crossEntropyLossBackward!(toTs(rt, input), toTs(rt, target), toTs(rt, grad), tsArgs(args)));
    }
    const [n, c] = input.shape as [number, number];
    const x = rt.contiguous(input), t = rt.contiguous(target);
    const w = args.weight ? rt.contiguous(args.weight) : { ptr: 0, free: 0 };
    const wvBytes = n * 4, scratchBytes = (c + 4) * 4;
    const wv = rt.temp(wvBytes), scratch = rt.temp(scratchBytes);
    const ok = k.ceWeightsF32(t.ptr, n, c, w.ptr, args.ignoreIndex, wv);
    if (!ok) throw new Error("crossEntropyLossBackward: a target lies outside [0, C); the forward kernel would have refused it.");
    const g = args.reduction === "none" ? rt.contiguous(grad) : { ptr: 0, free: 0 };
    let gv = 0;
    if (args.reduction !== "none") {
      gv = rt.arrays().float32[rt.addr(grad) >> 2]!;
      if (args.reduction === "mean") gv = Math.fround(gv / sumOf(wv, n));
    }
    const res = rt.alloc("float32", n * c);
    k.ceGradF32(x.ptr, n, c, t.ptr, wv, args.ignoreIndex, g.ptr, gv, res.ptr, scratch);
    releaseAll(x, t, w, g);
    rt.release(wv, wvBytes);
    rt.release(scratch, scratchBytes);
    return res;
  }

  return {
    unary, binary, where, reduce, matmul, linear, copy, gather, scatterAdd, cat, assign, optimizerStep,
    bceLoss, bceLossBackward, crossEntropyLoss, crossEntropyLossBackward,
  };
}
