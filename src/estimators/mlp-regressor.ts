/**
 * MLPRegressor: scikit-learn's multi-layer perceptron regressor (squared error `½·mean((y − ŷ)²)` plus the L2
 * penalty, identity output), with one or several outputs.
 */
import { ValueError } from "../errors.js";
import { r2Score } from "../metrics/regression.js";
import type { Tensor } from "../tensor.js";
import { BaseMLP, type MLPJSON } from "./base-estimator.js";
import { toMatrix, toTargetMatrix, type Matrix } from "./inputs.js";
import type { MLPOutActivation } from "./mlp-math.js";
import type { MLPOptions } from "./mlp-options.js";

/** Regression targets: `[N]` (one output) or `[N, K]`, as a tensor or arrays. */
export type Targets = Tensor | readonly number[] | readonly (readonly number[])[];

/**
 * Multi-layer perceptron regressor (scikit-learn's `MLPRegressor`).
 * ```ts
 * const { x, y } = data.makeRegressionPlane({ nSamples: 200, coef: [2, -1], bias: 0.5, noise: 0.05, seed: 0 });
 * const reg = new MLPRegressor({ hiddenLayerSizes: [16], solver: "lbfgs", randomState: 0 });
 * reg.fit(x, y).score(x, y); // ≈ 0.999
 * reg.predict([[0.5, 0.5]]).toArray(); // ≈ [1]
 * ```
 */
export class MLPRegressor extends BaseMLP {
  protected readonly estimatorName = "MLPRegressor";
  constructor(options: Partial<MLPOptions> = {}) {
    super("MLPRegressor", options);
  }

  protected outActivationFor(): MLPOutActivation {
    return "identity";
  }

  #fit(method: "fit" | "partialFit", X: Matrix, y: Targets, incremental: boolean): this {
    const op = `MLPRegressor.${method}`;
    const x = toMatrix(op, X);
    const t = toTargetMatrix(op, y, x.shape[0]!);
    this.fitEncoded(method, x, t, incremental, null);
    return this;
  }

  /** Trains on `X` `[N, F]` and targets `y` `[N]` or `[N, K]`; fresh weights unless `warmStart`. Returns `this`. */
  fit(X: Matrix, y: Targets): this {
    return this.#fit("fit", X, y, false);
  }

  /** One epoch of sgd/adam over `X`, `y`, continuing from the current weights and optimizer state. */
  partialFit(X: Matrix, y: Targets): this {
    if (this.options.solver === "lbfgs") {
      throw new ValueError(`MLPRegressor.partialFit: partialFit is only available for the stochastic solvers ("sgd", "adam"); "lbfgs" is not stochastic.`);
    }
    return this.#fit("partialFit", X, y, true);
  }

  /** Predictions: float64 `[N]` for one output (scikit-learn ravels it), `[N, K]` for several. */
  predict(X: Matrix): Tensor {
    const out = this.output("predict", X);
    return out.shape[1] === 1 ? out.reshape([-1]) : out;
  }

  /** R² of `predict(X)` against `y` (averaged uniformly over outputs), scikit-learn's `score`. */
  score(X: Matrix, y: Targets): number {
    const pred = this.output("score", X);
    return r2Score(pred, toTargetMatrix("MLPRegressor.score", y, pred.shape[0]!));
  }

  protected encodedScore(x: Tensor, y: Tensor): number {
    return r2Score(this.output("fit", x), y);
  }

  /** A new, unfitted regressor with the same options (scikit-learn's `clone`). */
  clone(): MLPRegressor {
    return new MLPRegressor(this.getParams());
  }

  /** Options, weights and training state as JSON (`MLPRegressor.fromJSON` reads it back). */
  toJSON(): MLPJSON {
    return this.baseJSON("nabla.MLPRegressor");
  }

  /** A regressor from `toJSON()` output, or from scikit-learn's fitted `coefs_` and `intercepts_`. */
  static fromJSON(json: MLPJSON): MLPRegressor {
    const reg = new MLPRegressor();
    reg.loadBaseJSON(json, "nabla.MLPRegressor");
    return reg;
  }
}
