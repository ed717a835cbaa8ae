// Module mechanics: discovery and naming, modes, state dicts and their errors, freezing, apply, printing,
// summary, and "a network is a layer" (a trained MLP nested in a bigger model).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor.js";
import { ones, randn, tensor, zeros } from "../src/ops/creation.js";
import { noGrad } from "../src/autograd/grad-mode.js";
import { Generator } from "../src/random.js";
import { ShapeError, ValueError } from "../src/errors.js";
import { Module } from "../src/nn/module.js";
import { Parameter } from "../src/nn/parameter.js";
import { Linear } from "../src/nn/layers/linear.js";
import { Sequential } from "../src/nn/layers/sequential.js";
import { ReLU, Sigmoid, Tanh } from "../src/nn/layers/activations.js";
import { BatchNorm1d } from "../src/nn/layers/batch-norm.js";
import { Dropout } from "../src/nn/layers/dropout.js";
import { Flatten } from "../src/nn/layers/flatten.js";
import { Embedding } from "../src/nn/layers/embedding.js";

class Net extends Module<[Tensor]> {
  layers = [new Linear(2, 3), new Linear(3, 1)];
  heads = { main: new Linear(1, 1), aux: [new Linear(1, 2)] };
  scale = new Parameter(ones([1]));
  notAParameter = zeros([4]);
  forward(x: Tensor): Tensor {
    return this.heads.main.call(this.layers[1]!.call(this.layers[0]!.call(x).relu())).mul(this.scale);
  }
}

const close = (a: number[], b: number[], tol = 1e-6): void =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `element ${i}: ${v} vs ${b[i]}`));

test("parameters and children are found in properties, arrays and plain objects, named by path", () => {
  const net = new Net();
  // The module's own parameters come first, then its children's (PyTorch's order).
  assert.deepEqual(net.namedParameters().map(([n]) => n), [
    "scale", "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
    "heads.main.weight", "heads.main.bias", "heads.aux.0.weight", "heads.aux.0.bias",
  ]);
  assert.deepEqual(net.namedChildren().map(([n]) => n), ["layers.0", "layers.1", "heads.main", "heads.aux.0"]);
  assert.equal(net.modules().length, 5);
  assert.deepEqual(net.namedModules().map(([n]) => n), ["", "layers.0", "layers.1", "heads.main", "heads.aux.0"]);
  assert.equal(net.parameters().length, 9);
  assert.ok(net.parameters().every((p) => p instanceof Parameter && p.requiresGrad && p.isLeaf));
});

test("Sequential names match PyTorch (0.weight, nested 1.0.bias) and supports index access", () => {
  const inner = new Sequential(new Linear(4, 3), new ReLU());
  const seq = new Sequential(new Flatten(), inner, new Linear(3, 2));
  assert.deepEqual(seq.namedParameters().map(([n]) => n), ["1.0.weight", "1.0.bias", "2.weight", "2.bias"]);
  assert.equal(seq.length, 3);
  assert.equal(seq[1], inner);
  assert.equal(seq.at(-1), seq[2]);
  assert.deepEqual([...seq].map((m) => m.constructor.name), ["Flatten", "Sequential", "Linear"]);
  assert.deepEqual(seq.call(zeros([5, 2, 2])).shape, [5, 2]);
  assert.throws(() => seq.at(3), /index 3 is out of range for 3 modules/);
  assert.throws(() => new Sequential(new ReLU(), {} as Module), /every element must be a Module/);
});

test("a shared parameter or module is listed once; cycles do not loop", () => {
  const shared = new Linear(2, 2);
  class Tied extends Module<[Tensor]> {
    a = shared;
    b = shared;
    self: Module = this;
    forward(x: Tensor): Tensor { return this.b.call(this.a.call(x)); }
  }
  const t = new Tied();
  assert.equal(t.parameters().length, 2);
  assert.deepEqual(t.namedParameters().map(([n]) => n), ["a.weight", "a.bias"]);
  assert.equal(t.modules().length, 2);
});

test("Parameter shares the wrapped tensor's storage and is a fresh leaf", () => {
  const base = tensor([1, 2, 3]);
  const p = new Parameter(base);
  noGrad(() => p.mul_(2));
  assert.deepEqual(base.toArray(), [2, 4, 6]);
  assert.ok(p.requiresGrad && p.isLeaf);
  assert.equal(new Parameter(base, false).requiresGrad, false);
  assert.throws(() => new Parameter(tensor([1], { dtype: "int32" })), /only float tensors can be trainable/);
  assert.match(p.toString(), /^Parameter containing:/);
});

test("train() and eval() reach every sub-module", () => {
  const seq = new Sequential(new Linear(2, 2), new Sequential(new Dropout(0.5), new BatchNorm1d(2)));
  seq.eval();
  assert.ok(seq.modules().every((m) => !m.training));
  seq.train();
  assert.ok(seq.modules().every((m) => m.training));
  seq.train(false);
  assert.ok(seq.modules().every((m) => !m.training));
});

