/**
 * The data `fit`, `evaluate` and `predict` accept, turned into batches `[x, y]`:
 *
 * - tensors `x`, `y` (first dimension = samples): batched by a DataLoader (one `indexSelect` per batch);
 * - a map-style Dataset of `[x, y]` samples (`length` + `get(i)`, e.g. a TensorDataset), or an array of them:
 *   batched by a DataLoader with the trainer's `batchSize`, `shuffle` and generator;
 * - a DataLoader, or any iterable / async iterable of `[x, y]` *batches*: used as is, once per epoch
 *   (its own batch size and shuffling apply).
 *
 * `validationSplit` holds out a shuffled, seeded share of the samples (stratified by class when the targets
 * are integer labels) — unlike Keras and TF.js, which take the last samples unshuffled.
 */
import { DataLoader } from "../data/data-loader.js";
import { TensorDataset, Subset, isDataset, type Dataset } from "../data/dataset.js";
import { trainTestSplitIndices } from "../data/splits.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { indexSelect } from "../ops/movement.js";
import type { Generator } from "../random.js";
import { Tensor } from "../tensor.js";

/** One batch: inputs and targets. */
export type Batch = [x: Tensor, y: Tensor];
/** A source of training or evaluation data other than a pair of tensors. */
export type DataInput = Dataset<Batch> | readonly Batch[] | DataLoader<any, Batch> | Iterable<Batch> | AsyncIterable<Batch>;

/** Batches for one pass, plus what is known of their number. */
export interface BatchSource {
  /** A fresh pass over the data (a new epoch: reshuffled where shuffling applies). */
  epoch(): Iterable<Batch> | AsyncIterable<Batch>;
  steps: number | undefined;
  samples: number | undefined;
  batchSize: number | undefined;
}

const isMapStyle = (d: unknown): d is Dataset<Batch> | readonly Batch[] => Array.isArray(d) || (isDataset(d) && !(d instanceof DataLoader));

