/**
 * Callbacks: objects whose hooks the trainer calls during `fit`, `evaluate` and `predict` (Keras' callback
 * protocol, camelCase). Subclass `Callback` and override the hooks you need; every hook may be async (the
 * trainer awaits it). A callback sees the trainer as `this.trainer` (and the model as `this.model`), and ends
 * training by setting `this.trainer.stopTraining = true`.
 *
 * Order of calls in `fit`:
 * ```
 * onTrainBegin
 *   onEpochBegin(epoch)                                   epochs are 0-based (initialEpoch, ..., epochs − 1)
 *     onBatchBegin(batch) → train step → onBatchEnd(batch, logs)   logs: running means over the epoch so far
 *     onTestBegin → onTestBatchBegin/End ... → onTestEnd(logs)      validation, when there is validation data
 *   onEpochEnd(epoch, logs)                               logs: loss, metrics, valLoss, valMetrics, lr
 * onTrainEnd(logs)
 * ```
 * ```ts
 * class PrintLoss extends Callback {
 *   override onEpochEnd(epoch: number, logs: Logs) { console.log(epoch, logs.loss); }
 * }
 * await trainer.fit(x, y, { epochs: 3, callbacks: [new PrintLoss()] });
 * ```
 */
import { ValueError } from "../../errors.js";
import type { Module } from "../../nn/module.js";
import type { AnyOptimizer } from "../compile.js";
import type { Tensor } from "../../tensor.js";

/** Numbers by name: `{ loss, accuracy, valLoss, valAccuracy, lr, ... }`. */
export type Logs = Record<string, number>;

/** What `fit` knows up front (Keras' `params`). `steps` is undefined for a source of unknown length. */
export interface TrainParams {
  epochs: number;
  initialEpoch: number;
  steps: number | undefined;
  samples: number | undefined;
  batchSize: number | undefined;
  verbose: number;
  /** Whether there is validation data (so epoch logs will have `val*` keys). */
  validation: boolean;
}

/** The last training batch: its tensors and the loss with its recorded graph (for diagnosis). */
export interface LastBatch {
  x: Tensor;
  y: Tensor;
  output: Tensor;
  /** The loss, with its graph; the output itself when the output held a NaN (then no loss was computed). */
  loss: Tensor;
  epoch: number;
  batch: number;
  /** For a non-finite loss: the parameters' values before the optimizer step changed them in place. */
  leafValues: ReadonlyMap<Tensor, Tensor> | undefined;
}

/** The part of a trainer that callbacks use. `Trainer` implements it; tests may fake it. */
export interface TrainerLike {
  readonly model: Module;
  readonly optimizer: AnyOptimizer;
  /** Set to true to end `fit` after the current batch. */
  stopTraining: boolean;
  /** The current fit's parameters (undefined outside fit). */
  readonly params: TrainParams | undefined;
  /** The last training batch of the current fit (undefined before the first batch and after fit). */
  readonly lastBatch: LastBatch | undefined;
}

type Hook<A extends unknown[]> = (...args: A) => void | Promise<void>;

/** Every hook, as an object of optional functions (LambdaCallback takes one). */
export interface CallbackHooks {
  onTrainBegin?: Hook<[logs: Logs]>;
  onTrainEnd?: Hook<[logs: Logs]>;
  onEpochBegin?: Hook<[epoch: number, logs: Logs]>;
  onEpochEnd?: Hook<[epoch: number, logs: Logs]>;
  onBatchBegin?: Hook<[batch: number, logs: Logs]>;
  onBatchEnd?: Hook<[batch: number, logs: Logs]>;
  onTestBegin?: Hook<[logs: Logs]>;
  onTestEnd?: Hook<[logs: Logs]>;
  onTestBatchBegin?: Hook<[batch: number, logs: Logs]>;
  onTestBatchEnd?: Hook<[batch: number, logs: Logs]>;
  onPredictBegin?: Hook<[logs: Logs]>;
  onPredictEnd?: Hook<[logs: Logs]>;
  onPredictBatchBegin?: Hook<[batch: number, logs: Logs]>;
  onPredictBatchEnd?: Hook<[batch: number, logs: Logs]>;
}

export const HOOK_NAMES = [
  "onTrainBegin", "onTrainEnd", "onEpochBegin", "onEpochEnd", "onBatchBegin", "onBatchEnd", "onTestBegin", "onTestEnd",
  "onTestBatchBegin", "onTestBatchEnd", "onPredictBegin", "onPredictEnd", "onPredictBatchBegin", "onPredictBatchEnd",
] as const satisfies readonly (keyof CallbackHooks)[];
export type HookName = (typeof HOOK_NAMES)[number];

/** The base class: every hook is a no-op. `trainer` is set by the trainer before the first hook runs. */
export class Callback {
  #trainer: TrainerLike | undefined;

  /** Called by the trainer before any hook (Keras' `set_model`). */
  setTrainer(trainer: TrainerLike): void {
    this.#trainer = trainer;
  }
  /** The trainer running this callback. */
  get trainer(): TrainerLike {
    if (!this.#trainer) throw new ValueError(`${this.constructor.name}: not attached to a trainer yet; pass it in fit({ callbacks: [...] }).`);
    return this.#trainer;
  }
  get model(): Module {
    return this.trainer.model;
  }

  onTrainBegin(_logs: Logs): void | Promise<void> {}
  onTrainEnd(_logs: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
  onTestBegin(_logs: Logs): void | Promise<void> {}
  onTestEnd(_logs: Logs): void | Promise<void> {}
  onTestBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onTestBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
  onPredictBegin(_logs: Logs): void | Promise<void> {}
  onPredictEnd(_logs: Logs): void | Promise<void> {}
  onPredictBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onPredictBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
}

/**
 * Runs a hook on every callback in order, awaiting async ones. Internal to the trainer, exported for
 * custom loops that want to drive callbacks themselves.
 */
export class CallbackList {
  readonly callbacks: Callback[];
  constructor(callbacks: readonly Callback[], trainer: TrainerLike) {
    this.callbacks = [...callbacks];
    for (const c of this.callbacks) c.setTrainer(trainer);
  }
  async call<H extends HookName>(hook: H, ...args: Parameters<Callback[H]>): Promise<void> {
    for (const c of this.callbacks) {
      const r = (c[hook] as (...a: unknown[]) => void | Promise<void>)(...args);
      if (r !== undefined) await r;
    }
  }
  /** The same, for synchronous paths (predict): async hooks are started but not awaited. */
  callSync<H extends HookName>(hook: H, ...args: Parameters<Callback[H]>): void {
    for (const c of this.callbacks) void (c[hook] as (...a: unknown[]) => void | Promise<void>)(...args);
  }
}
