/**
 * TF.js anchors for the benchmarks: tfjs-core with the cpu backend and the wasm backend (SIMD build, one
 * thread; the .wasm files are read from node_modules). Training also needs ./tfjs-gradients.ts.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export { tf };

let wasmPathsSet = false;

/** Selects a TF.js backend ("cpu" or "wasm"), single-threaded, and waits until it is ready. */
export async function useTfBackend(name: "cpu" | "wasm"): Promise<void> {
  tf.env().set("PROD", true); // production mode: no debug checks, no "install tfjs-node" banner
  if (name === "wasm" && !wasmPathsSet) {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    setWasmPaths(join(dist, "/"));
    setThreadsCount(1);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} failed to initialize`);
  await tf.ready();
}

export const tfVersion = (): string => tf.version_core;
