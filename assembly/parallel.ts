/**
 * Slices of the kernels for worker threads. The TS side writes a job record (i32 slots) into the shared
 * memory and every thread, the caller included, claims part numbers and calls `runPart(job, part, thread)`.
 * A part never depends on which thread runs it (scratch is per thread), so results are the same for any
 * thread count. Layout of each job kind, slot 0 being the kind, is written next to its case (kind 0 is
 * unused: gemm runs as GEMM_PACK_B then GEMM_BLOCK per block).
 */
import { gemmBlockPart, gemmPackBPart } from "./gemm";
import { binaryF32, unaryF32, where32 } from "./elementwise";
import { reduceF32, reducePartial } from "./reduce";
import { optimStep } from "./optim";

const UNARY = 1, BINARY = 2, WHERE = 3, REDUCE = 4, REDUCE_PARTIAL = 5, GEMM_PACK_B = 6, GEMM_BLOCK = 7, OPTIM = 8;
const LOGICAL_NOT = 17, EQ = 7, GE = 12;

// @ts-ignore: decorator
@inline
function arg(job: usize, i: i32): i32 {
  return load<i32>(job + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function addr(job: usize, i: i32): usize {
  return <usize>load<u32>(job + (<usize>i << 2));
}

/** Byte offset of `count` elements of `bytes` each, for signed counts (wraps like the address arithmetic). */
// @ts-ignore: decorator
@inline
function off(count: i32, shift: i32): usize {
  return <usize>(count << shift);
}

/** Runs part `part` of the job at `job` on thread `thread` (0 = the caller; selects the gemm scratch). */
export function runPart(job: usize, part: i32, thread: i32): void {
  switch (arg(job, 0)) {
    case UNARY: {
      // op x out n chunk
      const op = arg(job, 1), n = arg(job, 4), chunk = arg(job, 5), s = part * chunk;
      const cnt = min(chunk, n - s);
      const outShift = op == LOGICAL_NOT ? 0 : 2;
      if (cnt > 0) unaryF32(op, addr(job, 2) + off(s, 2), addr(job, 3) + off(s, outShift), cnt);
      break;
    }
    case BINARY: {
      // op a ar ac b br bc out rows cols chunk (rows when rows > 1, else columns)
      const op = arg(job, 1), ar = arg(job, 3), ac = arg(job, 4), br = arg(job, 6), bc = arg(job, 7);
      const rows = arg(job, 9), cols = arg(job, 10), chunk = arg(job, 11), s = part * chunk;
      const outShift = op >= EQ && op <= GE ? 0 : 2; // comparisons write bytes
      if (rows > 1) {
        const cnt = min(chunk, rows - s);
        if (cnt > 0) binaryF32(op, addr(job, 2) + off(s * ar, 2), ar, ac, addr(job, 5) + off(s * br, 2), br, bc, addr(job, 8) + off(s * cols, outShift), cnt, cols);
      } else {
        const cnt = min(chunk, cols - s);
        if (cnt > 0) binaryF32(op, addr(job, 2) + off(s * ac, 2), ar, ac, addr(job, 5) + off(s * bc, 2), br, bc, addr(job, 8) + off(s, outShift), 1, cnt);
      }
      break;
    }
    case WHERE: {
      // cond cr cc a ar ac b br bc out rows cols chunk
      const cr = arg(job, 2), cc = arg(job, 3), ar = arg(job, 5), ac = arg(job, 6), br = arg(job, 8), bc = arg(job, 9);
      const rows = arg(job, 11), cols = arg(job, 12), chunk = arg(job, 13), s = part * chunk;
      if (rows > 1) {
        const cnt = min(chunk, rows - s);
        if (cnt > 0) where32(addr(job, 1) + off(s * cr, 0), cr, cc, addr(job, 4) + off(s * ar, 2), ar, ac, addr(job, 7) + off(s * br, 2), br, bc, addr(job, 10) + off(s * cols, 2), cnt, cols);
      } else {
        const cnt = min(chunk, cols - s);
        if (cnt > 0) where32(addr(job, 1) + off(s * cc, 0), cr, cc, addr(job, 4) + off(s * ac, 2), ar, ac, addr(job, 7) + off(s * bc, 2), br, bc, addr(job, 10) + off(s, 2), 1, cnt);
      }
      break;
    }
    case REDUCE: {
      // op x outer len inner out splitCols chunk
      const op = arg(job, 1), outer = arg(job, 3), len = arg(job, 4), inner = arg(job, 5), chunk = arg(job, 8), s = part * chunk;
      if (arg(job, 7) != 0) {
        const cnt = min(chunk, inner - s);
        if (cnt > 0) reduceF32(op, addr(job, 2) + off(s, 2), outer, len, cnt, inner, addr(job, 6) + off(s, 2));
      } else {
        const cnt = min(chunk, outer - s);
        if (cnt > 0) reduceF32(op, addr(job, 2) + off(s * len * inner, 2), cnt, len, inner, inner, addr(job, 6) + off(s * inner, 2));
      }
      break;
    }
    case REDUCE_PARTIAL: {
      // op x len partials group pieces: part p computes pieces [p·group, (p+1)·group)
      const group = arg(job, 5), pieces = arg(job, 6);
      const end = min(pieces, (part + 1) * group);
      for (let q = part * group; q < end; q++) reducePartial(arg(job, 1), addr(job, 2), arg(job, 3), q, addr(job, 4));
      break;
    }
    case GEMM_PACK_B: {
      // b rsB csB k nc bpk chunk
      const nc = arg(job, 5), chunk = arg(job, 7), j0 = part * chunk;
      const cnt = min(chunk, nc - j0);
      if (cnt > 0) gemmPackBPart(addr(job, 1), arg(job, 2), arg(job, 3), arg(job, 4), nc, j0, cnt, addr(job, 6));
      break;
    }
    case GEMM_BLOCK: {
      // m nc k a rsA csA c ldc bpk scratch scratchStride rowChunk colChunk rowParts
      const m = arg(job, 1), nc = arg(job, 2), rowChunk = arg(job, 12), colChunk = arg(job, 13), rowParts = arg(job, 14);
      const i0 = (part % rowParts) * rowChunk, j0 = (part / rowParts) * colChunk;
      const rows = min(rowChunk, m - i0), cols = min(colChunk, nc - j0);
      if (rows > 0 && cols > 0) {
        gemmBlockPart(i0, rows, j0, cols, arg(job, 3), nc, addr(job, 4), arg(job, 5), arg(job, 6), addr(job, 9), addr(job, 7), arg(job, 8),
          addr(job, 10) + <usize>thread * addr(job, 11));
      }
      break;
    }
    case OPTIM: {
      // rule flags f64 n chunk p g s0 s1 s2 hyper
      const n = arg(job, 4), chunk = arg(job, 5), s = part * chunk, cnt = min(chunk, n - s);
      const o = off(s, arg(job, 3) != 0 ? 3 : 2);
      if (cnt > 0) optimStep(arg(job, 1), arg(job, 2), arg(job, 3), cnt, addr(job, 6) + o, addr(job, 7) + o, addr(job, 8) + o, addr(job, 9) + o, addr(job, 10) + o, addr(job, 11));
      break;
    }
    default: break;
  }
}
