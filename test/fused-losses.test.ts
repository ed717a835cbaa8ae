// The fused loss kernels (bceLoss, crossEntropyLoss and their backward passes) against the composite ops they
// replace, on both backends and both float dtypes: losses and gradients are equal bit for bit for every
// reduction, with weights and ignored targets, odd sizes (SIMD tails), views that are not contiguous and, on
// wasm, a length long enough for the chunked sum and 1 vs 2 threads. Inputs outside a kernel's domain fall
// back to the composite path (same values, same errors). Gradients and second derivatives pass gradcheck in
// float64 (the second through the composite backward that createGraph takes).
import { test } from "node:test";
import assert from "node:assert/strict";
import { getBackend } from "../src/backend/registry.js";
import { setNumThreads, getNumThreads } from "../src/backend/wasm/threads.js";
import * as F from "../src/nn/functional/losses.js";
import { gradcheck, gradgradcheck } from "../src/autograd/gradcheck.js";
import { rand, randn, randint, tensor } from "../src/ops/creation.js";
import { Generator } from "../src/random.js";
import { IndexError, ValueError } from "../src/errors.js";
import type { Tensor } from "../src/tensor.js";
import type { DType } from "../src/dtype.js";
import type { Reduction } from "../src/nn/functional/loss-checks.js";
import { onBackend } from "./helpers/backend.js";

const BACKENDS = ["ts", "wasm"] as const;
const DTYPES: DType[] = ["float32", "float64"];
const REDUCTIONS: Reduction[] = ["mean", "sum", "none"];
const LOSS_KERNELS = ["bceLoss", "bceLossBackward", "crossEntropyLoss", "crossEntropyLossBackward"] as const;


// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKernels = Record<string, any>;

/** Runs f with the loss kernels removed from the active backend: the composite path. */
function composite<T>(f: () => T): T {
  const k = getBackend().kernels as unknown as AnyKernels;
  const saved = LOSS_KERNELS.map((n) => k[n]);
  for (const n of LOSS_KERNELS) delete k[n];
  try {
    return f();
  } finally {
    LOSS_KERNELS.forEach((n, i) => (k[n] = saved[i]));
  }
}

/** Runs f counting calls of each loss kernel and how many forward calls answered null. */
function counting<T>(f: () => T): { result: T; calls: Record<string, number>; nulls: number } {
  const k = getBackend().kernels as unknown as AnyKernels;
  const saved = LOSS_KERNELS.map((n) => k[n]);
  const calls: Record<string, number> = {};
  let nulls = 0;
  LOSS_KERNELS.forEach((n, i) => {
    k[n] = (...args: unknown[]) => {
      calls[n] = (calls[n] ?? 0) + 1;
      const r = saved[i](...args);
      if (r === null) nulls++;
      return r;
    };
  });
  try {
    return { result: f(), calls, nulls };
  } finally {
    LOSS_KERNELS.forEach((n, i) => (k[n] = saved[i]));
  }
}

const flat = (t: Tensor): number[] => Array.from(t.toFlatArray() as ArrayLike<number>);
const sameBits = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** The loss and the input's gradient (a non-uniform upstream gradient for "none"). */
function lossAndGrad(x0: Tensor, reduction: Reduction, loss: (x: Tensor) => Tensor): [number[], number[]] {
  const x = x0.detach().requiresGrad_(true);
  const l = loss(x);
  if (reduction === "none") l.mul(randn(l.shape, { dtype: l.dtype, generator: new Generator(5) })).sum().backward();
  else l.mul(1.5).backward();
  return [flat(l), flat(x.grad!)];
}

