// The wasm matmul (assembly/gemm.ts) against a float64 reference, in both builds of the kernel module
// (SIMD128 and relaxed SIMD, whose micro-kernel fuses multiply and add) where the runtime can load them:
// odd sizes around the 4×8 tile and the 256-deep and 2048-wide blocks, transposed and strided operands,
// batches (broadcast included), k = 0, and 1 vs 2 threads bit-identical. The small-matrix kernel
// (assembly/gemm-small.ts, which matmul runs below 2¹⁸ multiply-adds or under 4 columns) is checked the same
// way on the shapes of a small MLP's forward and backward products, and bit for bit against the packed
// gemmF32 called directly, with a guard band around C to catch stray writes. The error bound is the classical
// one for a float32 dot product of length k, |ĉ − c| ≤ γ·Σ|a||b| with γ = k·2⁻²³ (≥ k·u for both roundings of a
// multiply-add), plus the rounding of the result; a wrong element, tile or block is off by far more.
import { test } from "node:test";
import assert from "node:assert/strict";
import { getBackend, registerBackend, setBackend, backendName } from "../src/backend/registry.js";
import type { WasmBackend } from "../src/backend/wasm/backend.js";
import type { WasmRuntime } from "../src/backend/wasm/runtime.js";
import { createWasmBackend } from "../src/backend/wasm/create.js";
import { _forceKernelVariant, kernelVariant, relaxedSimdSupported, type KernelExports, type KernelVariant } from "../src/backend/wasm/module.js";
import { getNumThreads, setNumThreads } from "../src/backend/wasm/threads.js";
import { tensor } from "../src/ops/creation.js";
import { add, relu, sigmoid, tanh } from "../src/ops/elementwise.js";
import { linear, matmul, type LinearActivation } from "../src/ops/matmul.js";
import { transpose } from "../src/ops/movement.js";
import { Generator } from "../src/random.js";
import type { Tensor } from "../src/tensor.js";

const VARIANTS: KernelVariant[] = relaxedSimdSupported() ? ["simd128", "relaxed-simd"] : ["simd128"];
for (const v of VARIANTS) {
  registerBackend(`wasm-${v}`, () => {
    _forceKernelVariant(v);
    try {
      return createWasmBackend();
    } finally {
      _forceKernelVariant(null);
    }
  });
}

/** The kernel exports of a backend instance (private; tests only): to ask the module which build it is. */
const exportsOf = (b: WasmBackend): KernelExports => (b as unknown as { rt: { k: KernelExports } }).rt.k;

/** The runtime of a backend instance (private; tests only): to call the two matmul kernels directly. */
const runtimeOf = (b: WasmBackend): WasmRuntime => (b as unknown as { rt: WasmRuntime }).rt;

/** Runs f with `name` as the active backend and `threads` threads. */
function on<T>(name: string, threads: number, f: () => T): T {
  const before = backendName(), saved = getNumThreads();
  setBackend(name);
  setNumThreads(threads);
  try {
    return f();
  } finally {
    setNumThreads(saved);
    setBackend(before);
  }
}

/** Uniform values in [-1, 1) from a seeded generator, as float32. */
function values(n: number, g: Generator): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = g.random() * 2 - 1;
  return out;
}

/** Reads element [b, i, p] of a logical [B, M, K] operand stored with the given strides and offset. */
type Getter = (b: number, i: number, p: number) => number;
const strided = (data: Float32Array, strides: number[], offset: number): Getter =>
  (b, i, p) => data[offset + b * strides[0]! + i * strides[1]! + p * strides[2]!]!;

/** Checks c ([B, M, N], row-major) against the float64 product of A and B, element by element. */
function checkProduct(c: ArrayLike<number>, A: Getter, B: Getter, bs: number, m: number, k: number, n: number, what: string): void {
  const gamma = k * 2 ** -23;
  for (let b = 0; b < bs; b++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let ref = 0, mag = 0;
        for (let p = 0; p < k; p++) {
          const x = A(b, i, p) * B(b, p, j);
          ref += x;
          mag += Math.abs(x);
        }
        const got = c[(b * m + i) * n + j]!;
        const bound = gamma * mag + 2 ** -24 * Math.abs(ref) + 1e-30;
        if (!(Math.abs(got - ref) <= bound)) {
          assert.fail(`${what}: C[${b}, ${i}, ${j}] = ${got}, float64 reference ${ref} (error ${Math.abs(got - ref)} > bound ${bound})`);
        }
      }
    }
  }
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

