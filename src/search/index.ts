/**
 * Hyperparameter search (exposed as `search.*`): GridSearch and RandomSearch over estimators or model
 * factories, on k folds or a held-out split, seeded, with trials on worker threads. See docs/search.md.
 */
export { GridSearch } from "./grid-search.js";
export { RandomSearch, type RandomSearchOptions } from "./random-search.js";
export { BaseSearch, TrialError, type SearchOptions, type SearchLearner, type TrialEvent } from "./search-core.js";
export {
  choice, uniform, logUniform, intUniform, isDistribution, sampleValue, expandGrid, gridAt, gridSize, sampleParams,
  type Distribution, type ParamGrid, type ParamLists, type ParamSpace, type Params, type SampledParams,
} from "./spaces.js";
export { buildResults, formatResults, formatParam, type SearchResult } from "./results.js";
export {
  deriveSeed, runTrial, fitLearner, scoreFitted,
  type SearchEstimator, type ModelFactory, type ModelTrial, type FactoryRef, type TrialFitDefaults, type TrialOutcome, type TrialTask,
} from "./trial.js";
