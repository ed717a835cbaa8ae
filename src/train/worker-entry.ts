/**
 * The worker thread's entry point (loaded by trainInWorker; not imported by the library). It receives a
 * WorkerJob as `workerData`, runs it, and posts events to the parent; a `{ type: "stop" }` message ends
 * training after the current batch (fit yields to the event loop, so the message is seen).
 */
import { parentPort, workerData } from "node:worker_threads";
import { runWorkerJob } from "./worker-job.js";
import type { WorkerCommand, WorkerEvent, WorkerJob } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("worker-entry: this file runs as a worker thread (new Worker(...)), not as a script.");

let stopRequested = false;
port.on("message", (m: WorkerCommand) => {
  if (m?.type === "stop") stopRequested = true;
});

const post = (e: WorkerEvent): void => port.postMessage(e);

runWorkerJob(workerData as WorkerJob, post, () => stopRequested)
  .catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: "error", name: err.name, message: err.message, stack: err.stack });
  })
  .finally(() => port.close());
