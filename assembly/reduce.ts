/**
 * float32 reductions over the middle axis of a contiguous [outer, len, inner] block:
 * out[o, i] = reduce_r x[o, r, i]. inner = 1 is the "last axis" case (4 SIMD accumulators of 4 lanes);
 * inner > 1 combines whole rows with SIMD. sum/max/min accumulate in float32, prod in float64, arg* give
 * int32 (first index of the extreme; a NaN counts as the extreme, as PyTorch). Deterministic: every output
 * is computed by the same sequence of operations whichever slice of the outputs a thread is given, and long
 * last-axis reductions are cut into fixed LEN_CHUNK pieces combined in order (reducePartial, reduceCombine)
 * whatever the thread count.
 */

const SUM = 0, PROD = 1, MAX = 2, MIN = 3, ARGMAX = 4, ARGMIN = 5;

// @ts-ignore: decorator
@inline
function comb(op: i32, a: v128, b: v128): v128 {
  return op == SUM ? f32x4.add(a, b) : op == MAX ? f32x4.max(a, b) : f32x4.min(a, b);
}

// @ts-ignore: decorator
@inline
function combS(op: i32, a: f32, b: f32): f32 {
  return op == SUM ? a + b : op == MAX ? max<f32>(a, b) : min<f32>(a, b);
}

// @ts-ignore: decorator
@inline
function rowReduce(op: i32, x: usize, n: i32): f32 {
  const init: f32 = op == SUM ? 0 : op == MAX ? -Infinity : Infinity;
  let a0 = f32x4.splat(init), a1 = a0, a2 = a0, a3 = a0;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const p = x + (<usize>i << 2);
    a0 = comb(op, a0, v128.load(p));
    a1 = comb(op, a1, v128.load(p, 16));
    a2 = comb(op, a2, v128.load(p, 32));
    a3 = comb(op, a3, v128.load(p, 48));
  }
  for (; i + 4 <= n; i += 4) a0 = comb(op, a0, v128.load(x + (<usize>i << 2)));
  const v = comb(op, comb(op, a0, a1), comb(op, a2, a3));
  let r = combS(op, combS(op, f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), combS(op, f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  for (; i < n; i++) r = combS(op, r, load<f32>(x + (<usize>i << 2)));
  return r;
}

/** out[0:cols] = reduce over r < len of the rows x + r·stride (floats), cols ≤ stride. */
// @ts-ignore: decorator
@inline
function colReduce(op: i32, x: usize, len: i32, cols: i32, stride: i32, out: usize): void {
  const rowBytes = <usize>stride << 2;
  memory.copy(out, x, <usize>cols << 2);
  for (let r = 1; r < len; r++) {
    const p = x + <usize>r * rowBytes;
    let i = 0;
    for (; i + 4 <= cols; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, comb(op, v128.load(out + o), v128.load(p + o)));
    }
    for (; i < cols; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, combS(op, load<f32>(out + o), load<f32>(p + o)));
    }
  }
}

// @ts-ignore: decorator
@inline
function blockReduce(op: i32, x: usize, outer: i32, len: i32, cols: i32, stride: i32, out: usize): void {
  const block = <usize>(len * stride) << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * block;
    const oo = out + (<usize>(o * stride) << 2);
    if (stride == 1) store<f32>(oo, rowReduce(op, xo, len));
    else if (len == 0) memory.fill(oo, 0, <usize>cols << 2); // empty sum
    else colReduce(op, xo, len, cols, stride, oo);
  }
}

/**
 * The columns [0, cols) of an [outer, len, stride] block (x and out already offset to the first column):
 * out[o·stride + i] = reduce_r x[(o·len + r)·stride + i]. `out` is float32 for sum/prod/max/min and int32
 * for argmax/argmin. cols = stride = inner is the whole block; a thread may take a slice of rows or columns.
 */
export function reduceF32(op: i32, x: usize, outer: i32, len: i32, cols: i32, stride: i32, out: usize): void {
  switch (op) {
    case SUM: blockReduce(SUM, x, outer, len, cols, stride, out); return;
    case MAX: blockReduce(MAX, x, outer, len, cols, stride, out); return;
    case MIN: blockReduce(MIN, x, outer, len, cols, stride, out); return;
    default: break;
  }
  const is = <usize>stride << 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < cols; i++) {
      const base = x + (<usize>(o * len * stride + i) << 2);
      const dst = out + (<usize>(o * stride + i) << 2);
      if (op == PROD) {
        let acc: f64 = 1;
        for (let r = 0; r < len; r++) acc *= <f64>load<f32>(base + <usize>r * is);
        store<f32>(dst, <f32>acc);
      } else {
        let best = load<f32>(base), bi = 0;
        if (best == best) {
          for (let r = 1; r < len; r++) {
            const v = load<f32>(base + <usize>r * is);
            if (v != v) { bi = r; break; }
            if (op == ARGMAX ? v > best : v < best) { best = v; bi = r; }
          }
        }
        store<i32>(dst, bi);
      }
    }
  }
}

/** Elements per piece of a long last-axis sum/max/min (fixed, so results do not depend on thread count). */
export const LEN_CHUNK: i32 = 16384;

/**
 * Piece `p` of a long last-axis reduction of x[outer, len] (sum, max or min): with c = ceil(len / LEN_CHUNK)
 * pieces per row, piece p covers row p / c, elements [(p % c)·LEN_CHUNK, …), and its partial result goes
 * to partials[p].
 */
export function reducePartial(op: i32, x: usize, len: i32, p: i32, partials: usize): void {
  const c = (len + LEN_CHUNK - 1) / LEN_CHUNK;
  const row = p / c, j = p % c;
  const start = j * LEN_CHUNK;
  const n = min(LEN_CHUNK, len - start);
  const src = x + ((<usize>row * <usize>len + <usize>start) << 2);
  let r: f32;
  if (op == SUM) r = rowReduce(SUM, src, n);
  else if (op == MAX) r = rowReduce(MAX, src, n);
  else r = rowReduce(MIN, src, n);
  store<f32>(partials + (<usize>p << 2), r);
}

/** out[o] = the partials of row o combined in order (a pairwise tree over the pieces). */
export function reduceCombine(op: i32, partials: usize, outer: i32, pieces: i32, out: usize): void {
  for (let o = 0; o < outer; o++) {
    const base = partials + (<usize>(o * pieces) << 2);
    // Pairwise in place: width 1, 2, 4, … (the same tree for the same number of pieces).
    for (let w = 1; w < pieces; w <<= 1) {
      for (let i = 0; i + w < pieces; i += w << 1) {
        const pa = base + (<usize>i << 2), pb = base + (<usize>(i + w) << 2);
        store<f32>(pa, combS(op, load<f32>(pa), load<f32>(pb)));
      }
    }
    store<f32>(out + (<usize>o << 2), load<f32>(base));
  }
}
