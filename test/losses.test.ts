import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gradcheck, gradgradcheck, randn, rand, tensor, Tensor, Generator, noGrad, type DType, type NestedArray } from "../src/index.js";
import { oneHot } from "../src/ops/movement.js";
import * as F from "../src/nn/functional/losses.js";
import {
  BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, HingeEmbeddingLoss, HuberLoss, KLDivLoss, L1Loss,
  MSELoss, MultiMarginLoss, NLLLoss, SmoothL1Loss,
} from "../src/nn/losses.js";
import { DTypeError, IndexError, ShapeError, ValueError } from "../src/errors.js";

// ---------------------------------------------------------------- PyTorch fixtures

interface Enc { shape: number[]; dtype?: DType; data: number[] }
interface Case { name: string; fn: string; args: Enc[]; options: Record<string, unknown>; out: Enc; gradOut: Enc | null; grads: Enc[] }
const fixtures = JSON.parse(readFileSync(new URL("./fixtures/losses.json", import.meta.url), "utf8")) as { cases: Case[] };

const dec = (e: Enc, requiresGrad = false): Tensor => tensor(e.data, { dtype: e.dtype ?? "float32", shape: e.shape, requiresGrad });
const isEnc = (v: unknown): v is Enc => typeof v === "object" && v !== null && "data" in v && "shape" in v;

/** |a − e| ≤ 1e-5·|e| + 1e-7 element-wise (1e-7 only absorbs float32 rounding of values that are ~0). */
function assertClose(actual: Tensor, expected: Enc, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.toFlatArray();
  expected.data.forEach((e, i) => {
    const err = Math.abs(a[i]! - e);
    assert.ok(err <= 1e-5 * Math.abs(e) + 1e-7, `${what}[${i}]: got ${a[i]}, PyTorch ${e} (|diff| ${err.toExponential(2)})`);
  });
}

type AnyLoss = (...args: any[]) => Tensor;
const FNS: Record<string, AnyLoss> = F as unknown as Record<string, AnyLoss>;

for (const c of fixtures.cases) {
  test(`PyTorch parity: ${c.name}`, () => {
    const args = c.args.map((e, i) => dec(e, i < c.grads.length));
    const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, isEnc(v) ? dec(v) : v]));
    const fn = FNS[c.fn];
    assert.ok(fn, `no loss function named ${c.fn}`);
    const out = fn(...args, options);
    assertClose(out, c.out, "loss");
    if (c.gradOut) out.backward(dec(c.gradOut));
    else out.backward();
    c.grads.forEach((g, i) => assertClose(args[i]!.grad!, g, `grad of argument ${i}`));
  });
}

test("the fixtures cover every loss and reduction", () => {
  const seen = new Set(fixtures.cases.map((c) => `${c.fn}:${String(c.options.reduction)}`));
  for (const fn of ["mseLoss", "l1Loss", "huberLoss", "smoothL1Loss", "binaryCrossEntropy", "binaryCrossEntropyWithLogits",
    "crossEntropy", "nllLoss", "klDiv", "multiMarginLoss", "hingeEmbeddingLoss", "cosineEmbeddingLoss"]) {
    for (const r of ["mean", "sum", "none"]) assert.ok(seen.has(`${fn}:${r}`), `${fn} with reduction ${r}`);
  }
  assert.ok(seen.has("klDiv:batchmean"));
});

// ---------------------------------------------------------------- hand maths

const i32 = (a: NestedArray): Tensor => tensor(a, { dtype: "int32" });
const near = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

