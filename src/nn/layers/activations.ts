/**
 * One layer per activation function of src/ops/activations.ts, as PyTorch's `nn.ReLU`, `nn.Softmax(dim)`, ...
 * Each is a thin Module over the function (the math and its doc live there).
 * ```ts
 * new Sequential(new Linear(2, 8), new LeakyReLU({ negativeSlope: 0.2 }), new Linear(8, 3), new Softmax({ dim: -1 }));
 * ```
 */
import * as A from "../../ops/activations.js";
import type { Tensor } from "../../tensor.js";
import { Module } from "../module.js";

/** `max(x, 0)`. */
export class ReLU extends Module<[Tensor]> {
  forward(x: Tensor): Tensor { return A.relu(x); }
}

/** `x` for x > 0, `negativeSlope·x` otherwise (default 0.01). */
export class LeakyReLU extends Module<[Tensor]> {
  readonly negativeSlope: number;
  constructor({ negativeSlope = 0.01 }: { negativeSlope?: number } = {}) {
    super();
    this.negativeSlope = negativeSlope;
  }
  forward(x: Tensor): Tensor { return A.leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
  override getConfig(): { negativeSlope: number } { return { negativeSlope: this.negativeSlope }; }
}

/** `min(max(x, 0), 6)`. */
export class ReLU6 extends Module<[Tensor]> {
  forward(x: Tensor): Tensor { return A.relu6(x); }
}

/** `1 / (1 + e^(−x))`. */
export class Sigmoid extends Module<[Tensor]> {
  forward(x: Tensor): Tensor { return A.sigmoid(x); }
}

/** `tanh(x)`. */
export class Tanh extends Module<[Tensor]> {
  forward(x: Tensor): Tensor { return A.tanh(x); }
}

/** `relu6(x + 3) / 6`. */
export class Hardsigmoid extends Module<[Tensor]> {
  forward(x: Tensor): Tensor { return A.hardsigmoid(x); }
}

/** `x · relu6(x + 3) / 6`. */
export class Hardswish extends Module<[Tensor]> {
  forward(x: Tensor): Tensor { return A.hardswish(x); }
}

/**
 * Heaviside step (1 where x ≥ 0, else 0). `gradient: "zero"` (default) passes no gradient, as the true
 * derivative; `"straight-through"` passes it unchanged so a network of step units can train.
 */
export class BinaryStep extends Module<[Tensor]> {
  readonly gradient: A.StepGradient;
  constructor({ gradient = "zero" }: { gradient?: A.StepGradient } = {}) {
    super();
    this.gradient = gradient;
  }
  forward(x: Tensor): Tensor { return A.binaryStep(x, { gradient: this.gradient }); }
  override extraRepr(): string { return `gradient=${this.gradient}`; }
  override getConfig(): { gradient: A.StepGradient } { return { gradient: this.gradient }; }
}

/** `eˣ / Σ eˣ` along `dim` (default −1, the last). */
export class Softmax extends Module<[Tensor]> {
  readonly dim: number;
  constructor({ dim = -1 }: { dim?: number } = {}) {
    super();
    this.dim = dim;
  }
  forward(x: Tensor): Tensor { return A.softmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
  override getConfig(): { dim: number } { return { dim: this.dim }; }
}

/** `x − logsumexp(x, dim)` along `dim` (default −1); pair with nllLoss. */
export class LogSoftmax extends Module<[Tensor]> {
  readonly dim: number;
  constructor({ dim = -1 }: { dim?: number } = {}) {
    super();
    this.dim = dim;
  }
  forward(x: Tensor): Tensor { return A.logSoftmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
  override getConfig(): { dim: number } { return { dim: this.dim }; }
}

/** `x·Φ(x)`; `approximate: "tanh"` uses the tanh formula. */
export class GELU extends Module<[Tensor]> {
  readonly approximate: "none" | "tanh";
  constructor({ approximate = "none" }: { approximate?: "none" | "tanh" } = {}) {
    super();
    this.approximate = approximate;
  }
  forward(x: Tensor): Tensor { return A.gelu(x, { approximate: this.approximate }); }
  override extraRepr(): string { return `approximate=${this.approximate}`; }
  override getConfig(): { approximate: "none" | "tanh" } { return { approximate: this.approximate }; }
}

/** `x` for x > 0, `α(eˣ − 1)` otherwise (default α = 1). */
export class ELU extends Module<[Tensor]> {
  readonly alpha: number;
  constructor({ alpha = 1 }: { alpha?: number } = {}) {
    super();
    this.alpha = alpha;
  }
  forward(x: Tensor): Tensor { return A.elu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
  override getConfig(): { alpha: number } { return { alpha: this.alpha }; }
}

/** Self-normalizing `scale · elu(x, α)` (α ≈ 1.6733, scale ≈ 1.0507). */
export class SELU extends Module<[Tensor]> {
  forward(x: Tensor): Tensor { return A.selu(x); }
}

/** `x · sigmoid(x)` (swish). */
export class SiLU extends Module<[Tensor]> {
  forward(x: Tensor): Tensor { return A.silu(x); }
}

/** `x · tanh(softplus(x))`. */
export class Mish extends Module<[Tensor]> {
  forward(x: Tensor): Tensor { return A.mish(x); }
}

/** `log(1 + e^(βx)) / β` (default β = 1). */
export class Softplus extends Module<[Tensor]> {
  readonly beta: number;
  constructor({ beta = 1 }: { beta?: number } = {}) {
    super();
    this.beta = beta;
  }
  forward(x: Tensor): Tensor { return A.softplus(x, this.beta); }
  override extraRepr(): string { return `beta=${this.beta}`; }
  override getConfig(): { beta: number } { return { beta: this.beta }; }
}
