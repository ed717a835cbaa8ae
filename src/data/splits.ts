/**
 * Train/test splits, validation splits and k-fold cross-validation: shuffled, seeded and optionally
 * stratified (each class keeps its share in every part).
 *
 * Unlike Keras' and TF.js's `validationSplit`, which take the *last* x% of the samples unshuffled (so a
 * dataset sorted by class validates on one class), these shuffle by default, as scikit-learn does.
 *
 * ```ts
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, stratify: y, seed: 0 });
 * for (const { train, test } of kFold(100, { nSplits: 5, shuffle: true, seed: 0 })) { ... }
 * ```
 */
import { ValueError } from "../errors.js";
import { indexSelect } from "../ops/movement.js";
import { Generator, getDefaultGenerator } from "../random.js";
import { Tensor } from "../tensor.js";

/** Labels for stratification: a tensor of class ids, or an array of numbers or strings. */
export type Labels = Tensor | ArrayLike<number | string>;

export interface SplitOptions {
  /** Test part: a fraction in (0, 1) (rounded up, as scikit-learn) or a count. Default 0.25 (or 1 − trainSize). */
  testSize?: number;
  /** Train part: a fraction (rounded down) or a count. Default: everything not in the test part. */
  trainSize?: number;
  /** Shuffle before splitting (default true); false takes the first samples for training, the last for testing. */
  shuffle?: boolean;
  /** Keep each class's proportion in both parts (needs shuffle). `true` stratifies by `y`. */
  stratify?: Labels | true;
  /** A seed for a private generator; otherwise `generator`, otherwise the global generator. */
  seed?: number;
  generator?: Generator;
}

/** Indices of the two parts of a split, or of one fold. */
export interface Fold {
  train: number[];
  test: number[];
}

function pickGenerator(seed: number | undefined, generator: Generator | undefined): Generator {
  return seed !== undefined ? new Generator(seed) : (generator ?? getDefaultGenerator());
}

/** Fisher–Yates shuffle in place, drawing from `g`. */
export function shuffleInPlace<A extends { length: number; [i: number]: number }>(a: A, g: Generator): A {
  for (let i = a.length - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

function labelList(op: string, labels: Labels, n: number): string[] {
  const arr = labels instanceof Tensor ? labels.toFlatArray() : Array.from(labels);
  if (arr.length !== n) throw new ValueError(`${op}: stratify has ${arr.length} labels but there are ${n} samples.`);
  return arr.map(String);
}

/** Groups sample indices by label, classes in order of first appearance. */
function groupByLabel(labels: readonly string[]): [string, number[]][] {
  const groups = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const g = groups.get(l);
    if (g) g.push(i);
    else groups.set(l, [i]);
  });
  return [...groups];
}

/** Sizes of the two parts, with scikit-learn's rules (test fraction rounded up, train fraction down). */
export function splitSizes(op: string, n: number, testSize: number | undefined, trainSize: number | undefined): [number, number] {
  const count = (v: number, name: string, round: (x: number) => number): number => {
    if (!(v > 0)) throw new ValueError(`${op}: ${name} must be positive, got ${v}.`);
    if (v < 1) return round(v * n);
    if (!Number.isInteger(v)) throw new ValueError(`${op}: ${name} must be a fraction in (0, 1) or a whole count, got ${v}.`);
    return v;
  };
  let nTest: number, nTrain: number;
  if (testSize === undefined && trainSize === undefined) testSize = 0.25;
  if (testSize !== undefined) {
    nTest = count(testSize, "testSize", Math.ceil);
    nTrain = trainSize !== undefined ? count(trainSize, "trainSize", Math.floor) : n - nTest;
  } else {
    nTrain = count(trainSize!, "trainSize", Math.floor);
    nTest = n - nTrain;
  }
  if (nTrain + nTest > n || nTrain < 1 || nTest < 1) {
    throw new ValueError(
      `${op}: with ${n} samples, testSize=${testSize} and trainSize=${trainSize} give ${nTrain} train and ${nTest} test samples; ` +
        "both parts need at least one sample and together at most n.",
    );
  }
  return [nTrain, nTest];
}

/** Splits a total over classes in proportion to their counts (largest remainder; ties go to larger classes). */
function allocate(counts: readonly number[], total: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (c * total) / n);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = counts.map((_, k) => k).sort((a, b) => exact[b]! - out[b]! - (exact[a]! - out[a]!) || counts[b]! - counts[a]! || a - b);
  for (const k of order) {
    if (left === 0) break;
    if (out[k]! < counts[k]!) {
      out[k]!++;
      left--;
    }
  }
  return out;
}

