// The slice fast path of gather (indexSelect's index: a 1-D list expanded with stride 0 over every other
// dim) against the generic per-element gather, on both backends, exactly (it only moves data): contiguous,
// transposed and stepped sources, every selected dim, negative and repeated indices, empty selections,
// every dtype; and out-of-range indices raise the same error as the generic path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { allocArray, type DType } from "../src/dtype.js";
import type { View } from "../src/backend/backend.js";
import { TsBackend } from "../src/backend/ts/index.js";
import { gatherGeneric, isSliceIndex } from "../src/backend/ts/indexing.js";
import { TsStorage } from "../src/backend/ts/storage.js";
import { createWasmBackend, type WasmStorage } from "../src/backend/wasm/index.js";
import { contiguousStrides, sizeOf } from "../src/shape.js";
import { Generator } from "../src/random.js";
import { indexSelect } from "../src/ops/movement.js";
import { tensor } from "../src/ops/creation.js";
import { getBackend, setBackend } from "../src/backend/registry.js";

const tsb = new TsBackend();
const wb = createWasmBackend();
const g = new Generator(99);

interface Case { ts: View<TsStorage>; w: View<WasmStorage> }

/** x as a random view of `shape`: contiguous, transposed (last two dims swapped) or stepped (every 2nd row). */
function source(dtype: DType, shape: number[], kind: "contig" | "transposed" | "stepped"): Case {
  const base = [...shape];
  if (kind === "transposed" && shape.length >= 2) [base[base.length - 1], base[base.length - 2]] = [base[base.length - 2]!, base[base.length - 1]!];
  if (kind === "stepped") base[0] = base[0]! * 2 + 1;
  const n = sizeOf(base);
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = dtype === "bool" ? (g.random() > 0.5 ? 1 : 0) : dtype === "int32" ? Math.floor(g.random() * 100 - 50) : g.random() * 6 - 3;
  let strides = contiguousStrides(base);
  let offset = 0;
  if (kind === "transposed" && shape.length >= 2) {
    strides = [...strides];
    [strides[strides.length - 1], strides[strides.length - 2]] = [strides[strides.length - 2]!, strides[strides.length - 1]!];
  }
  if (kind === "stepped") { strides = [strides[0]! * 2, ...strides.slice(1)]; offset = strides[0]! / 2; }
  return {
    ts: { storage: new TsStorage(data, dtype), shape, strides, offset },
    w: { storage: wb.fromArray(data, dtype), shape, strides, offset },
  };
}

/** indexSelect's index: `sel` along dim, stride 0 elsewhere, over `shape` with shape[dim] = sel.length. */
function sliceIndex(sel: number[], shape: number[], dim: number): Case {
  const data = Int32Array.from(sel);
  const ishape = shape.map((s, d) => (d === dim ? sel.length : s));
  const strides = shape.map((_, d) => (d === dim ? 1 : 0));
  return {
    ts: { storage: new TsStorage(data, "int32"), shape: ishape, strides, offset: 0 },
    w: { storage: wb.fromArray(data, "int32"), shape: ishape, strides, offset: 0 },
  };
}

test("gather: slice fast path equals the generic gather (TS and wasm, every dtype and layout)", () => {
  const shapes = [[7], [5, 3], [4, 9, 6], [3, 1, 17]];
  for (const dtype of ["float32", "float64", "int32", "bool"] as DType[]) {
    for (const shape of shapes) {
      for (const kind of ["contig", "transposed", "stepped"] as const) {
        for (let dim = 0; dim < shape.length; dim++) {
          const size = shape[dim]!;
          const sels = [
            Array.from({ length: 5 }, () => Math.floor(g.random() * size)), // random, may repeat
            [size - 1, -1, -size, 0, 0], // negative and repeated
            [], // empty selection
          ];
          for (const sel of sels) {
            const x = source(dtype, shape, kind);
            const idx = sliceIndex(sel, shape, dim);
            assert.ok(isSliceIndex(idx.ts, dim));
            const want = gatherGeneric(x.ts, dim, idx.ts).data;
            const fast = tsb.kernels.gather(x.ts, dim, idx.ts).data;
            const w = wb.read({ storage: wb.kernels.gather(x.w, dim, idx.w), shape: idx.w.shape, strides: contiguousStrides(idx.w.shape), offset: 0 });
            const label = `${dtype} ${kind} [${shape}] dim ${dim} sel [${sel}]`;
            assert.deepEqual(Array.from(fast), Array.from(want), `TS ${label}`);
            assert.deepEqual(Array.from(w), Array.from(want), `wasm ${label}`);
          }
        }
      }
    }
  }
});

test("gather: a partial slice index (smaller than x on other dims) and a non-slice index stay exact", () => {
  const x = source("float32", [6, 5], "contig");
  // index [3, 4] over x [6, 5] along dim 0: stride 0 on dim 1 but only its first 4 columns.
  const part: Case = {
    ts: { storage: new TsStorage(Int32Array.from([2, 5, 0]), "int32"), shape: [3, 4], strides: [1, 0], offset: 0 },
    w: { storage: wb.fromArray(Int32Array.from([2, 5, 0]), "int32"), shape: [3, 4], strides: [1, 0], offset: 0 },
  };
  const want = gatherGeneric(x.ts, 0, part.ts).data;
  assert.deepEqual(Array.from(tsb.kernels.gather(x.ts, 0, part.ts).data), Array.from(want));
  assert.deepEqual(Array.from(wb.read({ storage: wb.kernels.gather(x.w, 0, part.w), shape: [3, 4], strides: [4, 1], offset: 0 })), Array.from(want));
  // A full index (different rows per column) is not a slice index.
  const full = { storage: new TsStorage(Int32Array.from([0, 1, 2, 3, 4, 5]), "int32"), shape: [2, 3], strides: [3, 1], offset: 0 };
  assert.equal(isSliceIndex(full, 0), false);
});

test("gather: out-of-range slice indices raise indexSelect's IndexError on both backends", () => {
  for (const name of ["ts", "wasm"] as const) {
    const prev = getBackend().name;
    setBackend(name);
    try {
      const x = tensor([[1, 2], [3, 4], [5, 6]]);
      assert.equal(x.backend.name, name);
      assert.throws(() => indexSelect(x, 0, [0, 3]), /indexSelect: index 3 is out of range for dimension 0 of size 3/);
      assert.throws(() => indexSelect(x, 0, [-4]), /index -4 is out of range/);
      assert.deepEqual(indexSelect(x, 1, [-1, 0, 1]).toArray(), [[2, 1, 2], [4, 3, 4], [6, 5, 6]]);
    } finally {
      setBackend(prev as "ts" | "wasm");
    }
  }
  const x = source("float32", [3, 2], "contig");
  const bad = sliceIndex([1, 7], [3, 2], 0);
  assert.throws(() => tsb.kernels.gather(x.ts, 0, bad.ts), /gather: index 7 is out of range for dimension 0 of size 3/);
  assert.throws(() => wb.kernels.gather(x.w, 0, bad.w), /gather: index 7 is out of range for dimension 0 of size 3/);
});
