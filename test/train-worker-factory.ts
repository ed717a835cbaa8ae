// A model factory for test/train-worker.test.ts: the worker thread imports this module and calls the export.
import { Module } from "../src/nn/module.js";
import { Linear } from "../src/nn/layers/linear.js";
import type { Tensor } from "../src/tensor.js";

/** A model of a class outside the layer registry, so it can reach a worker only through a factory. */
export class TwoLayer extends Module<[Tensor]> {
  a: Linear;
  b: Linear;
  constructor(hidden: number) {
    super();
    this.a = new Linear(2, hidden);
    this.b = new Linear(hidden, 2);
  }
  forward(x: Tensor): Tensor {
    return this.b.call(this.a.call(x).tanh());
  }
}

export const makeModel = (hidden = 8): TwoLayer => new TwoLayer(hidden);
