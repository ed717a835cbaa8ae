// Metrics against scikit-learn 1.2 (test/fixtures/metrics.json, written by tools/make_metrics_fixtures.py):
// every one-shot function on every case, then the streaming metric objects fed the same data in uneven
// batches (they must give the one-shot value), then hand-checked maths and the error messages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tensor } from "../src/ops/creation.js";
import { slice } from "../src/ops/movement.js";
import type { Tensor } from "../src/tensor.js";
import type { DType } from "../src/dtype.js";
import { IndexError, ShapeError, ValueError } from "../src/errors.js";
import * as metrics from "../src/metrics/index.js";
import {
  Accuracy, AUC, BinaryAccuracy, CategoricalAccuracy, ConfusionMatrix, F1Score, FBetaScore, Mean, MeanAbsoluteError,
  MeanSquaredError, Metric, Precision, R2Score, Recall, TopKAccuracy, getMetric, metricNames,
} from "../src/metrics/index.js";

interface Packed { values: number[]; shape: number[]; dtype: DType }
interface Case { name: string; fn: string; pred: Packed; target: Packed; opts: Record<string, unknown>; expected: number | number[] | number[][] }
const fixture = JSON.parse(readFileSync(new URL("./fixtures/metrics.json", import.meta.url), "utf8")) as { cases: Case[] };
const mk = (p: Packed): Tensor => tensor(p.values, { dtype: p.dtype }).reshape(p.shape);
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);

/** Runs the one-shot function a case names. */
function oneShot(c: Case, pred: Tensor, target: Tensor): number | Tensor {
  const { k, beta, ...opts } = c.opts as { k?: number; beta?: number };
  const m = metrics as unknown as Record<string, (...a: unknown[]) => number | Tensor>;
  if (c.fn === "topKAccuracy") return m.topKAccuracy!(pred, target, k);
  if (c.fn === "fbetaScore") return m.fbetaScore!(pred, target, beta, opts);
  const f = m[c.fn];
  assert.ok(f, `no metric named ${c.fn}`);
  return f(pred, target, opts);
}

function assertClose(got: number | Tensor, want: Case["expected"], tol: number, msg: string): void {
  const g = typeof got === "number" ? [got] : got.toFlatArray();
  const w = flat(want);
  assert.equal(g.length, w.length, `${msg}: ${g.length} values, expected ${w.length}`);
  g.forEach((x, i) => assert.ok(Math.abs(x - w[i]!) <= tol * (1 + Math.abs(w[i]!)), `${msg}: element ${i} is ${x}, scikit-learn says ${w[i]}`));
}

const tolOf = (c: Case) => (c.fn.startsWith("mean") || c.fn === "r2Score") && c.pred.dtype === "float32" ? 1e-6 : 1e-12;

test("the fixture covers every metric", () => {
  const fns = new Set(fixture.cases.map((c) => c.fn));
  for (const f of ["accuracy", "binaryAccuracy", "categoricalAccuracy", "topKAccuracy", "precision", "recall", "f1Score", "fbetaScore",
    "confusionMatrix", "rocAuc", "meanSquaredError", "meanAbsoluteError", "r2Score"]) assert.ok(fns.has(f), f);
  assert.ok(fixture.cases.length >= 100);
});

for (const c of fixture.cases) {
  test(`sklearn: ${c.name}`, () => {
    const got = oneShot(c, mk(c.pred), mk(c.target));
    if (c.fn === "confusionMatrix") {
      assert.equal((got as Tensor).dtype, "int32");
      assert.deepEqual((got as Tensor).toArray(), c.expected);
    } else assertClose(got, c.expected, tolOf(c), c.name);
  });
}

/** The streaming metric for a fixture case, or null where there is none (per-class "none" results). */
function streamingFor(c: Case): Metric<number> | Metric<Tensor> | null {
  const o = c.opts as Record<string, never>;
  switch (c.fn) {
    case "accuracy": return new Accuracy(o);
    case "binaryAccuracy": return new BinaryAccuracy(o);
    case "categoricalAccuracy": return new CategoricalAccuracy();
    case "topKAccuracy": return new TopKAccuracy(o);
    case "precision": return o.average === "none" ? null : new Precision(o);
    case "recall": return o.average === "none" ? null : new Recall(o);
    case "f1Score": return o.average === "none" ? null : new F1Score(o);
    case "fbetaScore": return new FBetaScore(o);
    case "confusionMatrix": return new ConfusionMatrix(o);
    case "rocAuc": return new AUC(o);
    case "meanSquaredError": return o.multioutput === "rawValues" ? null : new MeanSquaredError();
    case "meanAbsoluteError": return o.multioutput === "rawValues" ? null : new MeanAbsoluteError();
    case "r2Score": return o.multioutput === "rawValues" ? null : new R2Score(o);
  }
  return null;
}

