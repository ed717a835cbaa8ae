/**
 * The op-spec table (PyTorch's OpInfo idea): one entry per differentiable op and input layout, each checked
 * by finite differences in float64, to first order (`gradcheck`) and second order (`gradgradcheck`).
 *
 * The second-order check runs on `y + y ⊙ y` (y = the spec's output). Its Hessian is `(1 + 2y)·y'' + 2·y'y'ᵀ`:
 * the first term checks the op's own second derivative, the second puts the op's backward inside a graph
 * that is differentiated again. (For a linear op such as reshape, y'' = 0 and a plain gradgradcheck would
 * compare zeros with zeros; for prod with two zeros, y = y' = 0 and squaring alone would hide y''.)
 *
 * Inputs come from a Generator seeded by the spec's name and stay away from kinks (|x| > 0.1 for abs,
 * positive for log/sqrt, off the corners of relu6/hardswish, ...). A coverage test at the end compares the
 * table with the exports of src/ops, so a new op without a spec fails here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor.js";
import { tensor } from "../src/ops/creation.js";
import { Generator } from "../src/random.js";
import { gradcheck, gradgradcheck, type GradcheckOptions } from "../src/autograd/gradcheck.js";
import { gradients } from "../src/autograd/functional.js";
import { Function, FunctionCtx } from "../src/autograd/function.js";
import { sizeOf, type Shape } from "../src/shape.js";
import * as E from "../src/ops/elementwise.js";
import * as R from "../src/ops/reduce.js";
import * as M from "../src/ops/movement.js";
import * as MM from "../src/ops/matmul.js";
import * as A from "../src/ops/activations.js";

type Sampler = (g: Generator) => number;

interface OpSpec {
  /** Unique label shown by the test runner. */
  name: string;
  /** The exported function this spec covers (for the coverage test). */
  op: string;
  /** Shapes of the float inputs; index tensors and constants live in `fn`. */
  inputs: Shape[];
  fn: (...xs: Tensor[]) => Tensor;
  /** How input elements are drawn: one sampler for all inputs or one per input (default N(0, 1)). */
  domain?: Sampler | Sampler[];
  /** Exact input values (flat, row-major) instead of random draws, per input (null = draw). */
  values?: (number[] | null)[];
  /** Tolerances for ops whose numerics need them (casts through float32). */
  tol?: GradcheckOptions;
}

// ---------------------------------------------------------------- samplers

const normal: Sampler = (g) => g.normal();
/** Uniform on [lo, hi), rejecting draws within `margin` of any point in `avoid` (kinks, poles). */
const uniform = (lo: number, hi: number, avoid: readonly number[] = [], margin = 0.1): Sampler => (g) => {
  for (;;) {
    const v = lo + (hi - lo) * g.random();
    if (avoid.every((a) => Math.abs(v - a) > margin)) return v;
  }
};
const positive = uniform(0.2, 2);
const awayFromZero = uniform(-2, 2, [0], 0.2);
/** Away from integers and half-integers (the jumps of floor, ceil and round). */
const offGrid = uniform(-3, 3, Array.from({ length: 13 }, (_, i) => -3 + i * 0.5), 0.05);

// ---------------------------------------------------------------- fixed index tensors

const int32 = (data: number[][] | number[]): Tensor => tensor(data, { dtype: "int32" });
const idx2x3 = () => int32([[0, 2, 0], [1, 1, 0]]);
const cond2x3 = () => tensor([[true, false, true], [false, false, true]]);

// ---------------------------------------------------------------- the table

const unary = (op: string, f: (x: Tensor) => Tensor, domain: Sampler = normal, extra: Partial<OpSpec> = {}): OpSpec[] => [
  { name: `${op} [2,3]`, op, inputs: [[2, 3]], fn: f, domain, ...extra },
  { name: `${op} scalar`, op, inputs: [[]], fn: f, domain, ...extra },
];

