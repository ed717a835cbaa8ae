/**
 * Single-precision GEMM with SIMD128: C[m×n] = A[m×k] · B[k×n]. A and B are read through arbitrary element
 * strides, so a transposed operand (every backward pass has one) costs nothing extra: both are packed into
 * contiguous panels first (Goto/BLIS blocking) and a 4×8 register-blocked micro-kernel runs over the panels.
 *
 * Blocking: a KC×NC block of B is packed into NR-column panels (NR floats per k), an MC×KC block of A into
 * MR-row panels (MR floats per k); both are zero-padded at the edges so the micro-kernel always computes a
 * full MR×NR tile (edge tiles go through a small buffer and only their valid part is written).
 *
 * 4×8 keeps 8 accumulators + 2 B vectors + 4 broadcast A values in registers: V8 (TurboFan) schedules all
 * of an iteration's loads before its arithmetic, so every loaded value is live at once, and it allocates 15
 * xmm registers to wasm SIMD (+1 for the product without FMA): 4×8 fits exactly. 5×8, 6×8, 4×12, 8×8 and
 * k-unrolled 4×8 spill (measured 1.5–3× slower); 3×12 and 2×16 fit and measured no faster. On the dev
 * machine (Zen 5, two 128-bit multiplies per cycle: ≈ 60 GFLOP/s ceiling) the kernel runs at ≈ 47 GFLOP/s
 * plain and ≈ 51 with relaxed SIMD's fused multiply-add, whose 4-cycle latency over 8 accumulators is the limit.
 */

/** Rows of the micro-kernel's tile: 5 with fused multiply-add (relaxed-SIMD build), 4 without. */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 5 : 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
/** Rows of A packed at a time (a multiple of MR). */
const MC: i32 = ASC_FEATURE_RELAXED_SIMD ? 60 : 64;
export const NC: i32 = 2048;

/** 1 in the module built with relaxed SIMD (the micro-kernel fuses multiply and add), 0 in the plain one. */
export function gemmFused(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

/** Rows of the micro-kernel's tile (MR), for the threaded split's row slices. */
export function gemmTileRows(): i32 {
  return MR;
}

/**
 * The plain micro-kernel (4×8): the tile at c (row stride ldc floats) = Σ_k ap[k,:]ᵀ·bp[k,:] (+ c when acc),
 * each A value broadcast by a splat load. The loop ends on a pointer compare (no separate counter): V8 adds
 * an interrupt check to every loop iteration, so each instruction saved beside the 4 + 2 loads, 8 multiplies
 * and 8 adds counts.
 */
// @ts-ignore: decorator
@inline
function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, acc: bool): void {
  let c00 = f32x4.splat(0); let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0); let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0); let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0); let c31 = f32x4.splat(0);
  const end = bp + (<usize>(kc * NR) << 2);
  while (bp < end) {
    const b0 = v128.load(bp, 0); const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap, 0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(ap, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += 16; bp += 32;
  }
  const ld = <usize>ldc << 2;
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c + 0 * ld, 0)); c01 = f32x4.add(c01, v128.load(c + 0 * ld, 16));
    c10 = f32x4.add(c10, v128.load(c + 1 * ld, 0)); c11 = f32x4.add(c11, v128.load(c + 1 * ld, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ld, 0)); c21 = f32x4.add(c21, v128.load(c + 2 * ld, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ld, 0)); c31 = f32x4.add(c31, v128.load(c + 3 * ld, 16));
  }
  v128.store(c + 0 * ld, c00, 0); v128.store(c + 0 * ld, c01, 16);
  v128.store(c + 1 * ld, c10, 0); v128.store(c + 1 * ld, c11, 16);
  v128.store(c + 2 * ld, c20, 0); v128.store(c + 2 * ld, c21, 16);
  v128.store(c + 3 * ld, c30, 0); v128.store(c + 3 * ld, c31, 16);
}

/**
 * The fused micro-kernel (5×8, relaxed-SIMD build only): as kernel4x8 with `f32x4.relaxed_madd`. Rows 0–3
 * of A come from one v128 load and are broadcast by lane shuffles (pure operations, which V8 places next to
 * their use), row 4 by a splat load; so the live values are 10 accumulators + 2 B + 2 A = 14 registers,
 * and 10 independent chains cover the fused multiply-add's latency.
 */
