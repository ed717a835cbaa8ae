/**
 * Training (exposed as `train.*`): the Keras-shaped Trainer (fit / evaluate / predict), History, callbacks,
 * and training in a worker thread. See docs/training.md.
 */
export {
  Trainer, valKey, YIELD_EVERY_MS,
  type TrainerOptions, type FitOptions, type EvaluateOptions, type PredictOptions, type PredictInput, type FitTransform,
} from "./trainer.js";
export {
  resolveOptimizer, resolveLoss, resolveMetrics, lossNames,
  type AnyOptimizer, type LossFn, type LossSpec, type MetricSpec, type OptimizerName, type OptimizerSpec,
} from "./compile.js";
export { History, higherIsBetter, type HistoryRecord, type HistoryData } from "./history.js";
export { type Batch, type DataInput } from "./fit-data.js";
export { yieldToEventLoop, Yielder } from "./yield.js";
export { findNonFinite, type NonFiniteReport } from "./non-finite.js";
export {
  Callback, CallbackList, HOOK_NAMES, type CallbackHooks, type HookName, type Logs, type TrainParams, type TrainerLike, type LastBatch,
} from "./callbacks/callback.js";
export { EarlyStopping, type EarlyStoppingOptions } from "./callbacks/early-stopping.js";
export { ModelCheckpoint, formatCheckpointPath, type ModelCheckpointOptions } from "./callbacks/model-checkpoint.js";
export {
  LearningRateScheduler, type LearningRateSchedulerOptions, type ScheduleFn, type SteppableScheduler,
} from "./callbacks/lr-scheduler-callback.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./callbacks/reduce-lr-on-plateau.js";
export { TerminateOnNaN } from "./callbacks/terminate-on-nan.js";
export { CSVLogger, type CSVLoggerOptions } from "./callbacks/csv-logger.js";
export { ProgressBar, formatValue, formatDuration, formatLogs, type ProgressBarOptions, type WritableLike } from "./callbacks/progress-bar.js";
export { LambdaCallback } from "./callbacks/lambda-callback.js";
export { type MonitorMode } from "./callbacks/monitor.js";
export {
  trainInWorker, workerEntryUrl, type TrainInWorkerSpec, type TrainInWorkerHandlers, type TrainInWorkerResult, type ModelFactorySpec,
} from "./worker.js";
export {
  encodeTensor, decodeTensor, encodeStateDict, decodeStateDict,
  type TensorData, type WorkerCallbackSpec, type WorkerCompile, type WorkerFitOptions,
} from "./worker-protocol.js";
export { runWorkerJob } from "./worker-job.js";
