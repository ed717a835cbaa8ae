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

/**
 * Whether `index` selects whole slices along `dim` (indexSelect's index: a 1-D list expanded with stride 0
 * over every other dim), so that out[..., i, ...] = x[..., index[i], ...] for a whole sub-box at once.
 */
export function isSliceIndex(index: { shape: readonly number[]; strides: readonly number[] }, dim: number): boolean {
  const { shape, strides } = index;
  for (let d = 0; d < shape.length; d++) if (d !== dim && shape[d] !== 1 && strides[d] !== 0) return false;
  return true;
}

/**
 * The index values along `dim` of a slice index (element i at `data[offset + i·stride]`), checked against
 * x's size there and made non-negative. Throws the RangeError the generic gather throws.
 */
export function sliceIndices(data: ArrayLike<number>, offset: number, stride: number, count: number, dim: number, size: number, op: string): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const raw = data[offset + i * stride]!;
    const j = raw < 0 ? raw + size : raw;
    if (!(j >= 0 && j < size)) throw new RangeError(`${op}: index ${raw} is out of range for dimension ${dim} of size ${size}`);
    out[i] = j;
  }
  return out;
}

/**
 * gather for a slice index (see isSliceIndex): each selected slice is copied as rows, with one typed-array
 * `set` per contiguous row of x (the whole slice when x is contiguous after `dim`).
 */
function gatherSlices(x: TsView, dim: number, index: TsView): TsStorage {
  const shape = index.shape;
  const n = sizeOf(shape);
  const res = allocArray(x.storage.dtype, n);
  if (n === 0) return new TsStorage(res, x.storage.dtype);
  const m = shape[dim]!;
  const sel = sliceIndices(index.storage.data, index.offset, index.strides[dim]!, m, dim, x.shape[dim]!, "gather");
  // Offsets (relative to x.offset) of the dims before `dim`, and of the dims after it (null: contiguous).
  const before = elementOffsets({ storage: x.storage, shape: shape.slice(0, dim), strides: x.strides.slice(0, dim), offset: 0 });
  const after = elementOffsets({ storage: x.storage, shape: shape.slice(dim + 1), strides: x.strides.slice(dim + 1), offset: 0 });
  const outer = sizeOf(shape.slice(0, dim)), inner = sizeOf(shape.slice(dim + 1));
  const src = x.storage.data, sd = x.strides[dim]!;
  let at = 0;
  for (let o = 0; o < outer; o++) {
    const ob = x.offset + (before ? before[o]! : o);
    for (let i = 0; i < m; i++) {
      const base = ob + sel[i]! * sd;
      if (after === null) res.set(src.subarray(base, base + inner), at);
      else for (let r = 0; r < inner; r++) res[at + r] = src[base + after[r]!]!;
      at += inner;
    }
  }
  return new TsStorage(res, x.storage.dtype);
}

export function gather(x: TsView, dim: number, index: TsView): TsStorage {
  if (isSliceIndex(index, dim)) return gatherSlices(x, dim, index);
  return gatherGeneric(x, dim, index);
}

/** gather for any index: every element's address computed on its own (the specification). */
export function gatherGeneric(x: TsView, dim: number, index: TsView): TsStorage {
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
