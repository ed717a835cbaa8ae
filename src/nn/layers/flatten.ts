/** Flatten layer: merges a range of dimensions (by default all but the batch dimension). */
import type { Tensor } from "../../tensor.js";
import { Module } from "../module.js";

/**
 * Reshapes dims `startDim..endDim` (inclusive) into one: `[N, 1, 28, 28]` → `[N, 784]` with the defaults
 * (startDim = 1, endDim = −1), as `torch.nn.Flatten`.
 * ```ts
 * new Flatten().call(zeros([8, 1, 28, 28])).shape;   // [8, 784]
 * ```
 */
export class Flatten extends Module<[Tensor]> {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }

  /** Constructor arguments, for model files. */
  override getConfig(): { startDim: number; endDim: number } {
    return { startDim: this.startDim, endDim: this.endDim };
  }
}
