// L-BFGS against PyTorch: Rosenbrock iterates (float64) with and without strong-Wolfe line search, a float32
// multi-parameter run, the two-loop recursion and cubic interpolation by hand, and its errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tensor, type Tensor } from "../src/index.js";
import { LBFGS, lbfgsDirection } from "../src/optim/lbfgs.js";
import { cubicInterpolate, strongWolfe } from "../src/optim/strong-wolfe.js";
import { SGD } from "../src/optim/sgd.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/optim.json", import.meta.url), "utf8"));

function rosenbrockProblem(options: Record<string, unknown>, dtype: "float32" | "float64" = "float64") {
  const xy = tensor([-1.5, 2], { dtype, requiresGrad: true });
  const opt = new LBFGS([xy], options);
  const closure = (): Tensor => {
    opt.zeroGrad();
    const x = xy.select(0, 0), y = xy.select(0, 1);
    const loss = x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
    loss.backward();
    return loss;
  };
  return { xy, opt, closure };
}

for (const kind of ["strongWolfe", "plain"] as const) {
  test(`LBFGS (${kind}) follows PyTorch's iterates on Rosenbrock`, () => {
    const { xy, opt, closure } = rosenbrockProblem(fx.lbfgs[kind].options);
    for (const [k, e] of (fx.lbfgs[kind].steps as { x: number[]; loss: number; funcEvals: number; nIter: number }[]).entries()) {
      const loss = opt.step(closure) as Tensor;
      const st = opt.state.get(xy)!;
      assert.ok(Math.abs(loss.item() - e.loss) <= 1e-9 + 1e-6 * Math.abs(e.loss), `step ${k + 1} loss ${loss.item()} vs ${e.loss}`);
      xy.toFlatArray().forEach((v, i) => assert.ok(Math.abs(v - e.x[i]!) < 1e-6, `step ${k + 1} x[${i}] = ${v}, PyTorch ${e.x[i]}`));
      assert.equal(st.nIter, e.nIter, `step ${k + 1} iterations`);
      assert.equal(st.funcEvals, e.funcEvals, `step ${k + 1} evaluations`);
    }
    if (kind === "strongWolfe") xy.toFlatArray().forEach((v) => assert.ok(Math.abs(v - 1) < 1e-4));
  });
}

test("LBFGS without line search (lr 1, maxIter 50) ends at Rosenbrock's minimum like PyTorch", () => {
  const e = fx.lbfgs.plainLong.steps[0] as { x: number[] };
  const { xy, opt, closure } = rosenbrockProblem(fx.lbfgs.plainLong.options);
  for (let i = 0; i < 8; i++) opt.step(closure);
  // Fixed-step L-BFGS here is chaotic (see the fixture script), so only the end point is compared.
  xy.toFlatArray().forEach((v, i) => assert.ok(Math.abs(v - e.x[i]!) < 2e-5 && Math.abs(v - 1) < 2e-5, `x[${i}] = ${v}, PyTorch ${e.x[i]}`));
});

test("LBFGS in float32 also reaches the Rosenbrock minimum", () => {
  const { xy, opt, closure } = rosenbrockProblem({ lineSearchFn: "strongWolfe" }, "float32");
  for (let i = 0; i < 10; i++) opt.step(closure);
  xy.toFlatArray().forEach((v) => assert.ok(Math.abs(v - 1) < 1e-3, `got ${v}`));
});

test("LBFGS with several parameters (matrix + bias, float32) equals PyTorch", () => {
  const P = fx.problem;
  const X = tensor(P.X).reshape(8, 3), Y = tensor(P.Y).reshape(8, 2);
  const W = tensor(P.W0).reshape(3, 2).requiresGrad_(), b = tensor(P.b0, { requiresGrad: true });
  const opt = new LBFGS([W, b], fx.lbfgs.regression.options);
  const closure = () => {
    opt.zeroGrad();
    const loss = X.matmul(W).add(b).sub(Y).square().mean();
    loss.backward();
    return loss;
  };
  for (const [k, e] of (fx.lbfgs.regression.steps as number[][]).entries()) {
    opt.step(closure);
    [...W.toFlatArray(), ...b.toFlatArray()].forEach((v, i) =>
      assert.ok(Math.abs(v - e[i]!) <= 1e-5 + 1e-4 * Math.abs(e[i]!), `step ${k + 1} [${i}]: ${v} vs ${e[i]}`));
  }
});

