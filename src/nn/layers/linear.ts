/** Linear (dense, fully connected) layer: `y = x·Wᵀ + b`. */
import type { DType } from "../../dtype.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { zeros } from "../../ops/creation.js";
import { linear as linearOp, type LinearActivation } from "../../ops/matmul.js";
import type { Generator } from "../../random.js";
import type { Tensor } from "../../tensor.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

/**
 * `x·Wᵀ + b` for `x` of shape `[..., in]`, `weight` `[out, in]`, `bias` `[out]` (or null): the math of
 * `Linear`, as `torch.nn.functional.linear`. `activation` ("relu", "tanh" or "sigmoid") applies that
 * function to the result in the same step: one graph node and kernel instead of two, with the same values
 * and gradients (`Sequential` does this by itself for a `Linear` followed by `ReLU`, `Tanh` or `Sigmoid`).
 * ```ts
 * linear(ones([2, 3]), ones([4, 3]), zeros([4])).shape;   // [2, 4]
 * linear(x, w, b, "relu");                                 // relu(linear(x, w, b))
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, activation: LinearActivation | null = null): Tensor {
  const inF = weight.shape[1];
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D [out, in], got ${fmtShape(weight.shape)}.`);
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(
      `linear: input's last dimension must be inFeatures = ${inF}, got input of shape ${fmtShape(x.shape)}. ` +
        `Flatten the input (new Flatten()) or fix inFeatures.`,
    );
  }
  return linearOp(x, weight, bias, activation);
}

/** Options of `Linear`. */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Generator for the initial weights (default: the global one). */
  generator?: Generator;
}

/**
 * Fully connected layer `y = x·Wᵀ + b` (Keras's Dense), input `[..., inFeatures]` → `[..., outFeatures]`.
 *
 * Initialization is PyTorch's default: `kaimingUniform_(weight, { a: √5 })`, which is U(−1/√in, 1/√in),
 * and the bias from the same U(−1/√in, 1/√in). Re-initialize with `nn.init` for other schemes (e.g.
 * `kaimingNormal_(fc.weight, { nonlinearity: "relu" })` for deep ReLU nets).
 * ```ts
 * const fc = new Linear(2, 3);
 * fc.call(ones([5, 2])).shape;   // [5, 3]
 * ```
 */
export class Linear extends Module<[Tensor]> {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, { bias = true, dtype = "float32", generator }: LinearOptions = {}) {
    super();
    for (const [k, v] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new ValueError(`Linear: ${k} must be an integer ≥ 0, got ${v}.`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = bias ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters({ generator });
  }

  /** Draws fresh initial values (PyTorch's default scheme, see the class doc). */
  resetParameters({ generator }: { generator?: Generator } = {}): void {
    if (this.inFeatures > 0) kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias && this.inFeatures > 0) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      uniform_(this.bias, { low: -bound, high: bound, generator });
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  /** Internal (Sequential's fusion): `activation(forward(x))` as one step, the same values and gradients. */
  _forwardActivated(x: Tensor, activation: LinearActivation): Tensor {
    return linear(x, this.weight, this.bias, activation);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }

  /** Constructor arguments, for model files: `{ inFeatures, outFeatures, bias, dtype }`. */
  override getConfig(): { inFeatures: number; outFeatures: number; bias: boolean; dtype: DType } {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null, dtype: this.weight.dtype };
  }
}