test("zeroGrad clears every gradient", () => {
  const net = new Net();
  net.call(randn([4, 2])).sum().backward();
  assert.ok(net.parameters().some((p) => p.grad !== null));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
});

test("stateDict holds detached copies of parameters and buffers; a round trip reproduces the outputs", () => {
  const g = new Generator(1);
  const a = new Sequential(new Linear(3, 4, { generator: g }), new BatchNorm1d(4), new Tanh(), new Linear(4, 2, { generator: g }));
  const x = randn([6, 3], { generator: g });
  a.call(x); // updates the running statistics
  const sd = a.stateDict();
  assert.deepEqual(Object.keys(sd), [
    "0.weight", "0.bias", "1.weight", "1.bias", "1.runningMean", "1.runningVar", "1.numBatchesTracked", "3.weight", "3.bias",
  ]);
  assert.ok(Object.values(sd).every((t) => !t.requiresGrad && t.isLeaf));
  assert.equal(sd["1.numBatchesTracked"]!.item(), 1);
  const saved = sd["0.weight"]!.toFlatArray();
  noGrad(() => (a[0] as Linear).weight.add_(1));
  assert.deepEqual(sd["0.weight"]!.toFlatArray(), saved, "later changes do not leak into the saved copy");

  const b = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Tanh(), new Linear(4, 2));
  const w = (b[0] as Linear).weight;
  const result = b.loadStateDict(sd);
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  assert.equal((b[0] as Linear).weight, w, "loaded in place: the same Parameter object");
  a.loadStateDict(sd);
  a.eval();
  b.eval();
  close(b.call(x).toFlatArray(), a.call(x).toFlatArray(), 0);
});

test("loadStateDict: strict errors name missing keys, unexpected keys and shape mismatches; nothing is loaded", () => {
  const m = new Sequential(new Linear(2, 3), new Linear(3, 1));
  const before = (m[0] as Linear).weight.toFlatArray();
  const sd = new Sequential(new Linear(2, 3), new Linear(3, 1)).stateDict();
  const { ["1.bias"]: _dropped, ...missing } = sd;
  assert.throws(() => m.loadStateDict(missing), (e: Error) => e instanceof ValueError && /missing keys: "1\.bias"/.test(e.message) && /strict: false/.test(e.message));
  assert.throws(() => m.loadStateDict({ ...sd, "2.weight": zeros([1]) }), (e: Error) => e instanceof ValueError && /unexpected keys: "2\.weight"/.test(e.message));
  assert.throws(
    () => m.loadStateDict({ ...sd, "0.weight": zeros([3, 5]) }),
    (e: Error) => e instanceof ShapeError && /size mismatch for "0\.weight": the checkpoint has shape \[3,5\], the model has \[3,2\]/.test(e.message),
  );
  assert.deepEqual((m[0] as Linear).weight.toFlatArray(), before, "a failed load changes nothing");
  // Shape mismatches are errors even when not strict; key differences are reported instead.
  assert.throws(() => m.loadStateDict({ "0.weight": zeros([1, 1]) }, { strict: false }), ShapeError);
  const r = m.loadStateDict({ "0.bias": ones([3]), extra: zeros([2]) }, { strict: false });
  assert.deepEqual(r, { missingKeys: ["0.weight", "1.weight", "1.bias"], unexpectedKeys: ["extra"] });
  assert.deepEqual((m[0] as Linear).bias!.toFlatArray(), [1, 1, 1]);
});

test("registerBuffer: buffers are saved, listed, and not parameters", () => {
  class Counter extends Module<[Tensor]> {
    count: Tensor;
    constructor() {
      super();
      this.count = this.registerBuffer("count", zeros([]));
    }
    forward(x: Tensor): Tensor {
      noGrad(() => this.count.add_(1));
      return x;
    }
  }
  const c = new Counter();
  c.call(zeros([1]));
  assert.deepEqual(c.namedBuffers().map(([n]) => n), ["count"]);
  assert.equal(c.parameters().length, 0);
  assert.equal(c.stateDict().count!.item(), 1);
  assert.throws(() => c.registerBuffer("p", new Parameter(zeros([1]))), /is a Parameter/);
});

test("requiresGrad_(false) freezes: no gradients reach frozen parameters, the rest still train", () => {
  const body = new Sequential(new Linear(2, 4), new ReLU());
  const head = new Linear(4, 1);
  const model = new Sequential(body, head);
  body.requiresGrad_(false);
  model.call(randn([3, 2])).sum().backward();
  assert.ok(body.parameters().every((p) => p.grad === null && !p.requiresGrad));
  assert.ok(head.parameters().every((p) => p.grad !== null));
  body.requiresGrad_(true);
  assert.ok(body.parameters().every((p) => p.requiresGrad));
});

test("apply visits children first, then the module itself", () => {
  const seq = new Sequential(new Linear(1, 1), new Sequential(new ReLU()));
  const order: string[] = [];
  seq.apply((m) => order.push(m.constructor.name));
  assert.deepEqual(order, ["Linear", "ReLU", "Sequential", "Sequential"]);
  seq.apply((m) => { if (m instanceof Linear) noGrad(() => m.weight.fill_(0.5)); });
  assert.equal((seq[0] as Linear).weight.item(), 0.5);
});

