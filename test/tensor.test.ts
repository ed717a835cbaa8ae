/**
 * Tensor behaviour: creation, dtypes and promotion, broadcasting, views and shared storage, strided
 * (non-contiguous, negative-stride) inputs to every kind of kernel, NumPy-style indexing, printing, NaN rules.
 * Expected values are written out by hand or computed with plain JS loops.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../src/tensor.js";
import { backendName, setBackend } from "../src/backend/registry.js";
import {
  arange, eye, full, fullLike, linspace, ones, onesLike, rand, randint, randintLike, randLike, randn, randnLike, tensor, zeros, zerosLike,
} from "../src/ops/creation.js";
import { add, logicalAnd, logicalOr, where } from "../src/ops/elementwise.js";
import { argmax, argmin, max, sum } from "../src/ops/reduce.js";
import { cat, gather, scatterAdd, stack } from "../src/ops/movement.js";
import { matmul } from "../src/ops/matmul.js";
import { noGrad } from "../src/autograd/grad-mode.js";
import { Generator } from "../src/random.js";
import { ShapeError, ValueError } from "../src/errors.js";

/** The 3×4 matrix [[0,1,2,3],[4,5,6,7],[8,9,10,11]] in float64, and the same as JS rows. */
const x34 = (): Tensor => arange(12, { dtype: "float64" }).reshape(3, 4);
const rows34 = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]];
const transposeRows = (m: number[][]): number[][] => m[0]!.map((_, j) => m.map((r) => r[j]!));

// ---------------------------------------------------------------- creation

test("tensor() from nested arrays infers shape and dtype", () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(a.shape, [2, 3]);
  assert.equal(a.dtype, "float32");
  assert.deepEqual(a.toArray(), [[1, 2, 3], [4, 5, 6]]);
  const s = tensor(2.5);
  assert.deepEqual(s.shape, []);
  assert.equal(s.item(), 2.5);
  assert.equal(tensor([true, false]).dtype, "bool");
  assert.deepEqual(tensor([[[1], [2]]]).shape, [1, 2, 1]);
  assert.deepEqual(tensor([]).shape, [0]);
  assert.deepEqual(tensor([1.7, -1.7, 2.2], { dtype: "int32" }).toFlatArray(), [1, -1, 2]); // truncation toward 0
  assert.deepEqual(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).toArray(), [[1, 2], [3, 4], [5, 6]]);
});

test("tensor() wraps a typed array of the matching dtype without copying", () => {
  // A property of the TS backend (wasm storage lives in WebAssembly memory, so it copies): pinned to "ts".
  const before = backendName();
  setBackend("ts");
  const data = new Float32Array([1, 2, 3, 4]);
  const t = tensor(data, { shape: [2, 2] });
  setBackend(before);
  assert.equal(t.dtype, "float32");
  data[3] = 40;
  assert.deepEqual(t.toArray(), [[1, 2], [3, 40]]);
  assert.equal(tensor(new Float64Array(3)).dtype, "float64");
  assert.equal(tensor(new Int32Array(3)).dtype, "int32");
  assert.equal(tensor(new Uint8Array(3)).dtype, "bool");
  // Another dtype converts (a copy).
  const src = new Float32Array([1.5, 2.5]);
  const d = tensor(src, { dtype: "float64" });
  src[0] = 100;
  assert.equal(d.dtype, "float64");
  assert.deepEqual(d.toFlatArray(), [1.5, 2.5]);
});

test("ragged nested arrays are a ShapeError naming where", () => {
  assert.throws(() => tensor([[1, 2], [3]]), (e: unknown) => e instanceof ShapeError && /ragged/.test(e.message) && /\[1\]/.test(e.message) && /length 1, expected 2/.test(e.message));
  assert.throws(() => tensor([1, [2, 3]] as unknown as number[]), (e: unknown) => e instanceof ShapeError && /ragged/.test(e.message));
  assert.throws(() => tensor([1, 2], { shape: [3] }), ShapeError);
});

