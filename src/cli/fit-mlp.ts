/**
 * One training run of the command line's MLP on prepared (standardized) data: build the network from the
 * hyperparameters, train it with the Trainer (Adam or another optimizer, cross-entropy or MSE, optional L2
 * on the weights, early stopping on the validation loss that restores the best weights), and return the
 * model and its History. `nabla train` calls it once; `nabla tune` once per trial and fold.
 *
 * ```ts
 * const r = await fitMlp(DEFAULT_HYPER, { xTrain, yTrain, xVal, yVal }, { task: "classify", outFeatures: 10, seed: 0 });
 * r.history.history.valAccuracy; // per epoch
 * ```
 */
import { manualSeed } from "../random.js";
import type { Tensor } from "../tensor.js";
import { l2Penalty, weightsOnly } from "../nn/regularization.js";
import type { Sequential } from "../nn/layers/sequential.js";
import type { Module } from "../nn/module.js";
import { Trainer } from "../train/trainer.js";
import { resolveLoss, type LossFn, type OptimizerName } from "../train/compile.js";
import { EarlyStopping } from "../train/callbacks/early-stopping.js";
import { TerminateOnNaN } from "../train/callbacks/terminate-on-nan.js";
import { InputError } from "./errors.js";
import { ProgressBar, type WritableLike } from "../train/callbacks/progress-bar.js";
import type { Callback } from "../train/callbacks/callback.js";
import type { History } from "../train/history.js";
import { buildMlp, type ActivationName } from "./mlp.js";
import type { Task } from "./tabular-data.js";

/** Optimizer names the command line offers (L-BFGS is left out: it does not suit mini-batches). */
export const OPTIMIZER_NAMES = ["adam", "adamw", "sgd", "rmsprop", "nadam", "adamax", "adagrad", "adadelta"] as const satisfies readonly OptimizerName[];
export type CliOptimizer = (typeof OPTIMIZER_NAMES)[number];

/** Everything that defines a training run besides the data. */
export interface Hyper {
  hidden: number[];
  activation: ActivationName;
  optimizer: CliOptimizer;
  lr: number;
  epochs: number;
  batchSize: number;
  /** Early-stopping patience in epochs (0: off). Needs validation data. */
  earlyStopping: number;
  dropout: number;
  /** L2 strength α on the weights (not biases), as scikit-learn's alpha: `α/(2B) · Σ‖W‖²` per batch of B rows. */
  l2: number;
}

/** The defaults of `nabla train` (tuned so the built-in digits reach ≥ 95% validation accuracy in seconds). */
export const DEFAULT_HYPER: Hyper = {
  hidden: [64], activation: "relu", optimizer: "adam", lr: 3e-3, epochs: 40, batchSize: 32, earlyStopping: 10, dropout: 0, l2: 0,
};

export interface SplitData {
  xTrain: Tensor;
  yTrain: Tensor;
  xVal?: Tensor;
  yVal?: Tensor;
}

export interface FitMlpOptions {
  task: Task;
  /** Classes (classification) or 1 (regression). */
  outFeatures: number;
  /** Seeds the weights, dropout and the shuffles. */
  seed: number;
  /** Where to draw progress (none: silent). */
  progress?: WritableLike;
  /** Extra callbacks (e.g. to stop on Ctrl-C). */
  callbacks?: Callback[];
}

export interface FitMlpResult {
  model: Sequential;
  history: History;
  /** Epochs that ran. */
  epochsRun: number;
  /** The index (0-based) of the epoch whose weights the model holds: the best one under early stopping, else the last. */
  keptEpoch: number;
  /** True when early stopping ended training before `epochs`. */
  stoppedEarly: boolean;
}

/**
 * The training loss: cross-entropy of the logits (classification) or MSE (regression), plus, with `l2 > 0`
 * and only in training mode, `l2/(2B) · Σ‖W‖²` over the weight matrices (B: the batch's rows). Validation and
 * reported losses are the data loss alone.
 */
export function mlpLoss(model: Module, task: Task, l2: number): LossFn {
  const base = resolveLoss(task === "classify" ? "crossEntropy" : "mse").fn;
  if (!(l2 > 0)) return base;
  const weights = weightsOnly(model.namedParameters());
  return (out, y) => (model.training ? base(out, y).add(l2Penalty(weights, l2, { m: out.shape[0]! })) : base(out, y));
}

/** Builds and trains one MLP; see the file's doc comment. */
export async function fitMlp(hp: Hyper, d: SplitData, { task, outFeatures, seed, progress, callbacks = [] }: FitMlpOptions): Promise<FitMlpResult> {
  manualSeed(seed);
  const model = buildMlp({ inFeatures: d.xTrain.shape[1]!, hidden: hp.hidden, outFeatures, activation: hp.activation, dropout: hp.dropout });
  const loss = mlpLoss(model, task, hp.l2);
  const trainer = new Trainer(model, { optimizer: { name: hp.optimizer, lr: hp.lr }, loss, metrics: [task === "classify" ? "accuracy" : "r2"] });
  const hasVal = d.xVal !== undefined && d.yVal !== undefined;
  const stop = hasVal && hp.earlyStopping > 0 ? new EarlyStopping({ monitor: "valLoss", patience: hp.earlyStopping, restoreBestWeights: true }) : undefined;
  const nan = new TerminateOnNaN({ stream: null });
  const diverged = (): InputError => {
    if (progress) progress.write("\n");
    const op = nan.report?.op ? ` (the first non-finite value came from "${nan.report.op}")` : "";
    return new InputError(`training diverged: the loss became non-finite in epoch ${nan.at!.epoch + 1}, batch ${nan.at!.batch + 1}${op}; ` +
      `lower the learning rate (--lr ${hp.lr}), or check the data for extreme values`);
  };
  let history: History;
  try {
    history = await trainer.fit(d.xTrain, d.yTrain, {
      epochs: hp.epochs,
      batchSize: hp.batchSize,
      validationData: hasVal ? [d.xVal!, d.yVal!] : undefined,
      seed,
      verbose: 0,
      callbacks: [nan, ...(stop ? [stop] : []), ...(progress ? [new ProgressBar({ stream: progress })] : []), ...callbacks],
    });
  } catch (e) {
    // After a non-finite training loss, validating the diverged weights fails too; report the cause.
    throw nan.at ? diverged() : e;
  }
  if (nan.at) throw diverged();
  const epochsRun = history.epoch.length;
  return { model, history, epochsRun, keptEpoch: stop && stop.bestEpoch >= 0 ? stop.bestEpoch : epochsRun - 1, stoppedEarly: epochsRun < hp.epochs };
}
