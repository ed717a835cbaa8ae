// Learning-rate schedules against PyTorch's torch.optim.lr_scheduler (and scikit-learn's invscaling): the lr
// of every group after construction and after each of 30 steps (test/fixtures/optim.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { zeros } from "../src/index.js";
import { SGD } from "../src/optim/sgd.js";
import { Adam } from "../src/optim/adam.js";
import * as lrScheduler from "../src/optim/lr-scheduler/index.js";
import type { Scheduler } from "../src/optim/lr-scheduler/index.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/optim.json", import.meta.url), "utf8"));

const sgd2 = () => new SGD([{ params: [zeros([2], { requiresGrad: true })] }, { params: [zeros([1], { requiresGrad: true })], lr: 0.01 }], { lr: 0.1, momentum: 0.9 });
const adam1 = () => new Adam([zeros([2], { requiresGrad: true })], { lr: 0.1 });

type Opt = SGD | Adam;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function make(name: string, options: any, opt: Opt): Scheduler & { step(m?: number): void } {
  const S = lrScheduler;
  switch (name) {
    case "StepLR": return new S.StepLR(opt, options);
    case "MultiStepLR": return new S.MultiStepLR(opt, options);
    case "ExponentialLR": return new S.ExponentialLR(opt, options);
    case "CosineAnnealingLR": return new S.CosineAnnealingLR(opt, options);
    case "CosineAnnealingWarmRestarts": return new S.CosineAnnealingWarmRestarts(opt, options);
    case "LinearLR": return new S.LinearLR(opt, options);
    case "LambdaLR": return new S.LambdaLR(opt, { lrLambda: (e: number) => 0.95 ** e });
    case "OneCycleLR": return new S.OneCycleLR(opt, options);
    case "ReduceLROnPlateau": return new S.ReduceLROnPlateau(opt, options) as never;
    case "SequentialLR": {
      const subs = options.schedulers.map(([n, o]: [string, unknown]) => make(n, o, opt));
      return new S.SequentialLR(opt, { schedulers: subs, milestones: options.milestones });
    }
  }
  throw new Error(`no scheduler ${name}`);
}

const close = (a: number, e: number, what: string) => assert.ok(Math.abs(a - e) <= 1e-12 * Math.abs(e) + 1e-18, `${what}: ${a} vs PyTorch ${e}`);

for (const c of fx.schedulers) {
  test(`${c.name} ${JSON.stringify(c.options)}: the lr sequence equals PyTorch's`, () => {
    const opt = c.optimizer === "sgd2" ? sgd2() : adam1();
    const s = make(c.name, c.options, opt);
    const momentum = () => opt.paramGroups.map((g) => ("betas" in g ? (g.betas as number[])[0]! : (g as { momentum: number }).momentum));
    (c.lrs as number[][]).forEach((expected, k) => {
      if (k > 0) {
        opt.step();
        if (c.metrics) s.step(c.metrics[k - 1]);
        else s.step();
      }
      s.getLastLr().forEach((lr, i) => close(lr, expected[i]!, `step ${k} group ${i}`));
      opt.paramGroups.forEach((g, i) => close(g.lr, expected[i]!, `step ${k} group ${i} (optimizer)`));
      if (c.momentum) momentum().forEach((m, i) => close(m, c.momentum[k][i], `step ${k} momentum ${i}`));
    });
  });
}

test("InverseScalingLR equals scikit-learn's invscaling: lr0 / (t + 1)^powerT", () => {
  const { lr0, powerT, lrs } = fx.invscaling as { lr0: number; powerT: number; lrs: number[] };
  const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: lr0 });
  const s = new lrScheduler.InverseScalingLR(opt, { powerT });
  lrs.forEach((e, t) => {
    close(s.getLastLr()[0]!, e, `t = ${t}`);
    s.step();
  });
  // tPerStep: sklearn's MLP counts samples, stepping once per epoch.
  const opt2 = new SGD([zeros([1], { requiresGrad: true })], { lr: 0.1 });
  const s2 = new lrScheduler.InverseScalingLR(opt2, { powerT: 0.5, tPerStep: 200 });
  s2.step();
  s2.step();
  close(opt2.paramGroups[0]!.lr, 0.1 / Math.sqrt(401), "after two epochs of 200 samples");
});

test("scheduler stateDict / loadStateDict resume the same sequence", () => {
  const run = (resumeAt: number | null) => {
    const opt = sgd2();
    let s = new lrScheduler.CosineAnnealingWarmRestarts(opt, { t0: 3, tMult: 2 });
    const out: number[] = [];
    for (let k = 0; k < 20; k++) {
      if (k === resumeAt) {
        const sd = s.stateDict();
        const osd = opt.stateDict();
        const opt2 = sgd2();
        opt2.loadStateDict(osd);
        s = new lrScheduler.CosineAnnealingWarmRestarts(opt2, { t0: 3, tMult: 2 });
        s.loadStateDict(sd);
      }
      s.step();
      out.push(s.getLastLr()[0]!);
    }
    return out;
  };
  assert.deepEqual(run(7), run(null));
  const opt = sgd2();
  assert.throws(() => new lrScheduler.StepLR(opt, { stepSize: 2 }).loadStateDict(new lrScheduler.ExponentialLR(sgd2(), { gamma: 0.9 }).stateDict()),
    /StepLR\.loadStateDict: this state dict was saved by ExponentialLR, not StepLR/);
});

test("schedulers reject bad options with clear messages", () => {
  const S = lrScheduler;
  assert.throws(() => new S.StepLR(sgd2(), { stepSize: 0 }), /StepLR: stepSize must be a positive integer, got 0/);
  assert.throws(() => new S.LinearLR(sgd2(), { startFactor: 2 }), /LinearLR: startFactor must be in \(0, 1\]/);
  assert.throws(() => new S.OneCycleLR(sgd2(), { maxLr: 1 }), /give totalSteps, or both epochs and stepsPerEpoch/);
  assert.throws(() => new S.OneCycleLR(sgd2(), { maxLr: [1, 2, 3], totalSteps: 10 }), /expected 2 values for maxLr/);
  const one = new S.OneCycleLR(sgd2(), { maxLr: 1, totalSteps: 2 });
  one.step();
  one.step();
  assert.throws(() => one.step(), /tried to step 4 times, but the cycle has 2 steps/);
  assert.throws(() => new S.ReduceLROnPlateau(sgd2(), { factor: 1 }), /factor must be < 1/);
  assert.throws(() => new S.ReduceLROnPlateau(sgd2(), { mode: "best" as "min" }), /mode must be "min" or "max"/);
  assert.throws(() => new S.SequentialLR(sgd2(), { schedulers: [new S.ExponentialLR(sgd2(), { gamma: 0.9 })], milestones: [] }), /drives a different optimizer/);
  assert.throws(() => new S.LambdaLR(sgd2(), { lrLambda: [(e: number) => e] }), /expected 2 lrLambda functions/);
  assert.throws(() => new S.ExponentialLR({} as never, { gamma: 0.9 }), /ExponentialLR: expected an optimizer/);
});
