/**
 * Batch transforms for data augmentation, all seeded. A transform maps a collated batch `[x, y, ...]` to a
 * new one (x = inputs, y = targets; further entries pass through). Give them to the *training* loader only
 * (`new DataLoader(train, { transform })`), never to the validation/test loader, so evaluation sees clean data.
 *
 * - `gaussianNoise({ std })`: `x + std·N(0, 1)`.
 * - `randomHorizontalFlip({ p })`: mirrors each image left↔right with probability p.
 * - `randomShift({ maxShift })`: moves each image by whole pixels, dx, dy uniform in [−maxShift, maxShift],
 *   filling the uncovered border with `fill`.
 * - `mixup({ alpha })`: `x = λx + (1−λ)x[perm]`, `y = λy + (1−λ)y[perm]` with λ ~ Beta(α, α) per batch
 *   (Zhang et al., 2018); int32 labels become one-hot soft targets (needs a loss that takes probabilities).
 *
 * Images are `[N, C, H, W]`, `[N, H, W]`, or flat `[N, D]` with `imageShape: [H, W]` or `[C, H, W]`.
 *
 * ```ts
 * const augment = compose(randomShift({ maxShift: 1, imageShape: [8, 8], seed: 0 }), gaussianNoise({ std: 0.05, seed: 1 }));
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, transform: augment });
 * ```
 */
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { oneHot } from "../ops/movement.js";
import { Generator, getDefaultGenerator } from "../random.js";
import type { TypedArray } from "../dtype.js";
import type { Tensor } from "../tensor.js";

/** Maps a batch `[x, y?, ...rest]` to an augmented batch of the same layout. */
export type BatchTransform = <B extends Tensor[]>(batch: B) => B;

/** The random source of a transform: a private generator from `seed`, or `generator`, or the global one. */
export interface RandomSource {
  seed?: number;
  generator?: Generator;
}

const source = ({ seed, generator }: RandomSource): (() => Generator) => {
  const own = seed !== undefined ? new Generator(seed) : generator;
  return () => own ?? getDefaultGenerator();
};

/** Applies transforms left to right. */
export const compose = (...transforms: BatchTransform[]): BatchTransform => <B extends Tensor[]>(batch: B): B => transforms.reduce((b, t) => t(b), batch);

function inputOf(op: string, batch: Tensor[]): Tensor {
  const x = batch[0];
  if (!x) throw new ValueError(`${op}: the batch is empty; expected [x, y?, ...].`);
  return x;
}

/** Channels, height and width of the images in `x`, and the number of images. */
export function imageLayout(op: string, x: Tensor, imageShape?: readonly number[]): { n: number; c: number; h: number; w: number } {
  const n = x.shape[0] ?? 0;
  if (imageShape) {
    const [c, h, w] = imageShape.length === 2 ? [1, imageShape[0]!, imageShape[1]!] : imageShape.length === 3 ? (imageShape as [number, number, number]) : [0, 0, 0];
    if (c * h * w === 0) throw new ValueError(`${op}: imageShape must be [H, W] or [C, H, W], got [${imageShape}].`);
    const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
    if (per !== c * h * w) throw new ShapeError(`${op}: imageShape [${imageShape}] has ${c * h * w} values per image but x ${fmtShape(x.shape)} has ${per}.`);
    return { n, c, h, w };
  }
  if (x.ndim === 4) return { n, c: x.shape[1]!, h: x.shape[2]!, w: x.shape[3]! };
  if (x.ndim === 3) return { n, c: 1, h: x.shape[1]!, w: x.shape[2]! };
  throw new ShapeError(`${op}: x ${fmtShape(x.shape)} is not an image batch; use [N, C, H, W] or [N, H, W], or pass imageShape: [H, W] for flat [N, H·W] rows.`);
}

function rebuild(x: Tensor, data: TypedArray): Tensor {
  return tensor(data, { shape: x.shape, dtype: x.dtype });
}

