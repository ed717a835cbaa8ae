/**
 * The fused ops that cut the kernel count of a training step give exactly (bit for bit) the values and
 * gradients of the composite ops they replace, on both backends:
 * - `linear(x, w, b, act)` (one node, `Kernels.linear`) vs `act(matmul(x, wᵀ) + b)`;
 * - the one-kernel backward of tanh, sigmoid and relu (`tanhGrad`, `sigmoidGrad`, `reluGrad`) vs their
 *   formulas as separate ops, including NaN, ±0 and infinite gradients;
 * - Sequential's Linear+activation fusion vs running the modules one by one;
 * - cached scalar constants (`x.mul(0.5)` uploads nothing) never alias a result.
 * Higher-order gradients of the fused ops are checked by the op-spec table (test/gradcheck.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { getBackend, setBackend, backendName } from "../src/backend/registry.js";
import { gradients } from "../src/autograd/functional.js";
import { noGrad } from "../src/autograd/grad-mode.js";
import { tensor, zeros } from "../src/ops/creation.js";
import * as E from "../src/ops/elementwise.js";
import { linear, matmul, type LinearActivation } from "../src/ops/matmul.js";
import { transpose } from "../src/ops/movement.js";
import { Generator } from "../src/random.js";
import { Tensor } from "../src/tensor.js";
import { Linear } from "../src/nn/layers/linear.js";
import { ReLU, Sigmoid, Tanh } from "../src/nn/layers/activations.js";
import { Sequential } from "../src/nn/layers/sequential.js";
import type { Module } from "../src/nn/module.js";

const BACKENDS = ["ts", "wasm"] as const;

/** Runs fn on each backend (restoring the default afterwards). */
function onEachBackend(fn: (name: string) => void): void {
  const before = backendName();
  try {
    for (const b of BACKENDS) {
      setBackend(b);
      fn(b);
    }
  } finally {
    setBackend(before);
  }
}

function randn(g: Generator, shape: number[], scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => scale * g.normal()), { shape });
}

/** Bitwise equality of two float tensors (NaN equals NaN; −0 differs from +0). */
function assertSameBits(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const x = a.dataSync(), y = b.dataSync();
  for (let i = 0; i < x.length; i++) {
    assert.ok(Object.is(x[i], y[i]), `${what}: element ${i} is ${x[i]}, the composite gives ${y[i]}`);
  }
}

const ACTS: (LinearActivation | null)[] = [null, "relu", "tanh", "sigmoid"];
const activate = (act: LinearActivation | null, y: Tensor): Tensor =>
  act === null ? y : act === "relu" ? E.relu(y) : act === "tanh" ? E.tanh(y) : E.sigmoid(y);

test("linear(x, w, b, act) equals act(matmul(x, wᵀ) + b), values and gradients, bit for bit", () => {
  onEachBackend((be) => {
    const g = new Generator(7);
    for (const act of ACTS) {
      for (const [m, k, n] of [[5, 3, 4], [33, 17, 9], [1, 1, 1]] as const) {
        for (const withBias of [true, false]) {
          const x = randn(g, [m, k]).requiresGrad_();
          const w = randn(g, [n, k], 0.5).requiresGrad_();
          const b = withBias ? randn(g, [n]).requiresGrad_() : null;
          const dy = randn(g, [m, n]);
          const label = `${be} ${act ?? "none"} [${m},${k}]·[${n},${k}]ᵀ${withBias ? " + b" : ""}`;
          const fused = linear(x, w, b, act);
          assert.equal(fused.gradFn, act ? `linear+${act}` : "linear", label);
          const mm = matmul(x, transpose(w));
          const composite = activate(act, b ? E.add(mm, b) : mm);
          assertSameBits(fused, composite, `${label} value`);
          const params = b ? [x, w, b] : [x, w];
          const gf = gradients([fused], params, { gradOutputs: [dy] });
          // createGraph makes every backward use its composite (differentiable) form: the reference.
          const gc = gradients([composite], params, { gradOutputs: [dy], createGraph: true });
          gf.forEach((t, i) => assertSameBits(t, gc[i]!.detach(), `${label} grad ${i}`));
          // The fused op under createGraph agrees too.
          const gfc = gradients([linear(x, w, b, act)], params, { gradOutputs: [dy], createGraph: true });
          gfc.forEach((t, i) => assertSameBits(t.detach(), gc[i]!.detach(), `${label} createGraph grad ${i}`));
        }
      }
    }
  });
});

