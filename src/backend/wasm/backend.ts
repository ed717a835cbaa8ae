/**
 * The WebAssembly backend: storage in one WebAssembly.Memory, float32 SIMD128 kernels compiled from
 * assembly/ (AssemblyScript), everything else through native data movement or the TS reference kernels.
 * Large kernels run on worker threads over a shared memory (see threads.ts). Memory needs no user code: storages are freed when their tensors are garbage-collected
 * (FinalizationRegistry), or at once by `tensor.dispose()`. See docs/wasm.md.
 */
import type { DType, TypedArray } from "../../dtype.js";
import type { Backend, Kernels } from "../backend.js";
import type { HeapStats } from "./heap.js";
import { makeKernels } from "./kernels.js";
import { WasmRuntime } from "./runtime.js";
import type { WasmStorage, WasmView } from "./storage.js";

export class WasmBackend implements Backend<WasmStorage> {
  readonly name = "wasm";
  private readonly rt = new WasmRuntime();
  readonly kernels: Kernels<WasmStorage> = makeKernels(this.rt);

  fromArray(data: TypedArray, dtype: DType): WasmStorage {
    return this.rt.upload(data, dtype);
  }

  read(x: WasmView): TypedArray {
    return this.rt.read(x);
  }

  readAsync(x: WasmView): Promise<TypedArray> {
    return Promise.resolve(this.rt.read(x));
  }

  dispose(s: WasmStorage): void {
    this.rt.dispose(s);
  }

  /** A mark of the allocations so far: storages allocated later are `allocatedSince` it. */
  allocationMark(): number {
    return this.rt.allocations;
  }

  /** Whether `s`, a live storage of this backend, was allocated after `mark` was taken (by `allocationMark`). */
  allocatedSince(s: WasmStorage, mark: number): boolean {
    return s.serial > mark && s.ptr >= 0;
  }

  /** Threads the kernels use now: 1 + ready workers, at most getNumThreads(); 1 without shared memory. */
  get threads(): number {
    return this.rt.threads;
  }

  /** Whether the memory is shared (SharedArrayBuffer), i.e. threads are possible. */
  get shared(): boolean {
    return this.rt.shared;
  }

  /** Workers started so far (they join the kernels once ready). */
  get threadsStarted(): number {
    return this.rt.threadSlots - 1;
  }

  /** Starts the worker threads now instead of at the first large kernel. */
  startThreads(): void {
    this.rt.startThreads();
  }

  /** Terminates the worker threads (idle workers never keep a Node process alive; this frees them early). */
  stopThreads(): void {
    this.rt.closeThreads();
  }

  /**
   * What JSON.stringify shows of the backend (a tensor's `backend` field): its name and figures, not the
   * runtime, whose typed-array windows span the whole wasm memory.
   */
  toJSON(): { name: string; threads: number; memory: HeapStats } {
    return { name: this.name, threads: this.threads, memory: this.memoryStats() };
  }

  /** Allocator figures: memory pages, bytes in live and in freed (reusable) blocks, live blocks. */
  memoryStats(): HeapStats {
    return this.rt.heap.stats();
  }
}
