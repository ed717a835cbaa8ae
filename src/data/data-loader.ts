/**
 * DataLoader: batches from a dataset, an array, an iterable or an async iterable, with PyTorch's semantics.
 *
 * - `batchSize` samples per batch (default 1); the last, smaller batch is kept unless `dropLast`.
 * - `shuffle` draws a fresh permutation at the start of every epoch (every new iteration) from `generator`
 *   (default: the global generator, so `manualSeed(s)` makes the order reproducible).
 * - `collate` merges samples into a batch (default `defaultCollate`: stacks tensors, tuples and objects).
 * - `transform` maps every batch after collation (data augmentation; give it to the training loader only).
 * - A `TensorDataset` (or a `Subset` of one) with the default collate takes a fast path: each batch is one
 *   `indexSelect` per tensor (a `slice` view when not shuffled) instead of one op per sample.
 *
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, generator: new Generator(0) });
 * for (const [xb, yb] of loader) { ... }        // sync over datasets and arrays
 * for await (const batch of new DataLoader(asyncRows, { batchSize: 64 })) { ... } // any source
 * ```
 */
import { ValueError } from "../errors.js";
import { indexSelect, slice } from "../ops/movement.js";
import { getDefaultGenerator, type Generator } from "../random.js";
import { Tensor } from "../tensor.js";
import { defaultCollate, type Collated, type CollateFn } from "./collate.js";
import { Subset, TensorDataset, asDataset, isDataset, type Dataset } from "./dataset.js";

/** What a DataLoader reads: a map-style dataset, an array, or a (possibly async) iterable of samples. */
export type DataSource<T> = Dataset<T> | readonly T[] | Iterable<T> | AsyncIterable<T>;

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle the sample order at every epoch (default false). Needs a dataset or an array. */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** The generator shuffles draw from (default: the global one at iteration time). */
  generator?: Generator;
  /** Merges a list of samples into a batch (default defaultCollate). */
  collate?: CollateFn<T, B>;
  /** Applied to every collated batch (augmentation); see transforms.ts. */
  transform?: (batch: B) => B;
}

/** The number of batches `n` samples make: `⌊n/b⌋` with dropLast, else `⌈n/b⌉`. */
export const numBatches = (n: number, batchSize: number, dropLast = false): number =>
  dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);

/**
 * Batch index lists for one epoch: `0..n−1` in order, or permuted by a Fisher–Yates shuffle drawn from `g`,
 * cut into runs of `batchSize` (the last one shorter, or dropped with `dropLast`).
 */
export function batchIndices(n: number, batchSize: number, { shuffle = false, dropLast = false, generator }: { shuffle?: boolean; dropLast?: boolean; generator?: Generator } = {}): Int32Array[] {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (shuffle) {
    const g = generator ?? getDefaultGenerator();
    for (let i = n - 1; i > 0; i--) {
      const j = g.randint(0, i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
  }
  const out: Int32Array[] = [];
  for (let b = 0; b < numBatches(n, batchSize, dropLast); b++) out.push(order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize)));
  return out;
}

