// nn.init: statistics of every initializer against its formula, orthogonality, gains, fans, seeding,
// and Linear's PyTorch default U(−1/√in, 1/√in).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor.js";
import { zeros } from "../src/ops/creation.js";
import { Generator, manualSeed } from "../src/random.js";
import {
  calculateFanInAndFanOut, calculateGain, constant_, kaimingNormal_, kaimingUniform_, lecunNormal_, lecunUniform_, normal_,
  ones_, orthogonal_, smallRandom_, uniform_, xavierNormal_, xavierUniform_, zeros_,
} from "../src/nn/init.js";
import { Parameter } from "../src/nn/parameter.js";
import { Linear } from "../src/nn/layers/linear.js";

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.toFlatArray();
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

/** std within 2% of theory, mean within 2% of the std from 0 (60,000 draws: sampling error ≈ 0.3%). */
function assertStd(t: Tensor, expected: number, what: string): void {
  const s = stats(t);
  assert.ok(Math.abs(s.std / expected - 1) < 0.02, `${what}: std ${s.std}, theory ${expected}`);
  assert.ok(Math.abs(s.mean) < 0.02 * expected, `${what}: mean ${s.mean}`);
}

const W = (): Parameter => new Parameter(zeros([300, 200])); // fanIn 200, fanOut 300

test("fans follow PyTorch's rule [out, in, ...k]", () => {
  assert.deepEqual(calculateFanInAndFanOut(zeros([3, 5])), [5, 3]);
  assert.deepEqual(calculateFanInAndFanOut(zeros([4, 2, 3, 3])), [18, 36]);
  assert.throws(() => calculateFanInAndFanOut(zeros([5])), /at least 2 dimensions/);
});

test("calculateGain matches PyTorch's table", () => {
  assert.equal(calculateGain("linear"), 1);
  assert.equal(calculateGain("sigmoid"), 1);
  assert.equal(calculateGain("conv2d"), 1);
  assert.equal(calculateGain("tanh"), 5 / 3);
  assert.equal(calculateGain("relu"), Math.SQRT2);
  assert.equal(calculateGain("selu"), 0.75);
  assert.equal(calculateGain("leakyRelu"), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(calculateGain("leakyRelu", Math.sqrt(5)), Math.sqrt(1 / 3));
  assert.throws(() => calculateGain("swish" as never), /unknown nonlinearity "swish"/);
});

test("uniform_, normal_, constant_, zeros_, ones_", () => {
  const u = uniform_(W(), { low: -2, high: 4 });
  const su = stats(u);
  assert.ok(su.min >= -2 && su.max < 4);
  assert.ok(Math.abs(su.mean - 1) < 0.02 && Math.abs(su.std / Math.sqrt(3) - 1) < 0.02, JSON.stringify(su));
  const n = normal_(W(), { mean: 3, std: 0.5 });
  const sn = stats(n);
  assert.ok(Math.abs(sn.mean - 3) < 0.01 && Math.abs(sn.std / 0.5 - 1) < 0.02, JSON.stringify(sn));
  const p = new Parameter(zeros([2, 2]));
  assert.equal(constant_(p, 0.25), p, "returns the same tensor, filled in place");
  assert.deepEqual(p.toFlatArray(), [0.25, 0.25, 0.25, 0.25]);
  assert.deepEqual(ones_(p).toFlatArray(), [1, 1, 1, 1]);
  assert.deepEqual(zeros_(p).toFlatArray(), [0, 0, 0, 0]);
  assert.ok(p.requiresGrad && p.isLeaf && p.grad === null);
  assert.throws(() => uniform_(p, { low: 1, high: 0 }), /need low ≤ high/);
});

test("xavier/glorot: std = gain·√(2/(fanIn+fanOut)), uniform bound gain·√(6/(fanIn+fanOut))", () => {
  const bound = Math.sqrt(6 / 500);
  const u = xavierUniform_(W());
  assert.ok(stats(u).max <= bound && stats(u).min >= -bound);
  assertStd(u, Math.sqrt(2 / 500), "xavierUniform_");
  assertStd(xavierNormal_(W()), Math.sqrt(2 / 500), "xavierNormal_");
  assertStd(xavierNormal_(W(), { gain: 5 / 3 }), (5 / 3) * Math.sqrt(2 / 500), "xavierNormal_ tanh gain");
});

test("kaiming/he: std = gain/√fan with fan mode and nonlinearity", () => {
  assertStd(kaimingNormal_(W(), { nonlinearity: "relu" }), Math.SQRT2 / Math.sqrt(200), "kaimingNormal_ relu fanIn");
  assertStd(kaimingNormal_(W(), { mode: "fanOut", nonlinearity: "relu" }), Math.SQRT2 / Math.sqrt(300), "kaimingNormal_ fanOut");
  assertStd(kaimingUniform_(W()), Math.SQRT2 / Math.sqrt(200), "kaimingUniform_ default (leakyRelu, a = 0: relu's gain)");
  const leaky = kaimingUniform_(W(), { a: 0.2, nonlinearity: "leakyRelu" });
  assertStd(leaky, Math.sqrt(2 / 1.04) / Math.sqrt(200), "kaimingUniform_ leaky 0.2");
  assert.ok(stats(leaky).max <= Math.sqrt(3) * Math.sqrt(2 / 1.04) / Math.sqrt(200));
  assert.throws(() => kaimingNormal_(W(), { mode: "fan_in" as never }), /mode must be "fanIn" or "fanOut"/);
});

test("lecun: variance 1/fanIn", () => {
  assertStd(lecunNormal_(W()), Math.sqrt(1 / 200), "lecunNormal_");
  const u = lecunUniform_(W());
  assertStd(u, Math.sqrt(1 / 200), "lecunUniform_");
  assert.ok(stats(u).max <= Math.sqrt(3 / 200));
});

function gram(w: Tensor, transposeFirst: boolean): number[][] {
  const m = w.toArray() as number[][];
  const rows = transposeFirst ? m[0]!.length : m.length;
  const get = (i: number, k: number): number => (transposeFirst ? m[k]![i]! : m[i]![k]!);
  const inner = transposeFirst ? m.length : m[0]!.length;
  return Array.from({ length: rows }, (_, i) => Array.from({ length: rows }, (_, j) => {
    let s = 0;
    for (let k = 0; k < inner; k++) s += get(i, k) * get(j, k);
    return s;
  }));
}

test("orthogonal_: WᵀW = I (tall), WWᵀ = I (wide), gain scales it, shapes > 2-D are flattened", () => {
  const check = (g: number[][], scale: number): void =>
    g.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (i === j ? scale : 0)) < 1e-5, `[${i}][${j}] = ${v}`)));
  check(gram(orthogonal_(zeros([6, 4], { dtype: "float64" })), true), 1);
  check(gram(orthogonal_(zeros([3, 7])), false), 1);
  check(gram(orthogonal_(zeros([5, 5]), { gain: 2 }), true), 4);
  check(gram(orthogonal_(zeros([4, 2, 3])).reshape([4, 6]), false), 1);
  assert.throws(() => orthogonal_(zeros([4])), /at least 2 dimensions/);
});

