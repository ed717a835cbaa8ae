/** Layer normalization over the last dimensions of each sample (Ba et al. 2016). */
import type { DType } from "../../dtype.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { ones, zeros } from "../../ops/creation.js";
import type { Tensor } from "../../tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

/**
 * `y = (x − μ)/√(σ² + eps)·γ + β` with μ, σ² (biased) over the trailing dims given by `normalizedShape`,
 * per sample, as `torch.nn.functional.layer_norm`. Same in training and eval.
 * ```ts
 * layerNorm(x, [6]);   // every row of x [N, 6]: mean 0, variance ≈ 1
 * ```
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  { eps = 1e-5 }: { eps?: number } = {},
): Tensor {
  const k = normalizedShape.length;
  if (k === 0 || x.ndim < k || x.shape.slice(x.ndim - k).join() !== normalizedShape.join()) {
    throw new ShapeError(
      `layerNorm: the input's last dims must equal normalizedShape ${fmtShape(normalizedShape)}, got input of shape ${fmtShape(x.shape)}.`,
    );
  }
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const mean = x.mean(dims, true);
  const variance = x.var(dims, { correction: 0, keepDims: true });
  let y = x.sub(mean).div(variance.add(eps).sqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** Options of `LayerNorm`. */
export interface LayerNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Learn γ (init 1) and β (init 0) of shape normalizedShape; default true. */
  elementwiseAffine?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/**
 * Layer norm layer, as `torch.nn.LayerNorm`: normalizes each sample over its last `normalizedShape` dims.
 * ```ts
 * const ln = new LayerNorm(16);      // for inputs [..., 16]
 * const ln2 = new LayerNorm([3, 4]); // for inputs [..., 3, 4]
 * ```
 */
export class LayerNorm extends Module<[Tensor]> {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null = null;
  bias: Parameter | null = null;

  constructor(normalizedShape: number | readonly number[], { eps = 1e-5, elementwiseAffine = true, dtype = "float32" }: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new ValueError(`LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}.`);
    }
    this.normalizedShape = shape;
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    if (elementwiseAffine) {
      this.weight = new Parameter(ones(shape, { dtype }));
      this.bias = new Parameter(zeros(shape, { dtype }));
    }
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, { eps: this.eps });
  }

  override extraRepr(): string {
    return `${fmtShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }

  /** Constructor arguments, for model files: `{ normalizedShape, eps, elementwiseAffine, dtype }`. */
  override getConfig(): Required<LayerNormOptions> & { normalizedShape: number[] } {
    const dtype = this.weight?.dtype ?? "float32";
    return { normalizedShape: [...this.normalizedShape], eps: this.eps, elementwiseAffine: this.elementwiseAffine, dtype };
  }
}
