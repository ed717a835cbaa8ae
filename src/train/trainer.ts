/**
 * Trainer: Keras-shaped training for any Module — `fit`, `evaluate`, `predict` with callbacks and a typed
 * History. Configure it once with an optimizer, a loss and metrics (Keras' `compile`):
 *
 * ```ts
 * const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
 * const trainer = new Trainer(model, { optimizer: { name: "adam", lr: 0.01 }, loss: "crossEntropy", metrics: ["accuracy"] });
 * const history = await trainer.fit(x, y, { epochs: 20, batchSize: 32, validationSplit: 0.2, seed: 0 });
 * history.history.valAccuracy;              // one number per epoch
 * await trainer.evaluate(xTest, yTest);     // { loss, accuracy }
 * trainer.predict(xTest);                   // Tensor [N, 2]
 * ```
 *
 * One training step is PyTorch's: `zeroGrad → output = model.call(x) → loss(output, y) → backward → step`,
 * passed to the optimizer as a closure (so L-BFGS works too). `fit` is async and yields to the event loop
 * every few milliseconds of work, so timers, I/O and UIs keep running during long trainings.
 */
import { noGrad } from "../autograd/grad-mode.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import type { Metric } from "../metrics/metric.js";
import type { Module } from "../nn/module.js";
import { cat, slice } from "../ops/movement.js";
import { Generator, getDefaultGenerator } from "../random.js";
import { Tensor } from "../tensor.js";
import { CallbackList, type Callback, type LastBatch, type Logs, type TrainerLike, type TrainParams } from "./callbacks/callback.js";
import { ProgressBar } from "./callbacks/progress-bar.js";
import { resolveLoss, resolveMetrics, resolveOptimizer, type AnyOptimizer, type LossFn, type LossSpec, type MetricSpec, type OptimizerSpec } from "./compile.js";
import {
  checkBatch, checkXY, dataSource, splitDataset, splitTensors, tensorSource, type Batch, type BatchSource, type DataInput,
} from "./fit-data.js";
import { History } from "./history.js";
import { Yielder } from "./yield.js";
import { batchNames, findNonFinite } from "./non-finite.js";
import { DataLoader } from "../data/data-loader.js";
import { isDataset, type Dataset } from "../data/dataset.js";

/** Keras' `compile` arguments. */
export interface TrainerOptions {
  /** An optimizer instance, a name ("adam", "sgd", ...) or `{ name, ...options }` (built over `model.parameters()`). */
  optimizer: OptimizerSpec;
  /** A name ("crossEntropy", "mse", "bce", "bceWithLogits", ...), a function `(output, target) => scalar`, or a loss module. */
  loss: LossSpec;
  /** Metric names ("accuracy", "f1", "mse", ... as `metrics.getMetric`) or streaming Metric objects. */
  metrics?: readonly MetricSpec[];
}

/** A per-batch transform for data augmentation, applied to training batches only (see data/transforms). */
export type FitTransform = (batch: Tensor[]) => Tensor[];

export interface FitOptions {
  /** Train until this epoch index (exclusive; with initialEpoch, as Keras). Default 1. */
  epochs?: number;
  /** Samples per batch for tensors and datasets (a DataLoader keeps its own). Default 32. */
  batchSize?: number;
  /** Hold out this fraction for validation: shuffled, seeded, stratified for class labels (not Keras' last x%). */
  validationSplit?: number;
  /** Validation data: `[x, y]` tensors, a Dataset, a DataLoader or an iterable of batches. */
  validationData?: Batch | DataInput;
  /** Stratify validationSplit by class. Default: when y holds integer labels (and every class can be split). */
  stratify?: boolean;
  /** Reshuffle the training samples every epoch (tensors and datasets). Default true. */
  shuffle?: boolean;
  callbacks?: readonly Callback[];
  /** 0 silent, 1 progress bar (one line per epoch when stdout is not a terminal), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** The epoch to start from (to resume). Default 0. */
  initialEpoch?: number;
  /** Seed of a private generator for the split and the shuffles; otherwise `generator`, otherwise the global one. */
  seed?: number;
  generator?: Generator;
  /** Data augmentation applied to each training batch (never to validation data); a list is applied in order. */
  transforms?: FitTransform | readonly FitTransform[];
}

export interface EvaluateOptions {
  /** Default 32. */
  batchSize?: number;
  callbacks?: readonly Callback[];
}

export interface PredictOptions {
  /** Default 32. */
  batchSize?: number;
  /** Hooks onPredict*; they run synchronously (a returned promise is not awaited). */
  callbacks?: readonly Callback[];
}

