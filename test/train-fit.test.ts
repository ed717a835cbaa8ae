// Trainer.fit / evaluate / predict: learning on a tiny set, History against evaluate() recomputed with each
// epoch's weights, the shuffled/seeded/stratified validationSplit, datasets and loaders as input, per-batch
// transforms (training only), yielding to the event loop, and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed } from "../src/random.js";
import * as nn from "../src/nn/index.js";
import { tensor } from "../src/ops/creation.js";
import type { Tensor } from "../src/tensor.js";
import { makeMoons } from "../src/data/datasets/index.js";
import { TensorDataset } from "../src/data/dataset.js";
import { DataLoader } from "../src/data/data-loader.js";
import { Module, type StateDict } from "../src/nn/module.js";
import { Linear } from "../src/nn/layers/linear.js";
import { LBFGS } from "../src/optim/lbfgs.js";
import { SGD } from "../src/optim/sgd.js";
import { Trainer } from "../src/train/trainer.js";
import { LambdaCallback } from "../src/train/callbacks/lambda-callback.js";
import { validationIndices } from "../src/train/fit-data.js";
import { Generator } from "../src/random.js";

const mlp = (seed = 0) => {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 2));
};
const moons = makeMoons({ nSamples: 160, noise: 0.1, seed: 0 });
const flat = (sd: StateDict) => Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.toFlatArray()]));

test("fit learns the moons: the loss falls and accuracy reaches 0.95", async () => {
  const trainer = new Trainer(mlp(), { optimizer: { name: "adam", lr: 0.1 }, loss: "crossEntropy", metrics: ["accuracy"] });
  const h = await trainer.fit(moons.x, moons.y, { epochs: 25, batchSize: 32, seed: 0, verbose: 0 });
  assert.deepEqual(h.epoch, Array.from({ length: 25 }, (_, i) => i));
  assert.equal(h.history.loss.length, 25);
  assert.ok(h.history.loss[24]! < h.history.loss[0]! / 3, `loss ${h.history.loss[0]} → ${h.history.loss[24]}`);
  const { loss, accuracy } = await trainer.evaluate(moons.x, moons.y);
  assert.ok(accuracy! >= 0.95, `accuracy ${accuracy}`);
  assert.ok(loss! < 0.2);
  assert.deepEqual(h.history.lr, new Array(25).fill(0.1));
  assert.deepEqual(h.params, { epochs: 25, initialEpoch: 0, steps: 5, samples: 160, batchSize: 32, verbose: 0, validation: false });
});

test("History's validation values equal evaluate() with each epoch's weights; the training loss is the epoch's sample-weighted batch mean", async () => {
  const model = mlp(1);
  const trainer = new Trainer(model, { optimizer: { name: "sgd", lr: 0.3, momentum: 0.5 }, loss: "crossEntropy", metrics: ["accuracy", "f1"] });
  const xv = moons.x.slice(0, 0, 40), yv = moons.y.slice(0, 0, 40);
  const xt = moons.x.slice(0, 40), yt = moons.y.slice(0, 40);
  const snaps: StateDict[] = [];
  const batchLoss: number[][] = [];
  const cb = new LambdaCallback({
    onEpochBegin: () => void batchLoss.push([]),
    onBatchEnd: (_b, logs) => void batchLoss.at(-1)!.push(logs.loss!),
    onEpochEnd: () => void snaps.push(model.stateDict()),
  });
  const h = await trainer.fit(xt, yt, { epochs: 4, batchSize: 25, validationData: [xv, yv], callbacks: [cb], seed: 3, verbose: 0 });
  assert.deepEqual(Object.keys(h.history).sort(), ["accuracy", "f1", "loss", "lr", "valAccuracy", "valF1", "valLoss"]);
  for (let e = 0; e < 4; e++) {
    model.loadStateDict(snaps[e]!);
    const r = await trainer.evaluate(xv, yv, { batchSize: 25 });
    assert.equal(h.history.valLoss![e], r.loss, `valLoss of epoch ${e}`);
    assert.equal(h.history.valAccuracy![e], r.accuracy);
    assert.equal(h.history.valF1![e], r.f1);
    // 120 samples in batches of 25: the last batch has 20, so the running mean weights it by 20/120.
    assert.equal(batchLoss[e]!.length, 5);
    assert.equal(h.history.loss[e], batchLoss[e]!.at(-1));
  }
  // A batch-size-independent check of evaluate: the mean-reduced loss over all samples.
  model.loadStateDict(snaps[3]!);
  const whole = nn.functional.crossEntropy(model.eval().call(xv), yv).item();
  assert.ok(Math.abs(h.history.valLoss![3]! - whole) < 1e-6);
});