test("values by hand (the doc examples)", () => {
  near(F.mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5])).item(), 4 / 3);
  near(F.l1Loss(tensor([1, 2, 3]), tensor([1, 2, 5]), { reduction: "sum" }).item(), 2);
  near(F.huberLoss(tensor([0, 3]), tensor([0.5, 0])).item(), 1.3125);
  near(F.smoothL1Loss(tensor([0, 3]), tensor([0.5, 0]), { beta: 2 }).item(), (0.0625 + 2) / 2);
  near(F.binaryCrossEntropy(tensor([0.9, 0.2]), tensor([1, 0])).item(), -(Math.log(0.9) + Math.log(0.8)) / 2);
  const s = (z: number) => 1 / (1 + Math.exp(-z));
  near(F.binaryCrossEntropyWithLogits(tensor([2.2, -1.4]), tensor([1, 0])).item(), -(Math.log(s(2.2)) + Math.log(1 - s(-1.4))) / 2);
  near(F.klDiv(tensor([[0.5, 0.5]]).log(), tensor([[0.9, 0.1]]), { reduction: "batchmean" }).item(), 0.9 * Math.log(1.8) + 0.1 * Math.log(0.2));
  near(F.nllLoss(tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]).log(), i32([0, 2])).item(), -(Math.log(0.7) + Math.log(0.8)) / 2);
  near(F.crossEntropy(tensor([[2, 0, 0]]), i32([0])).item(), Math.log(Math.exp(2) + 2) - 2);
  near(F.multiMarginLoss(tensor([[0.1, 0.2, 0.4, 0.8]]), i32([3])).item(), 0.325);
  near(F.hingeEmbeddingLoss(tensor([0.3, 0.4]), tensor([1, -1])).item(), 0.45);
  near(F.cosineEmbeddingLoss(tensor([[1, 0]]), tensor([[1, 1]]), tensor([1])).item(), 1 - Math.SQRT1_2);
});

test("crossEntropy's gradient is (softmax − onehot)/N", () => {
  const x = tensor([[1, 2, 3], [0.5, -1, 2]], { requiresGrad: true });
  F.crossEntropy(x, i32([2, 0])).backward();
  const p = noGrad(() => x.softmax(1)).toArray() as number[][];
  const g = x.grad!.toArray() as number[][];
  [[0, 0, 1], [1, 0, 0]].forEach((oh, i) => oh.forEach((o, j) => near(g[i]![j]!, (p[i]![j]! - o) / 2)));
});

test("binaryCrossEntropyWithLogits stays finite and exact for huge logits where sigmoid + BCE saturates", () => {
  const x = tensor([100, -100], { requiresGrad: true });
  const l = F.binaryCrossEntropyWithLogits(x, tensor([0, 1]), { reduction: "sum" });
  near(l.item(), 200);
  l.backward();
  assert.deepEqual(x.grad!.toFlatArray(), [1, -1]);
  // On probabilities the logs are clamped at −100 (PyTorch's rule), and the gradient there is 0, not NaN.
  const p = tensor([0, 1, 1, 0], { requiresGrad: true });
  const b = F.binaryCrossEntropy(p, tensor([1, 0, 1, 0]), { reduction: "none" });
  assert.deepEqual(b.toFlatArray().map((v) => v + 0), [100, 100, 0, 0]);
  b.sum().backward();
  assert.ok(p.grad!.toFlatArray().every(Number.isFinite));
});

test("crossEntropy: labelSmoothing equals probability targets (1 − ε)·onehot + ε/C", () => {
  const x = randn([5, 4], { generator: new Generator(1) });
  const t = i32([0, 3, 1, 1, 2]);
  const probs = oneHot(t, 4).mul(0.8).add(0.2 / 4);
  near(F.crossEntropy(x, t, { labelSmoothing: 0.2 }).item(), F.crossEntropy(x, probs).item(), 1e-6);
  near(F.crossEntropy(x, t, { labelSmoothing: 0.2 }).item(), F.crossEntropy(x, oneHot(t, 4), { labelSmoothing: 0.2 }).item(), 1e-6);
});

test("crossEntropy: ignored targets add nothing and leave the mean's denominator", () => {
  const x = randn([4, 3], { generator: new Generator(2), requiresGrad: true });
  const full = F.crossEntropy(x, i32([0, 1, 2, 1]), { reduction: "none" }).toFlatArray();
  const l = F.crossEntropy(x, i32([0, -100, 2, -100]));
  near(l.item(), (full[0]! + full[2]!) / 2);
  l.backward();
  assert.deepEqual((x.grad!.toArray() as number[][])[1], [0, 0, 0]);
  assert.ok(Number.isNaN(F.crossEntropy(x, i32([-100, -100, -100, -100])).item()), "all ignored: 0/0 = NaN, as PyTorch");
});

test("losses keep float64", () => {
  const x = randn([3, 2], { dtype: "float64" });
  assert.equal(F.mseLoss(x, x.mul(2)).dtype, "float64");
  assert.equal(F.crossEntropy(x, i32([0, 1, 1])).dtype, "float64");
  assert.equal(F.binaryCrossEntropyWithLogits(x, rand([3, 2], { dtype: "float64" })).dtype, "float64");
});