/** What predict accepts besides a tensor: samples (tensors, or [x, y] pairs whose x is used) or batches. */
export type PredictInput = DataInput | Iterable<Tensor> | readonly Tensor[];

/** How often `fit` and `evaluate` yield to the event loop, in milliseconds of work. */
export const YIELD_EVERY_MS = 10;

/** `valLoss`, `valAccuracy`: the key of a validation quantity. */
export const valKey = (key: string): string => `val${key[0]!.toUpperCase()}${key.slice(1)}`;

export class Trainer<M extends Module = Module> implements TrainerLike {
  readonly model: M;
  readonly optimizer: AnyOptimizer;
  readonly lossFn: LossFn;
  readonly lossName: string;
  readonly metrics: Metric[];
  /** Set (by a callback) to end `fit` after the current batch. */
  stopTraining = false;
  /** The History of the last `fit`. */
  history: History | undefined;
  #params: TrainParams | undefined;
  #lastBatch: LastBatch | undefined;

  constructor(model: M, { optimizer, loss, metrics = [] }: TrainerOptions) {
    if (model === null || typeof model !== "object" || typeof (model as Module).parameters !== "function") {
      throw new ValueError(`Trainer: expected a Module as the first argument, got ${model === null ? "null" : typeof model}.`);
    }
    if (optimizer === undefined) throw new ValueError('Trainer: options.optimizer is required, e.g. { optimizer: "adam" } or { optimizer: { name: "sgd", lr: 0.1 } }.');
    if (loss === undefined) throw new ValueError('Trainer: options.loss is required, e.g. { loss: "crossEntropy" } or { loss: "mse" }.');
    this.model = model;
    this.optimizer = resolveOptimizer(optimizer, model.parameters());
    const l = resolveLoss(loss);
    this.lossFn = l.fn;
    this.lossName = l.name;
    this.metrics = resolveMetrics(metrics, l.name);
  }

  get params(): TrainParams | undefined {
    return this.#params;
  }
  get lastBatch(): LastBatch | undefined {
    return this.#lastBatch;
  }

  // ------------------------------------------------------------------ fit

