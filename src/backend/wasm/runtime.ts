/**
 * One instance of the kernel module with its memory, allocator and the helpers every kernel needs:
 * allocating storages (freed by dispose or a FinalizationRegistry), addressing views, gathering a strided
 * view into contiguous memory, typed-array windows onto the memory, and running a job's parts on the
 * thread pool (created on first use where the memory is shared).
 */
import { allocArray, type DType, type TypedArray } from "../../dtype.js";
import { ValueError } from "../../errors.js";
import { isContiguous, sizeOf } from "../../shape.js";
import { WasmHeap } from "./heap.js";
import { loadKernelsSync, type KernelExports } from "./module.js";
import { getNumThreads, MAX_PARTS, ThreadPool } from "./threads.js";
import { ELEM_BYTES } from "./opcodes.js";
import { Reclaimer } from "./reclaim.js";
import { WasmStorage, type WasmView } from "./storage.js";
import { coalesce } from "./views.js";

/** Most dims a view may have (the strided-copy metadata area is sized for it). */
const MAX_DIMS = 64;

/** i32 slots of the job record. */
const JOB_SLOTS = 32;

/** Bytes allocated between forced collections (or the live bytes, if larger); see reclaim.ts. */
const COLLECT_BUDGET = 64 * 2 ** 20;

export class WasmRuntime {
  readonly memory: WebAssembly.Memory;
  readonly k: KernelExports;
  readonly heap: WasmHeap;
  readonly reclaimer: Reclaimer;
  /** Storages allocated so far (each gets the count as its serial: later storages have larger serials). */
  allocations = 0;
  /** Whether the memory is shared, so kernels can run on worker threads. */
  readonly shared: boolean;
  /** 4 × MAX_DIMS i32 for stridedCopy's shape/strides/counters. */
  private readonly meta: number;
  /** The job record of threaded kernels (JOB_SLOTS i32; see assembly/parallel.ts). */
  private readonly job: number;
  private readonly module: WebAssembly.Module;
  private pool: ThreadPool | null = null;
  private poolFailed = false;
  private gemmScratch = -1;
  private gemmScratchThreads = 0;
  private buf: ArrayBuffer | null = null;
  private views: { float32: Float32Array; float64: Float64Array; int32: Int32Array; bool: Uint8Array } | null = null;

  constructor() {
    const { memory, exports, module, shared } = loadKernelsSync();
    this.memory = memory;
    this.k = exports;
    this.module = module;
    this.shared = shared;
    this.heap = new WasmHeap(memory, exports.heapBase());
    this.meta = this.heap.alloc(4 * 4 * MAX_DIMS);
    this.job = this.heap.alloc(4 * JOB_SLOTS);
    // The held value must not reference the storage, or it would never be collected.
    this.reclaimer = new Reclaimer((h) => this.heap.free(h.ptr, h.bytes), COLLECT_BUDGET, () => this.heap.liveBytes);
  }

  /** Typed-array windows onto the whole memory (refreshed after the memory grows). */
  arrays(): { float32: Float32Array; float64: Float64Array; int32: Int32Array; bool: Uint8Array } {
    const b = this.memory.buffer;
    if (b !== this.buf || this.views === null) {
      this.buf = b;
      this.views = { float32: new Float32Array(b), float64: new Float64Array(b), int32: new Int32Array(b), bool: new Uint8Array(b) };
    }
    return this.views;
  }

  /** A fresh storage of n elements (contents undefined), freed when it is garbage-collected. */
  alloc(dtype: DType, n: number): WasmStorage {
    const bytes = n * ELEM_BYTES[dtype];
    const ptr = this.heap.alloc(bytes);
    const s = new WasmStorage(ptr, n, dtype, ++this.allocations);
    const held = { ptr, bytes, epoch: 0 };
    s.held = held;
    this.reclaimer.register(s, held);
    return s;
  }

  /** Frees a storage now (idempotent). */
  dispose(s: WasmStorage): void {
    if (s.ptr < 0) return;
    if (s.held !== null) this.reclaimer.release(s.held);
    this.heap.free(s.ptr, s.bytes);
    s.ptr = -1;
  }

  /** A scratch block for the duration of one kernel (pair with `release`). */
  temp(bytes: number): number {
    return this.heap.alloc(bytes);
  }
  release(ptr: number, bytes: number): void {
    this.heap.free(ptr, bytes);
  }

  /** Byte address of a view's first element (offset applied). */
  addr(v: WasmView): number {
    const s = v.storage;
    if (s.ptr < 0) {
      throw new ValueError(`wasm backend: this tensor's storage was disposed (a ${s.dtype} storage of ${s.size} elements); ` +
        `a disposed tensor and every view of it can no longer be used. Dispose only tensors you are done with.`);
    }
    return s.ptr + v.offset * ELEM_BYTES[s.dtype];
  }

  /** gemm packing scratch for `threads` threads (gemmScratchBytes() each, consecutive), kept between calls. */
  gemmScratchPtr(threads: number): number {
    if (threads > this.gemmScratchThreads) {
      const bytes = this.k.gemmScratchBytes();
      if (this.gemmScratch >= 0) this.heap.free(this.gemmScratch, bytes * this.gemmScratchThreads);
      this.gemmScratch = this.heap.alloc(bytes * threads);
      this.gemmScratchThreads = threads;
    }
    return this.gemmScratch;
  }

