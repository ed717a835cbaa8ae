// Threads of the wasm backend: every threaded kernel (matmul split by rows and by columns, element-wise,
// where, reductions split by rows, by columns and in fixed pieces) gives bit-identical results on 1 and 2
// threads, and agrees with the TS reference backend; a training step's gradients are bit-identical too.
// Then the process-level behaviour in child processes: idle workers do not keep Node alive, and without
// SharedArrayBuffer the backend runs on one thread instead of failing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { backendName, getBackend, setBackend } from "../src/backend/registry.js";
import type { WasmBackend } from "../src/backend/wasm/backend.js";
import { getNumThreads, setNumThreads } from "../src/backend/wasm/threads.js";
import { randn, tensor } from "../src/ops/creation.js";
import { Generator } from "../src/random.js";
import type { Tensor } from "../src/tensor.js";

const env = { ...process.env };
delete env.NODE_TEST_CONTEXT;

/** Runs f on the wasm backend with 1 thread and with 2, returning both results as flat arrays. */
function onThreadCounts(make: () => Tensor[], f: (...xs: Tensor[]) => Tensor | Tensor[]): { one: number[][]; two: number[][]; ts: number[][] } {
  const before = backendName();
  const saved = getNumThreads();
  try {
    setBackend("ts");
    const tsIn = make();
    const flat = (r: Tensor | Tensor[]): number[][] => (Array.isArray(r) ? r : [r]).map((t) => Array.from(t.toFlatArray() as ArrayLike<number>));
    const ts = flat(f(...tsIn));
    setBackend("wasm");
    const wIn = make();
    setNumThreads(1);
    const one = flat(f(...wIn));
    setNumThreads(2);
    const two = flat(f(...wIn));
    assert.equal((getBackend("wasm") as WasmBackend).threads, 2, "two threads were in use");
    return { one, two, ts };
  } finally {
    setNumThreads(saved);
    setBackend(before);
  }
}

const sameBits = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
function close(a: number[], b: number[], rtol: number, atol = 0): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Object.is(a[i], b[i]) || Math.abs(a[i]! - b[i]!) <= atol + rtol * Math.abs(b[i]!);
    if (!ok) assert.fail(`element ${i}: ${a[i]} vs ${b[i]} (rtol ${rtol})`);
  }
}

const seeded = (seed: number, ...shapes: number[][]): (() => Tensor[]) => () => {
  const g = new Generator(seed);
  return shapes.map((s) => randn(s, { generator: g }));
};

const CASES: { name: string; make: () => Tensor[]; f: (...xs: Tensor[]) => Tensor | Tensor[]; rtol: number; atol?: number }[] = [
  { name: "matmul split by rows (300×500·500×200)", make: seeded(1, [300, 500], [500, 200]), f: (a, b) => a!.matmul(b!), rtol: 1e-4, atol: 1e-4 },
  { name: "matmul split by columns (5×300·300×2000)", make: seeded(2, [5, 300], [300, 2000]), f: (a, b) => a!.matmul(b!), rtol: 1e-4, atol: 1e-4 },
  { name: "matmul with transposed operands (Aᵀ·B, A·Bᵀ)", make: seeded(3, [257, 130], [257, 70], [90, 130]), f: (a, b, c) => [a!.T.matmul(b!), a!.matmul(c!.T)], rtol: 1e-4, atol: 1e-4 },
  { name: "batched matmul", make: seeded(4, [3, 100, 120], [3, 120, 90]), f: (a, b) => a!.matmul(b!), rtol: 1e-4, atol: 1e-4 },
  { name: "unary exp/tanh/sigmoid/sqrt on 200,003 elements (odd tail)", make: seeded(5, [200003]), f: (x) => [x!.exp(), x!.tanh(), x!.sigmoid(), x!.abs().sqrt()], rtol: 3e-7 },
  { name: "unary on a transposed view and logicalNot", make: seeded(6, [400, 300]), f: (x) => [x!.T.neg(), x!.T.exp(), x!.round().eq(0)], rtol: 3e-7 },
  { name: "binary: same shape, row broadcast, column broadcast, scalar, comparisons", make: seeded(7, [512, 300], [300], [512, 1]),
    f: (a, b, c) => [a!.add(b!), a!.mul(c!), a!.sub(a!.max(1, true)), a!.div(3), a!.gt(b!), a!.pow(2)], rtol: 1e-6 },
  { name: "binary on one long row (split by columns)", make: seeded(8, [300001], [300001]), f: (a, b) => [a!.add(b!), a!.maximum(b!), a!.le(b!)], rtol: 0 },
  { name: "where", make: seeded(9, [400, 400], [400, 400]), f: (a, b) => a!.gt(0).where(a!, b!), rtol: 0 },
  { name: "reductions split by rows (last axis, 400×300)", make: seeded(10, [400, 300]), f: (x) => [x!.sum(1), x!.max(1), x!.argmax(1), x!.prod(1)], rtol: 1e-5, atol: 1e-5 },
  { name: "reductions split by columns (axis 0, 300×400)", make: seeded(11, [300, 400]), f: (x) => [x!.sum(0), x!.min(0), x!.argmin(0)], rtol: 1e-5, atol: 1e-5 },
  { name: "long reductions in fixed pieces (1,000,003 elements; 3 rows of 100,000)", make: seeded(12, [1000003], [3, 100000]),
    f: (x, y) => [x!.sum(), x!.max(), x!.min(), x!.mean(), y!.sum(1), y!.max(1)], rtol: 2e-5, atol: 2e-3 },
];