  /**
   * Trains for `epochs − initialEpoch` epochs and returns the History (one value per epoch of the loss, every
   * metric, their validation counterparts and the learning rate).
   *
   * `fit(x, y, options)` with tensors, or `fit(data, options)` with a Dataset of `[x, y]` samples, a
   * DataLoader, or an iterable of `[x, y]` batches.
   */
  fit(x: Tensor, y: Tensor, options?: FitOptions): Promise<History>;
  fit(data: DataInput, options?: FitOptions): Promise<History>;
  async fit(a: Tensor | DataInput, b?: Tensor | FitOptions, c?: FitOptions): Promise<History> {
    const withTensors = b instanceof Tensor;
    const opts = (withTensors ? c : (b as FitOptions | undefined)) ?? {};
    const {
      epochs = 1, batchSize = 32, validationSplit, validationData, stratify, shuffle = true, callbacks = [], verbose = 1,
      initialEpoch = 0, seed, generator, transforms,
    } = opts;
    checkInt("epochs", epochs, 0);
    checkInt("initialEpoch", initialEpoch, 0);
    checkInt("batchSize", batchSize, 1);
    if (![0, 1, 2].includes(verbose)) throw new ValueError(`fit: verbose must be 0, 1 or 2, got ${String(verbose)}.`);
    if (validationSplit !== undefined && validationData !== undefined) {
      throw new ValueError("fit: pass either validationSplit or validationData, not both.");
    }
    const g = seed !== undefined ? new Generator(seed) : (generator ?? getDefaultGenerator());

    let train: BatchSource;
    let val: BatchSource | undefined;
    if (withTensors) {
      let [xt, yt] = [a as Tensor, b as Tensor];
      checkXY("fit", xt, yt);
      if (validationSplit !== undefined) {
        const s = splitTensors(xt, yt, validationSplit, stratify, g);
        [xt, yt] = s.train;
        val = tensorSource(s.val[0], s.val[1], { batchSize, shuffle: false, generator: g });
      }
      train = tensorSource(xt, yt, { batchSize, shuffle, generator: g });
    } else {
      let data = a as DataInput;
      if (validationSplit !== undefined) {
        if (!(Array.isArray(data) || (isDataset(data) && !(data instanceof DataLoader)))) {
          throw new ValueError("fit: validationSplit needs tensors or a map-style Dataset (length + get); a DataLoader or an iterable streams its batches, so pass validationData instead.");
        }
        const s = splitDataset(data as Dataset<Batch> | readonly Batch[], validationSplit, stratify, g);
        data = s.train;
        val = dataSource("fit (validation)", s.val, { batchSize, shuffle: false, generator: g });
      }
      train = dataSource("fit", data, { batchSize, shuffle, generator: g });
    }
    if (validationData !== undefined) val = this.#evalSource("fit (validationData)", validationData, batchSize);
    const transform = composeTransforms(transforms);

    this.stopTraining = false;
    this.#params = { epochs, initialEpoch, steps: train.steps, samples: train.samples, batchSize: train.batchSize, verbose, validation: val !== undefined };
    const history = new History();
    this.history = history;
    const list = new CallbackList([history, ...callbacks, ...(verbose > 0 ? [new ProgressBar({ verbose: verbose as 1 | 2 })] : [])], this);
    const yielder = new Yielder(YIELD_EVERY_MS);
    const modes = saveModes(this.model);
    let last: Logs = {};
    try {
      await list.call("onTrainBegin", {});
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        this.model.train();
        await list.call("onEpochBegin", epoch, {});
        const logs = await this.#trainEpoch(train, epoch, list, yielder, transform);
        if (val) {
          const v = await this.#evaluate(val, list, yielder);
          for (const [k, x] of Object.entries(v)) logs[valKey(k)] = x;
        }
        logs.lr = (this.optimizer.paramGroups[0]?.lr as number | undefined) ?? NaN;
        await list.call("onEpochEnd", epoch, logs);
        last = logs;
      }
      await list.call("onTrainEnd", last);
    } finally {
      restoreModes(modes);
      this.#lastBatch = undefined;
    }
    return history;
  }

  async #trainEpoch(source: BatchSource, epoch: number, list: CallbackList, yielder: Yielder, transform: FitTransform | undefined): Promise<Logs> {
    for (const m of this.metrics) m.reset();
    let lossSum = 0, count = 0, batch = 0;
    for await (const raw of source.epoch()) {
      let [x, y] = checkBatch("fit", raw, batch);
      if (transform) [x, y] = checkBatch("fit (after transforms)", transform([x, y]), batch);
      await list.call("onBatchBegin", batch, {});
      const step = this.#trainStep(x, y);
      const n = x.shape[0]!;
      lossSum += step.value * n;
      count += n;
      if (!step.nanOutput) {
        noGrad(() => {
          const out = step.output.detach();
          for (const m of this.metrics) m.update(out, y);
        });
      }
      this.#lastBatch = { x, y, output: step.output, loss: step.loss, epoch, batch, leafValues: step.snapshot };
      await list.call("onBatchEnd", batch, this.#runningLogs(lossSum / count));
      if (step.nanOutput && !this.stopTraining) {
        const report = findNonFinite(step.output, { names: batchNames(this.model, x, y) });
        throw new ValueError(
          `fit: epoch ${epoch + 1}, batch ${batch}: the model's output contains NaN, so the loss cannot be computed. ` +
            `${report?.message ?? ""} ` +
            "(Add the TerminateOnNaN callback to stop training gracefully and keep the History instead of this error.)",
        );
      }
      batch++;
      if (this.stopTraining) break;
      await yielder.maybeYield();
    }
    if (count === 0) throw new ValueError("fit: the training data gave no batches (is it empty, or a one-shot iterator that was already read?).");
    return { loss: lossSum / count, ...this.#metricLogs() };
  }

  /**
   * One optimization step on a batch; returns the loss before the step and the model's output. When the
   * output itself holds a NaN (the losses refuse NaN inputs), no step is taken and `value` is NaN; `loss`
   * is then the output, whose graph says where the NaN came from.
   */
  #trainStep(x: Tensor, y: Tensor): StepResult {
    let first: StepResult | undefined;
    const closure = (): Tensor => {
      this.optimizer.zeroGrad();
      const output = this.model.call(x);
      if (!first && output instanceof Tensor && hasNaN(output)) throw new NaNOutput(output);
      const loss = this.#loss(output, y);
      if (!first) {
        const value = loss.item();
        // A non-finite loss: keep the parameters as they are before the step, so TerminateOnNaN can tell which
        // op produced the NaN from the values the forward pass really used.
        const snapshot = Number.isFinite(value) ? undefined : new Map(this.model.parameters().map((p) => [p as Tensor, noGrad(() => p.detach().clone())]));
        first = { value, loss, output, snapshot, nanOutput: false };
      }
      loss.backward();
      return loss;
    };
    try {
      this.optimizer.step(closure);
    } catch (e) {
      if (e instanceof NaNOutput) return { value: NaN, loss: e.output, output: e.output, snapshot: undefined, nanOutput: true };
      throw e;
    }
    return first!;
  }

  #loss(output: Tensor, y: Tensor): Tensor {
    if (!(output instanceof Tensor)) {
      throw new ValueError(`Trainer: ${this.model.constructor.name}.forward returned ${typeof output}, not a Tensor.`);
    }
    const loss = this.lossFn(output, y);
    if (!(loss instanceof Tensor)) throw new ValueError(`Trainer: the loss "${this.lossName}" returned ${typeof loss}, not a Tensor.`);
    if (loss.size !== 1) {
      throw new ShapeError(`Trainer: the loss "${this.lossName}" gave shape ${fmtShape(loss.shape)} for output ${fmtShape(output.shape)} and target ${fmtShape(y.shape)}; it must be a scalar. Use reduction "mean" (or "sum").`);
    }
    return loss;
  }

  /** Batch logs: the running loss, and each metric computed when first read (cheap when nobody reads it). */
  #runningLogs(loss: number): Logs {
    const logs: Logs = { loss };
    for (const m of this.metrics) {
      let cached: number | undefined;
      Object.defineProperty(logs, m.name, { enumerable: true, configurable: true, get: () => (cached ??= metricValue(m)) });
    }
    return logs;
  }

  #metricLogs(): Logs {
    return Object.fromEntries(this.metrics.map((m) => [m.name, metricValue(m)]));
  }

  // ------------------------------------------------------------------ evaluate

  /**
   * The loss and every metric on the data, in eval mode without gradients: `{ loss, accuracy, ... }`. The
   * loss is the sample-weighted mean of the batch losses (for a mean-reduced loss, the mean over all samples).
   */
  evaluate(x: Tensor, y: Tensor, options?: EvaluateOptions): Promise<Logs>;
  evaluate(data: DataInput, options?: EvaluateOptions): Promise<Logs>;
  async evaluate(a: Tensor | DataInput, b?: Tensor | EvaluateOptions, c?: EvaluateOptions): Promise<Logs> {
    const withTensors = b instanceof Tensor;
    const { batchSize = 32, callbacks = [] } = (withTensors ? c : (b as EvaluateOptions | undefined)) ?? {};
    checkInt("batchSize", batchSize, 1);
    const src = withTensors ? this.#evalSource("evaluate", [a as Tensor, b as Tensor], batchSize) : this.#evalSource("evaluate", a as DataInput, batchSize);
    const modes = saveModes(this.model);
    try {
      return await this.#evaluate(src, new CallbackList(callbacks, this), new Yielder(YIELD_EVERY_MS));
    } finally {
      restoreModes(modes);
    }
  }

  #evalSource(op: string, data: Batch | DataInput, batchSize: number): BatchSource {
    if (Array.isArray(data) && data.length === 2 && data[0] instanceof Tensor && data[1] instanceof Tensor) {
      checkXY(op, data[0], data[1]);
      return tensorSource(data[0], data[1], { batchSize, shuffle: false, generator: getDefaultGenerator() });
    }
    return dataSource(op, data as DataInput, { batchSize, shuffle: false, generator: getDefaultGenerator() });
  }

  async #evaluate(source: BatchSource, list: CallbackList, yielder: Yielder): Promise<Logs> {
    this.model.eval();
    await list.call("onTestBegin", {});
    for (const m of this.metrics) m.reset();
    let lossSum = 0, count = 0, batch = 0;
    for await (const raw of source.epoch()) {
      const [x, y] = checkBatch("evaluate", raw, batch);
      await list.call("onTestBatchBegin", batch, {});
      const value = noGrad(() => {
        const output = this.model.call(x);
        const v = this.#loss(output, y).item();
        for (const m of this.metrics) m.update(output, y);
        return v;
      });
      const n = x.shape[0]!;
      lossSum += value * n;
      count += n;
      await list.call("onTestBatchEnd", batch, this.#runningLogs(lossSum / count));
      batch++;
      await yielder.maybeYield();
    }
    if (count === 0) throw new ValueError("evaluate: the data gave no batches (is it empty?).");
    const logs = { loss: lossSum / count, ...this.#metricLogs() };
    await list.call("onTestEnd", logs);
    return logs;
  }

  // ------------------------------------------------------------------ predict

  /**
   * The model's outputs for every sample, in batches, in eval mode without gradients; the batch outputs are
   * concatenated along the first dimension. A tensor in gives a tensor out.
   * ```ts
   * const probs = trainer.predict(xTest).softmax(-1);
   * ```
   */
  predict(x: Tensor, options?: PredictOptions): Tensor;
  predict(data: PredictInput, options?: PredictOptions): Tensor;
  predict(data: Tensor | PredictInput, { batchSize = 32, callbacks = [] }: PredictOptions = {}): Tensor {
    checkInt("batchSize", batchSize, 1);
    const list = new CallbackList(callbacks, this);
    const modes = saveModes(this.model);
    this.model.eval();
    try {
      return noGrad(() => {
        list.callSync("onPredictBegin", {});
        const outs: Tensor[] = [];
        let batch = 0;
        for (const x of predictBatches(data, batchSize)) {
          list.callSync("onPredictBatchBegin", batch, {});
          const out = this.model.call(x);
          if (!(out instanceof Tensor)) throw new ValueError(`predict: ${this.model.constructor.name}.forward returned ${typeof out}, not a Tensor.`);
          outs.push(out);
          list.callSync("onPredictBatchEnd", batch, {});
          batch++;
        }
        if (outs.length === 0) throw new ValueError("predict: the data gave no batches (is it empty?).");
        list.callSync("onPredictEnd", {});
        return outs.length === 1 ? outs[0]! : cat(outs, 0);
      });
    } finally {
      restoreModes(modes);
    }
  }
}

