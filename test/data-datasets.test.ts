// Built-in datasets: embedded tables equal scikit-learn's; synthetic sets have scikit-learn's geometry and are seeded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadIris } from "../src/data/datasets/iris.js";
import { loadDigits } from "../src/data/datasets/digits.js";
import { makeCircles, makeGaussians, makeMoons, makeMoonsW4, makeRegressionPlane, makeSpirals, makeXor, mulberry32 } from "../src/data/datasets/synthetic.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/data/sklearn.json", import.meta.url), "utf8"));
const approx = (a: number[], b: number[], tol: number, what: string) =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `${what}[${i}]: ${v} vs ${b[i]}`));
const counts = (y: number[], k: number) => Array.from({ length: k }, (_, c) => y.filter((v) => v === c).length);

test("loadIris equals scikit-learn's load_iris: shape, column sums, rows, names", () => {
  const { x, y, featureNames, targetNames, description } = loadIris();
  assert.deepEqual(x.shape, fx.iris.shape);
  assert.equal(x.dtype, "float32");
  assert.equal(y.dtype, "int32");
  const cols = [0, 1, 2, 3].map((j) => x.toFlatArray().filter((_, i) => i % 4 === j).reduce((s, v) => s + v, 0));
  approx(cols, fx.iris.columnSums, 1e-3, "column sums"); // 876.5, 458.6, 563.7, 179.9
  approx((x.toArray() as number[][])[0]!, fx.iris.row0, 1e-6, "row 0");
  approx((x.toArray() as number[][])[149]!, fx.iris.row149, 1e-6, "row 149");
  assert.deepEqual(counts(y.toFlatArray(), 3), fx.iris.targetCounts);
  assert.deepEqual(featureNames, fx.iris.featureNames);
  assert.deepEqual(targetNames, fx.iris.targetNames);
  assert.match(description, /Fisher/);
});

test("loadDigits equals scikit-learn's load_digits: first row, labels, pixel sum, nClass", () => {
  const { x, y, featureNames, targetNames, description } = loadDigits();
  assert.deepEqual(x.shape, fx.digits.shape);
  assert.deepEqual((x.toArray() as number[][])[0], fx.digits.row0);
  assert.deepEqual(y.toFlatArray().slice(0, 10), fx.digits.target0to9);
  assert.equal(x.toFlatArray().reduce((s, v) => s + v, 0), fx.digits.pixelSum);
  assert.deepEqual(counts(y.toFlatArray(), 10), fx.digits.targetCounts);
  assert.equal(featureNames[9], "pixel_1_1");
  assert.equal(targetNames.length, 10);
  assert.match(description, /1797/);
  const two = loadDigits({ nClass: 2 });
  assert.deepEqual(two.x.shape, [fx.digits.nClass2, 64]);
  assert.ok(two.y.toFlatArray().every((v) => v < 2));
  assert.throws(() => loadDigits({ nClass: 11 }), /nClass must be an integer in 1..10/);
});

test("makeMoons / makeCircles without noise or shuffle equal scikit-learn's points", () => {
  const m = makeMoons({ nSamples: 7, shuffle: false });
  approx(m.x.toFlatArray(), fx.moons7.x.flat(), 1e-6, "moons");
  assert.deepEqual(m.y.toArray(), fx.moons7.y);
  const c = makeCircles({ nSamples: 9, shuffle: false, factor: 0.5 });
  approx(c.x.toFlatArray(), fx.circles9.x.flat(), 1e-6, "circles");
  assert.deepEqual(c.y.toArray(), fx.circles9.y);
});

