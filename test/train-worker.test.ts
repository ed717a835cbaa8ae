// Training in a worker thread: the same weights and History as in-process with the same seeds (a factory model
// of a custom class; a serialized Sequential with its current weights), progress events, stop via an
// AbortSignal, callbacks from plain options, and errors from the worker.
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed } from "../src/random.js";
import * as nn from "../src/nn/index.js";
import { makeMoons } from "../src/data/datasets/index.js";
import type { StateDict } from "../src/nn/module.js";
import { Trainer } from "../src/train/trainer.js";
import { trainInWorker } from "../src/train/worker.js";
import { makeModel } from "./train-worker-factory.js";

const { x, y } = makeMoons({ nSamples: 96, noise: 0.1, seed: 0 });
const flat = (sd: StateDict) => Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, t.toFlatArray()]));
const factory = { module: new URL("./train-worker-factory.ts", import.meta.url), export: "makeModel", args: [8] };

test("a factory model trained in a worker equals the in-process run with the same seeds; epoch events arrive", async () => {
  manualSeed(7);
  const local = makeModel(8);
  const trainer = new Trainer(local, { optimizer: { name: "adam", lr: 0.02 }, loss: "crossEntropy", metrics: ["accuracy"] });
  const h = await trainer.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, seed: 1, verbose: 0 });

  const events: [number, number][] = [];
  let steps: number | undefined;
  const r = await trainInWorker(
    { model: factory, globalSeed: 7, trainer: { optimizer: { name: "adam", lr: 0.02 }, loss: "crossEntropy", metrics: ["accuracy"] }, data: { x, y }, fitOptions: { epochs: 3, batchSize: 16, validationSplit: 0.25, seed: 1 } },
    { onEpochEnd: (e, logs) => void events.push([e, logs.valLoss!]), onTrainBegin: (p) => void (steps = p?.steps) },
  );
  assert.deepEqual(flat(r.weights), flat(local.stateDict()));
  assert.deepEqual(r.history.history, h.history);
  assert.deepEqual(r.history.epoch, [0, 1, 2]);
  assert.deepEqual(events, h.history.valLoss!.map((v, e) => [e, v]));
  assert.equal(steps, 5); // 72 training samples in batches of 16
});

test("a Sequential goes to the worker serialized with its current weights; stop via AbortSignal; callbacks by name; errors come back", async () => {
  manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
  const before = flat(model.stateDict());
  const twin = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
  twin.loadStateDict(model.stateDict());
  const h = await new Trainer(twin, { optimizer: { name: "sgd", lr: 0.1 }, loss: "crossEntropy" }).fit(x, y, { epochs: 2, seed: 2, verbose: 0 });

  const ac = new AbortController();
  const batches: number[] = [];
  const r = await trainInWorker(
    {
      model, trainer: { optimizer: { name: "sgd", lr: 0.1 }, loss: "crossEntropy" }, data: { x, y }, fitOptions: { epochs: 2, seed: 2 },
      callbacks: [{ type: "EarlyStopping", options: { monitor: "loss", patience: 5 } }],
    },
    { onBatchEnd: (b) => void batches.push(b) },
  );
  assert.deepEqual(flat(r.weights), flat(twin.stateDict()));
  assert.deepEqual(r.history.history.loss, h.history.loss);
  assert.deepEqual(batches, [0, 1, 2, 0, 1, 2]);
  assert.deepEqual(flat(model.stateDict()), before, "the main thread's model is untouched");

  // Abort after the first epoch: training ends early and the weights so far come back.
  const stopped = await trainInWorker(
    { model, trainer: { optimizer: "sgd", loss: "crossEntropy" }, data: { x, y }, fitOptions: { epochs: 50, batchSize: 8 } },
    { onEpochEnd: () => ac.abort(), signal: ac.signal },
  );
  assert.ok(stopped.history.epoch.length < 50 && stopped.history.epoch.length >= 1, `ran ${stopped.history.epoch.length} epochs`);

  await assert.rejects(
    trainInWorker({ model: { ...factory, export: "nope" }, trainer: { optimizer: "sgd", loss: "mse" }, data: { x, y } }),
    /training in the worker failed: trainInWorker: .*train-worker-factory\.ts has no export "nope"/,
  );
  await assert.rejects(
    trainInWorker({ model, trainer: { optimizer: "sgd", loss: (() => 0) as never }, data: { x, y } }),
    /trainer must be plain data/,
  );
});
