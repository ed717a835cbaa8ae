// Memory of the wasm backend needs no user code: storages of garbage-collected tensors are freed and their
// blocks reused, even in a synchronous loop (src/backend/wasm/reclaim.ts forces a collection and runs the
// finalizers after every 64 MiB of allocation not freed at once by dispose). A child process trains an MLP on the wasm backend for 300
// synchronous steps without a single dispose() and reports the allocator's figures at step 100 and at the
// end: WebAssembly memory must not grow after step 100 and live bytes stay bounded. The "leak" control keeps
// every loss (and so its graph) alive and must grow, so the test can fail. A second child trains a small
// classifier the way W2 does (DataLoader with shuffling, Adam, a partial last batch, an evaluation pass
// between epochs) until 5 collections have come: the allocator's high-water mark must not grow after the
// third by more than about a step's allocation (bytes only, nothing timed), and it stays within the
// collection allowance of the data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

interface Report { heapAtProbe: { bytesInUse: number; pages: number }; heapAtEnd: { bytesInUse: number; pages: number }; firstLoss: number; lastLoss: number }

interface EpochReport { data: number; allowance: number; stepBytes: number; epochs: { highWater: number; pages: number; bytesInUse: number; loss: number; accuracy: number; collections: number }[] }

if (process.env.NABLA_WASM_MEMORY_CHILD === "epochs") {
  await epochsChild();
} else if (process.env.NABLA_WASM_MEMORY_CHILD) {
  await child(process.env.NABLA_WASM_MEMORY_CHILD === "leak");
} else {
  const run = <R = Report>(mode: string): R => {
    const env: NodeJS.ProcessEnv = { ...process.env, NABLA_WASM_MEMORY_CHILD: mode };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], { encoding: "utf8", env, timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as R;
  };

  test("a synchronous training loop on the wasm backend without dispose() keeps its memory flat", () => {
    const r = run("flat");
    assert.ok(r.lastLoss < r.firstLoss, `the net learns (${r.firstLoss} → ${r.lastLoss})`);
    assert.equal(r.heapAtEnd.pages, r.heapAtProbe.pages, `WebAssembly memory grew after the probe step: ${JSON.stringify(r)}`);
    // Garbage between two collections is at most the 64 MiB budget (plus what survived the last one).
    assert.ok(r.heapAtEnd.bytesInUse < 100 * 2 ** 20, `live bytes: ${JSON.stringify(r)}`);
  });

  test("training for epochs (shuffled batches, Adam, evaluation): the high-water mark stops growing after 3 collections", () => {
    const r = run<EpochReport>("epochs");
    const e = r.epochs;
    const MiB = 2 ** 20;
    const last = e[e.length - 1]!;
    assert.ok(last.loss < e[0]!.loss && last.accuracy > 0.5, `the net learns: ${JSON.stringify(e)}`);
    const show = e.map((x) => `${(x.highWater / MiB).toFixed(2)} (${x.collections})`).join(", ");
    // The high-water mark rises until collections come in a steady cycle (the engine frees most gradients at
    // once, so a collection comes only every few epochs here: 64 MiB of other garbage). From the end of the
    // epoch in which the third collection came to the fifth one, it must stay flat: a collection that falls
    // at another point of a step than before can leave a little more garbage than any earlier one (at most
    // about a step's allocation, ≈ 1.5 MiB here), a growing leak of 2.5 MiB over those epochs fails this, an
    // allocator that does not reuse freed memory fails it by far.
    assert.ok(last.collections >= 5, `collections per epoch: ${show}`);
    const k0 = e.findIndex((x) => x.collections >= 3);
    for (let k = k0 + 1; k < e.length; k++) assert.ok(e[k]!.highWater - e[k0]!.highWater <= 2.5 * MiB, `high-water mark per epoch (MiB, collections): ${show}`);
    // Above the data: the garbage allowed between two collections, the step in flight when one comes, the
    // model with Adam's state (1.3 MiB), an evaluation batch (1000 rows: 3 MiB) and blocks that only another
    // size could use.
    const over = last.highWater - r.data;
    assert.ok(r.stepBytes > 0.5 * MiB, `a step allocates ${r.stepBytes} bytes`);
    assert.ok(over < r.allowance + 2 * r.stepBytes + 8 * MiB,
      `${(over / MiB).toFixed(1)} MiB above the data; allowance ${(r.allowance / MiB).toFixed(1)} MiB, a step ${(r.stepBytes / MiB).toFixed(1)} MiB`);
  });

  test("control: keeping every graph alive makes live wasm memory grow", () => {
    const r = run("leak");
    // 200 more steps' graphs stay alive (the allowance shrinks as they pile up, so the garbage part shrinks).
    assert.ok(r.heapAtEnd.bytesInUse > r.heapAtProbe.bytesInUse * 1.5, `expected growth: ${JSON.stringify(r)}`);
    assert.ok(r.heapAtEnd.pages > r.heapAtProbe.pages);
  });
}

