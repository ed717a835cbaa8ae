// Scalers and encoders against scikit-learn 1.2 (test/fixtures/data/sklearn.json, tools/make_data_fixtures.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tensor } from "../src/ops/creation.js";
import type { Tensor } from "../src/tensor.js";
import { StandardScaler } from "../src/data/preprocessing/standard-scaler.js";
import { MinMaxScaler } from "../src/data/preprocessing/min-max-scaler.js";
import { OneHotEncoder } from "../src/data/preprocessing/one-hot-encoder.js";
import { LabelEncoder } from "../src/data/preprocessing/label-encoder.js";
import { preprocessorFromJSON } from "../src/data/preprocessing/serialize.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/data/sklearn.json", import.meta.url), "utf8"));
const nan = (v: number | null) => (v === null ? NaN : v);
const mat = (rows: (number | null)[][], dtype: "float32" | "float64" = "float64") => tensor(rows.map((r) => r.map(nan)), { dtype });

function close(actual: ArrayLike<number>, expected: ArrayLike<number | null>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const e = nan(expected[i]!), a = actual[i]!;
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
    else assert.ok(Math.abs(a - e) <= tol * (1 + Math.abs(e)), `${what}[${i}]: ${a} vs scikit-learn ${e}`);
  }
}
const flat = (t: Tensor) => Array.from(t.dataSync());

test("StandardScaler equals scikit-learn: mean, var, scale (constant column → 1), NaN ignored in fit", () => {
  const x = mat(fx.X);
  const s = new StandardScaler().fit(x);
  close(s.mean, fx.standard.mean, 1e-8, "mean");
  close(s.var, fx.standard.var, 1e-8, "var");
  close(s.scale, fx.standard.scale, 1e-8, "scale");
  assert.deepEqual(s.nSamplesSeen, fx.standard.nSamplesSeen);
  close(flat(s.transform(x)), fx.standard.transform.flat(), 1e-8, "transform");
  close(flat(s.transform(mat(fx.Xnew))), fx.standard.transformNew.flat(), 1e-8, "transform(new)");
  close(flat(s.inverseTransform(s.transform(x))), fx.X.flat(), 1e-9, "inverse");
  // float32 input keeps float32 and matches to float32 precision
  const z32 = s.transform(mat(fx.X, "float32"));
  assert.equal(z32.dtype, "float32");
  close(flat(z32), fx.standard.transform.flat(), 1e-5, "transform f32");
  const noMean = new StandardScaler({ withMean: false }).fit(x);
  close(flat(noMean.transform(mat(fx.Xnew))), fx.Xnew.flat().map((v: number, i: number) => v / fx.standard.scale[i % 4]), 1e-8, "withMean false");
});

test("MinMaxScaler equals scikit-learn, including featureRange and clip", () => {
  const x = mat(fx.X);
  const s = new MinMaxScaler().fit(x);
  close(s.dataMin, fx.minmax.dataMin, 1e-12, "dataMin");
  close(s.dataMax, fx.minmax.dataMax, 1e-12, "dataMax");
  close(s.scale, fx.minmax.scale, 1e-8, "scale");
  close(s.min, fx.minmax.min, 1e-8, "min");
  close(flat(s.transform(x)), fx.minmax.transform.flat(), 1e-8, "transform");
  close(flat(s.transform(mat(fx.Xnew))), fx.minmax.transformNew.flat(), 1e-8, "transform(new)");
  close(flat(s.inverseTransform(s.transform(mat(fx.Xnew)))), fx.Xnew.flat(), 1e-9, "inverse");
  const r = new MinMaxScaler({ featureRange: [-1, 2] }).fit(x);
  close(flat(r.transform(mat(fx.Xnew))), fx.minmaxRange.transformNew.flat(), 1e-8, "range [-1, 2]");
  const clipped = new MinMaxScaler({ clip: true }).fit(x).transform(mat(fx.Xnew));
  assert.ok(flat(clipped).every((v) => v >= 0 && v <= 1));
  assert.throws(() => new MinMaxScaler({ featureRange: [1, 0] }), /min < max/);
});

