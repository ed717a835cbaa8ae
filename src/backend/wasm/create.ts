/** Creating a wasm backend instance (what the registry's "wasm" factory calls). */
import { NablaError } from "../../errors.js";
import { WasmBackend } from "./backend.js";
import { wasmSimdSupported } from "./module.js";

/**
 * A new wasm backend instance (its own memory, its own worker threads when they are first needed).
 * Throws where WebAssembly SIMD128 is missing. Most code never calls this: `setBackend("wasm")` (or the
 * default choice) creates one instance on first use.
 */
export function createWasmBackend(): WasmBackend {
  if (!wasmSimdSupported()) {
    throw new NablaError("createWasmBackend: this runtime has no WebAssembly SIMD128 (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, " +
      "Safari ≥ 16.4 have it); keep the \"ts\" backend.");
  }
  return new WasmBackend();
}
