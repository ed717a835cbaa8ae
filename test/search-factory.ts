// A model factory for test/search.test.ts: search worker threads import this module and call `makeMlp`.
import { Sequential } from "../src/nn/layers/sequential.js";
import { Linear } from "../src/nn/layers/linear.js";
import { ReLU, Tanh } from "../src/nn/layers/activations.js";
import { Dropout } from "../src/nn/layers/dropout.js";
import type { Module } from "../src/nn/module.js";
import type { ModelTrial } from "../src/search/trial.js";

export interface MlpParams {
  /** Hidden layer widths (depth = its length). */
  hidden: number[];
  activation?: "relu" | "tanh";
  lr: number;
  dropout?: number;
  /** L2 penalty as the optimizer's weight decay. */
  l2?: number;
  /** Makes the factory throw, to test errorScore. */
  fail?: boolean;
}

/** An MLP for 2-D inputs and 2 classes, trained with Adam. */
export function makeMlp({ hidden, activation = "tanh", lr, dropout = 0, l2 = 0, fail = false }: MlpParams): ModelTrial {
  if (fail) throw new RangeError("makeMlp: asked to fail");
  const layers: Module[] = [];
  let width = 2;
  for (const h of hidden) {
    layers.push(new Linear(width, h), activation === "relu" ? new ReLU() : new Tanh());
    if (dropout > 0) layers.push(new Dropout(dropout));
    width = h;
  }
  layers.push(new Linear(width, 2));
  return { model: new Sequential(...layers), optimizer: { name: "adam", lr, weightDecay: l2 }, loss: "crossEntropy", metrics: ["accuracy"] };
}
