/**
 * What GridSearch and RandomSearch share (scikit-learn's `BaseSearchCV`): checking the learner and the
 * options, making the validation folds, running every (candidate, fold) trial in-process or on worker
 * threads, applying `errorScore`, ranking the candidates, and refitting the best one on all the data.
 *
 * Seeds: everything random follows from `randomState` (the search seed). The folds are drawn with
 * `deriveSeed(randomState, CV_LANE, 0)`, RandomSearch's settings with `deriveSeed(randomState, SAMPLER_LANE,
 * 0)`, and the fit of candidate `c` on fold `f` with `deriveSeed(randomState, c, f)` — a hash, so results do
 * not depend on which worker runs a trial or when. An estimator whose `randomState` is set keeps it for every
 * fit (scikit-learn's behaviour); one whose `randomState` is null gets the trial's seed.
 */
import { stratifiedKFold, kFold, trainTestSplitIndices, type Fold } from "../data/splits.js";
import { NablaError, ValueError } from "../errors.js";
import { MLPClassifier } from "../estimators/mlp-classifier.js";
import { MLPRegressor } from "../estimators/mlp-regressor.js";
import { toMatrix } from "../estimators/inputs.js";
import type { Module } from "../nn/module.js";
import { Generator, getDefaultGenerator } from "../random.js";
import { Tensor } from "../tensor.js";
import type { Trainer } from "../train/trainer.js";
import { yieldToEventLoop } from "../train/yield.js";
import { buildResults, formatResults, type SearchResult } from "./results.js";
import { runInWorkers } from "./search-worker.js";
import type { Params } from "./spaces.js";
import {
  deriveSeed, estimatorScoring, fitLearner, importFactory, runTrial,
  type FactoryRef, type Learner, type LearnerWire, type ModelFactory, type SearchData, type SearchEstimator, type Targets,
  type TrialFitDefaults, type TrialOutcome, type TrialTask,
} from "./trial.js";

/** Seed lanes (the trial lanes are the candidate and fold indices, far below these). */
export const CV_LANE = 0xfffffffe;
export const SAMPLER_LANE = 0xfffffffd;
export const REFIT_LANE = 0xffffffff;

/** What a search tunes: an estimator, a model factory function (in-process only), or a factory module. */
export type SearchLearner = SearchEstimator | ModelFactory | FactoryRef;

/** A trial that ended, as `onTrial` sees it. */
export interface TrialEvent extends TrialOutcome {
  params: Params;
  /** Trials ended so far, and in all. */
  done: number;
  total: number;
}

export interface SearchOptions {
  /** Folds: k (shuffled, seeded; stratified for classifiers) or explicit `[{ train, test }]`. Default 5. */
  cv?: number | readonly Fold[];
  /** Instead of k folds: hold out this fraction once (shuffled, seeded, stratified for classifiers). */
  validationFraction?: number;
  /** Stratify the folds by class. Default: true for MLPClassifier, and for a factory when y is 1-D int32. */
  stratify?: boolean;
  /** The search seed: folds, sampled settings and per-trial seeds. Default: a draw from the global generator. */
  randomState?: number;
  /** Worker threads; 1 runs in-process, -1 uses every core. Default min(cores, trials) when trials can go to workers, else 1. */
  nJobs?: number;
  /** Refit the best setting on all the data (`bestEstimator` / `bestModel`). Default true. */
  refit?: boolean;
  /** The score of a trial that throws: a number (default NaN), or "raise" to stop the search with the error. */
  errorScore?: "raise" | number;
  /** Model factories: a metric name (accuracy, f1, r2, mse, ...) or "loss". Default: the Trainer's first metric, else "loss". */
  scoring?: string;
  /** Model factories: fit options used when the params do not set them. */
  fitOptions?: TrialFitDefaults;
  /** 0 silent (default), 1 one line per candidate, 2 one line per trial. */
  verbose?: 0 | 1 | 2;
  /** Called when each trial ends (in the order they end). */
  onTrial?: (event: TrialEvent) => void;
}

/** A trial that threw, under `errorScore: "raise"`. */
export class TrialError extends NablaError {
  override name = "TrialError";
  constructor(message: string, readonly params: Params, readonly candidate: number, readonly fold: number) {
    super(message);
  }
}

