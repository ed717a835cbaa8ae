/**
 * float32 SIMD approximations of exp, log, tanh and sigmoid (Cephes single-precision polynomials, about
 * 1–2 ulp), and scalar float64 erf (W. J. Cody's rational fits, as the TS backend). Special values follow
 * IEEE/Math: exp(±inf) = inf/0, log(0) = -inf, log(x<0) = NaN, NaN in → NaN out.
 */

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in two so that n·C1 is exact for |n| ≤ 256 (C1 has 9 significant bits).
const C1: f32 = 0.693359375;
const C2: f32 = -2.12194440e-4;
/** 1.5·2²³: adding it rounds a float32 below 2²² in magnitude to an integer (half to even). */
const ROUND_MAGIC: f32 = 12582912.0;

/**
 * eˣ for 4 lanes. The scale 2ⁿ is applied as 2^(n/2)·2^(n−n/2) so results down to the subnormals are right.
 * Written for V8's x64 code (this runs in every tanh, sigmoid and exp; measured 1.6× faster than with
 * f32x4.min/max, nearest and trunc_sat, same bits): the clamp uses pmin/pmax (one instruction each; the
 * operand order keeps NaN, as min/max did), and n = x·log₂e rounded half to even is read off the sum with
 * 1.5·2²³ (exact for |n| < 2²², as f32x4.nearest), whose low bits are n as an integer.
 */
// @ts-ignore: decorator
@inline
export function expV(x: v128): v128 {
  // pmax(x, lo) is x unless x < lo, pmin(x, hi) x unless hi < x: a NaN lane stays NaN.
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-104.0)), f32x4.splat(89.0));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUND_MAGIC));
  const n = f32x4.sub(t, f32x4.splat(ROUND_MAGIC));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(C1)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(C2)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  const ni = i32x4.sub(t, i32x4.splat(0x4b400000)); // the bits of 1.5·2²³ + n, less those of 1.5·2²³
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const s1 = i32x4.shl(i32x4.add(n1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(n2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/** Natural log for 4 lanes (subnormal inputs are scaled by 2²³ first). */
// @ts-ignore: decorator
@inline
export function logV(x0: v128): v128 {
  const tiny = f32x4.lt(x0, f32x4.splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x0, f32x4.splat(8388608.0)), x0, tiny);
  const bits = xs;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126));
  e = i32x4.add(e, v128.and(tiny, i32x4.splat(-23)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000)); // in [0.5, 1)
  const lowM = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = i32x4.add(e, lowM); // lowM is -1 where true: e -= 1
  const x = f32x4.add(f32x4.sub(m, f32x4.splat(1.0)), v128.and(m, lowM)); // m < √½: 2m − 1, else m − 1
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(7.0376836292e-2);
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(-1.1514610310e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.1676998740e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(-1.2420140846e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.4249322787e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(-1.6668057665e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(2.0000714765e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(-2.4999993993e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, x), z);
  y = f32x4.add(y, f32x4.mul(ef, f32x4.splat(C2)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  let r = f32x4.add(f32x4.add(x, y), f32x4.mul(ef, f32x4.splat(C1)));
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x0, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(NaN), r, f32x4.lt(x0, f32x4.splat(0)));
  // +inf → inf and NaN → NaN: pass the input through.
  const passthru = v128.or(f32x4.eq(x0, f32x4.splat(Infinity)), f32x4.ne(x0, x0));
  return v128.bitselect(x0, r, passthru);
}

/** tanh for 4 lanes: an odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above (sign restored). */
// @ts-ignore: decorator
@inline
export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = expV(f32x4.add(ax, ax));
  const t = f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.splat(2.0), f32x4.add(e, f32x4.splat(1.0))));
  const large = v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, large, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** Logistic sigmoid for 4 lanes: with e = e^{−|x|}, 1/(1+e) for x ≥ 0 and e/(1+e) below, so no tail overflows. */
// @ts-ignore: decorator
@inline
export function sigmoidV(x: v128): v128 {
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

/** erf in float64 (Cody), the same formula as the TS backend's `erf`. */
export function erf64(x: f64): f64 {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const p = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t +
      377.485237685302021) * t + 3209.37758913846947;
    const q = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t +
      2844.23683343917062;
    return (x * p) / q;
  }
  return x < 0 ? erfcPos(ax) - 1 : 1 - erfcPos(ax);
}

function erfcPos(x: f64): f64 {
  if (x < 4) {
    const p = (((((((2.15311535474403846e-8 * x + 5.64188496988670089e-1) * x + 8.88314979438837594) * x +
      66.1191906371416295) * x + 298.635138197400131) * x + 881.952221241769090) * x + 1712.04761263407058) *
      x + 2051.07837782607147) * x + 1230.33935479799725;
    const q = (((((((x + 15.7449261107098347) * x + 117.693950891312499) * x + 537.181101862009858) * x +
      1621.38957456669019) * x + 3290.79923573345963) * x + 4362.61909014324716) * x + 3439.36767414372164) *
      x + 1230.33935480374942;
    return Math.exp(-x * x) * (p / q);
  }
  if (x > 27) return 0;
  const z = 1 / (x * x);
  const p = ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z + 3.60344899949804439e-1) * z +
    1.25781726111229246e-1) * z + 1.60837851487422766e-2) * z + 6.58749161529837803e-4;
  const q = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 5.27905102951428412e-1) * z +
    6.05183413124413191e-2) * z + 2.33520497626869185e-3;
  return (Math.exp(-x * x) / x) * (0.564189583547756287 - (z * p) / q);
}