for (const c of CASES) {
  test(`threads: ${c.name} — 1 and 2 threads bit-identical, TS within tolerance`, () => {
    const { one, two, ts } = onThreadCounts(c.make, c.f);
    one.forEach((o, i) => assert.ok(sameBits(o, two[i]!), `output ${i} differs between 1 and 2 threads`));
    one.forEach((o, i) => close(o, ts[i]!, c.rtol, c.atol ?? 0));
  });
}

test("threads: a long sum in fixed pieces is accurate (vs float64) and the same on every thread count", () => {
  // 2,000,000 values of 0.1: a single float32 accumulator would drift visibly; pieces of 16,384 do not.
  const { one, two } = onThreadCounts(() => [tensor(new Float32Array(2_000_000).fill(0.1))], (x) => x!.sum());
  assert.ok(sameBits(one[0]!, two[0]!));
  const exact = 2_000_000 * Math.fround(0.1);
  assert.ok(Math.abs(one[0]![0]! - exact) / exact < 1e-5, `sum ${one[0]![0]} vs ${exact}`);
});

test("threads: an MLP training step gives bit-identical loss and gradients on 1 and 2 threads", () => {
  const make = (): Tensor[] => {
    const g = new Generator(42);
    return [randn([256, 784], { generator: g }), randn([784, 256], { generator: g }).mul(0.05).requiresGrad_(), randn([256, 10], { generator: g }).mul(0.05).requiresGrad_()];
  };
  const step = (x: Tensor, w1: Tensor, w2: Tensor): Tensor[] => {
    w1.zeroGrad();
    w2.zeroGrad();
    const loss = x.matmul(w1).relu().matmul(w2).logSoftmax(1).mean().neg();
    loss.backward();
    return [loss, w1.grad!, w2.grad!];
  };
  const { one, two, ts } = onThreadCounts(make, (x, w1, w2) => step(x!, w1!, w2!));
  one.forEach((o, i) => assert.ok(sameBits(o, two[i]!), `output ${i} differs`));
  one.forEach((o, i) => close(o, ts[i]!, 1e-3, 1e-5));
});

test("threads: setNumThreads validates its argument", () => {
  assert.throws(() => setNumThreads(0), /setNumThreads: n must be an integer from 1 to 64, got 0/);
  assert.throws(() => setNumThreads(1.5), /got 1.5/);
});

test("threads: idle workers do not keep a Node process alive", () => {
  const code = `import { setBackend, getBackend } from "./src/backend/registry.js";
import { setNumThreads } from "./src/backend/wasm/threads.js";
import { randn } from "./src/ops/creation.js";
setBackend("wasm"); setNumThreads(2);
randn([300, 300]).matmul(randn([300, 300])).sum().item();
console.log("threads " + getBackend().threads);`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8", env, timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /threads 2/);
  assert.ok(Date.now() - t0 < 30_000);
});

test("threads: without SharedArrayBuffer the backend runs on one thread (detected, not crashed)", () => {
  const code = `delete globalThis.SharedArrayBuffer;
const { setBackend, getBackend } = await import("./src/backend/registry.js");
const { setNumThreads } = await import("./src/backend/wasm/threads.js");
const { sharedMemorySupported } = await import("./src/backend/wasm/module.js");
const { randn } = await import("./src/ops/creation.js");
const { Generator } = await import("./src/random.js");
setBackend("wasm"); setNumThreads(2);
const g = new Generator(1);
const a = randn([300, 500], { generator: g }), b = randn([500, 200], { generator: g });
const s = a.matmul(b).sum().item() + randn([200003], { generator: g }).exp().sum().item();
console.log(JSON.stringify({ supported: sharedMemorySupported(), shared: getBackend().shared, threads: getBackend().threads, s }));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8", env, timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { supported: boolean; shared: boolean; threads: number; s: number };
  assert.deepEqual({ supported: out.supported, shared: out.shared, threads: out.threads }, { supported: false, shared: false, threads: 1 });
  // The same computation here, on shared memory and two threads: the same bits.
  const before = backendName();
  setBackend("wasm");
  const saved = getNumThreads();
  setNumThreads(2);
  try {
    const g = new Generator(1);
    const a = randn([300, 500], { generator: g }), b = randn([500, 200], { generator: g });
    const s = a.matmul(b).sum().item() + randn([200003], { generator: g }).exp().sum().item();
    assert.equal(out.s, s);
  } finally {
    setNumThreads(saved);
    setBackend(before);
  }
});
