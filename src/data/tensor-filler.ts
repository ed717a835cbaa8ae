/**
 * A tensor of known shape and dtype written piece by piece, so that a reader (IDX, …) never holds a host
 * copy of the whole data next to the backend's. On the TS backend the typed array *is* the storage
 * (`Backend.fromArray` wraps an array of the dtype's own type without copying), so the pieces are written
 * once, straight into it. On other backends (wasm) the storage is allocated on the backend — a broadcast
 * copy of one zero, which allocates no host memory — and each piece is uploaded with `fromArray`, copied
 * into its slice with the `assign` kernel, and disposed at once, so the host holds one piece at a time.
 *
 * ```ts
 * const f = new TensorFiller([2, 3], "float32");
 * f.write(0, new Float32Array([1, 2, 3]));
 * f.write(3, new Float32Array([4, 5, 6]));
 * f.finish(); // float32 [[1, 2, 3], [4, 5, 6]]
 * ```
 */
import type { Backend, Storage } from "../backend/backend.js";
import { getBackend } from "../backend/registry.js";
import { allocArray, dtypeOfArray, type DType, type TypedArray } from "../dtype.js";
import { ValueError } from "../errors.js";
import { sizeOf, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";

export class TensorFiller {
  /** The TS backend's storage array (written directly), or null where the backend owns its memory. */
  private readonly host: TypedArray | null;
  private storage: Storage | null;
  /** Elements in all. */
  readonly size: number;

  constructor(readonly shape: Shape, readonly dtype: DType, readonly backend: Backend = getBackend()) {
    this.size = sizeOf(shape);
    if (backend.name === "ts" || this.size === 0) {
      this.host = allocArray(dtype, this.size);
      this.storage = backend.fromArray(this.host, dtype);
    } else {
      this.host = null;
      const zero = backend.fromArray(allocArray(dtype, 1), dtype);
      this.storage = backend.kernels.copy({ storage: zero, shape: [this.size], strides: [0], offset: 0 }, dtype);
      backend.dispose(zero);
    }
  }

  /** Writes `values` (the dtype's own array type) at flat element `offset`. */
  write(offset: number, values: TypedArray): void {
    const storage = this.live("write");
    const n = values.length;
    if (!Number.isInteger(offset) || offset < 0 || offset + n > this.size) {
      throw new ValueError(`TensorFiller.write: ${n} values at offset ${offset} do not fit in ${this.size} elements.`);
    }
    if (dtypeOfArray(values) !== this.dtype) {
      throw new ValueError(`TensorFiller.write: expected the ${this.dtype} storage type, got a ${values.constructor.name}; convert the values first.`);
    }
    if (n === 0) return;
    if (this.host !== null) {
      this.host.set(values, offset);
      return;
    }
    const piece = this.backend.fromArray(values, this.dtype);
    this.backend.kernels.assign({ storage, shape: [n], strides: [1], offset }, { storage: piece, shape: [n], strides: [1], offset: 0 });
    this.backend.dispose(piece);
  }

  /** The filled tensor (contiguous, on the backend); the filler can no longer be written. */
  finish(): Tensor {
    const storage = this.live("finish");
    this.storage = null;
    return Tensor._fromStorage(storage, this.shape, this.dtype, this.backend);
  }

  /** Frees the storage now (after an error); the filler can no longer be used. */
  discard(): void {
    if (this.storage !== null) this.backend.dispose(this.storage);
    this.storage = null;
  }

  private live(op: string): Storage {
    if (this.storage === null) throw new ValueError(`TensorFiller.${op}: the filler was already finished or discarded.`);
    return this.storage;
  }
}
