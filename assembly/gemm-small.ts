/**
 * The small-matrix matmul: C[m×n] = A[m×k] · B[k×n] without the packing and cache blocking of gemmF32, for
 * the tiny products of small networks (a 200×16 batch times a 16×16 weight, its 16×200 · 200×16 weight
 * gradient, a 200×16 · 16×1 output layer), where packing A costs as much as the arithmetic and the 8-wide
 * tiles of gemmF32 mostly compute padding.
 *
 * - n ≥ 4, "rows": 4 rows × 8 columns of C at a time, A read in place through its strides (one splat load
 *   per row and k), B's rows as vectors — in place when its columns are adjacent (csB = 1; a last panel of 1–7
 *   columns is copied into a zero-padded 8-column panel), else packed into 8-column panels once per depth
 *   block as gemmF32 packs it (e.g. wᵀ of a linear layer: K×N floats, the weight itself).
 * - n < 4, "columns": 16 rows × 1 column at a time, A's column as vectors (one v128 load when its rows are
 *   adjacent, rsA = 1, else gathered lane by lane), B's value splat.
 *
 * Every element of C is accumulated exactly as gemmF32 accumulates it: over k in order from 0, per depth
 * block of KC, with the build's multiply-add (fused in the relaxed-SIMD build, multiply then add in the plain
 * one), each later block's sum added to the earlier result. So the two paths give the same bits, and which
 * one runs (a matter of speed only) never shows in results.
 */
import { binaryF32, unaryF32 } from "./elementwise";
import { KC, NC, NR, packB } from "./gemm";

/** c + a·b: fused in the relaxed-SIMD build, as gemmF32's micro-kernel; multiply then add in the plain one. */
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** The first `cnt` (1–4) floats at p as a vector, the other lanes 0. */
// @ts-ignore: decorator
@inline
function loadPart(p: usize, cnt: i32): v128 {
  if (cnt >= 4) return v128.load(p);
  let v = v128.load32_zero(p);
  if (cnt > 1) v = v128.load32_lane(p, v, 1, 4);
  if (cnt > 2) v = v128.load32_lane(p, v, 2, 8);
  return v;
}

/** Stores the first `cnt` (0–4) lanes of v at p. */
// @ts-ignore: decorator
@inline
function storePart(p: usize, v: v128, cnt: i32): void {
  if (cnt >= 4) {
    v128.store(p, v);
    return;
  }
  if (cnt > 0) v128.store32_lane(p, v, 0);
  if (cnt > 1) v128.store32_lane(p, v, 1, 4);
  if (cnt > 2) v128.store32_lane(p, v, 2, 8);
}

/** The lanes r with r < cnt (0–4) of 4 floats spaced `step` bytes apart from p, the others 0. */
// @ts-ignore: decorator
@inline
function gather(p: usize, step: usize, cnt: i32): v128 {
  if (cnt <= 0) return f32x4.splat(0);
  let v = v128.load32_zero(p);
  if (cnt > 1) v = v128.load32_lane(p + step, v, 1);
  if (cnt > 2) v = v128.load32_lane(p + 2 * step, v, 2);
  if (cnt > 3) v = v128.load32_lane(p + 3 * step, v, 3);
  return v;
}

/** Stores lanes r < cnt of v at p + r·step bytes. */
// @ts-ignore: decorator
@inline
function scatter(p: usize, step: usize, v: v128, cnt: i32): void {
  if (cnt > 0) v128.store32_lane(p, v, 0);
  if (cnt > 1) v128.store32_lane(p + step, v, 1);
  if (cnt > 2) v128.store32_lane(p + 2 * step, v, 2);
  if (cnt > 3) v128.store32_lane(p + 3 * step, v, 3);
}

/**
 * C rows [0, rows) (rows 1–4) × 8 columns at c (row stride ldc floats; only the first `cols` columns are
 * written) = A rows at a (element strides rsA, csA) · the kc×8 panel at b (row stride rsB floats), plus C
 * when acc.
 */
