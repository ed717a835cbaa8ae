/** LinearLR: a linear ramp of the lr multiplier (warm-up or linear decay). */
import { ValueError } from "../../errors.js";
import { LRScheduler, type SchedulableOptimizer } from "./lr-scheduler.js";

/**
 * Scales the lr by a factor going linearly from `startFactor` to `endFactor` over `totalIters` epochs, then
 * keeps it: `lr = initialLr · (s + (e − s) · min(epoch, totalIters) / totalIters)`. A warm-up is
 * `{ startFactor: 0.1, totalIters: 5 }`.
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * ```
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(
    optimizer: SchedulableOptimizer,
    { startFactor = 1 / 3, endFactor = 1, totalIters = 5 }: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super("LinearLR", optimizer);
    if (!(startFactor > 0 && startFactor <= 1)) throw new ValueError(`LinearLR: startFactor must be in (0, 1], got ${startFactor}.`);
    if (!(endFactor >= 0 && endFactor <= 1)) throw new ValueError(`LinearLR: endFactor must be in [0, 1], got ${endFactor}.`);
    if (!Number.isInteger(totalIters) || totalIters < 1) throw new ValueError(`LinearLR: totalIters must be a positive integer, got ${totalIters}.`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this._initialStep();
  }
  protected getLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    if (this.lastEpoch === 0) return this.groupLrs.map((lr) => lr * s);
    if (this.lastEpoch > n) return this.groupLrs;
    return this.groupLrs.map((lr) => lr * (1 + (e - s) / (n * s + (this.lastEpoch - 1) * (e - s))));
  }
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, this.lastEpoch)) / n));
  }
}
