// In-place writes after a tensor was used by a recorded op must not silently corrupt gradients: backward
// refuses, naming the op (as PyTorch's version counter does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { GradError, noGrad, tensor } from "../src/index.js";

test("modifying a saved input in place before backward is refused, naming the op", () => {
  const w = tensor([1, 2, 3], { requiresGrad: true });
  const y = w.mul(w).sum(); // mul saves w
  noGrad(() => w.add_(1));
  assert.throws(() => y.backward(), (e: unknown) => {
    assert.ok(e instanceof GradError);
    assert.match((e as Error).message, /input 0 \(shape \[3\]\) of "mul" was modified in place/);
    assert.match((e as Error).message, /clone\(\)/);
    return true;
  });
});

test("modifying a view of a saved tensor counts (they share storage)", () => {
  const x = tensor([1, 2, 3, 4]);
  const w = tensor([1, 1, 1, 1], { requiresGrad: true });
  const y = w.mul(x).sum();
  x.slice(0, 0, 2).copy_(tensor([9, 9])); // x does not require grad: in-place is allowed, but backward must notice
  assert.throws(() => y.backward(), /of "mul" was modified in place/);
});

test("in-place updates after backward (an optimizer step) keep the next step's gradients right", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  for (let step = 0; step < 3; step++) {
    w.zeroGrad();
    const loss = w.mul(w).sum();
    loss.backward();
    const expected = w.toFlatArray().map((v) => 2 * v);
    assert.deepEqual(w.grad!.toFlatArray(), expected);
    noGrad(() => w.sub_(w.grad!.mul(0.25)));
  }
});

test("a clone may be modified freely", () => {
  const w = tensor([1, 2, 3], { requiresGrad: true });
  const c = w.detach().clone();
  const y = w.mul(c).sum();
  c.add_(100); // c was saved by mul: refused at backward
  assert.throws(() => y.backward(), GradError);
  const z = w.mul(w.detach().clone()).sum();
  z.backward(); // untouched clone: fine
  assert.deepEqual(w.grad!.toFlatArray(), [1, 2, 3]);
});
