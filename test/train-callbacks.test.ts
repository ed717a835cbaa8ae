// Callbacks: hook order, EarlyStopping on scripted values (patience, minDelta, baseline, mode) and exact
// restoreBestWeights, ModelCheckpoint (best only, files that load), LearningRateScheduler and ReduceLROnPlateau
// against their schedules, TerminateOnNaN naming the op, CSVLogger output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualSeed } from "../src/random.js";
import * as nn from "../src/nn/index.js";
import { tensor } from "../src/ops/creation.js";
import type { Tensor } from "../src/tensor.js";
import { makeMoons } from "../src/data/datasets/index.js";
import { Module, type StateDict } from "../src/nn/module.js";
import { Linear } from "../src/nn/layers/linear.js";
import { StepLR } from "../src/optim/lr-scheduler/step-lr.js";
import { ReduceLROnPlateau as TorchPlateau } from "../src/optim/lr-scheduler/reduce-lr-on-plateau.js";
import { loadModel } from "../src/io/model-file.js";
import { loadSafetensors } from "../src/io/safetensors.js";
import { Trainer } from "../src/train/trainer.js";
import { Callback, type Logs } from "../src/train/callbacks/callback.js";
import { LambdaCallback } from "../src/train/callbacks/lambda-callback.js";
import { EarlyStopping } from "../src/train/callbacks/early-stopping.js";
import { ModelCheckpoint, formatCheckpointPath } from "../src/train/callbacks/model-checkpoint.js";
import { LearningRateScheduler } from "../src/train/callbacks/lr-scheduler-callback.js";
import { ReduceLROnPlateau } from "../src/train/callbacks/reduce-lr-on-plateau.js";
import { TerminateOnNaN } from "../src/train/callbacks/terminate-on-nan.js";
import { CSVLogger } from "../src/train/callbacks/csv-logger.js";
import { findNonFinite } from "../src/train/non-finite.js";

const { x, y } = makeMoons({ nSamples: 64, noise: 0.1, seed: 0 });
const mlp = () => {
  manualSeed(0);
  return new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
};
const flat = (sd: StateDict) => Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.toFlatArray()]));
/** Puts `values[epoch]` into the epoch logs as "scripted" (runs before the callbacks after it). */
const script = (values: number[]) => new LambdaCallback({ onEpochEnd: (e, logs) => void (logs.scripted = values[e]!) });
const tmp = mkdtempSync(join(tmpdir(), "nabla-train-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test("hooks run in Keras' order, validation inside the epoch", async () => {
  const calls: string[] = [];
  class Recorder extends Callback {
    override onTrainBegin() { calls.push("trainBegin"); }
    override onTrainEnd() { calls.push("trainEnd"); }
    override onEpochBegin(e: number) { calls.push(`epochBegin ${e}`); }
    override onEpochEnd(e: number, logs: Logs) { calls.push(`epochEnd ${e} ${Object.keys(logs).join(",")}`); }
    override onBatchBegin(b: number) { calls.push(`batchBegin ${b}`); }
    override async onBatchEnd(b: number) { await Promise.resolve(); calls.push(`batchEnd ${b}`); }
    override onTestBegin() { calls.push("testBegin"); }
    override onTestBatchEnd(b: number) { calls.push(`testBatchEnd ${b}`); }
    override onTestEnd(logs: Logs) { calls.push(`testEnd ${Object.keys(logs).join(",")}`); }
    override onPredictBegin() { calls.push("predictBegin"); }
    override onPredictBatchEnd(b: number) { calls.push(`predictBatchEnd ${b}`); }
    override onPredictEnd() { calls.push("predictEnd"); }
  }
  const t = new Trainer(mlp(), { optimizer: "sgd", loss: "crossEntropy", metrics: ["accuracy"] });
  const rec = new Recorder();
  await t.fit(x.slice(0, 0, 8), y.slice(0, 0, 8), { epochs: 2, batchSize: 4, validationData: [x.slice(0, 8, 12), y.slice(0, 8, 12)], callbacks: [rec], verbose: 0 });
  assert.deepEqual(calls, [
    "trainBegin",
    "epochBegin 0", "batchBegin 0", "batchEnd 0", "batchBegin 1", "batchEnd 1", "testBegin", "testBatchEnd 0", "testEnd loss,accuracy",
    "epochEnd 0 loss,accuracy,valLoss,valAccuracy,lr",
    "epochBegin 1", "batchBegin 0", "batchEnd 0", "batchBegin 1", "batchEnd 1", "testBegin", "testBatchEnd 0", "testEnd loss,accuracy",
    "epochEnd 1 loss,accuracy,valLoss,valAccuracy,lr",
    "trainEnd",
  ]);
  calls.length = 0;
  t.predict(x.slice(0, 0, 5), { batchSize: 2, callbacks: [rec] });
  assert.deepEqual(calls, ["predictBegin", "predictBatchEnd 0", "predictBatchEnd 1", "predictBatchEnd 2", "predictEnd"]);
  assert.equal(rec.trainer, t);
  assert.throws(() => new LambdaCallback({ onEpochFinish: () => {} } as never), /unknown hook "onEpochFinish"/);
});

