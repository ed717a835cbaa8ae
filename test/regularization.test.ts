import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, randn, tensor, Tensor } from "../src/index.js";
import { DTypeError, IndexError, ShapeError, ValueError } from "../src/errors.js";
import { addTargetNoise, l1Penalty, l2Penalty, maxNormConstraint_, smoothLabels, weightsOnly } from "../src/nn/regularization.js";
import { crossEntropy } from "../src/nn/functional/class-losses.js";
import { Linear } from "../src/nn/layers/linear.js";
import { Sequential } from "../src/nn/layers/sequential.js";
import { ReLU } from "../src/nn/layers/activations.js";
import { LayerNorm } from "../src/nn/layers/layer-norm.js";

const near = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);
const nearAll = (a: number[], b: number[], tol = 1e-6): void => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => near(v, b[i]!, tol));
};

test("l2Penalty is λ/(2m)·Σw² and its gradient is (λ/m)·w", () => {
  const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const b = tensor([0.5, -1], { dtype: "float64", requiresGrad: true });
  const pen = l2Penalty([w, b], 0.1, { m: 4 });
  near(pen.item(), (0.1 / 8) * (1 + 4 + 9 + 16 + 0.25 + 1));
  pen.backward();
  nearAll(w.grad!.toFlatArray(), [1, 2, 3, 4].map((v) => (0.1 / 4) * v));
  nearAll(b.grad!.toFlatArray(), [0.5, -1].map((v) => (0.1 / 4) * v));
  near(l2Penalty([tensor([3, 4])], 2).item(), 25, 1e-7); // m = 1: λ/2·Σw²
});

test("l1Penalty is λ·Σ|w| with gradient λ·sign(w)", () => {
  const w = tensor([1, -2, 0.5, 0], { requiresGrad: true });
  const pen = l1Penalty([w], 0.01);
  near(pen.item(), 0.035);
  pen.backward();
  nearAll(w.grad!.toFlatArray(), [0.01, -0.01, 0.01, 0]);
});

test("penalty errors name the function and the fix", () => {
  assert.throws(() => l2Penalty([], 0.1), (e: unknown) => e instanceof ValueError && /l2Penalty: no parameters/.test(e.message));
  assert.throws(() => l2Penalty([tensor([1])], -1), (e: unknown) => e instanceof ValueError && /lambda .* got -1/.test(e.message));
  assert.throws(() => l2Penalty([tensor([1])], 0.1, { m: 0 }), (e: unknown) => e instanceof ValueError && /m \(the number of training examples\)/.test(e.message));
  assert.throws(() => l1Penalty([tensor([1], { dtype: "int32" })], 0.1), DTypeError);
});

test("weightsOnly picks weight matrices, not biases or norm scales", () => {
  const named: [string, Tensor][] = [
    ["0.weight", randn([3, 2])], ["0.bias", randn([3])], ["norm.weight", randn([3])], ["emb.weight", randn([5, 3])], ["conv.bias", randn([2, 1])],
  ];
  assert.deepEqual(weightsOnly(named), [named[0]![1], named[3]![1]]);
  const model = new Sequential(new Linear(2, 4), new ReLU(), new LayerNorm(4), new Linear(4, 1));
  const picked = weightsOnly(model.namedParameters());
  assert.deepEqual(picked.map((p) => p.shape), [[4, 2], [1, 4]]);
  // The decks' objective: data loss + λ/2m Σw² over the weights only; biases get no decay gradient.
  l2Penalty(picked, 0.5, { m: 8 }).backward();
  for (const [n, p] of model.namedParameters()) {
    if (picked.includes(p)) nearAll(p.grad!.toFlatArray(), p.toFlatArray().map((v) => (0.5 / 8) * v));
    else assert.equal(p.grad, null, `${n} should get no penalty gradient`);
  }
});

