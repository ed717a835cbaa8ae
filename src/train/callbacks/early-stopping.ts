/**
 * EarlyStopping: stop training when a monitored quantity has stopped improving (Keras' semantics).
 *
 * At the end of each epoch, the value `v` of `monitor` is an improvement over the best so far when
 * `v < best − minDelta` (mode "min") or `v > best + minDelta` (mode "max"). Each epoch without improvement
 * adds one to `wait`; an improvement resets it (only if it also beats `baseline`, when one is set); training
 * stops once `wait ≥ patience`.
 *
 * With `restoreBestWeights`, the weights of the best epoch (its end) are copied back into the model when
 * training ends, whether it stopped early or ran all its epochs. (TF.js throws "not implemented" here.)
 *
 * ```ts
 * const stop = new EarlyStopping({ monitor: "valLoss", patience: 5, restoreBestWeights: true });
 * await trainer.fit(x, y, { epochs: 200, validationSplit: 0.2, callbacks: [stop] });
 * stop.stoppedEpoch; // the epoch it stopped at (0 when it did not stop early)
 * stop.bestEpoch;    // the epoch whose weights the model now holds
 * ```
 */
import { ValueError } from "../../errors.js";
import type { StateDict } from "../../nn/module.js";
import { Callback, type Logs } from "./callback.js";
import { readMonitor, resolveMode, type MonitorMode } from "./monitor.js";

export interface EarlyStoppingOptions {
  /** The logged quantity to watch (default "valLoss"). */
  monitor?: string;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0: stop at the first epoch that does not improve). */
  patience?: number;
  /** "min", "max", or "auto" from the name (default). */
  mode?: MonitorMode;
  /** A value to beat: until the monitor beats it, improvements do not reset the patience counter. */
  baseline?: number;
  /** Put back the weights of the best epoch when training ends (default false). */
  restoreBestWeights?: boolean;
  /** Print a line when it stops and when it restores (default false). */
  verbose?: boolean;
}

export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: "min" | "max";
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly verbose: boolean;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch at which it stopped training (0 when it did not). */
  stoppedEpoch = 0;
  best = Infinity;
  /** The epoch of the best value (-1 before any). */
  bestEpoch = -1;
  /** The weights at the end of the best epoch (with restoreBestWeights). */
  bestWeights: StateDict | undefined;

  constructor({ monitor = "valLoss", minDelta = 0, patience = 0, mode = "auto", baseline, restoreBestWeights = false, verbose = false }: EarlyStoppingOptions = {}) {
    super();
    if (!Number.isInteger(patience) || patience < 0) throw new ValueError(`EarlyStopping: patience must be an integer ≥ 0, got ${patience}.`);
    if (!(minDelta >= 0)) throw new ValueError(`EarlyStopping: minDelta must be ≥ 0, got ${minDelta}.`);
    this.monitor = monitor;
    this.minDelta = minDelta;
    this.patience = patience;
    this.mode = resolveMode("EarlyStopping", monitor, mode);
    this.baseline = baseline;
    this.restoreBestWeights = restoreBestWeights;
    this.verbose = verbose;
  }

  /** Whether `v` beats `reference` by more than minDelta in the monitor's direction. */
  isImprovement(v: number, reference: number): boolean {
    return this.mode === "min" ? v + this.minDelta < reference : v - this.minDelta > reference;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.bestEpoch = -1;
    this.bestWeights = undefined;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const v = readMonitor("EarlyStopping", logs, this.monitor);
    if (this.restoreBestWeights && this.bestWeights === undefined) {
      this.bestWeights = this.model.stateDict();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.isImprovement(v, this.best)) {
      this.best = v;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model.stateDict();
      if (this.baseline === undefined || this.isImprovement(v, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.trainer.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping (no improvement in ${this.monitor} for ${this.wait} epochs).`);
    if (this.restoreBestWeights && this.bestWeights !== undefined) {
      if (this.verbose) console.log(`Restoring the weights from the end of the best epoch, ${this.bestEpoch + 1} (${this.monitor} ${this.best}).`);
      this.model.loadStateDict(this.bestWeights);
    }
  }
}
