/**
 * W2 (training) and W3 (inference) on TF.js 4.22 — tfjs-core ops, no tfjs-layers — as the anchors for
 * w2-mlp-nabla.ts (same workload definitions, ../shared/WORKLOADS.md).
 *
 * Glorot-uniform kernels and zero biases (what `tf.layers.dense` defaults to), `tf.train.adam(1e-3)` (TF.js's
 * default eps 1e-7), `tf.losses.softmaxCrossEntropy` on one-hot labels (mean), each batch a `tf.gather` of a
 * permutation drawn by Fisher–Yates from mulberry32 (tf.util.shuffle uses Math.random), and
 * `optimizer.minimize` (which differentiates with `tf.variableGrads` and disposes the gradients). The
 * last batch's loss is read back once per epoch, inside the timing.
 * W3: the 10,000 test images in one tensor, each batch of 1,000 a `tf.slice`, logits read by `dataSync`.
 */
import type { HostSplit } from "./lib/fashion.js";
import { mulberry32, permutation } from "./lib/random.js";
import { timePasses, w2Result, type W2Options, type W2Result, type W3Result } from "./lib/results.js";
import { tf } from "./lib/tfjs.js";
import { tfAccuracy, tfDense, tfForward, type TfMlp } from "./lib/tfjs-mlp.js";

/** W2 on TF.js (the active TF.js backend). Returns the trained layers too; dispose them with tfDispose. */
export function w2Tfjs(train: HostSplit, test: HostSplit, opts: W2Options & { seed?: number }): { result: W2Result; layers: TfMlp } {
  const batchSize = opts.batchSize ?? 128;
  const seed = opts.seed ?? 0;
  const layers = [tfDense(784, 256, seed + 1), tfDense(256, 128, seed + 2), tfDense(128, 10, seed + 3)];
  const vars = layers.flatMap((l) => [l.w, l.b]);
  const optimizer = tf.train.adam(1e-3);
  const xAll = tf.tensor2d(train.x, [train.n, 784]);
  const yAll = tf.tensor1d(train.y, "int32");
  const rng = mulberry32(seed + 7);
  const times: number[] = [];
  let steps = 0, samples = 0, finalLoss = NaN;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    steps = 0;
    samples = 0;
    let last: tf.Scalar | null = null;
    const t0 = performance.now();
    const perm = permutation(train.n, rng);
    for (let s = 0; s < train.n; s += batchSize) {
      const e = Math.min(train.n, s + batchSize);
      const idx = tf.tensor1d(perm.subarray(s, e), "int32");
      last?.dispose();
      last = optimizer.minimize(() => {
        const xb = tf.gather(xAll, idx) as tf.Tensor2D;
        const yb = tf.oneHot(tf.gather(yAll, idx) as tf.Tensor1D, 10);
        return tf.losses.softmaxCrossEntropy(yb, tfForward(layers, xb, tf.relu)) as tf.Scalar;
      }, true, vars);
      idx.dispose();
      steps++;
      samples += e - s;
      if (opts.maxSteps !== undefined && steps >= opts.maxSteps) break;
    }
    finalLoss = last ? last.dataSync()[0]! : NaN;
    last?.dispose();
    const seconds = (performance.now() - t0) / 1000;
    times.push(seconds);
    opts.onEpoch?.(epoch, seconds, finalLoss);
  }
  xAll.dispose();
  yAll.dispose();
  optimizer.dispose();
  return { result: w2Result(opts, steps, samples, times, finalLoss, tfAccuracy(layers, test)), layers };
}

/** W3 on TF.js: the test images live in one tensor; each batch is a `tf.slice`, logits read by dataSync. */
export function w3Tfjs(layers: TfMlp, test: HostSplit, { warmup = 2, runs = 10, batchSize = 1000 } = {}): W3Result {
  const xAll = tf.tensor2d(test.x, [test.n, 784]);
  const pass = (): void => {
    for (let i = 0; i < test.n; i += batchSize) {
      const logits = tf.tidy(() => tfForward(layers, tf.slice(xAll, [i, 0], [Math.min(batchSize, test.n - i), 784]), tf.relu));
      logits.dataSync();
      logits.dispose();
    }
  };
  const imagesPerSecond = timePasses(test.n, warmup, runs, pass);
  xAll.dispose();
  return { passes: runs, warmup, batches: Math.ceil(test.n / batchSize), batchSize, imagesPerSecond };
}
