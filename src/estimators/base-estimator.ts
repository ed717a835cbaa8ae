/**
 * What MLPClassifier and MLPRegressor share: scikit-learn's `BaseMultilayerPerceptron` (sklearn 1.2,
 * `neural_network/_multilayer_perceptron.py`) in TypeScript — initialization, the minibatch loop of sgd/adam
 * with its stopping rules and early stopping, full-batch L-BFGS, warm starts, partial fits, and the fitted
 * attributes under camelCase names (`coefs_` → `coefs`, `loss_curve_` → `lossCurve`, `t_` → `tUpdates`, ...).
 *
 * Differences from scikit-learn, on purpose:
 * - Random draws come from nabla's Philox `Generator` (seeded by `randomState`), so the same seed gives other
 *   initial weights and shuffles than NumPy's; everything else about a fit is the same.
 * - "lbfgs" runs `optim.LBFGS` (PyTorch's L-BFGS with a strong-Wolfe line search, 10 correction pairs) instead
 *   of SciPy's L-BFGS-B; `maxIter`, `maxFun` and `tol` (the gradient tolerance) mean the same, but the two
 *   take different steps, so the fitted weights differ and so can `nIter`.
 * - Early stopping's validation split is stratified for every single-label classification (scikit-learn 1.2
 *   stratifies binary problems only).
 * - Warnings are not printed: a fit that hits `maxIter` leaves the message in `convergenceWarning` (printed too
 *   when `verbose`).
 * - Computation is in float64 whatever the input dtype.
 */
