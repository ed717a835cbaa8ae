/**
 * One trial of a search: fit a learner with one parameter setting on the training part of one fold and score
 * it on the held-out part. The same function runs in-process (`nJobs: 1`) and in a worker thread, so both
 * give the same numbers.
 *
 * A learner is either
 * - an estimator with `getParams / setParams / clone / fit / score` (MLPClassifier, MLPRegressor, or your own
 *   class): each trial fits `estimator.clone().setParams(params)` and scores it with `score(xVal, yVal)`; or
 * - a model factory `(params) => ({ model, optimizer, loss, metrics?, callbacks? })`: each trial builds a
 *   fresh Module and trains it with a Trainer (`epochs` and `batchSize` are taken from the params when
 *   present), then scores it on the held-out part (`scoring`: a metric name, or "loss").
 */
import { ValueError } from "../errors.js";
import { MLPClassifier } from "../estimators/mlp-classifier.js";
import { MLPRegressor } from "../estimators/mlp-regressor.js";
import { getMetric } from "../metrics/registry.js";
import { Module } from "../nn/module.js";
import { getDefaultGenerator, manualSeed, philox4x32 } from "../random.js";
import { Tensor } from "../tensor.js";
import type { Callback } from "../train/callbacks/callback.js";
import type { LossSpec, MetricSpec, OptimizerSpec } from "../train/compile.js";
import { higherIsBetter } from "../train/history.js";
import { Trainer } from "../train/trainer.js";
import type { Params } from "./spaces.js";

/** What a search can tune: scikit-learn's estimator interface (fit and score may be async). */
export interface SearchEstimator {
  getParams(): object;
  setParams(params: Params): unknown;
  clone(): SearchEstimator;
  fit(x: any, y: any): unknown;
  score(x: any, y: any): number | Promise<number>;
}

/** What a model factory returns: a fresh Module and the Trainer's options for it. */
export interface ModelTrial {
  model: Module;
  optimizer: OptimizerSpec;
  loss: LossSpec;
  metrics?: readonly MetricSpec[];
  /** Callbacks for the trial's fit (no validation data is passed to it; monitor "loss"). */
  callbacks?: readonly Callback[];
}

/** Builds a model for one parameter setting (called once per trial, after the global generator is seeded). */
export type ModelFactory<P extends Params = any> = (params: P) => ModelTrial | Promise<ModelTrial>;

/**
 * A model factory that worker threads can import: a module path (relative to the working directory) or URL,
 * and the name of its export (default "default"), a `ModelFactory` function.
 */
export interface FactoryRef {
  module: string | URL;
  export?: string;
}

/** Fit options a model-factory search uses unless the params set them. */
export interface TrialFitDefaults {
  epochs?: number;
  batchSize?: number;
}

/** The learner as the trial runner uses it (in-process objects). */
export type Learner =
  | { kind: "estimator"; base: SearchEstimator; seedParam: boolean }
  | { kind: "factory"; make: ModelFactory; fit: TrialFitDefaults; scoring: string | undefined };

/** The learner as plain data, for a worker to rebuild. */
export type LearnerWire =
  | { kind: "estimator"; className: keyof typeof ESTIMATORS; baseParams: Params; seedParam: boolean }
  | { kind: "factory"; url: string; exportName: string; fit: TrialFitDefaults; scoring: string | undefined };

/** The estimator classes a worker can rebuild from a name and params. */
export const ESTIMATORS = { MLPClassifier, MLPRegressor } as const;

/** Targets: a tensor, or an array of labels (numbers or strings) or numbers. */
export type Targets = Tensor | readonly unknown[];

/** Features and targets of a search (rows are samples). */
export interface SearchData {
  x: Tensor;
  y: Targets;
}

/** One fit: a candidate setting on one fold, with its seed. */
export interface TrialTask {
  candidate: number;
  fold: number;
  params: Params;
  seed: number;
}

/** What a trial gives back. Times in seconds. */
export interface TrialOutcome {
  candidate: number;
  fold: number;
  score: number;
  /** The error message when the trial threw (score is then NaN until errorScore is applied). */
  error: string | null;
  fitTime: number;
  scoreTime: number;
  /** The name of the score: "accuracy", "r2", "score", or e.g. "negLoss" for a negated loss. */
  scoring: string;
}

/**
 * A 53-bit seed derived from `seed` and two lane numbers by one Philox block (a hash: independent of the order
 * in which trials run).
 * ```ts
 * deriveSeed(0, 3, 1) === deriveSeed(0, 3, 1); // true; deriveSeed(0, 3, 2) differs
 * ```
 */
export function deriveSeed(seed: number, a: number, b: number): number {
  const [w0, w1] = philox4x32([a >>> 0, b >>> 0, 0x5ea4c4, 0x7a1], [seed >>> 0, Math.floor(seed / 4294967296) >>> 0]);
  return w0 + (w1 & 0x1fffff) * 4294967296;
}

/** Rows `idx` of a tensor or an array. */
export function takeRows<T extends Targets>(v: T, idx: readonly number[]): T {
  return (v instanceof Tensor ? v.indexSelect(0, [...idx]) : idx.map((i) => (v as readonly unknown[])[i])) as T;
}

/** The estimator's score name: accuracy for a classifier, R² for a regressor. */
export function estimatorScoring(e: SearchEstimator): string {
  return e instanceof MLPClassifier ? "accuracy" : e instanceof MLPRegressor ? "r2" : "score";
}

const negName = (name: string): string => `neg${name[0]!.toUpperCase()}${name.slice(1)}`;

