/** Cosine annealing (SGDR, Loshchilov & Hutter): CosineAnnealingLR and CosineAnnealingWarmRestarts. */
import { ValueError } from "../../errors.js";
import { LRScheduler, type SchedulableOptimizer } from "./lr-scheduler.js";

/**
 * Anneals the lr from initialLr to `etaMin` along half a cosine over `tMax` epochs:
 * `lr = etaMin + (initialLr − etaMin)(1 + cos(π·epoch/tMax))/2` (computed recursively, as PyTorch, so other
 * changes to the lr carry over; past tMax it climbs back up).
 * ```ts
 * const sched = new CosineAnnealingLR(opt, { tMax: 50, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: SchedulableOptimizer, { tMax, etaMin = 0 }: { tMax: number; etaMin?: number }) {
    super("CosineAnnealingLR", optimizer);
    if (!(tMax > 0)) throw new ValueError(`CosineAnnealingLR: tMax must be > 0, got ${tMax}.`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this._initialStep();
  }
  protected getLr(): number[] {
    const { tMax, etaMin, lastEpoch: e } = this;
    if (e === 0) return this.groupLrs;
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      return this.groupLrs.map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    return this.groupLrs.map((lr) => ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (lr - etaMin) + etaMin);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}

/**
 * Cosine annealing with warm restarts: the cosine runs over `t0` epochs, then restarts at initialLr with a
 * period multiplied by `tMult`: `lr = etaMin + (initialLr − etaMin)(1 + cos(π·tCur/tI))/2`.
 * ```ts
 * const sched = new CosineAnnealingWarmRestarts(opt, { t0: 10, tMult: 2 });
 * ```
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  t0: number;
  tMult: number;
  etaMin: number;
  /** The current period. */
  tI: number;
  /** Epochs since the last restart. */
  tCur: number;
  constructor(optimizer: SchedulableOptimizer, { t0, tMult = 1, etaMin = 0 }: { t0: number; tMult?: number; etaMin?: number }) {
    super("CosineAnnealingWarmRestarts", optimizer);
    if (!Number.isInteger(t0) || t0 <= 0) throw new ValueError(`CosineAnnealingWarmRestarts: t0 must be a positive integer, got ${t0}.`);
    if (!Number.isInteger(tMult) || tMult < 1) throw new ValueError(`CosineAnnealingWarmRestarts: tMult must be an integer ≥ 1, got ${tMult}.`);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = -1;
    this._initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  /**
   * Advances one epoch (or, with `epoch`, jumps there; fractional epochs allow per-batch steps:
   * `sched.step(epoch + i / itersPerEpoch)`).
   */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        this.tCur = this.tCur - this.tI;
        this.tI = this.tI * this.tMult;
      }
    } else {
      if (epoch < 0) throw new ValueError(`CosineAnnealingWarmRestarts.step: epoch must be ≥ 0, got ${epoch}.`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = epoch % this.t0;
        } else {
          const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.stepCount++;
    this.lastEpoch = Math.floor(epoch);
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]!));
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }
}
