// Searches over a model factory trained with the Trainer: a factory module on 2 worker threads gives the same
// table as the factory function in-process; fold scores and the refit model equal manual runs with the derived
// seeds; scoring by name or loss; fit options from params or defaults; the global generator is left alone; errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeMoons } from "../src/data/datasets/synthetic.js";
import { stratifiedKFold } from "../src/data/splits.js";
import { Generator, getDefaultGenerator, manualSeed } from "../src/random.js";
import { Trainer } from "../src/train/trainer.js";
import { GridSearch } from "../src/search/grid-search.js";
import { RandomSearch } from "../src/search/random-search.js";
import { CV_LANE, REFIT_LANE, TrialError } from "../src/search/search-core.js";
import { choice, logUniform, uniform } from "../src/search/spaces.js";
import { deriveSeed } from "../src/search/trial.js";
import type { SearchResult } from "../src/search/results.js";
import { makeMlp, type MlpParams } from "./search-factory.js";

const { x, y } = makeMoons({ nSamples: 64, noise: 0.2, seed: 0 });
const factoryRef = { module: new URL("./search-factory.ts", import.meta.url), export: "makeMlp" };
const noTimes = (rows: SearchResult[]) => rows.map(({ meanFitTime, stdFitTime, fitTimes, meanScoreTime, ...r }) => r);
const flat = (m: { stateDict(): Record<string, { toFlatArray(): number[] }> }) => Object.values(m.stateDict()).map((t) => t.toFlatArray());

/** What one trial does, by hand: seed, build, fit on the train rows, accuracy on the test rows. */
async function manualTrial(p: MlpParams & { epochs?: number; batchSize?: number }, seed: number, train: number[], test: number[]) {
  manualSeed(seed);
  const built = makeMlp(p);
  const trainer = new Trainer(built.model, built);
  await trainer.fit(x.indexSelect(0, train), y.indexSelect(0, train), { epochs: p.epochs, batchSize: p.batchSize, seed, verbose: 0 });
  return { trainer, model: built.model, score: (await trainer.evaluate(x.indexSelect(0, test), y.indexSelect(0, test))).accuracy! };
}

test("a factory module on 2 worker threads = the factory function in-process; fold scores and refit = manual runs", async () => {
  // The decks' tunables for a model: depth and widths, activation, dropout, L2, learning rate, epochs, batch size.
  const grid = [
    { hidden: [[4], [8, 8]], activation: ["tanh"], dropout: [0, 0.2], l2: [1e-4], lr: [0.05], epochs: [3], batchSize: [16] },
    { hidden: [[4]], lr: [0.05], fail: [true] },
  ];
  manualSeed(123);
  const before = getDefaultGenerator().getState();
  const inProcess = await new GridSearch(makeMlp, grid, { cv: 2, randomState: 4, nJobs: 1 }).fit(x, y);
  assert.deepEqual(getDefaultGenerator().getState(), before, "the global generator is restored");
  const workers = await new GridSearch(factoryRef, grid, { cv: 2, randomState: 4, nJobs: 2 }).fit(x, y);
  assert.equal(workers.nJobsUsed, 2);
  assert.deepEqual(noTimes(workers.cvResults), noTimes(inProcess.cvResults));
  assert.equal(workers.scoring, "accuracy");
  assert.equal(inProcess.cvResults.length, 5);
  const failed = workers.cvResults.at(-1)!;
  assert.deepEqual(failed.params, { fail: true, hidden: [4], lr: 0.05 });
  assert.match(failed.errors[0]!.message, /^RangeError: makeMlp: asked to fail$/);

  // Fold scores by hand: stratified folds (y is int32 labels) from the CV lane, trial seeds from (seed, candidate, fold).
  const folds = stratifiedKFold(y, { nSplits: 2, shuffle: true, generator: new Generator(deriveSeed(4, CV_LANE, 0)) });
  for (const r of inProcess.cvResults.slice(0, 4)) {
    const scores = [];
    for (const [f, { train, test }] of folds.entries()) scores.push((await manualTrial(r.params as unknown as MlpParams, deriveSeed(4, r.candidate, f), train, test)).score);
    assert.deepEqual(r.foldScores, scores, JSON.stringify(r.params));
  }
  // The refit model: the best params on all rows with the refit seed; bestTrainer evaluates it.
  const all = Array.from({ length: 64 }, (_, i) => i);
  const ref = await manualTrial(workers.bestParams as unknown as MlpParams, deriveSeed(4, workers.bestIndex, REFIT_LANE), all, all);
  assert.deepEqual(flat(workers.bestModel!), flat(ref.model));
  assert.equal((await workers.bestTrainer!.evaluate(x, y)).accuracy, ref.score);
  assert.equal(workers.bestEstimator, undefined);
});

