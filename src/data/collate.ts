/**
 * Collation: merging a list of samples into one batch, as PyTorch's `default_collate`.
 *
 * - tensors of equal shape `s` → one tensor `[B, ...s]` (stack);
 * - numbers → a 1-D tensor `[B]` (int32 when all are integers, else float32); booleans → bool `[B]`;
 * - typed arrays of equal length `L` → `[B, L]` of their dtype (a Uint8Array gives int32);
 * - tuples (arrays) → a tuple of collated fields; plain objects → an object of collated fields.
 *
 * ```ts
 * const batch = defaultCollate([[tensor([1, 2]), 0], [tensor([3, 4]), 1]]);
 * batch[0].shape; // [2, 2]
 * batch[1].toArray(); // [0, 1] (int32)
 * ```
 */
import { dtypeOfArray, type TypedArray } from "../dtype.js";
import { ShapeError, ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { stack } from "../ops/movement.js";
import { Tensor } from "../tensor.js";

/** The batch type `defaultCollate` makes from samples of type `T`. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean | TypedArray
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : never;

/** A function that merges a list of samples into a batch. */
export type CollateFn<T, B> = (samples: T[]) => B;

/** Merges samples into a batch (rules in the file comment). Throws naming the field path on a mismatch. */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (samples.length === 0) throw new ValueError("defaultCollate: cannot collate an empty list of samples.");
  return collateAt(samples as readonly unknown[], "sample") as Collated<T>;
}

function collateAt(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  const kind = kindOf(first);
  items.forEach((v, i) => {
    if (kindOf(v) !== kind) {
      throw new ValueError(`defaultCollate: ${path} is a ${kind} in sample 0 but a ${kindOf(v)} in sample ${i}; samples must have the same structure.`);
    }
  });
  switch (kind) {
    case "tensor": {
      const ts = items as Tensor[];
      const s0 = ts[0]!.shape;
      ts.forEach((t, i) => {
        if (t.shape.length !== s0.length || t.shape.some((d, k) => d !== s0[k])) {
          throw new ShapeError(`defaultCollate: ${path} has shape [${t.shape}] in sample ${i} but [${s0}] in sample 0; pass a custom collate to pad or pack them.`);
        }
      });
      return stack(ts, 0);
    }
    case "number": {
      const xs = items as number[];
      const ints = xs.every((v) => Number.isInteger(v) && Math.abs(v) <= 2147483647);
      return tensor(ints ? Int32Array.from(xs) : Float32Array.from(xs));
    }
    case "boolean":
      return tensor(items as boolean[]);
    case "typed array": {
      const arrs = items as TypedArray[];
      const len = arrs[0]!.length;
      // Bytes (e.g. image pixels) become int32, not bool, which is what a Uint8Array tensor would mean.
      const dtype = arrs[0] instanceof Uint8Array ? "int32" : dtypeOfArray(arrs[0]!);
      const out = dtype === "int32" ? new Int32Array(len * arrs.length) : new (arrs[0]!.constructor as new (n: number) => TypedArray)(len * arrs.length);
      arrs.forEach((a, i) => {
        if (a.length !== len || a.constructor !== arrs[0]!.constructor) {
          throw new ShapeError(`defaultCollate: ${path} is a ${a.constructor.name}(${a.length}) in sample ${i} but a ${arrs[0]!.constructor.name}(${len}) in sample 0.`);
        }
        out.set(a, i * len);
      });
      return tensor(out, { shape: [arrs.length, len], dtype });
    }
    case "array": {
      const n = (first as unknown[]).length;
      items.forEach((v, i) => {
        if ((v as unknown[]).length !== n) throw new ValueError(`defaultCollate: ${path} has ${(v as unknown[]).length} fields in sample ${i} but ${n} in sample 0.`);
      });
      return Array.from({ length: n }, (_, k) => collateAt(items.map((v) => (v as unknown[])[k]), `${path}[${k}]`));
    }
    case "object": {
      const keys = Object.keys(first as object);
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        items.forEach((v, i) => {
          if (!(key in (v as object))) throw new ValueError(`defaultCollate: ${path}.${key} is missing in sample ${i}.`);
        });
        out[key] = collateAt(items.map((v) => (v as Record<string, unknown>)[key]), `${path}.${key}`);
      }
      return out;
    }
    default:
      throw new ValueError(`defaultCollate: ${path} is a ${kind}; samples may hold tensors, numbers, booleans, typed arrays, arrays and plain objects. Pass a custom collate for others.`);
  }
}

function kindOf(v: unknown): string {
  if (v instanceof Tensor) return "tensor";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "boolean";
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && dtypeOk(v)) return "typed array";
  if (Array.isArray(v)) return "array";
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return "object";
  return v === null ? "null" : typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v;
}

const dtypeOk = (v: ArrayBufferView): boolean =>
  v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array || v instanceof Uint8Array;