/** Records which inputs it sees in training and in eval mode (x[:, 0] holds the sample index). */
class Spy extends Module<[Tensor]> {
  lin = new Linear(1, 2);
  seenTrain: number[] = [];
  seenEval: number[] = [];
  forward(x: Tensor): Tensor {
    (this.training ? this.seenTrain : this.seenEval).push(...x.select(1, 0).toFlatArray());
    return this.lin.call(x.slice(1, 1, 2));
  }
}

test("validationSplit is shuffled, seeded and stratified — not the last 20% as in Keras", async () => {
  const n = 100;
  const x = tensor(Array.from({ length: n }, (_, i) => [i, 0]));
  const y = tensor(Array.from({ length: n }, (_, i) => (i < 70 ? 0 : 1)), { dtype: "int32" }); // sorted by class
  const valOf = async (seed: number, stratify?: boolean) => {
    const spy = new Spy();
    const tr = new Trainer(spy, { optimizer: "sgd", loss: "crossEntropy" });
    await tr.fit(x, y, { epochs: 1, validationSplit: 0.2, seed, stratify, verbose: 0 });
    return { val: [...spy.seenEval].sort((a, b) => a - b), train: [...spy.seenTrain].sort((a, b) => a - b) };
  };
  const a = await valOf(0), b = await valOf(0), c = await valOf(1);
  assert.equal(a.val.length, 20);
  assert.deepEqual(a.val, b.val, "same seed, same split");
  assert.notDeepEqual(a.val, c.val, "another seed, another split");
  assert.notDeepEqual(a.val, Array.from({ length: 20 }, (_, i) => 80 + i), "not the last 20%");
  assert.equal(a.val.filter((i) => i >= 70).length, 6, "stratified: 30% of the 20 are class 1");
  assert.equal(a.train.length, 80);
  assert.deepEqual([...a.train, ...a.val].sort((p, q) => p - q), Array.from({ length: n }, (_, i) => i), "a partition");
  // Without stratification the class count varies with the seed; over a few seeds it is not always 6.
  const counts = [];
  for (let s = 0; s < 6; s++) counts.push((await valOf(s, false)).val.filter((i) => i >= 70).length);
  assert.ok(counts.some((k) => k !== 6), `unstratified counts ${counts}`);
});

test("validationIndices: float targets are not stratified by default; classes too small to split fall back to a plain shuffle", () => {
  const g = () => new Generator(0);
  const yf = tensor([0, 0, 1, 1, 0, 1, 0, 1, 0, 1]);
  assert.deepEqual(validationIndices(10, 0.3, yf, undefined, g()), validationIndices(10, 0.3, undefined, undefined, g()));
  const rare = tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], { dtype: "int32" }); // class 1 has one sample
  assert.equal(validationIndices(10, 0.3, rare, undefined, g()).val.length, 3);
  assert.throws(() => validationIndices(10, 0.3, rare, true, g()), /only 1 sample/);
  assert.throws(() => validationIndices(10, 1.5, rare, undefined, g()), /validationSplit must be a fraction/);
});

