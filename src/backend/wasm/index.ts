/**
 * The wasm backend's public face. Importing has no side effects: the registry knows "wasm" from the start
 * and creates it on first use (it is the default backend where WebAssembly SIMD exists).
 * ```ts
 * setBackend("wasm");                      // already the default where SIMD exists
 * tensor([1, 2, 3]).exp().sum().item();   // 30.19…, computed in WebAssembly
 * ```
 */
export { WasmBackend } from "./backend.js";
export { WasmStorage } from "./storage.js";
export { wasmSimdSupported, sharedMemorySupported, kernelVariant, relaxedSimdSupported, type KernelVariant } from "./module.js";
export { setNumThreads, getNumThreads } from "./threads.js";
export { createWasmBackend } from "./create.js";
export { initWasm } from "./init.js";
export type { HeapStats } from "./heap.js";

/**
 * Kept for compatibility: "wasm" is always registered now, so this does nothing.
 * @deprecated `setBackend("wasm")` works without it.
 */
export function useWasm(): void {}
