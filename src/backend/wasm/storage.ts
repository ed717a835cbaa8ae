/**
 * Storage of the wasm backend: a block of the backend's WebAssembly memory. Blocks are freed by
 * `Backend.dispose` (tensor.dispose(), `using`) or, once the storage object is garbage-collected, by a
 * FinalizationRegistry, so user code never has to dispose anything.
 */
import type { DType } from "../../dtype.js";
import type { Storage, View } from "../backend.js";
import { ELEM_BYTES } from "./opcodes.js";
import type { Held } from "./reclaim.js";

export class WasmStorage implements Storage {
  /** Byte address of element 0 in the backend's memory; -1 once disposed. */
  ptr: number;
  /** The reclaimer's record of this block (null for storages not registered with it). */
  held: Held | null = null;
  /**
   * @param serial the runtime's allocation count when this storage was made (1, 2, …; see
   *   `WasmBackend.allocatedSince`)
   */
  constructor(ptr: number, readonly size: number, readonly dtype: DType, readonly serial: number) {
    this.ptr = ptr;
  }
  /** Bytes the elements occupy. */
  get bytes(): number {
    return this.size * ELEM_BYTES[this.dtype];
  }
}

export type WasmView = View<WasmStorage>;
