/**
 * Fused float32 loss kernels (Kernels.bceLoss, crossEntropyLoss and their gradients; see
 * src/backend/backend.ts): each computes the composite ops' operations in their order with the same vector
 * maths (logV, expV) and the same row sums (reduceF32), so the results equal the composite kernels' bit for
 * bit. The sums over samples ("sum", "mean") are left to the TS side's reduce path (the same code). Single
 * threaded: losses are small next to the layers that feed them.
 */
import { expV, logV } from "./vmath";
import { reduceF32 } from "./reduce";

const SUM = 0;
const MAX = 2;

/** Loads the 1–3 floats left at p into lanes 0–2 of a vector whose other lanes hold `fill`. */
// @ts-ignore: decorator
@inline
function loadRest(p: usize, rest: i32, fill: f32): v128 {
  let v = f32x4.splat(fill);
  v = v128.load32_lane(p, v, 0);
  if (rest > 1) v = v128.load32_lane(p, v, 1, 4);
  if (rest > 2) v = v128.load32_lane(p, v, 2, 8);
  return v;
}

// @ts-ignore: decorator
@inline
function storeRest(p: usize, v: v128, rest: i32): void {
  v128.store32_lane(p, v, 0);
  if (rest > 1) v128.store32_lane(p, v, 1, 4);
  if (rest > 2) v128.store32_lane(p, v, 2, 8);
}

/** −[y log x + (1 − y) log(1 − x)] for 4 lanes, as the composite: sub, sub, log, log, mul, mul, add, neg. */
// @ts-ignore: decorator
@inline
function bceV(x: v128, y: v128): v128 {
  const one = f32x4.splat(1);
  const omx = f32x4.sub(one, x), omy = f32x4.sub(one, y);
  return f32x4.neg(f32x4.add(f32x4.mul(y, logV(x)), f32x4.mul(omy, logV(omx))));
}

/**
 * per[i] = BCE of x[i], y[i] for n contiguous floats. Returns 0 (computing nothing) unless every x lies in
 * [1e-40, 1) (compared in float64, as the TS side) and every y in [0, 1]; else 1.
 */
export function bceF32(x: usize, y: usize, n: i32, per: usize): i32 {
  for (let i = 0; i < n; i++) {
    const a = <f64>load<f32>(x + (<usize>i << 2));
    const b = load<f32>(y + (<usize>i << 2));
    if (!(a >= 1e-40 && a < 1 && b >= 0 && b <= 1)) return 0;
  }
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(per + o, bceV(v128.load(x + o), v128.load(y + o)));
  }
  if (n4 < n) {
    const o = <usize>n4 << 2;
    storeRest(per + o, bceV(loadRest(x + o, n - n4, 0.5), loadRest(y + o, n - n4, 0.5)), n - n4);
  }
  return 1;
}

/** (−g·y)/x − (−g·(1 − y))/(1 − x) for 4 lanes, as the composite backward. */
// @ts-ignore: decorator
@inline
function bceGradV(x: v128, y: v128, g: v128): v128 {
  const one = f32x4.splat(1);
  const a = f32x4.neg(g);
  return f32x4.sub(f32x4.div(f32x4.mul(a, y), x), f32x4.div(f32x4.mul(a, f32x4.sub(one, y)), f32x4.sub(one, x)));
}

/** out[i] = the BCE gradient at x[i], y[i] for upstream g[i] (g ≠ 0) or the scalar gv (g = 0). */
export function bceGradF32(x: usize, y: usize, g: usize, gv: f32, n: i32, out: usize): void {
  const n4 = n & ~3;
  const gs = f32x4.splat(gv);
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, bceGradV(v128.load(x + o), v128.load(y + o), g ? v128.load(g + o) : gs));
  }
  if (n4 < n) {
    const o = <usize>n4 << 2, rest = n - n4;
    storeRest(out + o, bceGradV(loadRest(x + o, rest, 0.5), loadRest(y + o, rest, 0.5), g ? loadRest(g + o, rest, 0) : gs), rest);
  }
}

/**
 * wv[i] = [t[i] ≠ ignore] · w[t[i] or 0] (w = 0: no class weights, 1), as the composite's cast(keep)·gather.
 * Returns 0 if a kept label lies outside [0, c), else 1.
 */
export function ceWeightsF32(t: usize, n: i32, c: i32, w: usize, ignore: i32, wv: usize): i32 {
  for (let i = 0; i < n; i++) {
    const k = load<i32>(t + (<usize>i << 2));
    const keep = k != ignore;
    if (keep && (k < 0 || k >= c)) return 0;
    const wk: f32 = w ? load<f32>(w + (<usize>(keep ? k : 0) << 2)) : 1;
    store<f32>(wv + (<usize>i << 2), (keep ? <f32>1 : <f32>0) * wk);
  }
  return 1;
}

