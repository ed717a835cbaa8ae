// PyTorch parity for the core ops: values and gradients against test/fixtures/core.json, which
// tools/make_core_fixtures.py writes with torch (float32). Each fixture case runs the nabla expression mapped
// to its name below, takes the loss Σ_k (out_k · w_k).sum() and compares outputs and input gradients within
// rtol 1e-5 / atol 1e-6. A fixture case without a nabla mapping fails, so the table cannot silently shrink.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  Tensor, tensor, add, sub, mul, div, pow, maximum, minimum, where, clamp, neg, exp, log, sqrt, abs, sin, cos,
  tanh, sigmoid, erf, expm1, log1p, sum, mean, prod, max, min, variance, std, logsumexp, argmax, argmin,
  reshape, permute, transpose, expand, squeeze, unsqueeze, slice, select, index, flip, cat, stack, split, pad,
  gather, scatterAdd, indexSelect, oneHot, matmul, relu, leakyRelu, hardswish, hardsigmoid, relu6, elu, selu,
  silu, mish, softplus, gelu, softmax, logSoftmax, type DType,
} from "../src/index.js";

interface Packed { shape: number[]; data: number[]; dtype?: "int32" | "bool" }
interface Case { name: string; inputs: Packed[]; outputs: Packed[]; weights: (Packed | null)[]; grads: (Packed | null)[] }

const RTOL = 1e-5, ATOL = 1e-6;
const fixture = JSON.parse(readFileSync(new URL("./fixtures/core.json", import.meta.url), "utf8")) as { cases: Case[] };

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

