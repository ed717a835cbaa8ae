/**
 * The confusion matrix: `cm[i][j]` counts samples of true class i predicted as class j (rows are the
 * truth, columns the prediction, as scikit-learn and torchmetrics). Precision, recall and F-scores are read
 * from it (precision-recall.ts), which is what lets the streaming metrics equal the one-shot ones exactly.
 */
import { IndexError, ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { toClassPairs } from "./inputs.js";

/** Counts as a row-major `K × K` array (pure; labels must already be in `0..K-1`). */
export function confusionCounts(pred: ArrayLike<number>, target: ArrayLike<number>, K: number): Float64Array {
  const cm = new Float64Array(K * K);
  for (let i = 0; i < pred.length; i++) cm[target[i]! * K + pred[i]!]! += 1;
  return cm;
}

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /** Number of classes K (the matrix is K × K). Default: C for scores `[..., C]`, else 1 + the largest label seen. */
  numClasses?: number;
  /** Probabilities with the target's shape are class 1 when `pred > threshold`. Default 0.5. */
  threshold?: number;
}

/**
 * Confusion matrix `[K, K]` (int32): entry `[i, j]` counts samples whose true class is i and predicted class
 * is j. `pred` is labels, probabilities (binary) or scores `[..., C]`; see metrics/inputs.ts.
 * Unlike scikit-learn, classes absent from both sides keep their (zero) row and column, so the index is the label.
 * ```ts
 * const pred = tensor([0, 2, 1, 2], { dtype: "int32" });
 * const target = tensor([0, 1, 1, 2], { dtype: "int32" });
 * confusionMatrix(pred, target).toArray(); // [[1,0,0],[0,1,1],[0,0,1]]
 * ```
 */
export function confusionMatrix(pred: Tensor, target: Tensor, { numClasses, threshold = 0.5 }: ConfusionMatrixOptions = {}): Tensor {
  const op = "confusionMatrix";
  const pairs = toClassPairs(op, pred, target, threshold);
  let K = numClasses ?? pairs.numClasses;
  if (K === undefined) {
    K = 0;
    for (let i = 0; i < pairs.pred.length; i++) K = Math.max(K, pairs.pred[i]! + 1, pairs.target[i]! + 1);
  } else if (!Number.isInteger(K) || K < 1) {
    throw new ValueError(`${op}: numClasses must be a positive integer, got ${K}.`);
  }
  checkLabelRange(op, pairs.pred, pairs.target, K);
  return tensor(Int32Array.from(confusionCounts(pairs.pred, pairs.target, K)), { shape: [K, K] });
}

/** Throws an IndexError naming the first label outside `0..K-1`. */
export function checkLabelRange(op: string, pred: Int32Array, target: Int32Array, K: number): void {
  for (const [name, arr] of [["pred", pred], ["target", target]] as const) {
    const i = arr.findIndex((x) => x >= K);
    if (i >= 0) {
      throw new IndexError(`${op}: ${name} has label ${arr[i]} at element ${i}, out of range for numClasses = ${K} (0..${K - 1}). Raise numClasses or check the labels.`);
    }
  }
}
