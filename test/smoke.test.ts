import { test } from "node:test";
import assert from "node:assert/strict";
import { tensor } from "../src/index.js";

test("the decks' f = (x + y)·z at (−2, 5, −4)", () => {
  const x = tensor(-2, { requiresGrad: true }), y = tensor(5, { requiresGrad: true }), z = tensor(-4, { requiresGrad: true });
  const f = x.add(y).mul(z);
  f.backward();
  assert.equal(f.item(), -12);
  assert.equal(x.grad!.item(), -4);
  assert.equal(y.grad!.item(), -4);
  assert.equal(z.grad!.item(), 3);
});
