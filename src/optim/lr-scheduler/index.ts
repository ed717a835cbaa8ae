/** Learning-rate schedules (`optim.lrScheduler`): call `step()` after `optimizer.step()`. */
export { LRScheduler, type Scheduler, type SchedulableOptimizer } from "./lr-scheduler.js";
export { StepLR, MultiStepLR } from "./step-lr.js";
export { ExponentialLR, InverseScalingLR } from "./exponential-lr.js";
export { LambdaLR } from "./lambda-lr.js";
export { LinearLR } from "./linear-lr.js";
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from "./cosine-annealing-lr.js";
export { OneCycleLR, type OneCycleLROptions } from "./one-cycle-lr.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce-lr-on-plateau.js";
export { SequentialLR } from "./sequential-lr.js";
