/**
 * float32 reductions over the middle axis of a contiguous [outer, len, inner] block:
 * out[o, i] = reduce_r x[o, r, i]. inner = 1 is the "last axis" case (4 SIMD accumulators of 4 lanes);
 * inner > 1 combines whole rows with SIMD. sum/max/min accumulate in float32, prod in float64, arg* give
 * int32 (first index of the extreme; a NaN counts as the extreme, as PyTorch). Deterministic.
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

// @ts-ignore: decorator
@inline
function colReduce(op: i32, x: usize, len: i32, inner: i32, out: usize): void {
  const rowBytes = <usize>inner << 2;
  memory.copy(out, x, rowBytes);
  for (let r = 1; r < len; r++) {
    const p = x + <usize>r * rowBytes;
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, comb(op, v128.load(out + o), v128.load(p + o)));
    }
    for (; i < inner; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, combS(op, load<f32>(out + o), load<f32>(p + o)));
    }
  }
}

// @ts-ignore: decorator
@inline
function blockReduce(op: i32, x: usize, outer: i32, len: i32, inner: i32, out: usize): void {
  const block = <usize>(len * inner) << 2;
  for (let o = 0; o < outer; o++) {
    const xo = x + <usize>o * block;
    if (inner == 1) store<f32>(out + (<usize>o << 2), rowReduce(op, xo, len));
    else if (len == 0) memory.fill(out + (<usize>(o * inner) << 2), 0, <usize>inner << 2); // empty sum
    else colReduce(op, xo, len, inner, out + (<usize>(o * inner) << 2));
  }
}

/** See the file comment. `out` is float32 for sum/prod/max/min and int32 for argmax/argmin. */
export function reduceF32(op: i32, x: usize, outer: i32, len: i32, inner: i32, out: usize): void {
  switch (op) {
    case SUM: blockReduce(SUM, x, outer, len, inner, out); return;
    case MAX: blockReduce(MAX, x, outer, len, inner, out); return;
    case MIN: blockReduce(MIN, x, outer, len, inner, out); return;
    default: break;
  }
  const is = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = x + (<usize>(o * len * inner + i) << 2);
      const dst = out + (<usize>(o * inner + i) << 2);
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
