/**
 * Streaming regression metrics (see metric.ts): per-output sums for MSE and MAE; for R², per-output count,
 * mean and sum of squared deviations merged batch by batch (Chan et al.'s parallel variance), which avoids
 * the cancellation of `Σy² − (Σy)²/n`.
 */
import { ShapeError, ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { Metric } from "./metric.js";
import { combineOutputs, r2FromSums, readOutputs, type MultiOutput } from "./regression.js";

/** Base: remembers the number of outputs D of the first batch. */
abstract class OutputsMetric extends Metric {
  protected D = 0;
  protected n = 0;
  constructor(name: string, protected readonly multioutput: string, allowed: string[]) {
    super(name);
    if (!allowed.includes(multioutput)) throw new ValueError(`${name}: multioutput must be ${allowed.map((a) => `"${a}"`).join(" or ")}, got "${multioutput}".`);
  }
  protected read(op: string, pred: Tensor, target: Tensor) {
    const r = readOutputs(op, pred, target);
    if (this.n > 0 && r.D !== this.D) throw new ShapeError(`${op}: this batch has ${r.D} outputs per sample, earlier batches had ${this.D}.`);
    if (this.n === 0) this.init(r.D);
    this.n += r.N;
    return r;
  }
  protected abstract init(D: number): void;
  /** One number per metric: "rawValues" is for the one-shot functions. */
  protected combine(values: Float64Array, weights?: Float64Array): number {
    return combineOutputs(this.name, values, this.multioutput, weights) as number;
  }
  reset(): void {
    this.n = 0;
    this.D = 0;
  }
}

/** Streaming mean of `f(pred − target)` per output. */
class MeanErrorMetric extends OutputsMetric {
  private sums = new Float64Array(0);
  constructor(name: string, multioutput: MultiOutput, private readonly f: (e: number) => number) {
    super(name, multioutput, ["uniformAverage"]);
  }
  protected init(D: number): void {
    this.D = D;
    this.sums = new Float64Array(D);
  }
  update(pred: Tensor, target: Tensor): void {
    const { p, t, N, D } = this.read(`${this.constructor.name}.update`, pred, target);
    for (let i = 0; i < N; i++) for (let d = 0; d < D; d++) this.sums[d]! += this.f(p[i * D + d]! - t[i * D + d]!);
  }
  result(): number {
    return this.n === 0 ? NaN : this.combine(this.sums.map((s) => s / this.n));
  }
}

/** Streaming {@link meanSquaredError} (averaged over outputs). */
export class MeanSquaredError extends MeanErrorMetric {
  constructor({ name = "mse" }: { name?: string } = {}) {
    super(name, "uniformAverage", (e) => e * e);
  }
}

/** Streaming {@link meanAbsoluteError} (averaged over outputs). */
export class MeanAbsoluteError extends MeanErrorMetric {
  constructor({ name = "mae" }: { name?: string } = {}) {
    super(name, "uniformAverage", Math.abs);
  }
}

/**
 * Streaming {@link r2Score}; `multioutput` "uniformAverage" (default) or "varianceWeighted".
 * ```ts
 * const r2 = new R2Score();
 * r2.update(tensor([2.5, 0]), tensor([3, -0.5]));
 * r2.update(tensor([2, 8]), tensor([2, 7]));
 * console.log(r2.result()); // 0.9486081370449679
 * ```
 */
export class R2Score extends OutputsMetric {
  private mean = new Float64Array(0);
  private m2 = new Float64Array(0);
  private ssRes = new Float64Array(0);
  constructor({ multioutput = "uniformAverage", name = "r2" }: { multioutput?: "uniformAverage" | "varianceWeighted"; name?: string } = {}) {
    super(name, multioutput, ["uniformAverage", "varianceWeighted"]);
  }
  protected init(D: number): void {
    this.D = D;
    this.mean = new Float64Array(D);
    this.m2 = new Float64Array(D);
    this.ssRes = new Float64Array(D);
  }
  update(pred: Tensor, target: Tensor): void {
    const nA = this.n;
    const { p, t, N, D } = this.read("R2Score.update", pred, target);
    if (N === 0) return;
    for (let d = 0; d < D; d++) {
      let mB = 0;
      for (let i = 0; i < N; i++) mB += t[i * D + d]!;
      mB /= N;
      let m2B = 0;
      for (let i = 0; i < N; i++) {
        m2B += (t[i * D + d]! - mB) ** 2;
        this.ssRes[d]! += (t[i * D + d]! - p[i * D + d]!) ** 2;
      }
      const delta = mB - this.mean[d]!;
      const n = nA + N;
      this.m2[d] = this.m2[d]! + m2B + (delta * delta * nA * N) / n;
      this.mean[d] = this.mean[d]! + (delta * N) / n;
    }
  }
  result(): number {
    if (this.n < 2) return NaN;
    return this.combine(r2FromSums(this.ssRes, this.m2), this.m2);
  }
}