test("lbfgsDirection: two-loop recursion equals −H∇ with the BFGS inverse-Hessian update (by hand)", () => {
  const g = tensor([1, -2], { dtype: "float64" });
  assert.deepEqual(lbfgsDirection(g, [], [], [], 0.5).toArray(), [-0.5, 1]);
  // One pair (s, y): H = (I − ρsyᵀ) H0 (I − ρysᵀ) + ρssᵀ with H0 = γI, γ = sᵀy / yᵀy.
  const s = [0.5, 0.25], y = [1, 0.2];
  const sy = s[0]! * y[0]! + s[1]! * y[1]!;
  const rho = 1 / sy, gamma = sy / (y[0]! ** 2 + y[1]! ** 2);
  const I = [[1, 0], [0, 1]];
  const A = I.map((row, i) => row.map((v, j) => v - rho * s[i]! * y[j]!));
  const H = [0, 1].map((i) => [0, 1].map((j) => {
    let acc = 0;
    for (let k = 0; k < 2; k++) acc += gamma * A[i]![k]! * A[j]![k]!;
    return acc + rho * s[i]! * s[j]!;
  }));
  const gv = [1, -2];
  const expected = H.map((row) => -(row[0]! * gv[0]! + row[1]! * gv[1]!));
  const d = lbfgsDirection(g, [tensor(y, { dtype: "float64" })], [tensor(s, { dtype: "float64" })], [rho], gamma).toFlatArray();
  d.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-12, `${v} vs ${expected[i]}`));
});

test("cubicInterpolate: exact minimizer of a cubic, clamped to bounds", () => {
  // f(x) = x³ − 3x on [0, 2]: minimum at x = 1. f(0)=0, f'(0)=−3, f(2)=2, f'(2)=9.
  assert.ok(Math.abs(cubicInterpolate(0, 0, -3, 2, 2, 9) - 1) < 1e-12);
  assert.ok(Math.abs(cubicInterpolate(2, 2, 9, 0, 0, -3) - 1) < 1e-12);
  assert.equal(cubicInterpolate(0, 0, -3, 2, 2, 9, [1.5, 3]), 1.5);
});

test("strongWolfe: the returned step satisfies both strong Wolfe conditions on a quadratic", () => {
  // f(x) = ½·xᵀx from x0 = [3, −4] along d = −∇ = [−3, 4]; any t in a band around 1 is acceptable.
  const x0 = tensor([3, -4], { dtype: "float64" });
  const obj = (x: Tensor, t: number, d: Tensor): [number, Tensor] => {
    const p = x.add(d.mul(t));
    return [p.square().sum().item() / 2, p];
  };
  const d = x0.neg();
  const f0 = 12.5, gtd = -25;
  const r = strongWolfe(obj, x0, 0.1, d, f0, x0, gtd);
  assert.ok(r.f <= f0 + 1e-4 * r.t * gtd);
  assert.ok(Math.abs(r.g.mul(d).sum().item()) <= -0.9 * gtd);
});

test("LBFGS errors: missing closure, several groups, bad lineSearchFn", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const opt = new LBFGS([w]);
  assert.throws(() => opt.step(), /LBFGS\.step: a closure is required/);
  assert.throws(() => new LBFGS([{ params: [w] }, { params: [tensor([1], { requiresGrad: true })] }]), /only one parameter group/);
  assert.throws(() => new LBFGS([w], { lineSearchFn: "wolfe" as "strongWolfe" }), /lineSearchFn must be null or "strongWolfe"/);
  assert.throws(() => opt.loadStateDict(new SGD([w]).stateDict()), /saved by SGD, not LBFGS/);
});

test("LBFGS state dict resumes the same iterates", () => {
  const a = rosenbrockProblem({ lineSearchFn: "strongWolfe", maxIter: 5 });
  for (let i = 0; i < 2; i++) a.opt.step(a.closure);
  const sd = a.opt.stateDict();
  const b = rosenbrockProblem({ lineSearchFn: "strongWolfe", maxIter: 5 });
  b.xy.requiresGrad = false;
  b.xy.copy_(a.xy.detach());
  b.xy.requiresGrad = true;
  b.opt.loadStateDict(sd);
  for (let i = 0; i < 2; i++) {
    a.opt.step(a.closure);
    b.opt.step(b.closure);
  }
  assert.deepEqual(b.xy.toFlatArray(), a.xy.toFlatArray());
});