/** Each fixture case, written with nabla. The torch expression is in tools/make_core_fixtures.py under the same name. */
const NABLA: Record<string, Fn> = {
  // element-wise binary, with broadcasting
  add: (a, b) => add(a!, b!),
  add_broadcast: (a, b) => a!.add(b!),
  add_scalar: (a) => add(a!, 2.5),
  sub: (a, b) => sub(a!, b!),
  sub_broadcast: (a, b) => a!.sub(b!),
  mul: (a, b) => mul(a!, b!),
  mul_broadcast: (a, b) => a!.mul(b!),
  mul_scalar: (a) => a!.mul(-3),
  div: (a, b) => div(a!, b!),
  div_broadcast: (a, b) => a!.div(b!),
  pow: (a, b) => pow(a!, b!),
  pow_broadcast: (a, b) => a!.pow(b!),
  pow_scalar_exponent: (a) => a!.pow(3),
  maximum: (a, b) => maximum(a!, b!),
  maximum_broadcast: (a, b) => a!.maximum(b!),
  minimum: (a, b) => minimum(a!, b!),
  minimum_broadcast: (a, b) => a!.minimum(b!),
  where: (c, a, b) => where(c!, a!, b!),
  where_broadcast: (c, a, b) => where(c!, a!, b!),
  // element-wise unary
  clamp: (x) => clamp(x!, -0.5, 0.7),
  clamp_min: (x) => x!.clamp(0.2),
  neg: (x) => neg(x!),
  exp: (x) => exp(x!),
  log: (x) => log(x!),
  sqrt: (x) => sqrt(x!),
  abs: (x) => abs(x!),
  sin: (x) => sin(x!),
  cos: (x) => cos(x!),
  tanh: (x) => tanh(x!),
  sigmoid: (x) => sigmoid(x!),
  erf: (x) => erf(x!),
  expm1: (x) => expm1(x!),
  log1p: (x) => log1p(x!),
  // reductions
  sum_dim1: (x) => sum(x!, 1),
  sum_dim0_keep: (x) => x!.sum(0, true),
  sum_all: (x) => sum(x!),
  mean_dim1: (x) => mean(x!, 1),
  mean_dim0_keep: (x) => x!.mean(0, true),
  mean_all: (x) => mean(x!),
  sum_dims_3d: (x) => sum(x!, [0, 2]),
  prod_dim1: (x) => prod(x!, 1),
  prod_dim0_keep: (x) => x!.prod(0, true),
  prod_all: (x) => prod(x!),
  prod_with_zero: (x) => prod(x!, 1),
  max_dim1: (x) => max(x!, 1),
  max_dim0_keep: (x) => x!.max(0, true),
  max_all: (x) => max(x!),
  min_dim1: (x) => min(x!, 1),
  min_dim0_keep: (x) => x!.min(0, true),
  min_all: (x) => min(x!),
  var_dim1: (x) => variance(x!, 1),
  var_dim0_keep: (x) => x!.var(0, { keepDims: true }),
  var_all: (x) => variance(x!),
  var_dim1_population: (x) => variance(x!, 1, { correction: 0 }),
  std_dim1: (x) => std(x!, 1),
  std_dim0_keep: (x) => x!.std(0, { keepDims: true }),
  std_all: (x) => std(x!),
  std_dim1_population: (x) => std(x!, 1, { correction: 0 }),
  logsumexp_dim1: (x) => logsumexp(x!, 1),
  logsumexp_dim0_keep: (x) => x!.logsumexp(0, true),
  logsumexp_all: (x) => logsumexp(x!),
  logsumexp_large: (x) => logsumexp(x!, 1),
  argmax_dim1: (x) => argmax(x!, 1),
  argmax_dim0_keep: (x) => x!.argmax(0, true),
  argmax_all: (x) => argmax(x!),
  argmin_dim1: (x) => argmin(x!, 1),
  argmin_all: (x) => argmin(x!),
  // movement
  reshape: (x) => reshape(x!, [4, 6]),
  reshape_infer: (x) => x!.reshape(-1, 2),
  permute: (x) => permute(x!, [2, 0, 1]),
  permute_then_reshape: (x) => x!.permute(1, 2, 0).reshape(3, 8),
  transpose: (x) => transpose(x!, 0, 2),
  expand: (x) => expand(x!, [2, 3, 4]),
  squeeze: (x) => squeeze(x!),
  squeeze_dim: (x) => x!.squeeze(1),
  unsqueeze: (x) => unsqueeze(x!, 1),
  unsqueeze_neg: (x) => x!.unsqueeze(-1),
  slice_step: (x) => slice(x!, 1, 1, undefined, 2),
  slice_rows_step: (x) => index(x!, "0:4:3", "1:5"),
  slice_neg_bounds: (x) => x!.index("-3:", ":-2:3"),
  select: (x) => select(x!, 0, 2),
  flip: (x) => flip(x!, [0, 2]),
  cat_dim0: (a, b) => cat([a!, b!], 0),
  cat_dim1: (a, b, c) => cat([a!, b!, c!], 1),
  stack_dim0: (a, b) => stack([a!, b!], 0),
  stack_dim_last: (a, b) => stack([a!, b!], -1),
  split_size: (x) => split(x!, 2, 0),
  split_sizes: (x) => x!.split([1, 3, 1], 1),
  pad_constant: (x) => pad(x!, [1, 2], 0.5),
  pad_two_dims: (x) => x!.pad([0, 1, 2, 1]),
  gather_dim1: (x, i) => gather(x!, 1, i!),
  gather_dim0: (x, i) => x!.gather(0, i!),
  scatter_add_dim0: (b, i, s) => scatterAdd(b!, 0, i!, s!),
  scatter_add_dim1: (b, i, s) => b!.scatterAdd(1, i!, s!),
  index_select_dim0: (x, i) => indexSelect(x!, 0, i!),
  index_select_dim1: (x, i) => x!.indexSelect(1, i!),
  one_hot: (i) => oneHot(i!, 3),
  one_hot_2d: (i) => oneHot(i!, 5),
  // matmul
  matmul_2d: (a, b) => matmul(a!, b!),
  matmul_batched: (a, b) => matmul(a!, b!),
  matmul_batched_broadcast: (a, b) => matmul(a!, b!),
  matmul_batched_matrix: (a, b) => a!.matmul(b!),
  matmul_1d_1d: (a, b) => matmul(a!, b!),
  matmul_1d_2d: (a, b) => matmul(a!, b!),
  matmul_2d_1d: (a, b) => matmul(a!, b!),
  matmul_batched_1d: (a, b) => matmul(a!, b!),
  matmul_1d_batched: (a, b) => matmul(a!, b!),
  // activations
  relu_with_zeros: (x) => relu(x!),
  relu: (x) => x!.relu(),
  leaky_relu: (x) => leakyRelu(x!, 0.2),
  hardswish: (x) => hardswish(x!),
  hardsigmoid: (x) => hardsigmoid(x!),
  relu6: (x) => relu6(x!),
  elu: (x) => elu(x!),
  elu_alpha: (x) => x!.elu(0.5),
  selu: (x) => selu(x!),
  silu: (x) => silu(x!),
  mish: (x) => mish(x!),
  softplus: (x) => softplus(x!),
  softplus_beta: (x) => softplus(x!, 2),
  gelu: (x) => gelu(x!),
  gelu_tanh: (x) => gelu(x!, { approximate: "tanh" }),
  softmax_last: (x) => softmax(x!, -1),
  softmax_dim0: (x) => x!.softmax(0),
  softmax_large: (x) => softmax(x!),
  log_softmax_last: (x) => logSoftmax(x!, -1),
  log_softmax_dim0: (x) => x!.logSoftmax(0),
  log_softmax_large: (x) => logSoftmax(x!),
  // ops on non-contiguous views
  view_matmul_transposed: (a, b) => a!.T.matmul(b!),
  view_exp_of_flipped_slice: (x) => flip(x!, 1).slice(1, 0, undefined, 2).exp(),
  view_sum_of_permuted: (x) => x!.permute(2, 0, 1).sum(1),
  view_softmax_of_transposed: (x) => softmax(x!.T, -1),
  view_cat_of_transposed: (a, b) => cat([a!.T, b!], 1),
  view_mul_expanded_by_transposed: (a, b) => a!.expand(4, 3).mul(b!.T),
  // at the kinks, on purpose (PyTorch's conventions)
  kinks_relu: (x) => relu(x!),
  kinks_leaky_relu: (x) => leakyRelu(x!, 0.2),
  kinks_relu6: (x) => relu6(x!),
  kinks_hardsigmoid: (x) => hardsigmoid(x!),
  kinks_hardswish: (x) => hardswish(x!),
  kinks_elu: (x) => elu(x!, 0.5),
  kinks_selu: (x) => selu(x!),
  kinks_softplus: (x) => softplus(x!),
  kinks_clamp: (x) => clamp(x!, -1, 1),
  kinks_abs: (x) => abs(x!),
  kinks_maximum_ties: (a, b) => maximum(a!, b!),
  kinks_minimum_ties: (a, b) => minimum(a!, b!),
  kinks_amax_ties: (x) => max(x!, 1),
  kinks_amin_ties: (x) => min(x!, 1),
  kinks_max_all_ties: (x) => max(x!),
  kinks_min_all_ties: (x) => min(x!),
};

