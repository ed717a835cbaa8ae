/** Gather, scatter-add and concatenation kernels of the TS backend. */
import { allocArray, type DType } from "../../dtype.js";
import { contiguousStrides, sizeOf } from "../../shape.js";
import { elementOffsets, gatherView, TsStorage, type TsView } from "./storage.js";

/**
 * For each element of `index` (row-major), the storage offset in `x` it addresses: the element's own
 * coordinates, with coordinate `dim` replaced by the index value.
 */
function addressed(x: TsView, dim: number, index: TsView, op: string): Int32Array {
  const n = sizeOf(index.shape);
  const nd = index.shape.length;
  const idxData = index.storage.data;
  const idxOffs = elementOffsets(index);
  const res = new Int32Array(n);
  const coord = new Array<number>(nd).fill(0);
  const size = x.shape[dim]!;
  for (let i = 0; i < n; i++) {
    const raw = idxData[idxOffs ? idxOffs[i]! : index.offset + i]!;
    const j = raw < 0 ? raw + size : raw;
    if (!(j >= 0 && j < size)) {
      throw new RangeError(`${op}: index ${raw} is out of range for dimension ${dim} of size ${size}`);
    }
    let off = x.offset;
    for (let d = 0; d < nd; d++) off += (d === dim ? j : coord[d]!) * x.strides[d]!;
    res[i] = off;
    for (let d = nd - 1; d >= 0; d--) {
      if (++coord[d]! < index.shape[d]!) break;
      coord[d] = 0;
    }
  }
  return res;
}

export function gather(x: TsView, dim: number, index: TsView): TsStorage {
  const offs = addressed(x, dim, index, "gather");
  const src = x.storage.data;
  const res = allocArray(x.storage.dtype, offs.length);
  for (let i = 0; i < offs.length; i++) res[i] = src[offs[i]!]!;
  return new TsStorage(res, x.storage.dtype);
}

export function scatterAdd(base: TsView, dim: number, index: TsView, src: TsView): TsStorage {
  const dtype = base.storage.dtype;
  const res = gatherView(base, allocArray(dtype, sizeOf(base.shape)));
  const target: TsView = {
    storage: new TsStorage(res, dtype),
    shape: base.shape,
    strides: contiguousStrides(base.shape),
    offset: 0,
  };
  const offs = addressed(target, dim, index, "scatterAdd");
  const s = src.storage.data;
  const so = elementOffsets(src);
  for (let i = 0; i < offs.length; i++) res[offs[i]!] += s[so ? so[i]! : src.offset + i]!;
  return new TsStorage(res, dtype);
}

export function cat(xs: readonly TsView[], dim: number, out: DType): TsStorage {
  const shape = [...xs[0]!.shape];
  shape[dim] = xs.reduce((s, x) => s + x.shape[dim]!, 0);
  const res = allocArray(out, sizeOf(shape));
  const outer = sizeOf(shape.slice(0, dim));
  const innerOut = sizeOf(shape.slice(dim));
  let col = 0;
  for (const x of xs) {
    const part = gatherView(x);
    const innerX = sizeOf(x.shape.slice(dim));
    for (let o = 0; o < outer; o++) {
      const dst = o * innerOut + col;
      for (let i = 0; i < innerX; i++) res[dst + i] = part[o * innerX + i]!;
    }
    col += innerX;
  }
  return new TsStorage(res, out);
}
