/**
 * Autograd behaviour (accumulation, graph freeing, grad modes, functional transforms, higher order, deep
 * graphs, memory) and the random generator (Philox known answers, seeding, streams, moments).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Tensor } from "../src/tensor.js";
import { rand, randint, randn, randperm, tensor } from "../src/ops/creation.js";
import { noGrad, enableGrad, isGradEnabled } from "../src/autograd/grad-mode.js";
import { grad, gradients, valueAndGrad } from "../src/autograd/functional.js";
import { GradError } from "../src/errors.js";
import { Generator, manualSeed, getDefaultGenerator, philox4x32 } from "../src/random.js";

const close = (actual: number, expected: number, tol = 1e-9, what = "value"): void =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
const closeAll = (actual: number[], expected: number[], tol = 1e-9): void => {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => close(a, expected[i]!, tol, `element ${i}`));
};
const f64 = (data: number[] | number, requiresGrad = false): Tensor => tensor(data, { dtype: "float64", requiresGrad });

// ---------------------------------------------------------------- accumulation and graph lifetime

test("backward twice on fresh graphs accumulates into .grad; zeroGrad resets it", () => {
  const x = f64([1, 2, 3], true);
  x.pow(2).sum().backward();
  closeAll(x.grad!.toFlatArray(), [2, 4, 6]);
  x.mul(3).sum().backward();
  closeAll(x.grad!.toFlatArray(), [5, 7, 9]);
  x.zeroGrad();
  assert.equal(x.grad, null);
  x.sum().backward();
  closeAll(x.grad!.toFlatArray(), [1, 1, 1]);
});

test("fan-out: a tensor used twice gets the sum of both paths", () => {
  const x = f64(3, true);
  const y = x.mul(x).add(x.sin()); // dy/dx = 2x + cos x
  y.backward();
  close(x.grad!.item(), 6 + Math.cos(3));
});

test("a second backward through a freed graph throws a GradError naming retainGraph", () => {
  const x = f64([1, 2], true);
  const y = x.exp().sum();
  y.backward();
  assert.throws(() => y.backward(), (e: unknown) => e instanceof GradError && /retainGraph/.test(e.message) && /already freed/.test(e.message));
});

test("with retainGraph the same graph backpropagates twice and the gradients add", () => {
  const x = f64([1, 2], true);
  const y = x.exp().sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  closeAll(x.grad!.toFlatArray(), [2 * Math.E, 2 * Math.exp(2)]);
});

test("retainGrad() gives a non-leaf its .grad; other non-leaves stay null", () => {
  const x = f64([1, -2], true);
  const h = x.mul(3).retainGrad();
  const k = h.add(1);
  k.pow(2).sum().backward();
  closeAll(h.grad!.toFlatArray(), [2 * 4, 2 * -5]); // d/dh (h+1)² = 2(h+1)
  assert.equal(k.grad, null);
  closeAll(x.grad!.toFlatArray(), [24, -30]);
});

test("detach() shares values but cuts the graph", () => {
  const x = f64([2, 5], true);
  const d = x.detach();
  assert.equal(d.requiresGrad, false);
  assert.ok(d.isLeaf);
  assert.equal(d.storage, x.storage);
  x.mul(d).sum().backward(); // d is a constant: gradient is d, not 2x
  closeAll(x.grad!.toFlatArray(), [2, 5]);
});

test("noGrad records nothing, enableGrad turns recording back on, and the mode is restored after a throw", () => {
  const x = f64([1, 2], true);
  assert.equal(isGradEnabled(), true);
  const y = noGrad(() => {
    assert.equal(isGradEnabled(), false);
    const inner = enableGrad(() => x.mul(2));
    assert.equal(inner.requiresGrad, true);
    assert.equal(inner.gradFn, "mul");
    return x.mul(2);
  });
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.throws(() => noGrad(() => { throw new Error("boom"); }), /boom/);
  assert.equal(isGradEnabled(), true);
});

// ---------------------------------------------------------------- functional transforms and higher order

test("valueAndGrad returns f and its gradients; argnums picks arguments", () => {
  const f = (a: Tensor, b: Tensor): Tensor => a.mul(b).sum().add(b.pow(2).sum());
  const a = f64([1, 2]), b = f64([3, -1]);
  const [v, [ga, gb]] = valueAndGrad(f)(a, b);
  close(v.item(), 3 - 2 + 9 + 1);
  assert.equal(v.requiresGrad, false);
  closeAll(ga!.toFlatArray(), [3, -1]);
  closeAll(gb!.toFlatArray(), [1 + 6, 2 - 2]);
  const [, only] = valueAndGrad(f, { argnums: [1] })(a, b);
  assert.equal(only.length, 1);
  closeAll(only[0]!.toFlatArray(), [7, 0]);
  const [gOnlyA] = grad(f, { argnums: [0] })(a, b);
  closeAll(gOnlyA!.toFlatArray(), [3, -1]);
  // The arguments themselves are untouched: no requiresGrad, no .grad.
  assert.equal(a.requiresGrad, false);
  assert.equal(a.grad, null);
});

test("grad(grad(f)): x³ → 6x, and tanh, sigmoid, exp (where TF.js fails)", () => {
  const xs = [-1.3, -0.2, 0.5, 2];
  const x = f64(xs);
  // f acts element-wise, so Σ f'(x) has gradient f''(x): grad of (the sum of grad f).
  const d = (f: (t: Tensor) => Tensor) => (t: Tensor): Tensor => grad((u: Tensor) => f(u).sum())(t);
  const second = (f: (t: Tensor) => Tensor) => d(d(f))(x).toFlatArray();
  closeAll(second((t) => t.pow(3)), xs.map((v) => 6 * v));
  closeAll(second((t) => t.tanh()), xs.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)));
  const s = (v: number) => 1 / (1 + Math.exp(-v));
  closeAll(second((t) => t.sigmoid()), xs.map((v) => s(v) * (1 - s(v)) * (1 - 2 * s(v))));
  closeAll(second((t) => t.exp()), xs.map(Math.exp));
});

test("third derivative of sin is −cos (grad applied three times)", () => {
  const xs = [0, 0.7, -2.1];
  const d = (f: (t: Tensor) => Tensor) => (t: Tensor): Tensor => grad((u: Tensor) => f(u).sum())(t);
  const d3 = d(d(d((t) => t.sin())))(f64(xs));
  closeAll(d3.toFlatArray(), xs.map((v) => -Math.cos(v)));
});

test("gradients with createGraph returns a differentiable gradient", () => {
  const x = f64([0.5, -1.5], true);
  const y = x.pow(3).sum();
  const [g] = gradients([y], [x], { createGraph: true });
  assert.ok(g!.requiresGrad);
  closeAll(g!.toFlatArray(), [0.75, 6.75]);
  assert.equal(x.grad, null); // gradients() does not touch .grad
  g!.sum().backward(); // d/dx Σ 3x² = 6x
  closeAll(x.grad!.toFlatArray(), [3, -9]);
  // Without createGraph the result is a constant.
  const [g2] = gradients([x.pow(3).sum()], [x]);
  assert.equal(g2!.requiresGrad, false);
});

test("a 10,000-op chain backpropagates without stack overflow", () => {
  const x = f64(1.5, true);
  let y = x;
  for (let i = 0; i < 10_000; i++) y = y.mul(1.0001);
  y.backward();
  close(y.item(), 1.5 * 1.0001 ** 10_000, 1e-10);
  close(x.grad!.item(), 1.0001 ** 10_000, 1e-10);
  const z = f64(0, true);
  let w = z;
  for (let i = 0; i < 10_000; i++) w = w.add(1);
  w.backward();
  assert.equal(w.item(), 10_000);
  assert.equal(z.grad!.item(), 1);
});

// ---------------------------------------------------------------- random numbers

test("philox4x32 matches the Random123 known-answer vectors", () => {
  const hex = (words: number[]) => words.map((w) => (w >>> 0).toString(16).padStart(8, "0"));
  assert.deepEqual(hex(philox4x32([0, 0, 0, 0], [0, 0])), ["6627e8d5", "e169c58d", "bc57ac4c", "9b00dbd8"]);
  const f = 0xffffffff;
  assert.deepEqual(hex(philox4x32([f, f, f, f], [f, f])), ["408f276d", "41c83b0e", "a20bc7c6", "6d5451fd"]);
  assert.deepEqual(
    hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ["d16cfe09", "94fdcceb", "5001e420", "24126ea1"],
  );
});

test("manualSeed(123) makes rand, randn, randint and randperm repeat exactly", () => {
  const draw = () => {
    manualSeed(123);
    return [rand([5]).toFlatArray(), randn([5]).toFlatArray(), randint(0, 10, [6]).toFlatArray(), randperm(8).toFlatArray()];
  };
  const a = draw(), b = draw();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[0], a[1]);
  assert.deepEqual([...a[3]!].sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7]);
  for (const v of a[2]!) assert.ok(Number.isInteger(v) && v >= 0 && v < 10);
  manualSeed(124);
  assert.notDeepEqual(rand([5]).toFlatArray(), a[0]);
});

test("an explicit Generator is independent of the global one", () => {
  manualSeed(5);
  const globalOnly = rand([4]).toFlatArray();
  manualSeed(5);
  const mine = rand([3], { generator: new Generator(42) }).toFlatArray(); // must not advance the global stream
  assert.deepEqual(rand([4]).toFlatArray(), globalOnly);
  // ... and the global one does not disturb it.
  const g = new Generator(42);
  manualSeed(9);
  rand([10]);
  assert.deepEqual(rand([3], { generator: g }).toFlatArray(), mine);
  assert.notEqual(getDefaultGenerator(), g);
});

test("split() gives distinct, reproducible streams", () => {
  const parent = new Generator(1);
  const c1 = parent.split(), c2 = parent.split();
  const take = (g: Generator) => Array.from({ length: 8 }, () => g.nextUint32());
  const s1 = take(c1), s2 = take(c2), sp = take(parent);
  assert.notDeepEqual(s1, s2);
  assert.notDeepEqual(s1, sp);
  assert.notDeepEqual(s2, sp);
  const again = new Generator(1);
  assert.deepEqual(take(again.split()), s1);
  assert.deepEqual(take(again.split()), s2);
});

test("randn over 100k draws has mean ≈ 0 and std ≈ 1; rand has mean ≈ 1/2", () => {
  const n = 100_000;
  const z = randn([n], { dtype: "float64", generator: new Generator(2024) });
  const mean = z.mean().item(), std = z.std().item();
  // Standard error of the mean is 1/√n ≈ 0.0032; of the std ≈ 0.0022. Allow about 4 of them.
  assert.ok(Math.abs(mean) < 0.013, `randn mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 0.01, `randn std ${std}`);
  const u = rand([n], { dtype: "float64", generator: new Generator(2025) });
  assert.ok(Math.abs(u.mean().item() - 0.5) < 0.004, `rand mean ${u.mean().item()}`);
  assert.ok(u.min().item() >= 0 && u.max().item() < 1);
});

// ---------------------------------------------------------------- memory

interface MemoryReport { heapAtProbe: number; heapAtEnd: number; firstLoss: number; lastLoss: number }

function runTraining(args: string[]): Promise<MemoryReport> {
  const script = fileURLToPath(new URL("./helpers/memory-train.ts", import.meta.url));
  const root = fileURLToPath(new URL("..", import.meta.url));
  return new Promise((resolve, reject) => {
    // The JS heap is the whole story on the TS backend, which this test is about (the wasm backend's own
    // memory test is test/backend-wasm-memory.test.ts), so the child runs on "ts".
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", script, ...args], { cwd: root, env: { ...process.env, NABLA_BACKEND: "ts" } });
    let out = "", err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`memory-train exited with ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split("\n").pop()!) as MemoryReport);
    });
  });
}

test("memory stays flat over 2,000 training steps with no dispose() (and a leak is detected)", async () => {
  const MB = 1024 * 1024;
  const [flat, leaky] = await Promise.all([runTraining(["2000", "500"]), runTraining(["1000", "250", "leak"])]);
  assert.ok(flat.lastLoss < flat.firstLoss / 2, `training should make progress: ${flat.firstLoss} → ${flat.lastLoss}`);
  const growth = flat.heapAtEnd - flat.heapAtProbe;
  assert.ok(growth < 3 * MB, `heap grew by ${(growth / MB).toFixed(2)} MB between step 500 and step 2000`);
  // Control: keeping every loss (and its graph) alive must show up with the same measurement.
  const leakGrowth = leaky.heapAtEnd - leaky.heapAtProbe;
  assert.ok(leakGrowth > 3 * MB, `the leaking control grew only ${(leakGrowth / MB).toFixed(2)} MB; the test cannot see leaks`);
});