/** Runs `epochs` epochs with a scripted monitor; returns where EarlyStopping stopped and the epochs that ran. */
async function stopAt(values: number[], opts: ConstructorParameters<typeof EarlyStopping>[0]) {
  const t = new Trainer(mlp(), { optimizer: "sgd", loss: "crossEntropy" });
  const es = new EarlyStopping({ monitor: "scripted", ...opts });
  const h = await t.fit(x, y, { epochs: values.length, callbacks: [script(values), es], verbose: 0 });
  return { stopped: es.stoppedEpoch, ran: h.epoch.length, best: es.best, bestEpoch: es.bestEpoch };
}

test("EarlyStopping stops at the right epoch: patience, minDelta, baseline, mode", async () => {
  const seq = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.69, 0.9, 0.95, 0.96];
  // patience 2: epochs 3 and 4 do not improve on 0.7 → stop at 4.
  assert.deepEqual(await stopAt(seq, { patience: 2 }), { stopped: 4, ran: 5, best: 0.7, bestEpoch: 2 });
  assert.deepEqual(await stopAt(seq, { patience: 3 }), { stopped: 5, ran: 6, best: 0.7, bestEpoch: 2 });
  // patience 0: the first epoch that does not improve (epoch 3).
  assert.equal((await stopAt(seq, { patience: 0 })).stopped, 3);
  // patience 4: 0.69 at epoch 6 improves, then 7, 8, 9 do not — only 3 bad epochs, so it runs to the end.
  assert.deepEqual(await stopAt(seq, { patience: 4 }), { stopped: 0, ran: 10, best: 0.69, bestEpoch: 6 });
  // minDelta: improvements of less than 0.05 do not count.
  const slow = [1.0, 0.97, 0.95, 0.93, 0.9, 0.85];
  assert.deepEqual(await stopAt(slow, { patience: 2 }), { stopped: 0, ran: 6, best: 0.85, bestEpoch: 5 });
  assert.equal((await stopAt(slow, { patience: 2, minDelta: 0.05 })).stopped, 2);
  // baseline: until the monitor beats 0.5, improvements do not reset the count (Keras 3).
  const above = [1.0, 0.9, 0.95, 0.96, 0.97];
  assert.equal((await stopAt(above, { patience: 3 })).stopped, 4);
  assert.equal((await stopAt(above, { patience: 3, baseline: 0.5 })).stopped, 2);
  // mode "max", and "auto" reading an accuracy-like name as max.
  const acc = [0.5, 0.6, 0.7, 0.65, 0.66, 0.64];
  assert.equal((await stopAt(acc, { patience: 2, mode: "max" })).stopped, 4);
  assert.equal(new EarlyStopping({ monitor: "valAccuracy" }).mode, "max");
  assert.equal(new EarlyStopping({ monitor: "valLoss" }).mode, "min");
});

