/**
 * RandomSearch: scikit-learn's `RandomizedSearchCV` in camelCase — `nIter` settings drawn from the search space
 * (lists and distributions: choice, uniform, logUniform, intUniform) with nabla's Generator, each trained and
 * scored on k folds (or one held-out split), in parallel on worker threads; the best is refit on all the data.
 * See docs/search.md.
 */
import { Generator } from "../random.js";
import { BaseSearch, SAMPLER_LANE, type SearchLearner, type SearchOptions } from "./search-core.js";
import { sampleParams, type ParamSpace, type Params } from "./spaces.js";
import { deriveSeed, type SearchEstimator } from "./trial.js";

export interface RandomSearchOptions extends SearchOptions {
  /** Settings to draw (default 10). When every parameter is a list, at most the grid's size, drawn without repeats. */
  nIter?: number;
}

/**
 * Random search over `space`; the same `randomState` draws the same settings and gives the same scores.
 * ```ts
 * const search = new RandomSearch(new MLPClassifier({ solver: "adam", maxIter: 50 }),
 *   { learningRateInit: logUniform(1e-3, 1e-1), alpha: logUniform(1e-5, 1e-1), hiddenLayerSizes: [[16], [32, 16]] },
 *   { nIter: 8, cv: 3, randomState: 0 });
 * await search.fit(x, y);
 * ```
 */
export class RandomSearch<E extends SearchEstimator = SearchEstimator> extends BaseSearch<E> {
  protected readonly op = "RandomSearch";
  readonly paramSpace: ParamSpace;
  readonly nIter: number;

  constructor(learner: E | SearchLearner, paramSpace: ParamSpace, options: RandomSearchOptions = {}) {
    const { nIter = 10, ...rest } = options;
    super(learner, rest);
    this.paramSpace = paramSpace;
    this.nIter = nIter;
  }

  /** The settings this search tries for a seed (the draw `fit` makes). */
  sample(seed: number): Params[] {
    return sampleParams(this.paramSpace, this.nIter, new Generator(deriveSeed(seed, SAMPLER_LANE, 0)), this.op).params;
  }

  protected candidates(seed: number): Params[] {
    const r = sampleParams(this.paramSpace, this.nIter, new Generator(deriveSeed(seed, SAMPLER_LANE, 0)), this.op);
    if (r.warning) this.warnings.push(r.warning);
    return r.params;
  }
}