/** Checks the first dimensions of x and y agree. */
export function checkXY(op: string, x: Tensor, y: Tensor): void {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: x must be a Tensor, got ${typeof x}.`);
  if (!(y instanceof Tensor)) throw new ValueError(`${op}: y must be a Tensor, got ${typeof y}.`);
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(`${op}: x ${fmtShape(x.shape)} and y ${fmtShape(y.shape)} must have the same first (sample) dimension.`);
  }
}

/** Batches of tensors x, y. */
export function tensorSource(x: Tensor, y: Tensor, { batchSize, shuffle, generator }: { batchSize: number; shuffle: boolean; generator: Generator }): BatchSource {
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize, shuffle, generator });
  return { epoch: () => loader as Iterable<Tensor[]> as Iterable<Batch>, steps: loader.length, samples: x.shape[0]!, batchSize };
}

/** Batches of any DataInput. */
export function dataSource(op: string, data: DataInput, { batchSize, shuffle, generator }: { batchSize: number; shuffle: boolean; generator: Generator }): BatchSource {
  if (isMapStyle(data)) {
    const loader = new DataLoader<Batch, Batch>(data, { batchSize, shuffle, generator, collate: undefined });
    return { epoch: () => loader, steps: loader.length, samples: data.length, batchSize };
  }
  if (data instanceof DataLoader) {
    const sized = data.sized;
    return { epoch: () => data, steps: sized ? data.length : undefined, samples: undefined, batchSize: data.batchSize };
  }
  const d = data as Iterable<Batch> | AsyncIterable<Batch>;
  if (typeof (d as Iterable<Batch>)[Symbol.iterator] === "function" || typeof (d as AsyncIterable<Batch>)[Symbol.asyncIterator] === "function") {
    if (isOneShot(d)) {
      throw new ValueError(`${op}: the data is an iterator (e.g. a generator object), which can be read only once; pass an iterable that starts over on each pass (an array, a Dataset, a DataLoader, or { [Symbol.iterator]: () => makeGenerator() }).`);
    }
    return { epoch: () => d, steps: undefined, samples: undefined, batchSize: undefined };
  }
  throw new ValueError(`${op}: expected tensors (x, y), a Dataset of [x, y] samples, a DataLoader or an iterable of [x, y] batches; got ${describe(data)}.`);
}

/** A generator object (or any iterator that returns itself) can be read only once. */
const isOneShot = (d: object): boolean =>
  typeof (d as Iterator<unknown>).next === "function" &&
  ((d as Iterable<unknown>)[Symbol.iterator]?.call(d) === d || (d as AsyncIterable<unknown>)[Symbol.asyncIterator]?.call(d) === d);

const describe = (v: unknown): string => (v === null ? "null" : typeof v === "object" ? (v.constructor?.name ?? "an object") : typeof v);

/** Checks a batch is `[x, y]` tensors with matching first dimensions. */
export function checkBatch(op: string, batch: unknown, index: number): Batch {
  if (!Array.isArray(batch) || batch.length < 2 || !(batch[0] instanceof Tensor) || !(batch[1] instanceof Tensor)) {
    throw new ValueError(`${op}: batch ${index} is not [x, y] tensors (got ${Array.isArray(batch) ? `an array of ${batch.length}: ${batch.map(describe).join(", ")}` : describe(batch)}). A dataset's samples and a loader's batches must be [input, target] pairs.`);
  }
  checkXY(`${op} (batch ${index})`, batch[0], batch[1]);
  return [batch[0], batch[1]];
}

/** Whether y holds class labels (integers or booleans) — what `validationSplit` stratifies by by default. */
const isLabels = (y: Tensor): boolean => (y.dtype === "int32" || y.dtype === "bool") && (y.ndim === 1 || (y.ndim === 2 && y.shape[1] === 1));

/**
 * Indices of a validation split of `n` samples: shuffled and seeded; stratified by `labels` when given
 * (`stratify: true`), or by default when `labels` holds class ids and every class can be split.
 */
export function validationIndices(n: number, split: number, labels: Tensor | undefined, stratify: boolean | undefined, generator: Generator): { train: number[]; val: number[] } {
  if (!(split > 0 && split < 1)) throw new ValueError(`fit: validationSplit must be a fraction in (0, 1), got ${split}.`);
  if (stratify && !labels) throw new ValueError("fit: stratify: true needs class labels; with a DataLoader or iterable, pass validationData instead.");
  let strat: Tensor | undefined;
  if (stratify === true) strat = labels;
  else if (stratify === undefined && labels && isLabels(labels)) {
    const counts = new Map<number, number>();
    for (const v of labels.dataSync()) counts.set(Number(v), (counts.get(Number(v)) ?? 0) + 1);
    const nVal = Math.ceil(split * n);
    if ([...counts.values()].every((c) => c >= 2) && nVal >= counts.size && n - nVal >= counts.size) strat = labels;
  }
  const { train, test } = trainTestSplitIndices(n, { testSize: split, stratify: strat && strat.reshape([n]), generator });
  return { train, val: test };
}

/** Splits tensors x, y into training and validation parts by `validationIndices`. */
export function splitTensors(x: Tensor, y: Tensor, split: number, stratify: boolean | undefined, generator: Generator): { train: Batch; val: Batch } {
  const { train, val } = validationIndices(x.shape[0]!, split, y, stratify, generator);
  return { train: [indexSelect(x, 0, train), indexSelect(y, 0, train)], val: [indexSelect(x, 0, val), indexSelect(y, 0, val)] };
}

/** Splits a map-style dataset; stratified only with `stratify: true` and then by the samples' targets. */
export function splitDataset(data: Dataset<Batch> | readonly Batch[], split: number, stratify: boolean | undefined, generator: Generator): { train: Dataset<Batch>; val: Dataset<Batch> } {
  const ds: Dataset<Batch> = Array.isArray(data) ? { length: data.length, get: (i: number) => data[i]! } : (data as Dataset<Batch>);
  let labels: Tensor | undefined;
  if (stratify === true) {
    const ys = Array.from({ length: ds.length }, (_, i) => ds.get(i)[1].item());
    labels = Tensor._fromArray(Int32Array.from(ys), [ys.length], "int32");
  }
  const { train, val } = validationIndices(ds.length, split, labels, stratify, generator);
  return { train: new Subset(ds, train), val: new Subset(ds, val) };
}