/** A fitted learner. */
export type Fitted = { kind: "estimator"; estimator: SearchEstimator } | { kind: "factory"; model: Module; trainer: Trainer };

/**
 * Fits a learner with `params` on `x`, `y`. The estimator gets `randomState: seed` when its own is null (and
 * the params do not set it); a factory is called after `manualSeed(seed)` (initialization, dropout) and its
 * Trainer shuffles with `seed`. The global generator's state is restored afterwards.
 */
export async function fitLearner(learner: Learner, params: Params, seed: number, x: Tensor, y: Targets): Promise<Fitted> {
  if (learner.kind === "estimator") {
    const est = learner.base.clone();
    est.setParams(learner.seedParam && !("randomState" in params) ? { ...params, randomState: seed } : params);
    await est.fit(x, y);
    return { kind: "estimator", estimator: est };
  }
  if (!(y instanceof Tensor)) throw new ValueError("search: a model factory trains with a Trainer, so y must be a Tensor.");
  const g = getDefaultGenerator();
  const saved = g.getState();
  try {
    manualSeed(seed);
    const built = await learner.make(params);
    if (built === null || typeof built !== "object" || !(built.model instanceof Module)) {
      throw new ValueError(`search: the model factory must return { model: Module, optimizer, loss, metrics? }, got ${built === null ? "null" : typeof built}${built && typeof built === "object" ? ` with keys ${Object.keys(built).join(", ")}` : ""}.`);
    }
    const trainer = new Trainer(built.model, { optimizer: built.optimizer, loss: built.loss, metrics: built.metrics ?? [] });
    const epochs = (params.epochs as number | undefined) ?? learner.fit.epochs;
    const batchSize = (params.batchSize as number | undefined) ?? learner.fit.batchSize;
    await trainer.fit(x, y, { epochs, batchSize, seed, verbose: 0, callbacks: built.callbacks ?? [] });
    return { kind: "factory", model: built.model, trainer };
  } finally {
    g.setState(saved);
  }
}

/**
 * The score of a fitted learner on `x`, `y` (higher is better) and its name. Estimators: `score(x, y)`.
 * Factories: `scoring` (default: the first metric of the Trainer, else "loss"); a metric where lower is
 * better (loss, mse, mae) is negated and named "negLoss", "negMse", ...
 */
export async function scoreFitted(fitted: Fitted, x: Tensor, y: Targets, scoring: string | undefined): Promise<{ score: number; scoring: string }> {
  if (fitted.kind === "estimator") return { score: await fitted.estimator.score(x, y), scoring: estimatorScoring(fitted.estimator) };
  const { trainer } = fitted;
  const name = scoring ?? trainer.metrics[0]?.name ?? "loss";
  const yt = y as Tensor;
  let value: number;
  if (name === "loss" || trainer.metrics.some((m) => m.name === name)) {
    value = (await trainer.evaluate(x, yt))[name]!;
  } else {
    const metric = getMetric(name);
    metric.update(trainer.predict(x), yt);
    const r = metric.result();
    if (typeof r !== "number") throw new ValueError(`search: scoring "${name}" gives a ${typeof r}, not a number; choose a metric with one value (accuracy, f1, r2, mse, ...).`);
    value = r;
  }
  return higherIsBetter(name) ? { score: value, scoring: name } : { score: -value, scoring: negName(name) };
}

/** Runs one trial on the fold's rows: fit on `train`, score on `test`; a thrown error becomes `error`. */
export async function runTrial(learner: Learner, data: SearchData, fold: { train: readonly number[]; test: readonly number[] }, task: TrialTask): Promise<TrialOutcome> {
  const { candidate } = task;
  const t0 = performance.now();
  let fitTime = 0;
  try {
    const fitted = await fitLearner(learner, task.params, task.seed, takeRows(data.x, fold.train), takeRows(data.y, fold.train));
    const t1 = performance.now();
    fitTime = (t1 - t0) / 1000;
    const s = await scoreFitted(fitted, takeRows(data.x, fold.test), takeRows(data.y, fold.test), learner.kind === "factory" ? learner.scoring : undefined);
    if (typeof s.score !== "number") throw new ValueError(`search: score() returned ${typeof s.score}, not a number.`);
    return { candidate, fold: task.fold, score: s.score, error: null, fitTime, scoreTime: (performance.now() - t1) / 1000, scoring: s.scoring };
  } catch (e) {
    const err = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (fitTime === 0) fitTime = (performance.now() - t0) / 1000;
    return { candidate, fold: task.fold, score: NaN, error: err, fitTime, scoreTime: 0, scoring: "" };
  }
}

/** Imports a factory module's export (a function). */
export async function importFactory(url: string, exportName: string): Promise<ModelFactory> {
  const mod = (await import(url)) as Record<string, unknown>;
  const f = mod[exportName];
  if (typeof f !== "function") {
    throw new ValueError(`search: ${url} has no export "${exportName}" that is a model factory function (exports: ${Object.keys(mod).join(", ") || "none"}).`);
  }
  return f as ModelFactory;
}

/** Rebuilds a learner from its plain-data form (in a worker). */
export async function learnerFromWire(w: LearnerWire): Promise<Learner> {
  if (w.kind === "estimator") {
    const Cls = ESTIMATORS[w.className];
    if (!Cls) throw new ValueError(`search: unknown estimator class "${String(w.className)}"; known: ${Object.keys(ESTIMATORS).join(", ")}.`);
    return { kind: "estimator", base: new Cls(w.baseParams) as SearchEstimator, seedParam: w.seedParam };
  }
  return { kind: "factory", make: await importFactory(w.url, w.exportName), fit: w.fit, scoring: w.scoring };
}