test("synthetic sets are seeded: same seed, same data; shuffle keeps points with labels", () => {
  const a = makeMoons({ nSamples: 50, noise: 0.1, seed: 1 }), b = makeMoons({ nSamples: 50, noise: 0.1, seed: 1 });
  assert.deepEqual(a.x.toArray(), b.x.toArray());
  assert.notDeepEqual(makeMoons({ nSamples: 50, noise: 0.1, seed: 2 }).x.toArray(), a.x.toArray());
  // without noise, shuffled moons are the unshuffled points permuted, labels following
  const s = makeMoons({ nSamples: 20, seed: 3 }), u = makeMoons({ nSamples: 20, shuffle: false });
  const key = (x: number[][], y: number[]) => x.map((p, i) => `${p[0]!.toFixed(5)},${p[1]!.toFixed(5)}:${y[i]}`).sort();
  assert.deepEqual(key(s.x.toArray() as number[][], s.y.toFlatArray()), key(u.x.toArray() as number[][], u.y.toFlatArray()));
  // circles: radius 1 for class 0, factor for class 1
  const c = makeCircles({ nSamples: 40, factor: 0.3, seed: 0 });
  (c.x.toArray() as number[][]).forEach((p, i) => assert.ok(Math.abs(Math.hypot(p[0]!, p[1]!) - (c.y.toFlatArray()[i] ? 0.3 : 1)) < 1e-6));
});

test("makeMoonsW4 is WORKLOADS.md's W4 data, equal to the demo's generator", () => {
  const { x, y } = makeMoonsW4();
  // Points 0, 1 and 150 as bench/torch_bench.py's independent Python implementation computes them.
  assert.deepEqual(x.shape, [200, 2]);
  const xs = x.toFlatArray();
  approx(xs.slice(0, 4), [0.8715162, -0.0945353, 0.9383685, -0.0248553], 1e-6, "moons x[0:2]");
  approx(xs.slice(300, 302), [0.9028586, -0.4543057], 1e-6, "moons x[150]");
  assert.deepEqual(y.toFlatArray(), [...Array(100).fill(0), ...Array(100).fill(1)]);
  // mulberry32's first outputs for seed 42, computed by an independent Python port of WORKLOADS.md's reference
  const r = mulberry32(42);
  assert.deepEqual([r(), r(), r()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
});

test("makeXor, makeSpirals, makeGaussians, makeRegressionPlane: labels and geometry", () => {
  const xo = makeXor({ nSamples: 100, seed: 0 });
  (xo.x.toArray() as number[][]).forEach((p, i) => assert.equal(xo.y.toFlatArray()[i], (p[0]! > 0) !== (p[1]! > 0) ? 1 : 0));
  const sp = makeSpirals({ nSamples: 301, nClasses: 3, noise: 0, shuffle: false });
  assert.deepEqual(counts(sp.y.toFlatArray(), 3), [101, 100, 100]);
  const pts = sp.x.toArray() as number[][];
  assert.ok(Math.abs(Math.hypot(pts[100]![0]!, pts[100]![1]!) - 1) < 1e-6, "arm ends at radius 1");
  const bl = makeGaussians({ nSamples: 3000, centers: [[0, 0], [10, 10]], clusterStd: 0.5, seed: 1 });
  const yb = bl.y.toFlatArray(), xb = bl.x.toArray() as number[][];
  assert.deepEqual(counts(yb, 2), [1500, 1500]);
  const mean1 = [0, 1].map((k) => xb.filter((_, i) => yb[i] === 1).reduce((s, p) => s + p[k]!, 0) / 1500);
  approx(mean1, [10, 10], 0.05, "blob 1 mean");
  const sd0 = Math.sqrt(xb.filter((_, i) => yb[i] === 0).reduce((s, p) => s + p[0]! ** 2, 0) / 1500);
  assert.ok(Math.abs(sd0 - 0.5) < 0.03, `blob std ${sd0}`);
  assert.deepEqual(makeGaussians({ nSamples: 10, centers: 4, nFeatures: 3, seed: 0 }).centers.length, 4);
  const rp = makeRegressionPlane({ nSamples: 20, coef: [2, -1], bias: 0.5, noise: 0, seed: 0 });
  const xr = rp.x.toArray() as number[][], yr = rp.y.toFlatArray();
  xr.forEach((p, i) => assert.ok(Math.abs(yr[i]! - (2 * p[0]! - p[1]! + 0.5)) < 1e-5));
  assert.equal(makeRegressionPlane({ nFeatures: 5, seed: 0 }).coef.length, 5);
});
