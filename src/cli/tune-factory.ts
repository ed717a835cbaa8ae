/**
 * The model factory `nabla tune` searches with: one MLP per parameter setting, built as `nabla train` builds
 * it (same layers, loss, L2 and optimizer). It is a module of its own so that search worker threads can
 * import it (`{ module: tuneFactoryUrl(), export: "mlpTrial" }`).
 *
 * Every setting carries the fixed facts of the data (`inFeatures`, `outFeatures`, `task`) next to the tuned
 * hyperparameters; the search passes `epochs` and `batchSize` to the Trainer.
 *
 * ```ts
 * const t = mlpTrial({ inFeatures: 4, outFeatures: 3, task: "classify", ...DEFAULT_HYPER });
 * t.model;  // Sequential(Linear(4→64), ReLU, Linear(64→3))
 * ```
 */
import type { ModelTrial } from "../search/trial.js";
import { mlpLoss, type Hyper } from "./fit-mlp.js";
import { buildMlp } from "./mlp.js";
import type { Task } from "./tabular-data.js";

/** One setting of the search: the tuned hyperparameters and the data's fixed facts. */
export interface TrialParams extends Omit<Hyper, "earlyStopping"> {
  inFeatures: number;
  outFeatures: number;
  task: Task;
}

/** Builds one trial's model, optimizer, loss and metric (accuracy or R², the search's score). */
export function mlpTrial(p: TrialParams): ModelTrial {
  const model = buildMlp({ inFeatures: p.inFeatures, hidden: p.hidden, outFeatures: p.outFeatures, activation: p.activation, dropout: p.dropout });
  return {
    model,
    optimizer: { name: p.optimizer, lr: p.lr },
    loss: mlpLoss(model, p.task, p.l2),
    metrics: [p.task === "classify" ? "accuracy" : "r2"],
  };
}

/** This module's URL (the .ts source under tsx, the .js file in dist/), for worker threads. */
export const tuneFactoryUrl = (): URL => new URL(import.meta.url);