test("toString prints a PyTorch-like tree", () => {
  const seq = new Sequential(new Linear(2, 16), new ReLU(), new Sequential(new Dropout(0.2), new Linear(16, 1, { bias: false })));
  assert.equal(
    seq.toString(),
    [
      "Sequential(",
      "  (0): Linear(inFeatures=2, outFeatures=16, bias=true)",
      "  (1): ReLU()",
      "  (2): Sequential(",
      "    (0): Dropout(p=0.2)",
      "    (1): Linear(inFeatures=16, outFeatures=1, bias=false)",
      "  )",
      ")",
    ].join("\n"),
  );
});

test("summary: output shapes from a forward pass, parameter counts, totals; no side effects", () => {
  const bn = new BatchNorm1d(16);
  const model = new Sequential(new Linear(2, 16), bn, new ReLU(), new Dropout(0.5), new Sequential(new Linear(16, 8), new Tanh()), new Linear(8, 3));
  (model[0] as Linear).requiresGrad_(false);
  const s = model.summary([5, 2]);
  assert.equal(s.totalParams, 2 * 16 + 16 + 2 * 16 + 16 * 8 + 8 + 8 * 3 + 3);
  assert.equal(s.trainableParams, s.totalParams - (2 * 16 + 16));
  assert.equal(s.nonTrainableParams, 48);
  assert.deepEqual(s.rows.map((r) => [r.name, r.type, r.depth, r.outputShape, r.params]), [
    ["", "Sequential", 0, [5, 3], 0],
    ["0", "Linear", 1, [5, 16], 48],
    ["1", "BatchNorm1d", 1, [5, 16], 32],
    ["2", "ReLU", 1, [5, 16], 0],
    ["3", "Dropout", 1, [5, 16], 0],
    ["4", "Sequential", 1, [5, 8], 0],
    ["4.0", "Linear", 2, [5, 8], 136],
    ["4.1", "Tanh", 2, [5, 8], 0],
    ["5", "Linear", 1, [5, 3], 27],
  ]);
  assert.equal(s.rows.reduce((a, r) => a + r.params, 0), s.totalParams);
  const text = s.toString();
  assert.match(text, /Total params: 243/);
  assert.match(text, /Trainable params: 195/);
  assert.match(text, /  4\.0 \(Linear\)\s+\[5,8\]\s+136/);
  // The forward ran in eval mode under noGrad: running stats untouched, modes restored, forward restored.
  assert.equal(bn.numBatchesTracked!.item(), 0);
  assert.ok(model.modules().every((m) => m.training));
  assert.ok(model.modules().every((m) => !Object.prototype.hasOwnProperty.call(m, "forward")));
  assert.ok(model.parameters().every((p) => p.grad === null));
  // Integer inputs (embeddings) through the dtype option.
  const emb = new Sequential(new Embedding(10, 4), new Flatten());
  assert.deepEqual(emb.summary([2, 3], { dtype: "int32" }).rows[0]!.outputShape, [2, 12]);
});

test("a network is a layer: a trained MLP nested in a bigger model keeps its function", () => {
  const g = new Generator(3);
  // XOR, learned by a small tanh MLP with plain gradient descent.
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  const mlp = new Sequential(new Linear(2, 8, { generator: g }), new Tanh(), new Linear(8, 1, { generator: g }));
  let loss = Infinity;
  for (let step = 0; step < 300; step++) {
    mlp.zeroGrad();
    const l = mlp.call(x).sigmoid().sub(y).pow(2).mean();
    l.backward();
    loss = l.item();
    noGrad(() => mlp.parameters().forEach((p) => p.sub_(p.grad!.mul(2))));
  }
  assert.ok(loss < 0.02, `XOR trained (loss ${loss})`);
  const logits = noGrad(() => mlp.call(x)).toFlatArray();

  const big = new Sequential(mlp, new Sigmoid());
  assert.deepEqual(big.namedParameters().map(([n]) => n), ["0.0.weight", "0.0.bias", "0.2.weight", "0.2.bias"]);
  const probs = noGrad(() => big.call(x)).toFlatArray();
  close(probs, logits.map((v) => 1 / (1 + Math.exp(-v))), 1e-6);
  assert.deepEqual(probs.map((p) => (p > 0.5 ? 1 : 0)), [0, 1, 1, 0]);

  // Frozen inside a new model with a trainable head: only the head gets gradients, and it can be saved/loaded.
  mlp.zeroGrad();
  mlp.requiresGrad_(false);
  const model = new Sequential(mlp, new Linear(1, 1, { generator: g }));
  model.call(x).sum().backward();
  assert.ok(mlp.parameters().every((p) => p.grad === null));
  assert.ok((model[1] as Linear).weight.grad !== null);
  const copy = new Sequential(new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1)), new Linear(1, 1));
  copy.loadStateDict(model.stateDict());
  close(noGrad(() => copy.call(x)).toFlatArray(), noGrad(() => model.call(x)).toFlatArray(), 0);
});