test("maxNormConstraint_ rescales slices whose norm exceeds maxNorm, in place, as torch.renorm", () => {
  const w = tensor([[3, 4], [0.3, 0.4]], { requiresGrad: true });
  const same = maxNormConstraint_(w, 1);
  assert.equal(same, w);
  assert.equal(w.requiresGrad, true);
  const s = 1 / (5 + 1e-7);
  nearAll(w.toFlatArray(), [3 * s, 4 * s, 0.3, 0.4]);
  // dim 1: columns [3, 0.3] and [4, 0.4] have norms ≈ 3.015 and 4.020
  const v = tensor([[3, 4], [0.3, 0.4]]);
  maxNormConstraint_(v, 2, { dim: 1 });
  const n0 = Math.hypot(3, 0.3), n1 = Math.hypot(4, 0.4);
  nearAll(v.toFlatArray(), [3 * 2 / (n0 + 1e-7), 4 * 2 / (n1 + 1e-7), 0.3 * 2 / (n0 + 1e-7), 0.4 * 2 / (n1 + 1e-7)]);
  const ok = tensor([[0.1, 0.2]]);
  maxNormConstraint_(ok, 1);
  assert.deepEqual(ok.toFlatArray(), tensor([[0.1, 0.2]]).toFlatArray(), "within the bound: untouched");
  // On a Linear layer after a step: every unit's incoming weight vector ends with norm ≤ maxNorm.
  const lin = new Linear(5, 3);
  maxNormConstraint_(lin.weight, 0.1); // a Parameter that requires grad: the update runs under noGrad
  const rows = lin.weight.toArray() as number[][];
  for (const r of rows) assert.ok(Math.hypot(...r) <= 0.1 + 1e-6);
  assert.throws(() => maxNormConstraint_(w, 0), (e: unknown) => e instanceof ValueError && /maxNorm/.test(e.message));
  assert.throws(() => maxNormConstraint_(tensor(2), 1), ShapeError);
});

test("addTargetNoise: seeded, unbiased, std as asked, outside the graph", () => {
  const y = tensor(new Float32Array(20000).fill(3), { shape: [20000] });
  const a = addTargetNoise(y, 0.5, { generator: new Generator(42) });
  const b = addTargetNoise(y, 0.5, { generator: new Generator(42) });
  assert.deepEqual(a.toFlatArray(), b.toFlatArray());
  const d = a.sub(y);
  near(d.mean().item(), 0, 0.02);
  near(d.std().item(), 0.5, 0.03);
  assert.equal(a.requiresGrad, false);
  assert.equal(addTargetNoise(tensor([1, 2], { dtype: "int32" }), 0).dtype, "float32");
  assert.throws(() => addTargetNoise(y, -1), ValueError);
});

test("smoothLabels: (1 − ε)·onehot + ε/K, equal to crossEntropy's labelSmoothing", () => {
  nearAll(smoothLabels(tensor([0, 2], { dtype: "int32" }), 3, 0.3).toFlatArray(), [0.8, 0.1, 0.1, 0.1, 0.1, 0.8]);
  nearAll(smoothLabels(tensor([[0, 1]]), 2, 0.2).toFlatArray(), [0.1, 0.9]);
  const x = randn([6, 4], { generator: new Generator(3) });
  const t = tensor([0, 3, 2, 1, 1, 0], { dtype: "int32" });
  near(crossEntropy(x, smoothLabels(t, 4, 0.1)).item(), crossEntropy(x, t, { labelSmoothing: 0.1 }).item(), 1e-6);
  assert.throws(() => smoothLabels(tensor([0, 4], { dtype: "int32" }), 4, 0.1), (e: unknown) => e instanceof IndexError && /class index 4.*numClasses is 4/.test(e.message));
  assert.throws(() => smoothLabels(tensor([[0.5, 0.5]]), 3, 0.1), ShapeError);
  assert.throws(() => smoothLabels(tensor([0], { dtype: "int32" }), 3, 1.5), ValueError);
});