test("EarlyStopping restoreBestWeights puts back exactly the best epoch's weights (after an early stop, and after a full run)", async () => {
  for (const [values, best] of [[[0.9, 0.5, 0.6, 0.7, 0.8], 1], [[0.9, 0.8, 0.3, 0.4, 0.35], 2]] as const) {
    const model = mlp();
    const t = new Trainer(model, { optimizer: { name: "sgd", lr: 0.5 }, loss: "crossEntropy" });
    const snaps: StateDict[] = [];
    const es = new EarlyStopping({ monitor: "scripted", patience: 3, restoreBestWeights: true });
    const h = await t.fit(x, y, { epochs: 5, batchSize: 16, callbacks: [script([...values]), new LambdaCallback({ onEpochEnd: () => void snaps.push(model.stateDict()) }), es], verbose: 0 });
    assert.equal(es.bestEpoch, best);
    assert.deepEqual(flat(model.stateDict()), flat(snaps[best]!), "the best epoch's weights, exactly");
    assert.notDeepEqual(flat(snaps[best]!), flat(snaps.at(-1)!), "and not the last epoch's");
    assert.equal(h.epoch.length, best === 1 ? 5 : 5);
  }
  await assert.rejects(
    new Trainer(mlp(), { optimizer: "sgd", loss: "crossEntropy" }).fit(x, y, { callbacks: [new EarlyStopping()], verbose: 0 }),
    /"valLoss" is not in the epoch logs \(available: loss, lr\)\. Validation keys need validation data/,
  );
});

test("ModelCheckpoint saves only on improvement, atomically, as model directories that load (or weights-only safetensors)", async () => {
  const model = mlp();
  const t = new Trainer(model, { optimizer: { name: "adam", lr: 0.05 }, loss: "crossEntropy" });
  const snaps: StateDict[] = [];
  const dir = join(tmp, "ckpt");
  const ckpt = new ModelCheckpoint(join(dir, "e{epoch:02d}-{scripted:.2f}"), { monitor: "scripted", saveBestOnly: true, saveOptimizer: true });
  const last = new ModelCheckpoint(join(dir, "last.safetensors"), { saveWeightsOnly: true });
  await t.fit(x, y, { epochs: 5, callbacks: [script([0.9, 0.7, 0.8, 0.6, 0.65]), new LambdaCallback({ onEpochEnd: () => void snaps.push(model.stateDict()) }), ckpt, last], verbose: 0 });
  assert.deepEqual(ckpt.saved, ["e01-0.90", "e02-0.70", "e04-0.60"].map((f) => join(dir, f)));
  assert.equal(existsSync(join(dir, "e03-0.80")), false);
  for (const [path, epoch] of [[ckpt.saved[1]!, 1], [ckpt.saved[2]!, 3]] as const) {
    const loaded = await loadModel(path);
    assert.deepEqual(flat(loaded.model.stateDict()), flat(snaps[epoch]!));
    assert.equal(loaded.metadata.epoch, epoch);
    assert.ok(loaded.optimizerState !== null);
  }
  assert.deepEqual(last.saved.length, 5);
  const st = await loadSafetensors(join(dir, "last.safetensors"));
  assert.deepEqual(flat(st.tensors), flat(snaps[4]!));
  assert.equal(st.metadata.epoch, "4");
  assert.equal(formatCheckpointPath("m-{epoch}-{valLoss:.3f}-{epoch:03d}", 6, { valLoss: 0.12345 }), "m-7-0.123-007");
  assert.throws(() => formatCheckpointPath("m-{valAcc}", 0, { loss: 1 }), /uses \{valAcc\}, which is not in the epoch logs/);
});

