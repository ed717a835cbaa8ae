/**
 * The numbers the command line reports for a trained model on a data set.
 *
 * - classification: `loss` (mean cross-entropy of the logits) and `accuracy`;
 * - regression: `loss` (the training loss: MSE on the standardized target), then `mse`, `mae` and `r2`
 *   in the target's own units (R² is the same in both).
 *
 * ```ts
 * scoreModel(model, xScaled, y, { task: "classify" });                  // { loss: 0.04, accuracy: 0.989 }
 * scoreModel(model, xScaled, y, { task: "regress", targetScaler });     // { loss, mse, mae, r2 }
 * ```
 */
import { noGrad } from "../autograd/grad-mode.js";
import { cat, slice } from "../ops/movement.js";
import type { Module } from "../nn/module.js";
import type { Tensor } from "../tensor.js";
import { crossEntropy } from "../nn/functional/class-losses.js";
import { meanAbsoluteError, meanSquaredError, r2Score } from "../metrics/regression.js";
import type { StandardScaler } from "../data/preprocessing/standard-scaler.js";
import type { Task } from "./tabular-data.js";

/** The model's outputs for every row, in eval mode without gradients, in batches of `batchSize` rows. */
export function forwardAll(model: Module, x: Tensor, batchSize = 4096): Tensor {
  const wasTraining = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  try {
    return noGrad(() => {
      const n = x.shape[0]!;
      const outs: Tensor[] = [];
      for (let s = 0; s < n; s += batchSize) outs.push((model as Module<[Tensor]>).call(n <= batchSize ? x : slice(x, 0, s, Math.min(n, s + batchSize))) as Tensor);
      return outs.length === 1 ? outs[0]! : cat(outs, 0);
    });
  } finally {
    for (const [m, t] of wasTraining) m.training = t;
  }
}

/** Fraction of rows whose largest logit is the true class. */
export function accuracyOf(logits: Tensor, y: Tensor): number {
  const pred = logits.argmax(1).dataSync() as Int32Array;
  const t = y.dataSync() as Int32Array;
  let hit = 0;
  for (let i = 0; i < t.length; i++) if (pred[i] === t[i]) hit++;
  return hit / t.length;
}

export interface ScoreOptions {
  task: Task;
  /** Regression: the scaler of the target the model was trained on. */
  targetScaler?: StandardScaler;
}

/** The metrics of `model` on features `x` (already standardized) and targets `y` (class ids or raw values). */
export function scoreModel(model: Module, x: Tensor, y: Tensor, { task, targetScaler }: ScoreOptions): Record<string, number> {
  const out = forwardAll(model, x);
  return noGrad((): Record<string, number> => {
    if (task === "classify") return { loss: crossEntropy(out, y).item(), accuracy: accuracyOf(out, y) };
    const yCol = y.reshape([-1, 1]);
    const yStd = targetScaler ? targetScaler.transform(yCol) : yCol;
    const loss = out.sub(yStd).pow(2).mean().item();
    const pred = targetScaler ? targetScaler.inverseTransform(out) : out;
    return { loss, mse: meanSquaredError(pred, yCol), mae: meanAbsoluteError(pred, yCol), r2: y.shape[0]! >= 2 ? r2Score(pred, yCol) : NaN };
  });
}