async function child(leak: boolean): Promise<void> {
  const { useWasm } = await import("../src/backend/wasm/index.js");
  const { getBackend, setBackend } = await import("../src/backend/registry.js");
  const { randn } = await import("../src/ops/creation.js");
  const { noGrad } = await import("../src/autograd/grad-mode.js");
  const { Generator } = await import("../src/random.js");
  type WasmBackend = import("../src/backend/wasm/index.js").WasmBackend;
  useWasm();
  setBackend("wasm");
  const backend = getBackend("wasm") as WasmBackend;
  // ~1.5 MB of wasm storage per step, so the 64 MiB collection budget is crossed many times.
  const steps = 300, probe = 100;
  const g = new Generator(0);
  const x = randn([256, 64], { generator: g });
  const y = x.slice(1, 0, 1).mul(x.slice(1, 1, 2)).detach(); // a product of two features
  const w1 = randn([64, 256], { generator: g }).mul(0.1).detach().requiresGrad_(true);
  const w2 = randn([256, 1], { generator: g }).mul(0.05).detach().requiresGrad_(true);
  const kept: unknown[] = [];
  let firstLoss = NaN, lastLoss = NaN;
  let heapAtProbe = backend.memoryStats();
  // A synchronous loop: no await, no dispose().
  for (let step = 1; step <= steps; step++) {
    const loss = x.matmul(w1).tanh().matmul(w2).sub(y).pow(2).mean();
    loss.backward(undefined, { retainGraph: leak });
    if (leak) kept.push(loss);
    noGrad(() => {
      for (const p of [w1, w2]) {
        p.sub_(p.grad!.mul(0.05));
        p.zeroGrad();
      }
    });
    if (step === 1) firstLoss = loss.item();
    if (step === steps) lastLoss = loss.item();
    if (step === probe) heapAtProbe = backend.memoryStats();
  }
  const heapAtEnd = backend.memoryStats();
  process.stdout.write(JSON.stringify({ heapAtProbe, heapAtEnd, firstLoss, lastLoss }) + "\n");
}

/**
 * W2 in miniature: 6,000 × 196 inputs in 10 classes, 196 → 256 → 128 → 10, Adam, batch 128, for 5 epochs and
 * then until 5 collections have come (at most 30 epochs).
 */
async function epochsChild(): Promise<void> {
  const { setBackend, getBackend } = await import("../src/backend/registry.js");
  const { randn, randint } = await import("../src/ops/creation.js");
  const { noGrad } = await import("../src/autograd/grad-mode.js");
  const { manualSeed } = await import("../src/random.js");
  const { Sequential, Linear, ReLU } = await import("../src/nn/index.js");
  const { crossEntropy } = await import("../src/nn/functional/index.js");
  const { Adam } = await import("../src/optim/index.js");
  const { DataLoader, TensorDataset } = await import("../src/data/index.js");
  type WasmBackend = import("../src/backend/wasm/index.js").WasmBackend;
  type Tensor = import("../src/tensor.js").Tensor;
  setBackend("wasm");
  const backend = getBackend("wasm") as WasmBackend;
  manualSeed(1);
  const n = 6000, features = 196;
  // Labels from a fixed random linear map of the inputs, so there is something to learn.
  const x = randn([n, features]);
  const y = x.matmul(randn([features, 10])).argmax(1);
  const test = { x: randn([1000, features]), y: randint(0, 10, [1000]) };
  const data = backend.memoryStats().bytesInUse;
  const model = new Sequential(new Linear(features, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 128, shuffle: true }); // 46 full batches and one of 112
  const epochs: EpochReport["epochs"] = [];
  const reclaimer = (backend as unknown as { rt: { reclaimer: { allowance: number; collections: number } } }).rt.reclaimer;
  let stepBytes = 0; // bytes a full step allocates (measured over steps without a collection)
  for (let epoch = 0; epoch < 30 && (epoch < 5 || reclaimer.collections < 5); epoch++) {
    model.train();
    let loss: Tensor | null = null;
    for (const [xb, yb] of loader) {
      const before = backend.memoryStats().bytesInUse, collections = reclaimer.collections;
      loss = crossEntropy(model.call(xb as Tensor) as Tensor, yb as Tensor);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      if (reclaimer.collections === collections && (xb as Tensor).shape[0] === 128) stepBytes = Math.max(stepBytes, backend.memoryStats().bytesInUse - before);
    }
    model.eval();
    let correct = 0;
    noGrad(() => {
      for (let i = 0; i < n; i += 1000) correct += (model.call(x.slice(0, i, i + 1000)) as Tensor).argmax(1).eq(y.slice(0, i, i + 1000)).sum().item();
      (model.call(test.x) as Tensor).argmax(1).dataSync();
    });
    const s = backend.memoryStats();
    epochs.push({ highWater: s.highWater, pages: s.pages, bytesInUse: s.bytesInUse, loss: loss!.item(), accuracy: correct / n, collections: reclaimer.collections });
  }
  process.stdout.write(JSON.stringify({ data, allowance: reclaimer.allowance, stepBytes, epochs }) + "\n");
}
