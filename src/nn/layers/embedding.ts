/** Embedding: a lookup table from integer ids to learned vectors. */
import type { DType } from "../../dtype.js";
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../../errors.js";
import { zeros } from "../../ops/creation.js";
import type { Generator } from "../../random.js";
import type { Tensor } from "../../tensor.js";
import { normal_ } from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { noGrad } from "../../autograd/grad-mode.js";

/**
 * Rows of `weight` ([numEmbeddings, dim]) picked by int32 `indices` of any shape: output
 * `[...indices.shape, dim]`, as `torch.nn.functional.embedding`. The gradient adds up into the picked rows;
 * the row `paddingIdx` (if given) gets no gradient.
 * ```ts
 * embedding(tensor([[0, 2]], { dtype: "int32" }), weight).shape;   // [1, 2, dim]
 * ```
 */
export function embedding(indices: Tensor, weight: Tensor, { paddingIdx = null }: { paddingIdx?: number | null } = {}): Tensor {
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-D [numEmbeddings, dim], got ${fmtShape(weight.shape)}.`);
  if (indices.dtype !== "int32") {
    throw new DTypeError(`embedding: indices must be int32, got ${indices.dtype}. Convert with .int() (or create them with { dtype: "int32" }).`);
  }
  const n = weight.shape[0]!;
  const flat = indices.reshape([indices.size]);
  const values = flat.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= n) {
      throw new IndexError(`embedding: index ${v} (at flat position ${i}) is out of range for ${n} embeddings; ids must lie in [0, ${n - 1}].`);
    }
  }
  let rows = weight.indexSelect(0, flat);
  if (paddingIdx !== null) {
    // Same values, but the padding row's copies are detached so no gradient reaches it (as PyTorch).
    const keep = flat.ne(paddingIdx).reshape([flat.size, 1]);
    rows = keep.where(rows, rows.detach());
  }
  return rows.reshape([...indices.shape, weight.shape[1]!]);
}

/** Options of `Embedding`. */
export interface EmbeddingOptions {
  /** An id whose vector starts at zero and receives no gradient (negative counts from the end). */
  paddingIdx?: number | null;
  /** Weight dtype (default float32). */
  dtype?: DType;
  /** Generator for the N(0, 1) initial weights. */
  generator?: Generator;
}

/**
 * A table of `numEmbeddings` learned vectors of size `embeddingDim`, initialized N(0, 1) as PyTorch.
 * ```ts
 * const emb = new Embedding(1000, 16, { paddingIdx: 0 });
 * emb.call(tensor([[5, 7, 0]], { dtype: "int32" })).shape;   // [1, 3, 16]
 * ```
 */
export class Embedding extends Module<[Tensor]> {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, { paddingIdx = null, dtype = "float32", generator }: EmbeddingOptions = {}) {
    super();
    for (const [k, v] of [["numEmbeddings", numEmbeddings], ["embeddingDim", embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`Embedding: ${k} must be an integer ≥ 1, got ${v}.`);
    }
    if (paddingIdx !== null) {
      if (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings) {
        throw new ValueError(`Embedding: paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings - 1}], got ${paddingIdx}.`);
      }
      if (paddingIdx < 0) paddingIdx += numEmbeddings;
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingIdx;
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype }));
    normal_(this.weight, { generator });
    if (paddingIdx !== null) noGrad(() => this.weight.select(0, paddingIdx!).fill_(0));
  }

  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ""}`;
  }

  /** Constructor arguments, for model files: `{ numEmbeddings, embeddingDim, paddingIdx, dtype }`. */
  override getConfig(): { numEmbeddings: number; embeddingDim: number; paddingIdx: number | null; dtype: DType } {
    return { numEmbeddings: this.numEmbeddings, embeddingDim: this.embeddingDim, paddingIdx: this.paddingIdx, dtype: this.weight.dtype };
  }
}
