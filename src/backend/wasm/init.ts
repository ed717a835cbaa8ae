/** Asynchronous start-up of the wasm backend, for browsers (optional in Node). */
import { getBackend } from "../registry.js";
import type { WasmBackend } from "./backend.js";
import { compileWasm } from "./module.js";
import { getNumThreads } from "./threads.js";

/**
 * Compiles the kernels asynchronously, creates the "wasm" backend instance and starts its worker threads,
 * resolving when they are ready (or after `timeoutMs`; unready workers simply join later). Needed on a
 * browser's main thread, which refuses synchronous compilation of large modules and cannot start a worker
 * while it blocks; optional in Node and in workers, where everything starts lazily on first use. Returns
 * the thread count the backend uses (1 where SharedArrayBuffer is missing: a page without COOP/COEP).
 * ```ts
 * await initWasm();
 * setBackend("wasm");
 * ```
 */
export async function initWasm(options: { timeoutMs?: number } = {}): Promise<number> {
  const { timeoutMs = 10_000 } = options;
  await compileWasm();
  const b = getBackend("wasm") as WasmBackend;
  b.startThreads();
  const want = getNumThreads();
  const t0 = Date.now();
  while (b.shared && b.threads < want && b.threadsStarted >= want - 1 && Date.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 5));
  }
  return b.threads;
}