// ---------------------------------------------------------------- gradcheck (float64)

test("gradcheck in float64: every loss, every reduction", () => {
  const g = new Generator(7);
  const r = (shape: number[]) => randn(shape, { dtype: "float64", generator: g });
  const u = (shape: number[], lo: number, hi: number) => rand(shape, { dtype: "float64", generator: g }).mul(hi - lo).add(lo);
  const y = r([3, 4]);
  const probs = u([3, 4], 0.1, 0.9);
  const t = i32([2, 0, 3]);
  const w = u([4], 0.5, 2);
  type R = "mean" | "sum" | "none";
  // Inputs are drawn away from the kinks of l1/huber/hinge losses, where finite differences are meaningless.
  const cases: [string, (x: Tensor, reduction: R) => Tensor, Tensor][] = [
    ["mseLoss", (x, reduction) => F.mseLoss(x, y, { reduction }), r([3, 4])],
    ["l1Loss", (x, reduction) => F.l1Loss(x, y, { reduction }), y.add(u([3, 4], 0.1, 1))],
    ["huberLoss", (x, reduction) => F.huberLoss(x, y, { delta: 0.7, reduction }), r([3, 4]).mul(2)],
    ["smoothL1Loss", (x, reduction) => F.smoothL1Loss(x, y, { beta: 0.7, reduction }), r([3, 4]).mul(2)],
    ["binaryCrossEntropy", (x, reduction) => F.binaryCrossEntropy(x, probs, { weight: w, reduction }), u([3, 4], 0.05, 0.95)],
    ["binaryCrossEntropyWithLogits", (x, reduction) => F.binaryCrossEntropyWithLogits(x, probs, { weight: w, posWeight: w.flip(0), reduction }), r([3, 4]).mul(3)],
    ["crossEntropy index", (x, reduction) => F.crossEntropy(x, i32([2, -100, 3]), { weight: w, labelSmoothing: 0.1, reduction }), r([3, 4])],
    ["crossEntropy probs", (x, reduction) => F.crossEntropy(x, probs.softmax(1), { weight: w, reduction }), r([3, 4])],
    ["crossEntropy [N,C,d]", (x, reduction) => F.crossEntropy(x, i32([[1, 0], [3, 2]]), { reduction }), r([2, 4, 2])],
    ["nllLoss", (x, reduction) => F.nllLoss(x, t, { weight: w, reduction }), r([3, 4])],
    ["klDiv", (x, reduction) => F.klDiv(x, probs.softmax(1), { reduction }), r([3, 4])],
    ["klDiv logTarget", (x, reduction) => F.klDiv(x, probs.softmax(1).log(), { logTarget: true, reduction }), r([3, 4])],
    ["multiMarginLoss p=1", (x, reduction) => F.multiMarginLoss(x, t, { weight: w, reduction }), r([3, 4])],
    ["multiMarginLoss p=2", (x, reduction) => F.multiMarginLoss(x, t, { p: 2, margin: 0.5, reduction }), r([3, 4])],
    ["hingeEmbeddingLoss", (x, reduction) => F.hingeEmbeddingLoss(x, tensor([1, -1, -1, 1, -1], { dtype: "float64" }), { margin: 2, reduction }), u([5], 0.1, 1.5)],
    ["cosineEmbeddingLoss", (x, reduction) => F.cosineEmbeddingLoss(x, y, tensor([1, -1, 1], { dtype: "float64" }), { margin: -0.5, reduction }), r([3, 4])],
  ];
  for (const [name, fn, x] of cases) {
    for (const reduction of ["mean", "sum", "none"] as const) {
      const rep = gradcheck((xx) => fn(xx, reduction), [x]);
      assert.ok(rep.ok, `${name} (${reduction}): ${rep.message}`);
      assert.ok(rep.checked >= x.size, `${name} (${reduction}): nothing checked`);
    }
  }
  const rep = gradcheck((x) => F.klDiv(x, probs.softmax(1), { reduction: "batchmean" }), [r([3, 4])]);
  assert.ok(rep.ok, `klDiv (batchmean): ${rep.message}`);
});

