/** Streaming accuracies: correct and total counts accumulated over batches (see metric.ts). */
import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import {
  accuracyCounts, binaryAccuracyCounts, categoricalAccuracyCounts, topKAccuracyCounts, type Counts,
} from "./accuracy.js";
import { Metric } from "./metric.js";

/** Base of the accuracies: `result() = correct / total`. */
abstract class CountingMetric extends Metric {
  private correct = 0;
  private total = 0;
  protected abstract counts(pred: Tensor, target: Tensor): Counts;
  update(pred: Tensor, target: Tensor): void {
    const c = this.counts(pred, target);
    this.correct += c.correct;
    this.total += c.total;
  }
  result(): number {
    return this.total === 0 ? NaN : this.correct / this.total;
  }
  reset(): void {
    this.correct = 0;
    this.total = 0;
  }
}

/**
 * Streaming {@link accuracy}: reads the kind of prediction from the shapes (scores → categorical,
 * probabilities → binary, labels → exact match). Keras' `"accuracy"`.
 * ```ts
 * const acc = new Accuracy();
 * acc.update(tensor([[0.2, 0.8], [0.9, 0.1]]), tensor([1, 1], { dtype: "int32" }));
 * acc.update(tensor([[0.3, 0.7]]), tensor([1], { dtype: "int32" }));
 * console.log(acc.result()); // 0.6666666666666666
 * ```
 */
export class Accuracy extends CountingMetric {
  readonly threshold: number;
  constructor({ threshold = 0.5, name = "accuracy" }: { threshold?: number; name?: string } = {}) {
    super(name);
    this.threshold = threshold;
  }
  protected counts(pred: Tensor, target: Tensor): Counts {
    return accuracyCounts(pred, target, { threshold: this.threshold }, "Accuracy.update");
  }
}

/** Streaming {@link binaryAccuracy} (`pred > threshold` against 0/1 targets). */
export class BinaryAccuracy extends CountingMetric {
  readonly threshold: number;
  constructor({ threshold = 0.5, name = "binaryAccuracy" }: { threshold?: number; name?: string } = {}) {
    super(name);
    this.threshold = threshold;
  }
  protected counts(pred: Tensor, target: Tensor): Counts {
    return binaryAccuracyCounts(pred, target, { threshold: this.threshold }, "BinaryAccuracy.update");
  }
}

/** Streaming {@link categoricalAccuracy} (argmax of scores against labels or one-hot). */
export class CategoricalAccuracy extends CountingMetric {
  constructor({ name = "categoricalAccuracy" }: { name?: string } = {}) {
    super(name);
  }
  protected counts(pred: Tensor, target: Tensor): Counts {
    return categoricalAccuracyCounts(pred, target, "CategoricalAccuracy.update");
  }
}

/** Streaming {@link topKAccuracy}; `k` defaults to 5 as Keras' `TopKCategoricalAccuracy`. */
export class TopKAccuracy extends CountingMetric {
  readonly k: number;
  constructor({ k = 5, name = "topKAccuracy" }: { k?: number; name?: string } = {}) {
    super(name);
    if (!Number.isInteger(k) || k < 1) throw new ValueError(`TopKAccuracy: k must be a positive integer, got ${k}.`);
    this.k = k;
  }
  protected counts(pred: Tensor, target: Tensor): Counts {
    return topKAccuracyCounts(pred, target, this.k, "TopKAccuracy.update");
  }
}
