// PyTorch parity for every layer: test/fixtures/nn.json (tools/make_nn_fixtures.py) holds, per case, the
// state torch used, the input, torch's output, input gradient, parameter gradients and buffers afterwards.
// Each case builds the same nabla layer, loads the state with loadStateDict, runs the warmup batches and the
// input in the case's mode, backpropagates (output · gradOut).sum(), and compares within rtol 1e-5 / atol 1e-6.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Tensor } from "../src/tensor.js";
import { tensor } from "../src/ops/creation.js";
import { noGrad } from "../src/autograd/grad-mode.js";
import type { Module } from "../src/nn/module.js";
import { Linear } from "../src/nn/layers/linear.js";
import { Sequential } from "../src/nn/layers/sequential.js";
import { Identity } from "../src/nn/layers/identity.js";
import { Flatten } from "../src/nn/layers/flatten.js";
import {
  ReLU, LeakyReLU, ReLU6, Sigmoid, Tanh, Hardsigmoid, Hardswish, Softmax, LogSoftmax, GELU, ELU, SELU, SiLU, Mish, Softplus,
} from "../src/nn/layers/activations.js";
import { BatchNorm1d } from "../src/nn/layers/batch-norm.js";
import { LayerNorm } from "../src/nn/layers/layer-norm.js";
import { Embedding } from "../src/nn/layers/embedding.js";

interface Packed { shape: number[]; data: number[]; dtype?: "int32" }
interface Case {
  name: string; mode: "train" | "eval"; state: Record<string, Packed>; warmup: Packed[]; input: Packed; gradOut: Packed;
  output: Packed; inputGrad: Packed | null; paramGrads: Record<string, Packed>; buffersAfter: Record<string, Packed>;
}

const RTOL = 1e-5, ATOL = 1e-6;
const fixture = JSON.parse(readFileSync(new URL("./fixtures/nn.json", import.meta.url), "utf8")) as { cases: Case[] };

/** Each case's layer, built as the torch module of the same name in tools/make_nn_fixtures.py. */
const LAYERS: Record<string, () => Module> = {
  linear: () => new Linear(4, 3),
  linear_no_bias: () => new Linear(4, 3, { bias: false }),
  linear_3d_input: () => new Linear(4, 3),
  linear_1d_input: () => new Linear(4, 3),
  relu: () => new ReLU(),
  leaky_relu: () => new LeakyReLU({ negativeSlope: 0.2 }),
  relu6: () => new ReLU6(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  hardsigmoid: () => new Hardsigmoid(),
  hardswish: () => new Hardswish(),
  softmax_dim0: () => new Softmax({ dim: 0 }),
  softmax_dim1: () => new Softmax({ dim: 1 }),
  log_softmax: () => new LogSoftmax({ dim: -1 }),
  gelu: () => new GELU(),
  gelu_tanh: () => new GELU({ approximate: "tanh" }),
  elu: () => new ELU({ alpha: 0.7 }),
  selu: () => new SELU(),
  silu: () => new SiLU(),
  mish: () => new Mish(),
  softplus: () => new Softplus({ beta: 2 }),
  identity: () => new Identity(),
  flatten: () => new Flatten(),
  batch_norm_train_2d: () => new BatchNorm1d(3),
  batch_norm_train_3d: () => new BatchNorm1d(3),
  batch_norm_eval: () => new BatchNorm1d(3),
  batch_norm_eval_3d: () => new BatchNorm1d(3),
  batch_norm_no_affine: () => new BatchNorm1d(3, { affine: false }),
  batch_norm_momentum: () => new BatchNorm1d(3, { momentum: 0.3, eps: 1e-3 }),
  batch_norm_cumulative: () => new BatchNorm1d(3, { momentum: null }),
  batch_norm_no_running_stats: () => new BatchNorm1d(3, { trackRunningStats: false }),
  layer_norm: () => new LayerNorm(6),
  layer_norm_2d: () => new LayerNorm([3, 4]),
  layer_norm_no_affine: () => new LayerNorm(5, { elementwiseAffine: false, eps: 1e-3 }),
  embedding: () => new Embedding(10, 4, { paddingIdx: 1 }),
  embedding_no_padding: () => new Embedding(6, 3),
  sequential_nested: () => new Sequential(new Sequential(new Linear(3, 8), new Tanh()), new Linear(8, 2)),
  sequential_mlp_bn: () => new Sequential(new Linear(3, 5), new BatchNorm1d(5), new ReLU(), new Linear(5, 2), new LogSoftmax({ dim: 1 })),
};

const unpack = (p: Packed): Tensor => tensor(p.data, { shape: p.shape, dtype: p.dtype ?? "float32" });

function assertClose(what: string, actual: Tensor | null, expected: Packed): void {
  assert.ok(actual, `${what}: missing (expected shape [${expected.shape}])`);
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  const a = actual.toFlatArray();
  a.forEach((v, i) => {
    const e = expected.data[i]!;
    assert.ok(Math.abs(v - e) <= ATOL + RTOL * Math.abs(e), `${what}[${i}]: nabla ${v}, torch ${e}`);
  });
}

test("every fixture case has a nabla layer, and every mapping a case", () => {
  assert.deepEqual(fixture.cases.map((c) => c.name).sort(), Object.keys(LAYERS).sort());
});

for (const c of fixture.cases) {
  test(`layer parity with PyTorch: ${c.name}`, () => {
    const layer = LAYERS[c.name]!();
    const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, unpack(v)]));
    layer.loadStateDict(state);
    layer.train();
    for (const w of c.warmup) noGrad(() => layer.call(unpack(w)));
    layer.train(c.mode === "train");
    const x = unpack(c.input);
    if (x.dtype === "float32") x.requiresGrad = true;
    const y = layer.call(x);
    assertClose("output", y, c.output);
    y.mul(unpack(c.gradOut)).sum().backward();
    if (c.inputGrad) assertClose("input grad", x.grad, c.inputGrad);
    const params = new Map(layer.namedParameters());
    assert.deepEqual([...params.keys()].sort(), Object.keys(c.paramGrads).sort(), "parameter names match PyTorch's");
    for (const [k, g] of Object.entries(c.paramGrads)) assertClose(`grad of ${k}`, params.get(k)!.grad, g);
    const buffers = new Map(layer.namedBuffers());
    assert.deepEqual([...buffers.keys()].sort(), Object.keys(c.buffersAfter).sort(), "buffer names match PyTorch's");
    for (const [k, b] of Object.entries(c.buffersAfter)) assertClose(`buffer ${k}`, buffers.get(k)!, b);
  });
}
