/**
 * LearningRateScheduler: changes the learning rate during `fit`, from
 *
 * - a schedule of `optim.lrScheduler` (StepLR, CosineAnnealingLR, OneCycleLR, ...) built over
 *   `trainer.optimizer`: its `step()` is called after every epoch (PyTorch's convention), or after every
 *   batch with `interval: "batch"` (for OneCycleLR and other per-step schedules); or
 * - a function `(index, lr) => newLr` (Keras' form), called before every epoch with the epoch index (or before
 *   every batch with the global step count, with `interval: "batch"`); its result is set on every group.
 *
 * ```ts
 * const trainer = new Trainer(model, { optimizer: { name: "sgd", lr: 0.1 }, loss: "mse" });
 * const sched = new optim.lrScheduler.StepLR(trainer.optimizer, { stepSize: 10, gamma: 0.5 });
 * await trainer.fit(x, y, { epochs: 30, callbacks: [new LearningRateScheduler(sched)] });
 * // or: new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * 0.95))
 * ```
 * The lr each epoch used is in `history.history.lr`. For "reduce when a metric plateaus" use the
 * ReduceLROnPlateau callback, which reads the monitored value from the epoch logs.
 */
import { ValueError } from "../../errors.js";
import { ReduceLROnPlateau as PlateauScheduler } from "../../optim/lr-scheduler/reduce-lr-on-plateau.js";
import type { SchedulableOptimizer, Scheduler } from "../../optim/lr-scheduler/lr-scheduler.js";
import { Callback } from "./callback.js";

/** A scheduler object with a plain `step()` (every optim.lrScheduler schedule except ReduceLROnPlateau). */
export type SteppableScheduler = Scheduler & { step(): void; readonly optimizer?: SchedulableOptimizer };
/** Keras' schedule function: the lr to use for this epoch (or step), given the current lr. */
export type ScheduleFn = (index: number, lr: number) => number;

export interface LearningRateSchedulerOptions {
  /** Step per "epoch" (default) or per "batch". */
  interval?: "epoch" | "batch";
  /** Print the lr whenever the function form changes it (default false). */
  verbose?: boolean;
}

export class LearningRateScheduler extends Callback {
  readonly schedule: SteppableScheduler | ScheduleFn;
  readonly interval: "epoch" | "batch";
  readonly verbose: boolean;
  #step = 0;

  constructor(schedule: SteppableScheduler | ScheduleFn, { interval = "epoch", verbose = false }: LearningRateSchedulerOptions = {}) {
    super();
    if (schedule instanceof PlateauScheduler) {
      throw new ValueError("LearningRateScheduler: optim.lrScheduler.ReduceLROnPlateau needs the monitored value at each step; use the ReduceLROnPlateau callback instead (train.ReduceLROnPlateau({ monitor: \"valLoss\" })).");
    }
    if (typeof schedule !== "function" && (schedule === null || typeof schedule !== "object" || typeof schedule.step !== "function")) {
      throw new ValueError(`LearningRateScheduler: expected an optim.lrScheduler schedule or a function (epoch, lr) => lr, got ${schedule === null ? "null" : typeof schedule}.`);
    }
    if (interval !== "epoch" && interval !== "batch") throw new ValueError(`LearningRateScheduler: interval must be "epoch" or "batch", got ${JSON.stringify(interval)}.`);
    this.schedule = schedule;
    this.interval = interval;
    this.verbose = verbose;
  }

  override onTrainBegin(): void {
    this.#step = 0;
    if (typeof this.schedule !== "function" && this.schedule.optimizer !== undefined && this.schedule.optimizer !== this.trainer.optimizer) {
      throw new ValueError("LearningRateScheduler: the schedule was built over a different optimizer than the trainer's; build it over trainer.optimizer.");
    }
  }

  #apply(index: number): void {
    const f = this.schedule as ScheduleFn;
    const groups = this.trainer.optimizer.paramGroups;
    const lr = f(index, groups[0]!.lr);
    if (typeof lr !== "number" || !(lr >= 0) || !Number.isFinite(lr)) {
      throw new ValueError(`LearningRateScheduler: the schedule function returned ${String(lr)} for ${this.interval} ${index}; it must return a finite number ≥ 0.`);
    }
    if (this.verbose && lr !== groups[0]!.lr) console.log(`LearningRateScheduler: ${this.interval} ${index}: lr ${lr}.`);
    for (const g of groups) g.lr = lr;
  }

  override onEpochBegin(epoch: number): void {
    if (this.interval === "epoch" && typeof this.schedule === "function") this.#apply(epoch);
  }
  override onBatchBegin(): void {
    if (this.interval === "batch" && typeof this.schedule === "function") this.#apply(this.#step);
  }
  override onBatchEnd(): void {
    this.#step++;
    if (this.interval === "batch" && typeof this.schedule !== "function") this.schedule.step();
  }
  override onEpochEnd(): void {
    if (this.interval === "epoch" && typeof this.schedule !== "function") this.schedule.step();
  }
}
