/**
 * Area under the ROC curve. For one binary problem it is the probability that a random positive scores
 * above a random negative, ties counting one half (the Mann–Whitney U statistic):
 *
 *   AUC = (Σ rank(positive) − P(P+1)/2) / (P · N)      with average ranks for tied scores,
 *
 * which equals the trapezoidal area under scikit-learn's ROC curve exactly, ties included.
 */
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { argmaxRows, readLabels, readValues, sameShapeUpToTrailingOne } from "./inputs.js";

/**
 * Binary AUC of scores against 0/1 labels (pure; plain arrays). Throws when only one class is present,
 * where the AUC is undefined (as scikit-learn).
 */
export function binaryAuc(scores: ArrayLike<number>, labels: ArrayLike<number>, op = "rocAuc", what = "target"): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1; // ranks are 1-based; a tie group shares the mean of its ranks
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        pos++;
        rankSum += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) {
    throw new ValueError(`${op}: only one class is present in ${what} (${pos === 0 ? "no positives" : "no negatives"} among ${n} samples); ROC AUC is not defined in that case.`);
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Options of {@link rocAuc}. */
export interface RocAucOptions {
  /** Multiclass only (one-vs-rest): "macro" (default) averages the per-class AUCs, "weighted" weights them by class frequency. */
  average?: "macro" | "weighted";
}

/**
 * ROC AUC (scikit-learn's `roc_auc_score`, arguments as `(pred, target)`).
 * - Binary: `pred` is scores or probabilities of class 1, shape `[N]` or `[N, 1]` (or `[N, 2]`: column 1 is
 *   used), `target` 0/1 labels `[N]`.
 * - Multiclass, one-vs-rest: `pred` is `[N, C]` (pass probabilities to match scikit-learn; it requires rows that
 *   sum to 1), `target` int labels `[N]` or one-hot `[N, C]`; every class needs positives and negatives.
 * Scores must not be NaN.
 * ```ts
 * rocAuc(tensor([0.1, 0.4, 0.35, 0.8]), tensor([0, 0, 1, 1])); // 0.75
 * ```
 */
export function rocAuc(pred: Tensor, target: Tensor, { average = "macro" }: RocAucOptions = {}): number {
  const op = "rocAuc";
  if (average !== "macro" && average !== "weighted") throw new ValueError(`${op}: average must be "macro" or "weighted", got "${average}".`);
  const s = readValues(pred);
  for (let i = 0; i < s.length; i++) if (Number.isNaN(s[i]!)) throw new ValueError(`${op}: pred has NaN at element ${i}.`);
  const C = pred.shape[pred.ndim - 1] ?? 1;
  const isTwoDim = pred.ndim === 2 && C > 1;
  if (!isTwoDim) {
    if (!sameShapeUpToTrailingOne(pred.shape, target.shape) || pred.ndim > 2) {
      throw new ShapeError(`${op}: binary scores must be [N] or [N,1] with target [N]; got pred ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)}.`);
    }
    return binaryAuc(s, checkBinary(op, readLabels(op, "target", target)), op);
  }
  const N = pred.shape[0]!;
  let labels: Int32Array;
  if (target.ndim === 1 && target.shape[0] === N) labels = readLabels(op, "target", target, C);
  else if (target.ndim === 2 && target.shape[0] === N && target.shape[1] === C) labels = argmaxRows(readValues(target), N, C);
  else {
    throw new ShapeError(`${op}: pred has shape ${fmtShape(pred.shape)}, so target must be labels [${N}] or one-hot [${N},${C}]; got ${fmtShape(target.shape)}.`);
  }
  if (C === 2) {
    // Two columns: the binary AUC of the class-1 column, as scikit-learn does for binary targets.
    return binaryAuc(Float64Array.from({ length: N }, (_, i) => s[i * 2 + 1]!), labels, op);
  }
  let total = 0;
  let weightSum = 0;
  for (let c = 0; c < C; c++) {
    const col = Float64Array.from({ length: N }, (_, i) => s[i * C + c]!);
    const isC = Uint8Array.from(labels, (l) => (l === c ? 1 : 0));
    const w = average === "weighted" ? isC.reduce((a, b) => a + b, 0) : 1;
    total += w * binaryAuc(col, isC, op, `target for class ${c} (one-vs-rest)`);
    weightSum += w;
  }
  return total / weightSum;
}

function checkBinary(op: string, labels: Int32Array): Int32Array {
  const i = labels.findIndex((x) => x > 1);
  if (i >= 0) {
    throw new ValueError(`${op}: target has label ${labels[i]} at element ${i}, but pred is one score per sample (binary). For multiclass pass scores [N, C].`);
  }
  return labels;
}
