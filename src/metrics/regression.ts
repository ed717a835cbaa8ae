/**
 * Regression metrics (scikit-learn's semantics): mean squared error, mean absolute error and R².
 * `pred` and `target` have the same shape: `[N]` (one output) or `[N, D]` (D outputs; more dimensions are
 * flattened into D). `multioutput` says how outputs combine: "uniformAverage" (default) or "rawValues"
 * (a float64 Tensor `[D]`); R² also takes "varianceWeighted".
 */
import { ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { checkNonEmpty, checkSameShape, readValues } from "./inputs.js";

export type MultiOutput = "uniformAverage" | "rawValues";

/** Values as `[N, D]`: `[N]` and `[N, 1]` have D = 1; `[N, a, b]` has D = a·b. */
export function readOutputs(op: string, pred: Tensor, target: Tensor): { p: ArrayLike<number>; t: ArrayLike<number>; N: number; D: number } {
  checkSameShape(op, pred, target);
  const N = target.ndim === 0 ? 1 : target.shape[0]!;
  const D = N === 0 ? Math.max(1, target.shape.slice(1).reduce((a, b) => a * b, 1)) : target.size / N;
  return { p: readValues(pred), t: readValues(target), N, D };
}

/** Σ over samples, per output, of `f(pred, target)`. */
function sumPerOutput(p: ArrayLike<number>, t: ArrayLike<number>, N: number, D: number, f: (p: number, t: number) => number): Float64Array {
  const s = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) s[d]! += f(p[i * D + d]!, t[i * D + d]!);
  return s;
}

/** Combines per-output values into a number or a float64 Tensor `[D]`. */
export function combineOutputs(op: string, values: Float64Array, multioutput: string, weights?: Float64Array): number | Tensor {
  const allowed = weights ? ["uniformAverage", "rawValues", "varianceWeighted"] : ["uniformAverage", "rawValues"];
  if (!allowed.includes(multioutput)) throw new ValueError(`${op}: multioutput must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got "${multioutput}".`);
  if (multioutput === "rawValues") return tensor(values, { shape: [values.length] });
  if (multioutput === "varianceWeighted" && weights) {
    const wSum = weights.reduce((a, b) => a + b, 0);
    // All targets constant: every weight is 0, so scikit-learn falls back to the plain mean.
    if (wSum > 0) return values.reduce((a, v, d) => a + v * weights[d]!, 0) / wSum;
  }
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Mean squared error `mean((pred − target)²)`.
 * ```ts
 * meanSquaredError(tensor([2.5, 0, 2, 8]), tensor([3, -0.5, 2, 7])); // 0.375
 * ```
 */
export function meanSquaredError(pred: Tensor, target: Tensor, opts: { multioutput: "rawValues" }): Tensor;
export function meanSquaredError(pred: Tensor, target: Tensor, opts?: { multioutput?: MultiOutput }): number;
export function meanSquaredError(pred: Tensor, target: Tensor, { multioutput = "uniformAverage" }: { multioutput?: MultiOutput } = {}): number | Tensor {
  const op = "meanSquaredError";
  const { p, t, N, D } = readOutputs(op, pred, target);
  checkNonEmpty(op, N);
  const s = sumPerOutput(p, t, N, D, (a, b) => (a - b) * (a - b)).map((x) => x / N);
  return combineOutputs(op, s, multioutput);
}

/**
 * Mean absolute error `mean(|pred − target|)`.
 * ```ts
 * meanAbsoluteError(tensor([2.5, 0, 2, 8]), tensor([3, -0.5, 2, 7])); // 0.5
 * ```
 */
export function meanAbsoluteError(pred: Tensor, target: Tensor, opts: { multioutput: "rawValues" }): Tensor;
export function meanAbsoluteError(pred: Tensor, target: Tensor, opts?: { multioutput?: MultiOutput }): number;
export function meanAbsoluteError(pred: Tensor, target: Tensor, { multioutput = "uniformAverage" }: { multioutput?: MultiOutput } = {}): number | Tensor {
  const op = "meanAbsoluteError";
  const { p, t, N, D } = readOutputs(op, pred, target);
  checkNonEmpty(op, N);
  const s = sumPerOutput(p, t, N, D, (a, b) => Math.abs(a - b)).map((x) => x / N);
  return combineOutputs(op, s, multioutput);
}

/**
 * Per-output R² from the residual sum of squares `ssRes` and the total sum of squares `ssTot` (pure).
 * scikit-learn's `force_finite` rule: a constant target (ssTot = 0) scores 1 if predicted exactly, else 0.
 */
export function r2FromSums(ssRes: Float64Array, ssTot: Float64Array): Float64Array {
  return ssRes.map((r, d) => (r === 0 ? 1 : ssTot[d] === 0 ? 0 : 1 - r / ssTot[d]!));
}

/**
 * Coefficient of determination `R² = 1 − Σ(target − pred)² / Σ(target − mean(target))²` per output
 * (1 is perfect, 0 is predicting the mean, negative is worse). NaN with fewer than two samples (as
 * scikit-learn, which also warns).
 * ```ts
 * r2Score(tensor([2.5, 0, 2, 8]), tensor([3, -0.5, 2, 7])); // 0.9486081370449679
 * ```
 */
export function r2Score(pred: Tensor, target: Tensor, opts: { multioutput: "rawValues" }): Tensor;
export function r2Score(pred: Tensor, target: Tensor, opts?: { multioutput?: MultiOutput | "varianceWeighted" }): number;
export function r2Score(pred: Tensor, target: Tensor, { multioutput = "uniformAverage" }: { multioutput?: MultiOutput | "varianceWeighted" } = {}): number | Tensor {
  const op = "r2Score";
  const { p, t, N, D } = readOutputs(op, pred, target);
  if (N < 2) {
    const nan = new Float64Array(D).fill(NaN);
    return multioutput === "rawValues" ? tensor(nan, { shape: [D] }) : NaN;
  }
  const mean = sumPerOutput(t, t, N, D, (a) => a).map((x) => x / N);
  const ssRes = sumPerOutput(p, t, N, D, (a, b) => (b - a) * (b - a));
  const ssTot = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) ssTot[d]! += (t[i * D + d]! - mean[d]!) ** 2;
  return combineOutputs(op, r2FromSums(ssRes, ssTot), multioutput, ssTot);
}
