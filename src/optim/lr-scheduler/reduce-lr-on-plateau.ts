/** ReduceLROnPlateau: cut the lr when a watched metric stops improving. */
import { ValueError } from "../../errors.js";
import type { Tensor } from "../../tensor.js";
import { checkOptimizer, loadFields, perGroup, plainFields, type SchedulableOptimizer, type Scheduler } from "./lr-scheduler.js";

export interface ReduceLROnPlateauOptions {
  /** "min" (default: lower is better, e.g. a loss) or "max" (e.g. accuracy). */
  mode?: "min" | "max";
  /** New lr = lr · factor, factor < 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before cutting (default 10). */
  patience?: number;
  /** How much better counts as better (default 1e-4). */
  threshold?: number;
  /** "rel": better than best·(1 ∓ threshold); "abs": better than best ∓ threshold (default "rel"). */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a cut before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr (one, or one per group; default 0). */
  minLr?: number | readonly number[];
  /** Cuts smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Multiplies the lr by `factor` once the metric given to `step(metric)` has not improved for more than
 * `patience` epochs. scikit-learn's `learning_rate="adaptive"` is close to
 * `{ factor: 0.2, patience: nIterNoChange, threshold: tol, thresholdMode: "abs" }` on the training loss.
 * ```ts
 * const sched = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 5 });
 * for (...) { const valLoss = trainAndValidate(); sched.step(valLoss); }
 * ```
 */
export class ReduceLROnPlateau implements Scheduler {
  readonly scheduler = "ReduceLROnPlateau";
  readonly optimizer: SchedulableOptimizer;
  mode: "min" | "max";
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: "rel" | "abs";
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** The best metric so far. */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptimizer("ReduceLROnPlateau", optimizer);
    const { mode = "min", factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = "rel", cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    if (!(factor < 1)) throw new ValueError(`ReduceLROnPlateau: factor must be < 1, got ${factor}.`);
    if (mode !== "min" && mode !== "max") throw new ValueError(`ReduceLROnPlateau: mode must be "min" or "max", got ${JSON.stringify(mode)}.`);
    if (thresholdMode !== "rel" && thresholdMode !== "abs") {
      throw new ValueError(`ReduceLROnPlateau: thresholdMode must be "rel" or "abs", got ${JSON.stringify(thresholdMode)}.`);
    }
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = perGroup("ReduceLROnPlateau", "minLr", minLr, optimizer);
    this.eps = eps;
    this.best = mode === "min" ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Whether `a` is better than `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === "rel" ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records this epoch's metric (a number or a one-element tensor) and cuts the lr if it has plateaued. */
  step(metric: number | Tensor): void {
    const current = typeof metric === "number" ? metric : metric.item();
    this.lastEpoch++;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    return plainFields(this);
  }

  loadStateDict(sd: Record<string, unknown>): void {
    loadFields(this, this.scheduler, sd);
  }
}