/**
 * Indices of a train/test split of `n` samples. With `stratify`, each class contributes
 * `≈ nTest · count/n` test samples (largest-remainder rounding), so proportions match to one sample.
 * ```ts
 * trainTestSplitIndices(10, { testSize: 0.3, seed: 1 }); // { train: [7 indices], test: [3 indices] }
 * ```
 */
export function trainTestSplitIndices(n: number, { testSize, trainSize, shuffle = true, stratify, seed, generator }: Omit<SplitOptions, "stratify"> & { stratify?: Labels } = {}): Fold {
  const op = "trainTestSplit";
  const [nTrain, nTest] = splitSizes(op, n, testSize, trainSize);
  const g = pickGenerator(seed, generator);
  if (stratify === undefined) {
    const order = Array.from({ length: n }, (_, i) => i);
    if (!shuffle) return { train: order.slice(0, nTrain), test: order.slice(n - nTest) };
    shuffleInPlace(order, g);
    return { train: order.slice(0, nTrain), test: order.slice(nTrain, nTrain + nTest) };
  }
  if (!shuffle) throw new ValueError(`${op}: a stratified split must shuffle; drop shuffle: false (scikit-learn refuses this too).`);
  const groups = groupByLabel(labelList(op, stratify, n));
  const counts = groups.map(([, idx]) => idx.length);
  const least = Math.min(...counts);
  if (least < 2) {
    const cls = groups[counts.indexOf(least)]![0];
    throw new ValueError(`${op}: class "${cls}" has only 1 sample; stratification needs at least 2 per class. Merge rare classes or drop stratify.`);
  }
  if (nTest < groups.length || nTrain < groups.length) {
    throw new ValueError(`${op}: a stratified split of ${groups.length} classes needs at least ${groups.length} samples in each part; got ${nTrain} train and ${nTest} test.`);
  }
  const testCounts = allocate(counts, nTest);
  const trainCounts = allocate(counts.map((c, k) => c - testCounts[k]!), nTrain);
  const train: number[] = [], test: number[] = [];
  groups.forEach(([, idx], k) => {
    const perm = shuffleInPlace([...idx], g);
    test.push(...perm.slice(0, testCounts[k]));
    train.push(...perm.slice(testCounts[k], testCounts[k]! + trainCounts[k]!));
  });
  return { train: shuffleInPlace(train, g), test: shuffleInPlace(test, g) };
}

/**
 * Splits `x` (and `y`) along the first dimension into train and test parts; shuffled and seeded by default.
 * ```ts
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, stratify: true, seed: 42 });
 * ```
 */
export function trainTestSplit(x: Tensor, y?: Tensor, opts: SplitOptions = {}): { xTrain: Tensor; xTest: Tensor; yTrain: Tensor | undefined; yTest: Tensor | undefined; trainIndices: number[]; testIndices: number[] } {
  const n = x.shape[0];
  if (n === undefined) throw new ValueError("trainTestSplit: x is 0-d; it needs a first (sample) dimension.");
  if (y && y.shape[0] !== n) throw new ValueError(`trainTestSplit: x has ${n} samples but y has ${y.shape[0]}.`);
  const stratify = opts.stratify === true ? y : opts.stratify;
  if (opts.stratify === true && !y) throw new ValueError("trainTestSplit: stratify: true needs y.");
  const { train, test } = trainTestSplitIndices(n, { ...opts, stratify });
  return {
    xTrain: indexSelect(x, 0, train),
    xTest: indexSelect(x, 0, test),
    yTrain: y && indexSelect(y, 0, train),
    yTest: y && indexSelect(y, 0, test),
    trainIndices: train,
    testIndices: test,
  };
}

/**
 * Holds out `validationSplit` of the samples for validation: shuffled, seeded, optionally stratified —
 * the split `fit({ validationSplit })` uses. (Keras would take the last samples unshuffled.)
 * ```ts
 * const { xTrain, yTrain, xVal, yVal } = trainValidationSplit(x, y, { validationSplit: 0.1, seed: 0 });
 * ```
 */
