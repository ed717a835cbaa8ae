// Memory of the wasm backend needs no user code: storages of garbage-collected tensors are freed and their
// blocks reused, even in a synchronous loop (src/backend/wasm/reclaim.ts forces a collection and runs the
// finalizers after every 64 MiB of allocation). A child process trains an MLP on the wasm backend for 300
// synchronous steps without a single dispose() and reports the allocator's figures at step 100 and at the
// end: WebAssembly memory must not grow after step 100 and live bytes stay bounded. The "leak" control keeps
// every loss (and so its graph) alive and must grow, so the test can fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

interface Report { heapAtProbe: { bytesInUse: number; pages: number }; heapAtEnd: { bytesInUse: number; pages: number }; firstLoss: number; lastLoss: number }

if (process.env.NABLA_WASM_MEMORY_CHILD) {
  await child(process.env.NABLA_WASM_MEMORY_CHILD === "leak");
} else {
  const run = (mode: string): Report => {
    const env: NodeJS.ProcessEnv = { ...process.env, NABLA_WASM_MEMORY_CHILD: mode };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], { encoding: "utf8", env, timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as Report;
  };

  test("a synchronous training loop on the wasm backend without dispose() keeps its memory flat", () => {
    const r = run("flat");
    assert.ok(r.lastLoss < r.firstLoss, `the net learns (${r.firstLoss} → ${r.lastLoss})`);
    assert.equal(r.heapAtEnd.pages, r.heapAtProbe.pages, `WebAssembly memory grew after the probe step: ${JSON.stringify(r)}`);
    // Garbage between two collections is at most the 64 MiB budget (plus what survived the last one).
    assert.ok(r.heapAtEnd.bytesInUse < 100 * 2 ** 20, `live bytes: ${JSON.stringify(r)}`);
  });

  test("control: keeping every graph alive makes live wasm memory grow", () => {
    const r = run("leak");
    assert.ok(r.heapAtEnd.bytesInUse > r.heapAtProbe.bytesInUse * 2, `expected growth: ${JSON.stringify(r)}`);
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