test("arange is int32 for integer arguments and float32 otherwise", () => {
  const a = arange(5);
  assert.equal(a.dtype, "int32");
  assert.deepEqual(a.toFlatArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(arange(2, 8, 3).toFlatArray(), [2, 5]);
  assert.deepEqual(arange(3, 0, -1).toFlatArray(), [3, 2, 1]);
  const f = arange(0, 1, 0.25);
  assert.equal(f.dtype, "float32");
  assert.deepEqual(f.toFlatArray(), [0, 0.25, 0.5, 0.75]);
  assert.equal(arange(4, { dtype: "float64" }).dtype, "float64");
  assert.deepEqual(arange(0).shape, [0]);
});

test("linspace hits both endpoints exactly", () => {
  const l = linspace(-1, 0.3, 11, { dtype: "float64" }).toFlatArray();
  assert.equal(l.length, 11);
  assert.equal(l[0], -1);
  assert.equal(l[10], 0.3);
  l.slice(1).forEach((v, i) => assert.ok(Math.abs(v - l[i]! - 0.13) < 1e-12));
  const f32 = linspace(0, 1, 7).toFlatArray();
  assert.equal(f32[0], 0);
  assert.equal(f32[6], 1);
  assert.deepEqual(linspace(2, 5, 1).toFlatArray(), [2]);
  assert.deepEqual(linspace(2, 5, 0).shape, [0]);
});

test("eye, full and the *Like constructors", () => {
  assert.deepEqual(eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(eye(2).toArray(), [[1, 0], [0, 1]]);
  const f = full([2, 2], 7, { dtype: "int32" });
  assert.equal(f.dtype, "int32");
  assert.deepEqual(f.toFlatArray(), [7, 7, 7, 7]);
  assert.equal(full([1], true).dtype, "bool");
  const base = tensor([[1, 2, 3]], { dtype: "float64" });
  for (const [t, v] of [[zerosLike(base), 0], [onesLike(base), 1], [fullLike(base, 2.5), 2.5]] as const) {
    assert.deepEqual(t.shape, [1, 3]);
    assert.equal(t.dtype, "float64");
    assert.deepEqual(t.toFlatArray(), [v, v, v]);
  }
  assert.equal(zerosLike(base, { dtype: "int32" }).dtype, "int32");
  assert.deepEqual(zeros([2, 0]).shape, [2, 0]);
  assert.deepEqual(ones([]).toArray(), 1);
  const g = new Generator(3);
  const r = randLike(base, { generator: g });
  assert.equal(r.dtype, "float64");
  assert.ok(r.toFlatArray().every((v) => v >= 0 && v < 1));
  assert.deepEqual(randnLike(base, { generator: g }).shape, [1, 3]);
  const ri = randintLike(tensor([0, 0, 0, 0], { dtype: "int32" }), 5, 8, { generator: g });
  assert.ok(ri.toFlatArray().every((v) => Number.isInteger(v) && v >= 5 && v < 8));
  assert.equal(randint(0, 3, [2]).dtype, "int32");
  assert.equal(rand([2]).dtype, "float32");
  assert.equal(randn([2], { dtype: "float64" }).dtype, "float64");
});

// ---------------------------------------------------------------- dtypes and promotion

test("int32 + 2.5 promotes to float32; int32 + 2 stays int32; int / int is float", () => {
  const i = tensor([1, 2, 3], { dtype: "int32" });
  const a = i.add(2.5);
  assert.equal(a.dtype, "float32");
  assert.deepEqual(a.toFlatArray(), [3.5, 4.5, 5.5]);
  assert.equal(i.add(2).dtype, "int32");
  assert.equal(i.div(2).dtype, "float32");
  assert.deepEqual(i.div(2).toFlatArray(), [0.5, 1, 1.5]);
  assert.equal(i.add(tensor([0.5], { dtype: "float64" })).dtype, "float64");
  assert.equal(tensor([1], { dtype: "float32" }).add(tensor([1], { dtype: "float64" })).dtype, "float64");
  assert.equal(i.exp().dtype, "float32");
});

test("comparisons return bool, and the sum of bools is an int32 count", () => {
  const x = tensor([1, 5, 3, 5]);
  const gt = x.gt(2);
  assert.equal(gt.dtype, "bool");
  assert.deepEqual(gt.toFlatArray(), [0, 1, 1, 1]);
  for (const c of [x.eq(5), x.ne(5), x.lt(3), x.le(3), x.ge(5)]) assert.equal(c.dtype, "bool");
  const count = gt.sum();
  assert.equal(count.dtype, "int32");
  assert.equal(count.item(), 3);
  assert.equal(x.eq(5).int().sum().item(), 2);
});

test("NaN: max/min propagate it; argmax/argmin pick it", () => {
  const x = tensor([1, NaN, 3]);
  assert.ok(Number.isNaN(x.max().item()));
  assert.ok(Number.isNaN(x.min().item()));
  assert.equal(x.argmax().item(), 1);
  assert.equal(x.argmin().item(), 1);
  const m = tensor([[1, NaN], [2, 0]]);
  const rowMax = max(m, 1).toFlatArray();
  assert.ok(Number.isNaN(rowMax[0]!));
  assert.equal(rowMax[1], 2);
  assert.deepEqual(argmax(m, 1).toFlatArray(), [1, 0]);
  assert.deepEqual(argmin(m, 1).toFlatArray(), [1, 1]);
  assert.ok(Number.isNaN(x.maximum(2).toFlatArray()[1]!));
  assert.deepEqual(x.isnan().toFlatArray(), [0, 1, 0]);
});

// ---------------------------------------------------------------- broadcasting

test("broadcasting follows NumPy: [2,1,3] + [4,1] → [2,4,3]", () => {
  const a = tensor([[[1, 2, 3]], [[10, 20, 30]]]);
  const b = tensor([[100], [200], [300], [400]]);
  const c = add(a, b);
  assert.deepEqual(c.shape, [2, 4, 3]);
  const expected = [[1, 2, 3], [10, 20, 30]].map((row) => [100, 200, 300, 400].map((k) => row.map((v) => v + k)));
  assert.deepEqual(c.toArray(), expected);
  assert.deepEqual(tensor(2).mul(tensor([1, 2])).toFlatArray(), [2, 4]);
  assert.deepEqual(tensor([[1], [2]]).sub(tensor([10, 20, 30])).toArray(), [[-9, -19, -29], [-8, -18, -28]]);
});

// ---------------------------------------------------------------- views

test("views share storage: slice, then copy_ under noGrad, changes the base", () => {
  const base = zeros([3, 4], { requiresGrad: true });
  const s = noGrad(() => base.slice(1, 1, 3));
  assert.equal(s.storage, base.storage);
  noGrad(() => s.copy_(tensor([[1, 2], [3, 4], [5, 6]])));
  assert.deepEqual(base.toArray(), [[0, 1, 2, 0], [0, 3, 4, 0], [0, 5, 6, 0]]);
  // select, transpose, reshape of a contiguous tensor and expand are views too.
  const x = x34();
  for (const v of [x.select(0, 1), x.transpose(), x.reshape(4, 3), x.index(0).expand(2, 4), x.flip(1), x.unsqueeze(0)]) {
    assert.equal(v.storage, x.storage);
  }
  // A reshape of a non-contiguous tensor must copy.
  assert.notEqual(x.transpose().reshape(12).storage, x.storage);
});

test("in-place ops write through a strided view (fill_, mul_, add_ with alpha)", () => {
  const x = x34();
  const col = x.select(1, 2); // [2, 6, 10], stride 4
  col.mul_(10);
  col.add_(tensor([1, 1, 1], { dtype: "float64" }), 2);
  assert.deepEqual(x.toArray(), [[0, 1, 22, 3], [4, 5, 62, 7], [8, 9, 102, 11]]);
  x.index(":", "::3").fill_(-1);
  assert.deepEqual(x.toArray(), [[-1, 1, 22, -1], [-1, 5, 62, -1], [-1, 9, 102, -1]]);
  x.flip(0).index(0).zero_();
  assert.deepEqual((x.toArray() as number[][])[2], [0, 0, 0, 0]);
});

test("non-contiguous inputs work in every kernel kind (transposed)", () => {
  const t = x34().transpose(); // [4,3], strides [1,4]
  const tr = transposeRows(rows34);
  assert.equal(t.isContiguous, false);
  assert.deepEqual(t.toArray(), tr);
  // unary
  assert.deepEqual(t.exp().toArray(), tr.map((r) => r.map(Math.exp)));
  // binary, with a broadcast (stride-0) operand
  assert.deepEqual(t.mul(tensor([1, -1, 2], { dtype: "float64" })).toArray(), tr.map((r) => [r[0]!, -r[1]!, 2 * r[2]!]));
  // reduce over each axis
  assert.deepEqual(sum(t, 0).toFlatArray(), [6, 22, 38]);
  assert.deepEqual(sum(t, 1).toFlatArray(), [12, 15, 18, 21]);
  assert.deepEqual(max(t, 0).toFlatArray(), [3, 7, 11]);
  assert.deepEqual(argmin(t, 1).toFlatArray(), [0, 0, 0, 0]);
  // matmul: tᵀ·t with both operands strided equals x·xᵀ
  const xxT = rows34.map((a) => rows34.map((b) => a.reduce((s, v, k) => s + v * b[k]!, 0)));
  assert.deepEqual(matmul(t.transpose(), t).toArray(), matmul(x34(), x34().transpose()).toArray());
  assert.deepEqual(matmul(x34(), t).toArray(), xxT);
  // cat of a strided and a contiguous tensor
  assert.deepEqual(cat([t, ones([4, 1], { dtype: "float64" })], 1).toArray(), tr.map((r) => [...r, 1]));
  assert.deepEqual(stack([t.select(1, 0), t.select(1, 2)]).toArray(), [[0, 1, 2, 3], [8, 9, 10, 11]]);
  // gather and scatterAdd on a strided tensor
  const idx = tensor([[2, 0], [1, 1], [0, 2], [2, 2]], { dtype: "int32" });
  assert.deepEqual(gather(t, 1, idx).toArray(), [[8, 0], [5, 5], [2, 10], [11, 11]]);
  const sa = scatterAdd(t, 1, idx, ones([4, 2], { dtype: "float64" }));
  assert.deepEqual(sa.toArray(), [[1, 4, 9], [1, 7, 9], [3, 6, 11], [3, 7, 13]]);
  // where and a contiguous copy (cast)
  assert.deepEqual(where(t.gt(5), t, 0).toArray(), tr.map((r) => r.map((v) => (v > 5 ? v : 0))));
  assert.deepEqual(t.int().toArray(), tr);
  assert.deepEqual(t.contiguous().strides, [3, 1]);
});

test("flip gives a negative-stride view that every kernel reads correctly", () => {
  const x = x34();
  const f = x.flip(0);
  assert.ok(f.strides[0]! < 0);
  assert.equal(f.storage, x.storage);
  const fr = [...rows34].reverse();
  assert.deepEqual(f.toArray(), fr);
  assert.deepEqual(x.flip([0, 1]).toArray(), fr.map((r) => [...r].reverse()));
  assert.deepEqual(f.sqrt().toArray(), fr.map((r) => r.map(Math.sqrt)));
  assert.deepEqual(sum(f, 1).toFlatArray(), [38, 22, 6]);
  assert.deepEqual(matmul(f, ones([4], { dtype: "float64" })).toFlatArray(), [38, 22, 6]);
  assert.deepEqual(f.slice(1, 1, 3).toArray(), [[9, 10], [5, 6], [1, 2]]);
  assert.deepEqual(cat([f, x], 0).shape, [6, 4]);
  assert.deepEqual(f.flip(0).toArray(), rows34);
});

// ---------------------------------------------------------------- index()

test('index() takes ":", "start:end:step", "...", null, negative ints and integer arrays', () => {
  const x = x34();
  assert.deepEqual(x.index(":", "1:5:2").toArray(), [[1, 3], [5, 7], [9, 11]]);
  assert.deepEqual(x.index(":").toArray(), rows34);
  assert.deepEqual(x.index("1:").toArray(), rows34.slice(1));
  assert.deepEqual(x.index(":-1", "::3").toArray(), [[0, 3], [4, 7]]);
  assert.deepEqual(x.index("...", -1).toArray(), [3, 7, 11]);
  assert.deepEqual(x.index(-1).toArray(), [8, 9, 10, 11]);
  assert.equal(x.index(-2, -3).item(), 5);
  assert.deepEqual(x.index(null).shape, [1, 3, 4]);
  assert.deepEqual(x.index(":", null, 1).toArray(), [[1], [5], [9]]);
  assert.deepEqual(x.index("...", null).shape, [3, 4, 1]);
  assert.deepEqual(x.index([2, 0, 2]).toArray(), [rows34[2], rows34[0], rows34[2]]);
  assert.deepEqual(x.index(":", [3, -4]).toArray(), [[3, 0], [7, 4], [11, 8]]);
  assert.deepEqual(x.index(-1, [3, 0]).toArray(), [11, 8]);
  assert.deepEqual(x.index(tensor([1], { dtype: "int32" })).toArray(), [rows34[1]]);
  // Basic indexing is a view; slicing past the end clamps, as Python.
  assert.equal(x.index(1, "1:3").storage, x.storage);
  assert.deepEqual(x.index("2:10").toArray(), [rows34[2]]);
});

// ---------------------------------------------------------------- printing

test("toString prints like PyTorch: floats, ints, bools, scalars, grad info", () => {
  assert.equal(tensor([[1.5, 2], [3, 4]]).toString(), "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])");
  assert.equal(tensor([[1, 2], [3, 4]]).toString(), "tensor([[1., 2.],\n        [3., 4.]])");
  assert.equal(tensor([[1, 2], [3, 4]], { dtype: "int32" }).toString(), "tensor([[1, 2],\n        [3, 4]], dtype=int32)");
  assert.equal(tensor([true, false]).toString(), "tensor([ true, false], dtype=bool)");
  assert.equal(tensor([1.5, 2], { requiresGrad: true }).toString(), "tensor([1.5000, 2.0000], requiresGrad=true)");
  assert.equal(tensor([1.5, 2], { requiresGrad: true }).mul(2).toString(), "tensor([3., 4.], gradFn=mul)");
  assert.equal(tensor(3.25, { dtype: "float64" }).toString(), "tensor(3.2500, dtype=float64)");
  assert.equal(zeros([0, 3]).toString(), "tensor([], size=[0, 3])");
  assert.equal(tensor([NaN, Infinity, -1]).toString(), "tensor([nan, inf, -1.])");
});

test("toString summarizes large tensors with ...", () => {
  assert.equal(arange(2000).toString(), "tensor([   0,    1,    2, ..., 1997, 1998, 1999], dtype=int32)");
  const big = zeros([40, 30]).toString().split("\n");
  assert.equal(big.length, 7); // 3 rows, "...", 3 rows
  assert.equal(big[0], "tensor([[0., 0., 0., ..., 0., 0., 0.],");
  assert.equal(big[3], "        ...,");
  assert.ok(big[6]!.endsWith("0., 0., 0.]])"));
  // Small tensors are never summarized.
  assert.ok(!arange(1000).toString().includes("..."));
});

// ---------------------------------------------------------------- item()

test("item() reads a one-element tensor and rejects anything bigger", () => {
  assert.equal(tensor([[4.5]]).item(), 4.5);
  assert.equal(tensor(7, { dtype: "int32" }).item(), 7);
  assert.throws(() => tensor([1, 2]).item(), (e: unknown) => e instanceof ValueError && /item/.test(e.message) && /\[2\]/.test(e.message) && /2 elements/.test(e.message));
});

test("logicalAnd / logicalOr: truthiness of tensors and plain values, bool results", () => {
  const a = tensor([0, 1, 2, 0]), b = tensor([0, 0, 3, 5]);
  const and = logicalAnd(a, b), or = logicalOr(a, b);
  assert.equal(and.dtype, "bool");
  assert.deepEqual(and.toFlatArray(), [0, 0, 1, 0]);
  assert.deepEqual(or.toFlatArray(), [0, 1, 1, 1]);
  assert.deepEqual(logicalAnd(a, true).toFlatArray(), [0, 1, 1, 0]);
  assert.deepEqual(logicalOr(false, b).toFlatArray(), [0, 0, 1, 1]);
});
