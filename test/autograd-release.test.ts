// Freeing gradient memory at once (src/autograd/release.ts): at the end of a backward pass the engine frees
// the gradient storages it made and handed to nobody, and zeroGrad() frees parameter gradients nobody read.
// Every scenario runs on the wasm backend (where dispose frees memory: a wrong free shows up as a "disposed"
// error or as changed numbers) and on the TS backend (where nothing is freed), and compares its numbers with
// the same computation with the feature off (the backend's allocation mark hidden), or with the math.
import { test } from "node:test";
import assert from "node:assert/strict";
import { getBackend } from "../src/backend/registry.js";
import type { Backend, Storage } from "../src/backend/backend.js";
import type { WasmBackend } from "../src/backend/wasm/backend.js";
import type { WasmRuntime } from "../src/backend/wasm/runtime.js";
import { gradients } from "../src/autograd/functional.js";
import { noGrad } from "../src/autograd/grad-mode.js";
import { Function, type FunctionCtx } from "../src/autograd/function.js";
import { cat } from "../src/ops/movement.js";
import { randn, tensor } from "../src/ops/creation.js";
import { Generator } from "../src/random.js";
import { Tensor } from "../src/tensor.js";
import * as nn from "../src/nn/index.js";
import * as optim from "../src/optim/index.js";
import { onBackend } from "./helpers/backend.js";

const BACKENDS = ["wasm", "ts"] as const;


/** Runs f with freeing off: the backend's allocation mark hidden, so no pass frees or marks anything. */
function featureOff<R>(f: () => R): R {
  const be = getBackend() as Backend & { allocationMark?: unknown };
  be.allocationMark = undefined;
  try {
    return f();
  } finally {
    delete be.allocationMark;
  }
}

/** Runs f and returns the storages the backend disposed meanwhile (by `Backend.dispose`). */
function disposedDuring(f: () => void): Storage[] {
  const be = getBackend() as Backend & { dispose: (s: Storage) => void };
  const freed: Storage[] = [];
  const orig = be.dispose;
  be.dispose = (s: Storage) => {
    freed.push(s);
    orig.call(be, s);
  };
  try {
    f();
  } finally {
    delete (be as { dispose?: unknown }).dispose;
  }
  return freed;
}

/** Allocates and fills some memory, so that a wrongly freed block is reused and overwritten. */
function churn(): void {
  for (let i = 0; i < 20; i++) randn([64, 64]).mul(7).add(3).sum().item();
}

const bits = (t: Tensor): number[] => Array.from(t.dataSync());

/** An MLP (fused linear + relu layers), Adam, `steps` steps on fixed data; returns the final parameters. */
function trainMlp(steps: number): number[][] {
  const g = new Generator(7);
  const model = new nn.Sequential(new nn.Linear(12, 16), new nn.ReLU(), new nn.Linear(16, 8), new nn.Tanh(), new nn.Linear(8, 3));
  noGrad(() => {
    for (const p of model.parameters()) p.copy_(randn(p.shape, { generator: g }).mul(0.3));
  });
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const x = randn([10, 12], { generator: g });
  const y = randn([10, 3], { generator: g });
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = nn.functional.mseLoss(model.call(x) as Tensor, y);
    loss.backward();
    opt.step();
  }
  return model.parameters().map(bits);
}

test("wasm: backward frees the intermediate gradients it made, and only those", () => {
  onBackend("wasm", () => {
    const be = getBackend() as WasmBackend;
    const rt = (be as unknown as { rt: WasmRuntime }).rt;
    const w = tensor(Array.from({ length: 1000 }, (_, i) => (i % 17) / 40 - 0.2), { requiresGrad: true });
    const run = (): { blocks: number; bytes: number; freed: Storage[]; grad: number[] } => {
      w._grad = null;
      const loss = w.mul(2).exp().sum();
      rt.reclaimer.collect(); // no collection in the section below: it frees only what dispose frees
      const before = be.memoryStats();
      const freed = disposedDuring(() => loss.backward());
      const after = be.memoryStats();
      return { blocks: after.blocks - before.blocks, bytes: after.bytesInUse - before.bytesInUse, freed, grad: bits(w._grad!) };
    };
    const off = featureOff(run);
    const onr = run();
    // Without freeing: the seed (0-d), d(loss)/d(exp output) [1000] and w.grad [1000] stay live until a
    // collection. With it: only w.grad.
    assert.equal(off.freed.length, 0);
    assert.equal(off.blocks, 3);
    assert.equal(onr.blocks, 1);
    assert.equal(onr.freed.length, 2);
    assert.deepEqual(onr.freed.map((s) => s.size).sort((a, b) => a - b), [1, 1000]);
    assert.ok(onr.bytes >= 4000 && onr.bytes < 4000 + 512, `live bytes grew by ${onr.bytes}`);
    assert.ok(off.bytes - onr.bytes >= 4004, `freed ${off.bytes - onr.bytes} bytes`);
    assert.ok(!onr.freed.includes(w._grad!.storage));
    // The leaf gradient: unchanged, and d/dw Σ e^(2w) = 2e^(2w).
    assert.deepEqual(onr.grad, off.grad);
    const want = bits(w).map((v) => 2 * Math.exp(2 * v));
    onr.grad.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-5 * want[i]!, `${v} vs ${want[i]}`));
  });
});

