/**
 * Streaming metrics (Keras-style metric objects): state accumulated batch by batch during an epoch, so a fit
 * loop can report a metric over the whole epoch without keeping every prediction.
 *
 *   metric.update(batchPred, batchTarget)   // after each batch
 *   metric.result()                         // the value over everything since the last reset (NaN before any data)
 *   metric.reset()                          // at the start of each epoch
 *
 * Each subclass keeps sufficient statistics (counts, a confusion matrix, sums) and computes its result with
 * the same pure function as its one-shot counterpart, so the streamed value equals the one-shot value over
 * the concatenated batches.
 */
import type { Tensor } from "../tensor.js";

export abstract class Metric<R = number> {
  /** The key the metric is reported under (History, progress bar, CSV logs). */
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  /** Adds one batch: predictions and targets, as the one-shot function of this metric takes them. */
  abstract update(pred: Tensor, target: Tensor): void;
  /** The metric over everything seen since the last reset. */
  abstract result(): R;
  /** Forgets everything seen. */
  abstract reset(): void;
}