test("scoring: the Trainer's first metric by default, 'loss' negated as negLoss, other metric names; fitOptions as defaults", async () => {
  const grid = { hidden: [[4]], lr: [0.05, 0.2] };
  const loss = await new GridSearch(makeMlp, grid, { validationFraction: 0.25, randomState: 1, scoring: "loss", fitOptions: { epochs: 2, batchSize: 8 } }).fit(x, y);
  assert.equal(loss.scoring, "negLoss");
  assert.ok(loss.cvResults.every((r) => r.meanScore < 0));
  // By hand: the held-out split from the CV lane, epochs and batch size from fitOptions.
  const g = new Generator(deriveSeed(1, CV_LANE, 0));
  const { trainTestSplitIndices } = await import("../src/data/splits.js");
  const { train, test } = trainTestSplitIndices(64, { testSize: 0.25, stratify: y.toFlatArray(), generator: g });
  const c0 = loss.cvResults.find((r) => r.candidate === 0)!;
  const m = await manualTrial({ hidden: [4], lr: 0.05, epochs: 2, batchSize: 8 }, deriveSeed(1, 0, 0), train, test);
  assert.equal(c0.foldScores[0], -(await m.trainer.evaluate(x.indexSelect(0, test), y.indexSelect(0, test))).loss!);

  const f1 = await new GridSearch(makeMlp, grid, { cv: 2, randomState: 1, scoring: "f1", refit: false, fitOptions: { epochs: 2 } }).fit(x, y);
  assert.equal(f1.scoring, "f1");
  assert.ok(f1.cvResults.every((r) => r.meanScore >= 0 && r.meanScore <= 1));
  assert.equal(f1.bestModel, undefined);
});

test("RandomSearch over a factory: continuous distributions for lr, dropout and L2; reproducible", async () => {
  const space = { hidden: choice([[4], [6, 4]]), lr: logUniform(0.01, 0.3), dropout: uniform(0, 0.3), l2: logUniform(1e-5, 1e-2), epochs: [2] };
  const a = await new RandomSearch(makeMlp, space, { nIter: 3, cv: 2, randomState: 9, refit: false }).fit(x, y);
  const b = await new RandomSearch(makeMlp, space, { nIter: 3, cv: 2, randomState: 9, refit: false }).fit(x, y);
  assert.deepEqual(noTimes(a.cvResults), noTimes(b.cvResults));
  assert.equal(a.cvResults.length, 3);
  for (const r of a.cvResults) assert.ok((r.params.lr as number) >= 0.01 && (r.params.lr as number) < 0.3);
});

test("factory errors: a function cannot go to workers; a bad export; a bad return value; 'raise' names the params; x must be a Tensor", async () => {
  await assert.rejects(new GridSearch(makeMlp, { hidden: [[4]], lr: [0.1] }, { nJobs: 2 }).fit(x, y), /a factory function cannot be sent to a worker; pass \{ module: path, export: name \}/);
  await assert.rejects(new GridSearch({ ...factoryRef, export: "nope" }, { lr: [0.1] }).fit(x, y), /search-factory\.ts has no export "nope" that is a model factory function \(exports: makeMlp\)/);
  const bad = await new GridSearch(() => ({ net: 1 }) as never, { a: [1, 2] }, { cv: 2, randomState: 0, errorScore: -1, refit: false }).fit(x, y).catch((e: Error) => e);
  assert.ok(bad instanceof Error && /all 4 fits failed.*the model factory must return \{ model: Module, optimizer, loss, metrics\? \}, got object with keys net/.test(bad.message), String(bad));
  await assert.rejects(new GridSearch(makeMlp, { hidden: [[4]], lr: [0.1], fail: [false, true] }, { cv: 2, errorScore: "raise", fitOptions: { epochs: 1 } }).fit(x, y), (e: unknown) => {
    assert.ok(e instanceof TrialError);
    assert.deepEqual(e.params, { fail: true, hidden: [4], lr: 0.1 });
    return true;
  });
  await assert.rejects(new GridSearch(makeMlp, { lr: [0.1] }).fit([[1, 2]] as never, y), /a model factory trains with a Trainer, so x must be a Tensor/);
  await assert.rejects(new GridSearch(makeMlp, { hidden: [[4]], lr: [0.1] }, { scoring: "nope", cv: 2, errorScore: "raise", fitOptions: { epochs: 1 } }).fit(x, y), /getMetric: unknown metric "nope"/);
});