test("second derivatives (gradgradcheck in float64) of crossEntropy, BCE with logits and huberLoss", () => {
  const g = new Generator(11);
  const x = randn([3, 4], { dtype: "float64", generator: g });
  const p = rand([3, 4], { dtype: "float64", generator: g });
  for (const [name, fn] of [
    ["crossEntropy", (z: Tensor) => F.crossEntropy(z, i32([1, 0, 3]), { labelSmoothing: 0.1 })],
    ["binaryCrossEntropyWithLogits", (z: Tensor) => F.binaryCrossEntropyWithLogits(z, p, { posWeight: tensor([1, 2, 3, 4]) })],
    ["huberLoss", (z: Tensor) => F.huberLoss(z, p.mul(3), { delta: 0.5 })],
  ] as const) {
    const rep = gradgradcheck(fn, [x]);
    assert.ok(rep.ok, `${name}: ${rep.message}`);
  }
});

// ---------------------------------------------------------------- errors name the loss, the values and a fix

const throwsWith = (fn: () => unknown, type: new (...a: any[]) => Error, ...parts: (string | RegExp)[]): void =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    for (const p of parts) {
      if (typeof p === "string") assert.ok((e as Error).message.includes(p), `message lacks "${p}": ${(e as Error).message}`);
      else assert.match((e as Error).message, p);
    }
    return true;
  });

test("errors: shape mismatch between input and target", () => {
  throwsWith(() => F.mseLoss(randn([4, 1]), randn([4])), ShapeError, "mseLoss", "[4,1]", "[4]", "reshape");
  throwsWith(() => F.l1Loss(randn([4, 2]), randn([3, 2])), ShapeError, "l1Loss", "[4,2]", "[3,2]");
  throwsWith(() => F.binaryCrossEntropyWithLogits(randn([4, 2]), rand([4])), ShapeError, "binaryCrossEntropyWithLogits", "[4,2]");
  throwsWith(() => F.klDiv(randn([2, 3]), rand([3, 2])), ShapeError, "klDiv");
  throwsWith(() => F.crossEntropy(randn([4, 3]), i32([0, 1, 2])), ShapeError, "crossEntropy", "[3]", "[4]");
  throwsWith(() => F.crossEntropy(randn([2, 3, 5]), i32([0, 1])), ShapeError, "crossEntropy", "[2,5]");
  throwsWith(() => F.multiMarginLoss(randn([4, 3]), i32([0, 1])), ShapeError, "multiMarginLoss", "[4]");
  throwsWith(() => F.cosineEmbeddingLoss(randn([4, 3]), randn([4, 3]), tensor([1, -1])), ShapeError, "cosineEmbeddingLoss", "[4]");
  throwsWith(() => F.binaryCrossEntropy(rand([2, 3]), rand([2, 3]), { weight: rand([2]) }), ShapeError, "binaryCrossEntropy", "weight", "[2]");
  throwsWith(() => F.crossEntropy(randn([2, 3]), i32([0, 1]), { weight: rand([4]) }), ShapeError, "crossEntropy", "weight", "[3]", "[4]");
});

test("errors: class index ≥ C or < 0 names the index and C", () => {
  throwsWith(() => F.crossEntropy(randn([3, 4]), i32([0, 4, 1])), IndexError, "crossEntropy", "class index 4", "C = 4", "[1]");
  throwsWith(() => F.crossEntropy(randn([3, 4]), i32([0, -1, 1])), IndexError, "crossEntropy", "class index -1", "ignoreIndex = -100");
  throwsWith(() => F.nllLoss(randn([2, 3]).logSoftmax(1), i32([3, 0])), IndexError, "nllLoss", "class index 3", "C = 3", "Subtract 1");
  throwsWith(() => F.multiMarginLoss(randn([2, 3]), i32([0, 5])), IndexError, "multiMarginLoss", "class index 5", "C = 3");
  // ignoreIndex itself is allowed, also outside [0, C)
  assert.ok(Number.isFinite(F.crossEntropy(randn([3, 4]), i32([0, 9, 1]), { ignoreIndex: 9 }).item()));
});

test("errors: BCE targets and inputs outside [0, 1]", () => {
  throwsWith(() => F.binaryCrossEntropy(tensor([0.5, 0.2]), tensor([1, 2])), ValueError, "binaryCrossEntropy", "target", "[0, 1]", "found 2");
  throwsWith(() => F.binaryCrossEntropy(tensor([0.5, 1.3]), tensor([1, 0])), ValueError, "binaryCrossEntropy", "input", "1.3", "sigmoid", "binaryCrossEntropyWithLogits");
  throwsWith(() => F.binaryCrossEntropy(tensor([-0.1, 0.3]), tensor([1, 0])), ValueError, "input", "-0.1");
  throwsWith(() => F.binaryCrossEntropyWithLogits(tensor([3, -2]), tensor([1, -1])), ValueError, "binaryCrossEntropyWithLogits", "target", "found -1");
});

