/**
 * Datasets, with PyTorch's map-style semantics: a dataset has a `length` and returns sample `i` from
 * `get(i)`. A `DataLoader` turns one into batches.
 *
 * ```ts
 * const ds = new TensorDataset(randn([100, 4]), randint(0, 3, [100]));
 * ds.length;               // 100
 * const [x, y] = ds.get(0); // x: [4], y: [] (0-d)
 * ```
 */
import { IndexError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { select } from "../ops/movement.js";
import type { Tensor } from "../tensor.js";

/** A map-style dataset: `length` samples, sample `i` from `get(i)` (PyTorch's `__len__`/`__getitem__`). */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** True when `x` has a numeric `length` and a `get` method (arrays are wrapped by `asDataset`). */
export function isDataset<T = unknown>(x: unknown): x is Dataset<T> {
  return typeof x === "object" && x !== null && typeof (x as Dataset<T>).get === "function" && typeof (x as Dataset<T>).length === "number";
}

/** An array as a dataset (sample i is `array[i]`); a dataset is returned as is. */
export function asDataset<T>(source: Dataset<T> | readonly T[]): Dataset<T> {
  if (Array.isArray(source)) {
    const arr = source as readonly T[];
    return { get length() { return arr.length; }, get: (i: number) => arr[checkIndex("asDataset", i, arr.length)]! };
  }
  return source as Dataset<T>;
}

function checkIndex(op: string, i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n) {
    throw new IndexError(`${op}: index ${i} is out of range for a dataset of ${n} samples (valid: 0..${n - 1}, or negative from the end).`);
  }
  return i < 0 ? i + n : i;
}

/**
 * Tensors that share their first dimension; sample `i` is the tuple of their `i`-th rows (views, no copy).
 * The DataLoader gathers whole batches of a TensorDataset with one `indexSelect` per tensor.
 * ```ts
 * const ds = new TensorDataset(tensor([[1, 2], [3, 4], [5, 6]]), tensor([0, 1, 0], { dtype: "int32" }));
 * ds.get(1)[0].toArray(); // [3, 4]
 * ```
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  readonly tensors: T;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new ValueError("TensorDataset: needs at least one tensor.");
    const n = tensors[0]!.shape[0];
    tensors.forEach((t, k) => {
      if (t.ndim === 0) throw new ShapeError(`TensorDataset: tensor ${k} is 0-d; every tensor needs a first (sample) dimension.`);
      if (t.shape[0] !== n) {
        throw new ShapeError(
          `TensorDataset: tensor ${k} has ${t.shape[0]} samples (shape ${fmtShape(t.shape)}) but tensor 0 has ${n} ` +
            `(shape ${fmtShape(tensors[0]!.shape)}); all tensors need the same first dimension.`,
        );
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  get(index: number): T {
    const i = checkIndex("TensorDataset.get", index, this.length);
    return this.tensors.map((t) => select(t, 0, i)) as T;
  }
}

/**
 * The samples of `dataset` at `indices`, in that order (PyTorch's `Subset`); splits and k-fold use it.
 * ```ts
 * const train = new Subset(ds, [0, 2, 4]);
 * train.length; // 3
 * ```
 */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    this.dataset = dataset;
    this.indices = Array.from(indices, (i) => checkIndex("Subset", i, dataset.length));
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.dataset.get(this.indices[checkIndex("Subset.get", index, this.indices.length)]!);
  }
}
