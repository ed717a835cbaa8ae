/** Reduction kernel of the TS backend. Sums accumulate in float64 whatever the dtype. */
import { allocArray, type DType } from "../../dtype.js";
import type { ReduceOp } from "../backend.js";
import { sizeOf } from "../../shape.js";
import { elementOffsets, TsStorage, type TsView } from "./storage.js";

export function reduce(op: ReduceOp, x: TsView, axes: readonly number[], out: DType): TsStorage {
  const nd = x.shape.length;
  const kept: number[] = [];
  for (let d = 0; d < nd; d++) if (!axes.includes(d)) kept.push(d);
  const order = [...kept, ...axes];
  // A permuted view puts the reduced axes last, so each output is one run of `inner` elements.
  const pv: TsView = {
    storage: x.storage,
    shape: order.map((d) => x.shape[d]!),
    strides: order.map((d) => x.strides[d]!),
    offset: x.offset,
  };
  const outer = sizeOf(kept.map((d) => x.shape[d]!));
  const inner = sizeOf(axes.map((d) => x.shape[d]!));
  const res = allocArray(out, outer);
  const src = x.storage.data;
  const offs = elementOffsets(pv);
  const at = (k: number): number => src[offs ? offs[k]! : x.offset + k]!;
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let acc: number;
    switch (op) {
      case "sum":
        acc = 0;
        for (let i = 0; i < inner; i++) acc += at(base + i);
        break;
      case "prod":
        acc = 1;
        for (let i = 0; i < inner; i++) acc *= at(base + i);
        break;
      case "max":
      case "min": {
        // NaN wins, as PyTorch.
        acc = op === "max" ? -Infinity : Infinity;
        for (let i = 0; i < inner; i++) {
          const v = at(base + i);
          if (v !== v) { acc = NaN; break; }
          if (op === "max" ? v > acc : v < acc) acc = v;
        }
        break;
      }
      case "argmax":
      case "argmin": {
        // First index of the extreme value; a NaN counts as the extreme, as PyTorch.
        let best = at(base), bi = 0;
        if (best === best) {
          for (let i = 1; i < inner; i++) {
            const v = at(base + i);
            if (v !== v) { bi = i; break; }
            if (op === "argmax" ? v > best : v < best) { best = v; bi = i; }
          }
        }
        acc = bi;
        break;
      }
    }
    res[o] = acc;
  }
  return new TsStorage(res, out);
}
