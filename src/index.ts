/**
 * nabla: deep learning in TypeScript. The public face; re-exports only (importing has no side effects).
 */
export { Tensor, type NestedNumbers } from "./tensor.js";
export type { DType, TypedArray } from "./dtype.js";
export type { Shape } from "./shape.js";
export { NablaError, ShapeError, DTypeError, IndexError, ValueError, GradError } from "./errors.js";

export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, randperm, randLike, randnLike, randintLike,
  type CreateOptions, type RandomOptions, type NestedArray,
} from "./ops/creation.js";
export {
  cast, neg, exp, log, sqrt, recip, sin, cos, tanh, erf, expm1, log1p, abs, sign, floor, ceil, round,
  isnan, isfinite, logicalNot, logicalAnd, logicalOr, sigmoid,
  add, sub, rsub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp,
  type Operand,
} from "./ops/elementwise.js";
export { sum, mean, prod, max, min, argmax, argmin, variance, variance as var_, std, logsumexp, type Dim } from "./ops/reduce.js";
export {
  contiguous, clone, reshape, view, flatten, permute, transpose, expand, squeeze, unsqueeze,
  slice, select, flip, index, cat, stack, split, chunk, pad, gather, scatterAdd, indexSelect, oneHot, sumTo,
  type IndexSpec,
} from "./ops/movement.js";
export { matmul, dot, outer } from "./ops/matmul.js";
export {
  identity, relu, leakyRelu, relu6, hardsigmoid, hardswish, binaryStep, softplus, elu, selu, silu, mish, gelu,
  softmax, logSoftmax, type StepGradient,
} from "./ops/activations.js";

export * as autograd from "./autograd/index.js";
export { grad, valueAndGrad, gradients } from "./autograd/functional.js";
export { gradcheck, gradgradcheck } from "./autograd/gradcheck.js";
export { noGrad, enableGrad, isGradEnabled } from "./autograd/grad-mode.js";
export { toDot, toMermaid } from "./autograd/graph-export.js";

export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as metrics from "./metrics/index.js";
export * as io from "./io/index.js";
export * as data from "./data/index.js";
export * as estimators from "./estimators/index.js";
export * as train from "./train/index.js";
export * as search from "./search/index.js";
export { GridSearch, RandomSearch } from "./search/index.js";
export { Trainer } from "./train/trainer.js";
export { EarlyStopping } from "./train/callbacks/early-stopping.js";
export { MLPClassifier, MLPRegressor } from "./estimators/index.js";
export { saveModel, loadModel } from "./io/model-file.js";
export { registerModule } from "./io/layer-registry.js";

export { Generator, manualSeed, getDefaultGenerator, philox4x32 } from "./random.js";
export { setBackend, getBackend, registerBackend, backendName } from "./backend/registry.js";
export type { Backend, Kernels, Storage, View, UnaryOp, BinaryOp, ReduceOp, OptimizerRule, LinearActivation } from "./backend/backend.js";
export {
  useWasm, initWasm, createWasmBackend, WasmBackend, WasmStorage, wasmSimdSupported, sharedMemorySupported,
  setNumThreads, getNumThreads, kernelVariant, relaxedSimdSupported, type KernelVariant, type HeapStats,
} from "./backend/wasm/index.js";
