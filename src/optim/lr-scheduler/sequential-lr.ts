/** SequentialLR: run one schedule, then another from given milestones (e.g. warm-up, then decay). */
import { ValueError } from "../../errors.js";
import { bisectRight, checkOptimizer, loadFields, type LRScheduler, type SchedulableOptimizer, type Scheduler } from "./lr-scheduler.js";

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` (restarted at its epoch 0), and so on.
 * All schedulers must drive the same optimizer.
 * ```ts
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new ExponentialLR(opt, { gamma: 0.9 });
 * const sched = new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 * ```
 */
export class SequentialLR implements Scheduler {
  readonly scheduler = "SequentialLR";
  readonly optimizer: SchedulableOptimizer;
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];
  lastEpoch: number;
  private lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, { schedulers, milestones }: { schedulers: readonly LRScheduler[]; milestones: readonly number[] }) {
    checkOptimizer("SequentialLR", optimizer);
    if (schedulers.length === 0) throw new ValueError("SequentialLR: give at least one scheduler.");
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new ValueError(`SequentialLR: scheduler ${i} drives a different optimizer; all must drive the one passed in.`);
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(`SequentialLR: expected ${schedulers.length - 1} milestones (one fewer than the ${schedulers.length} schedulers), got ${milestones.length}.`);
    }
    this.optimizer = optimizer;
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = 0;
    // Undo what constructing the schedulers did, then start the first one afresh.
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!._initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  step(): void {
    this.lastEpoch++;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): Record<string, unknown> {
    return {
      scheduler: this.scheduler,
      lastEpoch: this.lastEpoch,
      lastLr: [...this.lastLr],
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  loadStateDict(sd: Record<string, unknown>): void {
    const { schedulers, ...rest } = sd as { schedulers: Record<string, unknown>[] } & Record<string, unknown>;
    loadFields(this, this.scheduler, rest);
    schedulers.forEach((s, i) => this.schedulers[i]!.loadStateDict(s));
  }
}