test("scalers: errors name the problem; toJSON/fromJSON round trip (NaN survives as null)", () => {
  const x = mat(fx.X);
  assert.throws(() => new StandardScaler().transform(x), /not fitted yet; call fit/);
  assert.throws(() => new StandardScaler().fit(tensor([1, 2, 3])), /x.reshape\(\[-1, 1\]\)/);
  const s = new StandardScaler().fit(x);
  assert.throws(() => s.transform(tensor([[1, 2]])), /x has 2 features but the transformer was fitted on 4/);
  for (const p of [s, new MinMaxScaler({ featureRange: [-1, 2], clip: true }).fit(x)]) {
    const json = JSON.parse(JSON.stringify(p));
    const back = preprocessorFromJSON(json) as StandardScaler | MinMaxScaler;
    assert.equal(back.constructor, p.constructor);
    assert.deepEqual(flat(back.transform(mat(fx.Xnew))), flat(p.transform(mat(fx.Xnew))));
  }
  const withNan = new StandardScaler().fit(tensor([[NaN], [NaN]], { dtype: "float64" }));
  assert.ok(Number.isNaN(StandardScaler.fromJSON(JSON.parse(JSON.stringify(withNan))).mean[0]!));
  assert.throws(() => preprocessorFromJSON({ type: "Nope" }), /unknown preprocessor type "Nope"; known: StandardScaler/);
  assert.throws(() => StandardScaler.fromJSON({ type: "StandardScaler", mean: "x" }), /field "scale" must be an array of numbers/);
});

test("OneHotEncoder equals scikit-learn: sorted categories, output, feature names, inverse, unknowns", () => {
  const { input, categories, transform, names } = fx.oneHot;
  const enc = new OneHotEncoder().fit(input);
  assert.deepEqual(enc.categories, categories);
  assert.deepEqual(enc.transform(input).toArray(), transform);
  assert.deepEqual(enc.getFeatureNamesOut(["color", "size"]), names);
  assert.deepEqual(enc.inverseTransform(tensor(transform)), input);
  assert.throws(() => enc.transform([["purple", 1]]), /feature 0, row 0 has the unknown category "purple".*handleUnknown: "ignore"/);
  const ign = new OneHotEncoder({ handleUnknown: "ignore" }).fit(input);
  assert.deepEqual(ign.transform([["purple", 3]]).toArray(), [[0, 0, 0, 0, 0, 1]]);
  assert.deepEqual(ign.inverseTransform(ign.transform([["purple", 3]])), [[null, 3]]);
  // numeric tensor input
  const num = new OneHotEncoder().fit(tensor([[2], [0], [2]]));
  assert.deepEqual(num.transform(tensor([[0], [2]])).toArray(), [[1, 0], [0, 1]]);
  const back = OneHotEncoder.fromJSON(JSON.parse(JSON.stringify(enc)));
  assert.deepEqual(back.transform(input).toArray(), transform);
  assert.throws(() => new OneHotEncoder().fit([["a", 1], [2, 1]]), /mixes numbers and strings/);
});

test("LabelEncoder equals scikit-learn; unknown labels and bad ids are named", () => {
  const { input, classes, transform } = fx.label;
  const enc = new LabelEncoder().fit(input);
  assert.deepEqual(enc.classes, classes);
  const ids = enc.transform(input);
  assert.equal(ids.dtype, "int32");
  assert.deepEqual(ids.toArray(), transform);
  assert.deepEqual(enc.inverseTransform(ids), input);
  assert.throws(() => enc.transform(["rose"]), /label "rose" \(position 0\) was not seen by fit/);
  assert.throws(() => enc.inverseTransform([3]), /id 3 \(position 0\) is not in 0..2/);
  const num = new LabelEncoder().fit(tensor([10, 5, 10, 7]));
  assert.deepEqual(num.classes, [5, 7, 10]);
  assert.deepEqual(num.transform(tensor([7, 10])).toArray(), [1, 2]);
  assert.deepEqual((preprocessorFromJSON(JSON.parse(JSON.stringify(enc))) as LabelEncoder).classes, classes);
});
