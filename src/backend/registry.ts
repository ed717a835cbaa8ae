/**
 * Which backend new tensors use. Nothing is chosen at import time: the TS reference backend is created on
 * first use, and `setBackend` switches explicitly.
 */
import { ValueError } from "../errors.js";
import type { Backend } from "./backend.js";
import { TsBackend } from "./ts/index.js";

const factories = new Map<string, () => Backend>([["ts", () => new TsBackend()]]);
const instances = new Map<string, Backend>();
let current: string = "ts";

/** Makes a backend available to `setBackend(name)`. */
export function registerBackend(name: string, factory: () => Backend): void {
  factories.set(name, factory);
  instances.delete(name);
}

/** Selects the backend for tensors created from now on. `setBackend("ts")` is the reference backend. */
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
export function getBackend(name: string = current): Backend {
  let b = instances.get(name);
  if (!b) {
    const f = factories.get(name);
    if (!f) throw new ValueError(`getBackend: unknown backend "${name}".`);
    b = f();
    instances.set(name, b);
  }
  return b;
}

/** The name of the active backend. */
export const backendName = (): string => current;
