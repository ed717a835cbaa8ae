/**
 * TerminateOnNaN: stops training at the first batch whose loss is NaN or ±inf, and says which op produced the
 * first non-finite value: it walks the recorded graph of that batch's loss from the leaves and reports the
 * first op whose output holds a NaN/inf, with its input shapes (see findNonFinite). The report is kept in
 * `report`, the message in `message`, and the message is written to `stream` (default stderr).
 *
 * ```ts
 * const nan = new TerminateOnNaN();
 * await trainer.fit(x, y, { epochs: 10, callbacks: [nan] });
 * nan.report?.op;   // e.g. "log"
 * ```
 * The names: parameters as `model.namedParameters()` gives them, "the input batch x" and "the target batch y".
 */
import { batchNames, findNonFinite, type NonFiniteReport } from "../non-finite.js";
import { Callback, type Logs } from "./callback.js";
import type { WritableLike } from "./progress-bar.js";

export class TerminateOnNaN extends Callback {
  readonly stream: WritableLike | null;
  /** The diagnosis of the batch that stopped training (undefined if none did). */
  report: NonFiniteReport | null | undefined;
  /** The message written when it stopped training. */
  message: string | undefined;
  /** Epoch and batch of the non-finite loss. */
  at: { epoch: number; batch: number } | undefined;

  /** @param stream where to write the message (default process.stderr; null for silence) */
  constructor({ stream }: { stream?: WritableLike | null } = {}) {
    super();
    this.stream = stream === undefined ? ((globalThis as { process?: { stderr?: WritableLike } }).process?.stderr ?? null) : stream;
  }

  override onTrainBegin(): void {
    this.report = undefined;
    this.message = undefined;
    this.at = undefined;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss === undefined || Number.isFinite(loss)) return;
    const last = this.trainer.lastBatch;
    const epoch = last?.epoch ?? -1;
    this.at = { epoch, batch };
    let detail = "";
    if (last) {
      this.report = findNonFinite(last.loss, { names: batchNames(this.model, last.x, last.y), leafValues: last.leafValues });
      detail = this.report ? ` ${this.report.message}` : "";
    }
    this.message = `TerminateOnNaN: epoch ${epoch + 1}, batch ${batch}: the loss is ${loss}; training stopped.${detail}`;
    this.stream?.write(this.message + "\n");
    this.trainer.stopTraining = true;
  }
}