/** Fused (one call of each kernel, no fallback) and composite give the same bits. */
function assertSameAsComposite(label: string, x0: Tensor, reduction: Reduction, loss: (x: Tensor) => Tensor, kernel: string): void {
  const { result: fused, calls, nulls } = counting(() => lossAndGrad(x0, reduction, loss));
  assert.equal(calls[kernel], 1, `${label}: the fused kernel ran`);
  assert.equal(calls[`${kernel}Backward`], 1, `${label}: the fused backward ran`);
  assert.equal(nulls, 0, `${label}: no fallback`);
  const comp = composite(() => lossAndGrad(x0, reduction, loss));
  assert.ok(sameBits(fused[0], comp[0]), `${label}: loss ${fused[0].slice(0, 4)} vs ${comp[0].slice(0, 4)}`);
  assert.ok(sameBits(fused[1], comp[1]), `${label}: gradient differs from the composite's`);
}

test("binaryCrossEntropy: the fused kernels equal the composite ops bit for bit", () => {
  for (const backend of BACKENDS) onBackend(backend, () => {
    for (const dtype of DTYPES) {
      const g = new Generator(1);
      for (const shape of [[1], [3], [37, 3], [8, 5]]) {
        const x = rand(shape, { dtype, generator: g }).mul(0.98).add(0.01);
        const y = rand(shape, { dtype, generator: g });
        const w = rand([shape[shape.length - 1]!], { dtype, generator: g });
        for (const reduction of REDUCTIONS) {
          const label = `${backend} ${dtype} ${shape} ${reduction}`;
          assertSameAsComposite(label, x, reduction, (z) => F.binaryCrossEntropy(z, y, { reduction }), "bceLoss");
          assertSameAsComposite(`${label} weight`, x, reduction, (z) => F.binaryCrossEntropy(z, y, { reduction, weight: w }), "bceLoss");
        }
      }
      // A transposed (not contiguous) input and target.
      const xt = rand([5, 8], { dtype, generator: g }).mul(0.9).add(0.05).transpose(0, 1);
      const yt = rand([5, 8], { dtype, generator: g }).gt(0.5).to(dtype).transpose(0, 1);
      assertSameAsComposite(`${backend} ${dtype} transposed`, xt, "mean", (z) => F.binaryCrossEntropy(z, yt), "bceLoss");
    }
  });
});

test("crossEntropy: the fused kernels equal the composite ops bit for bit (weights, ignoreIndex, every reduction)", () => {
  for (const backend of BACKENDS) onBackend(backend, () => {
    for (const dtype of DTYPES) {
      const g = new Generator(2);
      for (const [n, c] of [[1, 1], [3, 3], [33, 10], [7, 17]] as const) {
        const x = randn([n, c], { dtype, generator: g }).mul(4);
        const t = randint(0, c, [n], { generator: g });
        const w = rand([c], { dtype, generator: g }).add(0.1);
        // Some targets ignored (the default −100), and an ignoreIndex inside [0, C).
        const tIgnored = tensor(flat(t).map((k, i) => (i % 3 === 1 ? -100 : k)), { dtype: "int32" });
        for (const reduction of REDUCTIONS) {
          const label = `${backend} ${dtype} [${n},${c}] ${reduction}`;
          assertSameAsComposite(label, x, reduction, (z) => F.crossEntropy(z, t, { reduction }), "crossEntropyLoss");
          assertSameAsComposite(`${label} weight`, x, reduction, (z) => F.crossEntropy(z, t, { reduction, weight: w }), "crossEntropyLoss");
          assertSameAsComposite(`${label} ignored`, x, reduction, (z) => F.crossEntropy(z, tIgnored, { reduction, weight: w }), "crossEntropyLoss");
          assertSameAsComposite(`${label} ignoreIndex 0`, x, reduction, (z) => F.crossEntropy(z, t, { reduction, ignoreIndex: 0 }), "crossEntropyLoss");
        }
      }
      // Unbatched [C] input, and transposed logits.
      const v = randn([6], { dtype, generator: g });
      for (const reduction of REDUCTIONS) {
        assertSameAsComposite(`${backend} ${dtype} unbatched ${reduction}`, v, reduction, (z) => F.crossEntropy(z, tensor(4, { dtype: "int32" }), { reduction }), "crossEntropyLoss");
      }
      const xt = randn([5, 9], { dtype, generator: g });
      const tt = randint(0, 5, [9], { generator: g });
      assertSameAsComposite(`${backend} ${dtype} transposed`, xt, "mean", (z) => F.crossEntropy(z.transpose(0, 1), tt), "crossEntropyLoss");
    }
  });
});