import { trainTestSplitIndices, shuffleInPlace } from "../data/splits.js";
import { ShapeError, ValueError } from "../errors.js";
import { noGrad } from "../autograd/grad-mode.js";
import { tensor } from "../ops/creation.js";
import { LBFGS } from "../optim/lbfgs.js";
import { Generator, getDefaultGenerator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { toMatrix, type Matrix } from "./inputs.js";
import { glorotUniformInit, mlpDataLoss, mlpForward, mlpLossGrad, sumOfSquares, type MLPOutActivation } from "./mlp-math.js";
import { SklearnAdam, SklearnSGD } from "./mlp-optimizers.js";
import { resolveMLPOptions, type MLPOptions } from "./mlp-options.js";

/** scipy's default relative function tolerance for L-BFGS-B (factr 1e7 × float64 eps). */
const LBFGS_FTOL = 2.220446049250313e-9;

/** What `toJSON()` writes and `fromJSON()` reads: the options and the fitted state (plain numbers). */
export interface MLPJSON {
  format: "nabla.MLPClassifier" | "nabla.MLPRegressor";
  version: 1;
  params: Partial<Record<keyof MLPOptions, unknown>>;
  /** Weights `[fanIn][fanOut]` per layer and biases `[fanOut]`, scikit-learn's `coefs_` / `intercepts_`. */
  coefs: number[][][];
  intercepts: number[][];
  /** The classifier's labels, sorted. */
  classes?: (number | string)[];
  nIter?: number;
  tUpdates?: number;
  loss?: number | null;
  lossCurve?: number[] | null;
  /** Non-finite values are written as the strings "Infinity" / "-Infinity". */
  bestLoss?: number | string | null;
  validationScores?: number[] | null;
  bestValidationScore?: number | string | null;
  noImprovementCount?: number;
}

const encodeNum = (v: number | null): number | string | null => (v === null || Number.isFinite(v) ? v : String(v));
function decodeNum(name: string, key: string, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return v;
  if (v === "Infinity" || v === "-Infinity") return Number(v);
  throw new ValueError(`${name}.fromJSON: ${key} must be a number, "Infinity", "-Infinity" or null, got ${JSON.stringify(v)}.`);
}

/** Per-epoch information for `verbose` output. */
const log = (...a: unknown[]): void => console.log(...a);

export abstract class BaseMLP {
  /** "MLPClassifier" or "MLPRegressor", for messages. */
  protected abstract readonly estimatorName: string;
  #options: MLPOptions;

  /** Weights per layer, `[fanIn, fanOut]` float64 (scikit-learn's `coefs_`). Empty before fit. */
  coefs: Tensor[] = [];
  /** Biases per layer, `[fanOut]` float64 (`intercepts_`). */
  intercepts: Tensor[] = [];
  /** Layers including input and output (`n_layers_` = hidden layers + 2). */
  nLayers = 0;
  /** Width of the output layer (`n_outputs_`). */
  nOutputs = 0;
  /** Number of input features seen in fit (`n_features_in_`). */
  nFeaturesIn = 0;
  /** "softmax", "logistic" or "identity" (`out_activation_`). */
  outActivation: MLPOutActivation | null = null;
  /** Epochs run (sgd/adam, counting across warm starts) or L-BFGS iterations (`n_iter_`). */
  nIter = 0;
  /** Training samples seen by the optimizer (`t_`), sgd/adam. */
  tUpdates = 0;
  /** The loss at the end of the fit: the last epoch's mean, or L-BFGS's final loss (`loss_`). */
  loss: number | null = null;
  /** Mean training loss per epoch (`loss_curve_`); null for lbfgs. */
  lossCurve: number[] | null = null;
  /** Lowest training loss (`best_loss_`); null with earlyStopping or lbfgs. */
  bestLoss: number | null = null;
  /** Validation score per epoch with earlyStopping (`validation_scores_`), else null. */
  validationScores: number[] | null = null;
  /** Best validation score with earlyStopping (`best_validation_score_`), else null. */
  bestValidationScore: number | null = null;
  /** Set when the last fit stopped at `maxIter` (or `maxFun`) before converging: scikit-learn's ConvergenceWarning. */
  convergenceWarning: string | null = null;
  /** Epochs in a row without a `tol` improvement (`_no_improvement_count`). */
  protected noImprovementCount = 0;
  #optimizer: SklearnSGD | SklearnAdam | null = null;
  #bestCoefs: Tensor[] | null = null;
  #bestIntercepts: Tensor[] | null = null;

  constructor(name: string, options: Partial<MLPOptions>) {
    this.#options = resolveMLPOptions(name, options ?? {});
  }

  /** A copy of the hyperparameters (scikit-learn's `get_params()`). */
  getParams(): MLPOptions {
    return { ...this.#options, hiddenLayerSizes: [...this.#options.hiddenLayerSizes] };
  }

  /** Changes hyperparameters (validated); the fitted state stays (scikit-learn's `set_params`). */
  setParams(options: Partial<MLPOptions>): this {
    this.#options = resolveMLPOptions(this.estimatorName, { ...this.#options, ...options });
    return this;
  }

  /** The hyperparameters in use. */
  protected get options(): Readonly<MLPOptions> {
    return this.#options;
  }

  /** True once fit / partialFit / fromJSON has set weights. */
  get isFitted(): boolean {
    return this.coefs.length > 0;
  }

  protected checkFitted(method: string): void {
    if (!this.isFitted) {
      throw new ValueError(`${this.estimatorName}.${method}: this estimator is not fitted yet; call fit(X, y) (or partialFit) first.`);
    }
  }

  /** The network's output `[N, nOutputs]` for a checked feature matrix. */
  protected output(method: string, X: Matrix): Tensor {
    this.checkFitted(method);
    const x = toMatrix(`${this.estimatorName}.${method}`, X, this.nFeaturesIn);
    return mlpForward(x, this.coefs, this.intercepts, this.#options.activation, this.outActivation!);
  }

  /** The output activation for a target with `nOutputs` columns. */
  protected abstract outActivationFor(nOutputs: number): MLPOutActivation;
  /** The estimator's score (accuracy or R²) of the current weights on encoded targets (for early stopping). */
  protected abstract encodedScore(x: Tensor, y: Tensor): number;

  /** Whether this fit starts from fresh weights (scikit-learn's `first_pass`). */
  protected isFirstPass(incremental: boolean): boolean {
    return !this.isFitted || (!this.#options.warmStart && !incremental);
  }

  /** A new generator per fit call, as scikit-learn's `check_random_state(random_state)`; null: the global one. */
  #generator(): Generator {
    return this.#options.randomState === null ? getDefaultGenerator() : new Generator(this.#options.randomState);
  }

  /**
   * The body of fit / partialFit (scikit-learn's `_fit`), on a checked float64 `x` `[N, F]` and encoded
   * float64 targets `y` `[N, K]`. `strata`: class ids to stratify the early-stopping split by, or null.
   */
  protected fitEncoded(method: string, x: Tensor, y: Tensor, incremental: boolean, strata: number[] | null): void {
    const o = this.#options;
    const op = `${this.estimatorName}.${method}`;
    const [, nFeatures] = x.shape as [number, number];
    const firstPass = this.isFirstPass(incremental);
    if (!firstPass && nFeatures !== this.nFeaturesIn) {
      throw new ShapeError(`${op}: X has ${nFeatures} features, but the estimator was fitted with ${this.nFeaturesIn}. Pass the same columns, or fit from scratch (warmStart: false).`);
    }
    if (!firstPass && y.shape[1] !== this.nOutputs) {
      throw new ShapeError(`${op}: y has ${y.shape[1]} outputs, but the estimator was fitted with ${this.nOutputs}.`);
    }
    this.convergenceWarning = null;
    const rng = this.#generator();
    if (firstPass) this.#initialize(nFeatures, y.shape[1]!, rng);
    if (o.solver === "lbfgs") this.#fitLbfgs(x, y);
    else this.#fitStochastic(op, x, y, incremental, strata, rng);
    const finite = [...this.coefs, ...this.intercepts].every((w) => w.dataSync().every(Number.isFinite));
    if (!finite) {
      throw new ValueError(`${op}: the solver produced non-finite weights. The input data may contain large values and need to be scaled (e.g. with data.StandardScaler), or learningRateInit is too large.`);
    }
  }

  /** Fresh weights and counters (scikit-learn's `_initialize`). */
  #initialize(nFeatures: number, nOutputs: number, rng: Generator): void {
    const o = this.#options;
    const units = [nFeatures, ...o.hiddenLayerSizes, nOutputs];
    this.nFeaturesIn = nFeatures;
    this.nOutputs = nOutputs;
    this.nLayers = units.length;
    this.outActivation = this.outActivationFor(nOutputs);
    this.coefs = [];
    this.intercepts = [];
    for (let i = 0; i < units.length - 1; i++) {
      const { coef, intercept } = glorotUniformInit(units[i]!, units[i + 1]!, o.activation, rng);
      this.coefs.push(coef);
      this.intercepts.push(intercept);
    }
    this.nIter = 0;
    this.tUpdates = 0;
    this.loss = null;
    this.#optimizer = null;
    this.#resetTrainingState();
  }

  /** The stopping state a fresh fit starts from. */
  #resetTrainingState(): void {
    const o = this.#options;
    this.noImprovementCount = 0;
    const stochastic = o.solver !== "lbfgs";
    this.lossCurve = stochastic ? [] : null;
    this.bestLoss = stochastic && !o.earlyStopping ? Infinity : null;
    this.validationScores = stochastic && o.earlyStopping ? [] : null;
    this.bestValidationScore = stochastic && o.earlyStopping ? -Infinity : null;
  }

  #fitLbfgs(x: Tensor, y: Tensor): void {
    const o = this.#options;
    const params = [...this.coefs, ...this.intercepts];
    const opt = new LBFGS(params, {
      lr: 1, maxIter: o.maxIter, maxEval: o.maxFun, toleranceGrad: o.tol, toleranceChange: LBFGS_FTOL, historySize: 10, lineSearchFn: "strongWolfe",
    });
    const closure = (): number => {
      const r = mlpLossGrad(x, y, this.coefs, this.intercepts, o.activation, this.outActivation!, o.alpha);
      [...r.coefGrads, ...r.interceptGrads].forEach((g, i) => (params[i]!.grad = g));
      return r.loss;
    };
    opt.step(closure);
    const state = opt.state.get(params[0]!) as { nIter: number; funcEvals: number };
    params.forEach((p) => (p.grad = null));
    this.nIter = Math.min(state.nIter, o.maxIter);
    this.loss = this.#lossValue(x, y);
    if (o.verbose) log(`L-BFGS: ${state.nIter} iterations, ${state.funcEvals} loss evaluations, loss = ${this.loss.toFixed(8)}`);
    const reason = state.nIter >= o.maxIter ? `maximum iterations (${o.maxIter}) reached` : state.funcEvals >= o.maxFun ? `maximum loss evaluations (maxFun=${o.maxFun}) reached` : null;
    if (reason) this.#warn(`lbfgs failed to converge: ${reason}. Increase the number of iterations (maxIter) or scale the data (e.g. with data.StandardScaler).`);
  }

  /** The full loss (data term and L2 penalty) of the current weights. */
  #lossValue(x: Tensor, y: Tensor): number {
    const o = this.#options;
    const p = mlpForward(x, this.coefs, this.intercepts, o.activation, this.outActivation!);
    return mlpDataLoss(p, y, this.outActivation!) + (0.5 * o.alpha * sumOfSquares(this.coefs)) / x.shape[0]!;
  }

  #warn(message: string): void {
    this.convergenceWarning = message;
    if (this.#options.verbose) log(`ConvergenceWarning: ${message}`);
  }

  #fitStochastic(op: string, xAll: Tensor, yAll: Tensor, incremental: boolean, strata: number[] | null, rng: Generator): void {
    const o = this.#options;
    const params = [...this.coefs, ...this.intercepts];
    if (!incremental || this.#optimizer === null) {
      this.#optimizer = o.solver === "sgd"
        ? new SklearnSGD(params, { lr: o.learningRateInit, momentum: o.momentum, nesterov: o.nesterovsMomentum })
        : new SklearnAdam(params, { lr: o.learningRateInit, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon });
    }
    const optimizer = this.#optimizer;
    // A warm start after lbfgs, or with earlyStopping switched on, finds no curves yet (scikit-learn would fail).
    if (this.lossCurve === null) this.lossCurve = [];
    // Early stopping in partialFit makes no sense (scikit-learn ignores it there too).
    const earlyStopping = o.earlyStopping && !incremental;
    let x = xAll, y = yAll, xVal: Tensor | null = null, yVal: Tensor | null = null;
    if (earlyStopping) {
      let split: { train: number[]; test: number[] };
      try {
        split = trainTestSplitIndices(xAll.shape[0]!, { testSize: o.validationFraction, stratify: strata ?? undefined, generator: rng });
      } catch (e) {
        throw new ValueError(`${op}: earlyStopping could not hold out validationFraction=${o.validationFraction} of ${xAll.shape[0]} samples: ${(e as Error).message}`);
      }
      [x, y, xVal, yVal] = [xAll.indexSelect(0, split.train), yAll.indexSelect(0, split.train), xAll.indexSelect(0, split.test), yAll.indexSelect(0, split.test)];
    }
    const n = x.shape[0]!;
    let batchSize: number;
    if (o.batchSize === "auto") batchSize = Math.min(200, n);
    else {
      if (o.batchSize > n && o.verbose) log(`batchSize ${o.batchSize} is larger than the ${n} training samples; it is clipped to ${n}.`);
      batchSize = Math.min(o.batchSize, n);
    }
    const sampleIdx = Array.from({ length: n }, (_, i) => i);
    for (let it = 0; it < o.maxIter; it++) {
      if (o.shuffle) shuffleInPlace(sampleIdx, rng);
      let accumulated = 0;
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(start + batchSize, n);
        const idx = sampleIdx.slice(start, end);
        const xb = o.shuffle ? x.indexSelect(0, idx) : x.slice(0, start, end);
        const yb = o.shuffle ? y.indexSelect(0, idx) : y.slice(0, start, end);
        const r = mlpLossGrad(xb, yb, this.coefs, this.intercepts, o.activation, this.outActivation!, o.alpha);
        accumulated += r.loss * (end - start);
        [...r.coefGrads, ...r.interceptGrads].forEach((g, i) => (params[i]!.grad = g));
        optimizer.step();
      }
      params.forEach((p) => (p.grad = null));
      this.nIter++;
      this.loss = accumulated / n;
      this.tUpdates += n;
      this.lossCurve!.push(this.loss);
      if (o.verbose) log(`Iteration ${this.nIter}, loss = ${this.loss.toFixed(8)}`);
      this.#updateNoImprovementCount(earlyStopping, xVal, yVal);
      const group = optimizer.paramGroups[0]!;
      // scikit-learn's invscaling: lr = learningRateInit / (t + 1)^powerT after each epoch, t = samples seen
      // (optim.lrScheduler.InverseScalingLR is the same rule as a scheduler). Adam keeps its rate.
      if (o.solver === "sgd" && o.learningRate === "invscaling") group.lr = o.learningRateInit / (this.tUpdates + 1) ** o.powerT;
      if (this.noImprovementCount > o.nIterNoChange) {
        const msg = earlyStopping
          ? `Validation score did not improve more than tol=${o.tol} for ${o.nIterNoChange} consecutive epochs.`
          : `Training loss did not improve more than tol=${o.tol} for ${o.nIterNoChange} consecutive epochs.`;
        if (o.solver === "sgd" && o.learningRate === "adaptive" && group.lr > 1e-6) {
          // "adaptive": divide the rate by 5 and carry on, until it is at most 1e-6.
          group.lr /= 5;
          if (o.verbose) log(`${msg} Setting learning rate to ${group.lr.toFixed(6)}`);
          this.noImprovementCount = 0;
        } else {
          if (o.verbose) log(`${msg}${o.learningRate === "adaptive" && o.solver === "sgd" ? " Learning rate too small." : ""} Stopping.`);
          break;
        }
      }
      if (incremental) break;
      if (this.nIter === o.maxIter) {
        this.#warn(`Stochastic Optimizer: Maximum iterations (${o.maxIter}) reached and the optimization hasn't converged yet.`);
      }
    }
    if (earlyStopping && this.#bestCoefs) {
      // Restore the weights of the best validation epoch, in place (the optimizer keeps the same tensors).
      noGrad(() => {
        this.coefs.forEach((w, i) => w.copy_(this.#bestCoefs![i]!));
        this.intercepts.forEach((b, i) => b.copy_(this.#bestIntercepts![i]!));
      });
    }
  }

  /** scikit-learn's `_update_no_improvement_count`. */
  #updateNoImprovementCount(earlyStopping: boolean, xVal: Tensor | null, yVal: Tensor | null): void {
    const tol = this.#options.tol;
    if (earlyStopping) {
      this.validationScores ??= [];
      this.bestValidationScore ??= -Infinity;
      const score = this.encodedScore(xVal!, yVal!);
      this.validationScores!.push(score);
      if (this.#options.verbose) log(`Validation score: ${score.toFixed(6)}`);
      if (score < this.bestValidationScore! + tol) this.noImprovementCount++;
      else this.noImprovementCount = 0;
      if (score > this.bestValidationScore!) {
        this.bestValidationScore = score;
        this.#bestCoefs = this.coefs.map((w) => w.clone());
        this.#bestIntercepts = this.intercepts.map((b) => b.clone());
      }
    } else {
      const last = this.lossCurve![this.lossCurve!.length - 1]!;
      const best = this.bestLoss ?? Infinity; // null when earlyStopping is set but partialFit trains
      if (last > best - tol) this.noImprovementCount++;
      else this.noImprovementCount = 0;
      if (last < best) this.bestLoss = last;
    }
  }

  /** The options and fitted state as plain JSON (weights as nested arrays, full float64 precision). */
  protected baseJSON(format: MLPJSON["format"]): MLPJSON {
    this.checkFitted("toJSON");
    const params = { ...this.getParams(), nIterNoChange: encodeNum(this.#options.nIterNoChange) };
    return {
      format, version: 1, params,
      coefs: this.coefs.map((w) => w.toArray() as number[][]),
      intercepts: this.intercepts.map((b) => b.toFlatArray()),
      nIter: this.nIter, tUpdates: this.tUpdates, loss: this.loss,
      lossCurve: this.lossCurve && [...this.lossCurve], bestLoss: encodeNum(this.bestLoss),
      validationScores: this.validationScores && [...this.validationScores], bestValidationScore: encodeNum(this.bestValidationScore),
      noImprovementCount: this.noImprovementCount,
    };
  }

  /**
   * Loads the weights and counters of `json` (see `MLPJSON`); missing counters take the values of a fit that
   * has just initialized, so `{ format, version, params, coefs, intercepts }` is enough.
   */
  protected loadBaseJSON(json: MLPJSON, format: MLPJSON["format"]): void {
    const name = this.estimatorName;
    if (json === null || typeof json !== "object") throw new ValueError(`${name}.fromJSON: expected an object, got ${String(json)}.`);
    if (json.format !== format) throw new ValueError(`${name}.fromJSON: format is ${JSON.stringify(json.format)}, expected "${format}".`);
    if (json.version !== 1) throw new ValueError(`${name}.fromJSON: unsupported version ${JSON.stringify(json.version)}; this nabla reads version 1.`);
    const params = { ...(json.params ?? {}) } as Record<string, unknown>;
    if (params.nIterNoChange !== undefined) params.nIterNoChange = decodeNum(name, "params.nIterNoChange", params.nIterNoChange);
    this.#options = resolveMLPOptions(name, params as Partial<MLPOptions>);
    const { coefs, intercepts } = json;
    if (!Array.isArray(coefs) || !Array.isArray(intercepts) || coefs.length === 0 || coefs.length !== intercepts.length) {
      throw new ValueError(`${name}.fromJSON: coefs and intercepts must be non-empty arrays of the same length (one per layer).`);
    }
    if (coefs.length !== this.#options.hiddenLayerSizes.length + 1) {
      throw new ValueError(`${name}.fromJSON: ${coefs.length} weight matrices do not fit hiddenLayerSizes ${JSON.stringify(this.#options.hiddenLayerSizes)} (expected ${this.#options.hiddenLayerSizes.length + 1}).`);
    }
    const ws: Tensor[] = [], bs: Tensor[] = [];
    coefs.forEach((w, i) => {
      const fanIn = w.length, fanOut = w[0]?.length ?? 0;
      const want = this.#options.hiddenLayerSizes[i];
      if (fanIn === 0 || fanOut === 0 || w.some((row) => !Array.isArray(row) || row.length !== fanOut) || (want !== undefined && fanOut !== want)) {
        throw new ValueError(`${name}.fromJSON: coefs[${i}] must be a [fanIn][fanOut] matrix${want !== undefined ? ` with ${want} columns` : ""}.`);
      }
      if (i > 0 && fanIn !== ws[i - 1]!.shape[1]) throw new ValueError(`${name}.fromJSON: coefs[${i}] has ${fanIn} rows but layer ${i - 1} has ${ws[i - 1]!.shape[1]} units.`);
      if (!Array.isArray(intercepts[i]) || intercepts[i]!.length !== fanOut) throw new ValueError(`${name}.fromJSON: intercepts[${i}] must hold ${fanOut} numbers.`);
      const flat = Float64Array.from(w.flat());
      if (!flat.every(Number.isFinite) || !intercepts[i]!.every(Number.isFinite)) throw new ValueError(`${name}.fromJSON: layer ${i} has a non-finite weight.`);
      ws.push(tensor(flat, { shape: [fanIn, fanOut] }));
      bs.push(tensor(Float64Array.from(intercepts[i]!)));
    });
    this.coefs = ws;
    this.intercepts = bs;
    this.nFeaturesIn = ws[0]!.shape[0]!;
    this.nOutputs = ws[ws.length - 1]!.shape[1]!;
    this.nLayers = ws.length + 1;
    this.outActivation = this.outActivationFor(this.nOutputs);
    this.#optimizer = null;
    this.#bestCoefs = this.#bestIntercepts = null;
    this.#resetTrainingState();
    this.nIter = json.nIter ?? 0;
    this.tUpdates = json.tUpdates ?? 0;
    this.loss = json.loss ?? null;
    if (json.lossCurve !== undefined) this.lossCurve = json.lossCurve && [...json.lossCurve];
    if (json.bestLoss !== undefined) this.bestLoss = decodeNum(name, "bestLoss", json.bestLoss);
    if (json.validationScores !== undefined) this.validationScores = json.validationScores && [...json.validationScores];
    if (json.bestValidationScore !== undefined) this.bestValidationScore = decodeNum(name, "bestValidationScore", json.bestValidationScore);
    this.noImprovementCount = json.noImprovementCount ?? 0;
  }
}


