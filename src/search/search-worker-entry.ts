/**
 * A search worker thread's entry point (started by search-worker.ts; not imported by the library). It gets
 * the learner, the data and the folds once (`init`), then runs one trial per `task` message and posts each
 * outcome back. Trials run one at a time, in the order they arrive.
 */
import { parentPort } from "node:worker_threads";
import { decodeTensor } from "../train/worker-protocol.js";
import { learnerFromWire, runTrial, type Learner, type SearchData } from "./trial.js";
import type { SearchWorkerCommand, SearchWorkerEvent } from "./search-worker.js";
import type { Fold } from "../data/splits.js";

const port = parentPort;
if (!port) throw new Error("search-worker-entry: this file runs as a worker thread (new Worker(...)), not as a script.");

let learner: Promise<Learner> | undefined;
let data: SearchData | undefined;
let folds: Fold[] = [];
let queue: Promise<void> = Promise.resolve();

const post = (e: SearchWorkerEvent): void => port.postMessage(e);

port.on("message", (m: SearchWorkerCommand) => {
  if (m.type === "init") {
    learner = learnerFromWire(m.learner);
    learner.catch(() => undefined); // reported by the first task
    data = { x: decodeTensor(m.x), y: "tensor" in m.y ? decodeTensor(m.y.tensor) : m.y.array };
    folds = m.folds;
  } else if (m.type === "task") {
    const task = m.task;
    queue = queue.then(async () => {
      let l: Learner;
      try {
        l = await learner!;
      } catch (e) {
        const err = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        post({ type: "result", outcome: { candidate: task.candidate, fold: task.fold, score: NaN, error: err, fitTime: 0, scoreTime: 0, scoring: "" } });
        return;
      }
      post({ type: "result", outcome: await runTrial(l, data!, folds[task.fold]!, task) });
    });
  }
});
