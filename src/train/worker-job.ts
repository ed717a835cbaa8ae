/**
 * The part of worker training that runs inside the worker: build the model, the trainer and the callbacks
 * from the job, train, and report events and results through `post`. The thread glue is in worker-entry.ts;
 * this function takes plain callbacks, so it can also run (and be tested) in one thread.
 */
import { ValueError } from "../errors.js";
import { deserializeModel } from "../io/model-file.js";
import { Module } from "../nn/module.js";
import { manualSeed } from "../random.js";
import { Callback, type Logs } from "./callbacks/callback.js";
import { CSVLogger } from "./callbacks/csv-logger.js";
import { EarlyStopping } from "./callbacks/early-stopping.js";
import { ModelCheckpoint } from "./callbacks/model-checkpoint.js";
import { ReduceLROnPlateau } from "./callbacks/reduce-lr-on-plateau.js";
import { TerminateOnNaN } from "./callbacks/terminate-on-nan.js";
import { Trainer } from "./trainer.js";
import { decodeStateDict, decodeTensor, encodeStateDict, type WorkerCallbackSpec, type WorkerEvent, type WorkerJob, type WorkerModelSource } from "./worker-protocol.js";

/** Builds the model a job describes. */
export async function buildWorkerModel(src: WorkerModelSource): Promise<Module> {
  if (src.kind === "serialized") return deserializeModel(src.json, src.weights).model;
  const mod = (await import(src.url)) as Record<string, unknown>;
  const exp = mod[src.exportName];
  if (typeof exp !== "function") {
    throw new ValueError(`trainInWorker: ${src.url} has no export "${src.exportName}" that is a function or a Module class (exports: ${Object.keys(mod).join(", ") || "none"}).`);
  }
  const isClass = exp.prototype instanceof Module;
  const model = isClass ? new (exp as new (...a: unknown[]) => Module)(...src.args) : await (exp as (...a: unknown[]) => unknown)(...src.args);
  if (!(model instanceof Module)) {
    throw new ValueError(`trainInWorker: ${src.exportName}(...) from ${src.url} returned ${model === null ? "null" : typeof model}, not a Module.`);
  }
  return model;
}

function buildCallback(spec: WorkerCallbackSpec): Callback {
  switch (spec.type) {
    case "EarlyStopping": return new EarlyStopping(spec.options);
    case "ReduceLROnPlateau": return new ReduceLROnPlateau(spec.options);
    case "TerminateOnNaN": return new TerminateOnNaN();
    case "CSVLogger": return new CSVLogger(spec.filename, spec.options);
    case "ModelCheckpoint": return new ModelCheckpoint(spec.filepath, spec.options);
    default: throw new ValueError(`trainInWorker: unknown callback type ${JSON.stringify((spec as { type: unknown }).type)}; known: EarlyStopping, ReduceLROnPlateau, TerminateOnNaN, CSVLogger, ModelCheckpoint.`);
  }
}

/** Forwards the trainer's events to the main thread, and stops training when `shouldStop()` says so. */
class EventForwarder extends Callback {
  constructor(private readonly post: (e: WorkerEvent) => void, private readonly batchEvents: boolean, private readonly shouldStop: () => boolean) {
    super();
  }
  override onTrainBegin(): void {
    this.post({ type: "trainBegin", params: this.trainer.params });
  }
  override onEpochBegin(epoch: number): void {
    if (this.shouldStop()) this.trainer.stopTraining = true;
    this.post({ type: "epochBegin", epoch });
  }
  override onEpochEnd(epoch: number, logs: Logs): void {
    this.post({ type: "epochEnd", epoch, logs: { ...logs } });
  }
  override onBatchEnd(batch: number, logs: Logs): void {
    if (this.shouldStop()) this.trainer.stopTraining = true;
    if (this.batchEvents) this.post({ type: "batchEnd", batch, logs: { ...logs } });
  }
}

/**
 * Runs a job: returns when training ends (or throws). `shouldStop` is polled after every batch (the thread
 * glue makes it true when the main thread sends "stop"); training then ends and the results are posted.
 */
export async function runWorkerJob(job: WorkerJob, post: (e: WorkerEvent) => void, shouldStop: () => boolean = () => false): Promise<void> {
  if (job.globalSeed !== undefined) manualSeed(job.globalSeed);
  const model = await buildWorkerModel(job.model);
  if (job.initialWeights) model.loadStateDict(decodeStateDict(job.initialWeights));
  const trainer = new Trainer(model, { optimizer: job.compile.optimizer, loss: job.compile.loss, metrics: job.compile.metrics ?? [] });
  const callbacks = [...job.callbacks.map(buildCallback), new EventForwarder(post, job.batchEvents, shouldStop)];
  const history = await trainer.fit(decodeTensor(job.x), decodeTensor(job.y), {
    ...job.fit,
    validationData: job.validationData && [decodeTensor(job.validationData[0]), decodeTensor(job.validationData[1])],
    callbacks,
    verbose: 0,
  });
  post({ type: "done", weights: encodeStateDict(model.stateDict()), history: history.toJSON() });
}
