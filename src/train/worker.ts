/**
 * Training in a worker thread (Node's `node:worker_threads`), so the main thread stays free: the model is
 * rebuilt in the worker, trained with a Trainer, and its weights and History come back; progress arrives as
 * events while it runs.
 *
 * The model reaches the worker either
 * - as a Module made of registered layers (Sequential, Linear, activations, ... — what `io.saveModel` can
 *   save): it is serialized with `io.serializeModel`, current weights included; or
 * - as a factory: `{ module, export, args }` names a module file that the worker imports, and an export that is
 *   a function returning a Module (called with `args`) or a Module class (constructed with `args`) — for models
 *   of your own classes.
 *
 * The trainer configuration, the fit options and the callbacks must be plain data (names and numbers), since
 * functions cannot cross threads.
 *
 * ```ts
 * const { weights, history } = await trainInWorker(
 *   { model, trainer: { optimizer: { name: "adam", lr: 0.01 }, loss: "crossEntropy", metrics: ["accuracy"] },
 *     data: { x, y }, fitOptions: { epochs: 20, validationSplit: 0.2, seed: 0 },
 *     callbacks: [{ type: "EarlyStopping", options: { patience: 3, restoreBestWeights: true } }] },
 *   { onEpochEnd: (epoch, logs) => console.log(epoch, logs.valLoss) },
 * );
 * model.loadStateDict(weights);
 * ```
 * With the same seeds, the result equals training in-process (the worker runs the same code on the same data).
 * Node only (the thread module is loaded on call). From TypeScript sources (tests under tsx), or with a factory
 * module written in TypeScript, the worker first registers tsx's loader (tsx must be installed); from the built
 * package with a JavaScript factory it runs `dist/train/worker-entry.js` directly.
 */
import { ValueError } from "../errors.js";
import { serializeModel } from "../io/model-file.js";
import { Module, type StateDict } from "../nn/module.js";
import type { Tensor } from "../tensor.js";
import type { Logs, TrainParams } from "./callbacks/callback.js";
import { History } from "./history.js";
import {
  checkPlain, decodeStateDict, encodeStateDict, encodeTensor,
  type WorkerCallbackSpec, type WorkerCompile, type WorkerEvent, type WorkerFitOptions, type WorkerJob, type WorkerModelSource,
} from "./worker-protocol.js";

/** A factory module for the worker: a path (relative to the working directory) or URL, and an export. */
export interface ModelFactorySpec {
  module: string | URL;
  /** The export to use (default "default"). */
  export?: string;
  /** Arguments for the factory / constructor (plain data). */
  args?: unknown[];
}

export interface TrainInWorkerSpec {
  model: Module | ModelFactorySpec;
  /** Weights to load into the rebuilt model before training (e.g. to continue from a factory model's saved state). */
  initialWeights?: StateDict;
  /** Optimizer, loss and metrics by name. */
  trainer: WorkerCompile;
  data: { x: Tensor; y: Tensor; validationData?: [Tensor, Tensor] };
  fitOptions?: WorkerFitOptions;
  callbacks?: WorkerCallbackSpec[];
  /** Seeds the worker's global generator (`manualSeed`) before the model is built: factory initialization, dropout, noise. */
  globalSeed?: number;
}

export interface TrainInWorkerHandlers {
  onTrainBegin?: (params: TrainParams | undefined) => void;
  onEpochBegin?: (epoch: number) => void;
  onEpochEnd?: (epoch: number, logs: Logs) => void;
  /** Asking for batch events costs one message per batch. */
  onBatchEnd?: (batch: number, logs: Logs) => void;
  /** Aborting ends training after the current batch; the promise then resolves with the weights so far. */
  signal?: AbortSignal;
}

export interface TrainInWorkerResult {
  weights: StateDict;
  history: History;
}

/** The worker-entry file next to this one: .ts under tsx (tests), .js in dist/. */
export function workerEntryUrl(): { url: URL; typescript: boolean } {
  const typescript = /\.[cm]?ts$/.test(new URL(import.meta.url).pathname);
  return { url: new URL(typescript ? "./worker-entry.ts" : "./worker-entry.js", import.meta.url), typescript };
}

/** Where tsx's ESM registration API is (resolved from here, so the worker finds the same tsx). */
function tsxApi(): string {
  try {
    return import.meta.resolve("tsx/esm/api");
  } catch {
    return "tsx/esm/api";
  }
}

