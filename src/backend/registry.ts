/**
 * Which backend new tensors use. Two are built in: "wasm" (WebAssembly SIMD kernels, threads) and "ts"
 * (the TypeScript reference). Nothing is created at import time. The first tensor picks the default:
 * "wasm" where WebAssembly SIMD exists and the module can be compiled synchronously (always in Node and in
 * workers; on a browser's main thread after `await initWasm()`), else "ts". The environment variable
 * NABLA_BACKEND ("ts" or "wasm") overrides the default in Node; `setBackend` switches explicitly.
 */
import { ValueError } from "../errors.js";
import type { Backend } from "./backend.js";
import { TsBackend } from "./ts/index.js";
import { createWasmBackend } from "./wasm/create.js";
import { wasmSimdSupported } from "./wasm/module.js";

const factories = new Map<string, () => Backend>([
  ["ts", () => new TsBackend()],
  ["wasm", createWasmBackend],
]);
const instances = new Map<string, Backend>();
let current: string | null = null;

/** The default backend's name (see the file comment); creating "wasm" is how we learn that it works. */
function defaultBackend(): string {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NABLA_BACKEND;
  if (env !== undefined && env !== "") {
    if (!factories.has(env)) throw new ValueError(`NABLA_BACKEND="${env}" is not a backend; use "ts" or "wasm".`);
    return env;
  }
  if (!wasmSimdSupported()) return "ts";
  try {
    getBackend("wasm");
    return "wasm";
  } catch {
    return "ts"; // e.g. a browser's main thread refusing synchronous compilation before initWasm()
  }
}

function active(): string {
  return (current ??= defaultBackend());
}

/** Makes a backend available to `setBackend(name)`. */
export function registerBackend(name: string, factory: () => Backend): void {
  factories.set(name, factory);
  instances.delete(name);
}

/**
 * Selects the backend for tensors created from now on: "wasm" (the default where WebAssembly SIMD exists),
 * "ts" (the reference), or one added by registerBackend.
 */
export function setBackend(name: string): void {
  if (!factories.has(name)) {
    throw new ValueError(
      `setBackend: unknown backend "${name}"; registered: ${[...factories.keys()].join(", ")}. ` +
        `Register it first with registerBackend(name, factory).`,
    );
  }
  current = name;
}

/** The backend instance new tensors use (created lazily). */
export function getBackend(name: string = active()): Backend {
  let b = instances.get(name);
  if (!b) {
    const f = factories.get(name);
    if (!f) throw new ValueError(`getBackend: unknown backend "${name}"; registered: ${[...factories.keys()].join(", ")}.`);
    b = f();
    instances.set(name, b);
  }
  return b;
}

/** The name of the active backend ("wasm" or "ts" by default; see the file comment). */
export const backendName = (): string => active();
