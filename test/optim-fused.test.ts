// The fused, in-place optimizer update (the optimizerStep kernel) against the composite path (the pure update's
// ops, then copy_), on both backends and both float dtypes: every optimizer and option combination gives the
// same bits either way (the kernel runs the same IEEE operations in the same order, constants rounded once), also
// with a learning rate changed between steps, param groups, a state made by the composite path or loaded from a
// state dict. Then: the PyTorch trajectories pass through the kernel; version counters bump; the wasm kernel
// gives the same bits on 1 and 2 threads; fused steps allocate nothing; layouts the kernel does not take fall
// back; bad operands to the kernel itself raise clear errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { backendName, getBackend } from "../src/backend/registry.js";
import type { OptimizerRule, View } from "../src/backend/backend.js";
import type { WasmBackend } from "../src/backend/wasm/backend.js";
import { getNumThreads, setNumThreads } from "../src/backend/wasm/threads.js";
import { versionOf } from "../src/autograd/version.js";
import { noGrad } from "../src/autograd/grad-mode.js";
import { randn, tensor } from "../src/ops/creation.js";
import { Generator } from "../src/random.js";
import type { Tensor } from "../src/tensor.js";
import type { DType } from "../src/dtype.js";
import type { Optimizer } from "../src/optim/optimizer.js";
import { SGD } from "../src/optim/sgd.js";
import { Adam, AdamW, adamDefaults, adamUpdate } from "../src/optim/adam.js";
import { Adamax } from "../src/optim/adamax.js";
import { NAdam } from "../src/optim/nadam.js";
import { RMSprop } from "../src/optim/rmsprop.js";
import { Adagrad } from "../src/optim/adagrad.js";
import { Adadelta } from "../src/optim/adadelta.js";
import { onBackend } from "./helpers/backend.js";

const BACKENDS = ["ts", "wasm"] as const;
const DTYPES: DType[] = ["float32", "float64"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Cls = new (params: any, options?: any) => Optimizer<any>;
const CASES: [string, Cls, Record<string, unknown>][] = [
  ["SGD", SGD, { lr: 0.1 }],
  ["SGD momentum", SGD, { lr: 0.1, momentum: 0.9 }],
  ["SGD momentum+dampening", SGD, { lr: 0.1, momentum: 0.9, dampening: 0.3 }],
  ["SGD nesterov", SGD, { lr: 0.1, momentum: 0.9, nesterov: true }],
  ["SGD weightDecay+maximize", SGD, { lr: 0.05, weightDecay: 0.1, maximize: true }],
  ["SGD all", SGD, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.05, maximize: true }],
  ["Adam", Adam, { lr: 0.01 }],
  ["Adam amsgrad", Adam, { lr: 0.01, amsgrad: true }],
  ["Adam weightDecay", Adam, { lr: 0.01, weightDecay: 0.1 }],
  ["Adam all", Adam, { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: true }],
  ["AdamW", AdamW, { lr: 0.01 }],
  ["AdamW amsgrad+maximize", AdamW, { lr: 0.01, weightDecay: 0.2, amsgrad: true, maximize: true }],
  ["AdamW no decay", AdamW, { lr: 0.01, weightDecay: 0 }],
  ["Adamax", Adamax, { lr: 0.01 }],
  ["Adamax weightDecay+maximize", Adamax, { lr: 0.01, weightDecay: 0.1, maximize: true }],
  ["NAdam", NAdam, { lr: 0.01 }],
  ["NAdam weightDecay", NAdam, { lr: 0.01, weightDecay: 0.1, momentumDecay: 0.01 }],
  ["RMSprop", RMSprop, { lr: 0.01 }],
  ["RMSprop centered", RMSprop, { lr: 0.01, centered: true }],
  ["RMSprop momentum", RMSprop, { lr: 0.01, momentum: 0.5 }],
  ["RMSprop all", RMSprop, { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.1, maximize: true }],
  ["Adagrad", Adagrad, { lr: 0.1 }],
  ["Adagrad all", Adagrad, { lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.2, weightDecay: 0.1, maximize: true }],
  ["Adadelta", Adadelta, { lr: 1 }],
  ["Adadelta weightDecay+maximize", Adadelta, { lr: 0.5, rho: 0.8, weightDecay: 0.1, maximize: true }],
];

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
const bits = (ts: Tensor[]): number[][] => ts.map((t) => Array.from(t.toFlatArray() as ArrayLike<number>));


