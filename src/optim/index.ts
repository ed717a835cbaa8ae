/**
 * Optimizers, gradient clipping and learning-rate schedules (the public face of `optim`). Each optimizer's
 * update is also exported as a pure function (`adamUpdate`, ...) with its defaults (`adamDefaults`, ...).
 */
export {
  Optimizer, type BaseOptions, type ParamGroup, type ParamGroupInput, type ParamsInput, type ParamState, type StateValue,
  type Closure, type OptimizerStateDict, type FusedPlan,
} from "./optimizer.js";
export { SGD, sgdUpdate, sgdDefaults, type SGDOptions, type SGDState } from "./sgd.js";
export { Adam, AdamW, adamUpdate, adamwUpdate, adamDefaults, adamwDefaults, type AdamOptions, type AdamState } from "./adam.js";
export { Adamax, adamaxUpdate, adamaxDefaults, type AdamaxOptions, type AdamaxState } from "./adamax.js";
export { NAdam, nadamUpdate, nadamDefaults, type NAdamOptions, type NAdamState } from "./nadam.js";
export { RMSprop, rmspropUpdate, rmspropDefaults, type RMSpropOptions, type RMSpropState } from "./rmsprop.js";
export { Adagrad, adagradUpdate, adagradDefaults, type AdagradOptions, type AdagradState } from "./adagrad.js";
export { Adadelta, adadeltaUpdate, adadeltaDefaults, type AdadeltaOptions, type AdadeltaState } from "./adadelta.js";
export { LBFGS, lbfgsDirection, lbfgsDefaults, type LBFGSOptions } from "./lbfgs.js";
export { strongWolfe, cubicInterpolate, type StrongWolfeOptions, type DirectionalObjective } from "./strong-wolfe.js";
export { clipGradNorm_, clipGradValue_ } from "./clip-grad.js";
export * as lrScheduler from "./lr-scheduler/index.js";
