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