for (const v of VARIANTS) {
  const name = `wasm-${v}`;

  test(`gemm ${v}: the backend runs the ${v} build`, () => {
    const b = getBackend(name) as WasmBackend;
    assert.equal(exportsOf(b).gemmFused(), v === "relaxed-simd" ? 1 : 0);
  });

  test(`gemm ${v}: odd sizes (1…257, across the 4×8 tile and the 256-deep block) match float64`, () => {
    const g = new Generator(11);
    const sizes = [1, 3, 7, 17, 33, 65, 129, 257];
    const shapes: [number, number, number][] = [];
    for (const m of sizes) for (const n of [1, 7, 33, 257]) shapes.push([m, sizes[(m * 7 + n) % sizes.length]!, n]);
    shapes.push([5, 513, 9], [4, 256, 8], [8, 768, 16], [2, 1, 3]);
    on(name, 1, () => {
      for (const [m, k, n] of shapes) {
        const a = values(m * k, g), bv = values(k * n, g);
        const c = tensor(a, { shape: [m, k] }).matmul(tensor(bv, { shape: [k, n] })).toFlatArray() as ArrayLike<number>;
        checkProduct(c, strided(a, [0, k, 1], 0), strided(bv, [0, n, 1], 0), 1, m, k, n, `${m}×${k}·${k}×${n}`);
      }
    });
  });

  test(`gemm ${v}: more than one 2048-column block (3×300·300×2100) matches float64`, () => {
    const g = new Generator(12);
    const [m, k, n] = [3, 300, 2100];
    const a = values(m * k, g), bv = values(k * n, g);
    const c = on(name, 1, () => tensor(a, { shape: [m, k] }).matmul(tensor(bv, { shape: [k, n] })).toFlatArray() as ArrayLike<number>);
    checkProduct(c, strided(a, [0, k, 1], 0), strided(bv, [0, n, 1], 0), 1, m, k, n, "3×300·300×2100");
  });

  test(`gemm ${v}: transposed and strided operands (Aᵀ·B, A·Bᵀ, Aᵀ·Bᵀ, every other column, offsets) match float64`, () => {
    const g = new Generator(13);
    on(name, 1, () => {
      // The last is above the small-kernel bound: packed panels, a depth tail (303 = 256 + 47) not a multiple
      // of 4 (transposed B is packed 4 depths at a time) and an edge panel (90 = 11·8 + 2).
      for (const [m, k, n] of [[33, 65, 17], [128, 129, 10], [7, 257, 65], [64, 303, 90]] as const) {
        const at = values(k * m, g), bt = values(n * k, g);
        const At = tensor(at, { shape: [k, m] }).T, Bt = tensor(bt, { shape: [n, k] }).T;
        const a = values(m * k, g), bv = values(k * n, g);
        const A = tensor(a, { shape: [m, k] }), B = tensor(bv, { shape: [k, n] });
        const gA = strided(at, [0, 1, m], 0), gB = strided(bt, [0, 1, k], 0);
        checkProduct(At.matmul(B).toFlatArray() as ArrayLike<number>, gA, strided(bv, [0, n, 1], 0), 1, m, k, n, `Aᵀ·B ${m}×${k}×${n}`);
        checkProduct(A.matmul(Bt).toFlatArray() as ArrayLike<number>, strided(a, [0, k, 1], 0), gB, 1, m, k, n, `A·Bᵀ ${m}×${k}×${n}`);
        checkProduct(At.matmul(Bt).toFlatArray() as ArrayLike<number>, gA, gB, 1, m, k, n, `Aᵀ·Bᵀ ${m}×${k}×${n}`);
      }
      // Every other column of a wider matrix, starting at column 1 (strides 2·k2 and 2, offset 1), times a
      // column slice of B (row stride 40, offset 3).
      const [m, k, n] = [19, 37, 23];
      const wide = values(m * 2 * k, g), bw = values(k * 40, g);
      const A = tensor(wide, { shape: [m, 2 * k] }).slice(1, 1, 2 * k, 2);
      const B = tensor(bw, { shape: [k, 40] }).slice(1, 3, 3 + n);
      assert.deepEqual(A.shape, [m, k]);
      checkProduct(A.matmul(B).toFlatArray() as ArrayLike<number>, strided(wide, [0, 2 * k, 2], 1), strided(bw, [0, 40, 1], 3), 1, m, k, n, "strided views");
    });
  });

  test(`gemm ${v}: batched, with a broadcast batch operand and k = 0`, () => {
    const g = new Generator(14);
    on(name, 1, () => {
      const [bs, m, k, n] = [3, 17, 65, 33];
      const a = values(bs * m * k, g), bv = values(bs * k * n, g), w = values(k * n, g);
      const A = tensor(a, { shape: [bs, m, k] });
      checkProduct(A.matmul(tensor(bv, { shape: [bs, k, n] })).toFlatArray() as ArrayLike<number>, strided(a, [m * k, k, 1], 0), strided(bv, [k * n, n, 1], 0), bs, m, k, n, "batched");
      checkProduct(A.matmul(tensor(w, { shape: [k, n] })).toFlatArray() as ArrayLike<number>, strided(a, [m * k, k, 1], 0), strided(w, [0, n, 1], 0), bs, m, k, n, "batch broadcast");
      const z = tensor(new Float32Array(0), { shape: [4, 0] }).matmul(tensor(new Float32Array(0), { shape: [0, 5] }));
      assert.deepEqual(Array.from(z.toFlatArray() as ArrayLike<number>), new Array(20).fill(0));
    });
  });

  test(`gemm ${v}: small products (a 2-16-16-1 MLP's forward and backward shapes, n < 4, m < 4, k > 256) in every layout match float64`, () => {
    const g = new Generator(17);
    // [m, k, n]: x·W1ᵀ, h·W2ᵀ, h·W3ᵀ, g·W3, g3ᵀ·h, g·W2, g2ᵀ·h, g1ᵀ·x, then edges of the two small paths.
    const shapes: [number, number, number][] = [
      [200, 2, 16], [200, 16, 16], [200, 16, 1], [200, 1, 16], [1, 200, 16], [200, 16, 16], [16, 200, 16], [16, 200, 2],
      [1, 1, 1], [3, 5, 2], [17, 9, 3], [15, 4, 4], [5, 7, 7], [6, 3, 13], [2, 11, 9], [33, 600, 3], [7, 520, 12], [21, 40, 30],
    ];
    on(name, 1, () => {
      for (const [m, k, n] of shapes) {
        const a = values(m * k, g), bv = values(k * n, g);
        const A = tensor(a, { shape: [m, k] }), B = tensor(bv, { shape: [k, n] });
        const At = tensor(a, { shape: [k, m] }).T, Bt = tensor(bv, { shape: [n, k] }).T;
        const gA = strided(a, [0, k, 1], 0), gB = strided(bv, [0, n, 1], 0);
        const gAt = strided(a, [0, 1, m], 0), gBt = strided(bv, [0, 1, k], 0);
        const dims = `${m}×${k}·${k}×${n}`;
        checkProduct(A.matmul(B).toFlatArray() as ArrayLike<number>, gA, gB, 1, m, k, n, `A·B ${dims}`);
        checkProduct(A.matmul(Bt).toFlatArray() as ArrayLike<number>, gA, gBt, 1, m, k, n, `A·Bᵀ ${dims}`);
        checkProduct(At.matmul(B).toFlatArray() as ArrayLike<number>, gAt, gB, 1, m, k, n, `Aᵀ·B ${dims}`);
        checkProduct(At.matmul(Bt).toFlatArray() as ArrayLike<number>, gAt, gBt, 1, m, k, n, `Aᵀ·Bᵀ ${dims}`);
      }
    });
  });

  test(`gemm ${v}: the small-matrix kernel gives gemmF32's bits and writes nothing outside C`, () => {
    const rt = runtimeOf(getBackend(name) as WasmBackend);
    const k = rt.k;
    assert.ok(k.gemmSmallScratchBytes() <= k.gemmScratchBytes(), "gemmF32's scratch holds the small kernel's");
    const g = new Generator(18);
    const GUARD = 8;
    let cases = 0;
    for (const [m, kk, n] of [[200, 16, 16], [200, 16, 1], [16, 200, 2], [1, 200, 16], [9, 7, 5], [4, 3, 8], [19, 300, 11], [5, 513, 2], [3, 2, 3], [13, 1, 21]] as const) {
      // Layouts: A row-major or transposed (rsA = 1), B row-major, transposed, or every other column.
      for (const [rsA, csA] of [[kk, 1], [1, m]]) {
        for (const [rsB, csB] of [[n, 1], [1, kk], [2 * n, 2]]) {
          const aBytes = m * kk * 4, bBytes = kk * 2 * n * 4, cBytes = (m * n + 2 * GUARD) * 4;
          const pa = rt.temp(aBytes), pb = rt.temp(bBytes), c1 = rt.temp(cBytes), c2 = rt.temp(cBytes);
          let f = rt.arrays().float32;
          f.set(values(m * kk, g), pa >> 2);
          f.set(values(kk * 2 * n, g), pb >> 2);
          f.fill(-7, c1 >> 2, (c1 + cBytes) >> 2);
          f.fill(-7, c2 >> 2, (c2 + cBytes) >> 2);
          const scratch = rt.gemmScratchPtr(1);
          k.gemmF32(m, n, kk, pa, rsA, csA, pb, rsB, csB, c1 + GUARD * 4, n, scratch);
          k.gemmSmallF32(m, n, kk, pa, rsA, csA, pb, rsB, csB, c2 + GUARD * 4, n, scratch);
          f = rt.arrays().float32;
          const packed = f.slice(c1 >> 2, (c1 + cBytes) >> 2), small = f.slice(c2 >> 2, (c2 + cBytes) >> 2);
          const what = `${m}×${kk}·${kk}×${n}, A strides ${rsA},${csA}, B strides ${rsB},${csB}`;
          for (let i = 0; i < GUARD; i++) {
            assert.equal(small[i], -7, `${what}: wrote before C`);
            assert.equal(small[GUARD + m * n + i], -7, `${what}: wrote after C`);
          }
          assert.ok(sameBits(packed, small), `${what}: the small kernel differs from gemmF32`);
          // And both are the product (checked against float64).
          const A: Getter = (_b, i, p) => f[(pa >> 2) + i * rsA + p * csA]!;
          const B: Getter = (_b, p, j) => f[(pb >> 2) + p * rsB + j * csB]!;
          checkProduct(small.subarray(GUARD, GUARD + m * n), A, B, 1, m, kk, n, what);
          for (const [p, bytes] of [[pa, aBytes], [pb, bBytes], [c1, cBytes], [c2, cBytes]] as const) rt.release(p, bytes);
          cases++;
        }
      }
    }
    assert.equal(cases, 60);
  });

  test(`gemm ${v}: linear on small products (one kernel call: product, bias, activation) equals matmul, add and the activation bit for bit`, () => {
    const g = new Generator(19);
    const acts: (LinearActivation | null)[] = [null, "relu", "tanh", "sigmoid"];
    const act = (a: LinearActivation | null, y: Tensor): Tensor => (a === null ? y : a === "relu" ? relu(y) : a === "tanh" ? tanh(y) : sigmoid(y));
    on(name, 1, () => {
      // [m, k, n]: the rows path (n ≥ 4, with a 1–7 column tail), the columns path (n < 4), k over a 256-deep block.
      for (const [m, k, n] of [[200, 2, 16], [200, 16, 16], [200, 16, 1], [7, 5, 3], [9, 300, 12], [3, 270, 2]] as const) {
        const x = tensor(values(m * k, g), { shape: [m, k] }), w = tensor(values(n * k, g), { shape: [n, k] });
        const xt = transpose(tensor(values(k * m, g), { shape: [k, m] })); // a transposed input
        const wide = tensor(values(2 * n, g), { shape: [2 * n] });
        const bStrided = wide.slice(0, 1, 2 * n, 2); // a bias with element stride 2
        for (const a of acts) {
          for (const [xi, b, what] of [[x, wide.slice(0, 0, n), "bias"], [xt, bStrided, "xᵀ, strided bias"], [x, null, "no bias"]] as const) {
            const got = linear(xi, w, b, a).toFlatArray() as ArrayLike<number>;
            const mm = matmul(xi, transpose(w));
            const want = act(a, b === null ? mm : add(mm, b)).toFlatArray() as ArrayLike<number>;
            assert.ok(sameBits(got, want), `${m}×${k}·${n}×${k}ᵀ ${what} ${a ?? "none"}: linear differs from the composite`);
          }
        }
      }
    });
  });

  test(`gemm ${v}: 1 and 2 threads give the same bits (1024-wide, every product of W2's training step, transposed and batched shapes)`, () => {
    const g = new Generator(15);
    const cases: { shapes: number[][]; f: (a: Tensor, b: Tensor) => Tensor }[] = [
      { shapes: [[300, 500], [500, 200]], f: (a, b) => a.matmul(b) },
      { shapes: [[128, 784], [256, 784]], f: (a, b) => a.matmul(b.T) },
      { shapes: [[128, 784], [128, 256]], f: (a, b) => a.T.matmul(b) },
      // The rest of W2's step (784-256-128-10, batch 128): each cut into several row × column parts.
      { shapes: [[128, 256], [128, 784]], f: (a, b) => a.T.matmul(b) },
      { shapes: [[128, 256], [128, 256]], f: (a, b) => a.matmul(b.T) },
      { shapes: [[128, 128], [128, 256]], f: (a, b) => a.matmul(b) },
      { shapes: [[128, 128], [128, 256]], f: (a, b) => a.T.matmul(b) },
      { shapes: [[128, 10], [10, 128]], f: (a, b) => a.matmul(b) },
      { shapes: [[1000, 784], [256, 784]], f: (a, b) => a.matmul(b.T) },
      { shapes: [[5, 300], [300, 2100]], f: (a, b) => a.matmul(b) },
      { shapes: [[2, 129, 257], [2, 257, 65]], f: (a, b) => a.matmul(b) },
      // Fewer than 4 columns: the small kernel at any size (never threaded).
      { shapes: [[3000, 64], [64, 2]], f: (a, b) => a.matmul(b) },
      { shapes: [[200, 16], [1, 16]], f: (a, b) => a.matmul(b.T) },
    ];
    for (const c of cases) {
      const data = c.shapes.map((s) => values(s.reduce((x, y) => x * y, 1), g));
      const run = (threads: number) => on(name, threads, () => {
        const [a, b] = data.map((d, i) => tensor(d, { shape: c.shapes[i]! }));
        return c.f(a!, b!).toFlatArray() as ArrayLike<number>;
      });
      const one = run(1), two = run(2);
      assert.equal((getBackend(name) as WasmBackend).threads, 2, "two threads were in use");
      assert.ok(sameBits(one, two), `${JSON.stringify(c.shapes)}: 1 and 2 threads differ`);
    }
  });
}

