/**
 * Preload that makes one backend active before a test file runs, so suites written for the default
 * backend run unchanged on the other one:
 * `NABLA_SUITE_BACKEND=ts node --import tsx --import ./test/backend-wasm-preload.ts test/parity.test.ts`
 * (test/backend-wasm-suites.test.ts does this). The backend is NABLA_SUITE_BACKEND ("ts" or "wasm";
 * default "wasm"). On exit it prints one line, `suite-preload: {"backend":…,"kernelCalls":…}`, so the
 * caller can check the suite really ran there.
 */
import { backendName, getBackend, setBackend } from "../src/backend/registry.js";

const name = process.env.NABLA_SUITE_BACKEND || "wasm";
setBackend(name);
const kernels = getBackend(name).kernels as unknown as Record<string, (...args: unknown[]) => unknown>;
let calls = 0;
for (const k of Object.keys(kernels)) {
  const f = kernels[k]!;
  kernels[k] = (...args: unknown[]) => (calls++, f(...args));
}
process.on("exit", () => {
  process.stdout.write(`suite-preload: ${JSON.stringify({ backend: backendName(), kernelCalls: calls })}\n`);
});