const isEstimator = (v: unknown): v is SearchEstimator =>
  v !== null && typeof v === "object" && ["getParams", "setParams", "clone", "fit", "score"].every((k) => typeof (v as Record<string, unknown>)[k] === "function");

/** The number of cores, or 1 where there is no `node:os` (browsers). */
async function coreCount(): Promise<number> {
  try {
    const os = await import("node:os");
    return Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
  } catch {
    return 1;
  }
}

async function factoryUrl(m: string | URL): Promise<string> {
  if (m instanceof URL) return m.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(m) && !/^[a-z]:[\\/]/i.test(m)) return m;
  const { pathToFileURL } = await import("node:url");
  const { resolve } = await import("node:path");
  return pathToFileURL(resolve(m)).href;
}

/** A setting for messages (functions shown by name, which JSON would drop). */
const fmt = (p: Params): string => JSON.stringify(p, (_k, v) => (typeof v === "function" ? `[function ${v.name || "anonymous"}]` : v));

export abstract class BaseSearch<E extends SearchEstimator = SearchEstimator> {
  protected abstract readonly op: string;
  readonly learner: SearchLearner;
  readonly options: Readonly<SearchOptions>;

  /** One row per candidate, best first (see SearchResult). */
  cvResults: SearchResult[] = [];
  /** The best setting (rank 1, lowest candidate index among ties), its mean score and its candidate index. */
  bestParams: Params | undefined;
  bestScore = NaN;
  bestIndex = -1;
  /** Estimators: a clone with the best params fitted on all the data (refit). */
  bestEstimator: E | undefined;
  /** Model factories: the best model trained on all the data (refit), and its Trainer (predict, evaluate). */
  bestModel: Module | undefined;
  bestTrainer: Trainer | undefined;
  /** Seconds the refit took. */
  refitTime = NaN;
  /** Folds per candidate. */
  nSplits = 0;
  /** The score's name: "accuracy", "r2", "score", "negLoss", ... */
  scoring = "score";
  /** The search seed used (randomState, or the one drawn). */
  seed: number | undefined;
  /** Worker threads used (1: in-process). */
  nJobsUsed = 0;
  /** Notes such as RandomSearch running fewer settings than nIter. */
  warnings: string[] = [];

  constructor(learner: SearchLearner, options: SearchOptions) {
    this.learner = learner;
    this.options = { ...options };
  }

  /** The settings to try, in order, for the search seed. */
  protected abstract candidates(seed: number): Params[];

  /** The results table (see formatResults). */
  toString(): string {
    return this.cvResults.length === 0 ? `${this.op} (not fitted)` : formatResults(this.cvResults, { scoring: this.scoring });
  }

