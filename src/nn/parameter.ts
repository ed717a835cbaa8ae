/**
 * Parameter: a tensor that a Module owns and an optimizer updates. It is an ordinary leaf tensor that
 * requires grad by default; being a `Parameter` is what makes `Module.parameters()` find it.
 */
import { isFloat } from "../dtype.js";
import { DTypeError } from "../errors.js";
import { Tensor } from "../tensor.js";

export class Parameter extends Tensor {
  /**
   * Wraps `data` as a trainable leaf. The parameter shares `data`'s storage (no copy), so writing into one
   * shows in the other; it starts a fresh graph (a leaf), whatever `data` was.
   * ```ts
   * const w = new Parameter(randn([3, 2]));   // w.requiresGrad === true, w.isLeaf === true
   * const frozen = new Parameter(zeros([3]), false);
   * ```
   */
  constructor(data: Tensor, requiresGrad = true) {
    if (requiresGrad && !isFloat(data.dtype)) {
      throw new DTypeError(
        `Parameter: only float tensors can be trainable parameters, got ${data.dtype}. ` +
          `Convert with .float() first, or pass requiresGrad = false.`,
      );
    }
    super(data.storage, data.shape, data.strides, data.offset, data.dtype, data.backend);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
