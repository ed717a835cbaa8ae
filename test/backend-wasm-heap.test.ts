// The wasm backend's allocator (src/backend/wasm/heap.ts): small blocks in size classes with free lists,
// large blocks (> 64 KiB) best-fit from coalesced free ranges. Checked against a model of the address space:
// live blocks never overlap, stay aligned and inside the memory, and freed large memory is reused for other
// sizes instead of growing the heap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SMALL_MAX, WasmHeap, sizeClass } from "../src/backend/wasm/heap.js";
import { Generator } from "../src/random.js";

const KiB = 1024;
const newHeap = (base = 1000): WasmHeap => new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 65536 }), base);

test("sizeClass: 16-byte steps to 256 B, ≤ 12.5 % waste to 64 KiB, then 4 KiB multiples", () => {
  assert.equal(sizeClass(1), 16);
  assert.equal(sizeClass(17), 32);
  assert.equal(sizeClass(256), 256);
  for (let b = 257; b <= SMALL_MAX; b += 97) {
    const c = sizeClass(b);
    assert.ok(c >= b && c <= b * 1.125 + 16 && c % 16 === 0, `${b} → ${c}`);
  }
  assert.equal(sizeClass(SMALL_MAX), SMALL_MAX);
  assert.equal(sizeClass(SMALL_MAX + 1), SMALL_MAX + 4 * KiB);
  assert.equal(sizeClass(802816), 802816); // a 784 × 256 float32 weight: no rounding
  assert.equal(sizeClass(188_160_000), 188_162_048); // Fashion-MNIST's training images: 2 KiB over
});

test("large blocks: freed neighbours merge, best fit is taken, a free range at the top lowers it", () => {
  const h = newHeap();
  const a = h.alloc(100 * KiB), b = h.alloc(100 * KiB), c = h.alloc(300 * KiB), d = h.alloc(200 * KiB), e = h.alloc(100 * KiB);
  assert.ok(a % 16 === 0 && b === a + 100 * KiB && c === b + 100 * KiB && d === c + 300 * KiB && e === d + 200 * KiB);
  h.free(a, 100 * KiB);
  h.free(b, 100 * KiB); // merges with a: one 200 KiB range at a
  h.free(d, 200 * KiB);
  assert.equal(h.stats().bytesFree, 400 * KiB);
  const highWater = h.stats().highWater;
  assert.equal(h.alloc(200 * KiB), a, "the merged range holds a 200 KiB block");
  h.free(a, 200 * KiB);
  h.free(c, 300 * KiB); // a + b + c + d: one 700 KiB range
  assert.equal(h.stats().bytesFree, 700 * KiB);
  assert.equal(h.alloc(700 * KiB), a);
  h.free(a, 700 * KiB);
  // best fit: with 700 KiB free at a and nothing else, a 152 KiB request splits it; the rest stays free
  const f = h.alloc(152 * KiB);
  assert.equal(f, a);
  assert.equal(h.stats().bytesFree, 548 * KiB);
  const g = h.alloc(500 * KiB); // fits the 548 KiB rest
  assert.equal(g, a + 152 * KiB);
  assert.equal(h.stats().highWater, highWater, "all of it from freed memory");
  // freeing the block at the top returns it (and a free range before it) to the bump pointer
  h.free(g, 500 * KiB); // 548 KiB free range before e
  h.free(e, 100 * KiB); // e ends at the top: e and the range before it go back
  assert.equal(h.stats().bytesFree, 0);
  const small = h.alloc(64);
  assert.equal(small, a + 152 * KiB, "the bump pointer came down to the end of f");
  assert.equal(h.stats().highWater, highWater);
});

test("a random alloc/free sequence: live blocks never overlap and stay aligned inside the memory", () => {
  const h = newHeap(40);
  const g = new Generator(7);
  const live = new Map<number, number>(); // ptr → requested bytes
  const sizes = [8, 100, 300, 5000, 65536, 65537, 100_000, 131_072, 802_816, 2_000_000];
  for (let i = 0; i < 5000; i++) {
    if (live.size > 0 && g.random() < 0.45) {
      const ptrs = [...live.keys()];
      const p = ptrs[Math.floor(g.random() * ptrs.length)]!;
      h.free(p, live.get(p)!);
      live.delete(p);
    } else {
      const bytes = sizes[Math.floor(g.random() * sizes.length)]! + Math.floor(g.random() * 50);
      const p = h.alloc(bytes);
      assert.equal(p % 16, 0);
      assert.ok(p >= 40 && p + bytes <= h.memory.buffer.byteLength);
      live.set(p, bytes);
    }
    if (i % 250 === 0 || i === 4999) {
      const blocks = [...live].map(([p, b]) => [p, p + sizeClass(b)] as const).sort((x, y) => x[0] - y[0]);
      for (let k = 1; k < blocks.length; k++) assert.ok(blocks[k - 1]![1] <= blocks[k]![0], `overlap at step ${i}`);
      const s = h.stats();
      assert.equal(s.blocks, live.size);
      assert.equal(s.bytesInUse, [...live.values()].reduce((n, b) => n + sizeClass(b), 0));
      assert.ok(s.highWater >= (blocks.at(-1)?.[1] ?? 0) && s.highWater <= h.memory.buffer.byteLength);
    }
  }
});

test("freed large memory serves other shapes: a change of batch size does not grow the heap", () => {
  const h = newHeap();
  // A training step's large temporaries, freed in batches (as a collection frees them), first with batches
  // of 128 rows, then of 100 rows: other sizes, which size classes alone could not serve from the freed blocks.
  // (All above 64 KiB: a small size class seen for the first time takes new memory by design.)
  const step = (rows: number): [number, number][] => [784 * rows * 4, 256 * rows * 4, 802_816, 512 * rows * 4, 802_816].map((b) => [h.alloc(b), b]);
  const run = (rows: number, steps: number): void => {
    let pending: [number, number][] = [];
    for (let s = 0; s < steps; s++) {
      pending.push(...step(rows));
      if (s % 4 === 3) {
        for (const [p, b] of pending) h.free(p, b);
        pending = [];
      }
    }
    for (const [p, b] of pending) h.free(p, b);
  };
  run(128, 8);
  const after128 = h.stats().highWater;
  run(128, 40);
  assert.equal(h.stats().highWater, after128, "the same shapes run from freed memory");
  run(100, 40);
  assert.equal(h.stats().highWater, after128, "smaller shapes run from the freed ranges");
  assert.equal(h.stats().blocks, 0);
});