// @ts-ignore: decorator
@inline
function rowsBlock(rows: i32, kc: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, c: usize, ldc: i32, cols: i32, acc: bool): void {
  let c00 = f32x4.splat(0); let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0); let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0); let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0); let c31 = f32x4.splat(0);
  const ra = <usize>rsA << 2, ka = <usize>csA << 2, kb = <usize>rsB << 2;
  let ap = a, bp = b;
  if (rows == 4) {
    for (let q = 0; q < kc; q++) {
      const b0 = v128.load(bp, 0); const b1 = v128.load(bp, 16);
      let x = v128.load32_splat(ap);
      c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
      x = v128.load32_splat(ap + ra);
      c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
      x = v128.load32_splat(ap + 2 * ra);
      c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
      x = v128.load32_splat(ap + 3 * ra);
      c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
      ap += ka; bp += kb;
    }
  } else {
    // 1–3 rows (the last rows of C): the missing rows read row 0 again and are not stored.
    const r1 = rows > 1 ? ra : 0, r2 = rows > 2 ? 2 * ra : 0;
    for (let q = 0; q < kc; q++) {
      const b0 = v128.load(bp, 0); const b1 = v128.load(bp, 16);
      let x = v128.load32_splat(ap);
      c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
      x = v128.load32_splat(ap + r1);
      c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
      x = v128.load32_splat(ap + r2);
      c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
      ap += ka; bp += kb;
    }
  }
  const ld = <usize>ldc << 2;
  const lo = min(cols, 4), hi = cols - lo;
  if (cols == 8) {
    if (acc) {
      c00 = f32x4.add(c00, v128.load(c, 0)); c01 = f32x4.add(c01, v128.load(c, 16));
      if (rows > 1) { c10 = f32x4.add(c10, v128.load(c + ld, 0)); c11 = f32x4.add(c11, v128.load(c + ld, 16)); }
      if (rows > 2) { c20 = f32x4.add(c20, v128.load(c + 2 * ld, 0)); c21 = f32x4.add(c21, v128.load(c + 2 * ld, 16)); }
      if (rows > 3) { c30 = f32x4.add(c30, v128.load(c + 3 * ld, 0)); c31 = f32x4.add(c31, v128.load(c + 3 * ld, 16)); }
    }
    v128.store(c, c00, 0); v128.store(c, c01, 16);
    if (rows > 1) { v128.store(c + ld, c10, 0); v128.store(c + ld, c11, 16); }
    if (rows > 2) { v128.store(c + 2 * ld, c20, 0); v128.store(c + 2 * ld, c21, 16); }
    if (rows > 3) { v128.store(c + 3 * ld, c30, 0); v128.store(c + 3 * ld, c31, 16); }
  } else {
    if (acc) {
      c00 = f32x4.add(c00, loadPart(c, lo)); if (hi > 0) c01 = f32x4.add(c01, loadPart(c + 16, hi));
      if (rows > 1) { c10 = f32x4.add(c10, loadPart(c + ld, lo)); if (hi > 0) c11 = f32x4.add(c11, loadPart(c + ld + 16, hi)); }
      if (rows > 2) { c20 = f32x4.add(c20, loadPart(c + 2 * ld, lo)); if (hi > 0) c21 = f32x4.add(c21, loadPart(c + 2 * ld + 16, hi)); }
      if (rows > 3) { c30 = f32x4.add(c30, loadPart(c + 3 * ld, lo)); if (hi > 0) c31 = f32x4.add(c31, loadPart(c + 3 * ld + 16, hi)); }
    }
    storePart(c, c00, lo); storePart(c + 16, c01, hi);
    if (rows > 1) { storePart(c + ld, c10, lo); storePart(c + ld + 16, c11, hi); }
    if (rows > 2) { storePart(c + 2 * ld, c20, lo); storePart(c + 2 * ld + 16, c21, hi); }
    if (rows > 3) { storePart(c + 3 * ld, c30, lo); storePart(c + 3 * ld + 16, c31, hi); }
  }
}

/**
 * C[0:m, 0:nc] (+)= A[0:m, 0:kc] · the kc×nc block of B at b: packed into zero-padded 8-column panels by
 * packB when `packed`, else in place (row stride rsB floats, adjacent columns).
 */