// @ts-ignore: decorator
@inline
function kernel5x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, acc: bool): void {
  let c00 = f32x4.splat(0); let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0); let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0); let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0); let c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0); let c41 = f32x4.splat(0);
  const end = bp + (<usize>(kc * NR) << 2);
  while (bp < end) {
    const b0 = v128.load(bp, 0); const b1 = v128.load(bp, 16);
    const a4 = v128.load(ap, 0);
    let a = i32x4.shuffle(a4, a4, 0, 0, 0, 0);
    c00 = f32x4.relaxed_madd(a, b0, c00); c01 = f32x4.relaxed_madd(a, b1, c01);
    a = i32x4.shuffle(a4, a4, 1, 1, 1, 1);
    c10 = f32x4.relaxed_madd(a, b0, c10); c11 = f32x4.relaxed_madd(a, b1, c11);
    a = i32x4.shuffle(a4, a4, 2, 2, 2, 2);
    c20 = f32x4.relaxed_madd(a, b0, c20); c21 = f32x4.relaxed_madd(a, b1, c21);
    a = i32x4.shuffle(a4, a4, 3, 3, 3, 3);
    c30 = f32x4.relaxed_madd(a, b0, c30); c31 = f32x4.relaxed_madd(a, b1, c31);
    a = v128.load32_splat(ap, 16);
    c40 = f32x4.relaxed_madd(a, b0, c40); c41 = f32x4.relaxed_madd(a, b1, c41);
    ap += 20; bp += 32;
  }
  const ld = <usize>ldc << 2;
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c + 0 * ld, 0)); c01 = f32x4.add(c01, v128.load(c + 0 * ld, 16));
    c10 = f32x4.add(c10, v128.load(c + 1 * ld, 0)); c11 = f32x4.add(c11, v128.load(c + 1 * ld, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ld, 0)); c21 = f32x4.add(c21, v128.load(c + 2 * ld, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ld, 0)); c31 = f32x4.add(c31, v128.load(c + 3 * ld, 16));
    c40 = f32x4.add(c40, v128.load(c + 4 * ld, 0)); c41 = f32x4.add(c41, v128.load(c + 4 * ld, 16));
  }
  v128.store(c + 0 * ld, c00, 0); v128.store(c + 0 * ld, c01, 16);
  v128.store(c + 1 * ld, c10, 0); v128.store(c + 1 * ld, c11, 16);
  v128.store(c + 2 * ld, c20, 0); v128.store(c + 2 * ld, c21, 16);
  v128.store(c + 3 * ld, c30, 0); v128.store(c + 3 * ld, c31, 16);
  v128.store(c + 4 * ld, c40, 0); v128.store(c + 4 * ld, c41, 16);
}

/** The micro-kernel of this build. */
// @ts-ignore: decorator
@inline
function kernel(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, acc: bool): void {
  if (ASC_FEATURE_RELAXED_SIMD) kernel5x8(kc, ap, bp, c, ldc, acc);
  else kernel4x8(kc, ap, bp, c, ldc, acc);
}

/** Bytes of scratch `gemmF32` needs for packing (A block + B block + one edge tile). */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/** Packs A[0:mc, 0:kc] (element strides rsA, csA) into MR-row panels, zero-padded at the bottom edge. */
function packA(a: usize, rsA: i32, csA: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const base = a + (<usize>(i * rsA) << 2);
    if (rows == MR && csA == 1) {
      // Row-major A: walk each row contiguously.
      for (let r = 0; r < MR; r++) {
        const src = base + (<usize>(r * rsA) << 2);
        let d = dst + (<usize>r << 2);
        for (let k = 0; k < kc; k++) {
          store<f32>(d, load<f32>(src + (<usize>k << 2)));
          d += MR << 2;
        }
      }
    } else if (rows == MR && rsA == 1) {
      // Transposed A (Xᵀ in a weight gradient): the MR values of one k are adjacent.
      let d = dst;
      for (let k = 0; k < kc; k++) {
        const src = base + (<usize>(k * csA) << 2);
        v128.store(d, v128.load(src));
        for (let r = 4; r < MR; r++) store<f32>(d + (<usize>r << 2), load<f32>(src + (<usize>r << 2)));
        d += MR << 2;
      }
    } else {
      let d = dst;
      for (let k = 0; k < kc; k++) {
        const src = base + (<usize>(k * csA) << 2);
        for (let r = 0; r < MR; r++) {
          store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>(r * rsA) << 2)) : 0);
        }
        d += MR << 2;
      }
    }
    dst += <usize>(MR * kc) << 2;
  }
}