test("streaming metrics over uneven batches equal scikit-learn's one-shot values", () => {
  let checked = 0;
  for (const c of fixture.cases) {
    const m = streamingFor(c);
    if (!m) continue;
    const pred = mk(c.pred), target = mk(c.target);
    const N = pred.shape[0]!;
    // two passes: the second after reset() must give the same value again
    for (let pass = 0; pass < 2; pass++) {
      m.reset();
      for (let s = 0, b = 1; s < N; s += b, b = (b * 3) % 11 + 1) m.update(slice(pred, 0, s, Math.min(N, s + b)), slice(target, 0, s, Math.min(N, s + b)));
      const got = m.result();
      if (c.fn === "confusionMatrix") {
        // the streaming matrix grows to the largest label seen; compare on the overlap and require zeros elsewhere
        const want = c.expected as number[][];
        const g = (got as Tensor).toArray() as number[][];
        const K = Math.max(g.length, want.length);
        for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) assert.equal(g[i]?.[j] ?? 0, want[i]?.[j] ?? 0, `${c.name} [${i},${j}]`);
      } else assertClose(got as number, c.expected, tolOf(c) * 10, `streaming ${c.name}`);
    }
    checked++;
  }
  assert.ok(checked >= 60, `only ${checked} streaming cases`);
});

test("streaming metrics report NaN before any update, and reset() forgets", () => {
  for (const name of metricNames()) {
    const m = getMetric(name);
    assert.ok(Number.isNaN(m.result()), name);
  }
  const acc = new Accuracy();
  acc.update(tensor([[0.2, 0.8]]), tensor([0], { dtype: "int32" }));
  assert.equal(acc.result(), 0);
  acc.reset();
  acc.update(tensor([[0.2, 0.8]]), tensor([1], { dtype: "int32" }));
  assert.equal(acc.result(), 1);
});

test("Mean: weighted running mean; batch means weighted by batch size give the sample mean", () => {
  const m = new Mean("loss");
  m.update(tensor([1, 2, 3]));
  m.update(10, 2);
  assert.equal(m.result(), 26 / 5);
  m.update(tensor([4, 4]), tensor([0, 1]));
  assert.equal(m.result(), 30 / 6);
  m.reset();
  assert.ok(Number.isNaN(m.result()));
  // losses of batches of 4, 4, 2 samples: the epoch mean is over the 10 samples
  const perSample = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  for (const [s, e] of [[0, 4], [4, 8], [8, 10]] as const) {
    const batch = perSample.slice(s, e);
    m.update(batch.reduce((a, b) => a + b, 0) / batch.length, batch.length);
  }
  assert.equal(m.result(), 5.5);
  assert.throws(() => m.update(tensor([1, 2]), tensor([1, 2, 3])), ShapeError);
  assert.throws(() => m.update(1, -1), ValueError);
});