test("errors: NaN in the predictions names the loss and suggests a fix", () => {
  const bad = tensor([0.3, NaN, 0.2]);
  throwsWith(() => F.binaryCrossEntropy(bad, tensor([1, 0, 1])), ValueError, "binaryCrossEntropy", "NaN appeared in the input", "[1]", "learning rate", "binaryCrossEntropyWithLogits");
  throwsWith(() => F.mseLoss(bad, tensor([1, 0, 1])), ValueError, "mseLoss", "NaN appeared in the input", "learning rate");
  throwsWith(() => F.crossEntropy(tensor([[0, NaN]]), i32([1])), ValueError, "crossEntropy", "NaN appeared in the input", "[0,1]");
  throwsWith(() => F.binaryCrossEntropyWithLogits(bad, tensor([1, 0, 1])), ValueError, "binaryCrossEntropyWithLogits", "NaN");
  throwsWith(() => F.nllLoss(tensor([[0, NaN]]), i32([1])), ValueError, "nllLoss", "NaN", "logSoftmax");
  throwsWith(() => F.klDiv(bad, tensor([0.2, 0.3, 0.5])), ValueError, "klDiv", "NaN");
  throwsWith(() => F.multiMarginLoss(tensor([[0, NaN]]), i32([1])), ValueError, "multiMarginLoss", "NaN");
  throwsWith(() => F.hingeEmbeddingLoss(bad, tensor([1, -1, 1])), ValueError, "hingeEmbeddingLoss", "NaN");
  throwsWith(() => F.cosineEmbeddingLoss(tensor([[NaN, 1]]), tensor([[1, 1]]), tensor([1])), ValueError, "cosineEmbeddingLoss", "NaN");
  throwsWith(() => F.mseLoss(tensor([1, 2]), tensor([NaN, 1])), ValueError, "mseLoss", "NaN appeared in the target", "missing values");
});

test("errors: float targets for index-form crossEntropy with the wrong shape; int targets where probabilities are expected", () => {
  throwsWith(() => F.crossEntropy(randn([3, 4]), tensor([0, 1, 2])), DTypeError, "crossEntropy", "float32", "int32", "target.int()", "[3,4]");
  throwsWith(() => F.nllLoss(randn([3, 4]), tensor([0, 1, 2])), DTypeError, "nllLoss", "target.int()");
  throwsWith(() => F.crossEntropy(randn([2, 3]), i32([[0, 1, 0], [1, 0, 0]])), ShapeError, "crossEntropy", "one-hot", "argmax(1)", "target.float()");
  throwsWith(() => F.binaryCrossEntropy(rand([3]), i32([0, 1, 1])), DTypeError, "binaryCrossEntropy", "int32", "target.float()");
  throwsWith(() => F.binaryCrossEntropyWithLogits(randn([3]), i32([0, 1, 1])), DTypeError, "binaryCrossEntropyWithLogits", "target.float()");
  throwsWith(() => F.klDiv(randn([3]), i32([0, 1, 0])), DTypeError, "klDiv", "target.float()");
  throwsWith(() => F.multiMarginLoss(randn([2, 3]), tensor([0, 1])), DTypeError, "multiMarginLoss", "int32");
  throwsWith(() => F.crossEntropy(randn([2, 3]), tensor([[0.2, -0.1, 0.9], [0, 0, 1]])), ValueError, "crossEntropy", "probabilities");
  throwsWith(() => F.klDiv(randn([3]), tensor([-1.2, -0.5, -2])), ValueError, "klDiv", "logTarget: true");
});

