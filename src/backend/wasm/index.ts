/**
 * The wasm backend's public face. Importing has no side effects: `useWasm()` registers it, `setBackend`
 * selects it.
 * ```ts
 * useWasm();
 * setBackend("wasm");
 * tensor([1, 2, 3]).exp().sum().item();   // 30.19…, computed in WebAssembly
 * ```
 */
import { registerBackend } from "../registry.js";
import { WasmBackend } from "./backend.js";
import { wasmSimdSupported } from "./module.js";
import { NablaError } from "../../errors.js";

export { WasmBackend } from "./backend.js";
export { WasmStorage } from "./storage.js";
export { initWasm, wasmSimdSupported } from "./module.js";
export type { HeapStats } from "./heap.js";

/** A new wasm backend instance (its own memory). Throws where WebAssembly SIMD128 is missing. */
export function createWasmBackend(): WasmBackend {
  if (!wasmSimdSupported()) {
    throw new NablaError("createWasmBackend: this runtime has no WebAssembly SIMD128 (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, " +
      "Safari ≥ 16.4 have it); keep the \"ts\" backend.");
  }
  return new WasmBackend();
}

/**
 * Registers the wasm backend under the name "wasm" (created on first use), so `setBackend("wasm")` works.
 * In a browser's main thread, `await initWasm()` first (synchronous compilation is limited to 4 KB there).
 */
export function useWasm(): void {
  registerBackend("wasm", createWasmBackend);
}
