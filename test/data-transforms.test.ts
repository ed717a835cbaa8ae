// Batch augmentation: exact pure functions, then the seeded random transforms' statistics and reproducibility.
import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, randn, tensor } from "../src/ops/creation.js";
import { Generator } from "../src/random.js";
import type { Tensor } from "../src/tensor.js";
import { TensorDataset } from "../src/data/dataset.js";
import { DataLoader } from "../src/data/data-loader.js";
import {
  compose, flipImagesHorizontal, gaussianNoise, mixBatch, mixup, randomHorizontalFlip, randomShift, sampleBeta, shiftImages,
} from "../src/data/transforms.js";

test("flipImagesHorizontal: mirrors the chosen images, [N,C,H,W] and flat rows with imageShape", () => {
  const x = arange(16, { dtype: "float32" }).reshape([2, 2, 2, 2]);
  assert.deepEqual(flipImagesHorizontal(x, [true, false]).toArray(), [[[[1, 0], [3, 2]], [[5, 4], [7, 6]]], [[[8, 9], [10, 11]], [[12, 13], [14, 15]]]]);
  const flat = tensor([[1, 2, 3, 4, 5, 6]]);
  assert.deepEqual(flipImagesHorizontal(flat, [true], { imageShape: [2, 3] }).toArray(), [[3, 2, 1, 6, 5, 4]]);
  assert.throws(() => flipImagesHorizontal(flat, [true]), /not an image batch.*imageShape/);
  assert.throws(() => flipImagesHorizontal(flat, [true], { imageShape: [2, 2] }), /4 values per image but x \[1,6\] has 6/);
});

test("shiftImages: whole-pixel shifts with fill", () => {
  const x = tensor([[1, 2, 3, 4]]);
  assert.deepEqual(shiftImages(x, [1], [0], { imageShape: [2, 2] }).toArray(), [[0, 1, 0, 3]]);
  assert.deepEqual(shiftImages(x, [0], [-1], { imageShape: [2, 2] }).toArray(), [[3, 4, 0, 0]]);
  assert.deepEqual(shiftImages(x, [-1], [1], { imageShape: [2, 2], fill: 9 }).toArray(), [[9, 9, 2, 9]]);
  const img = arange(9, { dtype: "float32" }).reshape([1, 3, 3]);
  assert.deepEqual(shiftImages(img, [1], [1]).toArray(), [[[0, 0, 0], [0, 0, 1], [0, 3, 4]]]);
});

test("randomHorizontalFlip: p = 0 is identity, p = 1 flips all, ≈ p of the images otherwise, seeded", () => {
  const x = randn([400, 1, 2, 3], { generator: new Generator(0) });
  const y = arange(400, { dtype: "int32" });
  assert.deepEqual(randomHorizontalFlip({ p: 0, seed: 1 })([x, y])[0]!.toArray(), x.toArray());
  assert.deepEqual(randomHorizontalFlip({ p: 1, seed: 1 })([x])[0]!.toArray(), x.flip(-1).toArray());
  const [out, yOut] = randomHorizontalFlip({ p: 0.3, seed: 5 })([x, y]);
  assert.equal(yOut, y, "targets pass through");
  const a = out!.toArray() as number[][][][], f = x.flip(-1).toArray() as number[][][][], o = x.toArray() as number[][][][];
  let flipped = 0;
  a.forEach((img, i) => {
    const isF = JSON.stringify(img) === JSON.stringify(f[i]), isO = JSON.stringify(img) === JSON.stringify(o[i]);
    assert.ok(isF || isO, `image ${i} is either flipped or not`);
    if (isF) flipped++;
  });
  assert.ok(Math.abs(flipped / 400 - 0.3) < 0.07, `flipped ${flipped}/400`);
  assert.deepEqual(randomHorizontalFlip({ p: 0.3, seed: 5 })([x])[0]!.toArray(), a, "same seed, same flips");
});

