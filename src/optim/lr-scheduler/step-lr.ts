/** Piecewise-constant decay: StepLR (every `stepSize` epochs) and MultiStepLR (at given milestones). */
import { ValueError } from "../../errors.js";
import { LRScheduler, bisectRight, type SchedulableOptimizer } from "./lr-scheduler.js";

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs: `lr = initialLr · gamma^⌊epoch / stepSize⌋`.
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 * ```
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: SchedulableOptimizer, { stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }) {
    super("StepLR", optimizer);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new ValueError(`StepLR: stepSize must be a positive integer, got ${stepSize}.`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this._initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs;
    return this.groupLrs.map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies the lr by `gamma` at each milestone epoch (a milestone listed twice multiplies twice):
 * `lr = initialLr · gamma^(number of milestones ≤ epoch)`.
 * ```ts
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 * ```
 */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;
  constructor(optimizer: SchedulableOptimizer, { milestones, gamma = 0.1 }: { milestones: readonly number[]; gamma?: number }) {
    super("MultiStepLR", optimizer);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this._initialStep();
  }
  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groupLrs;
    return this.groupLrs.map((lr) => lr * this.gamma ** count);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** bisectRight(this.milestones, this.lastEpoch));
  }
}
