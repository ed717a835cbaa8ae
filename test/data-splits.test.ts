// Splits and k-fold: sizes as scikit-learn, stratified proportions, every index exactly once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { arange, tensor } from "../src/ops/creation.js";
import { Generator } from "../src/random.js";
import { kFold, splitSizes, stratifiedKFold, trainTestSplit, trainTestSplitIndices, trainValidationSplit } from "../src/data/splits.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/data/sklearn.json", import.meta.url), "utf8"));
const sorted = (a: number[]) => [...a].sort((p, q) => p - q);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test("split sizes equal scikit-learn's (test fraction rounded up, train fraction down)", () => {
  for (const c of fx.splitSizes) {
    assert.deepEqual(splitSizes("t", c.n, c.testSize ?? undefined, c.trainSize ?? undefined), [c.nTrain, c.nTest], JSON.stringify(c));
  }
  assert.throws(() => splitSizes("trainTestSplit", 10, 0, undefined), /testSize must be positive/);
  assert.throws(() => splitSizes("trainTestSplit", 10, 0.5, 0.8), /5 test.*8 train|8 train and 5 test/);
});

test("trainTestSplit: disjoint parts covering the data, rows kept with their labels, seeded", () => {
  const x = arange(40, { dtype: "float32" }).reshape([20, 2]);
  const y = arange(20, { dtype: "int32" });
  const a = trainTestSplit(x, y, { testSize: 0.25, seed: 3 });
  assert.deepEqual(a.xTrain.shape, [15, 2]);
  assert.deepEqual(a.yTest!.shape, [5]);
  assert.deepEqual(sorted([...a.yTrain!.toFlatArray(), ...a.yTest!.toFlatArray()]), range(20));
  assert.deepEqual(a.xTest.toFlatArray(), a.yTest!.toFlatArray().flatMap((i) => [2 * i, 2 * i + 1]));
  assert.notDeepEqual(a.yTest!.toFlatArray(), [15, 16, 17, 18, 19], "shuffled, not the last 25% as Keras");
  const b = trainTestSplit(x, y, { testSize: 0.25, seed: 3 });
  assert.deepEqual(b.testIndices, a.testIndices);
  const c = trainTestSplit(x, y, { testSize: 0.25, seed: 4 });
  assert.notDeepEqual(c.testIndices, a.testIndices);
  const d = trainTestSplit(x, y, { testSize: 0.25, shuffle: false });
  assert.deepEqual(d.yTest!.toArray(), [15, 16, 17, 18, 19]);
  assert.deepEqual(trainTestSplitIndices(10, { testSize: 3, generator: new Generator(1) }).test.length, 3);
});

test("stratified split keeps class proportions (largest remainder, within one sample)", () => {
  // 60 / 30 / 10 samples of classes 0 / 1 / 2, sorted by class (the case Keras' tail split gets wrong)
  const labels = [...Array(60).fill(0), ...Array(30).fill(1), ...Array(10).fill(2)];
  const y = tensor(labels, { dtype: "int32" });
  const x = arange(100, { dtype: "float32" }).reshape([100, 1]);
  const { yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, stratify: true, seed: 0 });
  const count = (t: number[], k: number) => t.filter((v) => v === k).length;
  const te = yTest!.toFlatArray(), tr = yTrain!.toFlatArray();
  assert.deepEqual([count(te, 0), count(te, 1), count(te, 2)], [12, 6, 2]);
  assert.deepEqual([count(tr, 0), count(tr, 1), count(tr, 2)], [48, 24, 8]);
  // an uneven case: 7 test samples from 50/50/50 → 3/2/2 (ties broken towards earlier classes)
  const r = trainTestSplitIndices(150, { testSize: 7, stratify: [...Array(50).fill("a"), ...Array(50).fill("b"), ...Array(50).fill("c")], seed: 1 });
  const cls = (i: number) => (i < 50 ? 0 : i < 100 ? 1 : 2);
  assert.deepEqual([0, 1, 2].map((k) => r.test.filter((i) => cls(i) === k).length), [3, 2, 2]);
  assert.equal(r.train.length, 143);
  assert.throws(() => trainTestSplitIndices(5, { stratify: [0, 0, 1, 1, 2] }), /class "2" has only 1 sample/);
  assert.throws(() => trainTestSplitIndices(6, { stratify: [0, 0, 1, 1, 2, 2], shuffle: false }), /must shuffle/);
});

test("trainValidationSplit holds out the fraction, shuffled", () => {
  const x = arange(30, { dtype: "float32" }).reshape([10, 3]);
  const y = arange(10, { dtype: "int32" });
  const { xTrain, yTrain, xVal, yVal } = trainValidationSplit(x, y, { validationSplit: 0.3, seed: 0 });
  assert.deepEqual([xTrain.shape[0], xVal.shape[0]], [7, 3]);
  assert.deepEqual(sorted([...yTrain.toFlatArray(), ...yVal.toFlatArray()]), range(10));
  assert.throws(() => trainValidationSplit(x, y, { validationSplit: 1 }), /validationSplit must be in \(0, 1\)/);
});

test("kFold: scikit-learn's folds unshuffled; every index tested exactly once; train = complement", () => {
  assert.deepEqual(kFold(10, { nSplits: 3 }).map((f) => f.test), fx.kFold10x3);
  for (const shuffle of [false, true]) {
    const folds = kFold(23, { nSplits: 5, shuffle, seed: 9 });
    assert.deepEqual(sorted(folds.flatMap((f) => f.test)), range(23));
    assert.deepEqual(folds.map((f) => f.test.length), [5, 5, 5, 4, 4]);
    for (const f of folds) assert.deepEqual(sorted([...f.train, ...f.test]), range(23));
  }
  assert.throws(() => kFold(3, { nSplits: 4 }), /cannot make 4 folds from 3 samples/);
  assert.throws(() => kFold(3, { nSplits: 1 }), /nSplits must be an integer ≥ 2/);
});

test("stratifiedKFold: equals scikit-learn unshuffled; shuffled folds stay stratified and cover every index", () => {
  const { y, nSplits, tests } = fx.stratifiedKFold;
  assert.deepEqual(stratifiedKFold(y, { nSplits }).map((f) => f.test), tests);
  assert.deepEqual(stratifiedKFold(tensor(y, { dtype: "int32" }), { nSplits }).map((f) => f.test), tests);
  const folds = stratifiedKFold(y, { nSplits, shuffle: true, seed: 2 });
  assert.deepEqual(sorted(folds.flatMap((f) => f.test)), range(y.length));
  for (const k of [0, 1, 2]) {
    const total = y.filter((v: number) => v === k).length;
    for (const f of folds) {
      const c = f.test.filter((i) => y[i] === k).length;
      assert.ok(Math.abs(c - total / nSplits) < 1, `class ${k}: ${c} in a fold, expected ≈ ${total / nSplits}`);
    }
  }
});