/** Binary ops over the broadcasting layouts: equal shapes, a trailing vector, two-sided broadcast, a plain number. */
const binary = (op: string, f: (a: Tensor | number, b: Tensor | number) => Tensor, domain: Sampler[] = [normal, normal], num = 1.5): OpSpec[] => [
  { name: `${op} [2,3]·[2,3]`, op, inputs: [[2, 3], [2, 3]], fn: (a, b) => f(a!, b!), domain },
  { name: `${op} [2,3]·[3]`, op, inputs: [[2, 3], [3]], fn: (a, b) => f(a!, b!), domain },
  { name: `${op} [2,1,3]·[4,1]`, op, inputs: [[2, 1, 3], [4, 1]], fn: (a, b) => f(a!, b!), domain },
  { name: `${op} []·[2,2]`, op, inputs: [[], [2, 2]], fn: (a, b) => f(a!, b!), domain },
  { name: `${op} tensor·number`, op, inputs: [[2, 3]], fn: (a) => f(a!, num), domain: domain[0]! },
  { name: `${op} number·tensor`, op, inputs: [[2, 3]], fn: (b) => f(num, b!), domain: domain[1]! },
];

const SPECS: OpSpec[] = [
  // ---- elementwise.ts: unary
  ...unary("neg", E.neg),
  ...unary("exp", E.exp),
  ...unary("log", E.log, positive),
  ...unary("sqrt", E.sqrt, positive),
  ...unary("recip", E.recip, uniform(-2, 2, [0], 0.3)),
  ...unary("sin", E.sin),
  ...unary("cos", E.cos),
  ...unary("tanh", E.tanh),
  ...unary("erf", E.erf),
  ...unary("expm1", E.expm1),
  ...unary("log1p", E.log1p, uniform(-0.8, 2)),
  ...unary("abs", E.abs, awayFromZero),
  ...unary("sigmoid", E.sigmoid),
  // Piecewise constant: the gradient is zero wherever it exists; checked off the jumps.
  ...unary("sign", E.sign, awayFromZero),
  ...unary("floor", E.floor, offGrid),
  ...unary("ceil", E.ceil, offGrid),
  ...unary("round", E.round, offGrid),
  // A float64 → float32 → float64 round trip: differences through float32 need a larger step.
  { name: "cast float64→float32→float64", op: "cast", inputs: [[2, 3]], fn: (x) => E.cast(E.cast(x, "float32"), "float64"), tol: { eps: 1e-2, atol: 1e-4 } },

  // ---- elementwise.ts: binary (broadcasting variants)
  ...binary("add", E.add),
  ...binary("sub", E.sub),
  ...binary("rsub", E.rsub),
  ...binary("mul", E.mul),
  ...binary("div", E.div, [normal, awayFromZero]),
  ...binary("pow", E.pow, [positive, normal], 1.7),
  { name: "pow x² (negative base, integer exponent)", op: "pow", inputs: [[2, 3]], fn: (x) => E.pow(x, 2) },
  { name: "pow x³", op: "pow", inputs: [[4]], fn: (x) => E.pow(x, 3) },
  ...binary("maximum", E.maximum),
  ...binary("minimum", E.minimum),
  { name: "where [2,3] cond, [3]·[2,1]", op: "where", inputs: [[3], [2, 1]], fn: (a, b) => E.where(cond2x3(), a!, b!) },
  { name: "where cond, tensor·number", op: "where", inputs: [[2, 3]], fn: (a) => E.where(cond2x3(), a!, 0.5) },
  { name: "where cond, number·tensor", op: "where", inputs: [[2, 3]], fn: (b) => E.where(cond2x3(), -1, b!) },
  { name: "clamp [min, max]", op: "clamp", inputs: [[3, 4]], fn: (x) => E.clamp(x, -0.5, 0.5), domain: uniform(-2, 2, [-0.5, 0.5]) },
  { name: "clamp min only", op: "clamp", inputs: [[3, 4]], fn: (x) => E.clamp(x, 0), domain: awayFromZero },
  { name: "clamp max only", op: "clamp", inputs: [[3, 4]], fn: (x) => E.clamp(x, null, 0.3), domain: uniform(-2, 2, [0.3]) },
  { name: "clamp tensor bounds", op: "clamp", inputs: [[2, 3], [3], [3]], fn: (x, lo, hi) => E.clamp(x!, lo!, E.add(hi!, 2)), domain: uniform(-3, 3) },

  // ---- reduce.ts
  { name: "sum all", op: "sum", inputs: [[2, 3]], fn: (x) => R.sum(x) },
  { name: "sum dim 1", op: "sum", inputs: [[2, 3]], fn: (x) => R.sum(x, 1) },
  { name: "sum dims [0,2] keepDims", op: "sum", inputs: [[2, 3, 2]], fn: (x) => R.sum(x, [0, 2], true) },
  { name: "mean all", op: "mean", inputs: [[2, 3]], fn: (x) => R.mean(x) },
  { name: "mean dim -1 keepDims", op: "mean", inputs: [[2, 3]], fn: (x) => R.mean(x, -1, true) },
  { name: "prod all", op: "prod", inputs: [[2, 3]], fn: (x) => R.prod(x), domain: awayFromZero },
  { name: "prod dim 1", op: "prod", inputs: [[2, 3]], fn: (x) => R.prod(x, 1), domain: awayFromZero },
  { name: "prod dim 1, one zero in a row", op: "prod", inputs: [[2, 3]], fn: (x) => R.prod(x, 1), values: [[1.5, 0, -2, 0.7, 1.2, -0.9]] },
  { name: "prod dim 1, two zeros in a row", op: "prod", inputs: [[2, 3]], fn: (x) => R.prod(x, 1), values: [[0, 1.3, 0, -0.8, 1.1, 2]] },
  { name: "prod all, two zeros", op: "prod", inputs: [[4]], fn: (x) => R.prod(x), values: [[0, 1.3, -0.6, 0]] },
  { name: "prod dims [0,2], two zeros in a slice", op: "prod", inputs: [[2, 2, 2]], fn: (x) => R.prod(x, [0, 2]), values: [[0, 1.2, 0.8, -1.1, 0.9, 0, 1.4, 0.6]] },
  { name: "prod all, three zeros", op: "prod", inputs: [[4]], fn: (x) => R.prod(x), values: [[0, 1.3, 0, 0]] },
  { name: "max all", op: "max", inputs: [[2, 3]], fn: (x) => R.max(x) },
  { name: "max dim 0 keepDims", op: "max", inputs: [[3, 2]], fn: (x) => R.max(x, 0, true) },
  { name: "min all", op: "min", inputs: [[2, 3]], fn: (x) => R.min(x) },
  { name: "min dim 1", op: "min", inputs: [[3, 2]], fn: (x) => R.min(x, 1) },
  { name: "variance all", op: "variance", inputs: [[2, 3]], fn: (x) => R.variance(x) },
  { name: "variance dim 1, correction 0", op: "variance", inputs: [[2, 3]], fn: (x) => R.variance(x, 1, { correction: 0 }) },
  { name: "std all", op: "std", inputs: [[2, 3]], fn: (x) => R.std(x) },
  { name: "std dim 0 keepDims", op: "std", inputs: [[3, 2]], fn: (x) => R.std(x, 0, { keepDims: true }) },
  { name: "logsumexp all", op: "logsumexp", inputs: [[2, 3]], fn: (x) => R.logsumexp(x) },
  { name: "logsumexp dim 1", op: "logsumexp", inputs: [[2, 3]], fn: (x) => R.logsumexp(x, 1) },

  // ---- movement.ts
  { name: "reshape [2,3]→[3,-1]", op: "reshape", inputs: [[2, 3]], fn: (x) => M.reshape(x, [3, -1]) },
  { name: "reshape of a transposed tensor", op: "reshape", inputs: [[2, 3]], fn: (x) => M.reshape(M.transpose(x), [6]) },
  { name: "view [2,3]→[6]", op: "view", inputs: [[2, 3]], fn: (x) => M.view(x, [6]) },
  { name: "flatten dims 1..2", op: "flatten", inputs: [[2, 2, 3]], fn: (x) => M.flatten(x, 1) },
  { name: "permute [2,0,1]", op: "permute", inputs: [[2, 3, 2]], fn: (x) => M.permute(x, [2, 0, 1]) },
  { name: "transpose 0,2", op: "transpose", inputs: [[2, 3, 2]], fn: (x) => M.transpose(x, 0, 2) },
  { name: "expand [3,1]→[2,3,4]", op: "expand", inputs: [[3, 1]], fn: (x) => M.expand(x, [2, 3, 4]) },
  { name: "squeeze", op: "squeeze", inputs: [[2, 1, 3]], fn: (x) => M.squeeze(x, 1) },
  { name: "unsqueeze -1", op: "unsqueeze", inputs: [[2, 3]], fn: (x) => M.unsqueeze(x, -1) },
  { name: "slice dim 1, 1:5:2", op: "slice", inputs: [[2, 6]], fn: (x) => M.slice(x, 1, 1, 5, 2) },
  { name: "select dim 0, -1", op: "select", inputs: [[3, 2]], fn: (x) => M.select(x, 0, -1) },
  { name: "flip dims [0,1]", op: "flip", inputs: [[2, 3]], fn: (x) => M.flip(x, [0, 1]) },
  { name: 'index(":", "1:3", -1)', op: "index", inputs: [[2, 4, 3]], fn: (x) => M.index(x, ":", "1:3", -1) },
  { name: 'index("...", null, 0)', op: "index", inputs: [[2, 3]], fn: (x) => M.index(x, "...", null, 0) },
  { name: "index integer array [2,0,2] (repeats accumulate)", op: "index", inputs: [[3, 2]], fn: (x) => M.index(x, [2, 0, 2]) },
  { name: 'index(":", [1,1,0])', op: "index", inputs: [[2, 3]], fn: (x) => M.index(x, ":", [1, 1, 0]) },
  { name: "cat of three along dim 1", op: "cat", inputs: [[2, 1], [2, 3], [2, 2]], fn: (a, b, c) => M.cat([a!, b!, c!], 1) },
  { name: "stack dim 1", op: "stack", inputs: [[2, 3], [2, 3]], fn: (a, b) => M.stack([a!, b!], 1) },
  { name: "split [1,2] along dim 1", op: "split", inputs: [[2, 3]], fn: (x) => { const [a, b] = M.split(x, [1, 2], 1); return M.cat([E.mul(a!, 2).flatten(), E.exp(b!).flatten()]); } },
  { name: "chunk 2 along dim 0", op: "chunk", inputs: [[5, 2]], fn: (x) => { const [a, b] = M.chunk(x, 2); return M.cat([E.mul(a!, 3), E.sin(b!)], 0); } },
  { name: "pad [1,2,0,1] with 0.5", op: "pad", inputs: [[2, 3]], fn: (x) => M.pad(x, [1, 2, 0, 1], 0.5) },
  { name: "gather dim 1", op: "gather", inputs: [[2, 4]], fn: (x) => M.gather(x, 1, idx2x3()) },
  { name: "gather dim 0", op: "gather", inputs: [[3, 3]], fn: (x) => M.gather(x, 0, int32([[2, 0, 1], [2, 2, 0]])) },
  { name: "scatterAdd dim 1 (base and src)", op: "scatterAdd", inputs: [[2, 4], [2, 3]], fn: (b, s) => M.scatterAdd(b!, 1, idx2x3(), s!) },
  { name: "indexSelect dim 1 [2,0,2]", op: "indexSelect", inputs: [[2, 3]], fn: (x) => M.indexSelect(x, 1, [2, 0, 2]) },
  { name: "contiguous of a transposed tensor", op: "contiguous", inputs: [[2, 3]], fn: (x) => M.contiguous(M.transpose(x)) },
  { name: "clone", op: "clone", inputs: [[2, 3]], fn: (x) => M.clone(x) },
  { name: "sumTo [2,3,4]→[3,1]", op: "sumTo", inputs: [[2, 3, 4]], fn: (x) => M.sumTo(x, [3, 1]) },

  // ---- matmul.ts
  { name: "matmul 1-D·1-D", op: "matmul", inputs: [[3], [3]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul 1-D·2-D", op: "matmul", inputs: [[3], [3, 2]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul 2-D·1-D", op: "matmul", inputs: [[2, 3], [3]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul 2-D·2-D", op: "matmul", inputs: [[2, 3], [3, 4]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul batched 3-D·3-D", op: "matmul", inputs: [[2, 2, 3], [2, 3, 2]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul batched 3-D·2-D", op: "matmul", inputs: [[2, 2, 3], [3, 2]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul 2-D·batched 3-D", op: "matmul", inputs: [[2, 3], [2, 3, 2]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul broadcast batch [2,1,2,3]·[3,3,2]", op: "matmul", inputs: [[2, 1, 2, 3], [3, 3, 2]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul batched 3-D·1-D", op: "matmul", inputs: [[2, 2, 3], [3]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul 1-D·batched 3-D", op: "matmul", inputs: [[3], [2, 3, 2]], fn: (a, b) => MM.matmul(a!, b!) },
  { name: "matmul of a transposed operand", op: "matmul", inputs: [[3, 2], [3, 2]], fn: (a, b) => MM.matmul(M.transpose(a!), b!) },
  // linear: x [..., K] · w [N, K]ᵀ + b [N], then an optional activation (one fused node).
  { name: "linear with bias", op: "linear", inputs: [[3, 2], [4, 2], [4]], fn: (x, w, b) => MM.linear(x!, w!, b!) },
  { name: "linear without bias", op: "linear", inputs: [[3, 2], [4, 2]], fn: (x, w) => MM.linear(x!, w!) },
  { name: "linear 3-D input", op: "linear", inputs: [[2, 2, 3], [2, 3], [2]], fn: (x, w, b) => MM.linear(x!, w!, b!) },
  { name: "linear 1-D input", op: "linear", inputs: [[3], [2, 3], [2]], fn: (x, w, b) => MM.linear(x!, w!, b!) },
  { name: "linear of a transposed input", op: "linear", inputs: [[2, 3], [4, 2]], fn: (x, w) => MM.linear(M.transpose(x!), w!) },
  { name: "linear + tanh", op: "linear", inputs: [[3, 2], [4, 2], [4]], fn: (x, w, b) => MM.linear(x!, w!, b!, "tanh") },
  { name: "linear + sigmoid", op: "linear", inputs: [[3, 2], [4, 2], [4]], fn: (x, w, b) => MM.linear(x!, w!, b!, "sigmoid") },
  // Small x and w, a bias far from 0: the pre-activations stay off relu's kink.
  {
    name: "linear + relu", op: "linear", inputs: [[3, 2], [4, 2], [4]], fn: (x, w, b) => MM.linear(x!, w!, b!, "relu"),
    domain: [uniform(-0.3, 0.3), uniform(-0.3, 0.3), normal], values: [null, null, [1, -1, 0.8, -0.9]],
  },
  { name: "dot", op: "dot", inputs: [[4], [4]], fn: (a, b) => MM.dot(a!, b!) },
  { name: "outer", op: "outer", inputs: [[3], [2]], fn: (a, b) => MM.outer(a!, b!) },

  // ---- activations.ts
  ...unary("identity", A.identity),
  ...unary("relu", A.relu, awayFromZero),
  { name: "leakyRelu slope 0.2", op: "leakyRelu", inputs: [[2, 3]], fn: (x) => A.leakyRelu(x, 0.2), domain: awayFromZero },
  ...unary("leakyRelu", A.leakyRelu, awayFromZero),
  ...unary("relu6", A.relu6, uniform(-2, 8, [0, 6])),
  ...unary("hardsigmoid", A.hardsigmoid, uniform(-5, 5, [-3, 3])),
  ...unary("hardswish", A.hardswish, uniform(-5, 5, [-3, 3])),
  ...unary("binaryStep", (x) => A.binaryStep(x), awayFromZero),
  ...unary("softplus", A.softplus, uniform(-3, 3)),
  { name: "softplus beta 2", op: "softplus", inputs: [[2, 3]], fn: (x) => A.softplus(x, 2), domain: awayFromZero },
  ...unary("elu", A.elu, awayFromZero),
  { name: "elu alpha 0.5", op: "elu", inputs: [[2, 3]], fn: (x) => A.elu(x, 0.5), domain: awayFromZero },
  ...unary("selu", A.selu, awayFromZero),
  ...unary("silu", A.silu),
  ...unary("mish", A.mish),
  ...unary("gelu", A.gelu),
  { name: "gelu tanh approximation", op: "gelu", inputs: [[2, 3]], fn: (x) => A.gelu(x, { approximate: "tanh" }) },
  { name: "softmax dim -1", op: "softmax", inputs: [[2, 3]], fn: (x) => A.softmax(x) },
  { name: "softmax dim 0", op: "softmax", inputs: [[3, 2]], fn: (x) => A.softmax(x, 0) },
  { name: "logSoftmax dim -1", op: "logSoftmax", inputs: [[2, 3]], fn: (x) => A.logSoftmax(x) },
  { name: "logSoftmax dim 0", op: "logSoftmax", inputs: [[3, 2]], fn: (x) => A.logSoftmax(x, 0) },
];

// ---------------------------------------------------------------- running the table

/** A 32-bit FNV-1a hash, so each spec has its own reproducible input stream. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function makeInputs(spec: OpSpec): Tensor[] {
  const g = new Generator(seedOf(spec.name));
  return spec.inputs.map((shape, i) => {
    const given = spec.values?.[i];
    const sampler = Array.isArray(spec.domain) ? spec.domain[i] ?? normal : spec.domain ?? normal;
    const data = given ? Float64Array.from(given) : Float64Array.from({ length: sizeOf(shape) }, () => sampler(g));
    assert.equal(data.length, sizeOf(shape), `${spec.name}: values for input ${i} do not fill shape [${shape}]`);
    return tensor(data, { shape });
  });
}

test("op specs have unique names", () => {
  const seen = new Set<string>();
  for (const s of SPECS) {
    assert.ok(!seen.has(s.name), `duplicate spec name "${s.name}"`);
    seen.add(s.name);
  }
});

for (const spec of SPECS) {
  test(`gradcheck + gradgradcheck: ${spec.name}`, () => {
    const inputs = makeInputs(spec);
    const first = gradcheck(spec.fn, inputs, spec.tol);
    assert.ok(first.ok, `${spec.name}: first order: ${first.message}`);
    assert.ok(first.checked > 0, `${spec.name}: no Jacobian entry was compared`);
    const withSquare = (...xs: Tensor[]): Tensor => {
      const y = spec.fn(...xs);
      return E.add(y, E.mul(y, y));
    };
    const second = gradgradcheck(withSquare, inputs, spec.tol);
    assert.ok(second.ok, `${spec.name}: second order: ${second.message}`);
  });
}

// ---------------------------------------------------------------- binaryStep's two gradient modes

test('binaryStep gradient "zero" gives exactly zero, "straight-through" gives the identity', () => {
  const x = tensor([-1.5, -0.2, 0, 0.3, 2], { dtype: "float64", requiresGrad: true });
  const v = tensor([0.5, -1, 2, 3, -4], { dtype: "float64" });
  const y0 = A.binaryStep(x);
  assert.deepEqual(y0.toFlatArray(), [0, 0, 1, 1, 1]);
  const [gZero] = gradients([y0], [x], { gradOutputs: [v] });
  assert.deepEqual(gZero!.toFlatArray().map((g) => g + 0), [0, 0, 0, 0, 0]); // + 0 folds −0 into 0
  const yS = A.binaryStep(x, { gradient: "straight-through" });
  assert.deepEqual(yS.toFlatArray(), [0, 0, 1, 1, 1]);
  const [gSte] = gradients([yS], [x], { gradOutputs: [v] });
  assert.deepEqual(gSte!.toFlatArray(), v.toFlatArray());
  // The straight-through estimator is deliberately not the true derivative: gradcheck must catch that.
  const report = gradcheck((t) => A.binaryStep(t, { gradient: "straight-through" }), [tensor([-0.7, 0.4, 1.2], { dtype: "float64" })]);
  assert.equal(report.ok, false, report.message);
  assert.match(report.message, /gradcheck failed/);
});

test("gradcheck reports a wrong backward (a deliberately broken custom Function)", () => {
  // d/dx of x² is 2x; this Function claims 3x. The check must fail and say where.
  class BadSquare extends Function {
    static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
      ctx.saveForBackward(x);
      return E.mul(x, x);
    }
    static override backward(ctx: FunctionCtx, dy: Tensor): Tensor[] {
      const [x] = ctx.savedTensors;
      return [E.mul(E.mul(dy, x!), 3)];
    }
  }
  const report = gradcheck((x) => BadSquare.apply(x), [tensor([1, 2], { dtype: "float64" })]);
  assert.equal(report.ok, false);
  assert.match(report.message, /gradcheck failed: input 0, element 1/);
  assert.ok(Math.abs(report.worst!.analytic - 6) < 1e-9 && Math.abs(report.worst!.numeric - 4) < 1e-4, report.message);
});

// ---------------------------------------------------------------- coverage

/** Exports of src/ops that are not differentiable ops, each with the reason; everything else needs a spec. */
const EXCEPTIONS: Record<string, Record<string, string>> = {
  elementwise: {
    eq: "comparison (bool result)", ne: "comparison (bool result)", lt: "comparison (bool result)",
    le: "comparison (bool result)", gt: "comparison (bool result)", ge: "comparison (bool result)",
    isnan: "predicate (bool result)", isfinite: "predicate (bool result)",
    logicalNot: "logical (bool result)", logicalAnd: "logical (bool result)", logicalOr: "logical (bool result)",
    assertFloat: "argument check, not an op", broadcastOperands: "helper used by every binary op",
    activationGrad: "the fused backward of tanh/sigmoid/relu/linear (covered through them)",
  },
  reduce: { argmax: "int32 indices", argmin: "int32 indices" },
  movement: {
    oneHot: "int32 labels in, constant out",
    applyPlan: "internal view primitive behind slice/select/flip/index (covered through them)",
    rangeSpec: "slice-bound arithmetic, returns metadata",
  },
  matmul: {},
  activations: {},
};

test("every exported op of src/ops has a spec (or a listed reason not to)", () => {
  const modules: Record<string, Record<string, unknown>> = { elementwise: E, reduce: R, movement: M, matmul: MM, activations: A };
  const covered = new Set(SPECS.map((s) => s.op));
  const missing: string[] = [];
  for (const [mod, ns] of Object.entries(modules)) {
    const fns = Object.keys(ns).filter((k) => typeof ns[k] === "function");
    const except = EXCEPTIONS[mod]!;
    for (const name of Object.keys(except)) {
      assert.ok(fns.includes(name), `EXCEPTIONS lists ${mod}.${name}, which src/ops/${mod}.ts no longer exports; remove it`);
      assert.ok(!covered.has(name), `${mod}.${name} has a spec and is also listed as an exception`);
    }
    for (const k of fns) if (!(k in except) && !covered.has(k)) missing.push(`${mod}.${k}`);
  }
  assert.deepEqual(missing, [], `ops without a gradcheck spec: ${missing.join(", ")}; add a spec to SPECS (or an exception with a reason)`);
  const allExports = new Set(Object.values(modules).flatMap((ns) => Object.keys(ns)));
  for (const op of covered) assert.ok(allExports.has(op), `spec op "${op}" is not exported by src/ops`);
});
