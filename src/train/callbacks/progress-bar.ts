/**
 * ProgressBar: shows training progress. On a terminal (`stream.isTTY`), one line per epoch redrawn in place
 * with a bar, the step count, the ETA, the loss and the metrics; elsewhere (a log file, CI, a pipe), one
 * line per epoch when it ends. `fit` adds one itself with `verbose: 1` (`verbose: 2` forces the one-line
 * form); construct your own to write elsewhere:
 *
 * ```
 * Epoch 3/10  12/20 [==============>...........] ETA 0.4s - loss: 0.3121 - accuracy: 0.8900
 * Epoch 3/10  20/20 [=========================] 1.1s 55ms/step - loss: 0.2987 - accuracy: 0.8950 - valLoss: 0.3310 - valAccuracy: 0.8700
 * ```
 * ```ts
 * await trainer.fit(x, y, { epochs: 5, verbose: 0, callbacks: [new ProgressBar({ stream: process.stderr })] });
 * ```
 */
import { Callback, type Logs } from "./callback.js";

/** Anything with `write(string)`: a Node stream, or a fake one in tests. */
export interface WritableLike {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  /** Where to write (default process.stdout). */
  stream?: WritableLike;
  /** 1: redrawn bar on a TTY, else one line per epoch; 2: always one line per epoch. Default 1. */
  verbose?: 1 | 2;
  /** Bar width in characters (default 25). */
  width?: number;
  /** Minimum time between redraws on a TTY, in ms (default 100; the last batch is always drawn). */
  throttleMs?: number;
}

/** A logged number as Keras shows it: 4 decimals, or scientific notation for tiny/huge values. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
}

/** Seconds as `0.4s`, `12s`, `3:05` or `1:02:03`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}

/** ` - loss: 0.1234 - accuracy: 0.9000` (the learning rate is left out; it is in the History). */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== "lr")
    .map(([k, v]) => ` - ${k}: ${formatValue(v)}`)
    .join("");
}

export class ProgressBar extends Callback {
  readonly stream: WritableLike;
  readonly verbose: 1 | 2;
  readonly width: number;
  readonly throttleMs: number;
  #tty = false;
  #epochStart = 0;
  #lastDraw = -Infinity;
  #lastLen = 0;
  #epoch = 0;

  constructor({ stream, verbose = 1, width = 25, throttleMs = 100 }: ProgressBarOptions = {}) {
    super();
    this.stream = stream ?? (globalThis as { process?: { stdout?: WritableLike } }).process?.stdout ?? { write: (s: string) => console.log(s.replace(/\n$/, "")) };
    this.verbose = verbose;
    this.width = width;
    this.throttleMs = throttleMs;
  }

  override onTrainBegin(): void {
    this.#tty = this.verbose === 1 && this.stream.isTTY === true;
  }

  override onEpochBegin(epoch: number): void {
    this.#epoch = epoch;
    this.#epochStart = now();
    this.#lastDraw = -Infinity;
    this.#lastLen = 0;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    if (!this.#tty) return;
    const t = now();
    const steps = this.trainer.params?.steps;
    if (t - this.#lastDraw < this.throttleMs && batch + 1 !== steps) return;
    this.#lastDraw = t;
    const elapsed = (t - this.#epochStart) / 1000;
    const done = batch + 1;
    const eta = steps !== undefined ? ` ETA ${formatDuration((elapsed / done) * (steps - done))}` : ` ${formatDuration(elapsed)}`;
    this.#draw(`${this.#head()}  ${this.#bar(done, steps)}${eta}${formatLogs(logs)}`);
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    const elapsed = (now() - this.#epochStart) / 1000;
    const p = this.trainer.params;
    const steps = p?.steps;
    if (this.#tty) {
      const perStep = steps ? ` ${Math.round((elapsed * 1000) / steps)}ms/step` : "";
      this.#draw(`${this.#head()}  ${this.#bar(steps ?? 0, steps)} ${formatDuration(elapsed)}${perStep}${formatLogs(logs)}`);
      this.stream.write("\n");
    } else {
      const count = steps !== undefined ? ` - ${steps}/${steps}` : "";
      this.stream.write(`Epoch ${epoch + 1}/${p?.epochs ?? "?"}${count} - ${formatDuration(elapsed)}${formatLogs(logs)}\n`);
    }
  }

  #head(): string {
    return `Epoch ${this.#epoch + 1}/${this.trainer.params?.epochs ?? "?"}`;
  }

  #bar(done: number, steps: number | undefined): string {
    if (steps === undefined) return `${done}`;
    const w = String(steps).length;
    const filled = Math.min(this.width, Math.floor((done / Math.max(steps, 1)) * this.width));
    const bar = done >= steps ? "=".repeat(this.width) : `${"=".repeat(Math.max(0, filled - 1))}>${".".repeat(this.width - Math.max(filled, 1))}`;
    return `${String(done).padStart(w)}/${steps} [${bar}]`;
  }

  /** Redraws the line in place: carriage return, the text, and spaces over what is left of a longer line. */
  #draw(line: string): void {
    const cols = this.stream.columns;
    const text = cols && line.length > cols - 1 ? line.slice(0, cols - 1) : line;
    this.stream.write(`\r${text}${" ".repeat(Math.max(0, this.#lastLen - text.length))}`);
    this.#lastLen = text.length;
  }
}

const now = (): number => globalThis.performance.now();