/**
 * Mirrors image `i` left↔right where `flags[i]` is true (pure; `randomHorizontalFlip` draws the flags).
 * ```ts
 * flipImagesHorizontal(tensor([[1, 2, 3, 4]]), [true], { imageShape: [2, 2] }).toArray(); // [[2, 1, 4, 3]]
 * ```
 */
export function flipImagesHorizontal(x: Tensor, flags: readonly boolean[], { imageShape }: { imageShape?: readonly number[] } = {}): Tensor {
  const { n, c, h, w } = imageLayout("flipImagesHorizontal", x, imageShape);
  if (flags.length !== n) throw new ValueError(`flipImagesHorizontal: ${flags.length} flags for ${n} images.`);
  const src = x.dataSync(), out = src.slice();
  const per = c * h * w;
  for (let i = 0; i < n; i++) {
    if (!flags[i]) continue;
    for (let r = 0; r < c * h; r++) {
      const base = i * per + r * w;
      for (let k = 0; k < w; k++) out[base + k] = src[base + w - 1 - k]!;
    }
  }
  return rebuild(x, out);
}

/**
 * Shifts image `i` by `dx[i]` pixels right and `dy[i]` pixels down (negative: left/up); pixels shifted in
 * from outside are `fill` (pure; `randomShift` draws the shifts).
 * ```ts
 * shiftImages(tensor([[1, 2, 3, 4]]), [1], [0], { imageShape: [2, 2] }).toArray(); // [[0, 1, 0, 3]]
 * ```
 */
export function shiftImages(x: Tensor, dx: readonly number[], dy: readonly number[], { imageShape, fill = 0 }: { imageShape?: readonly number[]; fill?: number } = {}): Tensor {
  const { n, c, h, w } = imageLayout("shiftImages", x, imageShape);
  if (dx.length !== n || dy.length !== n) throw new ValueError(`shiftImages: need one dx and one dy per image (${n}), got ${dx.length} and ${dy.length}.`);
  const src = x.dataSync(), out = src.slice();
  const per = c * h * w;
  for (let i = 0; i < n; i++) {
    const sx = dx[i]!, sy = dy[i]!;
    for (let ch = 0; ch < c; ch++) {
      for (let r = 0; r < h; r++) {
        const r0 = r - sy;
        for (let k = 0; k < w; k++) {
          const k0 = k - sx;
          const at = i * per + ch * h * w + r * w + k;
          out[at] = r0 >= 0 && r0 < h && k0 >= 0 && k0 < w ? src[i * per + ch * h * w + r0 * w + k0]! : fill;
        }
      }
    }
  }
  return rebuild(x, out);
}

/**
 * Mixes a batch with a permutation of itself: `λ·a + (1 − λ)·a[perm]` for x and for y (pure; `mixup` draws
 * λ and perm). y must be float (one-hot or soft targets).
 */
export function mixBatch(x: Tensor, y: Tensor | undefined, lambda: number, perm: readonly number[]): [Tensor, Tensor | undefined] {
  const mix = (t: Tensor): Tensor => {
    const n = t.shape[0] ?? 0;
    if (perm.length !== n) throw new ValueError(`mixBatch: perm has ${perm.length} entries for ${n} samples.`);
    const src = t.dataSync(), out = src.slice();
    const per = src.length / Math.max(n, 1);
    for (let i = 0; i < n; i++) {
      const j = perm[i]!;
      for (let k = 0; k < per; k++) out[i * per + k] = lambda * src[i * per + k]! + (1 - lambda) * src[j * per + k]!;
    }
    return rebuild(t, out);
  };
  return [mix(x), y && mix(y)];
}