test("errors: bad options and input dtypes", () => {
  throwsWith(() => F.mseLoss(randn([2]), randn([2]), { reduction: "avg" as "mean" }), ValueError, "mseLoss", '"avg"');
  throwsWith(() => F.klDiv(randn([2]), rand([2]), { reduction: "batch" as "mean" }), ValueError, '"batchmean"');
  throwsWith(() => F.huberLoss(randn([2]), randn([2]), { delta: 0 }), ValueError, "huberLoss", "delta");
  throwsWith(() => F.smoothL1Loss(randn([2]), randn([2]), { beta: -1 }), ValueError, "smoothL1Loss", "beta");
  throwsWith(() => F.crossEntropy(randn([2, 3]), i32([0, 1]), { labelSmoothing: 1.5 }), ValueError, "labelSmoothing", "1.5");
  throwsWith(() => F.multiMarginLoss(randn([2, 3]), i32([0, 1]), { p: 3 as 1 }), ValueError, "multiMarginLoss", "p must be 1 or 2");
  throwsWith(() => F.mseLoss(i32([1, 2]), tensor([1, 2])), DTypeError, "mseLoss", "input", "int32", ".float()");
  throwsWith(() => F.hingeEmbeddingLoss(rand([2]), tensor([1, 0])), ValueError, "hingeEmbeddingLoss", "found 0", "mul(2).sub(1)");
  throwsWith(() => F.crossEntropy(tensor(1), i32(0)), ShapeError, "crossEntropy", "class dimension");
});

// ---------------------------------------------------------------- classes

test("loss classes hold their options and equal the functions", () => {
  const g = new Generator(3);
  const x = randn([4, 3], { generator: g }), y = randn([4, 3], { generator: g });
  const p = rand([4, 3], { generator: g }), t = i32([0, 2, 1, 2]), w = rand([3], { generator: g }).add(0.5);
  const same = (a: Tensor, b: Tensor) => assert.deepEqual(a.toFlatArray(), b.toFlatArray());
  same(new MSELoss().call(x, y), F.mseLoss(x, y));
  same(new L1Loss({ reduction: "sum" }).call(x, y), F.l1Loss(x, y, { reduction: "sum" }));
  same(new HuberLoss({ delta: 0.3 }).call(x, y), F.huberLoss(x, y, { delta: 0.3 }));
  same(new SmoothL1Loss({ beta: 0.3, reduction: "none" }).call(x, y), F.smoothL1Loss(x, y, { beta: 0.3, reduction: "none" }));
  same(new BCELoss({ weight: w }).call(p, p), F.binaryCrossEntropy(p, p, { weight: w }));
  same(new BCEWithLogitsLoss({ posWeight: w }).call(x, p), F.binaryCrossEntropyWithLogits(x, p, { posWeight: w }));
  same(new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1, ignoreIndex: 1 }).call(x, t),
    F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.1, ignoreIndex: 1 }));
  same(new NLLLoss({ weight: w }).forward(x.logSoftmax(1), t), F.nllLoss(x.logSoftmax(1), t, { weight: w }));
  same(new KLDivLoss({ reduction: "batchmean" }).call(x.logSoftmax(1), p), F.klDiv(x.logSoftmax(1), p, { reduction: "batchmean" }));
  same(new MultiMarginLoss({ p: 2, margin: 0.5 }).call(x, t), F.multiMarginLoss(x, t, { p: 2, margin: 0.5 }));
  const s = tensor([1, -1, 1, -1]);
  same(new HingeEmbeddingLoss({ margin: 0.5 }).call(p.sum(1), s), F.hingeEmbeddingLoss(p.sum(1), s, { margin: 0.5 }));
  same(new CosineEmbeddingLoss({ margin: 0.1 }).call(x, y, s), F.cosineEmbeddingLoss(x, y, s, { margin: 0.1 }));
});

test("loss classes: class weights are buffers (in stateDict, not parameters); repr shows the options", () => {
  const w = tensor([1, 2, 3]);
  const ce = new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
  assert.deepEqual(Object.keys(ce.stateDict()), ["weight"]);
  assert.equal(ce.parameters().length, 0);
  assert.equal(ce.toString(), "CrossEntropyLoss(ignoreIndex=-100, labelSmoothing=0.1, reduction=mean)");
  assert.deepEqual(Object.keys(new MSELoss().stateDict()), []);
  assert.deepEqual(Object.keys(new BCEWithLogitsLoss({ posWeight: w }).stateDict()), ["posWeight"]);
  throwsWith(() => new MSELoss({ reduction: "batchmean" as "mean" }), ValueError, "MSELoss", "batchmean");
  throwsWith(() => new CrossEntropyLoss({ labelSmoothing: -0.1 }), ValueError, "CrossEntropyLoss", "labelSmoothing");
});