test("hand-checked values (the documented examples)", () => {
  const i32 = (a: number[]) => tensor(a, { dtype: "int32" });
  assert.equal(metrics.binaryAccuracy(tensor([0.9, 0.2, 0.6, 0.4]), tensor([1, 0, 0, 0])), 0.75);
  assert.equal(metrics.binaryAccuracy(tensor([0.5, 0.51]), tensor([0, 1])), 1, "0.5 is not above the threshold (Keras)");
  assert.equal(metrics.categoricalAccuracy(tensor([[2, 1, 0], [0, 3, 1], [1, 0, 4]]), i32([0, 2, 2])), 2 / 3);
  assert.equal(metrics.categoricalAccuracy(tensor([[1, 1, 0]]), i32([0])), 1, "ties go to the first maximum");
  assert.equal(metrics.topKAccuracy(tensor([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]]), i32([1, 0]), 2), 0.5);
  assert.equal(metrics.topKAccuracy(tensor([[0.5, 0.3, 0.2]]), i32([2]), 3), 1);
  assert.equal(metrics.topKAccuracy(tensor([[0.5, 0.3, 0.2]]), i32([2]), 7), 1, "k beyond C counts every row");
  assert.deepEqual(metrics.confusionMatrix(i32([0, 2, 1, 2]), i32([0, 1, 1, 2])).toArray(), [[1, 0, 0], [0, 1, 1], [0, 0, 1]]);
  assert.equal(metrics.precision(i32([1, 1, 0, 1]), i32([1, 0, 0, 1])), 2 / 3);
  assert.equal(metrics.recall(i32([1, 1, 0, 1]), i32([1, 0, 0, 1])), 1);
  assert.ok(Math.abs(metrics.f1Score(i32([1, 1, 0, 1]), i32([1, 0, 0, 1])) - 0.8) < 1e-15);
  assert.ok(Math.abs(metrics.fbetaScore(i32([1, 1, 0, 1]), i32([1, 0, 0, 1]), 2) - 10 / 11) < 1e-15);
  assert.equal(metrics.recall(i32([0, 2, 1, 2]), i32([0, 1, 1, 2]), { average: "macro" }), 2.5 / 3);
  const perClass = metrics.precision(i32([0, 2, 1, 2]), i32([0, 1, 1, 2]), { average: "none" });
  assert.deepEqual(perClass.toFlatArray(), [1, 1, 0.5]);
  assert.equal(perClass.dtype, "float64");
  assert.equal(metrics.rocAuc(tensor([0.1, 0.4, 0.35, 0.8]), tensor([0, 0, 1, 1])), 0.75);
  assert.equal(metrics.rocAuc(tensor([0.1, 0.4, 0.4, 0.8]), tensor([0, 0, 1, 1])), 0.875, "a tie counts one half");
  assert.equal(metrics.meanSquaredError(tensor([2.5, 0, 2, 8]), tensor([3, -0.5, 2, 7])), 0.375);
  assert.equal(metrics.meanAbsoluteError(tensor([2.5, 0, 2, 8]), tensor([3, -0.5, 2, 7])), 0.5);
  assert.ok(Math.abs(metrics.r2Score(tensor([2.5, 0, 2, 8]), tensor([3, -0.5, 2, 7])) - 0.9486081370449679) < 1e-12);
  assert.ok(Number.isNaN(metrics.r2Score(tensor([1]), tensor([2]))), "R² needs two samples");
  // requiresGrad predictions are read as they are (metrics are not differentiable)
  const p = tensor([0.9, 0.1], { requiresGrad: true });
  assert.equal(metrics.binaryAccuracy(p.mul(1), tensor([1, 0])), 1);
});

test("R2Score streaming stays exact where Σy² − (Σy)²/n would cancel", () => {
  const y = Array.from({ length: 50 }, (_, i) => 1e8 + (i % 7));
  const p = y.map((v, i) => v + ((i % 3) - 1));
  const want = metrics.r2Score(tensor(p, { dtype: "float64" }), tensor(y, { dtype: "float64" }));
  const r2 = new R2Score();
  for (let s = 0; s < 50; s += 8) r2.update(tensor(p.slice(s, s + 8), { dtype: "float64" }), tensor(y.slice(s, s + 8), { dtype: "float64" }));
  assert.ok(Math.abs(r2.result() - want) < 1e-9, `${r2.result()} vs ${want}`);
});

test("getMetric: names, objects, unknown names", () => {
  const m = getMetric("accuracy");
  m.update(tensor([[0.9, 0.1]]), tensor([0], { dtype: "int32" }));
  assert.equal(m.name, "accuracy");
  assert.equal(m.result(), 1);
  const f1 = new F1Score({ average: "macro" });
  assert.equal(getMetric(f1), f1);
  assert.equal(getMetric("f1").name, "f1");
  assert.equal(new F1Score({ average: "macro", name: "f1Macro" }).name, "f1Macro");
  assert.throws(() => getMetric("acuracy"), /unknown metric "acuracy".*accuracy/);
  assert.throws(() => getMetric("toString"), ValueError);
});

