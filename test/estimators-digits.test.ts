// The check: on the digits (8×8 images /16, the train/test split sklearn made, stored in the fixture),
// MLPClassifier trained from nabla's own initialization reaches scikit-learn 1.2's test accuracy within one point
// (450 test images: a point is 4.5 images) for adam, sgd and lbfgs. sklearn's number is its mean over seeds 0–2.
// Small networks and few epochs keep each fit near a second on the TS backend (the same settings on both sides).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadDigits } from "../src/data/index.js";
import { MLPClassifier } from "../src/estimators/index.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/estimators.json", import.meta.url), "utf8"));
const digits = loadDigits();
const x = digits.x.double().div(16);
const y = digits.y.toFlatArray();
const { train, test: held } = fx.data.digits as { train: number[]; test: number[] };
const [xTrain, xTest] = [x.indexSelect(0, train), x.indexSelect(0, held)];
const [yTrain, yTest] = [train.map((i) => y[i]!), held.map((i) => y[i]!)];

for (const c of fx.accuracy.filter((a: { data: string }) => a.data === "digits")) {
  test(`digits, ${c.params.solver ?? "adam"}: test accuracy within 1 point of scikit-learn's (${c.name})`, () => {
    const skMean = c.scores.reduce((s: number, v: number) => s + v, 0) / c.scores.length;
    const clf = new MLPClassifier({ ...c.params, randomState: 0 }).fit(xTrain, yTrain);
    const acc = clf.score(xTest, yTest);
    assert.ok(Math.abs(acc - skMean) <= 0.01, `nabla ${acc.toFixed(4)} vs scikit-learn ${skMean.toFixed(4)}`);
    assert.ok(clf.score(xTrain, yTrain) > 0.97);
  });
}
