/** A running (weighted) mean, e.g. of the loss over an epoch's batches. */
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import type { Tensor } from "../tensor.js";

/**
 * Running weighted mean `Σ wᵢ xᵢ / Σ wᵢ` of every value passed to `update` since the last `reset` (Keras
 * `Mean`). NaN before any update.
 * ```ts
 * const m = new Mean("loss");
 * m.update(tensor([1, 2, 3]));   // three values of weight 1
 * m.update(10, 2);               // one value of weight 2
 * console.log(m.result());       // (1 + 2 + 3 + 20) / 5 = 5.2
 * ```
 */
export class Mean {
  readonly name: string;
  private total = 0;
  private count = 0;

  constructor(name = "mean") {
    this.name = name;
  }

  /**
   * Adds values (a number or every element of a Tensor) with a weight: one number for all of them (default
   * 1), or a Tensor of the values' shape. A batch-mean loss updated with `weight = batchSize` gives the mean
   * over samples even when the last batch is smaller.
   */
  update(values: Tensor | number, weight: Tensor | number = 1): void {
    const v = typeof values === "number" ? [values] : values.dataSync();
    if (typeof weight === "number") {
      if (!(weight >= 0)) throw new ValueError(`Mean.update: weight must be ≥ 0, got ${weight}.`);
      let t = 0;
      for (let i = 0; i < v.length; i++) t += v[i]!;
      this.total += weight * t;
      this.count += weight * v.length;
      return;
    }
    if (typeof values === "number" ? weight.size !== 1 : weight.shape.join() !== values.shape.join()) {
      throw new ShapeError(`Mean.update: weight has shape ${fmtShape(weight.shape)}, but values have shape ${typeof values === "number" ? "[]" : fmtShape(values.shape)}; pass a number or a Tensor of the same shape.`);
    }
    const w = weight.dataSync();
    for (let i = 0; i < v.length; i++) {
      this.total += w[i]! * v[i]!;
      this.count += w[i]!;
    }
  }

  /** The weighted mean so far; NaN when nothing (or only zero weight) was added. */
  result(): number {
    return this.count === 0 ? NaN : this.total / this.count;
  }

  reset(): void {
    this.total = 0;
    this.count = 0;
  }
}
