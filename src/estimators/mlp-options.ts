/**
 * The hyperparameters of MLPClassifier / MLPRegressor: scikit-learn's full set in camelCase, with its
 * defaults, and their validation (each error names the estimator, the option, the value and what is allowed).
 */
import { ValueError } from "../errors.js";

/** Hidden-layer activation (the output activation follows from the task). */
export type MLPActivation = "identity" | "logistic" | "tanh" | "relu";
/** How the weights are optimized: L-BFGS on the full batch, or minibatch SGD / Adam. */
export type MLPSolver = "lbfgs" | "sgd" | "adam";
/** The SGD learning-rate schedule. */
export type MLPLearningRate = "constant" | "invscaling" | "adaptive";

export const ACTIVATIONS: readonly MLPActivation[] = ["identity", "logistic", "tanh", "relu"];
export const SOLVERS: readonly MLPSolver[] = ["lbfgs", "sgd", "adam"];
export const LEARNING_RATES: readonly MLPLearningRate[] = ["constant", "invscaling", "adaptive"];

/** scikit-learn's MLP hyperparameters (`hidden_layer_sizes` → `hiddenLayerSizes`, ...). */
export interface MLPOptions {
  /** Units of each hidden layer, default [100]. */
  hiddenLayerSizes: number[];
  /** Hidden activation, default "relu". */
  activation: MLPActivation;
  /** Optimizer, default "adam". */
  solver: MLPSolver;
  /** L2 penalty strength α ≥ 0: the loss gains `½α·Σ‖W‖² / batchSize` (default 1e-4). */
  alpha: number;
  /** Minibatch size for sgd/adam; "auto" = min(200, nSamples). */
  batchSize: number | "auto";
  /** SGD learning-rate schedule (default "constant"). */
  learningRate: MLPLearningRate;
  /** Initial learning rate for sgd/adam (default 1e-3). */
  learningRateInit: number;
  /** Exponent of "invscaling": `lr = learningRateInit / (t + 1)^powerT`, t = samples seen (default 0.5). */
  powerT: number;
  /** Epochs for sgd/adam; iterations for lbfgs (default 200). */
  maxIter: number;
  /** Shuffle the samples every epoch (sgd/adam, default true). */
  shuffle: boolean;
  /** Seed of every random draw (initial weights, shuffles, the early-stopping split); null: a fresh seed per fit. */
  randomState: number | null;
  /** Improvement threshold for stopping (and for "adaptive"); lbfgs: gradient tolerance (default 1e-4). */
  tol: number;
  /** Print progress (loss per epoch) with console.log. */
  verbose: boolean;
  /** Continue from the current weights on the next fit instead of re-initializing. */
  warmStart: boolean;
  /** SGD momentum in [0, 1] (default 0.9). */
  momentum: number;
  /** Nesterov momentum for SGD (default true). */
  nesterovsMomentum: boolean;
  /** Hold out validationFraction of the data and stop when its score stops improving (sgd/adam). */
  earlyStopping: boolean;
  /** Share held out with earlyStopping, in (0, 1) (default 0.1). */
  validationFraction: number;
  /** Adam's β₁ in [0, 1) (default 0.9). */
  beta1: number;
  /** Adam's β₂ in [0, 1) (default 0.999). */
  beta2: number;
  /** Adam's ε > 0 (default 1e-8). */
  epsilon: number;
  /** Epochs without a tol improvement before stopping (or lowering an "adaptive" rate), default 10. */
  nIterNoChange: number;
  /** Most loss evaluations for lbfgs (default 15000). */
  maxFun: number;
}

/** scikit-learn 1.2's defaults. */
export const mlpDefaults: Readonly<MLPOptions> = Object.freeze({
  hiddenLayerSizes: [100],
  activation: "relu",
  solver: "adam",
  alpha: 1e-4,
  batchSize: "auto",
  learningRate: "constant",
  learningRateInit: 1e-3,
  powerT: 0.5,
  maxIter: 200,
  shuffle: true,
  randomState: null,
  tol: 1e-4,
  verbose: false,
  warmStart: false,
  momentum: 0.9,
  nesterovsMomentum: true,
  earlyStopping: false,
  validationFraction: 0.1,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  nIterNoChange: 10,
  maxFun: 15000,
} as MLPOptions);

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === "number" && !Number.isNaN(v);

/**
 * Merges `options` over the defaults and checks every value; throws a ValueError naming the first bad one.
 * ```ts
 * resolveMLPOptions("MLPClassifier", { solver: "sgd" }).momentum; // 0.9
 * resolveMLPOptions("MLPClassifier", { alpha: -1 });              // ValueError: MLPClassifier: alpha must be a number ≥ 0 (the L2 penalty), got -1.
 * ```
 */