async function modelSource(model: Module | ModelFactorySpec): Promise<WorkerModelSource> {
  if (model instanceof Module) {
    const { json, weights } = serializeModel(model);
    return { kind: "serialized", json, weights };
  }
  if (model === null || typeof model !== "object" || !("module" in model)) {
    throw new ValueError("trainInWorker: model must be a Module (of registered layers) or { module: path, export?: name, args?: [...] }.");
  }
  const { pathToFileURL } = await import("node:url");
  const { resolve } = await import("node:path");
  const m = model.module;
  const url = m instanceof URL ? m.href : /^[a-z][a-z0-9+.-]*:/i.test(m) && !/^[a-z]:[\\/]/i.test(m) ? m : pathToFileURL(resolve(m)).href;
  const args = model.args ?? [];
  checkPlain("trainInWorker", "model.args", args);
  return { kind: "factory", url, exportName: model.export ?? "default", args };
}

/**
 * Trains in a worker thread; resolves with the trained weights and the History. See the file comment.
 */
export async function trainInWorker(spec: TrainInWorkerSpec, handlers: TrainInWorkerHandlers = {}): Promise<TrainInWorkerResult> {
  const op = "trainInWorker";
  if (!spec?.data?.x || !spec.data.y) throw new ValueError(`${op}: data must be { x, y } tensors (plus validationData: [xVal, yVal] if wanted).`);
  checkPlain(op, "trainer", spec.trainer);
  checkPlain(op, "fitOptions", spec.fitOptions ?? {});
  checkPlain(op, "callbacks", spec.callbacks ?? []);
  const source = await modelSource(spec.model);
  const job: WorkerJob = {
    model: source,
    initialWeights: spec.initialWeights && encodeStateDict(spec.initialWeights),
    compile: spec.trainer,
    x: encodeTensor(spec.data.x),
    y: encodeTensor(spec.data.y),
    validationData: spec.data.validationData && [encodeTensor(spec.data.validationData[0]), encodeTensor(spec.data.validationData[1])],
    fit: spec.fitOptions ?? {},
    callbacks: spec.callbacks ?? [],
    globalSeed: spec.globalSeed,
    batchEvents: handlers.onBatchEnd !== undefined,
  };
  const { Worker } = await import("node:worker_threads");
  const entry = workerEntryUrl();
  const needsTsx = entry.typescript || (source.kind === "factory" && /\.[cm]?tsx?$/.test(new URL(source.url).pathname));
  // TypeScript files need tsx in the worker. Node 20 ignores `--import tsx` in a worker's execArgv, so a small
  // bootstrap registers tsx's loader in the worker and then imports the entry.
  const worker = needsTsx
    ? new Worker(`import(${JSON.stringify(tsxApi())}).then(({ register }) => { register(); return import(${JSON.stringify(entry.url.href)}); });`, { eval: true, workerData: job })
    : new Worker(entry.url, { workerData: job });

  return new Promise<TrainInWorkerResult>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      handlers.signal?.removeEventListener("abort", onAbort);
      f();
      void worker.terminate();
    };
    const onAbort = (): void => worker.postMessage({ type: "stop" });
    if (handlers.signal?.aborted) onAbort();
    else handlers.signal?.addEventListener("abort", onAbort, { once: true });

    worker.on("message", (e: WorkerEvent) => {
      try {
        switch (e.type) {
          case "trainBegin": handlers.onTrainBegin?.(e.params); break;
          case "epochBegin": handlers.onEpochBegin?.(e.epoch); break;
          case "epochEnd": handlers.onEpochEnd?.(e.epoch, e.logs); break;
          case "batchEnd": handlers.onBatchEnd?.(e.batch, e.logs); break;
          case "done": finish(() => resolve({ weights: decodeStateDict(e.weights), history: History.fromJSON(e.history) })); break;
          case "error": {
            const err = new Error(`${op}: training in the worker failed: ${e.message}`);
            err.name = e.name;
            if (e.stack) err.stack = `${err.name}: ${err.message}\n--- in the worker ---\n${e.stack}`;
            finish(() => reject(err));
            break;
          }
        }
      } catch (err) {
        finish(() => reject(err)); // a handler threw
      }
    });
    worker.on("error", (err) => finish(() => reject(err)));
    worker.on("exit", (code) => finish(() => reject(new Error(`${op}: the worker exited (code ${code}) before sending its results.`))));
  });
}