function rowsPanels(m: i32, nc: i32, kc: i32, a: usize, rsA: i32, csA: i32, b: usize, packed: bool, rsB: i32, c: usize, ldc: i32, acc: bool, panel: usize): void {
  const ra4 = <usize>(4 * rsA) << 2, ld4 = <usize>(4 * ldc) << 2;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    let bp = b + (<usize>(packed ? j * kc : j) << 2), rsP = rsB;
    if (cols < NR && !packed) {
      // The last 1–7 columns: copied into a zero-padded 8-wide panel, so the loop reads whole vectors.
      for (let q = 0; q < kc; q++) {
        const src = bp + (<usize>(q * rsB) << 2), dst = panel + (<usize>(q * NR) << 2);
        v128.store(dst, v128.splat<i32>(0)); v128.store(dst, v128.splat<i32>(0), 16);
        for (let v = 0; v < cols; v++) store<f32>(dst + (<usize>v << 2), load<f32>(src + (<usize>v << 2)));
      }
      bp = panel;
      rsP = NR;
    }
    let ap = a, cp = c + (<usize>j << 2);
    let i = 0;
    if (cols == NR) {
      for (; i + 4 <= m; i += 4) {
        rowsBlock(4, kc, ap, rsA, csA, bp, rsP, cp, ldc, NR, acc);
        ap += ra4; cp += ld4;
      }
      if (i < m) rowsBlock(m - i, kc, ap, rsA, csA, bp, rsP, cp, ldc, NR, acc);
    } else {
      for (; i + 4 <= m; i += 4) {
        rowsBlock(4, kc, ap, rsA, csA, bp, rsP, cp, ldc, cols, acc);
        ap += ra4; cp += ld4;
      }
      if (i < m) rowsBlock(m - i, kc, ap, rsA, csA, bp, rsP, cp, ldc, cols, acc);
    }
  }
}

/**
 * Column j of C, rows [i, i + rows) (rows 1–16, in vectors of 4 rows) (+)= A rows · B column: A's rows
 * adjacent (rsA = 1) when `adjacent`, else gathered.
 */
// @ts-ignore: decorator
@inline
function colsBlock(adjacent: bool, rows: i32, kc: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, c: usize, ldc: i32, acc: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const ra = <usize>rsA << 2, ka = <usize>csA << 2, kb = <usize>rsB << 2;
  const r4 = ra << 2;
  let ap = a, bp = b;
  if (rows == 16) {
    for (let q = 0; q < kc; q++) {
      const y = v128.load32_splat(bp);
      if (adjacent) {
        c0 = madd(v128.load(ap, 0), y, c0); c1 = madd(v128.load(ap, 16), y, c1);
        c2 = madd(v128.load(ap, 32), y, c2); c3 = madd(v128.load(ap, 48), y, c3);
      } else {
        c0 = madd(gather(ap, ra, 4), y, c0); c1 = madd(gather(ap + r4, ra, 4), y, c1);
        c2 = madd(gather(ap + 2 * r4, ra, 4), y, c2); c3 = madd(gather(ap + 3 * r4, ra, 4), y, c3);
      }
      ap += ka; bp += kb;
    }
  } else {
    // Fewer than 16 rows: whole vectors of 4, then the last 1–3 rows gathered.
    const n0 = min(rows, 4), n1 = min(max(rows - 4, 0), 4), n2 = min(max(rows - 8, 0), 4), n3 = max(rows - 12, 0);
    for (let q = 0; q < kc; q++) {
      const y = v128.load32_splat(bp);
      c0 = madd(adjacent && n0 == 4 ? v128.load(ap, 0) : gather(ap, ra, n0), y, c0);
      if (n1 > 0) c1 = madd(adjacent && n1 == 4 ? v128.load(ap, 16) : gather(ap + r4, ra, n1), y, c1);
      if (n2 > 0) c2 = madd(adjacent && n2 == 4 ? v128.load(ap, 32) : gather(ap + 2 * r4, ra, n2), y, c2);
      if (n3 > 0) c3 = madd(adjacent && n3 == 4 ? v128.load(ap, 48) : gather(ap + 3 * r4, ra, n3), y, c3);
      ap += ka; bp += kb;
    }
  }
  const ld = <usize>ldc << 2, ld4 = ld << 2;
  const n0 = min(rows, 4), n1 = min(max(rows - 4, 0), 4), n2 = min(max(rows - 8, 0), 4), n3 = max(rows - 12, 0);
  if (acc) {
    c0 = f32x4.add(c0, gather(c, ld, n0)); c1 = f32x4.add(c1, gather(c + ld4, ld, n1));
    c2 = f32x4.add(c2, gather(c + 2 * ld4, ld, n2)); c3 = f32x4.add(c3, gather(c + 3 * ld4, ld, n3));
  }
  scatter(c, ld, c0, n0); scatter(c + ld4, ld, c1, n1);
  scatter(c + 2 * ld4, ld, c2, n2); scatter(c + 3 * ld4, ld, c3, n3);
}

