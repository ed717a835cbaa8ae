/**
 * The fused loss kernels of the reference backend (`Kernels.bceLoss`, `crossEntropyLoss` and their backward
 * passes; the contract is in backend.ts). Each runs the composite ops' operations in their order, every
 * result rounded to the dtype (`Math.fround` for float32, as a float32 typed array stores it), and sums as
 * the `reduce` kernel does (float64 accumulation, in element order, rounded once), so a fused loss and its
 * gradient equal the composite ones bit for bit on this backend. Inputs outside a kernel's domain give null.
 */
import { allocArray, type DType, type TypedArray } from "../../dtype.js";
import { sizeOf } from "../../shape.js";
import type { CrossEntropyArgs, LossReduction } from "../backend.js";
import { gatherView, TsStorage, type TsView } from "./storage.js";

/** Smallest probability bceLoss takes: log(1e-40) ≈ −92.1 stays above the clamp at −100. */
export const BCE_MIN_INPUT = 1e-40;

const identity = (x: number): number => x;
/** Rounding to a float dtype's precision. */
const rounder = (dtype: DType): ((x: number) => number) => (dtype === "float32" ? Math.fround : identity);

/** Σ v as the reduce kernel sums (float64, in order), rounded to the dtype. */
function total(v: ArrayLike<number>, r: (x: number) => number): number {
  let acc = 0;
  for (let i = 0; i < v.length; i++) acc += v[i]!;
  return r(acc);
}

/** The loss storage: the per-element values, or their sum or mean (one element). */
function reduced(per: TypedArray, dtype: DType, reduction: LossReduction, divisor: number, r: (x: number) => number): TsStorage {
  if (reduction === "none") return new TsStorage(per, dtype);
  const out = allocArray(dtype, 1);
  const s = total(per, r);
  out[0] = reduction === "sum" ? s : r(s / divisor);
  return new TsStorage(out, dtype);
}

export function bceLoss(input: TsView, target: TsView, reduction: LossReduction): TsStorage | null {
  const dtype = input.storage.dtype;
  const r = rounder(dtype);
  const x = gatherView(input), y = gatherView(target);
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const a = x[i]!, b = y[i]!;
    if (!(a >= BCE_MIN_INPUT && a < 1 && b >= 0 && b <= 1)) return null;
  }
  const per = allocArray(dtype, n);
  for (let i = 0; i < n; i++) {
    const a = x[i]!, b = y[i]!;
    per[i] = -r(r(b * r(Math.log(a))) + r(r(1 - b) * r(Math.log(r(1 - a)))));
  }
  return reduced(per, dtype, reduction, r(n), r);
}

export function bceLossBackward(input: TsView, target: TsView, grad: TsView, reduction: LossReduction): TsStorage {
  const dtype = input.storage.dtype;
  const r = rounder(dtype);
  const x = gatherView(input), y = gatherView(target), g = gatherView(grad);
  const n = x.length;
  const scalar = reduction === "mean" ? r(g[0]! / r(n)) : g[0]!;
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) {
    const a = -(reduction === "none" ? g[i]! : scalar);
    const xi = x[i]!, yi = y[i]!;
    out[i] = r(r(r(a * yi) / xi) - r(r(a * r(1 - yi)) / r(1 - xi)));
  }
  return new TsStorage(out, dtype);
}

/** What the cross-entropy kernels share: the logits, targets and per-sample weights (0 where ignored). */
interface CrossEntropyRows {
  x: TypedArray;
  t: TypedArray;
  /** w[tᵢ]·[tᵢ ≠ ignoreIndex], as the composite's `cast(keep) · weight[safe target]`. */
  w: TypedArray;
  n: number;
  c: number;
}

function crossEntropyRows(input: TsView, target: TsView, { weight, ignoreIndex }: CrossEntropyArgs<TsStorage>, r: (x: number) => number): CrossEntropyRows | null {
  const [n, c] = input.shape as [number, number];
  if (c < 1 || c >= 65536) return null;
  const x = gatherView(input), t = gatherView(target);
  const wt = weight ? gatherView(weight) : null;
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return null;
  const w = allocArray(input.storage.dtype, n);
  for (let i = 0; i < n; i++) {
    const k = t[i]!;
    const keep = k !== ignoreIndex;
    if (keep && !(k >= 0 && k < c)) return null;
    w[i] = r((keep ? 1 : 0) * (wt ? wt[keep ? k : 0]! : 1));
  }
  return { x, t, w, n, c };
}

/** Row i of the composite logSoftmax's intermediates: the max, e = exp(x − max) (into `e`), S = Σ e. */
function softmaxRow(x: TypedArray, i: number, c: number, e: Float64Array, r: (x: number) => number): { m: number; s: number } {
  let m = -Infinity;
  for (let j = 0; j < c; j++) if (x[i * c + j]! > m) m = x[i * c + j]!;
  let acc = 0;
  for (let j = 0; j < c; j++) {
    e[j] = r(Math.exp(r(x[i * c + j]! - m)));
    acc += e[j]!;
  }
  return { m, s: r(acc) };
}

export function crossEntropyLoss(input: TsView, target: TsView, args: CrossEntropyArgs<TsStorage>): TsStorage | null {
  const dtype = input.storage.dtype;
  const r = rounder(dtype);
  const rows = crossEntropyRows(input, target, args, r);
  if (rows === null) return null;
  const { x, t, w, n, c } = rows;
  const per = allocArray(dtype, n);
  const e = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const { m, s } = softmaxRow(x, i, c, e, r);
    const keep = t[i] !== args.ignoreIndex;
    const picked = keep ? r(r(x[i * c + t[i]!]! - m) - r(Math.log(s))) : 0;
    per[i] = -r(picked * w[i]!);
  }
  return reduced(per, dtype, args.reduction, total(w, r), r);
}

export function crossEntropyLossBackward(input: TsView, target: TsView, grad: TsView, args: CrossEntropyArgs<TsStorage>): TsStorage {
  const dtype = input.storage.dtype;
  const r = rounder(dtype);
  const rows = crossEntropyRows(input, target, args, r);
  if (rows === null) throw new Error("crossEntropyLossBackward: the inputs are outside crossEntropyLoss's domain.");
  const { x, t, w, n, c } = rows;
  const g = gatherView(grad);
  const scalar = args.reduction === "mean" ? r(g[0]! / total(w, r)) : g[0]!;
  const out = allocArray(dtype, sizeOf(input.shape));
  const e = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const keep = t[i] !== args.ignoreIndex;
    const gl = args.reduction === "none" ? g[i]! : scalar;
    // The composite's where() passes dy·0 to ignored targets (NaN stays NaN), then scatters into class 0.
    const p = keep ? r(-gl * w[i]!) : r(r(-gl * w[i]!) * 0);
    const { s } = softmaxRow(x, i, c, e, r);
    const q = r(r(0 + -p) / s);
    const at = keep ? t[i]! : 0;
    for (let j = 0; j < c; j++) out[i * c + j] = r((j === at ? r(0 + p) : 0) + r(q * e[j]!));
  }
  return new TsStorage(out, dtype);
}
