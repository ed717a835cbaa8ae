/**
 * Single-precision GEMM with SIMD128: C[m×n] = A[m×k] · B[k×n]. A and B are read through arbitrary element
 * strides, so a transposed operand (every backward pass has one) costs nothing extra: both are packed into
 * contiguous panels first (Goto/BLIS blocking) and a 4×8 register-blocked micro-kernel runs over the panels.
 *
 * Blocking: a KC×NC block of B is packed into NR-column panels (NR floats per k), an MC×KC block of A into
 * MR-row panels (MR floats per k); both are zero-padded at the edges so the micro-kernel always computes a
 * full MR×NR tile (edge tiles go through a small buffer and only their valid part is written).
 *
 * 4×8 keeps 8 accumulators + 2 B vectors + 1 broadcast A value in registers (V8 allocates 15 xmm registers
 * to wasm SIMD); 6×8, 5×8, 4×12 and 8×8 spilled and measured 1.5–3× slower on the dev machine.
 */

export const MR: i32 = 4;
export const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 64;
const NC: i32 = 2048;

/** The micro-kernel: the MR×NR tile at c (row stride ldc floats) = Σ_k ap[k,:]ᵀ·bp[k,:] (+ c when acc). */
// @ts-ignore: decorator
@inline
function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, acc: bool): void {
  let c00 = f32x4.splat(0); let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0); let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0); let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0); let c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
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
        v128.store(d, v128.load(base + (<usize>(k * csA) << 2)));
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

/** Packs B[0:kc, 0:nc] (element strides rsB, csB) into NR-column panels, zero-padded at the right edge. */
function packB(b: usize, rsB: i32, csB: i32, kc: i32, nc: i32, dst: usize): void {
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
      // Transposed B: walk each column contiguously.
      for (let c = 0; c < NR; c++) {
        const src = base + (<usize>(c * csB) << 2);
        let d = dst + (<usize>c << 2);
        for (let k = 0; k < kc; k++) {
          store<f32>(d, load<f32>(src + (<usize>k << 2)));
          d += NR << 2;
        }
      }
      dst += <usize>(NR * kc) << 2;
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
 * C[m×n] (row-major, row stride ldc floats) = A[m×k] · B[k×n], A and B read through element strides
 * (rsA, csA), (rsB, csB), so transposed operands need no copy. `scratch` holds gemmScratchBytes() bytes,
 * 16-aligned, and belongs to the calling thread. Each element of C is accumulated over k in the same order
 * wherever its tile sits, so computing C in row or column slices (threads) gives the same bits.
 */
export function gemmF32(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, c: usize, ldc: i32, scratch: usize): void {
  if (k == 0) {
    for (let r = 0; r < m; r++) memory.fill(c + (<usize>(r * ldc) << 2), 0, <usize>n << 2);
    return;
  }
  const apk = scratch;
  const bpk = apk + (<usize>(MC * KC) << 2);
  const tile = bpk + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const acc = pc > 0;
      packB(b + (<usize>(pc * rsB + jc * csB) << 2), rsB, csB, kc, nc, bpk);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a + (<usize>(ic * rsA + pc * csA) << 2), rsA, csA, mc, kc, apk);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = bpk + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const ap = apk + (<usize>(ir * kc) << 2);
            const cp = c + (<usize>((ic + ir) * ldc + jc + jr) << 2);
            if (mr == MR && nr == NR) {
              kernel4x8(kc, ap, bp, cp, ldc, acc);
            } else {
              kernel4x8(kc, ap, bp, tile, NR, false);
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
    }
  }
}
