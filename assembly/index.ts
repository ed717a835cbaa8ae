/**
 * nabla's WebAssembly kernels (AssemblyScript, SIMD128). Built by `npm run build:wasm` into
 * src/backend/wasm/kernels-wasm.ts; the module imports its memory as env.memory (shared between threads
 * where the runtime allows; see scripts/build-wasm.mjs) and never allocates: the TS side owns the heap above
 * `heapBase()` and passes byte addresses. No kernel writes static data, so any number of instances (one per
 * thread) can run over one memory.
 */
export { gemmF32, gemmScratchBytes, gemmBlockN, gemmFused, gemmTileRows } from "./gemm";
export { gemmSmallF32, gemmSmallScratchBytes, linearSmallF32 } from "./gemm-small";
export { unaryF32, binaryF32, where32 } from "./elementwise";
export { reduceF32, reducePartial, reduceCombine } from "./reduce";
export { stridedCopy, convert } from "./copy";
export { optimStep } from "./optim";
export { bceF32, bceGradF32, ceWeightsF32, ceF32, ceGradF32 } from "./losses";
export { runPart } from "./parallel";

/** First byte the TS-side allocator may use (after the module's static data). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
