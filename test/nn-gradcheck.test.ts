// Finite-difference gradient checks in float64 for Linear, BatchNorm1d and LayerNorm (input and parameters),
// plus the layers' own rules: BinaryStep's gradient modes, Embedding's padding row, and the errors that
// name the layer, the argument and the shapes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randn, tensor, zeros } from "../src/ops/creation.js";
import { gradcheck } from "../src/autograd/gradcheck.js";
import { Generator } from "../src/random.js";
import { Linear, linear } from "../src/nn/layers/linear.js";
import { BatchNorm1d, batchNorm } from "../src/nn/layers/batch-norm.js";
import { LayerNorm, layerNorm } from "../src/nn/layers/layer-norm.js";
import { Embedding, embedding } from "../src/nn/layers/embedding.js";
import { BinaryStep } from "../src/nn/layers/activations.js";
import { Flatten } from "../src/nn/layers/flatten.js";

const g = new Generator(2024);
const r = (shape: number[]) => randn(shape, { dtype: "float64", generator: g });

test("gradcheck: linear w.r.t. input, weight and bias (2-D and batched 3-D input)", () => {
  for (const x of [r([3, 4]), r([2, 3, 4])]) {
    const rep = gradcheck((x, w, b) => linear(x!, w!, b!), [x, r([2, 4]), r([2])]);
    assert.ok(rep.ok, rep.message);
  }
  const fc = new Linear(4, 2, { dtype: "float64", generator: g });
  const rep = gradcheck((x) => fc.call(x!), [r([3, 4])]);
  assert.ok(rep.ok, rep.message);
});

test("gradcheck: batchNorm in training (gradients through the batch statistics) and eval", () => {
  for (const x of [r([5, 3]), r([3, 3, 4])]) {
    const rep = gradcheck((x, w, b) => batchNorm(x!, null, null, w!, b!, { training: true }), [x, r([3]), r([3])]);
    assert.ok(rep.ok, rep.message);
  }
  const rm = r([3]), rv = r([3]).abs().add(0.5);
  const rep = gradcheck((x, w, b) => batchNorm(x!, rm, rv, w!, b!), [r([4, 3]), r([3]), r([3])]);
  assert.ok(rep.ok, rep.message);
  const bn = new BatchNorm1d(3, { dtype: "float64" });
  const repM = gradcheck((x) => bn.call(x!), [r([4, 3])]);
  assert.ok(repM.ok, repM.message);
});

test("gradcheck: layerNorm over one and two trailing dims", () => {
  let rep = gradcheck((x, w, b) => layerNorm(x!, [5], w!, b!), [r([3, 5]), r([5]), r([5])]);
  assert.ok(rep.ok, rep.message);
  rep = gradcheck((x, w, b) => layerNorm(x!, [2, 3], w!, b!), [r([2, 2, 3]), r([2, 3]), r([2, 3])]);
  assert.ok(rep.ok, rep.message);
  const ln = new LayerNorm(4, { dtype: "float64" });
  rep = gradcheck((x) => ln.call(x!), [r([2, 4])]);
  assert.ok(rep.ok, rep.message);
});

test("gradcheck: embedding w.r.t. its weight (repeated ids add up)", () => {
  const ids = tensor([[0, 2], [2, 1]], { dtype: "int32" });
  const rep = gradcheck((w) => embedding(ids, w!), [r([3, 2])]);
  assert.ok(rep.ok, rep.message);
});

test("layer norm and batch norm normalize: mean 0, variance 1 per row / per channel", () => {
  const x = randn([64, 3], { generator: g }).mul(5).add(2);
  const y = new BatchNorm1d(3).call(x);
  y.mean(0).toFlatArray().forEach((m) => assert.ok(Math.abs(m) < 1e-5));
  y.var(0, { correction: 0 }).toFlatArray().forEach((v) => assert.ok(Math.abs(v - 1) < 1e-3));
  const z = new LayerNorm(3).call(x);
  z.mean(1).toFlatArray().forEach((m) => assert.ok(Math.abs(m) < 1e-5));
});

test("BinaryStep: values, no gradient by default, straight-through on request", () => {
  const x = tensor([-1.5, 0, 2], { requiresGrad: true });
  const step = new BinaryStep();
  const y = step.call(x);
  assert.deepEqual(y.toFlatArray(), [0, 1, 1]);
  y.mul(tensor([1, 2, 3])).sum().backward();
  assert.deepEqual(x.grad!.toFlatArray(), [0, 0, 0]);
  x.grad = null;
  new BinaryStep({ gradient: "straight-through" }).call(x).mul(tensor([1, 2, 3])).sum().backward();
  assert.deepEqual(x.grad!.toFlatArray(), [1, 2, 3]);
  assert.equal(step.toString(), "BinaryStep(gradient=zero)");
});

test("Embedding: padding row starts at zero and gets no gradient; ids are checked", () => {
  const emb = new Embedding(5, 3, { paddingIdx: -1, generator: g });
  assert.equal(emb.paddingIdx, 4);
  assert.deepEqual(emb.weight.select(0, 4).toFlatArray(), [0, 0, 0]);
  const ids = tensor([[4, 1], [1, 0]], { dtype: "int32" });
  const out = emb.call(ids);
  assert.deepEqual(out.shape, [2, 2, 3]);
  out.sum().backward();
  assert.deepEqual(emb.weight.grad!.toArray(), [[1, 1, 1], [2, 2, 2], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  assert.throws(() => emb.call(tensor([5], { dtype: "int32" })), /embedding: index 5 \(at flat position 0\) is out of range for 5 embeddings/);
  assert.throws(() => emb.call(tensor([-1], { dtype: "int32" })), /index -1/);
  assert.throws(() => emb.call(tensor([1, 2])), /indices must be int32, got float32/);
  assert.throws(() => new Embedding(5, 3, { paddingIdx: 5 }), /paddingIdx must be an integer in \[-5, 4\]/);
});

test("errors name the layer, the argument and the shapes", () => {
  assert.throws(() => new Linear(3, 2).call(zeros([4, 5])), /linear: input's last dimension must be inFeatures = 3, got input of shape \[4,5\]/);
  assert.throws(() => new Linear(-1, 2), /Linear: inFeatures must be an integer ≥ 0, got -1/);
  assert.throws(() => new BatchNorm1d(3).call(zeros([4, 5])), /BatchNorm1d: expected 3 channels in dim 1, got input of shape \[4,5\]/);
  assert.throws(() => new BatchNorm1d(3).call(zeros([1, 3])), /expected more than 1 value per channel when training, got input of shape \[1,3\]/);
  const bn = new BatchNorm1d(3).eval();
  assert.deepEqual(bn.call(zeros([1, 3])).shape, [1, 3], "a single sample is fine in eval mode");
  assert.throws(() => new BatchNorm1d(3).call(zeros([2, 3, 4, 5])), /batchNorm: input must be \[N, C\] or \[N, C, L\], got \[2,3,4,5\]/);
  assert.throws(() => new LayerNorm([3, 4]).call(zeros([2, 4, 3])), /layerNorm: the input's last dims must equal normalizedShape \[3,4\], got input of shape \[2,4,3\]/);
  assert.throws(() => new LayerNorm([]), /normalizedShape must be a positive integer/);
  assert.deepEqual(new Flatten(0, 1).call(zeros([2, 3, 4])).shape, [6, 4]);
});
