// Search spaces: grid expansion in scikit-learn's ParameterGrid order (fixture from sklearn 1.2), indexing,
// the distributions' laws, RandomSearch's sampling (reproducible, without replacement for list-only spaces),
// and the errors for empty or malformed grids.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Generator } from "../src/random.js";
import {
  choice, expandGrid, gridAt, gridSize, intUniform, logUniform, sampleParams, sampleValue, uniform, type ParamGrid,
} from "../src/search/spaces.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/search.json", import.meta.url), "utf8")) as {
  cases: { name: string; grid: ParamGrid; expected: Record<string, unknown>[] }[];
};

test("expandGrid gives scikit-learn's ParameterGrid order (names sorted, last varying fastest, sub-grids in order)", () => {
  assert.equal(fixture.cases.length, 5);
  for (const { name, grid, expected } of fixture.cases) {
    const got = expandGrid(grid);
    assert.deepEqual(got, expected, name);
    got.forEach((p, i) => assert.deepEqual(Object.keys(p), Object.keys(expected[i]!).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), `${name} key order`));
    assert.equal(gridSize(grid), expected.length, name);
    expected.forEach((p, i) => assert.deepEqual(gridAt(grid, i), p, `${name}[${i}]`));
  }
  // Hand-checked: 3 × 2 × 2 settings; the 6th is activation relu, alpha 1e-2, [32].
  const mlp = fixture.cases.find((c) => c.name === "mlp")!;
  assert.equal(gridSize(mlp.grid), 12);
  assert.deepEqual(gridAt(mlp.grid, 5), { activation: "relu", alpha: 0.01, hiddenLayerSizes: [32] });
  assert.deepEqual(expandGrid({ a: choice([1, 2]) }), [{ a: 1 }, { a: 2 }]);
});

test("grid errors: empty grid, a parameter without values, a bare value, a continuous distribution, out of range", () => {
  assert.throws(() => expandGrid([]), /the parameter grid is empty/);
  assert.throws(() => expandGrid({ alpha: [] }), /parameter "alpha" has no candidate values/);
  assert.throws(() => expandGrid({ alpha: 0.1 } as never), /parameter "alpha" needs an array of candidate values, got 0.1\. Wrap a single value in an array: alpha: \[0.1\]/);
  assert.throws(() => expandGrid({ lr: logUniform(1e-4, 1e-1) }), /"lr" is logUniform\(0.0001, 0.1\), which a grid cannot enumerate; list the values .* or use RandomSearch/);
  assert.throws(() => gridAt({ a: [1, 2] }, 2), /index 2 is out of range for a grid of 2 settings/);
  assert.throws(() => expandGrid([{ a: [1] }, 3] as never), /entry 1 is 3/);
});

test("distributions: bounds, inclusiveness and laws", () => {
  const g = new Generator(123);
  const n = 4000;
  const u = Array.from({ length: n }, () => sampleValue(uniform(-1, 3), g) as number);
  assert.ok(u.every((v) => v >= -1 && v < 3));
  assert.ok(Math.abs(u.reduce((a, b) => a + b, 0) / n - 1) < 0.06, "mean of uniform(-1, 3) ≈ 1");
  // log-uniform on [1e-4, 1): each decade has probability 1/4.
  const l = Array.from({ length: n }, () => sampleValue(logUniform(1e-4, 1), g) as number);
  assert.ok(l.every((v) => v >= 1e-4 && v < 1));
  for (let d = 0; d < 4; d++) {
    const share = l.filter((v) => v >= 10 ** (d - 4) && v < 10 ** (d - 3)).length / n;
    assert.ok(Math.abs(share - 0.25) < 0.03, `decade ${d}: ${share}`);
  }
  const k = Array.from({ length: n }, () => sampleValue(intUniform(2, 5), g) as number);
  assert.deepEqual([...new Set(k)].sort(), [2, 3, 4, 5], "both ends included");
  for (const v of [2, 3, 4, 5]) assert.ok(Math.abs(k.filter((x) => x === v).length / n - 0.25) < 0.03);
  const c = Array.from({ length: 300 }, () => sampleValue(choice(["relu", "tanh", "logistic"]), g));
  assert.deepEqual([...new Set(c)].sort(), ["logistic", "relu", "tanh"]);
  assert.throws(() => uniform(1, 1), /uniform: needs finite low < high, got low=1, high=1/);
  assert.throws(() => logUniform(0, 1), /logUniform: low must be > 0/);
  assert.throws(() => intUniform(1.5, 3), /intUniform: needs integers low ≤ high/);
  assert.throws(() => choice([]), /choice: values must be a non-empty array/);
});

test("sampleParams: the same generator seed draws the same settings; names drawn in sorted order; JSON distributions work", () => {
  const space = { width: intUniform(8, 64), lr: logUniform(1e-4, 1e-1), activation: ["relu", "tanh"], dropout: { type: "uniform", low: 0, high: 0.5 } as const };
  const a = sampleParams(space, 6, new Generator(7)).params;
  const b = sampleParams(space, 6, new Generator(7)).params;
  const c = sampleParams(space, 6, new Generator(8)).params;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(a.length, 6);
  for (const p of a) {
    assert.deepEqual(Object.keys(p), ["activation", "dropout", "lr", "width"]);
    assert.ok(Number.isInteger(p.width) && (p.width as number) >= 8 && (p.width as number) <= 64);
  }
  // The draw order is the sorted names, one setting after another, from the one generator.
  const g = new Generator(7);
  const first = { activation: ["relu", "tanh"][g.randint(0, 2)], dropout: 0.5 * g.random(), lr: Math.exp(Math.log(1e-4) + (Math.log(1e-1) - Math.log(1e-4)) * g.random()), width: g.randint(8, 65) };
  assert.deepEqual(a[0], first);
  assert.throws(() => sampleParams({ lr: { type: "logUniform", low: -1, high: 1 } as never }, 2, new Generator(0)), /parameter "lr": logUniform: low must be > 0/);
  assert.throws(() => sampleParams({ lr: 0.1 } as never, 2, new Generator(0)), /must be an array of values or a distribution/);
  assert.throws(() => sampleParams({ lr: [0.1] }, 0, new Generator(0)), /nIter must be an integer ≥ 1, got 0/);
});

test("sampleParams over lists only: distinct settings without replacement, capped at the grid size with a warning", () => {
  const grid = { a: [1, 2, 3], b: ["x", "y"] };
  const r = sampleParams(grid, 4, new Generator(0));
  assert.equal(r.warning, null);
  assert.equal(new Set(r.params.map((p) => JSON.stringify(p))).size, 4);
  const all = sampleParams(grid, 10, new Generator(0));
  assert.equal(all.params.length, 6);
  assert.match(all.warning!, /only 6 settings, fewer than nIter=10/);
  assert.deepEqual(new Set(all.params.map((p) => JSON.stringify(p))), new Set(expandGrid(grid).map((p) => JSON.stringify(p))));
  // A list of sub-spaces: each draw picks one of them.
  const subs = sampleParams([{ solver: ["lbfgs"], alpha: uniform(0, 1) }, { solver: ["adam"], lr: logUniform(1e-3, 1e-1) }], 40, new Generator(1)).params;
  assert.ok(subs.some((p) => p.solver === "lbfgs") && subs.some((p) => p.solver === "adam"));
  for (const p of subs) assert.deepEqual(Object.keys(p), p.solver === "lbfgs" ? ["alpha", "solver"] : ["lr", "solver"]);
});