/**
 * Stores the 4×4 transpose of rows v0…v3 as four 4-float pieces NR floats apart from dst: piece k holds
 * (v0[k], v1[k], v2[k], v3[k]).
 */
// @ts-ignore: decorator
@inline
function transposeStore4(v0: v128, v1: v128, v2: v128, v3: v128, dst: usize): void {
  const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7), t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + (NR << 2), i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + (NR << 3), i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * (NR << 2), i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/** Packs B[0:kc, 0:nc] (element strides rsB, csB) into NR-column panels, zero-padded at the right edge. */
export function packB(b: usize, rsB: i32, csB: i32, kc: i32, nc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const base = b + (<usize>(j * csB) << 2);
    if (cols == NR && csB == 1) {
      for (let k = 0; k < kc; k++) {
        const src = base + (<usize>(k * rsB) << 2);
        for (let v = 0; v < NR; v += 4) v128.store(dst + (<usize>v << 2), v128.load(src + (<usize>v << 2)));
        dst += NR << 2;
      }
    } else if (cols == NR && rsB == 1) {
      // Transposed B (Wᵀ in a forward pass): each column is contiguous over k. Four k at a time, the 8
      // columns are loaded as 8 vectors and transposed as two 4×4 blocks by lane shuffles (a pure copy).
      const cs = <usize>csB << 2;
      const k4 = kc & ~3;
      for (let k = 0; k < k4; k += 4) {
        const s0 = base + (<usize>k << 2);
        transposeStore4(v128.load(s0), v128.load(s0 + cs), v128.load(s0 + 2 * cs), v128.load(s0 + 3 * cs), dst);
        const s4 = s0 + 4 * cs;
        transposeStore4(v128.load(s4), v128.load(s4 + cs), v128.load(s4 + 2 * cs), v128.load(s4 + 3 * cs), dst + 16);
        dst += NR << 4; // 4 rows of NR floats
      }
      for (let k = k4; k < kc; k++) {
        for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), load<f32>(base + <usize>c * cs + (<usize>k << 2)));
        dst += NR << 2;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const src = base + (<usize>(k * rsB) << 2);
        for (let c = 0; c < NR; c++) {
          store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>(c * csB) << 2)) : 0);
        }
        dst += NR << 2;
      }
    }
  }
}

/**
 * The macro-kernel: C[0:mc, 0:nc] (row stride ldc floats) = (C +) packed A block (mc×kc, MR-row panels) ·
 * packed B block (kc×nc, NR-column panels). `tile` holds MR×NR floats for the edges.
 */
function macroKernel(mc: i32, nc: i32, kc: i32, apk: usize, bpk: usize, c: usize, ldc: i32, acc: bool, tile: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const bp = bpk + (<usize>(jr * kc) << 2);
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir);
      const ap = apk + (<usize>(ir * kc) << 2);
      const cp = c + (<usize>(ir * ldc + jr) << 2);
      if (mr == MR && nr == NR) {
        kernel(kc, ap, bp, cp, ldc, acc);
      } else {
        kernel(kc, ap, bp, tile, NR, false);
        for (let r = 0; r < mr; r++) {
          for (let q = 0; q < nr; q++) {
            const dst = cp + (<usize>(r * ldc + q) << 2);
            const t = load<f32>(tile + (<usize>(r * NR + q) << 2));
            store<f32>(dst, acc ? load<f32>(dst) + t : t);
          }
        }
      }
    }
  }
}

