/**
 * The bridge to the TS reference backend for kernels/dtypes without a wasm implementation: inputs are read
 * out as contiguous host copies, the TS kernel runs on them, and its result is uploaded. Slow but exact
 * (the result is the specification's), so the wasm backend is complete for every kernel and dtype.
 */
import { contiguousStrides } from "../../shape.js";
import { TsStorage } from "../ts/storage.js";
import type { TsView } from "../ts/storage.js";
import type { WasmRuntime } from "./runtime.js";
import type { WasmStorage, WasmView } from "./storage.js";

/** A contiguous host copy of a wasm view, as a view the TS kernels accept. */
export function toTs(rt: WasmRuntime, v: WasmView): TsView {
  return { storage: new TsStorage(rt.read(v), v.storage.dtype), shape: v.shape, strides: contiguousStrides(v.shape), offset: 0 };
}

/** Uploads a TS kernel's result. */
export function fromTs(rt: WasmRuntime, s: TsStorage): WasmStorage {
  return rt.upload(s.data, s.dtype);
}
