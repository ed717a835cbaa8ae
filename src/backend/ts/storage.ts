/** Storage of the TS backend: a plain typed array, owned by the garbage collector. */
import type { DType, TypedArray } from "../../dtype.js";
import type { Storage, View } from "../backend.js";
import { isContiguous, sizeOf } from "../../shape.js";

export class TsStorage implements Storage {
  constructor(readonly data: TypedArray, readonly dtype: DType) {}
  get size(): number {
    return this.data.length;
  }
}

export type TsView = View<TsStorage>;

/**
 * Storage offsets of a view's elements in row-major order, or null when the view is contiguous (element i
 * is then at `offset + i`). The reference backend trades this index array for simple, obviously right loops.
 */
export function elementOffsets(v: TsView): Int32Array | null {
  const { shape, strides } = v;
  if (isContiguous(shape, strides)) return null;
  const n = sizeOf(shape);
  const out = new Int32Array(n);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let off = v.offset;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/** Reads a view into a fresh contiguous array of its own dtype (or another one). */
export function gatherView(v: TsView, into?: TypedArray): TypedArray {
  const n = sizeOf(v.shape);
  const src = v.storage.data;
  const out = into ?? (new (src.constructor as new (n: number) => TypedArray)(n));
  const offs = elementOffsets(v);
  if (offs === null) {
    if (out.constructor === src.constructor) out.set(src.subarray(v.offset, v.offset + n));
    else for (let i = 0; i < n; i++) out[i] = src[v.offset + i]!;
  } else {
    for (let i = 0; i < n; i++) out[i] = src[offs[i]!]!;
  }
  return out;
}
