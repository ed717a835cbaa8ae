/**
 * Data movement for every dtype: an N-d strided copy (gather a view into contiguous memory, or scatter
 * contiguous memory into a view), and dtype conversion of contiguous runs.
 */

/**
 * dst[view] = src[view] element by element over `shape` (ndim dims), where element (i0, …) is at
 * src + Σ ik·srcStrides[k] and dst + Σ ik·dstStrides[k] (strides in elements, may be 0 or negative).
 * shape, srcStrides, dstStrides and a counter area of ndim i32s each sit at `meta` (4 arrays of ndim i32).
 * elemBytes is 1, 4 or 8.
 */
export function stridedCopy(elemBytes: i32, src: usize, dst: usize, ndim: i32, meta: usize): void {
  const shape = meta, ss = meta + (<usize>ndim << 2), ds = meta + (<usize>(2 * ndim) << 2), idx = meta + (<usize>(3 * ndim) << 2);
  let total: i64 = 1;
  for (let d = 0; d < ndim; d++) {
    total *= <i64>load<i32>(shape + (<usize>d << 2));
    store<i32>(idx + (<usize>d << 2), 0);
  }
  if (total == 0) return;
  if (ndim == 0) {
    memory.copy(dst, src, <usize>elemBytes);
    return;
  }
  const last = <usize>(ndim - 1) << 2;
  const n = load<i32>(shape + last);
  const si = load<i32>(ss + last), di = load<i32>(ds + last);
  const rows = total / <i64>n;
  let ps = src, pd = dst;
  for (let row: i64 = 0; row < rows; row++) {
    if (si == 1 && di == 1) {
      memory.copy(pd, ps, <usize>(n * elemBytes));
    } else if (elemBytes == 4) {
      for (let i = 0; i < n; i++) store<u32>(pd + (<usize>(i * di) << 2), load<u32>(ps + (<usize>(i * si) << 2)));
    } else if (elemBytes == 8) {
      for (let i = 0; i < n; i++) store<u64>(pd + (<usize>(i * di) << 3), load<u64>(ps + (<usize>(i * si) << 3)));
    } else {
      for (let i = 0; i < n; i++) store<u8>(pd + <usize>(i * di), load<u8>(ps + <usize>(i * si)));
    }
    // Advance the outer dims (odometer), moving both pointers.
    for (let d = ndim - 2; d >= 0; d--) {
      const o = <usize>d << 2;
      const k = load<i32>(idx + o) + 1;
      const sd = load<i32>(ss + o), dd = load<i32>(ds + o);
      if (k < load<i32>(shape + o)) {
        store<i32>(idx + o, k);
        ps += <usize>(sd * elemBytes);
        pd += <usize>(dd * elemBytes);
        break;
      }
      store<i32>(idx + o, 0);
      ps -= <usize>((k - 1) * sd * elemBytes);
      pd -= <usize>((k - 1) * dd * elemBytes);
    }
  }
}

/** JavaScript's ToInt32 of an integral float: wrap modulo 2³², NaN and ±inf give 0 (what Int32Array stores). */
function toInt32(x: f64): i32 {
  const t = Math.trunc(x);
  if (!isFinite(t)) return 0;
  if (t >= -2147483648.0 && t <= 2147483647.0) return <i32>t;
  const m = t - Math.floor(t / 4294967296.0) * 4294967296.0;
  return <i32><u32>m;
}

/** Reads element i of a contiguous run of dtype code `t` (0 f32, 1 f64, 2 i32, 3 bool) as f64. */
// @ts-ignore: decorator
@inline
function get(t: i32, p: usize, i: i32): f64 {
  switch (t) {
    case 0: return <f64>load<f32>(p + (<usize>i << 2));
    case 1: return load<f64>(p + (<usize>i << 3));
    case 2: return <f64>load<i32>(p + (<usize>i << 2));
    default: return <f64>load<u8>(p + <usize>i);
  }
}

/** dst[i] = convert(src[i]) for n contiguous elements, dtype codes 0 f32, 1 f64, 2 i32, 3 bool. */
export function convert(srcType: i32, src: usize, dstType: i32, dst: usize, n: i32): void {
  switch (dstType) {
    case 0: for (let i = 0; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>get(srcType, src, i)); break;
    case 1: for (let i = 0; i < n; i++) store<f64>(dst + (<usize>i << 3), get(srcType, src, i)); break;
    case 2: for (let i = 0; i < n; i++) store<i32>(dst + (<usize>i << 2), toInt32(get(srcType, src, i))); break;
    default: for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, get(srcType, src, i) != 0 ? 1 : 0); break;
  }
}
