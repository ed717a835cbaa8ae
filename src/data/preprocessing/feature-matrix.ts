/**
 * Shared helpers for the preprocessors: reading a `[N, F]` tensor as float64 columns, checking fitted
 * state and widths, and scikit-learn's rule for near-zero scales.
 */
import { ShapeError, ValueError } from "../../errors.js";
import { isFloat } from "../../dtype.js";
import { tensor } from "../../ops/creation.js";
import type { Tensor } from "../../tensor.js";

/** Checks `x` is `[N, F]` (and `F` is `nFeatures` when given); returns `[N, F]`. */
export function checkMatrix(op: string, x: Tensor, nFeatures?: number): [number, number] {
  if (x.ndim !== 2) {
    throw new ShapeError(
      `${op}: expected a 2-D [samples, features] tensor, got shape [${x.shape}]. ` +
        (x.ndim === 1 ? "For a single feature use x.reshape([-1, 1])." : "Flatten the sample to one row first."),
    );
  }
  const [n, f] = x.shape as [number, number];
  if (nFeatures !== undefined && f !== nFeatures) {
    throw new ShapeError(`${op}: x has ${f} features but the transformer was fitted on ${nFeatures}.`);
  }
  return [n, f];
}

/** The columns of a `[N, F]` tensor as float64 arrays. */
export function columnsOf(x: Tensor): Float64Array[] {
  const [n, f] = x.shape as [number, number];
  const flat = x.dataSync();
  const cols = Array.from({ length: f }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) cols[j]![i] = flat[i * f + j]!;
  return cols;
}

/** A `[1, F]` row tensor of `values` in `x`'s float dtype (float32 for int inputs), for broadcasting. */
export function rowLike(x: Tensor, values: ArrayLike<number>): Tensor {
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  const arr = dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values);
  return tensor(arr, { shape: [1, arr.length] });
}

/** `x` as a float tensor (int and bool inputs become float32). */
export const asFloat = (x: Tensor): Tensor => (isFloat(x.dtype) ? x : x.float());

/** Throws unless `fitted`, naming the class and the fix. */
export function checkFitted(name: string, method: string, fitted: boolean): void {
  if (!fitted) throw new ValueError(`${name}.${method}: this ${name} is not fitted yet; call fit(x) (or fitTransform(x)) first.`);
}

/** Checks a JSON object's `type` tag when restoring a transformer. */
export function checkJsonType(name: string, json: unknown): Record<string, unknown> {
  if (typeof json !== "object" || json === null || (json as { type?: unknown }).type !== name) {
    throw new ValueError(`${name}.fromJSON: expected an object with type "${name}", got ${JSON.stringify((json as { type?: unknown })?.type ?? json)?.slice(0, 80)}.`);
  }
  return json as Record<string, unknown>;
}

/** Reads a numeric array field of a JSON object, with a clear error when it is missing or malformed. */
export function numberArray(name: string, json: Record<string, unknown>, key: string, length?: number): number[] {
  const v = json[key];
  if (!Array.isArray(v) || !v.every((e) => typeof e === "number" || e === null)) {
    throw new ValueError(`${name}.fromJSON: field "${key}" must be an array of numbers.`);
  }
  if (length !== undefined && v.length !== length) throw new ValueError(`${name}.fromJSON: field "${key}" has ${v.length} entries, expected ${length}.`);
  // JSON has no NaN: null stands for it.
  return v.map((e) => (e === null ? NaN : (e as number)));
}

/** NaN → null so that JSON.stringify keeps the position (fromJSON maps it back). */
export const jsonNumbers = (a: ArrayLike<number>): (number | null)[] => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