/** Counts optimizerStep calls on the active backend while f runs. */
function countingKernel<T>(f: () => T): { result: T; calls: number } {
  const kernels = getBackend(backendName()).kernels;
  const original = kernels.optimizerStep!;
  let calls = 0;
  kernels.optimizerStep = (...args) => (calls++, original.apply(kernels, args));
  try {
    return { result: f(), calls };
  } finally {
    kernels.optimizerStep = original;
  }
}

/**
 * `steps` steps on two parameters (21 elements: five float32 vectors and a tail; and 5), gradients from a seeded
 * generator, the learning rate of group 0 decayed between steps as a scheduler would; `fused` per step.
 */
function trajectory(Cls: Cls, options: Record<string, unknown>, dtype: DType, fused: (step: number) => boolean, steps = 6) {
  const g = new Generator(7);
  const W = randn([3, 7], { generator: g, dtype }).requiresGrad_();
  const b = randn([5], { generator: g, dtype }).requiresGrad_();
  const opt = new Cls([{ params: [W] }, { params: [b], lr: 0.03 }], options);
  const { calls } = countingKernel(() => {
    for (let k = 0; k < steps; k++) {
      opt.fused = fused(k);
      W.grad = randn([3, 7], { generator: g, dtype });
      b.grad = k === 2 ? null : randn([5], { generator: g, dtype }); // b skips a step
      opt.step();
      opt.paramGroups[0]!.lr = (opt.paramGroups[0]!.lr as number) * 0.9;
    }
  });
  const state = [...opt.state.values()].flatMap((s) => Object.values(s).filter((v): v is Tensor => typeof v === "object" && v !== null && "shape" in v));
  return { params: bits([W, b]), state: bits(state), calls, opt, W };
}

for (const backend of BACKENDS) {
  for (const dtype of DTYPES) {
    for (const [name, Cls, options] of CASES) {
      test(`${backend} ${dtype} ${name}: fused steps give the composite path's bits (params and state)`, () => {
        onBackend(backend, () => {
          const fused = trajectory(Cls, options, dtype, () => true);
          const composite = trajectory(Cls, options, dtype, () => false);
          assert.equal(fused.calls, 11, "the kernel ran for every parameter with a gradient (6 + 5 steps)");
          assert.equal(composite.calls, 0);
          fused.params.forEach((p, i) => assert.ok(sameBits(p, composite.params[i]!), `parameter ${i}: ${p.slice(0, 3)} vs ${composite.params[i]!.slice(0, 3)}`));
          assert.equal(fused.state.length, composite.state.length, "the same state tensors");
          fused.state.forEach((s, i) => assert.ok(sameBits(s, composite.state[i]!), `state tensor ${i}`));
          // Switching paths mid-way (a composite step makes the state, later fused steps take it over) changes nothing.
          const mixed = trajectory(Cls, options, dtype, (k) => k % 3 !== 0);
          mixed.params.forEach((p, i) => assert.ok(sameBits(p, composite.params[i]!), `mixed: parameter ${i}`));
        });
      });
    }
  }
}

// ------------------------------------------------------------------ PyTorch fixtures through the kernel

const fx = JSON.parse(readFileSync(new URL("./fixtures/optim.json", import.meta.url), "utf8"));
const CLASSES: Record<string, Cls> = { SGD, Adam, AdamW, Adamax, NAdam, RMSprop, Adagrad, Adadelta };