/** C[0:m, 0:n] (+)= A[0:m, 0:kc] · B[0:kc, 0:n], one column of C at a time (n < 4). */
function colsPanels(adjacent: bool, m: i32, n: i32, kc: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, c: usize, ldc: i32, acc: bool): void {
  const ra16 = <usize>(16 * rsA) << 2, ld16 = <usize>(16 * ldc) << 2;
  for (let j = 0; j < n; j++) {
    const bj = b + (<usize>(j * csB) << 2);
    let ap = a, cp = c + (<usize>j << 2);
    let i = 0;
    if (adjacent) {
      for (; i + 16 <= m; i += 16) {
        colsBlock(true, 16, kc, ap, rsA, csA, bj, rsB, cp, ldc, acc);
        ap += ra16; cp += ld16;
      }
      if (i < m) colsBlock(true, m - i, kc, ap, rsA, csA, bj, rsB, cp, ldc, acc);
    } else {
      for (; i + 16 <= m; i += 16) {
        colsBlock(false, 16, kc, ap, rsA, csA, bj, rsB, cp, ldc, acc);
        ap += ra16; cp += ld16;
      }
      if (i < m) colsBlock(false, m - i, kc, ap, rsA, csA, bj, rsB, cp, ldc, acc);
    }
  }
}

/** Bytes of scratch gemmSmallF32 needs: a packed KC×NC block of B and one 8-column panel. */
export function gemmSmallScratchBytes(): i32 {
  return (KC * NC + KC * NR) * 4;
}

/**
 * C[m×n] (row-major, row stride ldc floats) = A[m×k] · B[k×n] (element strides rsA, csA, rsB, csB) without
 * packing A (see the top of this file); the same bits as gemmF32. `scratch` holds gemmSmallScratchBytes()
 * bytes, 16-aligned (gemmF32's scratch is large enough); one thread.
 */
export function gemmSmallF32(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, c: usize, ldc: i32, scratch: usize): void {
  if (k == 0) {
    for (let r = 0; r < m; r++) memory.fill(c + (<usize>(r * ldc) << 2), 0, <usize>n << 2);
    return;
  }
  if (n < 4) {
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const ak = a + (<usize>(pc * csA) << 2), bk = b + (<usize>(pc * rsB) << 2);
      if (rsA == 1) colsPanels(true, m, n, kc, ak, rsA, csA, bk, rsB, csB, c, ldc, pc > 0);
      else colsPanels(false, m, n, kc, ak, rsA, csA, bk, rsB, csB, c, ldc, pc > 0);
    }
    return;
  }
  const panel = scratch + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const ak = a + (<usize>(pc * csA) << 2);
      const bk = b + (<usize>(pc * rsB + jc * csB) << 2);
      if (csB != 1) {
        // Columns not adjacent (wᵀ of a linear layer): pack the block into 8-column panels as gemmF32 does.
        packB(bk, rsB, csB, kc, nc, scratch);
        rowsPanels(m, nc, kc, ak, rsA, csA, scratch, true, NR, c + (<usize>jc << 2), ldc, pc > 0, panel);
      } else {
        rowsPanels(m, nc, kc, ak, rsA, csA, bk, false, rsB, c + (<usize>jc << 2), ldc, pc > 0, panel);
      }
    }
  }
}

/** binaryF32's code of add (elementwise.ts). */
const ADD_CODE = 0;

/**
 * The dense layer act(A·B + bias) for a small product, in one call: gemmSmallF32 into C (row-major, m×n),
 * then bias (n floats, element stride bs; none when bias = 0) added over the rows by binaryF32 and the
 * activation (a unaryF32 code, e.g. tanh; none when act < 0) applied in place by unaryF32, so the bits are
 * those of matmul, add and the activation run one after the other.
 */
export function linearSmallF32(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, c: usize, scratch: usize, bias: usize, bs: i32, act: i32): void {
  gemmSmallF32(m, n, k, a, rsA, csA, b, rsB, csB, c, n, scratch);
  if (bias != 0) binaryF32(ADD_CODE, c, n, 1, bias, 0, bs, c, m, n);
  if (act >= 0) unaryF32(act, c, c, m * n);
}
