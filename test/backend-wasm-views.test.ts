// View coalescing of the wasm kernels (src/backend/wasm/views.ts): the documented example, and on random
// shapes/strides the coalesced grid walks exactly the same element offsets, operand by operand, as the
// original view (so a kernel over the grid touches the same memory in the same order).
import { test } from "node:test";
import assert from "node:assert/strict";
import { coalesce } from "../src/backend/wasm/views.js";
import { Generator } from "../src/random.js";

function offsets(shape: readonly number[], strides: readonly number[]): number[] {
  const out: number[] = [];
  const idx = shape.map(() => 0);
  const n = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    out.push(idx.reduce((s, v, d) => s + v * strides[d]!, 0));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

test("coalesce: the documented example", () => {
  assert.deepEqual(coalesce([2, 3, 4], [[12, 4, 1], [0, 0, 1]]), { shape: [6, 4], strides: [[4, 1], [0, 1]] });
  assert.deepEqual(coalesce([1, 1], [[5, 1]]), { shape: [], strides: [[]] });
});

test("coalesce: random views keep every operand's element offsets and merge what can merge", () => {
  const g = new Generator(7);
  for (let t = 0; t < 300; t++) {
    const nd = 1 + Math.floor(g.random() * 4);
    const shape = Array.from({ length: nd }, () => 1 + Math.floor(g.random() * 4));
    const ops = 1 + Math.floor(g.random() * 3);
    const strides = Array.from({ length: ops }, () => {
      const kind = g.random();
      if (kind < 0.4) { // contiguous
        const s: number[] = [];
        let acc = 1;
        for (let d = nd - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]!; }
        return s;
      }
      return shape.map(() => (g.random() < 0.3 ? 0 : Math.floor(g.random() * 20) - 5)); // broadcast/strided/negative
    });
    const c = coalesce(shape, strides);
    for (let k = 0; k < ops; k++) assert.deepEqual(offsets(c.shape, c.strides[k]!), offsets(shape, strides[k]!), JSON.stringify({ shape, strides, c }));
    assert.ok(!c.shape.includes(1), "size-1 dims are dropped");
    for (let d = 1; d < c.shape.length; d++) {
      assert.ok(c.strides.some((s) => s[d - 1] !== s[d]! * c.shape[d]!), `dims ${d - 1},${d} could have merged: ${JSON.stringify(c)}`);
    }
  }
});
