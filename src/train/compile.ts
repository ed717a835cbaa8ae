/**
 * The compile-like configuration of a Trainer: an optimizer, a loss and metrics, each given as an object or
 * by name. `resolveOptimizer`, `resolveLoss` and `resolveMetrics` turn names into objects.
 *
 * ```ts
 * new Trainer(model, { optimizer: "adam", loss: "crossEntropy", metrics: ["accuracy"] });
 * new Trainer(model, { optimizer: { name: "sgd", lr: 0.1, momentum: 0.9 }, loss: nn.functional.mseLoss });
 * new Trainer(model, { optimizer: new optim.AdamW(model.parameters(), { lr: 3e-4 }), loss: new nn.CrossEntropyLoss() });
 * ```
 * Names are plain data, so a configuration made of names can be sent to a worker thread.
 */
import { ValueError } from "../errors.js";
import { getMetric, metricNames } from "../metrics/registry.js";
import { Accuracy, BinaryAccuracy } from "../metrics/accuracy-metrics.js";
import type { Metric } from "../metrics/metric.js";
import { crossEntropy, nllLoss } from "../nn/functional/class-losses.js";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv } from "../nn/functional/probability-losses.js";
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from "../nn/functional/regression-losses.js";
import { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import { Adadelta } from "../optim/adadelta.js";
import { Adagrad } from "../optim/adagrad.js";
import { Adam, AdamW } from "../optim/adam.js";
import { Adamax } from "../optim/adamax.js";
import { LBFGS } from "../optim/lbfgs.js";
import { NAdam } from "../optim/nadam.js";
import { Optimizer } from "../optim/optimizer.js";
import { RMSprop } from "../optim/rmsprop.js";
import { SGD } from "../optim/sgd.js";
import type { Tensor } from "../tensor.js";

/** A loss as a function of (model output, target) → a scalar tensor. */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

const OPTIMIZERS = {
  sgd: SGD, adam: Adam, adamw: AdamW, adamax: Adamax, nadam: NAdam, rmsprop: RMSprop, adagrad: Adagrad, adadelta: Adadelta, lbfgs: LBFGS,
} as const;
/** Optimizer names (case-insensitive): sgd, adam, adamw, adamax, nadam, rmsprop, adagrad, adadelta, lbfgs. */
export type OptimizerName = keyof typeof OPTIMIZERS;
/**
 * Any optimizer instance. (`Optimizer<any>`: `Optimizer<BaseOptions>` does not accept `SGD` and friends, because
 * the base class keeps its option validator as a function-typed property, which TypeScript checks contravariantly.)
 */
export type AnyOptimizer = Optimizer<any>;
/** An optimizer: an instance, a name (default options), or `{ name, ...options }`. */
export type OptimizerSpec = AnyOptimizer | OptimizerName | ({ name: OptimizerName } & Record<string, unknown>);

/**
 * `targetLike`: the named losses accept a target shaped `[N]` for an output shaped `[N, 1]` (reshaped, as
 * Keras does) and integer targets for losses that need floats (cast).
 */
const floatTarget = (out: Tensor, y: Tensor): Tensor => {
  let t = y.dtype === "float32" || y.dtype === "float64" ? y : y.to(out.dtype === "float64" ? "float64" : "float32");
  if (t.size === out.size && t.shape.join() !== out.shape.join()) t = t.reshape(out.shape);
  return t;
};
const LOSSES: Record<string, LossFn> = {
  crossEntropy: (o, y) => crossEntropy(o, y),
  nll: (o, y) => nllLoss(o, y),
  bce: (o, y) => binaryCrossEntropy(o, floatTarget(o, y)),
  bceWithLogits: (o, y) => binaryCrossEntropyWithLogits(o, floatTarget(o, y)),
  mse: (o, y) => mseLoss(o, floatTarget(o, y)),
  mae: (o, y) => l1Loss(o, floatTarget(o, y)),
  l1: (o, y) => l1Loss(o, floatTarget(o, y)),
  huber: (o, y) => huberLoss(o, floatTarget(o, y)),
  smoothL1: (o, y) => smoothL1Loss(o, floatTarget(o, y)),
  klDiv: (o, y) => klDiv(o, y),
};
const LOSS_ALIASES: Record<string, string> = {
  categoricalCrossentropy: "crossEntropy", sparseCategoricalCrossentropy: "crossEntropy", nllLoss: "nll",
  binaryCrossEntropy: "bce", binaryCrossentropy: "bce", binaryCrossEntropyWithLogits: "bceWithLogits",
  mseLoss: "mse", meanSquaredError: "mse", l1Loss: "l1", meanAbsoluteError: "mae", huberLoss: "huber", smoothL1Loss: "smoothL1",
};
/** Loss names: crossEntropy, nll, bce, bceWithLogits, mse, mae (= l1), huber, smoothL1, klDiv (and a few Keras/PyTorch aliases). */
export const lossNames = (): string[] => [...Object.keys(LOSSES), ...Object.keys(LOSS_ALIASES)];
/** A loss: a name, a function `(output, target) => scalar`, or a loss Module (`new nn.MSELoss()`). */
export type LossSpec = string | LossFn | Module<[Tensor, Tensor]>;

/** A metric: a name known to `metrics.getMetric` ("accuracy", "f1", "mse", ...) or a streaming Metric object. */
export type MetricSpec = string | Metric;

/**
 * The optimizer for `params`: the instance itself, or a new one from a name and options.
 * ```ts
 * resolveOptimizer({ name: "adam", lr: 0.01 }, model.parameters()); // new Adam(params, { lr: 0.01 })
 * ```
 */
export function resolveOptimizer(spec: OptimizerSpec, params: Parameter[]): AnyOptimizer {
  if (spec instanceof Optimizer) return spec;
  const { name, ...options } = typeof spec === "string" ? { name: spec } : spec;
  const Ctor = typeof name === "string" ? OPTIMIZERS[name.toLowerCase() as OptimizerName] : undefined;
  if (!Ctor) {
    throw new ValueError(`Trainer: unknown optimizer ${JSON.stringify(name)}. Known names: ${Object.keys(OPTIMIZERS).join(", ")}; or pass an optimizer instance (new optim.Adam(model.parameters(), { lr })).`);
  }
  if (params.length === 0) throw new ValueError(`Trainer: the model has no parameters, so "${name}" has nothing to optimize.`);
  return new (Ctor as unknown as new (p: Parameter[], o: Record<string, unknown>) => AnyOptimizer)(params, options);
}

/** The loss function for a spec, and its name (for messages). */
export function resolveLoss(spec: LossSpec): { fn: LossFn; name: string } {
  if (spec instanceof Module) return { fn: (o, y) => spec.call(o, y), name: spec.constructor.name };
  if (typeof spec === "function") return { fn: spec, name: spec.name || "loss" };
  if (typeof spec === "string") {
    const key = Object.hasOwn(LOSSES, spec) ? spec : LOSS_ALIASES[spec];
    if (key && Object.hasOwn(LOSSES, key)) return { fn: LOSSES[key]!, name: key };
  }
  throw new ValueError(`Trainer: unknown loss ${JSON.stringify(spec)}. Known names: ${lossNames().join(", ")}; or pass a function (output, target) => Tensor, or a loss module such as new nn.CrossEntropyLoss().`);
}

/**
 * Streaming metric objects for the specs. With a logits loss ("bceWithLogits"), "accuracy" by name
 * thresholds the logits at 0 (the same as probabilities at 0.5, since sigmoid(z) > 0.5 ⇔ z > 0).
 */
export function resolveMetrics(specs: readonly MetricSpec[], lossName?: string): Metric[] {
  const out = specs.map((s) => {
    if (typeof s === "string" && lossName === "bceWithLogits") {
      if (s === "accuracy" || s === "acc") return new Accuracy({ threshold: 0, name: s });
      if (s === "binaryAccuracy") return new BinaryAccuracy({ threshold: 0 });
    }
    if (typeof s !== "string" && (s === null || typeof s !== "object" || typeof (s as Metric).update !== "function")) {
      throw new ValueError(`Trainer: metrics must be names (${metricNames().join(", ")}) or Metric objects, got ${String(s)}.`);
    }
    return getMetric(s);
  });
  const names = out.map((m) => m.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ValueError(`Trainer: two metrics are named "${dup}"; give one a different name (e.g. new metrics.F1Score({ name: "f1Macro" })).`);
  if (names.includes("loss") || names.includes("lr")) throw new ValueError(`Trainer: a metric may not be named "loss" or "lr" (those keys are the trainer's).`);
  return out;
}