test("linear: batched and transposed inputs, a mixed-dtype or non-[N] bias falls back to the composite ops", () => {
  onEachBackend((be) => {
    const g = new Generator(11);
    const x = randn(g, [2, 3, 4]).requiresGrad_();
    const w = randn(g, [5, 4]).requiresGrad_();
    const b = randn(g, [5]).requiresGrad_();
    const y = linear(x, w, b, "tanh");
    assert.deepEqual(y.shape, [2, 3, 5]);
    assertSameBits(y, E.tanh(E.add(matmul(x, transpose(w)), b)), `${be} 3-D`);
    const xt = randn(g, [4, 6]);
    assertSameBits(linear(transpose(xt), w, b), E.add(matmul(transpose(xt), transpose(w)), b), `${be} transposed x`);
    // A [1, N] bias broadcasts as before (composite path).
    const b2 = b.detach().reshape([1, 5]);
    const y2 = linear(x, w, b2);
    assert.equal(y2.gradFn, "add");
    assertSameBits(y2, E.add(matmul(x, transpose(w)), b2), `${be} [1,N] bias`);
    // float64 weight with a float32 input: promoted as matmul promotes.
    const y3 = linear(x, w.detach().double());
    assert.equal(y3.dtype, "float64");
    assert.throws(() => linear(x, w, b, "gelu" as LinearActivation), /linear: activation must be "relu", "tanh", "sigmoid" or null/);
  });
});

test("tanh, sigmoid and relu backward in one kernel equal their composite formulas (NaN, ±0, ±inf included)", () => {
  onEachBackend((be) => {
    const x = tensor([-3, -0.5, -0, 0, 1e-8, 0.7, 4, NaN, Infinity, -Infinity, 2, -2]).requiresGrad_();
    const dy = tensor([1, -2, 3, -0.5, Infinity, -Infinity, NaN, 1, 2, 3, -0, 0.25]);
    const cases: [string, (t: Tensor) => Tensor, (x: Tensor, y: Tensor, dy: Tensor) => Tensor][] = [
      ["tanh", E.tanh, (_x, y, d) => E.mul(d, E.sub(1, E.mul(y, y)))],
      ["sigmoid", E.sigmoid, (_x, y, d) => E.mul(d, E.mul(y, E.sub(1, y)))],
      ["relu", E.relu, (x, _y, d) => E.where(E.gt(x, 0), d, E.mul(d, 0))],
    ];
    for (const [name, f, formula] of cases) {
      const y = f(x);
      const [gx] = gradients([y], [x], { gradOutputs: [dy] });
      const ref = noGrad(() => formula(x.detach(), y.detach(), dy));
      assertSameBits(gx!, ref, `${be} ${name}'`);
    }
    // relu's forward: max(x, 0), with NaN → 0 and −0 → +0 as where(x > 0, x, 0) gave.
    assertSameBits(E.relu(x.detach()), E.where(E.gt(x.detach(), 0), x.detach(), 0), `${be} relu`);
    // An int relu stays int.
    assert.deepEqual(E.relu(tensor([-2, 3], { dtype: "int32" })).toFlatArray(), [0, 3]);
  });
});

test("Sequential fuses a plain Linear + ReLU/Tanh/Sigmoid; values and .grads equal running the modules one by one", () => {
  onEachBackend((be) => {
    const g = new Generator(3);
    const layers: Module[] = [new Linear(3, 8), new Tanh(), new Linear(8, 8), new ReLU(), new Linear(8, 2), new Sigmoid()];
    const seq = new Sequential(...layers);
    const x = randn(g, [10, 3]);
    const y = seq.call(x);
    assert.equal(y.gradFn, "linear+sigmoid", be);
    E.mul(y, y).sum().backward();
    const fusedGrads = seq.parameters().map((p) => p.grad!.detach().clone());
    seq.zeroGrad();
    let z = x;
    for (const m of layers) z = m.call(z);
    assert.equal(z.gradFn, "sigmoid");
    assertSameBits(y, z, `${be} Sequential value`);
    E.mul(z, z).sum().backward();
    seq.parameters().forEach((p, i) => assertSameBits(fusedGrads[i]!, p.grad!, `${be} Sequential grad ${i}`));
  });
});

