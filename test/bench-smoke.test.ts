// Smoke test of the benchmark workloads (bench/): tiny in-process versions of W1–W4 for nabla on both
// backends, checking that they run and return sane numbers — never timings (benchmarks are not tests) —
// plus the report's ratio and target logic on made-up numbers, and the seeded data helpers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setNumThreads } from "../src/backend/wasm/index.js";
import { setBackend } from "../src/backend/registry.js";
import { manualSeed, rand, randint } from "../src/index.js";
import { mulberry32, permutation, uniform } from "../bench/lib/random.js";
import { summarize } from "../bench/lib/stats.js";
import { runW1 } from "../bench/w1-matmul.js";
import { w2Nabla, w3Nabla } from "../bench/w2-mlp-nabla.js";
import { moonsHost, w4Nabla } from "../bench/w4-moons-nabla.js";
import { renderMarkdown, targets, w2Ratios, w4Ratios, type Collected } from "../bench/report.js";

/** The configurations the suite measures: the TS backend, and the wasm backend on 1 and 2 threads. */
const CONFIGS = [{ backend: "ts", threads: 1 }, { backend: "wasm", threads: 1 }, { backend: "wasm", threads: 2 }] as const;

/** Random data shaped like Fashion-MNIST: n images of 784 pixels in [0, 1), int32 labels in 0..9. */
function fakeFashion(n: number) {
  return { x: rand([n, 784]), y: randint(0, 10, [n], { dtype: "int32" }) };
}