  #checkOptions(): void {
    const o = this.options, op = this.op;
    if (o.cv !== undefined && o.validationFraction !== undefined) throw new ValueError(`${op}: pass either cv (k folds) or validationFraction (one held-out split), not both.`);
    if (typeof o.cv === "number" && !(Number.isInteger(o.cv) && o.cv >= 2)) throw new ValueError(`${op}: cv must be an integer ≥ 2 (folds) or a list of { train, test } index arrays, got ${o.cv}. For one held-out split use validationFraction.`);
    if (o.cv !== undefined && typeof o.cv !== "number" && (!Array.isArray(o.cv) || o.cv.length === 0)) throw new ValueError(`${op}: cv must be an integer ≥ 2 or a non-empty list of { train, test } index arrays.`);
    if (o.validationFraction !== undefined && !(o.validationFraction > 0 && o.validationFraction < 1)) throw new ValueError(`${op}: validationFraction must be in (0, 1), got ${o.validationFraction}.`);
    if (o.randomState !== undefined && !Number.isInteger(o.randomState)) throw new ValueError(`${op}: randomState must be an integer seed, got ${o.randomState}.`);
    if (o.nJobs !== undefined && !(Number.isInteger(o.nJobs) && (o.nJobs >= 1 || o.nJobs === -1))) throw new ValueError(`${op}: nJobs must be an integer ≥ 1, or -1 for every core, got ${String(o.nJobs)}.`);
    if (o.errorScore !== undefined && o.errorScore !== "raise" && typeof o.errorScore !== "number") throw new ValueError(`${op}: errorScore must be "raise" or a number (default NaN), got ${JSON.stringify(o.errorScore)}.`);
    if (o.verbose !== undefined && ![0, 1, 2].includes(o.verbose)) throw new ValueError(`${op}: verbose must be 0, 1 or 2, got ${String(o.verbose)}.`);
    if (o.scoring !== undefined && isEstimator(this.learner)) throw new ValueError(`${op}: scoring applies to model factories; an estimator is scored by its score method (accuracy for MLPClassifier, R² for MLPRegressor).`);
    if (o.fitOptions !== undefined && isEstimator(this.learner)) throw new ValueError(`${op}: fitOptions applies to model factories; tune an estimator's own options instead (e.g. maxIter, batchSize).`);
  }

  /** The learner in-process, and as plain data for workers (null when it cannot go to a worker). */
  async #resolveLearner(): Promise<{ learner: Learner; wire: LearnerWire | null }> {
    const l = this.learner, o = this.options;
    const fit = { ...(o.fitOptions ?? {}) };
    if (typeof l === "function") return { learner: { kind: "factory", make: l, fit, scoring: o.scoring }, wire: null };
    if (isEstimator(l)) {
      const params = l.getParams() as Params;
      const seedParam = "randomState" in params && params.randomState === null;
      const className = l instanceof MLPClassifier ? "MLPClassifier" : l instanceof MLPRegressor ? "MLPRegressor" : null;
      return {
        learner: { kind: "estimator", base: l, seedParam },
        wire: className && { kind: "estimator", className, baseParams: structuredClone(params), seedParam },
      };
    }
    if (l !== null && typeof l === "object" && "module" in l) {
      const url = await factoryUrl(l.module);
      const exportName = l.export ?? "default";
      return { learner: { kind: "factory", make: await importFactory(url, exportName), fit, scoring: o.scoring }, wire: { kind: "factory", url, exportName, fit, scoring: o.scoring } };
    }
    throw new ValueError(`${this.op}: the first argument must be an estimator (with getParams, setParams, clone, fit and score, e.g. new MLPClassifier()), a model factory (params) => ({ model, optimizer, loss }), or { module: path, export: name } naming a factory for worker threads.`);
  }

  /** Unknown parameter names and invalid values fail before any training. */
  #checkCandidates(learner: Learner, candidates: Params[]): void {
    if (candidates.length === 0) throw new ValueError(`${this.op}: there are no settings to try (empty grid).`);
    if (learner.kind !== "estimator") return;
    const valid = Object.keys(learner.base.getParams());
    const name = learner.base.constructor.name;
    candidates.forEach((p, c) => {
      const unknown = Object.keys(p).find((k) => !valid.includes(k));
      if (unknown !== undefined) throw new ValueError(`${this.op}: unknown parameter "${unknown}" for ${name}. Its parameters are: ${valid.join(", ")}.`);
      try {
        learner.base.clone().setParams(p);
      } catch (e) {
        throw new ValueError(`${this.op}: candidate ${c} ${fmt(p)} is not a valid setting for ${name}: ${(e as Error).message}`);
      }
    });
  }

  #folds(n: number, labels: readonly unknown[] | null, seed: number): Fold[] {
    const o = this.options;
    const g = new Generator(deriveSeed(seed, CV_LANE, 0));
    const strat = labels === null ? undefined : (labels as (number | string)[]);
    try {
      if (o.validationFraction !== undefined) return [trainTestSplitIndices(n, { testSize: o.validationFraction, stratify: strat, generator: g })];
      if (Array.isArray(o.cv)) {
        (o.cv as Fold[]).forEach((f, i) => {
          const ok = (a: unknown) => Array.isArray(a) && a.length > 0 && a.every((k) => Number.isInteger(k) && k >= 0 && k < n);
          if (!f || !ok(f.train) || !ok(f.test)) throw new ValueError(`cv[${i}] must be { train, test } with non-empty arrays of row indices in [0, ${n}).`);
        });
        return (o.cv as Fold[]).map((f) => ({ train: [...f.train], test: [...f.test] }));
      }
      const k = (o.cv as number | undefined) ?? 5;
      return strat ? stratifiedKFold(strat, { nSplits: k, shuffle: true, generator: g }) : kFold(n, { nSplits: k, shuffle: true, generator: g });
    } catch (e) {
      throw new ValueError(`${this.op}: cannot make the validation folds: ${(e as Error).message}`);
    }
  }

  /** The data as a tensor of rows and targets; the class labels to stratify by, or null. */
  #data(learner: Learner, x: unknown, y: unknown): { data: SearchData; labels: readonly unknown[] | null } {
    const op = this.op;
    let xt: Tensor;
    if (learner.kind === "estimator") xt = x instanceof Tensor ? x : toMatrix(`${op}.fit`, x as number[][]);
    else if (x instanceof Tensor) xt = x;
    else throw new ValueError(`${op}.fit: a model factory trains with a Trainer, so x must be a Tensor.`);
    if (xt.ndim === 0) throw new ValueError(`${op}.fit: x is 0-d; it needs a first (sample) dimension.`);
    if (!(y instanceof Tensor) && !Array.isArray(y)) throw new ValueError(`${op}.fit: y must be a Tensor or an array, got ${typeof y}.`);
    if (learner.kind === "factory" && !(y instanceof Tensor)) throw new ValueError(`${op}.fit: a model factory trains with a Trainer, so y must be a Tensor.`);
    const n = xt.shape[0]!, ny = y instanceof Tensor ? y.shape[0] : (y as unknown[]).length;
    if (ny !== n) throw new ValueError(`${op}.fit: x has ${n} samples but y has ${ny}; they must match.`);
    const auto = learner.kind === "estimator"
      ? learner.base instanceof MLPClassifier
      : y instanceof Tensor && y.ndim === 1 && y.dtype === "int32";
    const stratify = this.options.stratify ?? auto;
    const labels = stratify ? (y instanceof Tensor ? y.toFlatArray() : [...(y as unknown[])]) : null;
    return { data: { x: xt, y: y as Targets }, labels };
  }

  #log(msg: string): void {
    console.log(msg);
  }

  /**
   * Runs every trial, ranks the settings and (with refit) trains the best one on all of `x`, `y`. Resolves
   * with the search itself.
   */
  async fit(x: Tensor | readonly (readonly number[])[], y: Targets): Promise<this> {
    const op = this.op, o = this.options;
    this.#checkOptions();
    const { learner, wire } = await this.#resolveLearner();
    const seed = o.randomState ?? getDefaultGenerator().nextUint32();
    this.seed = seed;
    this.warnings = [];
    const candidates = this.candidates(seed);
    this.#checkCandidates(learner, candidates);
    const { data, labels } = this.#data(learner, x, y);
    const folds = this.#folds(data.x.shape[0]!, labels, seed);
    this.nSplits = folds.length;
    const tasks: TrialTask[] = candidates.flatMap((params, c) => folds.map((_, f) => ({ candidate: c, fold: f, params, seed: deriveSeed(seed, c, f) })));

    let nJobs = o.nJobs === -1 ? await coreCount() : o.nJobs;
    if (nJobs !== undefined && nJobs > 1 && wire === null) {
      throw new ValueError(
        `${op}: nJobs=${o.nJobs} needs trials that a worker thread can rebuild, and ` +
          (learner.kind === "factory" ? "a factory function cannot be sent to a worker; pass { module: path, export: name } naming the module that exports it." : `only MLPClassifier and MLPRegressor can be rebuilt from their params (got ${(learner as { base: object }).base.constructor.name}); use nJobs: 1.`),
      );
    }
    nJobs ??= wire === null ? 1 : Math.min(await coreCount(), tasks.length);
    nJobs = Math.min(nJobs, tasks.length);
    if (nJobs > 1) {
      candidates.forEach((p, c) => {
        try {
          structuredClone(p);
        } catch {
          throw new ValueError(`${op}: candidate ${c} ${fmt(p)} cannot be sent to a worker thread: settings must be plain data (numbers, strings, booleans, arrays, objects), not functions or class instances. Use nJobs: 1, or pass names the factory turns into objects.`);
        }
      });
    }
    this.nJobsUsed = nJobs;
    const verbose = o.verbose ?? 0;
    for (const w of this.warnings) if (verbose) this.#log(`${op}: ${w}`);
    if (verbose) this.#log(`${op}: fitting ${folds.length} fold${folds.length > 1 ? "s" : ""} for each of ${candidates.length} candidates, totalling ${tasks.length} fits${nJobs > 1 ? ` on ${nJobs} worker threads` : ""}.`);

    const outcomes: TrialOutcome[][] = candidates.map(() => []);
    const remaining = candidates.map(() => folds.length);
    const errorScore = o.errorScore ?? NaN;
    let done = 0;
    const onOutcome = (t: TrialOutcome): void => {
      const params = candidates[t.candidate]!;
      if (t.error !== null) {
        if (errorScore === "raise") {
          throw new TrialError(`${op}: the trial with params ${fmt(params)} (candidate ${t.candidate}, fold ${t.fold}) failed: ${t.error}. (errorScore is "raise"; pass errorScore: NaN or a number to record failures and go on.)`, params, t.candidate, t.fold);
        }
        t = { ...t, score: errorScore };
      }
      outcomes[t.candidate]![t.fold] = t;
      done++;
      if (t.scoring) this.scoring = t.scoring;
      o.onTrial?.({ ...t, params, done, total: tasks.length });
      const foldNote = t.error ? `failed (${t.error}); score set to ${errorScore}` : `${this.scoring} ${t.score.toFixed(4)}`;
      if (verbose >= 2) this.#log(`[${done}/${tasks.length}] candidate ${t.candidate} fold ${t.fold} ${fmt(params)}: ${foldNote} (${t.fitTime.toFixed(2)} s)`);
      if (--remaining[t.candidate]! === 0 && verbose >= 1) {
        const s = outcomes[t.candidate]!.map((u) => u.score);
        const m = s.reduce((a, b) => a + b, 0) / s.length;
        const sd = Math.sqrt(s.reduce((a, b) => a + (b - m) ** 2, 0) / s.length);
        this.#log(`${op}: candidate ${t.candidate} ${fmt(params)}: ${this.scoring} ${m.toFixed(4)} ± ${sd.toFixed(4)}`);
      }
    };
    if (nJobs <= 1) {
      for (const task of tasks) {
        onOutcome(await runTrial(learner, data, folds[task.fold]!, task));
        await yieldToEventLoop();
      }
    } else {
      await runInWorkers(nJobs, wire!, data, folds, tasks, onOutcome);
    }
    const failed = outcomes.flat().filter((t) => t.error !== null);
    if (failed.length === tasks.length) {
      const first = failed.find((t) => t.candidate === 0 && t.fold === 0) ?? failed[0]!;
      throw new ValueError(`${op}: all ${tasks.length} fits failed. The first, with params ${fmt(candidates[first.candidate]!)}, failed with: ${first.error}`);
    }
    if (failed.length && verbose) this.#log(`${op}: ${failed.length} of ${tasks.length} fits failed; their score is ${errorScore}. See cvResults[i].errors.`);
    if (learner.kind === "estimator") this.scoring = estimatorScoring(learner.base);

    this.cvResults = buildResults(candidates, outcomes);
    const best = this.cvResults[0]!;
    this.bestIndex = best.candidate;
    this.bestParams = best.params;
    this.bestScore = best.meanScore;
    this.bestEstimator = this.bestModel = this.bestTrainer = undefined;
    if (o.refit ?? true) {
      const t0 = performance.now();
      const fitted = await fitLearner(learner, best.params, deriveSeed(seed, best.candidate, REFIT_LANE), data.x, data.y);
      this.refitTime = (performance.now() - t0) / 1000;
      if (fitted.kind === "estimator") this.bestEstimator = fitted.estimator as E;
      else {
        this.bestModel = fitted.model;
        this.bestTrainer = fitted.trainer;
      }
      if (verbose) this.#log(`${op}: refit ${fmt(best.params)} on all ${data.x.shape[0]} samples in ${this.refitTime.toFixed(2)} s.`);
    }
    return this;
  }
}