for (const backend of BACKENDS) {
  test(`${backend}: the PyTorch trajectories (test/fixtures/optim.json) pass through the fused kernel`, () => {
    onBackend(backend, () => {
      const P = fx.problem as { X: number[]; Y: number[]; W0: number[]; b0: number[] };
      const X = tensor(P.X).reshape(8, 3), Y = tensor(P.Y).reshape(8, 2);
      for (const c of fx.trajectories) {
        const W = tensor(P.W0).reshape(3, 2).requiresGrad_(), b = tensor(P.b0).requiresGrad_();
        const Opt = CLASSES[c.optimizer]!;
        const opt = c.groups ? new Opt([{ params: [W], ...c.groups[0] }, { params: [b], ...c.groups[1] }], c.options) : new Opt([W, b], c.options);
        const sign = c.options.maximize ? -1 : 1;
        const { calls } = countingKernel(() => {
          c.steps.forEach((expected: number[], k: number) => {
            opt.zeroGrad();
            X.matmul(W).add(b).sub(Y).square().mean().mul(sign).backward();
            opt.step();
            const got = [...W.toFlatArray(), ...b.toFlatArray()] as number[];
            got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-6 + 1e-5 * Math.abs(expected[i]!), `${c.name} step ${k + 1} [${i}]: ${v} vs PyTorch ${expected[i]}`));
          });
        });
        assert.equal(calls, 2 * c.steps.length, `${c.name}: every update was fused`);
      }
    });
  });
}

// ------------------------------------------------------------------ in place: versions, aliasing, allocation

for (const backend of BACKENDS) {
  test(`${backend}: a fused step bumps the versions of the parameter and its state; a graph that saved the parameter refuses backward`, () => {
    onBackend(backend, () => {
      const w = tensor([1, 2, 3], { requiresGrad: true });
      const view = w.detach();
      const opt = new Adam([w], { lr: 0.1 });
      w.grad = tensor([1, 1, 1]);
      opt.step();
      const s = opt.state.get(w)!;
      const m = s.expAvg as Tensor, v0 = versionOf(m.storage), p0 = versionOf(w.storage);
      const y = w.mul(w).sum(); // mul saves w
      w.grad = tensor([1, -1, 1]);
      opt.step();
      assert.equal(versionOf(w.storage), p0 + 1);
      assert.equal(versionOf(m.storage), v0 + 1);
      assert.equal(opt.state.get(w)!.expAvg, m, "the state tensor was updated in place, not replaced");
      assert.deepEqual(view.toFlatArray(), w.toFlatArray(), "a view of the parameter sees the update");
      assert.throws(() => y.backward(), /input 0 \(shape \[3\]\) of "mul" was modified in place/);
      assert.equal(w.gradFn, null);
    });
  });

  test(`${backend}: stateDict is a snapshot (later in-place steps do not change it); loaded state is copied, not aliased`, () => {
    onBackend(backend, () => {
      const w = tensor([1, 2, 3], { requiresGrad: true });
      const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
      w.grad = tensor([1, 2, 3]);
      opt.step();
      const sd = opt.stateDict();
      const saved = (sd.state[0]!.momentumBuffer as Tensor).toFlatArray();
      opt.step();
      assert.deepEqual((sd.state[0]!.momentumBuffer as Tensor).toFlatArray(), saved);
      const w2 = tensor([1, 2, 3], { requiresGrad: true });
      const other = new SGD([w2], { lr: 0.1 });
      other.loadStateDict(sd);
      w2.grad = tensor([1, 1, 1]);
      other.step();
      assert.deepEqual((sd.state[0]!.momentumBuffer as Tensor).toFlatArray(), saved, "the dict is untouched by the loaded optimizer's steps");
    });
  });
}

test("wasm: after the first step, fused steps allocate no wasm memory (the composite path does)", () => {
  onBackend("wasm", () => {
    const be = getBackend("wasm") as WasmBackend;
    const g = new Generator(3);
    const params = [randn([64, 32], { generator: g }).requiresGrad_(), randn([32], { generator: g }).requiresGrad_()];
    for (const p of params) p.grad = randn(p.shape, { generator: g });
    const opt = new Adam(params, { lr: 0.01, amsgrad: true });
    opt.step();
    const before = be.memoryStats();
    for (let i = 0; i < 3; i++) opt.step();
    const after = be.memoryStats();
    assert.equal(after.blocks, before.blocks);
    assert.equal(after.bytesInUse, before.bytesInUse);
    opt.fused = false;
    opt.step();
    assert.ok(be.memoryStats().blocks > after.blocks, "the composite path allocates (so the check above can fail)");
  });
});

// ------------------------------------------------------------------ threads

