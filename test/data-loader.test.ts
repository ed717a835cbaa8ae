// Dataset, DataLoader and collate: batch counts, shuffle reproducibility, dropLast, fast path, iterables.
import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, tensor } from "../src/ops/creation.js";
import { Generator, manualSeed } from "../src/random.js";
import { Tensor } from "../src/tensor.js";
import { Subset, TensorDataset, asDataset } from "../src/data/dataset.js";
import { DataLoader, batchIndices, numBatches } from "../src/data/data-loader.js";
import { defaultCollate } from "../src/data/collate.js";

const rows = (n: number, f = 3) => arange(n * f, { dtype: "float32" }).reshape([n, f]);

test("TensorDataset: length, get returns the i-th rows, shape checks", () => {
  const ds = new TensorDataset(rows(5), tensor([0, 1, 2, 3, 4], { dtype: "int32" }));
  assert.equal(ds.length, 5);
  const [x, y] = ds.get(2);
  assert.deepEqual(x.toArray(), [6, 7, 8]);
  assert.equal(y.item(), 2);
  assert.deepEqual(ds.get(-1)[0].toArray(), [12, 13, 14]);
  assert.throws(() => ds.get(5), /index 5 is out of range for a dataset of 5/);
  assert.throws(() => new TensorDataset(rows(5), rows(4)), /tensor 1 has 4 samples/);
});