test("LearningRateScheduler: an optim.lrScheduler schedule per epoch or per batch, and Keras' (epoch, lr) function", async () => {
  const t = new Trainer(mlp(), { optimizer: { name: "sgd", lr: 0.1 }, loss: "crossEntropy" });
  const h = await t.fit(x, y, { epochs: 5, callbacks: [new LearningRateScheduler(new StepLR(t.optimizer, { stepSize: 2, gamma: 0.5 }))], verbose: 0 });
  assert.deepEqual(h.history.lr, [0.1, 0.1, 0.05, 0.05, 0.025]);

  const t2 = new Trainer(mlp(), { optimizer: { name: "sgd", lr: 0.1 }, loss: "crossEntropy" });
  const used: number[] = [];
  const spy = new LambdaCallback({ onBatchBegin: () => void used.push(t2.optimizer.paramGroups[0]!.lr) });
  await t2.fit(x, y, { epochs: 2, batchSize: 22, callbacks: [spy, new LearningRateScheduler(new StepLR(t2.optimizer, { stepSize: 2, gamma: 0.5 }), { interval: "batch" })], verbose: 0 });
  assert.deepEqual(used, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]); // 3 batches per epoch

  const t3 = new Trainer(mlp(), { optimizer: { name: "adam", lr: 0.01 }, loss: "crossEntropy" });
  const h3 = await t3.fit(x, y, { epochs: 4, callbacks: [new LearningRateScheduler((epoch, lr) => (epoch < 2 ? lr : lr / 10))], verbose: 0 });
  assert.deepEqual(h3.history.lr, [0.01, 0.01, 0.001, 0.0001]);

  const other = new Trainer(mlp(), { optimizer: { name: "sgd", lr: 0.1 }, loss: "crossEntropy" });
  await assert.rejects(t3.fit(x, y, { callbacks: [new LearningRateScheduler(new StepLR(other.optimizer, { stepSize: 1 }))], verbose: 0 }), /different optimizer/);
  assert.throws(() => new LearningRateScheduler(new TorchPlateau(other.optimizer) as never), /use the ReduceLROnPlateau callback/);
});

test("ReduceLROnPlateau (Keras semantics): cut after `patience` epochs without improvement, with cooldown and minLr", async () => {
  const values = [1, 1, 1, 1, 1, 0.5, 0.5, 0.5];
  const run = async (opts: ConstructorParameters<typeof ReduceLROnPlateau>[0]) => {
    const t = new Trainer(mlp(), { optimizer: { name: "sgd", lr: 0.1 }, loss: "crossEntropy" });
    const h = await t.fit(x, y, { epochs: values.length, callbacks: [script(values), new ReduceLROnPlateau({ monitor: "scripted", factor: 0.5, ...opts })], verbose: 0 });
    return [...h.history.lr, t.optimizer.paramGroups[0]!.lr];
  };
  assert.deepEqual(await run({ patience: 2 }), [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125]);
  assert.deepEqual(await run({ patience: 2, cooldown: 1 }), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025]);
  assert.deepEqual(await run({ patience: 2, minLr: 0.04 }), [0.1, 0.1, 0.1, 0.05, 0.05, 0.04, 0.04, 0.04, 0.04]);
});

/** y = log(w·x + b): NaN where w·x + b < 0. */
class LogModel extends Module<[Tensor]> {
  lin = new Linear(1, 1);
  forward(x: Tensor): Tensor {
    return this.lin.call(x).log();
  }
}

test("TerminateOnNaN stops at the first non-finite loss and names the op that made the NaN (log of a negative)", async () => {
  const model = new LogModel();
  model.lin.weight.detach().fill_(1);
  model.lin.bias!.detach().fill_(0);
  const t = new Trainer(model, { optimizer: { name: "sgd", lr: 0.01 }, loss: "mse" });
  const xs = tensor([[1], [2], [3], [4], [2], [-1], [3], [4], [1], [1], [1], [1]]);
  const ys = tensor([[0], [0.7], [1.1], [1.4], [0.7], [0], [1.1], [1.4], [0], [0], [0], [0]]);
  const out: string[] = [];
  const nan = new TerminateOnNaN({ stream: { write: (s: string) => void out.push(s) } });
  let batches = 0;
  const h = await t.fit(xs, ys, { epochs: 3, batchSize: 4, shuffle: false, callbacks: [new LambdaCallback({ onBatchEnd: () => void batches++ }), nan], verbose: 0 });
  assert.equal(batches, 2, "stopped after the second batch");
  assert.deepEqual(h.epoch, [0]);
  assert.deepEqual(nan.at, { epoch: 0, batch: 1 });
  assert.equal(nan.report!.op, "log");
  assert.deepEqual(nan.report!.inputShapes, [[4, 1]]);
  assert.equal(nan.report!.nan, 1);
  assert.deepEqual(nan.report!.nonFiniteInputs, [null]);
  assert.match(out.join(""), /epoch 1, batch 1: the loss is NaN; training stopped\. The first op that produced a non-finite value is "log" \(inputs \[4,1\] → output \[4,1\]; 1 NaN of 4 output values\)\. All its inputs are finite, so "log" made the NaN\/inf\. log of a negative number gives NaN/);
  // Without TerminateOnNaN, fit fails with the same diagnosis.
  model.lin.weight.detach().fill_(1);
  model.lin.bias!.detach().fill_(0);
  await assert.rejects(
    t.fit(xs, ys, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 }),
    /fit: epoch 1, batch 1: the model's output contains NaN, so the loss cannot be computed\. The first op that produced a non-finite value is "log".*Add the TerminateOnNaN callback/,
  );
});

