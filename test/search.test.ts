// GridSearch / RandomSearch over estimators: the best setting on iris equals a brute-force loop over the same
// folds; fold scores equal scores computed by hand (exact, for a closed-form estimator); seeds make searches
// reproducible; nJobs 1 and 2 give the same table; the refit estimator is the one a manual fit gives; errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadIris } from "../src/data/datasets/iris.js";
import { kFold, stratifiedKFold, trainTestSplitIndices } from "../src/data/splits.js";
import { MLPClassifier } from "../src/estimators/mlp-classifier.js";
import { ValueError } from "../src/errors.js";
import { Generator } from "../src/random.js";
import { tensor } from "../src/ops/creation.js";
import { GridSearch } from "../src/search/grid-search.js";
import { RandomSearch } from "../src/search/random-search.js";
import { CV_LANE, REFIT_LANE, TrialError } from "../src/search/search-core.js";
import { expandGrid, intUniform, logUniform } from "../src/search/spaces.js";
import { deriveSeed } from "../src/search/trial.js";
import type { SearchResult } from "../src/search/results.js";

const { x, y } = loadIris();
const labels = y.toFlatArray();
/** The rows without the timings (which differ run to run). */
const noTimes = (rows: SearchResult[]) => rows.map(({ meanFitTime, stdFitTime, fitTimes, meanScoreTime, ...r }) => r);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** A closed-form estimator: predicts shrink · mean(y_train); score = −MSE. `fail` makes fit throw. */
class ShrunkMean {
  #p = { shrink: 1, fail: false };
  value = NaN;
  constructor(p: Partial<{ shrink: number; fail: boolean }> = {}) {
    this.setParams(p);
  }
  getParams() {
    return { ...this.#p };
  }
  setParams(p: Partial<{ shrink: number; fail: boolean }>) {
    if (p.shrink !== undefined && typeof p.shrink !== "number") throw new ValueError(`ShrunkMean: shrink must be a number, got ${JSON.stringify(p.shrink)}.`);
    Object.assign(this.#p, p);
    return this;
  }
  clone() {
    return new ShrunkMean(this.getParams());
  }
  fit(_x: unknown, y: number[]) {
    if (this.#p.fail) throw new RangeError("ShrunkMean.fit: asked to fail");
    this.value = this.#p.shrink * mean(y);
    return this;
  }
  score(_x: unknown, y: number[]) {
    return -mean(y.map((v) => (v - this.value) ** 2));
  }
}
const xr = tensor(Array.from({ length: 20 }, (_, i) => [i]));
const yr = Array.from({ length: 20 }, (_, i) => (i * 7919) % 13);

test("iris, hiddenLayerSizes × alpha: GridSearch ranks as a brute-force loop over the same stratified folds; refit = manual fit", async () => {
  const base = { solver: "lbfgs" as const, maxIter: 20, randomState: 0 };
  const grid = { hiddenLayerSizes: [[3], [12]], alpha: [1e-4, 10] };
  const search = await new GridSearch(new MLPClassifier(base), grid, { cv: 3, randomState: 1, nJobs: 1 }).fit(x, y);

  // The search's folds: stratified 3-fold, shuffled by the generator the search seed derives for CV.
  const folds = stratifiedKFold(labels, { nSplits: 3, shuffle: true, generator: new Generator(deriveSeed(1, CV_LANE, 0)) });
  let best = -1, bestMean = -Infinity;
  const means = expandGrid(grid).map((p, c) => {
    const scores = folds.map(({ train, test }) =>
      new MLPClassifier({ ...base, ...p }).fit(x.indexSelect(0, train), train.map((i) => labels[i]!)).score(x.indexSelect(0, test), test.map((i) => labels[i]!)));
    const row = search.cvResults.find((r) => r.candidate === c)!;
    assert.deepEqual(row.foldScores, scores, `candidate ${c} ${JSON.stringify(p)}`);
    if (mean(scores) > bestMean) [best, bestMean] = [c, mean(scores)];
    return mean(scores);
  });
  assert.equal(means.filter((m) => m === bestMean).length, 1, "one best setting (alpha 10, [12] with these seeds)");
  assert.equal(search.bestIndex, best);
  assert.deepEqual(search.bestParams, expandGrid(grid)[best]);
  assert.equal(search.bestScore, bestMean);
  assert.equal(search.scoring, "accuracy");
  assert.equal(search.nSplits, 3);
  // Sorted by mean score; ranks as scikit-learn's rankdata(method="min").
  const sorted = [...means].sort((a, b) => b - a);
  assert.deepEqual(search.cvResults.map((r) => r.meanScore), sorted);
  search.cvResults.forEach((r) => assert.equal(r.rank, 1 + means.filter((m) => m > r.meanScore).length));
  // The refit estimator: the best params fitted on all the data (randomState 0 is kept, as scikit-learn).
  const manual = new MLPClassifier({ ...base, ...search.bestParams }).fit(x, labels);
  assert.deepEqual(search.bestEstimator!.getParams(), manual.getParams());
  assert.deepEqual(search.bestEstimator!.coefs.map((w) => w.toFlatArray()), manual.coefs.map((w) => w.toFlatArray()));
  assert.equal(search.bestEstimator!.score(x, y), manual.score(x, labels));
  assert.ok(search.refitTime >= 0);
});

test("fold scores equal hand-computed ones: k-fold (exact, closed-form estimator), explicit folds, validationFraction", async () => {
  const grid = { shrink: [0, 0.5, 1] };
  const s = await new GridSearch(new ShrunkMean(), grid, { cv: 4, randomState: 3 }).fit(xr, yr);
  assert.equal(s.nJobsUsed, 1, "a custom estimator runs in-process");
  assert.equal(s.scoring, "score");
  const folds = kFold(20, { nSplits: 4, shuffle: true, generator: new Generator(deriveSeed(3, CV_LANE, 0)) });
  for (const r of s.cvResults) {
    const want = folds.map(({ train, test }) => {
      const m = (r.params.shrink as number) * mean(train.map((i) => yr[i]!));
      return -mean(test.map((i) => (yr[i]! - m) ** 2));
    });
    assert.deepEqual(r.foldScores, want);
    assert.equal(r.meanScore, mean(want));
    assert.equal(r.stdScore, Math.sqrt(mean(want.map((v) => (v - mean(want)) ** 2))));
  }
  assert.deepEqual(s.bestParams, { shrink: 1 });
  assert.equal(s.bestEstimator!.value, mean(yr));
  // Ties share the lower rank; the best is the first candidate among them (scikit-learn).
  const tie = await new GridSearch(new ShrunkMean(), { shrink: [0.5, 1, 1] }, { cv: 4, randomState: 3 }).fit(xr, yr);
  assert.deepEqual(tie.cvResults.map((r) => [r.candidate, r.rank]), [[1, 1], [2, 1], [0, 3]]);
  assert.equal(tie.bestIndex, 1);

  const explicit = [{ train: [0, 1, 2, 3, 4, 5], test: [6, 7] }, { train: [10, 11], test: [12, 13, 14] }];
  const e = await new GridSearch(new ShrunkMean(), { shrink: [1] }, { cv: explicit }).fit(xr, yr);
  assert.deepEqual(e.cvResults[0]!.foldScores, explicit.map(({ train, test }) => -mean(test.map((i) => (yr[i]! - mean(train.map((j) => yr[j]!))) ** 2))));

  const v = await new GridSearch(new ShrunkMean(), { shrink: [1] }, { validationFraction: 0.25, randomState: 9 }).fit(xr, yr);
  const { train, test } = trainTestSplitIndices(20, { testSize: 0.25, generator: new Generator(deriveSeed(9, CV_LANE, 0)) });
  assert.equal(v.nSplits, 1);
  assert.deepEqual(v.cvResults[0]!.foldScores, [-mean(test.map((i) => (yr[i]! - mean(train.map((j) => yr[j]!))) ** 2))]);
});

test("RandomSearch: the same randomState draws the same settings and scores; another draws others", async () => {
  const space = { hiddenLayerSizes: [[3], [6]], alpha: logUniform(1e-5, 1), maxIter: intUniform(5, 15) };
  const make = (seed: number) => new RandomSearch(new MLPClassifier({ solver: "lbfgs" }), space, { nIter: 4, cv: 2, randomState: seed, nJobs: 1, refit: false });
  const a = await make(5).fit(x, y), b = await make(5).fit(x, y), c = make(6);
  assert.deepEqual(noTimes(a.cvResults), noTimes(b.cvResults));
  assert.equal(a.cvResults.length, 4);
  assert.deepEqual([...a.cvResults].sort((p, q) => p.candidate - q.candidate).map((r) => r.params), a.sample(5));
  assert.notDeepEqual(c.sample(6), a.sample(5));
  for (const p of a.sample(5)) assert.ok((p.alpha as number) >= 1e-5 && (p.alpha as number) < 1 && Number.isInteger(p.maxIter));
  assert.equal(a.bestEstimator, undefined, "refit: false");
  // List-only spaces draw without repeats and say so when nIter exceeds the grid.
  const small = await new RandomSearch(new ShrunkMean(), { shrink: [0, 1] }, { nIter: 5, cv: 2, randomState: 0 }).fit(xr, yr);
  assert.equal(small.cvResults.length, 2);
  assert.match(small.warnings[0]!, /only 2 settings, fewer than nIter=5/);
});

test("nJobs 1 and 2 give identical results tables (per-trial seeds derived from the search seed, not from scheduling)", async () => {
  // randomState null: every fit gets the seed derived from (search seed, candidate, fold).
  const make = (nJobs: number) => new GridSearch(new MLPClassifier({ solver: "lbfgs", maxIter: 15 }), { hiddenLayerSizes: [[3], [8]], alpha: [1e-4, 0.1] }, { cv: 2, randomState: 2, nJobs });
  const one = await make(1).fit(x, y);
  const two = await make(2).fit(x, y);
  assert.equal(one.nJobsUsed, 1);
  assert.equal(two.nJobsUsed, 2);
  assert.deepEqual(noTimes(two.cvResults), noTimes(one.cvResults));
  assert.deepEqual(two.bestParams, one.bestParams);
  // The refit draws its seed from the refit lane; a manual fit with that seed gives the same weights.
  const seed = deriveSeed(2, one.bestIndex, REFIT_LANE);
  assert.equal(one.bestEstimator!.getParams().randomState, seed);
  const manual = new MLPClassifier({ solver: "lbfgs", maxIter: 15, ...one.bestParams, randomState: seed }).fit(x, labels);
  assert.deepEqual(two.bestEstimator!.coefs.map((w) => w.toFlatArray()), manual.coefs.map((w) => w.toFlatArray()));
});

test("errors: unknown parameter (names the valid ones), invalid value, empty grid, bad nJobs / cv / errorScore", async () => {
  const clf = new MLPClassifier();
  await assert.rejects(new GridSearch(clf, { alfa: [1] }).fit(x, y), /GridSearch: unknown parameter "alfa" for MLPClassifier\. Its parameters are: hiddenLayerSizes, activation, solver, alpha, /);
  await assert.rejects(new GridSearch(clf, { activation: ["relu", "rellu"] }).fit(x, y), /GridSearch: candidate 1 \{"activation":"rellu"\} is not a valid setting for MLPClassifier: MLPClassifier: activation must be one of/);
  await assert.rejects(new GridSearch(clf, []).fit(x, y), /GridSearch: the parameter grid is empty/);
  await assert.rejects(new RandomSearch(clf, { alpha: [] }).fit(x, y), /RandomSearch: parameter "alpha" has no candidate values/);
  for (const nJobs of [0, 1.5, -2, "2"]) {
    await assert.rejects(new GridSearch(clf, { alpha: [1] }, { nJobs: nJobs as number }).fit(x, y), /nJobs must be an integer ≥ 1, or -1 for every core/);
  }
  await assert.rejects(new GridSearch(new ShrunkMean(), { shrink: [1] }, { nJobs: 2 }).fit(xr, yr), /only MLPClassifier and MLPRegressor can be rebuilt from their params \(got ShrunkMean\); use nJobs: 1/);
  await assert.rejects(new GridSearch(clf, { alpha: [1] }, { cv: 1 }).fit(x, y), /cv must be an integer ≥ 2/);
  const { makeMoons } = await import("../src/data/datasets/synthetic.js");
  const moons = makeMoons({ nSamples: 20, seed: 0 });
  await assert.rejects(new GridSearch({ module: new URL("./search-factory.ts", import.meta.url), export: "makeMlp" }, { init: [function ones() {}] }, { nJobs: 2 }).fit(moons.x, moons.y), /GridSearch: candidate 0 \{"init":"\[function ones\]"\} cannot be sent to a worker thread: settings must be plain data/);
  await assert.rejects(new GridSearch(clf, { alpha: [1] }, { cv: 3, validationFraction: 0.2 }).fit(x, y), /either cv .* or validationFraction/);
  await assert.rejects(new GridSearch(clf, { alpha: [1] }, { errorScore: "ignore" as never }).fit(x, y), /errorScore must be "raise" or a number/);
  await assert.rejects(new GridSearch(clf, { alpha: [1] }, { fitOptions: { epochs: 3 } }).fit(x, y), /fitOptions applies to model factories; tune an estimator's own options instead \(e\.g\. maxIter/);
  await assert.rejects(new GridSearch(clf, { alpha: [1] }, { scoring: "f1" }).fit(x, y), /scoring applies to model factories; an estimator is scored by its score method/);
  await assert.rejects(new GridSearch(clf, { alpha: [1] }, { cv: 200 }).fit(x, y), /cannot make the validation folds: stratifiedKFold: cannot make 200 folds from 150 samples/);
  await assert.rejects(new GridSearch(clf, { alpha: [1] }).fit(x, labels.slice(1)), /x has 150 samples but y has 149/);
  await assert.rejects(new GridSearch({ fit() {} } as never, { a: [1] }).fit(x, y), /the first argument must be an estimator/);
});

test("a trial that throws: errorScore NaN (default) or a number records it; 'raise' names the params; all failing is an error", async () => {
  const grid = { shrink: [1], fail: [false, true] };
  const s = await new GridSearch(new ShrunkMean(), grid, { cv: 2, randomState: 0 }).fit(xr, yr);
  const failed = s.cvResults.find((r) => r.params.fail)!;
  assert.equal(failed.rank, 2);
  assert.ok(Number.isNaN(failed.meanScore));
  assert.deepEqual(failed.errors, [0, 1].map((fold) => ({ fold, message: "RangeError: ShrunkMean.fit: asked to fail" })));
  assert.deepEqual(s.bestParams, { fail: false, shrink: 1 });
  assert.match(s.toString(), /NaN ± NaN \(2 failed\)/);

  const n = await new GridSearch(new ShrunkMean(), grid, { cv: 2, randomState: 0, errorScore: -1000 }).fit(xr, yr);
  assert.deepEqual(n.cvResults[1]!.foldScores, [-1000, -1000]);

  await assert.rejects(new GridSearch(new ShrunkMean(), grid, { cv: 2, errorScore: "raise" }).fit(xr, yr), (e: unknown) => {
    assert.ok(e instanceof TrialError);
    assert.deepEqual(e.params, { fail: true, shrink: 1 });
    assert.match(e.message, /GridSearch: the trial with params \{"fail":true,"shrink":1\} \(candidate 1, fold 0\) failed: RangeError: ShrunkMean\.fit: asked to fail/);
    return true;
  });
  await assert.rejects(new GridSearch(new ShrunkMean(), { fail: [true] }, { cv: 2 }).fit(xr, yr), /GridSearch: all 2 fits failed\. The first, with params \{"fail":true\}, failed with: RangeError: ShrunkMean\.fit: asked to fail/);
});

test("progress: onTrial sees every trial with counts; verbose prints per candidate (1) and per trial (2); toString is the ranked table", async () => {
  const events: [number, number, number, number][] = [];
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  let s: GridSearch;
  try {
    s = await new GridSearch(new ShrunkMean(), { shrink: [0.5, 1] }, {
      cv: 2, randomState: 0, verbose: 2, onTrial: (e) => void events.push([e.candidate, e.fold, e.done, e.total]),
    }).fit(xr, yr);
  } finally {
    console.log = log;
  }
  assert.deepEqual(events, [[0, 0, 1, 4], [0, 1, 2, 4], [1, 0, 3, 4], [1, 1, 4, 4]]);
  assert.equal(lines[0], "GridSearch: fitting 2 folds for each of 2 candidates, totalling 4 fits.");
  assert.match(lines[1]!, /^\[1\/4\] candidate 0 fold 0 \{"shrink":0.5\}: score -\d+\.\d{4} \(\d+\.\d\d s\)$/);
  assert.match(lines[3]!, /^GridSearch: candidate 0 \{"shrink":0.5\}: score -\d+\.\d{4} ± \d+\.\d{4}$/);
  assert.match(lines.at(-1)!, /^GridSearch: refit \{"shrink":1\} on all 20 samples in/);
  const table = s.toString().split("\n");
  assert.match(table[0]!, /^rank  score\s+fit \(s\)  shrink$/);
  assert.match(table[1]!, /^ {3}1  -\d+\.\d{4} ± \d+\.\d{4}\s+\d+\.\d\d  1$/);
  assert.match(table[2]!, /^ {3}2  .*  0\.5$/);
  assert.equal(new GridSearch(new ShrunkMean(), { shrink: [1] }).toString(), "GridSearch (not fitted)");
});
