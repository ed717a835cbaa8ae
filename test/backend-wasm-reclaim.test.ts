// The reclaimer's collection pace (src/backend/wasm/reclaim.ts): the garbage that piles up between two
// forced collections is bounded by the allowance — the full budget while the live wasm data is small,
// budget² / (2·live) beyond half the budget (down to an eighth of the budget), never below the live JS heap. The byte
// counts are bookkeeping only (nothing is allocated), so a 256 MiB live set costs nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Reclaimer, collectionAllowance, type Held } from "../src/backend/wasm/reclaim.js";
import { createWasmBackend, type WasmStorage } from "../src/backend/wasm/index.js";

const MiB = 2 ** 20;

test("collectionAllowance: the budget for small live data, budget² / (2·live) beyond, ≥ budget / 8, ≥ the JS heap", () => {
  const b = 64 * MiB;
  assert.equal(collectionAllowance(b, 0, 0), b);
  assert.equal(collectionAllowance(b, 32 * MiB, 5 * MiB), b);
  assert.equal(collectionAllowance(b, 64 * MiB, 5 * MiB), 32 * MiB);
  assert.equal(collectionAllowance(b, 128 * MiB, 5 * MiB), 16 * MiB);
  assert.equal(collectionAllowance(b, 214 * MiB, 5 * MiB), (64 * 64 * MiB) / (2 * 214));
  assert.equal(collectionAllowance(b, 256 * MiB, 5 * MiB), 8 * MiB);
  assert.equal(collectionAllowance(b, 4096 * MiB, 5 * MiB), 8 * MiB);
  assert.equal(collectionAllowance(b, 4096 * MiB, 50 * MiB), 50 * MiB);
  assert.equal(collectionAllowance(b, 0, 100 * MiB), 100 * MiB);
});

/** Registers `rounds` blocks of 1 MiB that die at once; returns the most garbage ever waiting. */
function churn(r: Reclaimer, state: { garbage: number; live: number }, rounds: number): number {
  let maxGarbage = 0;
  for (let i = 0; i < rounds; i++) {
    state.live += MiB;
    r.register({}, { ptr: 0, bytes: MiB }); // dropped at once: garbage
    state.garbage += MiB;
    maxGarbage = Math.max(maxGarbage, state.garbage);
  }
  return maxGarbage;
}

test("reclaimer: with a large live wasm set, garbage between collections stays within budget² / (2·live)", (t) => {
  const state = { garbage: 0, live: 0 };
  const r = new Reclaimer((h: Held) => { state.live -= h.bytes; state.garbage -= h.bytes; }, 64 * MiB, () => state.live, () => 5 * MiB);
  if (!r.synchronous) return t.skip("no synchronous collection in this runtime (Node < 20.16)");
  const kept = {}; // a training set that stays alive
  state.live += 256 * MiB;
  r.register(kept, { ptr: 0, bytes: 256 * MiB });
  r.collect();
  const before = r.collections;
  const maxGarbage = churn(r, state, 1000);
  assert.ok(kept);
  // The first pace (max(budget, live/4)) let 64 MiB pile up here; now 8 MiB (+ one block).
  assert.ok(maxGarbage <= 9 * MiB, `garbage peaked at ${maxGarbage / MiB} MiB`);
  assert.ok(maxGarbage >= 7 * MiB, `collections come no sooner than the allowance (${maxGarbage / MiB} MiB)`);
  assert.ok(r.collections - before >= 1000 / 10 && r.collections - before <= 1000 / 7, `${r.collections - before} collections for 1000 MiB`);
  assert.ok(state.live >= 256 * MiB, "the live block is never freed");
});

test("reclaimer: with little live data the full budget; with a large JS heap that heap", (t) => {
  const state = { garbage: 0, live: 0 };
  let heap = 1 * MiB;
  const r = new Reclaimer((h: Held) => { state.live -= h.bytes; state.garbage -= h.bytes; }, 64 * MiB, () => state.live, () => heap);
  if (!r.synchronous) return t.skip("no synchronous collection in this runtime (Node < 20.16)");
  r.collect();
  let maxGarbage = churn(r, state, 300);
  assert.ok(maxGarbage > 60 * MiB && maxGarbage <= 65 * MiB, `garbage peaked at ${maxGarbage / MiB} MiB (allowance 64)`);
  heap = 100 * MiB; // e.g. a million live tensor objects
  r.collect();
  state.garbage = 0;
  maxGarbage = churn(r, state, 600);
  assert.ok(maxGarbage > 95 * MiB && maxGarbage <= 101 * MiB, `garbage peaked at ${maxGarbage / MiB} MiB (allowance 100)`);
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

test("reclaimer: blocks freed at once (dispose) since the last collection do not count towards the next", (t) => {
  const state = { live: 0 };
  const r = new Reclaimer((h: Held) => { state.live -= h.bytes; }, 64 * MiB, () => state.live, () => 5 * MiB);
  if (!r.synchronous) return t.skip("no synchronous collection in this runtime (Node < 20.16)");
  r.collect();
  const start = r.collections;
  // 1,000 blocks of 1 MiB, each disposed right after use: never garbage, so no collection.
  for (let i = 0; i < 1000; i++) {
    const held: Held = { ptr: 0, bytes: MiB };
    r.register({}, held);
    r.release(held);
  }
  assert.equal(r.collections, start);
  // A block allocated before a collection and disposed after it does not shorten the next interval.
  const old: Held = { ptr: 0, bytes: 32 * MiB };
  r.register({}, old);
  r.collect();
  r.release(old);
  let n = 0;
  while (r.collections === start + 1) {
    r.register({}, { ptr: 0, bytes: MiB });
    n++;
  }
  assert.equal(n, 65, "the 65th MiB of garbage after the collection triggers the next one");
});
