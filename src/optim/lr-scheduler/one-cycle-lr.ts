/** OneCycleLR (Smith & Topin's 1cycle policy): warm up to maxLr, then anneal far below the start. */
import { ValueError } from "../../errors.js";
import { LRScheduler, perGroup, type SchedulableOptimizer } from "./lr-scheduler.js";

export interface OneCycleLROptions {
  /** The peak lr (one for all groups, or one per group). */
  maxLr: number | readonly number[];
  /** Number of steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** "cos" (default) or "linear" annealing. */
  annealStrategy?: "cos" | "linear";
  /** Cycle momentum (or Adam's β₁) inversely to the lr, between baseMomentum and maxMomentum (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, symmetric down to initialLr, then down to minLr) instead of two (fast.ai's). */
  threePhase?: boolean;
}

type Phase = { endStep: number; startLr: string; endLr: string; startMomentum: string; endMomentum: string };

/**
 * The 1cycle schedule; step it after every batch. It sets each group's `initialLr`, `maxLr` and `minLr`
 * (and cycles `momentum`, or `betas[0]` for Adam-like optimizers).
 * ```ts
 * const sched = new OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: batches.length });
 * for (...) { opt.step(); sched.step(); }
 * ```
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: "cos" | "linear";
  cycleMomentum: boolean;
  useBeta1: boolean;
  phases: Phase[];

  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions) {
    super("OneCycleLR", optimizer);
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = "cos", cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false,
    } = options;
    const posInt = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v > 0;
    if (totalSteps !== undefined) {
      if (!posInt(totalSteps)) throw new ValueError(`OneCycleLR: totalSteps must be a positive integer, got ${totalSteps}.`);
      this.totalSteps = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      if (!posInt(epochs)) throw new ValueError(`OneCycleLR: epochs must be a positive integer, got ${epochs}.`);
      if (!posInt(stepsPerEpoch)) throw new ValueError(`OneCycleLR: stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}.`);
      this.totalSteps = epochs * stepsPerEpoch;
    } else {
      throw new ValueError("OneCycleLR: give totalSteps, or both epochs and stepsPerEpoch.");
    }
    if (!(pctStart >= 0 && pctStart <= 1)) throw new ValueError(`OneCycleLR: pctStart must be in [0, 1], got ${pctStart}.`);
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new ValueError(`OneCycleLR: annealStrategy must be "cos" or "linear", got ${JSON.stringify(annealStrategy)}.`);
    }
    this.annealStrategy = annealStrategy;
    const T = this.totalSteps;
    this.phases = threePhase
      ? [
          { endStep: pctStart * T - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: 2 * pctStart * T - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
          { endStep: T - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
        ]
      : [
          { endStep: pctStart * T - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: T - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        ];
    const maxLrs = perGroup("OneCycleLR", "maxLr", maxLr, optimizer);
    optimizer.paramGroups.forEach((g, i) => {
      g.initialLr = maxLrs[i]! / divFactor;
      g.maxLr = maxLrs[i]!;
      g.minLr = (g.initialLr as number) / finalDivFactor;
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = "betas" in optimizer.defaults;
    if (cycleMomentum) {
      if (!("momentum" in optimizer.defaults) && !this.useBeta1) {
        throw new ValueError("OneCycleLR: cycleMomentum needs an optimizer with momentum or betas; pass cycleMomentum: false.");
      }
      const maxM = perGroup("OneCycleLR", "maxMomentum", maxMomentum, optimizer);
      const baseM = perGroup("OneCycleLR", "baseMomentum", baseMomentum, optimizer);
      optimizer.paramGroups.forEach((g, i) => {
        this.setMomentum(g, maxM[i]!);
        g.maxMomentum = maxM[i]!;
        g.baseMomentum = baseM[i]!;
      });
    }
    this._initialStep();
  }

  private setMomentum(g: Record<string, unknown>, m: number): void {
    if (this.useBeta1) g.betas = [m, (g.betas as number[])[1]!];
    else g.momentum = m;
  }

  private anneal(start: number, end: number, pct: number): number {
    return this.annealStrategy === "cos" ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(`OneCycleLR: tried to step ${stepNum + 1} times, but the cycle has ${this.totalSteps} steps. Make totalSteps (or epochs × stepsPerEpoch) match the training loop.`);
    }
    return this.optimizer.paramGroups.map((group) => {
      const g = group as Record<string, unknown>;
      let startStep = 0;
      for (const [i, phase] of this.phases.entries()) {
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          const lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) this.setMomentum(g, this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct));
          return lr;
        }
        startStep = phase.endStep;
      }
      throw new Error("unreachable: the last phase always matches");
    });
  }
}
