// Optimizers against PyTorch: 20-step trajectories on a fixed linear regression (test/fixtures/optim.json, made
// by tools/make_optim_fixtures.py), one step of each pure update checked by hand, state dicts, and bad options.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tensor, type Tensor } from "../src/index.js";
import { Optimizer } from "../src/optim/optimizer.js";
import { SGD, sgdUpdate, sgdDefaults } from "../src/optim/sgd.js";
import { Adam, AdamW, adamUpdate, adamwUpdate, adamDefaults, adamwDefaults } from "../src/optim/adam.js";
import { Adamax, adamaxUpdate, adamaxDefaults } from "../src/optim/adamax.js";
import { NAdam, nadamUpdate, nadamDefaults } from "../src/optim/nadam.js";
import { RMSprop, rmspropUpdate, rmspropDefaults } from "../src/optim/rmsprop.js";
import { Adagrad, adagradUpdate, adagradDefaults } from "../src/optim/adagrad.js";
import { Adadelta, adadeltaUpdate, adadeltaDefaults } from "../src/optim/adadelta.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/optim.json", import.meta.url), "utf8"));
const P = fx.problem as { X: number[]; Y: number[]; W0: number[]; b0: number[] };
const X = tensor(P.X).reshape(8, 3);
const Y = tensor(P.Y).reshape(8, 2);

function makeParams(): [Tensor, Tensor] {
  return [tensor(P.W0, { requiresGrad: true }).detach().reshape(3, 2).requiresGrad_(), tensor(P.b0, { requiresGrad: true })];
}
const lossOf = (W: Tensor, b: Tensor, sign = 1): Tensor => X.matmul(W).add(b).sub(Y).square().mean().mul(sign);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CLASSES: Record<string, new (params: any, options?: any) => Optimizer<any>> = { SGD, Adam, AdamW, Adamax, NAdam, RMSprop, Adagrad, Adadelta };

function build(c: { optimizer: string; options: Record<string, unknown>; groups: Record<string, unknown>[] | null }, W: Tensor, b: Tensor): Optimizer<any> {
  const Cls = CLASSES[c.optimizer]!;
  return c.groups ? new Cls([{ params: [W], ...c.groups[0] }, { params: [b], ...c.groups[1] }], c.options) : new Cls([W, b], c.options);
}

function closeTo(actual: number[], expected: number[], what: string, rtol = 1e-5, atol = 1e-6): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: got ${a}, PyTorch ${e}`);
  });
}

const flat = (W: Tensor, b: Tensor): number[] => [...W.toFlatArray(), ...b.toFlatArray()];

for (const c of fx.trajectories) {
  test(`${c.name}: 20 steps equal PyTorch's trajectory`, () => {
    const [W, b] = makeParams();
    const opt = build(c, W, b);
    const sign = c.options.maximize ? -1 : 1;
    c.steps.forEach((expected: number[], k: number) => {
      opt.zeroGrad();
      lossOf(W, b, sign).backward();
      opt.step();
      closeTo(flat(W, b), expected, `${c.name} step ${k + 1}`);
    });
    assert.equal(W.requiresGrad && W.isLeaf && W.gradFn === null, true, "parameters stay graph-free leaves");
  });
}

// ------------------------------------------------------------------ one step of each pure update, by hand (float64)

const f64 = (xs: number[]) => tensor(xs, { dtype: "float64" });
const near = (t: Tensor, expected: number[], what: string) =>
  t.toFlatArray().forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12 * (1 + Math.abs(expected[i]!)), `${what}[${i}]: ${v} vs ${expected[i]}`));

test("sgdUpdate: Nesterov momentum with weight decay, by hand", () => {
  const o = { ...sgdDefaults, lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 };
  const { param, state } = sgdUpdate(f64([1, 2]), f64([0.5, -1]), { momentumBuffer: f64([1, 1]) }, o);
  // d = g + 0.1θ = [0.6, −0.8]; b = 0.9·[1,1] + d = [1.5, 0.1]; d ← d + 0.9b = [1.95, −0.71]; θ − 0.1d
  near(state.momentumBuffer!, [1.5, 0.1], "buffer");
  near(param, [1 - 0.195, 2 + 0.071], "param");
  const first = sgdUpdate(f64([1]), f64([2]), undefined, { ...o, nesterov: false, dampening: 0.5 });
  near(first.state.momentumBuffer!, [2.1], "first buffer is the (decayed) gradient, undampened");
});

