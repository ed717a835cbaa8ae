/** Smooth decays: ExponentialLR (`gamma` per epoch) and InverseScalingLR (scikit-learn's "invscaling"). */
import { checkNumber } from "../optimizer.js";
import { LRScheduler, type SchedulableOptimizer } from "./lr-scheduler.js";

/**
 * Multiplies the lr by `gamma` every epoch: `lr = initialLr · gamma^epoch`.
 * ```ts
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * ```
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: SchedulableOptimizer, { gamma }: { gamma: number }) {
    super("ExponentialLR", optimizer);
    this.gamma = gamma;
    this._initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs;
    return this.groupLrs.map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/**
 * scikit-learn's inverse scaling ("invscaling"): `lr = initialLr / (t + 1)^powerT` with `t = epoch · tPerStep`,
 * where epoch counts the `step()` calls (0 after construction, so training starts at initialLr).
 *
 * How t counts: scikit-learn's MLP calls its schedule once per epoch with t = the number of training samples
 * seen so far, so to reproduce it, step once per epoch with `tPerStep` = the number of training samples.
 * With the default `tPerStep` 1, t is simply the number of steps.
 * ```ts
 * const sched = new InverseScalingLR(opt, { powerT: 0.5, tPerStep: xTrain.shape[0] });
 * for (let epoch = 0; epoch < 200; epoch++) { trainOneEpoch(); sched.step(); }
 * ```
 */
export class InverseScalingLR extends LRScheduler {
  powerT: number;
  tPerStep: number;
  constructor(optimizer: SchedulableOptimizer, { powerT = 0.5, tPerStep = 1 }: { powerT?: number; tPerStep?: number } = {}) {
    super("InverseScalingLR", optimizer);
    checkNumber("InverseScalingLR", "powerT", powerT);
    checkNumber("InverseScalingLR", "tPerStep", tPerStep);
    this.powerT = powerT;
    this.tPerStep = tPerStep;
    this._initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b) => b / (this.lastEpoch * this.tPerStep + 1) ** this.powerT);
  }
}
