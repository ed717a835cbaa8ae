/**
 * The WebAssembly backend: storage in one WebAssembly.Memory, float32 SIMD128 kernels compiled from
 * assembly/ (AssemblyScript), everything else through native data movement or the TS reference kernels.
 * Single-threaded. Memory needs no user code: storages are freed when their tensors are garbage-collected
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

  /** Allocator figures: memory pages, bytes in live and in freed (reusable) blocks, live blocks. */
  memoryStats(): HeapStats {
    return this.rt.heap.stats();
  }
}