test("adamUpdate / adamwUpdate: second step with AMSGrad, by hand", () => {
  const o = { ...adamDefaults, lr: 0.1, betas: [0.9, 0.999] as [number, number], eps: 1e-8, amsgrad: true };
  const state = { step: 1, expAvg: f64([0.2]), expAvgSq: f64([0.004]), maxExpAvgSq: f64([0.01]) };
  const m = 0.9 * 0.2 + 0.1 * 2, v = 0.999 * 0.004 + 0.001 * 4, vmax = Math.max(0.01, v);
  const expected = 1 - (0.1 / (1 - 0.9 ** 2)) * (m / (Math.sqrt(vmax) / Math.sqrt(1 - 0.999 ** 2) + 1e-8));
  const r = adamUpdate(f64([1]), f64([2]), state, o);
  near(r.param, [expected], "adam");
  near(r.state.maxExpAvgSq!, [vmax], "vmax");
  assert.equal(r.state.step, 2);
  near(state.expAvg, [0.2], "input state untouched");
  // Adam folds weight decay into the gradient; AdamW shrinks the weight first.
  const wd = { ...o, amsgrad: false, weightDecay: 0.5 };
  const g = 2 + 0.5 * 1;
  const mA = 0.1 * g, vA = 0.001 * g * g;
  near(adamUpdate(f64([1]), f64([2]), undefined, wd).param, [1 - (0.1 / 0.1) * (mA / (Math.sqrt(vA) / Math.sqrt(0.001) + 1e-8))], "adam L2");
  near(adamwUpdate(f64([1]), f64([2]), undefined, { ...adamwDefaults, ...wd }).param,
    [1 * (1 - 0.1 * 0.5) - (0.1 / 0.1) * (0.2 / (Math.sqrt(0.004) / Math.sqrt(0.001) + 1e-8))], "adamw decoupled");
});

test("adamaxUpdate, nadamUpdate: second step by hand", () => {
  const ax = adamaxUpdate(f64([1]), f64([-3]), { step: 1, expAvg: f64([0.2]), expInf: f64([4]) }, { ...adamaxDefaults, lr: 0.1 });
  const m = 0.9 * 0.2 + 0.1 * -3, u = Math.max(0.999 * 4, 3 + 1e-8);
  near(ax.param, [1 - (0.1 / (1 - 0.81)) * (m / u)], "adamax");
  const o = { ...nadamDefaults, lr: 0.1 };
  const mu = (t: number) => 0.9 * (1 - 0.5 * 0.96 ** (t * 0.004));
  const st = { step: 1, muProduct: mu(1), expAvg: f64([0.2]), expAvgSq: f64([0.004]) };
  const r = nadamUpdate(f64([1]), f64([2]), st, o);
  const prod = mu(1) * mu(2), m2 = 0.9 * 0.2 + 0.2, v2 = 0.999 * 0.004 + 0.004;
  const denom = Math.sqrt(v2 / (1 - 0.999 ** 2)) + 1e-8;
  near(r.param, [1 - (0.1 * (1 - mu(2))) / (1 - prod) * (2 / denom) - (0.1 * mu(3)) / (1 - prod * mu(3)) * (m2 / denom)], "nadam");
  assert.ok(Math.abs(r.state.muProduct - prod) < 1e-15);
});

test("rmspropUpdate (centered, momentum), adagradUpdate, adadeltaUpdate: by hand", () => {
  const o = { ...rmspropDefaults, lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5 };
  const r = rmspropUpdate(f64([1]), f64([2]), { step: 1, squareAvg: f64([1]), gradAvg: f64([0.5]), momentumBuffer: f64([3]) }, o);
  const v = 0.9 + 0.1 * 4, ga = 0.45 + 0.2, avg = Math.sqrt(v - ga * ga) + 1e-8, buf = 1.5 + 2 / avg;
  near(r.param, [1 - 0.01 * buf], "rmsprop");
  const ag = adagradUpdate(f64([1]), f64([2]), { step: 2, sum: f64([5]) }, { ...adagradDefaults, lr: 0.1, lrDecay: 0.5 });
  near(ag.param, [1 - (0.1 / (1 + 2 * 0.5)) * (2 / (3 + 1e-10))], "adagrad");
  const ad = adadeltaUpdate(f64([1]), f64([2]), { step: 1, squareAvg: f64([1]), accDelta: f64([0.25]) }, adadeltaDefaults);
  const sq = 0.9 + 0.4, delta = (Math.sqrt(0.25 + 1e-6) / Math.sqrt(sq + 1e-6)) * 2;
  near(ad.param, [1 - delta], "adadelta");
  near(ad.state.accDelta, [0.9 * 0.25 + 0.1 * delta * delta], "accDelta");
});

test("the pure updates record no graph, even on leaves that require grad", () => {
  const p = tensor([1, 2], { requiresGrad: true });
  const r = adamUpdate(p, tensor([1, 1]), undefined, adamDefaults);
  assert.equal(r.param.requiresGrad, false);
  assert.equal(r.state.expAvg.requiresGrad, false);
});

// ------------------------------------------------------------------ state dicts, groups, errors

for (const [name, make] of [
  ["Adam (amsgrad)", (ps: Tensor[]) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
  ["SGD (nesterov)", (ps: Tensor[]) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true })],
  ["RMSprop (centered)", (ps: Tensor[]) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 })],
  ["NAdam", (ps: Tensor[]) => new NAdam(ps, { lr: 0.01 })],
] as const) {
  test(`${name}: 10 steps, stateDict, load into a fresh optimizer, 10 more = 20 straight (bit-exact)`, () => {
    const [W, b] = makeParams();
    const opt = make([W, b]);
    const run = (o: Optimizer<any>, w: Tensor, bb: Tensor) => {
      o.zeroGrad();
      lossOf(w, bb).backward();
      o.step();
    };
    for (let i = 0; i < 10; i++) run(opt, W, b);
    const sd = opt.stateDict();
    const [W2, b2] = [W.detach().clone().requiresGrad_(), b.detach().clone().requiresGrad_()];
    for (let i = 0; i < 10; i++) run(opt, W, b); // keeps going: the saved dict must not change with it
    const fresh = make([W2, b2]);
    fresh.loadStateDict(sd);
    for (let i = 0; i < 10; i++) run(fresh, W2, b2);
    assert.deepEqual(flat(W2, b2), flat(W, b));
  });
}