test("wasm: long inputs (chunked sums) give the composite's bits on 1 and 2 threads", () => {
  onBackend("wasm", () => {
    const saved = getNumThreads();
    try {
      const g = new Generator(3);
      const x = rand([70001], { generator: g }).mul(0.98).add(0.01);
      const y = rand([70001], { generator: g });
      const logits = randn([9000, 10], { generator: g });
      const t = randint(0, 10, [9000], { generator: g });
      const runs = [1, 2].map((threads) => {
        setNumThreads(threads);
        for (const reduction of ["mean", "sum"] as const) {
          assertSameAsComposite(`bce ${threads} threads ${reduction}`, x, reduction, (z) => F.binaryCrossEntropy(z, y, { reduction }), "bceLoss");
          assertSameAsComposite(`ce ${threads} threads ${reduction}`, logits, reduction, (z) => F.crossEntropy(z, t, { reduction }), "crossEntropyLoss");
        }
        return [lossAndGrad(x, "mean", (z) => F.binaryCrossEntropy(z, y)), lossAndGrad(logits, "mean", (z) => F.crossEntropy(z, t))];
      });
      assert.ok(sameBits(runs[0]!.flat(2), runs[1]!.flat(2)), "1 and 2 threads agree");
    } finally {
      setNumThreads(saved);
    }
  });
});

test("outside the kernels' domain: the composite path, with its values and its errors", () => {
  for (const backend of BACKENDS) onBackend(backend, () => {
    // BCE: a clamped log (input 0 or 1) takes the composite; the kernel answered null.
    const x = tensor([0, 0.3, 1, 0.7]), y = tensor([1, 0, 0, 1]);
    const { result, nulls } = counting(() => lossAndGrad(x, "sum", (z) => F.binaryCrossEntropy(z, y, { reduction: "sum" })));
    assert.equal(nulls, 1);
    assert.ok(sameBits(result[0], composite(() => lossAndGrad(x, "sum", (z) => F.binaryCrossEntropy(z, y, { reduction: "sum" })))[0]));
    assert.ok(Math.abs(result[0][0]! - (200 - Math.log(0.7) - Math.log(0.7))) < 1e-4, `clamped at −100: ${result[0]}`);
    // The same errors as before: NaN input, input and target out of range.
    assert.throws(() => F.binaryCrossEntropy(tensor([0.5, NaN]), tensor([1, 0])), (e: unknown) =>
      e instanceof ValueError && /binaryCrossEntropy: NaN appeared in the input \(first at \[1\]/.test(e.message));
    assert.throws(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 0])), (e: unknown) =>
      e instanceof ValueError && /input values must lie in \[0, 1\], found 1.5 at \[1\]/.test(e.message));
    assert.throws(() => F.binaryCrossEntropy(tensor([0.5, 0.5]), tensor([1, 2])), (e: unknown) =>
      e instanceof ValueError && /target values must lie in \[0, 1\], found 2 at \[1\]/.test(e.message));
    // crossEntropy: a label out of range, a NaN logit (errors); an infinite logit (composite values).
    const i32 = (v: number[]) => tensor(v, { dtype: "int32" });
    assert.throws(() => F.crossEntropy(randn([2, 3]), i32([0, 3])), (e: unknown) =>
      e instanceof IndexError && /crossEntropy: target holds class index 3 at \[1\], but the input has C = 3 classes/.test(e.message));
    assert.throws(() => F.crossEntropy(tensor([[0, NaN]]), i32([0])), (e: unknown) =>
      e instanceof ValueError && /crossEntropy: NaN appeared in the input/.test(e.message));
    const inf = tensor([[1, Infinity, 0], [1, 2, 3]]);
    const r = counting(() => flat(F.crossEntropy(inf, i32([0, 2]), { reduction: "none" })));
    assert.equal(r.nulls, 1);
    assert.ok(sameBits(r.result, composite(() => flat(F.crossEntropy(inf, i32([0, 2]), { reduction: "none" })))));
  });
});

