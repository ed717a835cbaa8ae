/** Batched matrix product of the TS backend: packs each operand block contiguously, then an i-k-j loop. */
import { allocArray, type DType } from "../../dtype.js";
import { sizeOf } from "../../shape.js";
import { gatherView, TsStorage, type TsView } from "./storage.js";

/** Storage offset of each matrix in a batched view (batch dims = all but the last two). */
function batchOffsets(v: TsView, batchShape: readonly number[]): number[] {
  const nb = batchShape.length;
  const out: number[] = [];
  const idx = new Array<number>(nb).fill(0);
  const total = sizeOf(batchShape);
  for (let i = 0; i < total; i++) {
    let off = v.offset;
    for (let d = 0; d < nb; d++) off += idx[d]! * v.strides[d]!;
    out.push(off);
    for (let d = nb - 1; d >= 0; d--) {
      if (++idx[d]! < batchShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

export function matmul(a: TsView, b: TsView, out: DType): TsStorage {
  const nd = a.shape.length;
  const M = a.shape[nd - 2]!, K = a.shape[nd - 1]!, N = b.shape[nd - 1]!;
  const batchShape = a.shape.slice(0, nd - 2);
  const res = allocArray(out, sizeOf(batchShape) * M * N);
  const ao = batchOffsets(a, batchShape), bo = batchOffsets(b, batchShape);
  const A = new Float64Array(M * K), Bm = new Float64Array(K * N);
  const row = new Float64Array(N);
  for (let bi = 0; bi < ao.length; bi++) {
    gatherView({ storage: a.storage, shape: [M, K], strides: a.strides.slice(nd - 2), offset: ao[bi]! }, A);
    gatherView({ storage: b.storage, shape: [K, N], strides: b.strides.slice(nd - 2), offset: bo[bi]! }, Bm);
    const ob = bi * M * N;
    for (let i = 0; i < M; i++) {
      row.fill(0);
      for (let k = 0; k < K; k++) {
        const aik = A[i * K + k]!;
        const bk = k * N;
        for (let j = 0; j < N; j++) row[j] += aik * Bm[bk + j]!;
      }
      for (let j = 0; j < N; j++) res[ob + i * N + j] = row[j]!;
    }
  }
  return new TsStorage(res, out);
}