/**
 * C[0:m, 0:nc] (+)= A[0:m, 0:kc] · (the packed B block), A packed MC rows at a time into `apk`: one thread's
 * share of a block when several threads share one packed B (gemmBlockPart).
 */
function rowsTimesPackedB(m: i32, nc: i32, kc: i32, a: usize, rsA: i32, csA: i32, bpk: usize, c: usize, ldc: i32, acc: bool, apk: usize, tile: usize): void {
  for (let ic = 0; ic < m; ic += MC) {
    const mc = min(MC, m - ic);
    packA(a + (<usize>(ic * rsA) << 2), rsA, csA, mc, kc, apk);
    macroKernel(mc, nc, kc, apk, bpk, c + (<usize>(ic * ldc) << 2), ldc, acc, tile);
  }
}

/** Byte offsets of the parts of a gemm scratch area (A block, B block, edge tile). */
function scratchB(scratch: usize): usize {
  return scratch + (<usize>(MC * KC) << 2);
}
function scratchTile(scratch: usize): usize {
  return scratchB(scratch) + (<usize>(KC * NC) << 2);
}

/**
 * C[m×n] (row-major, row stride ldc floats) = A[m×k] · B[k×n], A and B read through element strides
 * (rsA, csA), (rsB, csB), so transposed operands need no copy. `scratch` holds gemmScratchBytes() bytes,
 * 16-aligned, and belongs to the calling thread. Each element of C is accumulated over k in the same order
 * (the same KC blocks, the same micro-kernel lane) wherever its tile sits, so the threaded schedule
 * (gemmPackBPart + gemmBlockPart over the same blocks) gives the same bits.
 */
export function gemmF32(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, c: usize, ldc: i32, scratch: usize): void {
  if (k == 0) {
    for (let r = 0; r < m; r++) memory.fill(c + (<usize>(r * ldc) << 2), 0, <usize>n << 2);
    return;
  }
  const apk = scratch;
  const bpk = scratchB(scratch);
  const tile = scratchTile(scratch);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b + (<usize>(pc * rsB + jc * csB) << 2), rsB, csB, kc, nc, bpk);
      rowsTimesPackedB(m, nc, kc, a + (<usize>(pc * csA) << 2), rsA, csA, bpk, c + (<usize>jc << 2), ldc, pc > 0, apk, tile);
    }
  }
}

/**
 * Threaded schedule, step 1: packs columns [j0, j0 + cols) (j0 a multiple of NR) of the K×nc block of B at
 * b into `bpk`, which holds every KC block of depth: the block starting at depth pc sits at bpk + pc·ncp
 * floats (ncp = nc rounded up to NR: packB pads the last panel), laid out as packB lays it out.
 */
export function gemmPackBPart(b: usize, rsB: i32, csB: i32, k: i32, nc: i32, j0: i32, cols: i32, bpk: usize): void {
  const ncp = (nc + NR - 1) & ~(NR - 1);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    packB(b + (<usize>(pc * rsB + j0 * csB) << 2), rsB, csB, kc, cols, bpk + (<usize>(pc * ncp + j0 * kc) << 2));
  }
}

/**
 * Threaded schedule, step 2: rows [i0, i0 + rows) × columns [j0, j0 + cols) of the C block (c: its first
 * element, row stride ldc) = A rows · B (packed by gemmPackBPart), depth block after depth block as
 * gemmF32 does (so the same bits). `scratch` is the calling thread's own (its A block and edge tile).
 */
export function gemmBlockPart(i0: i32, rows: i32, j0: i32, cols: i32, k: i32, nc: i32, a: usize, rsA: i32, csA: i32, bpk: usize, c: usize, ldc: i32, scratch: usize): void {
  const tile = scratchTile(scratch);
  const ncp = (nc + NR - 1) & ~(NR - 1);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    rowsTimesPackedB(rows, cols, kc, a + (<usize>(i0 * rsA + pc * csA) << 2), rsA, csA, bpk + (<usize>(pc * ncp + j0 * kc) << 2),
      c + (<usize>(i0 * ldc + j0) << 2), ldc, pc > 0, scratch, tile);
  }
}

/** Columns per block of the threaded schedule (as gemmF32's). */
export function gemmBlockN(): i32 {
  return NC;
}
