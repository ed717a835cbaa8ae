/**
 * History: what `fit` returns — one value per epoch of every logged quantity (Keras' `History`).
 *
 * - `epoch`: the epoch indices that ran (0-based, from `initialEpoch`).
 * - `history.loss`: the training loss of each epoch, the sample-weighted mean of the batch losses (the weights
 *   change during the epoch, so it differs a little from `evaluate` on the training set afterwards).
 * - `history.<metric>`: the training metric over the epoch's batches, accumulated the same way.
 * - `history.valLoss`, `history.val<Metric>`: loss and metrics on the validation data, computed after the
 *   epoch with the weights at its end, in eval mode — exactly what `evaluate` returns at that point.
 * - `history.lr`: the learning rate (of the first parameter group) used during the epoch.
 *
 * ```ts
 * const h = await trainer.fit(x, y, { epochs: 10, validationSplit: 0.2 });
 * h.history.valLoss!.at(-1);       // the last validation loss
 * h.best("valLoss");               // { epoch: 7, value: 0.081 }
 * ```
 */
import { ValueError } from "../errors.js";
import { Callback, type Logs, type TrainParams } from "./callbacks/callback.js";

/** Per-epoch series by name. `loss` and `lr` are always there; the others as configured. */
export interface HistoryRecord {
  loss: number[];
  lr: number[];
  valLoss?: number[];
  accuracy?: number[];
  valAccuracy?: number[];
  [key: string]: number[] | undefined;
}

/** A plain-data copy of a History (what `toJSON` gives and worker threads send). */
export interface HistoryData {
  epoch: number[];
  history: HistoryRecord;
  params: TrainParams | undefined;
}

export class History extends Callback {
  epoch: number[] = [];
  history: HistoryRecord = { loss: [], lr: [] };
  /** The fit's parameters (epochs, steps per epoch, samples, batch size, ...). */
  params: TrainParams | undefined;

  override onTrainBegin(): void {
    this.epoch = [];
    this.history = { loss: [], lr: [] };
    this.params = this.trainer.params;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      // A key that first appears late is padded with NaN so every series stays aligned with `epoch`.
      const series = (this.history[k] ??= new Array<number>(this.epoch.length - 1).fill(NaN));
      series.push(v);
    }
  }

  /** The best epoch for `key` (lowest, or highest with mode "max"; "auto" as EarlyStopping). */
  best(key: string, mode: "auto" | "min" | "max" = "auto"): { epoch: number; value: number } {
    const s = this.history[key];
    if (!s || s.length === 0) {
      throw new ValueError(`History.best: no values for "${key}". Recorded: ${Object.keys(this.history).join(", ")}.`);
    }
    const max = mode === "max" || (mode === "auto" && higherIsBetter(key));
    let bi = -1;
    s.forEach((v, i) => {
      if (Number.isNaN(v)) return;
      if (bi < 0 || (max ? v > s[bi]! : v < s[bi]!)) bi = i;
    });
    if (bi < 0) throw new ValueError(`History.best: every value of "${key}" is NaN.`);
    return { epoch: this.epoch[bi]!, value: s[bi]! };
  }

  toJSON(): HistoryData {
    return { epoch: [...this.epoch], history: structuredClone(this.history), params: this.params && { ...this.params } };
  }

  /** A History from `toJSON()` data (e.g. sent back by a worker thread). */
  static fromJSON(data: HistoryData): History {
    const h = new History();
    h.epoch = [...data.epoch];
    h.history = structuredClone(data.history);
    h.params = data.params && { ...data.params };
    return h;
  }
}

/**
 * Whether a larger value of a logged quantity is better, from its name (Keras' "auto" mode): accuracies,
 * AUC, precision, recall, F-scores and R² are maximized; losses and errors minimized.
 */
export function higherIsBetter(key: string): boolean {
  const k = key.replace(/^val(?=[A-Z])/, "").toLowerCase();
  return /acc|auc|precision|recall|f1|fbeta|r2/.test(k);
}
