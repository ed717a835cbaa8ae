/** LambdaLR: the lr is the initial lr times a user function of the epoch. */
import { ValueError } from "../../errors.js";
import { LRScheduler, plainFields, type SchedulableOptimizer } from "./lr-scheduler.js";

/**
 * `lr = initialLr · lrLambda(epoch)`, with one function for all groups or one per group.
 * ```ts
 * const warmup = new LambdaLR(opt, { lrLambda: (epoch) => Math.min(1, (epoch + 1) / 5) });
 * ```
 */
export class LambdaLR extends LRScheduler {
  lrLambdas: ((epoch: number) => number)[];
  constructor(optimizer: SchedulableOptimizer, { lrLambda }: { lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[] }) {
    super("LambdaLR", optimizer);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== n) throw new ValueError(`LambdaLR: expected ${n} lrLambda functions (one per parameter group), got ${lrLambda.length}.`);
      this.lrLambdas = [...lrLambda];
    } else if (typeof lrLambda === "function") {
      this.lrLambdas = new Array(n).fill(lrLambda);
    } else {
      throw new ValueError(`LambdaLR: lrLambda must be a function of the epoch (or one per group), got ${typeof lrLambda}.`);
    }
    this._initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }
  /** The counters only: functions are not data (recreate the scheduler with the same functions, then load). */
  override stateDict(): Record<string, unknown> {
    return plainFields(this, ["lrLambdas"]);
  }
}