test("gemm: kernelVariant() names the build new instances use; NABLA_RELAXED_SIMD=0 is honoured by the loader", () => {
  const expected = process.env.NABLA_RELAXED_SIMD !== "0" && relaxedSimdSupported() ? "relaxed-simd" : "simd128";
  assert.equal(kernelVariant(), expected);
  _forceKernelVariant("simd128");
  try {
    assert.equal(kernelVariant(), "simd128");
  } finally {
    _forceKernelVariant(null);
  }
  assert.equal(kernelVariant(), expected);
});

test("gemm: the two builds agree to float32 rounding on the same product", { skip: VARIANTS.length < 2 && "relaxed SIMD unavailable" }, () => {
  const g = new Generator(16);
  const [m, k, n] = [65, 300, 40];
  const a = values(m * k, g), bv = values(k * n, g);
  const results = VARIANTS.map((v) => on(`wasm-${v}`, 1, () => tensor(a, { shape: [m, k] }).matmul(tensor(bv, { shape: [k, n] })).toFlatArray() as ArrayLike<number>));
  for (let i = 0; i < m * n; i++) assert.ok(Math.abs(results[0]![i]! - results[1]![i]!) <= 1e-4, `element ${i}: ${results[0]![i]} vs ${results[1]![i]}`);
});