test("smallRandom_: the decks' preset, N(0, 0.01²) weights and a constant bias", () => {
  const w = W(), b = new Parameter(zeros([300]));
  smallRandom_(w, b, { biasValue: 0.01 });
  assertStd(w, 0.01, "smallRandom_");
  assert.ok(b.toFlatArray().every((v) => Math.abs(v - 0.01) < 1e-9));
  smallRandom_(w, b);
  assert.ok(b.toFlatArray().every((v) => v === 0));
  assertStd(smallRandom_(W(), null, { std: 0.05 }), 0.05, "smallRandom_ std 0.05");
});

test("initializers are reproducible: manualSeed and the generator option", () => {
  manualSeed(7);
  const a = kaimingUniform_(zeros([3, 4])).toFlatArray();
  manualSeed(7);
  const b = kaimingUniform_(zeros([3, 4])).toFlatArray();
  assert.deepEqual(a, b);
  const c = orthogonal_(zeros([3, 3]), { generator: new Generator(1) }).toFlatArray();
  const d = orthogonal_(zeros([3, 3]), { generator: new Generator(1) }).toFlatArray();
  assert.deepEqual(c, d);
  assert.notDeepEqual(xavierNormal_(zeros([3, 3]), { generator: new Generator(1) }).toFlatArray(),
    xavierNormal_(zeros([3, 3]), { generator: new Generator(2) }).toFlatArray());
  manualSeed(11);
  const l1 = new Linear(5, 4).weight.toFlatArray();
  manualSeed(11);
  assert.deepEqual(new Linear(5, 4).weight.toFlatArray(), l1);
});

test("Linear's default init is PyTorch's: weight and bias ~ U(−1/√in, 1/√in)", () => {
  const fc = new Linear(300, 400, { generator: new Generator(5) });
  const bound = 1 / Math.sqrt(300);
  const sw = stats(fc.weight);
  assert.ok(sw.max <= bound && sw.min >= -bound && sw.max > 0.99 * bound && sw.min < -0.99 * bound, JSON.stringify(sw));
  assertStd(fc.weight, bound / Math.sqrt(3), "Linear weight");
  const sb = stats(fc.bias!);
  assert.ok(sb.max <= bound && sb.min >= -bound);
  assert.ok(fc.weight.requiresGrad && fc.weight.isLeaf);
});