test("fit takes a Dataset (same result as tensors), a DataLoader (its own batches) and an iterable of batches", async () => {
  const run = async (data: "tensors" | "dataset") => {
    const model = mlp(2);
    const t = new Trainer(model, { optimizer: { name: "sgd", lr: 0.2 }, loss: "crossEntropy" });
    const h = data === "tensors"
      ? await t.fit(moons.x, moons.y, { epochs: 2, batchSize: 32, seed: 5, verbose: 0 })
      : await t.fit(new TensorDataset(moons.x, moons.y), { epochs: 2, batchSize: 32, seed: 5, verbose: 0 });
    return { h, w: flat(model.stateDict()) };
  };
  const a = await run("tensors"), b = await run("dataset");
  assert.deepEqual(a.w, b.w);
  assert.deepEqual(a.h.history.loss, b.h.history.loss);

  const t = new Trainer(mlp(2), { optimizer: "adam", loss: "crossEntropy" });
  const loader = new DataLoader(new TensorDataset(moons.x, moons.y), { batchSize: 50 });
  const h = await t.fit(loader, { epochs: 1, batchSize: 7, verbose: 0 });
  assert.equal(h.params!.steps, 4); // 160 / 50, the loader's batch size
  const batches: [Tensor, Tensor][] = [[moons.x.slice(0, 0, 80), moons.y.slice(0, 0, 80)], [moons.x.slice(0, 80), moons.y.slice(0, 80)]];
  const seen: number[] = [];
  await t.fit({ [Symbol.iterator]: () => batches[Symbol.iterator]() }, { epochs: 2, verbose: 0, callbacks: [new LambdaCallback({ onBatchEnd: (b) => void seen.push(b) })] });
  assert.deepEqual(seen, [0, 1, 0, 1]);
  function* once() { yield* batches; }
  await assert.rejects(t.fit(once(), { epochs: 2, verbose: 0 }), /can be read only once/);
  await assert.rejects(t.fit(loader, { validationSplit: 0.2, verbose: 0 }), /validationSplit needs tensors or a map-style Dataset/);
});

test("transforms augment training batches only; validation sees clean data", async () => {
  const spy = new Spy();
  const t = new Trainer(spy, { optimizer: "sgd", loss: "crossEntropy" });
  const x = tensor(Array.from({ length: 20 }, (_, i) => [i, 1])), y = tensor(Array.from({ length: 20 }, (_, i) => i % 2), { dtype: "int32" });
  let calls = 0;
  const shift = (batch: Tensor[]) => {
    calls++;
    return [batch[0]!.add(1000), ...batch.slice(1)];
  };
  await t.fit(x, y, { epochs: 2, batchSize: 5, validationSplit: 0.25, transforms: [shift], seed: 0, verbose: 0 });
  assert.equal(calls, 2 * 3); // 15 training samples in batches of 5, two epochs
  assert.ok(spy.seenTrain.every((v) => v >= 1000));
  assert.ok(spy.seenEval.every((v) => v < 1000));
  assert.equal(spy.seenEval.length, 2 * 5);
});

test("evaluate and predict run in eval mode without gradients and restore each module's mode; Tensor in → Tensor out", async () => {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Dropout(0.5), new nn.Linear(8, 3));
  const t = new Trainer(model, { optimizer: "adam", loss: "crossEntropy", metrics: ["accuracy"] });
  const x = moons.x.slice(0, 0, 50);
  (model as unknown as { 1: Module })[1].training = false; // a frozen sub-module stays frozen
  const p = t.predict(x, { batchSize: 7 });
  assert.deepEqual(p.shape, [50, 3]);
  assert.equal(p.requiresGrad, false);
  const direct = model.eval().call(x);
  model.train();
  (model as unknown as { 1: Module })[1].training = false;
  assert.deepEqual(p.toFlatArray(), direct.toFlatArray());
  assert.deepEqual(model.modules().map((m) => m.training), [true, true, false, true]);
  const r = await t.evaluate(x, moons.y.slice(0, 0, 50), { batchSize: 9 });
  assert.deepEqual(Object.keys(r), ["loss", "accuracy"]);
  assert.ok(Math.abs(r.loss! - nn.functional.crossEntropy(direct, moons.y.slice(0, 0, 50)).item()) < 1e-6);
  assert.deepEqual(model.modules().map((m) => m.training), [true, true, false, true]);
  // predict on a dataset of [x, y] samples uses x
  assert.deepEqual(t.predict(new TensorDataset(x, moons.y.slice(0, 0, 50)), { batchSize: 16 }).toFlatArray(), p.toFlatArray());
});