test("randomShift: every image is some shift within ±maxShift; maxShift 0 is identity", () => {
  const x = arange(4 * 25, { dtype: "float32" }).add(1).reshape([4, 25]); // distinct nonzero pixels
  const opts = { imageShape: [5, 5] as [number, number] };
  assert.deepEqual(randomShift({ maxShift: 0, seed: 0, ...opts })([x])[0]!.toArray(), x.toArray());
  const [out] = randomShift({ maxShift: 2, seed: 3, ...opts })([x]);
  const rows = out!.toArray() as number[][];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    let match: string | null = null;
    for (let dx = -2; dx <= 2 && !match; dx++) for (let dy = -2; dy <= 2 && !match; dy++) {
      const ref = (shiftImages(x.slice(0, i, i + 1), [dx], [dy], opts).toArray() as number[][])[0];
      if (JSON.stringify(ref) === JSON.stringify(row)) match = `${dx},${dy}`;
    }
    assert.ok(match, `image ${i} is a shift within ±2`);
    seen.add(match!);
  });
  assert.ok(seen.size > 1, "shifts vary across images");
});

test("gaussianNoise: mean 0 and the requested std; seeded; targets untouched", () => {
  const x = tensor(new Float32Array(20000), { shape: [200, 100] });
  const [noisy] = gaussianNoise({ std: 0.3, seed: 0 })([x]);
  const v = noisy!.toFlatArray();
  const mean = v.reduce((s, a) => s + a, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length);
  assert.ok(Math.abs(mean) < 0.01 && Math.abs(sd - 0.3) < 0.01, `mean ${mean}, sd ${sd}`);
  assert.deepEqual(gaussianNoise({ std: 0.3, seed: 0 })([x])[0]!.toFlatArray(), v);
  const t = gaussianNoise({ std: 0.3, seed: 0 });
  assert.notDeepEqual(t([x])[0]!.toFlatArray(), t([x])[0]!.toFlatArray(), "fresh noise for every batch");
});

test("mixup: convex combinations of pairs; int labels become one-hot soft targets; Beta(α, α) moments", () => {
  const x = tensor([[0, 0], [10, 20]]), y = tensor([[1, 0], [0, 1]]);
  const [mx, my] = mixBatch(x, y, 0.25, [1, 0]);
  assert.deepEqual(mx.toArray(), [[7.5, 15], [2.5, 5]]);
  assert.deepEqual(my!.toArray(), [[0.25, 0.75], [0.75, 0.25]]);
  const xs = randn([64, 3], { generator: new Generator(1) });
  const labels = tensor(Array.from({ length: 64 }, (_, i) => i % 4), { dtype: "int32" });
  const [ox, oy] = mixup({ alpha: 0.4, numClasses: 4, seed: 2 })([xs, labels]);
  assert.deepEqual(ox!.shape, [64, 3]);
  assert.deepEqual(oy!.shape, [64, 4]);
  assert.equal(oy!.dtype, "float32");
  (oy!.toArray() as number[][]).forEach((row) => assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-6));
  assert.throws(() => mixup({ seed: 0 })([xs, labels]), /pass numClasses/);
  const g = new Generator(0);
  for (const [a, mean, variance] of [[2, 0.5, 0.05], [0.2, 0.5, 0.04 / (0.16 * 1.4)]] as const) {
    const s = Array.from({ length: 20000 }, () => sampleBeta(a, a, g));
    const m = s.reduce((p, q) => p + q, 0) / s.length;
    const vr = s.reduce((p, q) => p + (q - m) ** 2, 0) / s.length;
    assert.ok(Math.abs(m - mean) < 0.01 && Math.abs(vr - variance) < 0.01, `Beta(${a},${a}): mean ${m}, var ${vr}`);
  }
});

test("transforms compose and plug into a training DataLoader", () => {
  const x = tensor(new Float32Array(8 * 16), { shape: [8, 16] });
  const y = arange(8, { dtype: "int32" });
  const augment = compose(randomShift({ maxShift: 1, imageShape: [4, 4], seed: 0 }), gaussianNoise({ std: 0.1, seed: 1 }));
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4, transform: augment });
  const batches: Tensor[][] = [...loader];
  assert.equal(batches.length, 2);
  assert.ok(batches[0]![0]!.toFlatArray().some((v) => v !== 0), "noise was added");
  assert.deepEqual(batches[1]![1]!.toArray(), [4, 5, 6, 7]);
});
