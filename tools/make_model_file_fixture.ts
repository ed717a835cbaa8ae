/**
 * Writes test/fixtures/model-file/nabla-v1/ (a model directory in format 1, as this version of nabla saves it:
 * a small classifier with BatchNorm and Dropout, Adam state after 3 steps, a fitted StandardScaler and
 * metadata) and test/fixtures/model-file/nabla-v1.expected.json (an input, its scaled form and the model's
 * eval-mode output). The test checks that later versions still load this directory and compute the same.
 *
 * Rerun only when deliberately changing the format (then bump MODEL_FORMAT_VERSION and keep the old fixture):
 *
 *     npx tsx tools/make_model_file_fixture.ts
 *     /usr/bin/python3 tools/make_model_file_fixtures.py   # adds PyTorch's output for the same weights
 */
import { writeFileSync } from "node:fs";
import { Adam } from "../src/optim/index.js";
import { BatchNorm1d, Dropout, Linear, LogSoftmax, ReLU, Sequential, functional as F } from "../src/nn/index.js";
import { StandardScaler } from "../src/data/preprocessing/index.js";
import { saveModel } from "../src/io/model-file.js";
import { Generator, manualSeed } from "../src/random.js";
import { randn, randint } from "../src/ops/creation.js";

const OUT = new URL("../test/fixtures/model-file/", import.meta.url).pathname;
const round = (xs: ArrayLike<number>, cols: number): number[][] =>
  Array.from({ length: xs.length / cols }, (_, r) => Array.from({ length: cols }, (_, c) => xs[r * cols + c]!));

async function main(): Promise<void> {
  manualSeed(2024);
  const g = new Generator(7);
  const x = randn([16, 4], { generator: g }).mul(3).add(5);
  const y = randint(0, 3, [16], { generator: g });
  const scaler = new StandardScaler().fit(x);
  const model = new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(), new Dropout(0.25), new Linear(8, 3), new LogSoftmax({ dim: -1 }));
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  const xs = scaler.transform(x);
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    F.nllLoss(model.call(xs), y).backward();
    opt.step();
  }
  await saveModel(model, `${OUT}nabla-v1`, {
    optimizer: opt,
    preprocessing: { scaler },
    metadata: { epoch: 3, classes: ["a", "b", "c"], note: "fixture written by tools/make_model_file_fixture.ts" },
  });
  const input = randn([3, 4], { generator: g }).mul(3).add(5);
  const scaled = scaler.transform(input);
  const output = model.eval().call(scaled);
  // Float32 values printed in full (shortest round-trip of the float64 they widen to), so the test is bit-exact.
  const expected = { input: round(input.dataSync(), 4), scaledInput: round(scaled.dataSync(), 4), output: round(output.dataSync(), 3) };
  writeFileSync(`${OUT}nabla-v1.expected.json`, JSON.stringify(expected) + "\n");
}

await main();
