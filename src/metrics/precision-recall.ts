/**
 * Precision, recall and F-scores with scikit-learn 1.2's averaging and zero-division rules, computed from a
 * confusion matrix. For a class l with tp true positives:
 *
 *   precision = tp / (predicted as l),   recall = tp / (truly l),   F_β = (1 + β²) P R / (β² P + R)
 *
 * A 0/0 precision or recall becomes `zeroDivision` (0 or 1; scikit-learn's default "warn" also gives 0),
 * and F is 0 when `β² P + R = 0`.
 */
import { ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { checkNonEmpty, toClassPairs } from "./inputs.js";
import { confusionCounts } from "./confusion-matrix.js";

/**
 * How per-class scores combine: "binary" (class `posLabel` only; the data must have at most 2 classes),
 * "micro" (pool the counts of all classes), "macro" (unweighted mean over classes), "weighted" (mean weighted
 * by each class's number of true samples), "none" (per-class scores as a float64 Tensor).
 */
export type Average = "binary" | "micro" | "macro" | "weighted" | "none";

/** Options of {@link precision}, {@link recall}, {@link f1Score} and {@link fbetaScore}. */
export interface PrfOptions {
  /** Default "binary", as scikit-learn. Multiclass data needs "micro", "macro", "weighted" or "none". */
  average?: Average;
  /** The positive class for average "binary". Default 1. */
  posLabel?: number;
  /** Classes to score (and their order for "none"). Default: every label present in pred or target, sorted. */
  labels?: readonly number[];
  /** Value of a 0/0 precision or recall: 0 (default, scikit-learn's "warn") or 1. */
  zeroDivision?: 0 | 1;
  /** Probabilities with the target's shape are class 1 when `pred > threshold`. Default 0.5. */
  threshold?: number;
}

/** Precision, recall and F_β, each a number (averaged) or per-class array ("none"). */
export interface PrfResult {
  precision: number | Float64Array;
  recall: number | Float64Array;
  fscore: number | Float64Array;
}

/**
 * The pure computation: precision, recall and F_β from a row-major `K × K` confusion matrix (rows = truth).
 * Follows scikit-learn 1.2's `precision_recall_fscore_support`, including its "weighted" corner cases.
 */
export function prfFromConfusion(cm: ArrayLike<number>, K: number, beta: number, opts: PrfOptions = {}, op = "precision"): PrfResult {
  const { average = "binary", posLabel = 1, labels, zeroDivision = 0 } = opts;
  if (!["binary", "micro", "macro", "weighted", "none"].includes(average)) {
    throw new ValueError(`${op}: unknown average "${average}"; use "binary", "micro", "macro", "weighted" or "none".`);
  }
  if (zeroDivision !== 0 && zeroDivision !== 1) throw new ValueError(`${op}: zeroDivision must be 0 or 1, got ${zeroDivision}.`);
  const tpOf = (l: number) => (l < K ? cm[l * K + l]! : 0);
  const rowSum = (l: number) => { let s = 0; if (l < K) for (let j = 0; j < K; j++) s += cm[l * K + j]!; return s; };
  const colSum = (l: number) => { let s = 0; if (l < K) for (let i = 0; i < K; i++) s += cm[i * K + l]!; return s; };
  const present: number[] = [];
  for (let l = 0; l < K; l++) if (rowSum(l) + colSum(l) > 0) present.push(l);

  let selected: number[];
  if (average === "binary") {
    if (present.length > 2) {
      throw new ValueError(
        `${op}: the data has ${present.length} classes (${present.join(", ")}), but average is "binary". ` +
          `Pass { average: "macro" } (or "micro", "weighted", "none") for multiclass data.`,
      );
    }
    if (present.length === 2 && !present.includes(posLabel)) {
      throw new ValueError(`${op}: posLabel ${posLabel} is not one of the classes present (${present.join(", ")}); pass { posLabel }.`);
    }
    selected = [posLabel];
  } else {
    selected = labels ? [...labels] : present;
    const bad = selected.find((l) => !Number.isInteger(l) || l < 0);
    if (bad !== undefined) throw new ValueError(`${op}: labels must be non-negative integers, got ${bad}.`);
  }
  let tp = selected.map(tpOf);
  let predSum = selected.map(colSum);
  let trueSum = selected.map(rowSum);
  if (average === "micro") {
    const total = (a: number[]) => [a.reduce((s, x) => s + x, 0)];
    [tp, predSum, trueSum] = [total(tp), total(predSum), total(trueSum)];
  }
  const b2 = beta * beta;
  const P = tp.map((t, i) => (predSum[i]! > 0 ? t / predSum[i]! : zeroDivision));
  const R = tp.map((t, i) => (trueSum[i]! > 0 ? t / trueSum[i]! : zeroDivision));
  const F = P.map((p, i) => {
    const denom = b2 * p + R[i]!;
    return denom === 0 ? 0 : ((1 + b2) * p * R[i]!) / denom;
  });
  if (average === "none") return { precision: Float64Array.from(P), recall: Float64Array.from(R), fscore: Float64Array.from(F) };
  if (average === "weighted") {
    const wSum = trueSum.reduce((s, x) => s + x, 0);
    if (wSum === 0) {
      // No true samples of any selected class: scikit-learn returns zeroDivision, or 0 for P and F when
      // something was predicted.
      const any = predSum.reduce((s, x) => s + x, 0) > 0;
      return { precision: any ? 0 : zeroDivision, recall: zeroDivision, fscore: any ? 0 : zeroDivision };
    }
    const wavg = (a: number[]) => a.reduce((s, x, i) => s + x * trueSum[i]!, 0) / wSum;
    return { precision: wavg(P), recall: wavg(R), fscore: wavg(F) };
  }
  const mean = (a: number[]) => (a.length === 0 ? NaN : a.reduce((s, x) => s + x, 0) / a.length);
  return { precision: mean(P), recall: mean(R), fscore: mean(F) };
}

/** Confusion counts of a (pred, target) pair, sized to hold every label seen. */
export function confusionOf(op: string, pred: Tensor, target: Tensor, threshold = 0.5): { cm: Float64Array; K: number } {
  const pairs = toClassPairs(op, pred, target, threshold);
  checkNonEmpty(op, pairs.pred.length);
  let K = pairs.numClasses ?? 0;
  for (let i = 0; i < pairs.pred.length; i++) K = Math.max(K, pairs.pred[i]! + 1, pairs.target[i]! + 1);
  return { cm: confusionCounts(pairs.pred, pairs.target, K), K };
}

const wrap = (v: number | Float64Array): number | Tensor => (typeof v === "number" ? v : tensor(v, { shape: [v.length] }));

function score(op: string, which: keyof PrfResult, beta: number, pred: Tensor, target: Tensor, opts: PrfOptions): number | Tensor {
  const { cm, K } = confusionOf(op, pred, target, opts.threshold);
  return wrap(prfFromConfusion(cm, K, beta, opts, op)[which]);
}

/**
 * Precision `tp / (tp + fp)`: of the samples predicted as a class, the fraction that are. scikit-learn's
 * `precision_score` with arguments swapped to `(pred, target)`.
 * ```ts
 * const pred = tensor([1, 1, 0, 1], { dtype: "int32" });
 * const target = tensor([1, 0, 0, 1], { dtype: "int32" });
 * precision(pred, target); // 0.6666666666666666
 * ```
 */
export function precision(pred: Tensor, target: Tensor, opts: PrfOptions & { average: "none" }): Tensor;
export function precision(pred: Tensor, target: Tensor, opts?: PrfOptions): number;
export function precision(pred: Tensor, target: Tensor, opts: PrfOptions = {}): number | Tensor {
  return score("precision", "precision", 1, pred, target, opts);
}

/**
 * Recall `tp / (tp + fn)`: of the samples of a class, the fraction found. scikit-learn's `recall_score`.
 * ```ts
 * const pred = tensor([0, 2, 1, 2], { dtype: "int32" });
 * const target = tensor([0, 1, 1, 2], { dtype: "int32" });
 * recall(pred, target, { average: "macro" }); // 0.8333333333333334
 * ```
 */
export function recall(pred: Tensor, target: Tensor, opts: PrfOptions & { average: "none" }): Tensor;
export function recall(pred: Tensor, target: Tensor, opts?: PrfOptions): number;
export function recall(pred: Tensor, target: Tensor, opts: PrfOptions = {}): number | Tensor {
  return score("recall", "recall", 1, pred, target, opts);
}

/**
 * F1 score, the harmonic mean `2 P R / (P + R)` per class, then averaged. scikit-learn's `f1_score`.
 * ```ts
 * const pred = tensor([1, 1, 0, 1], { dtype: "int32" });
 * const target = tensor([1, 0, 0, 1], { dtype: "int32" });
 * f1Score(pred, target); // 0.8
 * ```
 */
export function f1Score(pred: Tensor, target: Tensor, opts: PrfOptions & { average: "none" }): Tensor;
export function f1Score(pred: Tensor, target: Tensor, opts?: PrfOptions): number;
export function f1Score(pred: Tensor, target: Tensor, opts: PrfOptions = {}): number | Tensor {
  return score("f1Score", "fscore", 1, pred, target, opts);
}

/**
 * F_β score `(1 + β²) P R / (β² P + R)`: recall counts β times as much as precision. scikit-learn's `fbeta_score`.
 * ```ts
 * const pred = tensor([1, 1, 0, 1], { dtype: "int32" });
 * const target = tensor([1, 0, 0, 1], { dtype: "int32" });
 * fbetaScore(pred, target, 2); // 0.9090909090909091
 * ```
 */
export function fbetaScore(pred: Tensor, target: Tensor, beta: number, opts: PrfOptions & { average: "none" }): Tensor;
export function fbetaScore(pred: Tensor, target: Tensor, beta: number, opts?: PrfOptions): number;
export function fbetaScore(pred: Tensor, target: Tensor, beta: number, opts: PrfOptions = {}): number | Tensor {
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new ValueError(`fbetaScore: beta must be a finite number ≥ 0, got ${beta}.`);
  return score("fbetaScore", "fscore", beta, pred, target, opts);
}
