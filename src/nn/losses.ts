/**
 * Loss modules, as PyTorch's `nn.MSELoss`, `nn.CrossEntropyLoss`, ...: each holds its options and calls the
 * loss function of src/nn/functional (where the math and its doc live). A class weight is registered as a
 * buffer, so it appears in `stateDict()` as in PyTorch.
 * ```ts
 * const lossFn = new CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = lossFn.call(model.call(x), labels);   // labels: int32 class indices
 * loss.backward();
 * ```
 */
import type { Tensor } from "../tensor.js";
import { Module } from "./module.js";
import { checkNumber, checkReduction, type Reduction } from "./functional/loss-checks.js";
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from "./functional/regression-losses.js";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv } from "./functional/probability-losses.js";
import { crossEntropy, nllLoss } from "./functional/class-losses.js";
import { cosineEmbeddingLoss, hingeEmbeddingLoss, multiMarginLoss } from "./functional/margin-losses.js";

/** Base of the two-argument losses: holds `reduction` and prints it. */
abstract class Loss extends Module<[Tensor, Tensor]> {
  readonly reduction: Reduction;
  constructor(name: string, reduction: Reduction) {
    super();
    checkReduction(name, reduction);
    this.reduction = reduction;
  }
  /** Registers a class weight as a buffer (or stores null). */
  protected weightBuffer(name: string, weight: Tensor | null | undefined): Tensor | null {
    return weight ? this.registerBuffer(name, weight) : null;
  }
  override extraRepr(): string {
    return `reduction=${this.reduction}`;
  }
}

/** Mean squared error `(x − y)²` (see `mseLoss`). */
export class MSELoss extends Loss {
  constructor({ reduction = "mean" }: { reduction?: Reduction } = {}) {
    super("MSELoss", reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error `|x − y|` (see `l1Loss`). */
export class L1Loss extends Loss {
  constructor({ reduction = "mean" }: { reduction?: Reduction } = {}) {
    super("L1Loss", reduction);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Huber loss with threshold `delta` (see `huberLoss`). */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor({ delta = 1, reduction = "mean" }: { delta?: number; reduction?: Reduction } = {}) {
    super("HuberLoss", reduction);
    checkNumber("HuberLoss", "delta", delta, (v) => v > 0, "a number > 0");
    this.delta = delta;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { delta: this.delta, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `delta=${this.delta}, reduction=${this.reduction}`;
  }
}

/** Smooth L1 loss with quadratic zone `beta` (see `smoothL1Loss`). */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor({ beta = 1, reduction = "mean" }: { beta?: number; reduction?: Reduction } = {}) {
    super("SmoothL1Loss", reduction);
    checkNumber("SmoothL1Loss", "beta", beta, (v) => v >= 0, "a number ≥ 0");
    this.beta = beta;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { beta: this.beta, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `beta=${this.beta}, reduction=${this.reduction}`;
  }
}

/** Binary cross-entropy on probabilities (see `binaryCrossEntropy`). */
export class BCELoss extends Loss {
  readonly weight: Tensor | null;
  constructor({ weight = null, reduction = "mean" }: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    super("BCELoss", reduction);
    this.weight = this.weightBuffer("weight", weight);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Binary cross-entropy on logits, stable, with `posWeight` (see `binaryCrossEntropyWithLogits`). */
export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;
  constructor(
    { weight = null, posWeight = null, reduction = "mean" }: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {},
  ) {
    super("BCEWithLogitsLoss", reduction);
    this.weight = this.weightBuffer("weight", weight);
    this.posWeight = this.weightBuffer("posWeight", posWeight);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

/** Cross-entropy from logits with class indices or probabilities (see `crossEntropy`). */
export class CrossEntropyLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(
    { weight = null, ignoreIndex = -100, reduction = "mean", labelSmoothing = 0 }:
      { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction; labelSmoothing?: number } = {},
  ) {
    super("CrossEntropyLoss", reduction);
    checkNumber("CrossEntropyLoss", "labelSmoothing", labelSmoothing, (v) => v >= 0 && v <= 1, "a number in [0, 1]");
    this.weight = this.weightBuffer("weight", weight);
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
  override extraRepr(): string {
    return `ignoreIndex=${this.ignoreIndex}, labelSmoothing=${this.labelSmoothing}, reduction=${this.reduction}`;
  }
}

/** Negative log-likelihood on log-probabilities (see `nllLoss`). */
export class NLLLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor({ weight = null, ignoreIndex = -100, reduction = "mean" }: { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction } = {}) {
    super("NLLLoss", reduction);
    this.weight = this.weightBuffer("weight", weight);
    this.ignoreIndex = ignoreIndex;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `ignoreIndex=${this.ignoreIndex}, reduction=${this.reduction}`;
  }
}

/** Kullback–Leibler divergence on log-probability inputs (see `klDiv`). */
export class KLDivLoss extends Module<[Tensor, Tensor]> {
  readonly reduction: Reduction | "batchmean";
  readonly logTarget: boolean;
  constructor({ reduction = "mean", logTarget = false }: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {}) {
    super();
    checkReduction("KLDivLoss", reduction, ["mean", "batchmean", "sum", "none"]);
    this.reduction = reduction;
    this.logTarget = logTarget;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
  override extraRepr(): string {
    return `reduction=${this.reduction}, logTarget=${this.logTarget}`;
  }
}

/** Multi-class hinge loss (see `multiMarginLoss`). */
export class MultiMarginLoss extends Loss {
  readonly p: 1 | 2;
  readonly margin: number;
  readonly weight: Tensor | null;
  constructor(
    { p = 1, margin = 1, weight = null, reduction = "mean" }: { p?: 1 | 2; margin?: number; weight?: Tensor | null; reduction?: Reduction } = {},
  ) {
    super("MultiMarginLoss", reduction);
    this.p = p;
    this.margin = margin;
    this.weight = this.weightBuffer("weight", weight);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `p=${this.p}, margin=${this.margin}, reduction=${this.reduction}`;
  }
}

/** Hinge embedding loss on distances with ±1 labels (see `hingeEmbeddingLoss`). */
export class HingeEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor({ margin = 1, reduction = "mean" }: { margin?: number; reduction?: Reduction } = {}) {
    super("HingeEmbeddingLoss", reduction);
    this.margin = margin;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `margin=${this.margin}, reduction=${this.reduction}`;
  }
}

/** Cosine embedding loss on pairs with ±1 labels; `forward(input1, input2, target)` (see `cosineEmbeddingLoss`). */
export class CosineEmbeddingLoss extends Module<[Tensor, Tensor, Tensor]> {
  readonly margin: number;
  readonly reduction: Reduction;
  constructor({ margin = 0, reduction = "mean" }: { margin?: number; reduction?: Reduction } = {}) {
    super();
    checkReduction("CosineEmbeddingLoss", reduction);
    this.margin = margin;
    this.reduction = reduction;
  }
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
  override extraRepr(): string {
    return `margin=${this.margin}, reduction=${this.reduction}`;
  }
}
