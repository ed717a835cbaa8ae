/**
 * Synthetic 2-D datasets for demos and tests, all seeded: xor, circles, moons (scikit-learn's geometry),
 * spirals, gaussian blobs and a noisy regression plane. Each returns `x` float32 `[n, d]` and `y` (int32
 * class ids, or float32 targets for the regression plane). Randomness comes from the library Generator:
 * `seed` makes a private one, `generator` passes one in, and neither uses the global generator.
 *
 * ```ts
 * const { x, y } = makeMoons({ nSamples: 200, noise: 0.1, seed: 0 }); // x [200, 2], y int32 [200]
 * const w4 = makeMoonsW4();  // the benchmark's fixed 200 points (mulberry32(42)), as WORKLOADS.md W4
 * ```
 */
import { ValueError } from "../../errors.js";
import { tensor } from "../../ops/creation.js";
import { Generator, getDefaultGenerator } from "../../random.js";
import type { Tensor } from "../../tensor.js";

/** Common options: how many points, gaussian noise, and the random source. */
export interface SyntheticOptions {
  nSamples?: number;
  /** Standard deviation of gaussian noise added to every coordinate. */
  noise?: number;
  /** Shuffle the points (the classes are generated in blocks). */
  shuffle?: boolean;
  seed?: number;
  generator?: Generator;
}

/** A classification set: points and int32 labels. */
export interface LabeledPoints {
  x: Tensor;
  y: Tensor;
}

const pick = (seed: number | undefined, g: Generator | undefined): Generator => (seed !== undefined ? new Generator(seed) : (g ?? getDefaultGenerator()));

function checkCount(op: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new ValueError(`${op}: nSamples must be an integer ≥ ${min}, got ${n}.`);
}

/** NumPy's `linspace(a, b, n, endpoint)`. */
function linspace(a: number, b: number, n: number, endpoint = true): number[] {
  const div = endpoint ? n - 1 : n;
  return Array.from({ length: n }, (_, i) => (div > 0 ? a + ((b - a) * i) / div : a));
}