/**
 * Row i of the composite logSoftmax: m = max, e = exp(x − m) into `e` (c floats), S = Σ e as the reduce
 * kernel sums (into `s`). Returns m.
 */
// @ts-ignore: decorator
@inline
function softmaxRow(row: usize, c: i32, e: usize, s: usize): f32 {
  reduceF32(MAX, row, 1, c, 1, 1, s);
  const m = load<f32>(s);
  const mv = f32x4.splat(m);
  const c4 = c & ~3;
  for (let j = 0; j < c4; j += 4) {
    const o = <usize>j << 2;
    v128.store(e + o, expV(f32x4.sub(v128.load(row + o), mv)));
  }
  if (c4 < c) {
    const o = <usize>c4 << 2;
    storeRest(e + o, expV(f32x4.sub(loadRest(row + o, c - c4, 0), mv)), c - c4);
  }
  reduceF32(SUM, e, 1, c, 1, 1, s);
  return m;
}

/**
 * Softmax cross-entropy of x [n, c] (contiguous) with int32 targets t [n]: per[i] = −(picked · wv[i]) with
 * picked = (x[i, t] − m) − log S (0 where ignored), wv as ceWeightsF32. scratch: c + 4 floats. Returns 0
 * (per unset) if a logit is not finite or a label is out of range, else 1.
 */
export function ceF32(x: usize, n: i32, c: i32, t: usize, w: usize, ignore: i32, per: usize, wv: usize, scratch: usize): i32 {
  const total = <usize>n * <usize>c;
  for (let i: usize = 0; i < total; i++) {
    const v = load<f32>(x + (i << 2));
    if (v - v != 0) return 0;
  }
  if (!ceWeightsF32(t, n, c, w, ignore, wv)) return 0;
  const s = scratch + (<usize>c << 2);
  for (let i = 0; i < n; i++) {
    const row = x + ((<usize>i * <usize>c) << 2);
    const m = softmaxRow(row, c, scratch, s);
    const k = load<i32>(t + (<usize>i << 2));
    let picked: f32 = 0;
    if (k != ignore) {
      const logS = f32x4.extract_lane(logV(f32x4.splat(load<f32>(s))), 0);
      picked = (load<f32>(row + (<usize>k << 2)) - m) - logS;
    }
    store<f32>(per + (<usize>i << 2), -(picked * load<f32>(wv + (<usize>i << 2))));
  }
  return 1;
}

/**
 * The cross-entropy gradient [n, c]: with p = −gl·wv[i] (times 0 where ignored; gl = g[i], or gv when g = 0),
 * out[i, j] = [j = t]·(0 + p) + ((0 + −p)/S)·e[j] (t read as 0 where ignored), each step as the composite
 * backward rounds it.
 * wv as ceWeightsF32 (already checked); scratch: c + 4 floats.
 */
export function ceGradF32(x: usize, n: i32, c: i32, t: usize, wv: usize, ignore: i32, g: usize, gv: f32, out: usize, scratch: usize): void {
  const s = scratch + (<usize>c << 2);
  for (let i = 0; i < n; i++) {
    const row = x + ((<usize>i * <usize>c) << 2);
    const o = out + ((<usize>i * <usize>c) << 2);
    softmaxRow(row, c, scratch, s);
    const k = load<i32>(t + (<usize>i << 2));
    const keep = k != ignore;
    const gl = g ? load<f32>(g + (<usize>i << 2)) : gv;
    // The composite's where() passes dy·0 to ignored targets (NaN stays NaN), then scatters into class 0.
    const pw: f32 = -gl * load<f32>(wv + (<usize>i << 2));
    const p: f32 = keep ? pw : pw * 0;
    const qs: f32 = (<f32>0 + -p) / load<f32>(s);
    const q = f32x4.splat(qs);
    const c4 = c & ~3;
    for (let j = 0; j < c4; j += 4) {
      const b = <usize>j << 2;
      v128.store(o + b, f32x4.add(f32x4.splat(0), f32x4.mul(q, v128.load(scratch + b))));
    }
    for (let j = c4; j < c; j++) {
      const b = <usize>j << 2;
      store<f32>(o + b, <f32>0 + qs * load<f32>(scratch + b));
    }
    {
      const b = <usize>(keep ? k : 0) << 2;
      store<f32>(o + b, (<f32>0 + p) + qs * load<f32>(scratch + b));
    }
  }
}