export class DataLoader<T, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly source: DataSource<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  readonly collate: CollateFn<T, B>;
  readonly transform: ((batch: B) => B) | undefined;
  private readonly customCollate: boolean;
  /** Epochs started so far (each iteration is one epoch). */
  epoch = 0;

  constructor(source: DataSource<T>, { batchSize = 1, shuffle = false, dropLast = false, generator, collate, transform }: DataLoaderOptions<T, B> = {}) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}.`);
    }
    const mapStyle = Array.isArray(source) || isDataset(source);
    if (!mapStyle && !isIterable(source) && !isAsyncIterable(source)) {
      throw new ValueError("DataLoader: source must be a Dataset (length + get(i)), an array, an iterable or an async iterable of samples.");
    }
    if (shuffle && !mapStyle) {
      throw new ValueError(
        "DataLoader: shuffle needs random access, but the source is an iterable read in order. " +
          "Collect it into an array (or a TensorDataset) first, or shuffle inside the stream.",
      );
    }
    this.source = source;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.customCollate = collate !== undefined;
    this.collate = collate ?? ((samples: T[]) => defaultCollate(samples) as B);
    this.transform = transform;
  }

  /** True when the source has a known length (a dataset or an array), so `length` is defined. */
  get sized(): boolean {
    return Array.isArray(this.source) || isDataset(this.source);
  }

  /** Batches per epoch. Only for datasets and arrays; an iterable's length is unknown until it ends. */
  get length(): number {
    if (!this.sized) throw new ValueError("DataLoader.length: the source is an iterable, so the number of batches is unknown before iterating.");
    return numBatches(asDataset(this.source as Dataset<T>).length, this.batchSize, this.dropLast);
  }

  /** Iterates one epoch synchronously (datasets, arrays and sync iterables). */
  *[Symbol.iterator](): Iterator<B> {
    if (this.sized) {
      yield* this.mapStyleEpoch();
      return;
    }
    if (!isIterable(this.source)) {
      throw new ValueError("DataLoader: the source is an async iterable; iterate with `for await (const batch of loader)`.");
    }
    this.epoch++;
    let buf: T[] = [];
    for (const s of this.source as Iterable<T>) {
      buf.push(s);
      if (buf.length === this.batchSize) {
        yield this.finish(buf);
        buf = [];
      }
    }
    if (buf.length > 0 && !this.dropLast) yield this.finish(buf);
  }

  /** Iterates one epoch with `for await`; works for every kind of source. */
  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.sized || !isAsyncIterable(this.source)) {
      for (const b of this as Iterable<B>) yield b;
      return;
    }
    this.epoch++;
    let buf: T[] = [];
    for await (const s of this.source as AsyncIterable<T>) {
      buf.push(s);
      if (buf.length === this.batchSize) {
        yield this.finish(buf);
        buf = [];
      }
    }
    if (buf.length > 0 && !this.dropLast) yield this.finish(buf);
  }

  private *mapStyleEpoch(): IterableIterator<B> {
    this.epoch++;
    const ds = asDataset(this.source as Dataset<T> | readonly T[]);
    const batches = batchIndices(ds.length, this.batchSize, { shuffle: this.shuffle, dropLast: this.dropLast, generator: this.generator });
    const fast = this.customCollate ? null : tensorRows(ds);
    for (const idx of batches) {
      if (fast) {
        const [tensors, map] = fast;
        const rows = map ? idx.map((i) => map[i]!) : idx;
        const contiguous = !map && !this.shuffle;
        const batch = tensors.map((t) => (contiguous ? slice(t, 0, rows[0]!, rows[0]! + rows.length) : indexSelect(t, 0, Tensor._fromArray(Int32Array.from(rows), [rows.length], "int32"))));
        yield this.transform ? this.transform(batch as B) : (batch as B);
      } else {
        const samples: T[] = new Array(idx.length);
        for (let k = 0; k < idx.length; k++) samples[k] = ds.get(idx[k]!);
        yield this.finish(samples);
      }
    }
  }

  private finish(samples: T[]): B {
    const batch = this.collate(samples);
    return this.transform ? this.transform(batch) : batch;
  }
}

/** The tensors behind a TensorDataset (and the index map of a Subset of one), for the fast path. */
function tensorRows(ds: Dataset<unknown>): [Tensor[], readonly number[] | null] | null {
  if (ds instanceof TensorDataset) return [ds.tensors, null];
  if (ds instanceof Subset && ds.dataset instanceof TensorDataset) return [ds.dataset.tensors, ds.indices];
  return null;
}

const isIterable = (x: unknown): x is Iterable<unknown> =>
  x !== null && x !== undefined && typeof (x as Iterable<unknown>)[Symbol.iterator] === "function";
const isAsyncIterable = (x: unknown): x is AsyncIterable<unknown> =>
  x !== null && x !== undefined && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