test("fit yields to the event loop: a timer fires during training", async () => {
  const t = new Trainer(mlp(), { optimizer: "adam", loss: "crossEntropy" });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const t0 = performance.now();
  try {
    await t.fit(moons.x, moons.y, { epochs: 40, batchSize: 8, verbose: 0 }); // ≈ 0.2 s on a quiet machine: many yield intervals
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - t0;
  assert.ok(ms > 30, `fit took only ${ms} ms; the test needs it longer than the yield interval`);
  assert.ok(ticks >= 2, `the timer fired ${ticks} times during a ${ms.toFixed(0)} ms fit`);
});

test("names, instances, loss modules and functions; L-BFGS through the closure; bceWithLogits accuracy thresholds logits at 0", async () => {
  manualSeed(0);
  const lin = new nn.Linear(2, 1);
  const yb = moons.y.to("float32");
  const t = new Trainer(lin, { optimizer: new LBFGS(lin.parameters(), { lr: 1, maxIter: 20 }), loss: "bceWithLogits", metrics: ["accuracy"] });
  const h = await t.fit(moons.x, yb, { epochs: 3, batchSize: 160, verbose: 0 }); // [N, 1] outputs against [N] targets
  assert.ok(h.history.loss[2]! < h.history.loss[0]!);
  const logits = t.predict(moons.x).toFlatArray();
  const labels = yb.toFlatArray();
  const acc = logits.filter((z, i) => (z > 0 ? 1 : 0) === labels[i]).length / 160;
  assert.equal((await t.evaluate(moons.x, yb)).accuracy, acc);
  assert.ok(acc > 0.8);

  const m2 = mlp(3);
  const withModule = new Trainer(m2, { optimizer: new SGD(m2.parameters(), { lr: 0.1 }), loss: new nn.CrossEntropyLoss() });
  const withFn = new Trainer(mlp(3), { optimizer: { name: "sgd", lr: 0.1 }, loss: (o, y) => nn.functional.crossEntropy(o, y) });
  const h1 = await withModule.fit(moons.x, moons.y, { epochs: 2, seed: 1, verbose: 0 });
  const h2 = await withFn.fit(moons.x, moons.y, { epochs: 2, seed: 1, verbose: 0 });
  assert.deepEqual(h1.history.loss, h2.history.loss);

  const m = mlp();
  assert.throws(() => new Trainer(m, { optimizer: "adamm" as never, loss: "mse" }), /unknown optimizer "adamm"\. Known names: sgd, adam/);
  assert.throws(() => new Trainer(m, { optimizer: "adam", loss: "crossentropy" }), /unknown loss "crossentropy"\. Known names: crossEntropy/);
  assert.throws(() => new Trainer(m, { optimizer: "adam", loss: "mse", metrics: ["acuracy"] }), /unknown metric "acuracy"/);
  const tt = new Trainer(m, { optimizer: "adam", loss: (o) => o.sum(1) });
  await assert.rejects(tt.fit(moons.x, moons.y, { verbose: 0 }), /gave shape \[32\] .* it must be a scalar/);
  await assert.rejects(tt.fit(moons.x, moons.y.slice(0, 0, 10), { verbose: 0 }), /same first \(sample\) dimension/);
  await assert.rejects(tt.fit(moons.x, moons.y, { epochs: 1.5, verbose: 0 }), /epochs must be an integer/);
  await assert.rejects(tt.fit(moons.x, moons.y, { validationSplit: 0.2, validationData: [moons.x, moons.y], verbose: 0 }), /either validationSplit or validationData/);
});

test("initialEpoch resumes the epoch count; stopTraining ends fit after the current batch", async () => {
  const t = new Trainer(mlp(), { optimizer: "adam", loss: "crossEntropy" });
  const h = await t.fit(moons.x, moons.y, { epochs: 5, initialEpoch: 3, verbose: 0 });
  assert.deepEqual(h.epoch, [3, 4]);
  let batches = 0;
  const stopper = new LambdaCallback({ onBatchEnd: (b) => { batches++; if (b === 2) t.stopTraining = true; } });
  const h2 = await t.fit(moons.x, moons.y, { epochs: 5, batchSize: 16, callbacks: [stopper], verbose: 0 });
  assert.equal(batches, 3);
  assert.deepEqual(h2.epoch, [0]);
});
