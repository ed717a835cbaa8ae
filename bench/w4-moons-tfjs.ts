/**
 * W4 (tiny two-moons MLP, per-op overhead) on TF.js 4.22, the anchor for w4-moons-nabla.ts: the same 200
 * points, tfjs-core ops, Glorot-uniform kernels and zero biases (tf.layers.dense's defaults),
 * `tf.losses.logLoss` (binary cross-entropy on probabilities, mean; its eps is 1e-7), `tf.train.sgd(0.1)`,
 * `optimizer.minimize` for 2,000 full-batch steps, the loss returned and read back only on the last one.
 */
import { collectW4, type W4Options, type W4Result } from "./lib/results.js";
import { tf } from "./lib/tfjs.js";
import { tfDense, tfForward, type TfMlp } from "./lib/tfjs-mlp.js";
import { moonsHost } from "./w4-moons-nabla.js";

/** W4 on TF.js (the active TF.js backend). */
export function w4Tfjs(opts: W4Options & { seed?: number }): W4Result {
  const host = moonsHost();
  const x = tf.tensor2d(host.x, [host.n, 2]);
  const y = tf.tensor2d(host.y, [host.n, 1]);
  let seed = opts.seed ?? 0;
  const result = collectW4(opts, () => {
    seed += 10;
    const layers: TfMlp = [tfDense(2, 16, seed + 1), tfDense(16, 16, seed + 2), tfDense(16, 1, seed + 3)];
    const vars = layers.flatMap((l) => [l.w, l.b]);
    const optimizer = tf.train.sgd(0.1);
    const lossFn = (): tf.Scalar => tf.losses.logLoss(y, tf.sigmoid(tfForward(layers, x, tf.tanh))) as tf.Scalar;
    const t0 = performance.now();
    for (let s = 0; s < opts.steps - 1; s++) optimizer.minimize(lossFn, false, vars);
    const last = optimizer.minimize(lossFn, true, vars)!;
    const final = last.dataSync()[0]!;
    const seconds = (performance.now() - t0) / 1000;
    last.dispose();
    const accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.cast(tf.greater(tf.sigmoid(tfForward(layers, x, tf.tanh)), 0.5), "float32"), y), "float32")).dataSync()[0]!);
    optimizer.dispose();
    for (const v of vars) v.dispose();
    return { seconds, loss: final, accuracy };
  });
  x.dispose();
  y.dispose();
  return result;
}
