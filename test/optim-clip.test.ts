// Gradient clipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (test/fixtures/optim.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tensor, zeros, type Tensor } from "../src/index.js";
import { clipGradNorm_, clipGradValue_ } from "../src/optim/clip-grad.js";

const fx = JSON.parse(readFileSync(new URL("./fixtures/optim.json", import.meta.url), "utf8")).clip;

function params(): Tensor[] {
  return (fx.grads as { shape: number[]; data: number[] }[]).map((g) => {
    const p = zeros(g.shape, { requiresGrad: true });
    p.grad = tensor(g.data).reshape(g.shape);
    return p;
  });
}
const close = (a: number, e: number, what: string) => assert.ok(Math.abs(a - e) <= 1e-6 + 1e-5 * Math.abs(e), `${what}: ${a} vs ${e}`);

for (const c of fx.norm) {
  test(`clipGradNorm_(maxNorm ${c.maxNorm}, normType ${c.normType}) equals PyTorch`, () => {
    const ps = params();
    const total = clipGradNorm_(ps, c.maxNorm, { normType: c.normType });
    close(total.item(), c.total, "total norm");
    ps.forEach((p, i) => p.grad!.toFlatArray().forEach((v, j) => close(v, c.clipped[i][j], `grad ${i}[${j}]`)));
  });
}

for (const c of fx.value) {
  test(`clipGradValue_(${c.clipValue}) equals PyTorch`, () => {
    const ps = params();
    clipGradValue_(ps, c.clipValue);
    ps.forEach((p, i) => assert.deepEqual(p.grad!.toFlatArray().map((v) => Math.fround(v)), c.clipped[i].map((v: number) => Math.fround(v))));
  });
}

test("clipGradNorm_: the 2-norm by hand, parameters without gradients, and errors", () => {
  const a = zeros([2], { requiresGrad: true, dtype: "float64" });
  const b = zeros([1], { requiresGrad: true, dtype: "float64" });
  a.grad = tensor([3, 4], { dtype: "float64" });
  const total = clipGradNorm_([a, b], 1); // b has no gradient: skipped
  assert.equal(total.item(), 5);
  a.grad.toFlatArray().forEach((v, i) => assert.ok(Math.abs(v - [3, 4][i]! / (5 + 1e-6)) < 1e-15));
  assert.equal(clipGradNorm_([b], 1).item(), 0);
  a.grad = tensor([NaN, 1], { dtype: "float64" });
  assert.throws(() => clipGradNorm_(a, 1, { errorIfNonfinite: true }), /clipGradNorm_: the total norm of order 2 of the gradients is NaN/);
  assert.throws(() => clipGradNorm_(a, 1, { normType: 0 }), /normType must be a positive number or "inf"/);
  assert.throws(() => clipGradValue_(a, -1), /clipValue must be a number ≥ 0/);
});
