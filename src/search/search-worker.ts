/**
 * A pool of worker threads that runs the trials of a search (`nJobs > 1`). Each worker gets the learner as
 * plain data, the data as typed arrays (a transferred copy per worker, sent once) and the folds, then takes
 * one trial at a time from a shared queue. Outcomes are keyed by (candidate, fold), so which worker ran a
 * trial, and when, changes nothing in the results.
 *
 * Node only (`node:worker_threads` is loaded on call). Under tsx (TypeScript sources, or a factory module
 * written in TypeScript) each worker first registers tsx's loader; from the built package with a JavaScript
 * factory it runs `dist/search/search-worker-entry.js` directly. Workers use the default (TypeScript)
 * backend.
 */
import type { Fold } from "../data/splits.js";
import { encodeTensor, type TensorData } from "../train/worker-protocol.js";
import type { LearnerWire, SearchData, TrialOutcome, TrialTask } from "./trial.js";
import { Tensor } from "../tensor.js";

/** Messages to a search worker. */
export type SearchWorkerCommand =
  | { type: "init"; learner: LearnerWire; x: TensorData; y: { tensor: TensorData } | { array: unknown[] }; folds: Fold[] }
  | { type: "task"; task: TrialTask };

/** Messages from a search worker. */
export type SearchWorkerEvent = { type: "result"; outcome: TrialOutcome };

/** The entry file next to this one: .ts under tsx (tests), .js in dist/. */
export function searchWorkerEntryUrl(): { url: URL; typescript: boolean } {
  const typescript = /\.[cm]?ts$/.test(new URL(import.meta.url).pathname);
  return { url: new URL(typescript ? "./search-worker-entry.ts" : "./search-worker-entry.js", import.meta.url), typescript };
}

function tsxApi(): string {
  try {
    return import.meta.resolve("tsx/esm/api");
  } catch {
    return "tsx/esm/api";
  }
}

/** A fresh copy of a tensor's elements, to transfer to one worker. */
function tensorCopy(t: Tensor): { data: TensorData; transfer: ArrayBuffer[] } {
  const d = encodeTensor(t.contiguous());
  const copy = d.data.slice();
  return { data: { ...d, data: copy }, transfer: [copy.buffer as ArrayBuffer] };
}

/**
 * Runs `tasks` on `nWorkers` worker threads; calls `onOutcome` as each trial ends (in completion order). If
 * `onOutcome` throws (errorScore "raise"), the workers are terminated and the promise rejects with that error.
 */
export async function runInWorkers(
  nWorkers: number, learner: LearnerWire, data: SearchData, folds: Fold[], tasks: readonly TrialTask[], onOutcome: (o: TrialOutcome) => void,
): Promise<void> {
  if (tasks.length === 0) return;
  const { Worker } = await import("node:worker_threads");
  const entry = searchWorkerEntryUrl();
  const needsTsx = entry.typescript || (learner.kind === "factory" && /\.[cm]?tsx?$/.test(new URL(learner.url).pathname));
  const n = Math.min(nWorkers, tasks.length);
  const workers = Array.from({ length: n }, () =>
    needsTsx
      // Node 20 ignores `--import tsx` in a worker's execArgv, so a bootstrap registers tsx's loader first.
      ? new Worker(`import(${JSON.stringify(tsxApi())}).then(({ register }) => { register(); return import(${JSON.stringify(entry.url.href)}); });`, { eval: true })
      : new Worker(entry.url),
  );
  let next = 0, done = 0;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (err === undefined) resolve();
      else reject(err);
    };
    const give = (w: InstanceType<typeof Worker>): void => {
      try {
        if (next < tasks.length) w.postMessage({ type: "task", task: tasks[next++]! } satisfies SearchWorkerCommand);
      } catch (err) {
        finish(err); // a setting that cannot be cloned (search-core checks this first)
      }
    };
    for (const w of workers) {
      const x = tensorCopy(data.x);
      const y = data.y instanceof Tensor ? tensorCopy(data.y) : null;
      const init: SearchWorkerCommand = {
        type: "init", learner, x: x.data, y: y ? { tensor: y.data } : { array: [...(data.y as readonly unknown[])] }, folds,
      };
      w.postMessage(init, [...x.transfer, ...(y?.transfer ?? [])]);
      give(w);
      w.on("message", (e: SearchWorkerEvent) => {
        if (settled || e.type !== "result") return;
        try {
          onOutcome(e.outcome);
        } catch (err) {
          finish(err);
          return;
        }
        done++;
        if (done === tasks.length) finish();
        else give(w);
      });
      w.on("error", (err) => finish(err));
      w.on("exit", (code) => {
        if (!settled) finish(new Error(`search: a worker thread exited (code ${code}) before finishing its trials.`));
      });
    }
  });
}