test("gradcheck and gradgradcheck (float64) of the fused losses, every reduction, both backends", () => {
  for (const backend of BACKENDS) onBackend(backend, () => {
    const g = new Generator(4);
    const p = rand([3, 4], { dtype: "float64", generator: g }).mul(0.8).add(0.1);
    const y = rand([3, 4], { dtype: "float64", generator: g });
    const w = rand([4], { dtype: "float64", generator: g }).add(0.5);
    const logits = randn([3, 4], { dtype: "float64", generator: g });
    const t = tensor([2, -100, 3], { dtype: "int32" });
    for (const reduction of REDUCTIONS) {
      const cases: [string, (z: Tensor) => Tensor, Tensor][] = [
        ["binaryCrossEntropy", (z) => F.binaryCrossEntropy(z, y, { reduction }), p],
        ["binaryCrossEntropy weight", (z) => F.binaryCrossEntropy(z, y, { reduction, weight: w }), p],
        ["crossEntropy", (z) => F.crossEntropy(z, t, { reduction }), logits],
        ["crossEntropy weight", (z) => F.crossEntropy(z, t, { reduction, weight: w }), logits],
      ];
      for (const [name, fn, x] of cases) {
        const f = reduction === "none" ? (z: Tensor) => fn(z).mul(tensor([0.5, -1, 2], { dtype: "float64" }).reshape(name.startsWith("cross") ? [3] : [3, 1])).sum() : fn;
        const calls = counting(() => gradcheck(f, [x])).calls;
        assert.ok((calls.bceLoss ?? calls.crossEntropyLoss ?? 0) > 0, `${backend} ${name}: the fused kernel ran`);
        const rep = gradcheck(f, [x]);
        assert.ok(rep.ok, `${backend} ${name} (${reduction}): ${rep.message}`);
        const rep2 = gradgradcheck(f, [x]);
        assert.ok(rep2.ok, `${backend} ${name} (${reduction}) second derivative: ${rep2.message}`);
      }
    }
  });
});

test("the loss kernels answer null outside their domain and compute the documented values inside it", () => {
  for (const backend of BACKENDS) onBackend(backend, () => {
    const k = getBackend().kernels;
    const v = (a: number[], dtype: DType = "float32") => tensor(a, { dtype });
    assert.equal(k.bceLoss!(v([0.5, 1]), v([1, 0]), "mean"), null);
    assert.equal(k.bceLoss!(v([0.5, 1e-41]), v([1, 0]), "mean"), null);
    assert.equal(k.bceLoss!(v([0.5, 0.5]), v([1, -0.5]), "mean"), null);
    const s = k.bceLoss!(v([0.9, 0.2], "float64"), v([1, 0], "float64"), "mean")!;
    const got = getBackend().read({ storage: s, shape: [], strides: [], offset: 0 })[0]!;
    assert.ok(Math.abs(got - -(Math.log(0.9) + Math.log(0.8)) / 2) < 1e-15, `bce mean ${got}`);
    const args = { weight: null, ignoreIndex: -100, reduction: "sum" as const };
    assert.equal(k.crossEntropyLoss!(v([0, 1, 2, 3]).reshape([2, 2]), tensor([0, 2], { dtype: "int32" }), args), null);
    assert.equal(k.crossEntropyLoss!(v([0, NaN, 2, 3]).reshape([2, 2]), tensor([0, 1], { dtype: "int32" }), args), null);
    const ce = k.crossEntropyLoss!(v([2, 0, 0], "float64").reshape([1, 3]), tensor([0], { dtype: "int32" }), args)!;
    const ceGot = getBackend().read({ storage: ce, shape: [], strides: [], offset: 0 })[0]!;
    assert.ok(Math.abs(ceGot - (Math.log(Math.exp(2) + 2) - 2)) < 1e-15, `ce ${ceGot}`);
  });
});