for (const name of BACKENDS) {
  test(`${name}: training with freeing on gives the bits of training with it off`, () => {
    onBackend(name, () => {
      const a = featureOff(() => trainMlp(15));
      let b: number[][] = [];
      const freed = disposedDuring(() => (b = trainMlp(15)));
      assert.deepEqual(b, a);
      if (name === "wasm") assert.ok(freed.length > 15 * 6, `${freed.length} storages freed in 15 steps`);
    });
  });

  test(`${name}: zeroGrad frees a gradient nobody read; one read through .grad stays valid across zeroGrad and more steps`, () => {
    onBackend(name, () => {
      const w = randn([6, 5], { generator: new Generator(1) }).requiresGrad_();
      const b = randn([5], { generator: new Generator(2) }).requiresGrad_();
      const x = randn([4, 6], { generator: new Generator(3) });
      const opt = new optim.SGD([w, b], { lr: 0.1, momentum: 0.9 });
      const step = (): void => {
        opt.zeroGrad();
        x.matmul(w).add(b).tanh().square().sum().backward();
        opt.step();
      };
      step();
      const kept = w.grad!; // read: observed
      const keptValues = bits(kept);
      const unread = b._grad!; // the internal field: not observed
      step();
      step();
      churn();
      assert.deepEqual(bits(kept), keptValues);
      if (name === "wasm") assert.throws(() => unread.dataSync(), /disposed/);
      else assert.equal(unread.dataSync().length, 5);
      // The gradient read now is the current one: d/dw Σ tanh(xw + b)² = xᵀ (2 t (1 − t²)).
      const t = x.matmul(w).add(b).tanh();
      const want = bits(x.T.matmul(t.mul(2).mul(t.square().neg().add(1))));
      opt.zeroGrad();
      x.matmul(w).add(b).tanh().square().sum().backward();
      bits(w.grad!).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5, `${v} vs ${want[i]}`));
    });
  });

  test(`${name}: a gradient assigned with the .grad setter is never freed by zeroGrad`, () => {
    onBackend(name, () => {
      const w = tensor([1, 2, 3], { requiresGrad: true });
      const g = tensor([0.5, 0.5, 0.5]);
      w.grad = g;
      w.zeroGrad();
      churn();
      assert.deepEqual(bits(g), [0.5, 0.5, 0.5]);
      // And a gradient made by backward and then reassigned is the user's too.
      w.mul(w).sum().backward();
      const h = w._grad!;
      w.grad = null;
      w.grad = h;
      w.zeroGrad();
      churn();
      assert.deepEqual(bits(h), [2, 4, 6]);
      assert.throws(() => (w.grad = 5 as unknown as Tensor), /grad: a gradient must be a Tensor or null, got number/);
    });
  });

  test(`${name}: retained gradients and gradients() results survive later passes`, () => {
    onBackend(name, () => {
      const x = tensor([0.5, -1, 2], { requiresGrad: true });
      const h = x.mul(3).exp();
      h.retainGrad();
      h.sin().sum().backward();
      const [gx] = gradients([x.pow(3).sum()], [x]);
      churn();
      for (let i = 0; i < 3; i++) x.mul(x).exp().sum().backward();
      churn();
      const hv = bits(h);
      bits(h.grad!).forEach((v, i) => assert.ok(Math.abs(v - Math.cos(hv[i]!)) < 1e-5, `h.grad ${v}`));
      assert.deepEqual(bits(gx!).map((v) => Math.round(v * 1e4) / 1e4), [0.75, 3, 12]);
    });
  });

  test(`${name}: createGraph double backward is right, and the recorded pass frees nothing`, () => {
    onBackend(name, () => {
      const x = tensor([1, 2, -3], { requiresGrad: true });
      let g: Tensor | undefined;
      const freed = disposedDuring(() => ([g] = gradients([x.pow(3).sum()], [x], { createGraph: true })));
      assert.equal(freed.length, 0);
      churn();
      g!.sum().backward(undefined, { retainGraph: true }); // through the recorded graph: may free its own temporaries, not g or g's graph
      churn();
      assert.deepEqual(bits(x.grad!), [6, 12, -18]);
      assert.deepEqual(bits(g!), [3, 12, 27]);
      x.zeroGrad();
      g!.mul(x).sum().backward(); // the recorded graph is still usable: d/dx (3x² · x) = 9x²
      assert.deepEqual(bits(x.grad!), [9, 36, 81]);
    });
  });

  test(`${name}: a custom Function whose backward keeps its gradient: the pass frees nothing`, () => {
    onBackend(name, () => {
      const stash: Tensor[] = [];
      class Keep extends Function {
        static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
          return x.mul(1);
        }
        static override backward(_ctx: FunctionCtx, dy: Tensor): Tensor {
          stash.push(dy);
          return dy.mul(2);
        }
      }
      const x = tensor([1, 2, 3, 4], { requiresGrad: true });
      const freed = disposedDuring(() => Keep.apply(x.mul(5)).exp().sum().backward());
      assert.equal(freed.length, 0);
      const want = bits(x.mul(5).exp());
      churn();
      x.zeroGrad();
      churn();
      assert.deepEqual(bits(stash[0]!), want);
    });
  });

  test(`${name}: a gradOutput the caller passed is never freed (it was allocated before the pass)`, () => {
    onBackend(name, () => {
      const x = tensor([1, 2, 3, 4], { requiresGrad: true });
      const gOut = tensor([[1, 10], [100, 1000]]);
      x.mul(2).reshape([2, 2]).backward(gOut); // reshape's gradient is a view of gOut, held by the engine
      churn();
      assert.deepEqual(bits(gOut), [1, 10, 100, 1000]);
      assert.deepEqual(bits(x.grad!), [2, 20, 200, 2000]);
    });
  });

  test(`${name}: y = x + b with both leaves: the gradients share a storage, and zeroGrad of one keeps the other`, () => {
    onBackend(name, () => {
      const x = tensor([1, 2, 3], { requiresGrad: true });
      const bias = tensor([0.5, 0.5, 0.5], { requiresGrad: true });
      const opt = new optim.SGD([x], { lr: 0.1 });
      x.add(bias).mul(tensor([1, 2, 3])).sum().backward();
      assert.equal(x._grad!.storage, bias._grad!.storage);
      opt.zeroGrad();
      churn();
      assert.deepEqual(bits(bias.grad!), [1, 2, 3]);
    });
  });

  test(`${name}: cat backward gives two leaves views of one storage; zeroGrad of one optimizer keeps the other's`, () => {
    onBackend(name, () => {
      const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
      const b = tensor([[5, 6]], { requiresGrad: true });
      const optA = new optim.Adam([a], { lr: 0.1 });
      const optB = new optim.Adam([b], { lr: 0.1 });
      const c = tensor([[1, -1], [2, -2], [3, -3]]);
      cat([a, b], 0).mul(c).sum().backward();
      assert.equal(a._grad!.storage, b._grad!.storage);
      optA.step();
      optA.zeroGrad();
      churn();
      assert.deepEqual(bits(b.grad!), [3, -3]);
      optB.step();
      assert.deepEqual(bits(b).map((v) => Math.round(v * 1e4) / 1e4), [4.9, 6.1]);
    });
  });

  test(`${name}: accumulating two backward passes frees the first sum's gradient only when nobody read it`, () => {
    onBackend(name, () => {
      const w = tensor([1, -2, 3], { requiresGrad: true });
      w.mul(w).sum().backward();
      const first = w._grad!; // not observed
      w.mul(w).sum().backward(); // grad = first + new; first is dropped
      churn();
      assert.deepEqual(bits(w.grad!), [4, -8, 12]);
      if (name === "wasm") assert.throws(() => first.dataSync(), /disposed/);
      const seen = w.grad!; // observed
      w.mul(w).sum().backward();
      churn();
      assert.deepEqual(bits(seen), [4, -8, 12]);
      assert.deepEqual(bits(w.grad!), [6, -12, 18]);
    });
  });
}
