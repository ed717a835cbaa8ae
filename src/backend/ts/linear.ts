/** The dense-layer kernel of the TS backend: a matmul against wᵀ (a view), then bias and activation in place. */
import type { DType } from "../../dtype.js";
import type { LinearActivation } from "../backend.js";
import { UNARY } from "./elementwise.js";
import { matmul } from "./matmul.js";
import type { TsStorage, TsView } from "./storage.js";

/** `act(x·wᵀ + bias)` for x [M, K], w [N, K], bias [N] or null; each step rounds to `out` as the separate kernels do. */
export function linear(x: TsView, w: TsView, bias: TsView | null, act: LinearActivation | null, out: DType): TsStorage {
  const N = w.shape[0]!, K = w.shape[1]!, M = x.shape[0]!;
  const res = matmul(x, { storage: w.storage, shape: [K, N], strides: [w.strides[1]!, w.strides[0]!], offset: w.offset }, out);
  const d = res.data;
  if (bias !== null) {
    const bd = bias.storage.data, b0 = bias.offset, bs = bias.strides[0]!;
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) d[i * N + j] = d[i * N + j]! + bd[b0 + j * bs]!;
  }
  if (act !== null) {
    const f = UNARY[act];
    for (let i = 0; i < d.length; i++) d[i] = f(d[i]!);
  }
  return res;
}