test("param groups: per-group options override the defaults; addParamGroup; lr changes are kept in stateDict", () => {
  const [W, b] = makeParams();
  const opt = new SGD([{ params: [W], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
  opt.addParamGroup({ params: [b], momentum: 0 });
  assert.equal(opt.paramGroups[0]!.lr, 0.5);
  assert.equal(opt.paramGroups[0]!.momentum, 0.9);
  assert.equal(opt.paramGroups[1]!.lr, 0.1);
  assert.equal(opt.paramGroups[1]!.momentum, 0);
  opt.paramGroups[1]!.lr = 0.01;
  const sd = opt.stateDict();
  assert.deepEqual(sd.paramGroups.map((g) => [g.lr, g.params]), [[0.5, [0]], [0.01, [1]]]);
  const other = new SGD([{ params: [W] }, { params: [b] }], { lr: 1 });
  other.loadStateDict(sd);
  assert.equal(other.paramGroups[1]!.lr, 0.01);
  assert.equal(other.paramGroups[0]!.momentum, 0.9);
});

test("zeroGrad sets .grad to null; parameters without a gradient are skipped", () => {
  const [W, b] = makeParams();
  const opt = new SGD([W, b], { lr: 0.1 });
  X.matmul(W).sum().backward(); // b gets no gradient
  const before = b.toFlatArray();
  opt.step();
  assert.deepEqual(b.toFlatArray(), before);
  assert.equal(opt.state.has(b), false);
  opt.zeroGrad();
  assert.equal(W.grad, null);
});

test("step(closure) evaluates the closure with gradients on and returns its loss", () => {
  const [W, b] = makeParams();
  const opt = new Adam([W, b], { lr: 0.01 });
  const loss = opt.step(() => {
    opt.zeroGrad();
    const l = lossOf(W, b);
    l.backward();
    return l;
  }) as Tensor;
  assert.ok(loss.item() > 0);
  assert.ok(W.grad !== null);
});

test("bad options and misuse raise clear errors", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  assert.throws(() => new SGD([w], { lr: -1 }), /SGD: lr must be a number ≥ 0, got -1/);
  assert.throws(() => new Adam([w], { betas: [1, 0.999] }), /Adam: betas\[0\] must be in \[0, 1\), got 1/);
  assert.throws(() => new AdamW([w], { betas: [0.9, -0.1] }), /AdamW: betas\[1\] must be in \[0, 1\)/);
  assert.throws(() => new Adam([{ params: [w], lr: -0.1 }]), /Adam: lr must be a number ≥ 0, got -0.1/);
  assert.throws(() => new RMSprop([w], { alpha: 1.5 }), /RMSprop: alpha must be a number in \[0, 1\]/);
  assert.throws(() => new SGD([w], { nesterov: true }), /Nesterov momentum needs momentum > 0/);
  assert.throws(() => new SGD([], {}), /empty parameter list/);
  assert.throws(() => new SGD([{ params: [w] }, { params: [w] }]), /more than one parameter group/);
  assert.throws(() => new SGD([{ params: [w], weight_decay: 0.1 }]), /unknown option "weight_decay".*weightDecay/);
  assert.throws(() => new SGD([w.mul(2)]), /not a leaf/);
  assert.throws(() => new SGD(w as unknown as Tensor[]), /got a single Tensor/);
  const adam = new Adam([w]);
  w.grad = tensor([1, 1]);
  adam.step();
  assert.throws(() => new SGD([w]).loadStateDict(adam.stateDict()), /saved by Adam, not SGD; create a new Adam\(\.\.\.\) over the same parameters to load it/);
  assert.throws(() => new Adam([w, tensor([1], { requiresGrad: true })]).loadStateDict(adam.stateDict()), /group 0 of the state dict has 1 parameters/);
});

test("updates are in place (views of a parameter see them) and work with nn.Module parameters", async () => {
  const { Linear } = await import("../src/nn/layers/linear.js");
  const { manualSeed } = await import("../src/index.js");
  manualSeed(3);
  const model = new Linear(3, 2);
  const weight = model.parameters()[0]!;
  const view = weight.detach();
  const opt = new AdamW(model.parameters(), { lr: 0.05 });
  const loss = () => model.forward(X).sub(Y).square().mean();
  const first = loss().item();
  for (let i = 0; i < 50; i++) {
    opt.zeroGrad();
    loss().backward();
    opt.step();
  }
  assert.deepEqual(view.toFlatArray(), weight.toFlatArray());
  assert.ok(loss().item() < first * 0.9, `loss went from ${first} to ${loss().item()}`);
});