function unpack(p: Packed, requiresGrad = false): Tensor {
  const dtype: DType = p.dtype ?? "float32";
  return tensor(p.data, { shape: p.shape, dtype, requiresGrad: requiresGrad && dtype === "float32" });
}

/** Element-wise |actual − expected| ≤ atol + rtol·|expected|, reporting the first miss with its index. */
function assertClose(actual: Tensor | null, expected: Packed, what: string): void {
  assert.ok(actual !== null, `${what}: nabla gave no tensor (expected shape [${expected.shape}])`);
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  const got = actual.toFlatArray();
  for (let i = 0; i < got.length; i++) {
    const e = expected.data[i]!, a = got[i]!;
    const ok = Math.abs(a - e) <= ATOL + RTOL * Math.abs(e);
    if (!ok) assert.fail(`${what}: element ${i} is ${a}, PyTorch gives ${e} (|diff| ${Math.abs(a - e).toExponential(2)})`);
  }
}

for (const c of fixture.cases) {
  test(`parity: ${c.name}`, () => {
    const fn = NABLA[c.name];
    assert.ok(fn, `fixture case "${c.name}" has no nabla mapping in test/parity.test.ts; add one (the torch expression is in tools/make_core_fixtures.py)`);
    const xs = c.inputs.map((p) => unpack(p, true));
    const res = fn(...xs);
    const outs = Array.isArray(res) ? res : [res];
    assert.equal(outs.length, c.outputs.length, "number of outputs");
    outs.forEach((o, k) => assertClose(o, c.outputs[k]!, `output ${k}`));

    const terms = outs.flatMap((o, k) => (c.weights[k] ? [o.mul(unpack(c.weights[k]!)).sum()] : []));
    if (terms.length === 0) {
      assert.ok(c.grads.every((g) => g === null), "a case without float outputs cannot have gradients");
      return;
    }
    terms.reduce((a, b) => a.add(b)).backward();
    c.grads.forEach((g, i) => {
      if (g === null) return;
      const x = xs[i]!;
      assertClose(x.grad ?? x.mul(0).detach(), g, `gradient of input ${i}`);
    });
  });
}

test("parity: every nabla mapping has a fixture case (no stale entries)", () => {
  const names = new Set(fixture.cases.map((c) => c.name));
  const stale = Object.keys(NABLA).filter((n) => !names.has(n));
  assert.deepEqual(stale, [], `mappings without a fixture case: ${stale.join(", ")}; rerun tools/make_core_fixtures.py`);
  assert.ok(fixture.cases.length >= 150, `the fixture shrank to ${fixture.cases.length} cases`);
});
