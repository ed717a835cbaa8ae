/** Batch normalization over the batch (Ioffe & Szegedy 2015), for inputs `[N, C]` or `[N, C, L]`. */
import { noGrad } from "../../autograd/grad-mode.js";
import type { DType } from "../../dtype.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { ones, tensor, zeros } from "../../ops/creation.js";
import type { Tensor } from "../../tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

/** Options of the batchNorm function. */
export interface BatchNormOptions {
  /** Normalize with the batch's statistics (and update the running ones); default false. */
  training?: boolean;
  /** Weight of the new batch in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/**
 * `y = (x − μ)/√(σ² + eps)·γ + β` per channel (dim 1), as `torch.nn.functional.batch_norm`.
 *
 * In training, μ and σ² are the batch's mean and *biased* variance over dims 0 (and 2), and the running
 * statistics (if given) are updated in place: `running ← (1 − momentum)·running + momentum·batch`, with the
 * *unbiased* variance `σ²·n/(n − 1)` for the running variance (n values per channel), as PyTorch. Otherwise
 * the running statistics are used. Gradients flow through the batch statistics.
 * ```ts
 * batchNorm(x, null, null, null, null, { training: true });   // each column of x: mean 0, variance ≈ 1
 * ```
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  { training = false, momentum = 0.1, eps = 1e-5 }: BatchNormOptions = {},
): Tensor {
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new ShapeError(`batchNorm: input must be [N, C] or [N, C, L], got ${fmtShape(x.shape)}.`);
  }
  const c = x.shape[1]!;
  for (const [name, t] of [["runningMean", runningMean], ["runningVar", runningVar], ["weight", weight], ["bias", bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new ShapeError(`batchNorm: ${name} must have shape [${c}] (the input's channels, dim 1 of ${fmtShape(x.shape)}), got ${fmtShape(t.shape)}.`);
    }
  }
  const view = x.ndim === 2 ? [1, c] : [1, c, 1];
  const dims = x.ndim === 2 ? [0] : [0, 2];
  const useBatch = training || !runningMean || !runningVar;
  let mean: Tensor, variance: Tensor;
  if (useBatch) {
    const n = x.size / c;
    if (training && n <= 1) {
      throw new ValueError(
        `batchNorm: expected more than 1 value per channel when training, got input of shape ${fmtShape(x.shape)}. ` +
          `Use a batch of 2 or more, or call model.eval() for single-sample inference.`,
      );
    }
    mean = x.mean(dims, true);
    variance = x.var(dims, { correction: 0, keepDims: true });
    if (training) {
      noGrad(() => {
        if (runningMean) runningMean.copy_(runningMean.mul(1 - momentum).add(mean.reshape([c]).mul(momentum)));
        if (runningVar) runningVar.copy_(runningVar.mul(1 - momentum).add(variance.reshape([c]).mul((momentum * n) / (n - 1))));
      });
    }
  } else {
    mean = runningMean!.reshape(view);
    variance = runningVar!.reshape(view);
  }
  let y = x.sub(mean).div(variance.add(eps).sqrt());
  if (weight) y = y.mul(weight.reshape(view));
  if (bias) y = y.add(bias.reshape(view));
  return y;
}

/** Options of `BatchNorm1d`. */
export interface BatchNorm1dOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Running-average weight of each new batch (default 0.1); null for a cumulative (equal-weight) average. */
  momentum?: number | null;
  /** Learn a per-channel scale γ (init 1) and shift β (init 0); default true. */
  affine?: boolean;
  /** Keep running mean/variance for eval mode (default true); false uses batch statistics always. */
  trackRunningStats?: boolean;
  /** Dtype of parameters and buffers (default float32). */
  dtype?: DType;
}

/**
 * Batch norm layer for `[N, C]` (after a Linear) or `[N, C, L]` inputs, as `torch.nn.BatchNorm1d`. Training
 * mode normalizes with batch statistics and updates the running ones (buffers `runningMean`, `runningVar`,
 * `numBatchesTracked`, saved in the state dict); eval mode uses the running statistics.
 * ```ts
 * const net = new Sequential(new Linear(4, 16), new BatchNorm1d(16), new ReLU(), new Linear(16, 2));
 * ```
 */
export class BatchNorm1d extends Module<[Tensor]> {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null = null;
  bias: Parameter | null = null;
  readonly runningMean: Tensor | null = null;
  readonly runningVar: Tensor | null = null;
  readonly numBatchesTracked: Tensor | null = null;

  constructor(numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true, dtype = "float32" }: BatchNorm1dOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new ValueError(`BatchNorm1d: numFeatures must be an integer ≥ 1, got ${numFeatures}.`);
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) throw new ValueError(`BatchNorm1d: momentum must be in [0, 1] or null, got ${momentum}.`);
    if (!(eps > 0)) throw new ValueError(`BatchNorm1d: eps must be > 0, got ${eps}.`);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    if (affine) {
      this.weight = new Parameter(ones([numFeatures], { dtype }));
      this.bias = new Parameter(zeros([numFeatures], { dtype }));
    }
    if (trackRunningStats) {
      this.runningMean = this.registerBuffer("runningMean", zeros([numFeatures], { dtype }));
      this.runningVar = this.registerBuffer("runningVar", ones([numFeatures], { dtype }));
      this.numBatchesTracked = this.registerBuffer("numBatchesTracked", tensor(0, { dtype: "int32" }));
    }
  }

  forward(x: Tensor): Tensor {
    if (x.ndim >= 2 && x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`BatchNorm1d: expected ${this.numFeatures} channels in dim 1, got input of shape ${fmtShape(x.shape)}.`);
    }
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      noGrad(() => this.numBatchesTracked!.add_(1));
      if (this.momentum === null) momentum = 1 / this.numBatchesTracked.item();
    }
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: this.training || !this.trackRunningStats,
      momentum,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }

  /** Constructor arguments, for model files: `{ numFeatures, eps, momentum, affine, trackRunningStats, dtype }`. */
  override getConfig(): Required<BatchNorm1dOptions> & { numFeatures: number } {
    const dtype = (this.weight ?? this.runningMean)?.dtype ?? "float32";
    return { numFeatures: this.numFeatures, eps: this.eps, momentum: this.momentum, affine: this.affine, trackRunningStats: this.trackRunningStats, dtype };
  }
}