export function resolveMLPOptions(name: string, options: Partial<MLPOptions>): MLPOptions {
  if (options === null || typeof options !== "object") throw new ValueError(`${name}: options must be an object, got ${String(options)}.`);
  for (const k of Object.keys(options)) {
    if (!(k in mlpDefaults)) {
      throw new ValueError(`${name}: unknown option "${k}". Known options: ${Object.keys(mlpDefaults).join(", ")}.`);
    }
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...mlpDefaults, ...defined } as MLPOptions;
  o.hiddenLayerSizes = checkHidden(name, o.hiddenLayerSizes);
  const bad = (opt: string, want: string, v: unknown): never => {
    throw new ValueError(`${name}: ${opt} must be ${want}, got ${typeof v === "string" ? JSON.stringify(v) : String(v)}.`);
  };
  const oneOf = (opt: string, v: unknown, allowed: readonly string[]) => {
    if (!allowed.includes(v as string)) bad(opt, `one of ${allowed.map((a) => `"${a}"`).join(", ")}`, v);
  };
  oneOf("activation", o.activation, ACTIVATIONS);
  oneOf("solver", o.solver, SOLVERS);
  oneOf("learningRate", o.learningRate, LEARNING_RATES);
  if (!(isNum(o.alpha) && o.alpha >= 0 && o.alpha < Infinity)) bad("alpha", "a number ≥ 0 (the L2 penalty)", o.alpha);
  if (o.batchSize !== "auto" && !(isInt(o.batchSize) && o.batchSize >= 1)) bad("batchSize", '"auto" or an integer ≥ 1', o.batchSize);
  if (!(isNum(o.learningRateInit) && o.learningRateInit > 0 && o.learningRateInit < Infinity)) bad("learningRateInit", "a number > 0", o.learningRateInit);
  if (!(isNum(o.powerT) && o.powerT >= 0)) bad("powerT", "a number ≥ 0", o.powerT);
  if (!(isInt(o.maxIter) && o.maxIter >= 1)) bad("maxIter", "an integer ≥ 1", o.maxIter);
  if (typeof o.shuffle !== "boolean") bad("shuffle", "true or false", o.shuffle);
  if (o.randomState !== null && !isInt(o.randomState)) bad("randomState", "an integer seed or null", o.randomState);
  if (!(isNum(o.tol) && o.tol >= 0)) bad("tol", "a number ≥ 0", o.tol);
  if (typeof o.verbose !== "boolean") bad("verbose", "true or false", o.verbose);
  if (typeof o.warmStart !== "boolean") bad("warmStart", "true or false", o.warmStart);
  if (!(isNum(o.momentum) && o.momentum >= 0 && o.momentum <= 1)) bad("momentum", "a number in [0, 1]", o.momentum);
  if (typeof o.nesterovsMomentum !== "boolean") bad("nesterovsMomentum", "true or false", o.nesterovsMomentum);
  if (typeof o.earlyStopping !== "boolean") bad("earlyStopping", "true or false", o.earlyStopping);
  if (!(isNum(o.validationFraction) && o.validationFraction >= 0 && o.validationFraction < 1)) bad("validationFraction", "a number in [0, 1)", o.validationFraction);
  if (o.earlyStopping && o.validationFraction === 0) bad("validationFraction", "greater than 0 when earlyStopping is on", o.validationFraction);
  if (!(isNum(o.beta1) && o.beta1 >= 0 && o.beta1 < 1)) bad("beta1", "a number in [0, 1)", o.beta1);
  if (!(isNum(o.beta2) && o.beta2 >= 0 && o.beta2 < 1)) bad("beta2", "a number in [0, 1)", o.beta2);
  if (!(isNum(o.epsilon) && o.epsilon > 0)) bad("epsilon", "a number > 0", o.epsilon);
  if (!((isInt(o.nIterNoChange) && o.nIterNoChange >= 1) || o.nIterNoChange === Infinity)) bad("nIterNoChange", "an integer ≥ 1 or Infinity", o.nIterNoChange);
  if (!(isInt(o.maxFun) && o.maxFun >= 1)) bad("maxFun", "an integer ≥ 1", o.maxFun);
  return o;
}

function checkHidden(name: string, sizes: unknown): number[] {
  const list = typeof sizes === "number" ? [sizes] : sizes;
  if (!Array.isArray(list)) {
    throw new ValueError(`${name}: hiddenLayerSizes must be an array of layer widths such as [100] or [64, 32], got ${String(sizes)}.`);
  }
  list.forEach((u, i) => {
    if (!isInt(u) || u <= 0) {
      throw new ValueError(`${name}: hiddenLayerSizes must hold integers > 0, got ${JSON.stringify(list)} (entry ${i} is ${String(u)}). Remove empty layers or use [] for no hidden layer.`);
    }
  });
  return [...(list as number[])];
}