test("Sequential does not fuse a subclass or a patched module (its own forward runs)", () => {
  class ScaledTanh extends Tanh {
    override forward(x: Tensor): Tensor { return E.mul(E.tanh(x), 2); }
  }
  const lin = new Linear(2, 2);
  const x = zeros([1, 2]);
  assert.equal(new Sequential(lin, new ScaledTanh()).call(x).gradFn, "mul");
  const patched = new ReLU();
  patched.forward = (t: Tensor) => E.mul(t, 3);
  assert.equal(new Sequential(lin, patched).call(x).gradFn, "mul");
  assert.equal(new Sequential(lin, new Tanh()).call(x).gradFn, "linear+tanh");
  assert.equal(new Sequential(lin).call(x).gradFn, "linear");
});

test("scalar constants are shared but never aliased by a result or written through", () => {
  onEachBackend((be) => {
    const a = zeros([]);
    const r = E.add(a, 1); // 0-d op with a number: a fresh storage
    r.add_(10);
    assert.equal(E.add(zeros([]), 1).item(), 1, be);
    const t = tensor([1, 2, 3]);
    t.fill_(5); // fill_ reads the cached 5
    t.add_(1);
    assert.deepEqual(tensor([0, 0]).add(5).toFlatArray(), [5, 5], be);
    assert.deepEqual(t.toFlatArray(), [6, 6, 6], be);
    // −0 and 0 are distinct constants.
    assert.ok(Object.is(E.mul(tensor([1]), -0).dataSync()[0], -0), be);
    assert.ok(Object.is(E.mul(tensor([1]), 0).dataSync()[0], 0), be);
    // bool/int/float constants keep their dtypes.
    assert.equal(E.add(tensor([1], { dtype: "int32" }), 2).dtype, "int32");
    assert.equal(E.add(tensor([1], { dtype: "int32" }), 2.5).dtype, "float32");
    assert.equal(E.logicalAnd(tensor([true, false]), true).dtype, "bool");
    // Many distinct numbers (more than the cache holds) still give right answers.
    for (let i = 0; i < 600; i++) assert.equal(E.mul(tensor([2]), i).item(), 2 * i);
    void getBackend();
  });
});

test("binaryCrossEntropy's one-node form equals the composite formula, value and gradient, bit for bit", async () => {
  const { binaryCrossEntropy } = await import("../src/nn/functional/probability-losses.js");
  onEachBackend((be) => {
    const g = new Generator(5);
    // PyTorch's formula with log clamped at −100, as separate ops.
    const clampedLog = (p: Tensor): Tensor => E.where(E.gt(p, 0), E.clamp(E.log(E.where(E.gt(p, 0), p, 1)), -100), -100);
    const composite = (x: Tensor, y: Tensor): Tensor =>
      E.neg(E.add(E.mul(y, clampedLog(x)), E.mul(E.sub(1, y), clampedLog(E.sub(1, x)))));
    for (const [n, edges] of [[200, false], [7, true]] as const) {
      const raw = Float32Array.from({ length: n }, () => 1 / (1 + Math.exp(-3 * g.normal())));
      if (edges) raw.set([0, 1, 1e-44]); // clamped logs: the composite path
      const y = tensor(Float32Array.from({ length: n }, () => (g.random() < 0.5 ? 1 : 0)), { shape: [n, 1] });
      for (const reduction of ["mean", "sum", "none"] as const) {
        const x1 = tensor(raw, { shape: [n, 1], requiresGrad: true });
        const x2 = tensor(raw, { shape: [n, 1], requiresGrad: true });
        const l1 = binaryCrossEntropy(x1, y, { reduction });
        const p2 = composite(x2, y);
        const l2 = reduction === "mean" ? p2.mean() : reduction === "sum" ? p2.sum() : p2;
        if (reduction === "none") assert.equal(l1.gradFn, edges ? "neg" : "binaryCrossEntropy", `${be} path`);
        assertSameBits(l1, l2, `${be} bce ${reduction} value`);
        const seed = reduction === "none" ? randn(g, [n, 1]) : undefined;
        l1.backward(seed);
        l2.backward(seed);
        assertSameBits(x1.grad!, x2.grad!, `${be} bce ${reduction}${edges ? " (clamped)" : ""} grad`);
      }
    }
  });
});
