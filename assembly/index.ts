/**
 * nabla's WebAssembly kernels (AssemblyScript, SIMD128). Built by `npm run build:wasm` into
 * src/backend/wasm/kernels-wasm.ts; the module imports its memory as env.memory and never allocates: the
 * TS side owns the heap above `heapBase()` and passes byte addresses.
 */
export { gemmF32, gemmScratchBytes } from "./gemm";
export { unaryF32, binaryF32, where32 } from "./elementwise";
export { reduceF32 } from "./reduce";
export { stridedCopy, convert } from "./copy";

/** First byte the TS-side allocator may use (after the module's static data). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
