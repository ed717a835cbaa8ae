/** Plain dense networks in tfjs-core ops (the TF.js anchors need no tfjs-layers), trainable. */
import type { HostSplit } from "./fashion.js";
import "./tfjs-gradients.js";
import { tf } from "./tfjs.js";

/** Dense layer parameters as `tf.layers.dense` initializes them: Glorot-uniform kernel [in, out], zero bias. */
export function tfDense(inF: number, outF: number, seed: number): { w: tf.Variable; b: tf.Variable } {
  const limit = Math.sqrt(6 / (inF + outF));
  return {
    w: tf.variable(tf.randomUniform([inF, outF], -limit, limit, "float32", seed)),
    b: tf.variable(tf.zeros([outF])),
  };
}

export type TfMlp = { w: tf.Variable; b: tf.Variable }[];

/** Forward pass: dense layers with `act` between them (none after the last). */
export function tfForward(layers: TfMlp, x: tf.Tensor2D, act: (t: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
  let h = x;
  layers.forEach((l, i) => {
    h = tf.add(tf.matMul(h, l.w), l.b);
    if (i < layers.length - 1) h = act(h);
  });
  return h;
}

/** Accuracy of a TF.js ReLU MLP on 784-pixel images (a host split), in batches of 1,000. */
export function tfAccuracy(layers: TfMlp, split: HostSplit): number {
  let correct = 0;
  for (let i = 0; i < split.n; i += 1000) {
    const end = Math.min(split.n, i + 1000);
    const pred = tf.tidy(() => tf.argMax(tfForward(layers, tf.tensor2d(split.x.subarray(i * 784, end * 784), [end - i, 784]), tf.relu), 1)).dataSync();
    for (let j = 0; j < pred.length; j++) if (pred[j] === split.y[i + j]) correct++;
  }
  return correct / split.n;
}

/** Frees the variables of a TF.js MLP. */
export function tfDispose(layers: TfMlp): void {
  for (const l of layers) { l.w.dispose(); l.b.dispose(); }
}