  /**
   * Threads a kernel of this size may use now: 1 below `minWork` units of work, where the memory is not
   * shared or workers cannot start; else `getNumThreads()` (the workers are started on the first call).
   */
  threadsFor(work: number, minWork: number): number {
    if (work < minWork || !this.shared || this.poolFailed) return 1;
    const want = getNumThreads();
    if (want <= 1) return 1;
    if (this.pool === null) this.pool = new ThreadPool(this.module, this.memory, this.job, (j, p, t) => this.k.runPart(j, p, t));
    if (this.pool.started < want - 1 && !this.pool.grow(want - 1)) {
      if (this.pool.started === 0) this.poolFailed = true;
    }
    return Math.min(want, 1 + this.pool.ready);
  }

  /** Threads in use: 1 + the ready workers (capped at getNumThreads()), 1 without shared memory. */
  get threads(): number {
    if (!this.shared || this.pool === null) return 1;
    return Math.min(getNumThreads(), 1 + this.pool.ready);
  }

  /** Starts the workers now (instead of at the first big kernel); they report ready asynchronously. */
  startThreads(): void {
    this.threadsFor(Infinity, 0);
  }

  /** Thread ids in use so far (the caller is 0, workers 1 … started): the gemm scratch slots needed. */
  get threadSlots(): number {
    return 1 + (this.pool?.started ?? 0);
  }

  /** Workers that have started and report ready (0 before the first threaded kernel). */
  get readyWorkers(): number {
    return this.pool?.ready ?? 0;
  }

  /**
   * Runs parts 0 … parts-1 of a job (slot values as assembly/parallel.ts lays them out) on the calling
   * thread alone (`threads` = 1) or with the workers.
   */
  parallel(slots: readonly number[], parts: number, threads: number): void {
    const i32 = this.arrays().int32;
    const at = this.job >> 2;
    for (let i = 0; i < slots.length; i++) i32[at + i] = slots[i]!;
    if (threads <= 1 || parts <= 1 || this.pool === null) {
      for (let p = 0; p < parts; p++) this.k.runPart(this.job, p, 0);
    } else {
      if (parts > MAX_PARTS) throw new RangeError(`wasm backend: a job of ${parts} parts (at most ${MAX_PARTS})`);
      this.pool.runParts(parts);
    }
  }

  /** Stops the workers (they are also stopped when the process exits). */
  closeThreads(): void {
    this.pool?.close();
    this.pool = null;
  }

  /**
   * Strided copy of `n`-element grids: src view (element strides srcStrides at byte address src) into dst
   * (strides dstStrides at dst), both of element size `eb`. Dims are coalesced first, so a contiguous pair
   * becomes one memmove.
   */
  stridedCopy(eb: number, shape: readonly number[], src: number, srcStrides: readonly number[], dst: number, dstStrides: readonly number[]): void {
    if (sizeOf(shape) === 0) return;
    const c = coalesce(shape, [srcStrides, dstStrides]);
    const nd = c.shape.length;
    if (nd === 0 || (nd === 1 && c.strides[0]![0] === 1 && c.strides[1]![0] === 1)) {
      const n = nd === 0 ? 1 : c.shape[0]!;
      this.arrays().bool.copyWithin(dst, src, src + n * eb);
      return;
    }
    if (nd > MAX_DIMS) throw new ValueError(`wasm backend: views with more than ${MAX_DIMS} dims are not supported (got ${nd}).`);
    const i32 = this.arrays().int32;
    const m = this.meta >> 2;
    for (let d = 0; d < nd; d++) {
      i32[m + d] = c.shape[d]!;
      i32[m + nd + d] = c.strides[0]![d]!;
      i32[m + 2 * nd + d] = c.strides[1]![d]!;
    }
    this.k.stridedCopy(eb, src, dst, nd, this.meta);
  }

  /** Writes view v's elements, row-major, to contiguous memory at byte address dst (same dtype). */
  gatherTo(v: WasmView, dst: number): void {
    const eb = ELEM_BYTES[v.storage.dtype];
    const cs: number[] = new Array(v.shape.length);
    let s = 1;
    for (let d = v.shape.length - 1; d >= 0; d--) { cs[d] = s; s *= v.shape[d]!; }
    this.stridedCopy(eb, v.shape, this.addr(v), v.strides, dst, cs);
  }

  /**
   * Address of a contiguous copy of view v: the view's own address when already contiguous (free = 0), or
   * a gathered temporary the caller releases with `release(ptr, free)`.
   */
  contiguous(v: WasmView): { ptr: number; free: number } {
    if (isContiguous(v.shape, v.strides)) return { ptr: this.addr(v), free: 0 };
    const bytes = sizeOf(v.shape) * ELEM_BYTES[v.storage.dtype];
    const ptr = this.temp(bytes);
    this.gatherTo(v, ptr);
    return { ptr, free: bytes };
  }

  /** A host copy of the view's elements, row-major. */
  read(v: WasmView): TypedArray {
    const n = sizeOf(v.shape);
    const dtype = v.storage.dtype;
    if (n === 0) return allocArray(dtype, 0);
    const { ptr, free } = this.contiguous(v);
    const eb = ELEM_BYTES[dtype];
    const out = this.arrays()[dtype].slice(ptr / eb, ptr / eb + n);
    if (free) this.release(ptr, free);
    return out;
  }

  /** Uploads host data as a storage of `dtype` (converting as typed-array assignment does; bool is x ≠ 0). */
  upload(data: TypedArray, dtype: DType): WasmStorage {
    const s = this.alloc(dtype, data.length);
    const arr = this.arrays()[dtype];
    const at = s.ptr / ELEM_BYTES[dtype];
    if (dtype === "bool") {
      for (let i = 0; i < data.length; i++) arr[at + i] = data[i] ? 1 : 0;
    } else {
      arr.set(data, at);
    }
    return s;
  }
}
