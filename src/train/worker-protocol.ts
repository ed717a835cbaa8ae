/**
 * What crosses the thread boundary in worker training: tensors as `{ shape, dtype, data }` (a typed array,
 * copied by structured clone), the job description, and the events the worker sends back.
 */
import type { DType, TypedArray } from "../dtype.js";
import { ValueError } from "../errors.js";
import type { StateDict } from "../nn/module.js";
import { tensor } from "../ops/creation.js";
import { Tensor } from "../tensor.js";
import type { Logs, TrainParams } from "./callbacks/callback.js";
import type { MetricSpec, OptimizerName } from "./compile.js";
import type { HistoryData } from "./history.js";

/** A tensor as plain data. */
export interface TensorData {
  shape: number[];
  dtype: DType;
  data: TypedArray;
}

export const encodeTensor = (t: Tensor): TensorData => ({ shape: [...t.shape], dtype: t.dtype, data: t.dataSync() });
export const decodeTensor = (d: TensorData): Tensor => tensor(d.data, { shape: d.shape, dtype: d.dtype });

export const encodeStateDict = (sd: StateDict): Record<string, TensorData> =>
  Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, encodeTensor(t)]));
export const decodeStateDict = (d: Record<string, TensorData>): StateDict =>
  Object.fromEntries(Object.entries(d).map(([k, t]) => [k, decodeTensor(t)]));

/**
 * How the worker gets its model: a factory module it imports (`export` names a function returning a Module,
 * or a Module class, called/constructed with `args`), or a serialized model (io.serializeModel's files).
 */
export type WorkerModelSource =
  | { kind: "factory"; url: string; exportName: string; args: unknown[] }
  | { kind: "serialized"; json: string; weights: Uint8Array };

/** Callbacks a worker can build from plain options. */
export type WorkerCallbackSpec =
  | { type: "EarlyStopping"; options?: import("./callbacks/early-stopping.js").EarlyStoppingOptions }
  | { type: "ReduceLROnPlateau"; options?: import("./callbacks/reduce-lr-on-plateau.js").ReduceLROnPlateauOptions }
  | { type: "TerminateOnNaN" }
  | { type: "CSVLogger"; filename: string; options?: import("./callbacks/csv-logger.js").CSVLoggerOptions }
  | { type: "ModelCheckpoint"; filepath: string; options?: Omit<import("./callbacks/model-checkpoint.js").ModelCheckpointOptions, "preprocessing"> };

/** The trainer configuration by name (plain data). */
export interface WorkerCompile {
  optimizer: OptimizerName | ({ name: OptimizerName } & Record<string, unknown>);
  /** A loss name ("crossEntropy", "mse", ...). */
  loss: string;
  /** Metric names. */
  metrics?: Extract<MetricSpec, string>[];
}

/** FitOptions that are plain data. */
export interface WorkerFitOptions {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  stratify?: boolean;
  shuffle?: boolean;
  initialEpoch?: number;
  seed?: number;
}

/** The job posted to the worker. */
export interface WorkerJob {
  model: WorkerModelSource;
  /** Weights loaded into the model before training (e.g. the main thread's current weights). */
  initialWeights?: Record<string, TensorData>;
  compile: WorkerCompile;
  x: TensorData;
  y: TensorData;
  validationData?: [TensorData, TensorData];
  fit: WorkerFitOptions;
  callbacks: WorkerCallbackSpec[];
  /** Seeds the worker's global generator before the model is built (initialization, dropout, noise). */
  globalSeed?: number;
  /** Which events to send: batch events are off unless asked for. */
  batchEvents: boolean;
}

/** Messages from the worker. */
export type WorkerEvent =
  | { type: "trainBegin"; params: TrainParams | undefined }
  | { type: "epochBegin"; epoch: number }
  | { type: "epochEnd"; epoch: number; logs: Logs }
  | { type: "batchEnd"; batch: number; logs: Logs }
  | { type: "done"; weights: Record<string, TensorData>; history: HistoryData }
  | { type: "error"; name: string; message: string; stack?: string };

/** Messages to the worker. */
export type WorkerCommand = { type: "stop" };

export function checkPlain(op: string, what: string, v: unknown): void {
  try {
    structuredClone(v);
  } catch {
    throw new ValueError(`${op}: ${what} must be plain data (numbers, strings, arrays, objects) to reach the worker thread; functions and class instances cannot be sent.`);
  }
  if (v instanceof Tensor) throw new ValueError(`${op}: ${what} must be plain data, not a Tensor.`);
}