test("mulberry32 matches the Python version in bench/torch_bench.py; permutation is a permutation", () => {
  const r = mulberry32(42);
  // Printed by torch_bench.py's mulberry32(42) (the same integer arithmetic, masked to 32 bits).
  assert.deepEqual([r(), r(), r()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  const u = uniform(1000, 1);
  assert.ok(u.every((v) => v >= 0 && v < 1));
  const p = permutation(1000, mulberry32(7));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual([...p.subarray(0, 20)], Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual(summarize([3, 1, 2, 10]), { min: 1, median: 2.5, max: 10, runs: [3, 1, 2, 10] });
});

test("W1 (small shapes, nabla wasm on 1 and 2 threads, ts): products checked against float64, positive GFLOP/s", async () => {
  const shapes = [{ m: 9, k: 17, n: 5 }, { m: 8, k: 8, n: 8, transB: true }, { m: 96, k: 200, n: 130 }];
  const r = await runW1({ systems: ["nabla-wasm-1t", "nabla-wasm-2t", "nabla-ts"], shapes, runs: 2, runSeconds: 0.005 });
  setNumThreads(1);
  assert.equal(r.rows.length, 9);
  assert.equal(r.threads["nabla-wasm-2t"], 2);
  for (const row of r.rows) {
    assert.ok(row.maxRelErr < 1e-5, `${row.system} ${row.shape}: ${row.maxRelErr}`);
    assert.equal(row.gflops.runs.length, 2);
    assert.ok(row.gflops.runs.every((g) => g > 0 && Number.isFinite(g)));
  }
  assert.ok(r.ratios["9x17x5"]!["nabla-wasm-1t/nabla-ts"]! > 0);
});

for (const { backend, threads } of CONFIGS) {
  const name = backend === "wasm" ? `wasm, ${threads} thread${threads > 1 ? "s" : ""}` : backend;
  // (W2 on wasm runs at 2 threads only: the ts backend is slow, and one wasm configuration is enough here.)
  if (!(backend === "wasm" && threads === 1)) test(`W2 + W3 on ${name}: 3 batches of fake Fashion-MNIST per epoch, last partial batch kept`, () => {
    setBackend(backend);
    setNumThreads(threads);
    manualSeed(0);
    const train = fakeFashion(300), test = fakeFashion(100);
    const epochs: number[] = [];
    const { result, model } = w2Nabla(train, test, { epochs: 2, onEpoch: (e) => epochs.push(e) });
    assert.deepEqual(epochs, [1, 2]);
    assert.equal(result.stepsPerEpoch, 3); // 128 + 128 + 44
    assert.equal(result.samplesPerEpoch, 300);
    assert.equal(result.epochSeconds.length, 2);
    assert.ok(result.samplesPerSecond > 0 && Number.isFinite(result.samplesPerSecond));
    // Random labels: the loss stays near ln 10 ≈ 2.30 and accuracy near chance.
    assert.ok(result.finalLoss > 1.5 && result.finalLoss < 3.5, `loss ${result.finalLoss}`);
    assert.ok(result.testAccuracy >= 0 && result.testAccuracy <= 1);
    if (backend === "wasm") { // (the ts backend is slow: one training there is enough)
      const capped = w2Nabla(train, test, { epochs: 1, maxSteps: 2 }).result;
      assert.equal(capped.stepsPerEpoch, 2);
      assert.equal(capped.samplesPerEpoch, 256);
    }
    const w3 = w3Nabla(model, test, { warmup: 0, runs: 2, batchSize: 40 });
    assert.equal(w3.batches, 3);
    assert.equal(w3.imagesPerSecond.runs.length, 2);
    assert.ok(w3.imagesPerSecond.runs.every((v) => v > 0 && Number.isFinite(v)));
    setBackend("ts");
  });

  test(`W4 on ${name}: 20 full-batch SGD steps on the fixed two moons lower the BCE`, () => {
    setBackend(backend);
    setNumThreads(threads);
    manualSeed(0);
    const r = w4Nabla({ steps: 20, runs: 2, warmup: 1 });
    assert.equal(r.steps, 20);
    assert.equal(r.usPerStep.runs.length, 2);
    assert.ok(r.usPerStep.runs.every((v) => v > 0 && Number.isFinite(v)));
    // BCE starts near ln 2 ≈ 0.693 for a fresh net; 20 steps of lr 0.1 keep it below ~0.75 and above 0.
    assert.ok(r.finalLoss > 0 && r.finalLoss < 0.75, `loss ${r.finalLoss}`);
    assert.ok(r.trainAccuracy >= 0.4 && r.trainAccuracy <= 1, `accuracy ${r.trainAccuracy}`);
    setBackend("ts");
  });
}

test("the W4 moons: 200 points, 100 per class, the first point as WORKLOADS.md defines it", () => {
  setBackend("ts");
  const m = moonsHost();
  assert.equal(m.n, 200);
  assert.equal(m.y.reduce((a, b) => a + b, 0), 100);
  // Point 0: t = 0 → (1, 0) plus 0.1·N(0,1) from Box–Muller on mulberry32(42): u1 = 1 − r(), u2 = r().
  const r = mulberry32(42);
  const g = () => { const u1 = 1 - r(), u2 = r(); return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2); };
  assert.equal(m.x[0], Math.fround(1 + 0.1 * g()));
  assert.equal(m.x[1], Math.fround(0 + 0.1 * g()));
});

test("report: ratios pair by pair, PyTorch's best thread count, targets met or missed", () => {
  const s = (median: number) => ({ min: median, median, max: median, runs: [median] });
  const w2 = (system: Collected["W2"][number]["system"], sps: number, acc = 0.88, rss: number | null = 300) => ({
    system, threads: 1, epochs: 5, stepsPerEpoch: 469, samplesPerEpoch: 60000, epoch1Seconds: 60000 / sps,
    epochStats: s(60000 / sps), samplesPerSecond: sps, testAccuracy: acc, finalLoss: 0.3, rssAfterW2MiB: rss, peakRssMiB: rss,
  });
  const w4 = (system: Collected["W4"][number]["system"], us: number) => ({ system, threads: 1, steps: 2000, runs: 5, usPerStep: s(us), finalLoss: 0.05, trainAccuracy: 1 });
  const c: Collected = {
    W1: [
      { shape: "1024x1024x1024", system: "nabla-wasm-1t", threads: 1, gflops: s(47) },
      { shape: "1024x1024x1024", system: "nabla-wasm-2t", threads: 2, gflops: s(86) },
      { shape: "1024x1024x1024", system: "tfjs-wasm", threads: 1, gflops: s(30) },
    ],
    W2: [w2("nabla-wasm-1t", 40000, 0.86, 500), w2("nabla-wasm-2t", 60000), w2("tfjs-wasm", 3000), w2("pytorch-1t", 57000), w2("pytorch-2t", 14000)],
    W3: [],
    W4: [w4("nabla-wasm-1t", 100), w4("nabla-wasm-2t", 120), w4("pytorch-1t", 300), w4("pytorch-2t", 200), w4("tfjs-wasm", 800)],
  };
  const r2 = Object.fromEntries(w2Ratios(c).map((r) => [r.name, r.value]));
  assert.equal(r2["nabla-wasm best (2t) ÷ tfjs-wasm"], 20);
  assert.ok(Math.abs(r2["nabla-wasm-1t ÷ tfjs-wasm"]! - 40000 / 3000) < 1e-12);
  assert.ok(Math.abs(r2["nabla-wasm best (2t) ÷ PyTorch best (1t)"]! - 60000 / 57000) < 1e-12);
  assert.ok(Math.abs(r2["nabla-wasm-1t ÷ pytorch-1t"]! - 40000 / 57000) < 1e-12);
  const r4 = Object.fromEntries(w4Ratios(c).map((r) => [r.name, r.value]));
  assert.equal(r4["nabla-wasm best (1t) ÷ PyTorch best (2t)"], 0.5); // lower time is better
  const t = Object.fromEntries(targets(c).map((x) => [x.name, x.met]));
  assert.equal(t["W1 1024³, one thread"], false); // 47 / 30 = 1.57× < 1.6×
  assert.equal(t["W1 1024³, two threads"], true); // 86 ≥ 85 GFLOP/s
  assert.equal(t["W2 training vs TF.js-wasm"], true);
  assert.equal(t["W2 training vs PyTorch best"], true);
  assert.equal(t["W2 test accuracy after 5 epochs"], true);
  assert.equal(t["W2 peak RSS"], true); // the best configuration's: 300 MiB = 315 MB ≤ 340 MB
  assert.equal(t["W3 inference vs PyTorch best"], null);
  assert.equal(t["W4 time per step vs PyTorch best"], true);
  assert.match(renderMarkdown(c, { quick: false }), /\| nabla-wasm-2t \| 1 \| 5 \| 1\.00 \|/);
});