test("numBatches and batchIndices: counts with and without dropLast", () => {
  assert.equal(numBatches(10, 3), 4);
  assert.equal(numBatches(10, 3, true), 3);
  assert.equal(numBatches(60000, 128), 469); // W2: 469 steps per epoch
  const b = batchIndices(10, 4).map((a) => Array.from(a));
  assert.deepEqual(b, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual(batchIndices(10, 4, { dropLast: true }).map((a) => a.length), [4, 4]);
});

test("DataLoader over a TensorDataset: unshuffled batches in order, last partial batch kept", () => {
  const x = rows(10), y = arange(10, { dtype: "int32" });
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = [...loader];
  assert.deepEqual(batches.map(([xb]) => xb.shape), [[4, 3], [4, 3], [2, 3]]);
  assert.deepEqual(batches.map(([, yb]) => yb.toArray()), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual(batches[2]![0].toArray(), [[24, 25, 26], [27, 28, 29]]);
  const dropped = new DataLoader(new TensorDataset(x, y), { batchSize: 4, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.equal([...dropped].length, 2);
});

test("DataLoader shuffle: a permutation each epoch, different across epochs, reproducible from the seed", () => {
  const ds = new TensorDataset(rows(20), arange(20, { dtype: "int32" }));
  const epoch = (l: Iterable<Tensor[]>) => [...l].flatMap(([, yb]) => yb.toFlatArray());
  const a = new DataLoader(ds, { batchSize: 6, shuffle: true, generator: new Generator(123) });
  const e1 = epoch(a), e2 = epoch(a);
  assert.deepEqual([...e1].sort((p, q) => p - q), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(e1, e2, "each epoch reshuffles");
  const b = new DataLoader(ds, { batchSize: 6, shuffle: true, generator: new Generator(123) });
  assert.deepEqual(epoch(b), e1);
  assert.deepEqual(epoch(b), e2);
  assert.equal(a.epoch, 2);
  // x rows follow their labels (the fast path gathers the same rows for every tensor)
  for (const [xb, yb] of new DataLoader(ds, { batchSize: 7, shuffle: true, generator: new Generator(5) })) {
    assert.deepEqual(xb.toFlatArray(), yb.toFlatArray().flatMap((i) => [3 * i, 3 * i + 1, 3 * i + 2]));
  }
  // without a generator, the global one: manualSeed makes it reproducible
  const c = new DataLoader(ds, { batchSize: 5, shuffle: true });
  manualSeed(7);
  const g1 = epoch(c);
  manualSeed(7);
  assert.deepEqual(epoch(c), g1);
});

test("DataLoader fast path equals the per-sample collate path", () => {
  const ds = new TensorDataset(rows(9), arange(9, { dtype: "int32" }));
  const fast = [...new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(1) })];
  const slow = [...new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(1), collate: (s: Tensor[][]) => defaultCollate(s) })];
  assert.equal(fast.length, slow.length);
  fast.forEach((b, i) => b.forEach((t, k) => assert.deepEqual(t.toArray(), slow[i]![k]!.toArray())));
  // Subset of a TensorDataset also takes the fast path with remapped rows
  const sub = new Subset(ds, [8, 1, 4]);
  const [[xb, yb]] = [...new DataLoader(sub, { batchSize: 3 })];
  assert.deepEqual(yb!.toArray(), [8, 1, 4]);
  assert.deepEqual((xb!.toArray() as number[][])[0], [24, 25, 26]);
});

test("DataLoader over arrays of tuples and objects, with the default collate", () => {
  const samples = Array.from({ length: 5 }, (_, i) => [tensor([i, i + 0.5]), i] as [Tensor, number]);
  const batches = [...new DataLoader(samples, { batchSize: 2 })];
  assert.equal(batches.length, 3);
  assert.deepEqual(batches[0]![0].shape, [2, 2]);
  assert.equal(batches[0]![1].dtype, "int32");
  assert.deepEqual(batches[2]![1].toArray(), [4]);
  const objs = asDataset([{ a: 1.5, b: tensor([1]) }, { a: 2, b: tensor([2]) }]);
  const [batch] = [...new DataLoader(objs, { batchSize: 2 })];
  assert.equal(batch!.a.dtype, "float32");
  assert.deepEqual(batch!.a.toArray(), [1.5, 2]);
  assert.deepEqual(batch!.b.toArray(), [[1], [2]]);
});

test("defaultCollate: shapes, dtypes, typed arrays, and errors naming the field", () => {
  const b = defaultCollate([[tensor([[1, 2]]), 1, true], [tensor([[3, 4]]), 2, false]]);
  assert.deepEqual(b[0].shape, [2, 1, 2]);
  assert.equal(b[1].dtype, "int32");
  assert.equal(b[2].dtype, "bool");
  const t = defaultCollate([new Float32Array([1, 2, 3]), new Float32Array([4, 5, 6])]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(defaultCollate([new Uint8Array([200, 1]), new Uint8Array([3, 4])]).dtype, "int32");
  assert.throws(() => defaultCollate([[tensor([1, 2])], [tensor([1, 2, 3])]]), /sample\[0\] has shape \[3\] in sample 1 but \[2\] in sample 0/);
  assert.throws(() => defaultCollate([{ a: 1 }, { b: 1 }]), /sample\.a is missing in sample 1/);
  assert.throws(() => defaultCollate([]), /empty/);
});

test("DataLoader over sync and async iterables (for await), dropLast, and errors", async () => {
  function* gen() {
    for (let i = 0; i < 7; i++) yield [tensor([i]), i] as [Tensor, number];
  }
  const sync = [...new DataLoader({ [Symbol.iterator]: gen }, { batchSize: 3 })];
  assert.deepEqual(sync.map(([, y]) => y.toArray()), [[0, 1, 2], [3, 4, 5], [6]]);
  async function* agen() {
    for (let i = 0; i < 7; i++) {
      await new Promise((r) => setTimeout(r, 0));
      yield { x: tensor([i, -i]), y: i };
    }
  }
  const seen: number[][] = [];
  for await (const b of new DataLoader({ [Symbol.asyncIterator]: agen }, { batchSize: 3, dropLast: true })) {
    assert.deepEqual(b.x.shape, [3, 2]);
    seen.push(b.y.toFlatArray());
  }
  assert.deepEqual(seen, [[0, 1, 2], [3, 4, 5]]);
  // for await also works over a dataset
  let n = 0;
  for await (const [xb] of new DataLoader(new TensorDataset(rows(5)), { batchSize: 2 })) n += xb.shape[0]!;
  assert.equal(n, 5);
  assert.throws(() => new DataLoader({ [Symbol.iterator]: gen }, { shuffle: true }), /shuffle needs random access/);
  assert.throws(() => [...new DataLoader({ [Symbol.asyncIterator]: agen })], /for await/);
  assert.throws(() => new DataLoader([1, 2], { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => new DataLoader({ [Symbol.iterator]: gen }).length, /number of batches is unknown/);
});

test("DataLoader transform is applied to every batch", () => {
  const ds = new TensorDataset(rows(4), arange(4, { dtype: "int32" }));
  const loader = new DataLoader(ds, { batchSize: 2, transform: ([x, y]): [Tensor, Tensor] => [x.mul(0), y] });
  for (const [xb] of loader) assert.deepEqual(xb.toFlatArray(), [0, 0, 0, 0, 0, 0]);
});
