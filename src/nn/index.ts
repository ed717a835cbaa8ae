/**
 * nn: modules, layers and initializers (PyTorch's torch.nn in camelCase). Re-exports only.
 * `init` is the initializer namespace (`nn.init.kaimingNormal_(w)`).
 */
export { Module, ModelSummary, type StateDict, type LoadResult, type SummaryRow } from "./module.js";
export { Parameter } from "./parameter.js";
export * as init from "./init.js";

export { Linear, linear, type LinearOptions } from "./layers/linear.js";
export { Sequential } from "./layers/sequential.js";
export { Identity } from "./layers/identity.js";
export { Flatten } from "./layers/flatten.js";
export {
  ReLU, LeakyReLU, ReLU6, Sigmoid, Tanh, Hardsigmoid, Hardswish, BinaryStep, Softmax, LogSoftmax, GELU, ELU, SELU,
  SiLU, Mish, Softplus,
} from "./layers/activations.js";
export { Dropout, dropout, type DropoutOptions } from "./layers/dropout.js";
export { GaussianNoise, GaussianDropout, WeightNoise, gaussianNoise, gaussianDropout } from "./layers/noise.js";
export { BatchNorm1d, batchNorm, type BatchNorm1dOptions, type BatchNormOptions } from "./layers/batch-norm.js";
export { LayerNorm, layerNorm, type LayerNormOptions } from "./layers/layer-norm.js";
export { Embedding, embedding, type EmbeddingOptions } from "./layers/embedding.js";

export * as functional from "./functional/index.js";
export {
  MSELoss, L1Loss, HuberLoss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss,
  MultiMarginLoss, HingeEmbeddingLoss, CosineEmbeddingLoss,
} from "./losses.js";
export { l2Penalty, l1Penalty, weightsOnly, maxNormConstraint_, addTargetNoise, smoothLabels } from "./regularization.js";