/** Shuffles rows (as scikit-learn: permutation first), adds noise, and packs the result into tensors. */
function finish(points: number[][], labels: number[], d: number, g: Generator, shuffle: boolean, noise: number): LabeledPoints {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) {
    for (let i = n - 1; i > 0; i--) {
      const j = g.randint(0, i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  const x = new Float32Array(n * d), y = new Int32Array(n);
  order.forEach((src, i) => {
    for (let k = 0; k < d; k++) x[i * d + k] = points[src]![k]!;
    y[i] = labels[src]!;
  });
  if (noise > 0) for (let i = 0; i < x.length; i++) x[i] = x[i]! + noise * g.normal();
  return { x: tensor(x, { shape: [n, d] }), y: tensor(y) };
}

/**
 * Two interleaving half circles, as scikit-learn's `make_moons`: `⌊n/2⌋` points on the upper arc
 * `(cos t, sin t)`, the rest on the lower `(1 − cos t, 0.5 − sin t)`, t evenly spaced on [0, π].
 * ```ts
 * makeMoons({ nSamples: 4, shuffle: false }).x.toArray(); // [[1, 0], [-1, 0], [0, 0.5], [2, 0.5]]
 * ```
 */
export function makeMoons({ nSamples = 100, noise = 0, shuffle = true, seed, generator }: SyntheticOptions = {}): LabeledPoints {
  checkCount("makeMoons", nSamples, 2);
  const nOut = Math.floor(nSamples / 2), nIn = nSamples - nOut;
  const pts = [
    ...linspace(0, Math.PI, nOut).map((t) => [Math.cos(t), Math.sin(t)]),
    ...linspace(0, Math.PI, nIn).map((t) => [1 - Math.cos(t), 1 - Math.sin(t) - 0.5]),
  ];
  return finish(pts, [...Array(nOut).fill(0), ...Array(nIn).fill(1)], 2, pick(seed, generator), shuffle, noise);
}

/**
 * A large circle (label 0) around a smaller one of radius `factor` (label 1), as scikit-learn's
 * `make_circles`: angles evenly spaced on [0, 2π) without the endpoint.
 */
export function makeCircles({ nSamples = 100, noise = 0, factor = 0.8, shuffle = true, seed, generator }: SyntheticOptions & { factor?: number } = {}): LabeledPoints {
  checkCount("makeCircles", nSamples, 2);
  if (!(factor >= 0 && factor < 1)) throw new ValueError(`makeCircles: factor must be in [0, 1), got ${factor}.`);
  const nOut = Math.floor(nSamples / 2), nIn = nSamples - nOut;
  const pts = [
    ...linspace(0, 2 * Math.PI, nOut, false).map((t) => [Math.cos(t), Math.sin(t)]),
    ...linspace(0, 2 * Math.PI, nIn, false).map((t) => [Math.cos(t) * factor, Math.sin(t) * factor]),
  ];
  return finish(pts, [...Array(nOut).fill(0), ...Array(nIn).fill(1)], 2, pick(seed, generator), shuffle, noise);
}

/**
 * XOR: points uniform in [−1, 1]², label 1 where exactly one coordinate is positive (`(x₀ > 0) ≠ (x₁ > 0)`);
 * noise, if any, is added after labelling, so it blurs the boundary.
 */
export function makeXor({ nSamples = 200, noise = 0, seed, generator }: Omit<SyntheticOptions, "shuffle"> = {}): LabeledPoints {
  checkCount("makeXor", nSamples);
  const g = pick(seed, generator);
  const pts: number[][] = [], labels: number[] = [];
  for (let i = 0; i < nSamples; i++) {
    const p = [2 * g.random() - 1, 2 * g.random() - 1];
    pts.push(p);
    labels.push(p[0]! > 0 !== p[1]! > 0 ? 1 : 0);
  }
  return finish(pts, labels, 2, g, false, noise);
}

/** Splits n into k near-equal counts, the first `n mod k` one larger (as scikit-learn's make_blobs). */
function perClass(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}

/**
 * `nClasses` interleaved spiral arms (CS231n's spiral set): class j's i-th of m points has radius
 * `r = i/(m−1)` and angle `θ = 4(j + r) + noise·N(0,1)` radians, at `(r sin θ, r cos θ)`. The noise perturbs
 * the angle, so the arms stay separable at small noise.
 */
export function makeSpirals({ nSamples = 300, nClasses = 3, noise = 0.2, shuffle = true, seed, generator }: SyntheticOptions & { nClasses?: number } = {}): LabeledPoints {
  checkCount("makeSpirals", nSamples, 2);
  if (!Number.isInteger(nClasses) || nClasses < 2 || nClasses > nSamples) throw new ValueError(`makeSpirals: nClasses must be an integer in [2, nSamples], got ${nClasses}.`);
  const g = pick(seed, generator);
  const pts: number[][] = [], labels: number[] = [];
  perClass(nSamples, nClasses).forEach((m, j) => {
    const r = linspace(0, 1, m);
    const t = linspace(4 * j, 4 * (j + 1), m);
    for (let i = 0; i < m; i++) {
      const th = t[i]! + noise * g.normal();
      pts.push([r[i]! * Math.sin(th), r[i]! * Math.cos(th)]);
      labels.push(j);
    }
  });
  return finish(pts, labels, 2, g, shuffle, 0);
}

/**
 * Isotropic gaussian blobs, as scikit-learn's `make_blobs`: `centers` given as points, or a count drawn
 * uniformly in `centerBox`; class i has `⌊n/k⌋` points (the first `n mod k` classes one more) drawn from
 * `N(center_i, clusterStd²·I)`.
 */
export function makeGaussians({ nSamples = 100, centers = 3, nFeatures = 2, clusterStd = 1, centerBox = [-10, 10], shuffle = true, seed, generator }: Omit<SyntheticOptions, "noise"> & { centers?: number | number[][]; nFeatures?: number; clusterStd?: number | number[]; centerBox?: [number, number] } = {}): LabeledPoints & { centers: number[][] } {
  checkCount("makeGaussians", nSamples);
  const g = pick(seed, generator);
  let cs: number[][];
  if (typeof centers === "number") {
    if (!Number.isInteger(centers) || centers < 1) throw new ValueError(`makeGaussians: centers must be a positive integer or a list of points, got ${centers}.`);
    cs = Array.from({ length: centers }, () => Array.from({ length: nFeatures }, () => centerBox[0] + (centerBox[1] - centerBox[0]) * g.random()));
  } else {
    cs = centers.map((c) => [...c]);
    nFeatures = cs[0]?.length ?? 0;
    if (cs.length === 0 || cs.some((c) => c.length !== nFeatures)) throw new ValueError("makeGaussians: centers must be a non-empty list of points of equal length.");
  }
  const stds = typeof clusterStd === "number" ? cs.map(() => clusterStd) : clusterStd;
  if (stds.length !== cs.length) throw new ValueError(`makeGaussians: clusterStd has ${stds.length} entries for ${cs.length} centers.`);
  const pts: number[][] = [], labels: number[] = [];
  perClass(nSamples, cs.length).forEach((m, j) => {
    for (let i = 0; i < m; i++) {
      pts.push(cs[j]!.map((c) => c + stds[j]! * g.normal()));
      labels.push(j);
    }
  });
  return { ...finish(pts, labels, nFeatures, g, shuffle, 0), centers: cs };
}

/**
 * A noisy linear regression problem: `x` uniform in [−1, 1]^d, `y = x·coef + bias + noise·N(0, 1)` (float32
 * `[n]`). `coef` defaults to draws from N(0, 1); the truth is returned with the data.
 * ```ts
 * const { x, y, coef } = makeRegressionPlane({ nSamples: 50, coef: [2, -1], bias: 0.5, noise: 0, seed: 0 });
 * ```
 */
export function makeRegressionPlane({ nSamples = 100, nFeatures = 2, noise = 0.1, coef, bias = 0, seed, generator }: Omit<SyntheticOptions, "shuffle"> & { nFeatures?: number; coef?: number[]; bias?: number } = {}): { x: Tensor; y: Tensor; coef: number[]; bias: number } {
  checkCount("makeRegressionPlane", nSamples);
  const g = pick(seed, generator);
  const w = coef ?? Array.from({ length: nFeatures }, () => g.normal());
  const d = w.length;
  const x = new Float32Array(nSamples * d), y = new Float32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    let s = bias;
    for (let k = 0; k < d; k++) {
      const v = Math.fround(2 * g.random() - 1);
      x[i * d + k] = v;
      s += v * w[k]!;
    }
    y[i] = s + (noise > 0 ? noise * g.normal() : 0);
  }
  return { x: tensor(x, { shape: [nSamples, d] }), y: tensor(y), coef: [...w], bias };
}

/**
 * mulberry32, the small PRNG the benchmark workloads use (easy to reproduce in Python): uniform in [0, 1).
 * Only for the fixed W4 data; everything else draws from the library Generator.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The two-moons data of benchmark workload W4 (../shared/WORKLOADS.md), bit for bit: point i < n/2 has
 * t = π·i/(n/2 − 1) on `(cos t, sin t)` (label 0), the others `(1 − cos t, 0.5 − sin t)` (label 1), in that
 * order (unshuffled); each coordinate plus `noise·N(0,1)` by Box–Muller from mulberry32(seed)
 * (u1 = 1 − rng(), u2 = rng(), the cosine branch only; x-noise then y-noise per point).
 * ```ts
 * const { x, y } = makeMoonsW4(); // x float32 [200, 2], y int32 [200]: 100 zeros then 100 ones
 * ```
 */
export function makeMoonsW4({ nSamples = 200, noise = 0.1, seed = 42 }: { nSamples?: number; noise?: number; seed?: number } = {}): LabeledPoints {
  if (!Number.isInteger(nSamples) || nSamples < 4 || nSamples % 2 !== 0) throw new ValueError(`makeMoonsW4: nSamples must be an even integer ≥ 4, got ${nSamples}.`);
  const rng = mulberry32(seed);
  const gauss = () => {
    const u1 = 1 - rng(), u2 = rng();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  const half = nSamples / 2;
  const x = new Float32Array(nSamples * 2), y = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const upper = i < half;
    const t = (Math.PI * (upper ? i : i - half)) / (half - 1);
    const px = upper ? Math.cos(t) : 1 - Math.cos(t);
    const py = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    x[2 * i] = px + noise * gauss();
    x[2 * i + 1] = py + noise * gauss();
    y[i] = upper ? 0 : 1;
  }
  return { x: tensor(x, { shape: [nSamples, 2] }), y: tensor(y) };
}
