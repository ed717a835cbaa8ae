/**
 * Preload that makes "wasm" the active backend before a test file runs, so suites written for the default
 * backend run unchanged on the wasm backend:
 * `node --import tsx --import ./test/backend-wasm-preload.ts test/parity.test.ts`
 * (test/backend-wasm-suites.test.ts does this for the parity and gradcheck suites). On exit it prints one
 * line, `wasm-preload: {"backend":…,"kernelCalls":…}`, so the caller can check the suite really ran here.
 */
import { useWasm } from "../src/backend/wasm/index.js";
import { backendName, getBackend, setBackend } from "../src/backend/registry.js";

useWasm();
setBackend("wasm");
const kernels = getBackend("wasm").kernels as unknown as Record<string, (...args: unknown[]) => unknown>;
let calls = 0;
for (const name of Object.keys(kernels)) {
  const f = kernels[name]!;
  kernels[name] = (...args: unknown[]) => (calls++, f(...args));
}
process.on("exit", () => {
  process.stdout.write(`wasm-preload: ${JSON.stringify({ backend: backendName(), kernelCalls: calls })}\n`);
});
