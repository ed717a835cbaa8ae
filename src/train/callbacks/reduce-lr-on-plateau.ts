/**
 * ReduceLROnPlateau (callback form, Keras' semantics): multiply the learning rate of every parameter group by
 * `factor` when the monitored quantity has not improved for `patience` epochs.
 *
 * At each epoch end, `v` improves on `best` when `v < best − minDelta` (mode "min") or `v > best + minDelta`
 * ("max"). Otherwise, unless in cooldown, `wait` grows by one; when `wait ≥ patience`, each group's lr becomes
 * `max(lr·factor, minLr)` (groups already at minLr are left alone), `wait` resets and a cooldown of
 * `cooldown` epochs starts, during which epochs do not count.
 *
 * (optim.lrScheduler.ReduceLROnPlateau, for hand-written loops, follows PyTorch instead: it cuts after more
 * than `patience` bad epochs, one later than this.)
 * ```ts
 * await trainer.fit(x, y, { epochs: 100, validationSplit: 0.2, callbacks: [new ReduceLROnPlateau({ factor: 0.5, patience: 3 })] });
 * ```
 */
import { ValueError } from "../../errors.js";
import { Callback, type Logs } from "./callback.js";
import { readMonitor, resolveMode, type MonitorMode } from "./monitor.js";

export interface ReduceLROnPlateauOptions {
  /** Default "valLoss". */
  monitor?: string;
  /** New lr = lr·factor, 0 < factor < 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement before a cut (default 10). */
  patience?: number;
  mode?: MonitorMode;
  /** The smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a cut before counting again (default 0). */
  cooldown?: number;
  /** The lr never goes below this (default 0). */
  minLr?: number;
  /** Print a line at each cut (default false). */
  verbose?: boolean;
}

export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: "min" | "max";
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly verbose: boolean;
  best = Infinity;
  wait = 0;
  cooldownCounter = 0;

  constructor({ monitor = "valLoss", factor = 0.1, patience = 10, mode = "auto", minDelta = 1e-4, cooldown = 0, minLr = 0, verbose = false }: ReduceLROnPlateauOptions = {}) {
    super();
    if (!(factor > 0 && factor < 1)) throw new ValueError(`ReduceLROnPlateau: factor must be in (0, 1), got ${factor}.`);
    if (!Number.isInteger(patience) || patience < 0) throw new ValueError(`ReduceLROnPlateau: patience must be an integer ≥ 0, got ${patience}.`);
    if (!Number.isInteger(cooldown) || cooldown < 0) throw new ValueError(`ReduceLROnPlateau: cooldown must be an integer ≥ 0, got ${cooldown}.`);
    if (!(minDelta >= 0) || !(minLr >= 0)) throw new ValueError(`ReduceLROnPlateau: minDelta and minLr must be ≥ 0, got ${minDelta} and ${minLr}.`);
    this.monitor = monitor;
    this.factor = factor;
    this.patience = patience;
    this.mode = resolveMode("ReduceLROnPlateau", monitor, mode);
    this.minDelta = minDelta;
    this.cooldown = cooldown;
    this.minLr = minLr;
    this.verbose = verbose;
  }

  override onTrainBegin(): void {
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const v = readMonitor("ReduceLROnPlateau", logs, this.monitor);
    const inCooldown = this.cooldownCounter > 0;
    if (inCooldown) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const better = this.mode === "min" ? v < this.best - this.minDelta : v > this.best + this.minDelta;
    if (better) {
      this.best = v;
      this.wait = 0;
    } else if (!inCooldown) {
      this.wait++;
      if (this.wait >= this.patience) {
        let cut = false;
        for (const g of this.trainer.optimizer.paramGroups) {
          if (g.lr > this.minLr) {
            g.lr = Math.max(g.lr * this.factor, this.minLr);
            cut = true;
          }
        }
        if (cut) {
          if (this.verbose) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing the learning rate to ${this.trainer.optimizer.paramGroups[0]!.lr}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}
