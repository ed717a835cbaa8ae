/**
 * GridSearch: scikit-learn's `GridSearchCV` in camelCase — every setting of a parameter grid is trained and
 * scored on k folds (or one held-out split), in parallel on worker threads, and the best is refit on all the
 * data. See docs/search.md.
 */
import { BaseSearch, type SearchLearner, type SearchOptions } from "./search-core.js";
import { expandGrid, type ParamGrid, type Params } from "./spaces.js";
import type { SearchEstimator } from "./trial.js";

/**
 * Exhaustive search over `grid` (settings in scikit-learn's `ParameterGrid` order: names sorted, the last
 * varying fastest; a list of grids is their union).
 * ```ts
 * const { x, y } = data.loadIris();
 * const search = new GridSearch(new MLPClassifier({ solver: "lbfgs", maxIter: 200, randomState: 0 }),
 *   { hiddenLayerSizes: [[5], [10]], alpha: [1e-4, 1e-1] }, { cv: 3, randomState: 0, nJobs: 1 });
 * await search.fit(x, y);
 * search.bestParams;            // { alpha: ..., hiddenLayerSizes: [...] }
 * search.bestEstimator!.predict(x.slice(0, 0, 2)); // refit on all of x
 * console.log(search.toString()); // the ranked table
 * ```
 */
export class GridSearch<E extends SearchEstimator = SearchEstimator> extends BaseSearch<E> {
  protected readonly op = "GridSearch";
  readonly paramGrid: ParamGrid;

  constructor(learner: E | SearchLearner, paramGrid: ParamGrid, options: SearchOptions = {}) {
    super(learner, options);
    this.paramGrid = paramGrid;
  }

  protected candidates(): Params[] {
    return expandGrid(this.paramGrid, this.op);
  }
}
