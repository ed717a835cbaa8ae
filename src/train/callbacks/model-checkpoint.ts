/**
 * ModelCheckpoint: saves the model at the end of epochs, atomically (a reader never sees half a file).
 *
 * - `filepath` is a template: `{epoch}` is the 1-based epoch number (as Keras), `{epoch:03d}` zero-pads it,
 *   and any logged quantity can be written as `{valLoss}` or `{valLoss:.4f}` (fixed decimals).
 * - By default the whole model is saved as a model directory (`io.saveModel`: model.json + weights, plus
 *   the optimizer state with `saveOptimizer`, so training can resume). `saveWeightsOnly` writes just the
 *   state dict as one safetensors file instead (any Module, also ones outside the layer registry).
 * - `saveBestOnly` saves only when `monitor` improves on the best value so far (strictly, and by more than
 *   `minDelta`); with a fixed path, that path always holds the best model.
 *
 * ```ts
 * const ckpt = new ModelCheckpoint("runs/best", { monitor: "valAccuracy", saveBestOnly: true });
 * await trainer.fit(x, y, { epochs: 20, validationSplit: 0.2, callbacks: [ckpt] });
 * const { model } = await io.loadModel("runs/best");
 * ```
 */
import { ValueError } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { saveModel } from "../../io/model-file.js";
import { serializeSafetensors } from "../../io/safetensors.js";
import { Callback, type Logs } from "./callback.js";
import { readMonitor, resolveMode, type MonitorMode } from "./monitor.js";

export interface ModelCheckpointOptions {
  /** The quantity that decides "best" (default "valLoss"). */
  monitor?: string;
  mode?: MonitorMode;
  /** Save only when the monitor improves (default false: every epoch). */
  saveBestOnly?: boolean;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Write only the weights, as a safetensors file (default false: a model directory). */
  saveWeightsOnly?: boolean;
  /** Include the optimizer's state in the model directory, for resuming (default false). */
  saveOptimizer?: boolean;
  /** Fitted preprocessing to store with the model (scalers, encoders). */
  preprocessing?: Record<string, { toJSON(): unknown }>;
  /** Extra metadata; `epoch` and the epoch's `logs` are added. */
  metadata?: Record<string, unknown>;
  /** Print a line per save (default false). */
  verbose?: boolean;
}

/**
 * Fills a checkpoint path template: `{epoch}` → epoch + 1, `{key}` → the logged value, with an optional
 * format `:0Nd` (zero-padded integer) or `:.Nf` (N decimals).
 * ```ts
 * formatCheckpointPath("ckpt-{epoch:02d}-{valLoss:.2f}", 4, { valLoss: 0.12345 }); // "ckpt-05-0.12"
 * ```
 */
export function formatCheckpointPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (whole, key: string, fmt: string | undefined) => {
    const v = key === "epoch" ? epoch + 1 : logs[key];
    if (v === undefined) {
      throw new ValueError(`ModelCheckpoint: the path template ${JSON.stringify(template)} uses {${key}}, which is not in the epoch logs (available: epoch, ${Object.keys(logs).join(", ")}).`);
    }
    if (fmt === undefined || fmt === "") return String(v);
    const d = /^0?(\d+)d$/.exec(fmt);
    if (d) return String(Math.round(v)).padStart(Number(d[1]), "0");
    const f = /^\.(\d+)f$/.exec(fmt);
    if (f) return v.toFixed(Number(f[1]));
    throw new ValueError(`ModelCheckpoint: unknown format "${fmt}" in ${whole}; use {key:.4f} or {epoch:03d}.`);
  });
}

export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly mode: "min" | "max";
  readonly saveBestOnly: boolean;
  readonly minDelta: number;
  readonly saveWeightsOnly: boolean;
  readonly saveOptimizer: boolean;
  readonly preprocessing: Record<string, { toJSON(): unknown }> | undefined;
  readonly metadata: Record<string, unknown>;
  readonly verbose: boolean;
  best = Infinity;
  /** Every path written, in order (a path written twice appears twice). */
  saved: string[] = [];
  /** The epoch of the last save (-1 before any). */
  lastSavedEpoch = -1;

  constructor(filepath: string, opts: ModelCheckpointOptions = {}) {
    super();
    const { monitor = "valLoss", mode = "auto", saveBestOnly = false, minDelta = 0, saveWeightsOnly = false, saveOptimizer = false, preprocessing, metadata = {}, verbose = false } = opts;
    if (typeof filepath !== "string" || filepath === "") throw new ValueError("ModelCheckpoint: filepath must be a non-empty path (template).");
    if (saveWeightsOnly && (saveOptimizer || preprocessing)) {
      throw new ValueError("ModelCheckpoint: saveWeightsOnly writes only the weights; drop saveOptimizer/preprocessing, or save the whole model directory.");
    }
    this.filepath = filepath;
    this.monitor = monitor;
    this.mode = resolveMode("ModelCheckpoint", monitor, mode);
    this.saveBestOnly = saveBestOnly;
    this.minDelta = minDelta;
    this.saveWeightsOnly = saveWeightsOnly;
    this.saveOptimizer = saveOptimizer;
    this.preprocessing = preprocessing;
    this.metadata = metadata;
    this.verbose = verbose;
  }

  override onTrainBegin(): void {
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.saved = [];
    this.lastSavedEpoch = -1;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveBestOnly) {
      const v = readMonitor("ModelCheckpoint", logs, this.monitor);
      const better = this.mode === "min" ? v < this.best - this.minDelta : v > this.best + this.minDelta;
      if (!better) return;
      if (this.verbose) console.log(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best} to ${v}; saving.`);
      this.best = v;
    }
    const path = formatCheckpointPath(this.filepath, epoch, logs);
    if (this.saveWeightsOnly) {
      await writeFileAtomic(path, () => serializeSafetensors(this.model.stateDict(), { epoch: String(epoch) }));
    } else {
      await saveModel(this.model, path, {
        optimizer: this.saveOptimizer ? this.trainer.optimizer : undefined,
        preprocessing: this.preprocessing,
        metadata: { ...this.metadata, epoch, logs: { ...logs } },
      });
    }
    if (this.verbose && !this.saveBestOnly) console.log(`Epoch ${epoch + 1}: saved ${path}.`);
    this.saved.push(path);
    this.lastSavedEpoch = epoch;
  }
}