export function trainValidationSplit(x: Tensor, y: Tensor, { validationSplit = 0.2, shuffle = true, stratify, seed, generator }: { validationSplit?: number } & Omit<SplitOptions, "testSize" | "trainSize"> = {}): { xTrain: Tensor; yTrain: Tensor; xVal: Tensor; yVal: Tensor } {
  if (!(validationSplit > 0 && validationSplit < 1)) throw new ValueError(`trainValidationSplit: validationSplit must be in (0, 1), got ${validationSplit}.`);
  const r = trainTestSplit(x, y, { testSize: validationSplit, shuffle, stratify, seed, generator });
  return { xTrain: r.xTrain, yTrain: r.yTrain!, xVal: r.xTest, yVal: r.yTest! };
}

function checkSplits(op: string, nSplits: number, n: number): void {
  if (!Number.isInteger(nSplits) || nSplits < 2) throw new ValueError(`${op}: nSplits must be an integer ≥ 2, got ${nSplits}.`);
  if (nSplits > n) throw new ValueError(`${op}: cannot make ${nSplits} folds from ${n} samples; use nSplits ≤ ${n}.`);
}

/**
 * K-fold cross-validation indices, as scikit-learn's `KFold`: the (optionally shuffled) samples are cut into
 * `nSplits` consecutive folds, the first `n % nSplits` one larger; each fold is the test part once.
 * ```ts
 * kFold(5, { nSplits: 2 }); // [{ train: [3, 4], test: [0, 1, 2] }, { train: [0, 1, 2], test: [3, 4] }]
 * ```
 */
export function kFold(n: number, { nSplits = 5, shuffle = false, seed, generator }: { nSplits?: number; shuffle?: boolean; seed?: number; generator?: Generator } = {}): Fold[] {
  checkSplits("kFold", nSplits, n);
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) shuffleInPlace(order, pickGenerator(seed, generator));
  const folds: Fold[] = [];
  let start = 0;
  for (let k = 0; k < nSplits; k++) {
    const size = Math.floor(n / nSplits) + (k < n % nSplits ? 1 : 0);
    const test = order.slice(start, start + size);
    const train = [...order.slice(0, start), ...order.slice(start + size)];
    folds.push({ train, test });
    start += size;
  }
  return folds;
}

/**
 * Stratified k-fold, as scikit-learn's `StratifiedKFold` (same algorithm, so unshuffled folds are identical):
 * classes are numbered by first appearance; fold i's share of each class is the class count of
 * `sort(y)[i::nSplits]`, so every fold's class counts differ from `count/nSplits` by less than one; each class's
 * samples fill fold 0's share first, then fold 1's, ... (the fold order shuffled per class with `shuffle`).
 * ```ts
 * stratifiedKFold([0, 0, 0, 1, 1, 1], { nSplits: 3 }).map((f) => f.test); // [[0, 3], [1, 4], [2, 5]]
 * ```
 */
export function stratifiedKFold(y: Labels, { nSplits = 5, shuffle = false, seed, generator }: { nSplits?: number; shuffle?: boolean; seed?: number; generator?: Generator } = {}): Fold[] {
  const n = y instanceof Tensor ? (y.shape[0] ?? 1) : y.length;
  const op = "stratifiedKFold";
  checkSplits(op, nSplits, n);
  const groups = groupByLabel(labelList(op, y, n)); // classes in order of first appearance
  const counts = groups.map(([, idx]) => idx.length);
  // Class ids of the sorted labels, then fold i's allocation = bincount(sorted[i::nSplits]).
  const sorted = counts.flatMap((c, k) => Array<number>(c).fill(k));
  const alloc = Array.from({ length: nSplits }, (_, i) => {
    const row = Array<number>(groups.length).fill(0);
    for (let p = i; p < n; p += nSplits) row[sorted[p]!]!++;
    return row;
  });
  const g = shuffle ? pickGenerator(seed, generator) : null;
  const fold = new Int32Array(n);
  groups.forEach(([, idx], k) => {
    const folds = alloc.flatMap((row, i) => Array<number>(row[k]!).fill(i));
    if (g) shuffleInPlace(folds, g);
    idx.forEach((sample, m) => (fold[sample] = folds[m]!));
  });
  return Array.from({ length: nSplits }, (_, i) => {
    const train: number[] = [], test: number[] = [];
    for (let s = 0; s < n; s++) (fold[s] === i ? test : train).push(s);
    return { train, test };
  });
}
