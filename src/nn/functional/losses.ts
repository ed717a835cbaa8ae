/**
 * Loss functions, as `nn.functional.*` (PyTorch's names in camelCase). Each takes `(input, target, options)`
 * with `reduction: "mean" | "sum" | "none"` (default "mean") and returns a tensor whose gradient flows into
 * `input`. The math of each is in its doc comment; docs/losses.md is the guide.
 */
export { mseLoss, l1Loss, huberLoss, smoothL1Loss, type HuberOptions, type SmoothL1Options } from "./regression-losses.js";
export {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv, type BCEOptions, type BCEWithLogitsOptions, type KLDivOptions,
} from "./probability-losses.js";
export { nllLoss, crossEntropy, type NLLLossOptions, type CrossEntropyOptions } from "./class-losses.js";
export {
  multiMarginLoss, hingeEmbeddingLoss, cosineEmbeddingLoss, type MultiMarginOptions, type MarginOptions,
} from "./margin-losses.js";
export type { Reduction, ReductionOptions } from "./loss-checks.js";
