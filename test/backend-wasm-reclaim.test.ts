// The reclaimer's collection pace (src/backend/wasm/reclaim.ts): the garbage that piles up between two
// forced collections is bounded by max(budget, a quarter of what survived the last collection), not by the
// live data. The byte counts are bookkeeping only (nothing is allocated), so a 256 MiB live set costs nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Reclaimer, type Held } from "../src/backend/wasm/reclaim.js";
import { createWasmBackend, type WasmStorage } from "../src/backend/wasm/index.js";

const MiB = 2 ** 20;

test("reclaimer: garbage between collections stays within max(budget, live/4), however large the live set", (t) => {
  let live = 0, maxGarbage = 0, garbage = 0;
  const r = new Reclaimer((h: Held) => { live -= h.bytes; garbage -= h.bytes; }, 64 * MiB, () => live);
  if (!r.synchronous) return t.skip("no synchronous collection in this runtime (Node < 20.16)");
  const reg = (bytes: number): object => {
    const o = {};
    live += bytes;
    r.register(o, { ptr: 0, bytes });
    return o;
  };
  const kept = reg(256 * MiB); // a training set that stays alive
  r.collect();
  for (let i = 0; i < 1000; i++) {
    reg(MiB); // dropped at once: garbage
    garbage += MiB;
    maxGarbage = Math.max(maxGarbage, garbage);
  }
  assert.ok(kept);
  // Old pace (after max(budget, survivors) bytes) let 256 MiB of garbage pile up; now 64 MiB (+ one block).
  assert.ok(maxGarbage <= 65 * MiB, `garbage peaked at ${maxGarbage / MiB} MiB`);
  assert.ok(maxGarbage >= 60 * MiB, `collections come no sooner than the budget (${maxGarbage / MiB} MiB)`);
  assert.ok(live >= 256 * MiB, "the live block is never freed");
});

test("reclaimer: with a huge live set the allowance is a quarter of it (bounded collection work per byte)", (t) => {
  let live = 0, maxGarbage = 0, garbage = 0;
  const r = new Reclaimer((h: Held) => { live -= h.bytes; garbage -= h.bytes; }, 64 * MiB, () => live);
  if (!r.synchronous) return t.skip("no synchronous collection in this runtime (Node < 20.16)");
  const kept = {};
  live += 1024 * MiB;
  r.register(kept, { ptr: 0, bytes: 1024 * MiB });
  r.collect();
  for (let i = 0; i < 600; i++) {
    r.register({}, { ptr: 0, bytes: MiB });
    live += MiB;
    garbage += MiB;
    maxGarbage = Math.max(maxGarbage, garbage);
  }
  assert.ok(maxGarbage > 200 * MiB && maxGarbage <= 257 * MiB, `garbage peaked at ${maxGarbage / MiB} MiB (allowance 256)`);
});

test("reclaimer: a disposed storage's finalizer does not free the block a later storage reuses", () => {
  const b = createWasmBackend();
  const rt = (b as unknown as { rt: { reclaimer: Reclaimer } }).rt;
  if (!rt.reclaimer.synchronous) return;
  let first: WasmStorage | null = b.fromArray(new Float32Array(5000).fill(1), "float32");
  const ptr = first.ptr;
  b.dispose(first);
  first = null; // now garbage: its finalizer will run at the next collection
  const second = b.fromArray(new Float32Array(5000).fill(2), "float32");
  assert.equal(second.ptr, ptr, "the freed block is reused");
  const blocks = b.memoryStats().blocks;
  rt.reclaimer.collect();
  assert.equal(b.memoryStats().blocks, blocks, "the collection freed nothing still in use");
  const third = b.fromArray(new Float32Array(5000).fill(3), "float32");
  assert.notEqual(third.ptr, second.ptr, "the live block is not handed out twice");
  assert.deepEqual(Array.from(b.read({ storage: second, shape: [3], strides: [1], offset: 0 })), [2, 2, 2]);
});