/** Gamma(α, 1) by Marsaglia–Tsang (with the α < 1 boost `G(α+1)·U^{1/α}`). */
export function sampleGamma(alpha: number, g: Generator): number {
  if (alpha < 1) return sampleGamma(alpha + 1, g) * Math.pow(1 - g.random(), 1 / alpha);
  const d = alpha - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number, v: number;
    do {
      z = g.normal();
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - g.random();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) as `X / (X + Y)` with X ~ Gamma(a), Y ~ Gamma(b). */
export const sampleBeta = (a: number, b: number, g: Generator): number => {
  const x = sampleGamma(a, g), y = sampleGamma(b, g);
  return x / (x + y);
};

/** Adds `std·N(0, 1)` noise to x. */
export function gaussianNoise({ std = 0.1, ...rnd }: { std?: number } & RandomSource = {}): BatchTransform {
  if (!(std >= 0)) throw new ValueError(`gaussianNoise: std must be ≥ 0, got ${std}.`);
  const gen = source(rnd);
  return <B extends Tensor[]>(batch: B): B => {
    const x = inputOf("gaussianNoise", batch);
    const g = gen();
    const out = x.dataSync(); // a fresh copy, safe to write
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + std * g.normal();
    return [rebuild(x, out), ...batch.slice(1)] as B;
  };
}

/** Mirrors each image left↔right with probability p. */
export function randomHorizontalFlip({ p = 0.5, imageShape, ...rnd }: { p?: number; imageShape?: readonly number[] } & RandomSource = {}): BatchTransform {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`randomHorizontalFlip: p must be in [0, 1], got ${p}.`);
  const gen = source(rnd);
  return <B extends Tensor[]>(batch: B): B => {
    const x = inputOf("randomHorizontalFlip", batch);
    const g = gen();
    const { n } = imageLayout("randomHorizontalFlip", x, imageShape);
    const flags = Array.from({ length: n }, () => g.random() < p);
    return [flipImagesHorizontal(x, flags, { imageShape }), ...batch.slice(1)] as B;
  };
}

/** Shifts each image by whole pixels, dx and dy uniform in [−maxShift, maxShift]. */
export function randomShift({ maxShift = 2, fill = 0, imageShape, ...rnd }: { maxShift?: number; fill?: number; imageShape?: readonly number[] } & RandomSource = {}): BatchTransform {
  if (!Number.isInteger(maxShift) || maxShift < 0) throw new ValueError(`randomShift: maxShift must be a whole number of pixels ≥ 0, got ${maxShift}.`);
  const gen = source(rnd);
  return <B extends Tensor[]>(batch: B): B => {
    const x = inputOf("randomShift", batch);
    const g = gen();
    const { n } = imageLayout("randomShift", x, imageShape);
    const dx: number[] = [], dy: number[] = [];
    for (let i = 0; i < n; i++) {
      dx.push(g.randint(-maxShift, maxShift + 1));
      dy.push(g.randint(-maxShift, maxShift + 1));
    }
    return [shiftImages(x, dx, dy, { imageShape, fill }), ...batch.slice(1)] as B;
  };
}

/**
 * mixup: one λ ~ Beta(α, α) per batch and a random pairing of the samples. int32 labels are one-hot encoded
 * first (pass `numClasses`, since a batch may miss some classes).
 */
export function mixup({ alpha = 0.2, numClasses, ...rnd }: { alpha?: number; numClasses?: number } & RandomSource = {}): BatchTransform {
  if (!(alpha > 0)) throw new ValueError(`mixup: alpha must be > 0, got ${alpha}.`);
  const gen = source(rnd);
  return <B extends Tensor[]>(batch: B): B => {
    const x = inputOf("mixup", batch);
    const g = gen();
    let y = batch[1];
    if (y && y.dtype === "int32") {
      if (numClasses === undefined) throw new ValueError("mixup: the labels are int32 class ids; pass numClasses so they can be one-hot encoded into soft targets.");
      y = oneHot(y, numClasses);
    } else if (y && y.dtype === "bool") y = y.float();
    const n = x.shape[0] ?? 0;
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = g.randint(0, i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    const lambda = sampleBeta(alpha, alpha, g);
    const [mx, my] = mixBatch(x, y, lambda, perm);
    return (my ? [mx, my, ...batch.slice(2)] : [mx, ...batch.slice(1)]) as B;
  };
}
