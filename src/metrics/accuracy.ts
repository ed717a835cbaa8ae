/**
 * Accuracy: the fraction of samples whose predicted class is the true one. One-shot functions over whole
 * tensors; the streaming classes in accuracy-metrics.ts accumulate the same counts batch by batch.
 */
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { argmaxRows, checkNonEmpty, checkSameShape, readLabels, readValues, toClassPairs } from "./inputs.js";

/** Correct predictions out of a total; `correct / total` is the accuracy. */
export interface Counts {
  correct: number;
  total: number;
}

const ratio = (op: string, c: Counts): number => {
  checkNonEmpty(op, c.total);
  return c.correct / c.total;
};

/** The counts behind {@link binaryAccuracy}. */
export function binaryAccuracyCounts(pred: Tensor, target: Tensor, { threshold = 0.5 } = {}, op = "binaryAccuracy"): Counts {
  checkSameShape(op, pred, target);
  const t = readLabels(op, "target", target);
  const p = readValues(pred);
  let correct = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i]! > 1) {
      throw new ValueError(`${op}: target must hold 0/1 labels, but element ${i} is ${t[i]}. For multiclass labels use categoricalAccuracy.`);
    }
    if ((p[i]! > threshold ? 1 : 0) === t[i]) correct++;
  }
  return { correct, total: t.length };
}

/**
 * Binary accuracy (Keras `binary_accuracy`): `mean(1[pred > threshold] == target)` over all elements.
 * `pred` holds probabilities (or, with `threshold: 0`, logits); `target` holds 0/1 labels of the same shape.
 * Multi-label outputs `[N, L]` count every label.
 * ```ts
 * binaryAccuracy(tensor([0.9, 0.2, 0.6, 0.4]), tensor([1, 0, 0, 0])); // 0.75
 * binaryAccuracy(tensor([2.1, -0.3]), tensor([1, 0]), { threshold: 0 }); // 1 (logits)
 * ```
 */
export function binaryAccuracy(pred: Tensor, target: Tensor, opts: { threshold?: number } = {}): number {
  return ratio("binaryAccuracy", binaryAccuracyCounts(pred, target, opts));
}

/** The true class of each row: labels `[...]`, or the argmax of one-hot targets `[..., C]`. */
function trueClasses(op: string, pred: Tensor, target: Tensor): { scores: ArrayLike<number>; rows: number; C: number; labels: Int32Array } {
  const C = pred.shape[pred.ndim - 1] ?? 0;
  if (pred.ndim >= 1 && pred.ndim === target.ndim + 1 && pred.shape.slice(0, -1).every((d, i) => d === target.shape[i])) {
    return { scores: readValues(pred), rows: target.size, C, labels: readLabels(op, "target", target, C) };
  }
  if (pred.ndim >= 1 && pred.shape.length === target.shape.length && pred.shape.every((d, i) => d === target.shape[i])) {
    const rows = C === 0 ? 0 : pred.size / C;
    return { scores: readValues(pred), rows, C, labels: argmaxRows(readValues(target), rows, C) };
  }
  throw new ShapeError(
    `${op}: pred has shape ${fmtShape(pred.shape)} (scores [..., C]) but target has shape ${fmtShape(target.shape)}; ` +
      `target must be labels of shape ${fmtShape(pred.shape.slice(0, -1))} or one-hot of shape ${fmtShape(pred.shape)}.`,
  );
}

/** The counts behind {@link categoricalAccuracy}. */
export function categoricalAccuracyCounts(pred: Tensor, target: Tensor, op = "categoricalAccuracy"): Counts {
  const { scores, rows, C, labels } = trueClasses(op, pred, target);
  const p = argmaxRows(scores, rows, C);
  let correct = 0;
  for (let i = 0; i < rows; i++) if (p[i] === labels[i]) correct++;
  return { correct, total: rows };
}

/**
 * Categorical accuracy: `mean(argmax(pred, -1) == label)`. `pred` is scores `[..., C]` (logits or
 * probabilities: the argmax is the same); `target` is int labels `[...]` or one-hot `[..., C]`.
 * Ties go to the first maximum, as NumPy and PyTorch.
 * ```ts
 * const logits = tensor([[2, 1, 0], [0, 3, 1], [1, 0, 4]]);
 * categoricalAccuracy(logits, tensor([0, 2, 2], { dtype: "int32" })); // 0.6666666666666666
 * ```
 */
export function categoricalAccuracy(pred: Tensor, target: Tensor): number {
  return ratio("categoricalAccuracy", categoricalAccuracyCounts(pred, target));
}

/** The counts behind {@link topKAccuracy}. */
export function topKAccuracyCounts(pred: Tensor, target: Tensor, k: number, op = "topKAccuracy"): Counts {
  if (!Number.isInteger(k) || k < 1) throw new ValueError(`${op}: k must be a positive integer, got ${k}.`);
  const { scores, rows, C, labels } = trueClasses(op, pred, target);
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const l = labels[r]!;
    const s = scores[r * C + l]!;
    // Rank of the true class in a stable descending sort that puts the larger index first among equal
    // scores, which is what scikit-learn's top_k_accuracy_score does (argsort(mergesort)[:, ::-1]).
    let rank = 0;
    for (let c = 0; c < C; c++) {
      const x = scores[r * C + c]!;
      if (x > s || (x === s && c > l)) rank++;
    }
    if (rank < k) correct++;
  }
  return { correct, total: rows };
}

/**
 * Top-k accuracy: the fraction of rows whose true class is among the k highest scores. Equal scores are
 * ordered as scikit-learn's `top_k_accuracy_score` orders them (the higher class index ranks first), so with a
 * tie for the maximum, k = 1 can differ from {@link categoricalAccuracy} (whose argmax takes the first).
 * ```ts
 * const scores = tensor([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]]);
 * topKAccuracy(scores, tensor([1, 0], { dtype: "int32" }), 2); // 0.5
 * ```
 */
export function topKAccuracy(pred: Tensor, target: Tensor, k: number): number {
  return ratio("topKAccuracy", topKAccuracyCounts(pred, target, k));
}

/** The counts behind {@link accuracy}. */
export function accuracyCounts(pred: Tensor, target: Tensor, { threshold = 0.5 } = {}, op = "accuracy"): Counts {
  const pairs = toClassPairs(op, pred, target, threshold);
  let correct = 0;
  for (let i = 0; i < pairs.pred.length; i++) if (pairs.pred[i] === pairs.target[i]) correct++;
  return { correct, total: pairs.pred.length };
}

/**
 * Accuracy that reads the kind of prediction from the shapes (what Keras' `"accuracy"` string does from the
 * loss): scores `[..., C]` against labels or one-hot → categorical; float probabilities with the target's
 * shape → binary with `threshold`; int32/bool labels against labels → exact match (scikit-learn's
 * `accuracy_score`). For multi-label 0/1 outputs `[N, L]` use {@link binaryAccuracy}.
 * ```ts
 * accuracy(tensor([[0.1, 0.9], [0.8, 0.2]]), tensor([1, 1], { dtype: "int32" })); // 0.5
 * accuracy(tensor([3, 1, 2], { dtype: "int32" }), tensor([3, 1, 0], { dtype: "int32" })); // 0.6666666666666666
 * ```
 */
export function accuracy(pred: Tensor, target: Tensor, opts: { threshold?: number } = {}): number {
  return ratio("accuracy", accuracyCounts(pred, target, opts));
}