test("wasm: a large fused update (300,001 elements) gives the same bits on 1 and 2 threads, and the TS backend's", () => {
  const saved = getNumThreads();
  const run = (backend: string, threads: number, dtype: DType, Cls: Cls, options: Record<string, unknown>) =>
    onBackend(backend, () => {
      setNumThreads(threads);
      const g = new Generator(11);
      const w = randn([300001], { generator: g, dtype }).requiresGrad_();
      const opt = new Cls([w], options);
      for (let k = 0; k < 3; k++) {
        w.grad = randn([300001], { generator: g, dtype });
        opt.step();
      }
      if (backend === "wasm" && threads === 2) assert.equal((getBackend("wasm") as WasmBackend).threads, 2, "two threads were in use");
      return Array.from(w.toFlatArray() as ArrayLike<number>);
    });
  try {
    for (const dtype of DTYPES) {
      for (const [Cls, options] of [[Adam, { lr: 0.01, amsgrad: true, weightDecay: 0.1 }], [SGD, { lr: 0.1, momentum: 0.9, nesterov: true }]] as const) {
        const one = run("wasm", 1, dtype, Cls, options), two = run("wasm", 2, dtype, Cls, options), ts = run("ts", 1, dtype, Cls, options);
        assert.ok(sameBits(one, two), `${Cls.name} ${dtype}: 1 and 2 threads differ`);
        assert.ok(sameBits(one, ts), `${Cls.name} ${dtype}: wasm and TS differ`);
      }
    }
  } finally {
    setNumThreads(saved);
  }
});

// ------------------------------------------------------------------ what the kernel does not take: the composite path

