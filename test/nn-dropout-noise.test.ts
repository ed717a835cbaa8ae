// Dropout, Gaussian noise, Gaussian dropout and weight noise: active only in training mode, expected value
// preserved (means over many samples), the gradient is the mask, and reproducible from a seed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor.js";
import { full, ones, randn, tensor } from "../src/ops/creation.js";
import { Generator, manualSeed } from "../src/random.js";
import { Linear } from "../src/nn/layers/linear.js";
import { Sequential } from "../src/nn/layers/sequential.js";
import { ReLU } from "../src/nn/layers/activations.js";
import { Dropout, dropout } from "../src/nn/layers/dropout.js";
import { GaussianDropout, GaussianNoise, WeightNoise, gaussianDropout, gaussianNoise } from "../src/nn/layers/noise.js";
import { Parameter } from "../src/nn/parameter.js";

const N = 40000;
const meanOf = (t: Tensor): number => t.mean().item();
const stdOf = (t: Tensor): number => t.std(undefined, { correction: 0 }).item();

test("Dropout: zeroes a fraction p, scales survivors by 1/(1−p), keeps the mean; identity in eval", () => {
  const d = new Dropout(0.3, { generator: new Generator(1) });
  const x = full([N], 2);
  const y = d.call(x);
  const v = y.toFlatArray();
  const zeros = v.filter((e) => e === 0).length;
  assert.ok(Math.abs(zeros / N - 0.3) < 0.01, `dropped fraction ${zeros / N}`);
  assert.ok(v.every((e) => e === 0 || Math.abs(e - 2 / 0.7) < 1e-6));
  assert.ok(Math.abs(meanOf(y) - 2) < 0.03, `mean ${meanOf(y)}`);
  d.eval();
  assert.equal(d.call(x), x, "eval mode returns the input itself");
  assert.equal(dropout(x, { p: 0.5, training: false }), x);
  assert.equal(dropout(x, { p: 0 }), x);
  assert.deepEqual(dropout(tensor([1, 2]), { p: 1 }).toFlatArray(), [0, 0]);
  assert.throws(() => new Dropout(1.5), /p must be a probability in \[0, 1\], got 1.5/);
});

test("Dropout's gradient is its mask / (1 − p)", () => {
  const x = randn([200], { requiresGrad: true, generator: new Generator(2) });
  const y = dropout(x, { p: 0.4, generator: new Generator(3) });
  y.sum().backward();
  const g = x.grad!.toFlatArray(), yv = y.toFlatArray(), xv = x.toFlatArray();
  g.forEach((gi, i) => {
    assert.ok(gi === 0 || Math.abs(gi - 1 / 0.6) < 1e-6);
    assert.ok(Math.abs(yv[i]! - xv[i]! * gi) < 1e-6, "y = x · mask");
  });
});

test("Dropout is reproducible with manualSeed and with its own generator", () => {
  const x = ones([50]);
  manualSeed(42);
  const a = new Dropout(0.5).call(x).toFlatArray();
  manualSeed(42);
  const b = new Dropout(0.5).call(x).toFlatArray();
  assert.deepEqual(a, b);
  const c = new Dropout(0.5, { generator: new Generator(9) }).call(x).toFlatArray();
  const d = new Dropout(0.5, { generator: new Generator(9) }).call(x).toFlatArray();
  assert.deepEqual(c, d);
  assert.notDeepEqual(a, c);
});

test("GaussianNoise: x + N(0, std²) in training (mean kept), identity in eval", () => {
  const layer = new GaussianNoise(0.5, { generator: new Generator(4) });
  const x = full([N], 3);
  const y = layer.call(x);
  assert.ok(Math.abs(meanOf(y) - 3) < 0.01, `mean ${meanOf(y)}`);
  assert.ok(Math.abs(stdOf(y) / 0.5 - 1) < 0.02, `std ${stdOf(y)}`);
  layer.eval();
  assert.equal(layer.call(x), x);
  assert.equal(gaussianNoise(x, { std: 0.5, training: false }), x);
  const a = gaussianNoise(x, { std: 1, generator: new Generator(5) }).toFlatArray();
  assert.deepEqual(gaussianNoise(x, { std: 1, generator: new Generator(5) }).toFlatArray(), a);
  assert.throws(() => new GaussianNoise(-1), /std must be a finite number ≥ 0/);
});

test("GaussianDropout: x · N(1, p/(1−p)) in training (mean kept), identity in eval", () => {
  const layer = new GaussianDropout(0.2, { generator: new Generator(6) });
  const x = full([N], 2);
  const y = layer.call(x);
  assert.ok(Math.abs(meanOf(y) - 2) < 0.02, `mean ${meanOf(y)}`);
  assert.ok(Math.abs(stdOf(y) / (2 * Math.sqrt(0.25)) - 1) < 0.02, `std ${stdOf(y)}`);
  layer.eval();
  assert.equal(layer.call(x), x);
  assert.equal(gaussianDropout(x, { p: 0.3, training: false }), x);
  assert.throws(() => new GaussianDropout(1), /p must be a probability in \[0, 1\)/);
});

test("WeightNoise: training forward uses W + std·ε, gradients reach the clean W, eval is the plain layer", () => {
  const fc = new Linear(3, 2, { generator: new Generator(7) });
  const noisy = new WeightNoise(fc, { std: 0.1, generator: new Generator(8) });
  assert.deepEqual(noisy.namedParameters().map(([n]) => n), ["module.weight", "module.bias"]);
  const x = randn([4, 3], { generator: new Generator(9) });
  const gOut = randn([4, 2], { generator: new Generator(10) });
  const y = noisy.call(x);
  // Same noise, drawn from an identically seeded generator.
  const eps = randn([2, 3], { generator: new Generator(8) }).mul(0.1);
  const expected = x.matmul(fc.weight.detach().add(eps).T).add(fc.bias!.detach());
  y.toFlatArray().forEach((v, i) => assert.ok(Math.abs(v - expected.toFlatArray()[i]!) < 1e-6));
  assert.ok(fc.weight instanceof Parameter, "the Parameter is back in place after the forward");
  y.mul(gOut).sum().backward();
  // d/dW of Σ g·(x(W+ε)ᵀ + b) is gᵀx, independent of the noise; the bias is clean.
  const gw = gOut.T.matmul(x).toFlatArray();
  fc.weight.grad!.toFlatArray().forEach((v, i) => assert.ok(Math.abs(v - gw[i]!) < 1e-5));
  assert.deepEqual(fc.bias!.grad!.toFlatArray().map((v) => +v.toFixed(5)), gOut.sum(0).toFlatArray().map((v) => +v.toFixed(5)));
  // Two training passes differ; eval is the clean layer.
  assert.notDeepEqual(noisy.call(x).toFlatArray(), noisy.call(x).toFlatArray());
  noisy.eval();
  assert.deepEqual(noisy.call(x).toFlatArray(), fc.call(x).toFlatArray());
});

test("WeightNoise perturbs every `weight` inside a wrapped network and is a layer itself", () => {
  const net = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
  const model = new Sequential(new WeightNoise(net, { std: 0.05 }), new Linear(1, 1));
  assert.deepEqual(model.namedParameters().map(([n]) => n), ["0.module.0.weight", "0.module.0.bias", "0.module.2.weight", "0.module.2.bias", "1.weight", "1.bias"]);
  const x = randn([8, 2]);
  model.call(x).sum().backward();
  assert.ok(model.parameters().every((p) => p.grad !== null));
  model.eval();
  assert.deepEqual(model.call(x).toFlatArray(), (model[1] as Linear).call(net.call(x)).toFlatArray());
});
