/**
 * The network the command line trains: a multilayer perceptron
 * `Linear(F, h1) → act → [Dropout] → … → Linear(h_last, K)`, with K = the number of classes (logits for
 * cross-entropy) or 1 (a regression value). Built from registered layers, so `saveModel` can write it and
 * `loadModel` rebuild it without nabla's command line.
 *
 * ```ts
 * buildMlp({ inFeatures: 64, hidden: [64], outFeatures: 10, activation: "relu", dropout: 0 });
 * // Sequential(Linear(64→64), ReLU, Linear(64→10))
 * ```
 */
import { Linear } from "../nn/layers/linear.js";
import { Sequential } from "../nn/layers/sequential.js";
import { Dropout } from "../nn/layers/dropout.js";
import { ELU, GELU, LeakyReLU, Mish, ReLU, SELU, SiLU, Sigmoid, Softplus, Tanh } from "../nn/layers/activations.js";
import type { Module } from "../nn/module.js";

/** The hidden activations by their command-line names. */
export const ACTIVATIONS = {
  relu: () => new ReLU(),
  tanh: () => new Tanh(),
  sigmoid: () => new Sigmoid(),
  gelu: () => new GELU(),
  elu: () => new ELU(),
  selu: () => new SELU(),
  silu: () => new SiLU(),
  leakyRelu: () => new LeakyReLU(),
  mish: () => new Mish(),
  softplus: () => new Softplus(),
} as const satisfies Record<string, () => Module>;
export type ActivationName = keyof typeof ACTIVATIONS;
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

export interface MlpSpec {
  inFeatures: number;
  hidden: readonly number[];
  outFeatures: number;
  activation: ActivationName;
  /** Dropout probability after each hidden activation (0: none). */
  dropout: number;
}

/** A new MLP with freshly initialized weights (drawn from the global generator: seed it first). */
export function buildMlp({ inFeatures, hidden, outFeatures, activation, dropout }: MlpSpec): Sequential {
  const layers: Module[] = [];
  let width = inFeatures;
  for (const h of hidden) {
    layers.push(new Linear(width, h), ACTIVATIONS[activation]());
    if (dropout > 0) layers.push(new Dropout(dropout));
    width = h;
  }
  layers.push(new Linear(width, outFeatures));
  return new Sequential(...layers);
}

/** `64-32` style description of an architecture: `"64 → 64 → 10"`. */
export const describeMlp = (s: MlpSpec): string => [s.inFeatures, ...s.hidden, s.outFeatures].join(" → ");
