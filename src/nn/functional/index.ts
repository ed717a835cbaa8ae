/**
 * `nn.functional`: the stateless forms of layers and losses (PyTorch's torch.nn.functional in camelCase).
 * Re-exports only.
 */
export * from "./losses.js";
export {
  identity, relu, leakyRelu, relu6, hardsigmoid, hardswish, binaryStep, softplus, elu, selu, silu, mish, gelu,
  softmax, logSoftmax, sigmoid, tanh,
} from "../../ops/activations.js";
export { oneHot, pad } from "../../ops/movement.js";
export { linear } from "../layers/linear.js";
export { dropout } from "../layers/dropout.js";
export { gaussianNoise, gaussianDropout } from "../layers/noise.js";
export { batchNorm } from "../layers/batch-norm.js";
export { layerNorm } from "../layers/layer-norm.js";
export { embedding } from "../layers/embedding.js";