test("TerminateOnNaN on a NaN made inside the loss (finite outputs): the step ran, the diagnosis still finds the op", async () => {
  const model = mlp();
  const t = new Trainer(model, { optimizer: { name: "sgd", lr: 0.1 }, loss: (o, yy) => o.select(1, 0).sub(yy.float()).sqrt().mean() });
  const nan = new TerminateOnNaN({ stream: null });
  const h = await t.fit(x, y, { epochs: 2, batchSize: 64, callbacks: [nan], verbose: 0 });
  assert.deepEqual(h.epoch, [0]);
  assert.ok(Number.isNaN(h.history.loss[0]));
  assert.equal(nan.report!.op, "sqrt");
  assert.deepEqual(nan.report!.nonFiniteInputs, [null]);
});

test("findNonFinite: the producing op, inputs that were already non-finite, and leaves", () => {
  const w = tensor([1, -1], { requiresGrad: true });
  assert.equal(findNonFinite(w.mul(2).log().sum())?.op, "log");
  const d = findNonFinite(w.div(tensor([1, 0])).exp().sum())!;
  assert.equal(d.op, "div");
  assert.equal(d.negInf, 1);
  assert.equal(findNonFinite(w.mul(2).sum()), null);
  const data = tensor([Number.NaN, 1]);
  data.name = "data";
  const r = findNonFinite(data.mul(w).sum(), { names: new Map([[data, "the input batch x"]]) })!;
  assert.equal(r.op, "mul");
  assert.deepEqual(r.nonFiniteInputs, ["the input batch x", null]);
  assert.match(r.message, /already non-finite: the input batch x\. Check the data/);
  // Values the leaves had before an in-place update decide, not their current ones.
  const p = tensor([2], { requiresGrad: true });
  const loss = p.sub(3).sqrt().sum();
  const before = p.detach().clone();
  p.detach().fill_(Number.NaN);
  assert.deepEqual(findNonFinite(loss, { leafValues: new Map([[p, before]]) })!.nonFiniteInputs, [null]);
});

test("CSVLogger writes a header and one row per epoch that parse back to the History; append keeps earlier rows", async () => {
  const file = join(tmp, "logs", "train.csv");
  const t = new Trainer(mlp(), { optimizer: "adam", loss: "crossEntropy", metrics: ["accuracy"] });
  const h = await t.fit(x, y, { epochs: 3, validationSplit: 0.25, seed: 0, callbacks: [new CSVLogger(file)], verbose: 0 });
  const parse = () => readFileSync(file, "utf8").trimEnd().split("\n").map((l) => l.split(","));
  const [header, ...rows] = parse();
  assert.deepEqual(header, ["epoch", "accuracy", "loss", "lr", "valAccuracy", "valLoss"]);
  assert.equal(rows.length, 3);
  rows.forEach((r, e) => {
    assert.equal(Number(r[0]), e);
    header!.slice(1).forEach((k, j) => assert.equal(Number(r[j + 1]), h.history[k]![e]));
  });
  await t.fit(x, y, { epochs: 2, validationSplit: 0.25, seed: 0, callbacks: [new CSVLogger(file, { append: true })], verbose: 0 });
  const again = parse();
  assert.equal(again.length, 1 + 5);
  assert.deepEqual(again.slice(0, 4), [header, ...rows]);
  await t.fit(x, y, { epochs: 1, callbacks: [new CSVLogger(file, { separator: ";" })], verbose: 0 });
  assert.deepEqual(readFileSync(file, "utf8").split("\n")[0], "epoch;accuracy;loss;lr");
  writeFileSync(file, "");
});
