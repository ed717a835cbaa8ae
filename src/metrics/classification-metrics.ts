/**
 * Streaming precision, recall, F-scores, confusion matrix and ROC AUC (see metric.ts). The first four
 * accumulate a confusion matrix that grows as new labels appear; AUC keeps the scores, since an exact AUC
 * needs their ranking (Keras approximates it with 200 thresholds instead).
 */
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { checkLabelRange } from "./confusion-matrix.js";
import { toClassPairs } from "./inputs.js";
import { Metric } from "./metric.js";
import { prfFromConfusion, type PrfOptions, type PrfResult } from "./precision-recall.js";
import { rocAuc, type RocAucOptions } from "./roc-auc.js";

/** A confusion matrix accumulated over batches; grows to fit the largest label seen. */
class ConfusionState {
  cm = new Float64Array(0);
  K = 0;
  n = 0;
  constructor(readonly op: string, readonly threshold: number, readonly numClasses?: number) {}
  add(pred: Tensor, target: Tensor): void {
    const pairs = toClassPairs(this.op, pred, target, this.threshold);
    if (this.numClasses !== undefined) checkLabelRange(this.op, pairs.pred, pairs.target, this.numClasses);
    let K = Math.max(this.K, this.numClasses ?? 0, pairs.numClasses ?? 0);
    for (let i = 0; i < pairs.pred.length; i++) K = Math.max(K, pairs.pred[i]! + 1, pairs.target[i]! + 1);
    if (K > this.K) {
      const grown = new Float64Array(K * K);
      for (let i = 0; i < this.K; i++) for (let j = 0; j < this.K; j++) grown[i * K + j] = this.cm[i * this.K + j]!;
      this.cm = grown;
      this.K = K;
    }
    for (let i = 0; i < pairs.pred.length; i++) this.cm[pairs.target[i]! * K + pairs.pred[i]!]! += 1;
    this.n += pairs.pred.length;
  }
  reset(): void {
    this.cm = new Float64Array(0);
    this.K = 0;
    this.n = 0;
  }
}

type StreamPrfOptions = Omit<PrfOptions, "average"> & { average?: Exclude<PrfOptions["average"], "none">; name?: string };

/** Base of Precision / Recall / F-scores: one confusion matrix, one pure formula. */
abstract class PrfMetric extends Metric {
  private readonly state: ConfusionState;
  private readonly opts: PrfOptions;
  constructor(op: string, name: string, private readonly beta: number, private readonly which: keyof PrfResult, opts: StreamPrfOptions) {
    super(name);
    if ((opts.average as string) === "none") {
      throw new ValueError(`${op}: average "none" gives one value per class; a streaming metric reports one number. Use new ConfusionMatrix() or precision(..., { average: "none" }) on the whole set.`);
    }
    this.opts = opts;
    this.state = new ConfusionState(`${op}.update`, opts.threshold ?? 0.5);
  }
  update(pred: Tensor, target: Tensor): void {
    this.state.add(pred, target);
  }
  result(): number {
    if (this.state.n === 0) return NaN;
    return prfFromConfusion(this.state.cm, this.state.K, this.beta, this.opts, this.name)[this.which] as number;
  }
  reset(): void {
    this.state.reset();
  }
}

/**
 * Streaming {@link precision}; options as the function (average "binary" by default; "none" is not streamable).
 * ```ts
 * const p = new Precision({ average: "macro" });
 * p.update(tensor([0, 1, 1], { dtype: "int32" }), tensor([0, 1, 0], { dtype: "int32" }));
 * console.log(p.result()); // 0.75
 * ```
 */
export class Precision extends PrfMetric {
  constructor({ name = "precision", ...opts }: StreamPrfOptions = {}) {
    super("Precision", name, 1, "precision", opts);
  }
}

/** Streaming {@link recall}. */
export class Recall extends PrfMetric {
  constructor({ name = "recall", ...opts }: StreamPrfOptions = {}) {
    super("Recall", name, 1, "recall", opts);
  }
}

/** Streaming {@link f1Score}. */
export class F1Score extends PrfMetric {
  constructor({ name = "f1", ...opts }: StreamPrfOptions = {}) {
    super("F1Score", name, 1, "fscore", opts);
  }
}

/** Streaming {@link fbetaScore}. */
export class FBetaScore extends PrfMetric {
  constructor({ beta = 1, name = "fbeta", ...opts }: StreamPrfOptions & { beta?: number } = {}) {
    if (!(beta >= 0) || !Number.isFinite(beta)) throw new ValueError(`FBetaScore: beta must be a finite number ≥ 0, got ${beta}.`);
    super("FBetaScore", name, beta, "fscore", opts);
  }
}

/**
 * Streaming {@link confusionMatrix}: `result()` is the int32 `[K, K]` matrix so far (K grows to fit the
 * labels seen unless `numClasses` is given).
 */
export class ConfusionMatrix extends Metric<Tensor> {
  private readonly state: ConfusionState;
  constructor({ numClasses, threshold = 0.5, name = "confusionMatrix" }: { numClasses?: number; threshold?: number; name?: string } = {}) {
    super(name);
    if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
      throw new ValueError(`ConfusionMatrix: numClasses must be a positive integer, got ${numClasses}.`);
    }
    this.state = new ConfusionState("ConfusionMatrix.update", threshold, numClasses);
  }
  update(pred: Tensor, target: Tensor): void {
    this.state.add(pred, target);
  }
  result(): Tensor {
    const { cm, K } = this.state;
    return tensor(Int32Array.from(cm), { shape: [K, K] });
  }
  reset(): void {
    this.state.reset();
  }
}

/**
 * Streaming {@link rocAuc}, exact: it keeps every score and target of the epoch (memory O(samples)).
 * ```ts
 * const auc = new AUC();
 * auc.update(tensor([0.1, 0.4]), tensor([0, 0]));
 * auc.update(tensor([0.35, 0.8]), tensor([1, 1]));
 * console.log(auc.result()); // 0.75
 * ```
 */
export class AUC extends Metric {
  private preds: Float64Array[] = [];
  private targets: Float64Array[] = [];
  private predRow: number[] | null = null;
  private targetRow: number[] | null = null;
  private n = 0;
  constructor(private readonly opts: RocAucOptions & { name?: string } = {}) {
    super(opts.name ?? "auc");
  }
  update(pred: Tensor, target: Tensor): void {
    const op = "AUC.update";
    const pr = pred.shape.slice(1);
    const tr = target.shape.slice(1);
    if (pred.ndim === 0 || target.ndim === 0 || pred.shape[0] !== target.shape[0]) {
      throw new ShapeError(`${op}: pred ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} must both have the batch as their first dimension.`);
    }
    if (this.predRow && (pr.join() !== this.predRow.join() || tr.join() !== this.targetRow!.join())) {
      throw new ShapeError(`${op}: this batch has pred ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)}, but earlier batches had [N,${this.predRow}] and [N,${this.targetRow}].`);
    }
    this.predRow = pr;
    this.targetRow = tr;
    this.preds.push(Float64Array.from(pred.dataSync()));
    this.targets.push(Float64Array.from(target.dataSync()));
    this.n += pred.shape[0]!;
  }
  result(): number {
    if (this.n === 0) return NaN;
    const cat = (parts: Float64Array[]) => {
      const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    };
    return rocAuc(tensor(cat(this.preds), { shape: [this.n, ...this.predRow!] }), tensor(cat(this.targets), { shape: [this.n, ...this.targetRow!] }), this.opts);
  }
  reset(): void {
    this.preds = [];
    this.targets = [];
    this.predRow = this.targetRow = null;
    this.n = 0;
  }
}