for (const backend of BACKENDS) {
  test(`${backend}: a non-contiguous parameter or a gradient of another dtype takes the composite path; a non-contiguous gradient is copied first`, () => {
    onBackend(backend, () => {
      const make = () => randn([4, 3], { generator: new Generator(5) });
      const grad = randn([3, 4], { generator: new Generator(6) });
      const expected = (() => {
        const w = make().requiresGrad_();
        const opt = new Adam([w], { lr: 0.1 });
        opt.fused = false;
        w.grad = grad.T.contiguous();
        opt.step();
        opt.step();
        return w.toFlatArray();
      })();
      // A transposed leaf: composite path, same result.
      const wt = make().T.contiguous().T.detach().requiresGrad_();
      assert.deepEqual(wt.shape, [4, 3]);
      const o1 = new Adam([wt], { lr: 0.1 });
      wt.grad = grad.T.contiguous();
      const r1 = countingKernel(() => (o1.step(), o1.step()));
      assert.equal(r1.calls, 0);
      assert.ok(sameBits(wt.toFlatArray() as ArrayLike<number>, expected as ArrayLike<number>));
      // A transposed gradient: fused after a contiguous copy.
      const w2 = make().requiresGrad_();
      const o2 = new Adam([w2], { lr: 0.1 });
      w2.grad = grad.T;
      const r2 = countingKernel(() => (o2.step(), o2.step()));
      assert.equal(r2.calls, 2);
      assert.ok(sameBits(w2.toFlatArray() as ArrayLike<number>, expected as ArrayLike<number>));
      // A float64 gradient on a float32 parameter: composite (promotes, then copy_ rounds).
      const w3 = make().requiresGrad_();
      const o3 = new SGD([w3], { lr: 0.1 });
      w3.grad = grad.T.contiguous().to("float64");
      const r3 = countingKernel(() => o3.step());
      assert.equal(r3.calls, 0);
      assert.equal(w3.dtype, "float32");
    });
  });

  test(`${backend}: a gradient of the wrong shape still gives the clear error (even with as many elements)`, () => {
    onBackend(backend, () => {
      const w = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
      const opt = new Adam([w]);
      w.grad = tensor([[1, 2], [3, 4], [5, 6]]);
      assert.throws(() => opt.step(), /Adam\.step: the gradient of a parameter has shape \[3,2\], but the parameter has shape \[2,3\]/);
      assert.equal(opt.state.has(w), false, "nothing was updated");
      assert.deepEqual(w.toFlatArray(), [1, 2, 3, 4, 5, 6]);
    });
  });

  test(`${backend}: optimizerStep checks its operands (state count, dtype, layout, aliasing) with clear errors`, () => {
    onBackend(backend, () => {
      const k = getBackend(backend).kernels;
      const rule: OptimizerRule = { kind: "adam", lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, maximize: false, step: 1 };
      const p = tensor([1, 2, 3, 4]), g = tensor([1, 1, 1, 1]);
      const z = () => tensor([0, 0, 0, 0]);
      const call = (param: View, grad: View, states: View[]) => noGrad(() => k.optimizerStep!(rule, param, grad, states));
      assert.throws(() => call(p, g, [z()]), /optimizerStep\(adam\): expected 2 state tensors for these options, got 1/);
      assert.throws(() => call(p, g.to("float64"), [z(), z()]), /grad is float64, the parameter float32; they must match/);
      assert.throws(() => call(p, tensor([1, 1, 1]), [z(), z()]), /grad has shape \[3\], the parameter \[4\]/);
      assert.throws(() => call(p, g, [z(), tensor([0, 0, 0, 0, 0, 0, 0, 0]).slice(0, 0, 8, 2)]), /state 1 is not contiguous/);
      const m = z();
      assert.throws(() => call(p, g, [m, m]), /state 1 shares its storage with state 0/);
      assert.throws(() => call(p, g, [p, z()]), /state 0 shares the parameter's storage/);
      assert.throws(() => call(tensor([1, 2], { dtype: "int32" }), tensor([1, 2], { dtype: "int32" }), [tensor([0, 0], { dtype: "int32" }), tensor([0, 0], { dtype: "int32" })]), /must be float32 or float64, got int32/);
      // A valid call gives the pure function's bits (first Adam step: each weight moves by about lr).
      const pure = adamUpdate(p, g, undefined, { ...adamDefaults, lr: 0.1 });
      const s0 = z(), s1 = z();
      call(p, g, [s0, s1]);
      assert.ok(sameBits(bits([p, s0, s1]).flat(), bits([pure.param, pure.state.expAvg, pure.state.expAvgSq]).flat()));
      p.toFlatArray().forEach((v, i) => assert.ok(Math.abs(v - (0.9 + i)) < 1e-6));
    });
  });
}

for (const backend of BACKENDS) {
  test(`${backend}: an empty parameter steps without error (fused, nothing to do)`, () => {
    onBackend(backend, () => {
      const w = tensor([], { requiresGrad: true }), v = tensor([3], { requiresGrad: true });
      const opt = new Adam([w, v], { lr: 0.1 });
      w.grad = tensor([]);
      v.grad = tensor([1]);
      const { calls } = countingKernel(() => opt.step());
      assert.equal(calls, 2);
      assert.deepEqual(w.shape, [0]);
      assert.ok(Math.abs((v.toFlatArray()[0] as number) - 2.9) < 1e-6);
    });
  });
}

for (const backend of BACKENDS) {
  test(`${backend}: param groups with different options (momentum on/off, amsgrad on/off) give the composite bits`, () => {
    onBackend(backend, () => {
      const run = (fused: boolean, make: (W: Tensor, b: Tensor) => Optimizer<any>) => {
        const g = new Generator(21);
        const W = randn([4, 5], { generator: g }).requiresGrad_(), b = randn([5], { generator: g }).requiresGrad_();
        const opt = make(W, b);
        opt.fused = fused;
        const { calls } = countingKernel(() => {
          for (let k = 0; k < 5; k++) {
            W.grad = randn([4, 5], { generator: g });
            b.grad = randn([5], { generator: g });
            opt.step();
          }
        });
        return { out: bits([W, b]).flat(), calls };
      };
      const makers: ((W: Tensor, b: Tensor) => Optimizer<any>)[] = [
        (W, b) => new SGD([{ params: [W], momentum: 0.9, nesterov: true }, { params: [b], weightDecay: 0.1 }], { lr: 0.1 }),
        (W, b) => new Adam([{ params: [W], amsgrad: true }, { params: [b], maximize: true, weightDecay: 0.05 }], { lr: 0.01 }),
        (W, b) => new RMSprop([{ params: [W], centered: true }, { params: [b], momentum: 0.3 }], { lr: 0.01 }),
      ];
      for (const make of makers) {
        const f = run(true, make), c = run(false, make);
        assert.equal(f.calls, 10);
        assert.ok(sameBits(f.out, c.out));
      }
    });
  });
}
