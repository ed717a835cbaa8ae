// Runs a function with another backend active, for tests that compare backends.
import { backendName, setBackend } from "../../src/backend/registry.js";

/** Runs `f` with `name` as the active backend (tensors created inside live there), then restores the previous one. */
export function onBackend<R>(name: string, f: () => R): R {
  const before = backendName();
  setBackend(name);
  try {
    return f();
  } finally {
    setBackend(before);
  }
}