/** Input batches for predict. */
function* predictBatches(data: Tensor | PredictInput, batchSize: number): IterableIterator<Tensor> {
  if (data instanceof Tensor) {
    if (data.ndim === 0) throw new ShapeError("predict: x is 0-d; it needs a first (sample) dimension.");
    const n = data.shape[0]!;
    for (let s = 0; s < n; s += batchSize) yield s === 0 && batchSize >= n ? data : slice(data, 0, s, Math.min(n, s + batchSize));
    return;
  }
  const mapStyle = Array.isArray(data) || (isDataset(data) && !(data instanceof DataLoader));
  const batches: Iterable<unknown> = mapStyle ? new DataLoader(data as never, { batchSize }) : (data as Iterable<unknown>);
  if (typeof (batches as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new ValueError("predict: expected a Tensor, a Dataset, a DataLoader or a (sync) iterable of batches; predict is synchronous, so collect an async source first.");
  }
  for (const b of batches) {
    const x = b instanceof Tensor ? b : Array.isArray(b) && b[0] instanceof Tensor ? b[0] : undefined;
    if (!x) throw new ValueError("predict: each sample or batch must be a Tensor or an [x, ...] array of tensors.");
    yield x;
  }
}

interface StepResult {
  value: number;
  loss: Tensor;
  output: Tensor;
  snapshot: Map<Tensor, Tensor> | undefined;
  /** The output held a NaN, so no loss was computed and no step taken. */
  nanOutput: boolean;
}

/** Thrown inside the optimizer's closure to skip the step when the output is NaN. */
class NaNOutput extends Error {
  constructor(readonly output: Tensor) {
    super("NaN output");
  }
}

function hasNaN(t: Tensor): boolean {
  if (t.dtype !== "float32" && t.dtype !== "float64") return false;
  for (const v of t.dataSync() as Float32Array | Float64Array) if (v !== v) return true;
  return false;
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ValueError(`fit: ${name} must be an integer ≥ ${min}, got ${String(v)}.`);
}

function metricValue(m: Metric<unknown>): number {
  const r = m.result();
  if (typeof r !== "number") {
    throw new ValueError(`Trainer: metric "${m.name}" gives a ${r instanceof Tensor ? "Tensor" : typeof r}, not a number, so it cannot be logged per epoch. Compute it after training instead (e.g. metrics.confusionMatrix(trainer.predict(x), y)).`);
  }
  return r;
}

function composeTransforms(t: FitTransform | readonly FitTransform[] | undefined): FitTransform | undefined {
  if (t === undefined) return undefined;
  const list = typeof t === "function" ? [t] : [...t];
  if (list.some((f) => typeof f !== "function")) throw new ValueError("fit: transforms must be a function (batch) => batch or a list of them.");
  return list.length === 0 ? undefined : (batch) => list.reduce((b, f) => f(b), batch);
}

/** Each sub-module's training flag, to restore after evaluate/predict (some may be frozen in eval mode). */
const saveModes = (model: Module): [Module, boolean][] => model.modules().map((m) => [m, m.training]);
const restoreModes = (modes: [Module, boolean][]): void => {
  for (const [m, t] of modes) m.training = t;
};