test("errors name the op, the argument, the values and a fix", () => {
  const i32 = (a: number[]) => tensor(a, { dtype: "int32" });
  // shape mismatches
  assert.throws(() => metrics.binaryAccuracy(tensor([0.1, 0.2, 0.3]), tensor([1, 0])), (e: Error) => e instanceof ShapeError && /binaryAccuracy: pred has shape \[3\] but target has shape \[2\]/.test(e.message));
  assert.throws(() => metrics.meanSquaredError(tensor([[1, 2]]), tensor([1, 2])), ShapeError, "[1,2] vs [2] must not broadcast");
  assert.throws(() => metrics.categoricalAccuracy(tensor([[0.1, 0.9]]), i32([0, 1])), /categoricalAccuracy: .*target must be labels of shape \[1\] or one-hot of shape \[1,2\]/);
  assert.throws(() => metrics.rocAuc(tensor([[0.1, 0.2, 0.7]]), i32([0, 1])), ShapeError);
  assert.throws(() => new R2Score().update(tensor([[1, 2]]), tensor([[1]])), ShapeError);
  const mse = new MeanSquaredError();
  mse.update(tensor([[1, 2]]), tensor([[1, 2]]));
  assert.throws(() => mse.update(tensor([[1, 2, 3]]), tensor([[1, 2, 3]])), /earlier batches had 2/);
  // labels out of range / not labels
  assert.throws(() => metrics.categoricalAccuracy(tensor([[0.1, 0.9]]), i32([2])), (e: Error) => e instanceof IndexError && /label 2 at element 0, out of range for 2 classes/.test(e.message));
  assert.throws(() => metrics.confusionMatrix(i32([0, 3]), i32([0, 1]), { numClasses: 3 }), (e: Error) => e instanceof IndexError && /pred has label 3 at element 1/.test(e.message));
  assert.throws(() => new ConfusionMatrix({ numClasses: 2 }).update(i32([0]), i32([2])), IndexError);
  assert.throws(() => metrics.accuracy(i32([0, 1]), tensor([0, 1.5])), /target must hold class labels .* element 1 is 1.5/);
  assert.throws(() => metrics.accuracy(i32([0, 1]), i32([0, -1])), /element 1 is -1/);
  assert.throws(() => metrics.binaryAccuracy(tensor([0.2, 0.9]), i32([0, 2])), /target must hold 0\/1 labels, but element 1 is 2/);
  assert.throws(() => metrics.precision(tensor([0.2, 0.9]), i32([0, 2]), { average: "macro" }), /read as probabilities .* label 2 at element 1/);
  // averages and options
  assert.throws(() => metrics.precision(i32([0, 1, 2]), i32([0, 1, 2])), /3 classes \(0, 1, 2\), but average is "binary". Pass \{ average: "macro" \}/);
  assert.throws(() => metrics.recall(i32([0, 2]), i32([2, 0])), /posLabel 1 is not one of the classes present \(0, 2\)/);
  assert.throws(() => metrics.f1Score(i32([0, 1]), i32([0, 1]), { average: "mean" as never }), /unknown average "mean"/);
  assert.throws(() => metrics.f1Score(i32([0, 1]), i32([0, 1]), { zeroDivision: 2 as never }), /zeroDivision must be 0 or 1/);
  assert.throws(() => new Precision({ average: "none" as never }), /average "none" gives one value per class/);
  assert.throws(() => metrics.topKAccuracy(tensor([[0.1, 0.9]]), i32([0]), 0), /k must be a positive integer, got 0/);
  assert.throws(() => new TopKAccuracy({ k: 1.5 }), /TopKAccuracy: k must be a positive integer, got 1.5/);
  assert.throws(() => metrics.r2Score(tensor([1, 2]), tensor([1, 2]), { multioutput: "raw" as never }), /multioutput must be "uniformAverage" or "rawValues" or "varianceWeighted", got "raw"/);
  assert.throws(() => metrics.meanAbsoluteError(tensor([1, 2]), tensor([1, 2]), { multioutput: "varianceWeighted" as never }), /multioutput must be "uniformAverage" or "rawValues", got/);
  // undefined values
  assert.throws(() => metrics.rocAuc(tensor([0.2, 0.3]), tensor([1, 1])), /only one class is present in target \(no negatives among 2 samples\)/);
  assert.throws(() => metrics.rocAuc(tensor([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3]]), i32([0, 1])), /class 2 \(one-vs-rest\)/);
  assert.throws(() => metrics.rocAuc(tensor([NaN, 0.3]), tensor([1, 0])), /pred has NaN at element 0/);
  assert.throws(() => metrics.accuracy(tensor([]), tensor([])), /got 0 samples/);
  assert.throws(() => metrics.meanSquaredError(tensor([]), tensor([])), /got 0 samples/);
});
