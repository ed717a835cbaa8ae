/**
 * Noise as a regularizer, active in training mode only: additive Gaussian noise on inputs or activations,
 * multiplicative Gaussian dropout, and noise on a wrapped layer's weights.
 */
import { ValueError } from "../../errors.js";
import { randn } from "../../ops/creation.js";
import type { Generator } from "../../random.js";
import type { Tensor } from "../../tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { checkProbability } from "./dropout.js";

function checkStd(op: string, std: number): void {
  if (!(std >= 0) || !Number.isFinite(std)) throw new ValueError(`${op}: std must be a finite number ≥ 0, got ${std}.`);
}

/**
 * Additive Gaussian noise: `y = x + std·ε`, `ε ~ N(0, 1)` per element (Keras's GaussianNoise). `E[y] = x`.
 * ```ts
 * gaussianNoise(x, { std: 0.1 });
 * ```
 */
export function gaussianNoise(x: Tensor, { std = 0.1, training = true, generator }: { std?: number; training?: boolean; generator?: Generator } = {}): Tensor {
  checkStd("gaussianNoise", std);
  if (!training || std === 0) return x;
  return x.add(randn(x.shape, { dtype: x.dtype, generator }).mul(std));
}

/**
 * Multiplicative Gaussian noise with mean 1: `y = x·(1 + σε)`, `σ = √(p/(1−p))` — the same mean and
 * variance as dropout with rate p (Srivastava et al. 2014, Keras's GaussianDropout). `E[y] = x`.
 */
export function gaussianDropout(x: Tensor, { p = 0.5, training = true, generator }: { p?: number; training?: boolean; generator?: Generator } = {}): Tensor {
  checkProbability("gaussianDropout", p, false);
  if (!training || p === 0) return x;
  return x.mul(randn(x.shape, { dtype: x.dtype, generator }).mul(Math.sqrt(p / (1 - p))).add(1));
}

/**
 * Gaussian noise layer (training only), e.g. on the inputs of a network.
 * ```ts
 * new Sequential(new GaussianNoise(0.1), new Linear(2, 16), ...);
 * ```
 */
export class GaussianNoise extends Module<[Tensor]> {
  readonly std: number;
  readonly generator: Generator | undefined;
  constructor(std = 0.1, { generator }: { generator?: Generator } = {}) {
    super();
    checkStd("GaussianNoise", std);
    this.std = std;
    this.generator = generator;
  }
  forward(x: Tensor): Tensor {
    return gaussianNoise(x, { std: this.std, training: this.training, generator: this.generator });
  }
  override extraRepr(): string {
    return `std=${this.std}`;
  }

  /** Constructor arguments, for model files: `{ std }` (a `generator` is not saved). */
  override getConfig(): { std: number } {
    return { std: this.std };
  }
}

/** Gaussian dropout layer (training only): multiplies by N(1, p/(1−p)) noise. */
export class GaussianDropout extends Module<[Tensor]> {
  readonly p: number;
  readonly generator: Generator | undefined;
  constructor(p = 0.5, { generator }: { generator?: Generator } = {}) {
    super();
    checkProbability("GaussianDropout", p, false);
    this.p = p;
    this.generator = generator;
  }
  forward(x: Tensor): Tensor {
    return gaussianDropout(x, { p: this.p, training: this.training, generator: this.generator });
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }

  /** Constructor arguments, for model files: `{ p }` (a `generator` is not saved). */
  override getConfig(): { p: number } {
    return { p: this.p };
  }
}

/**
 * Weight noise (Graves 2011): in training mode each forward pass of the wrapped module uses
 * `W + std·ε` for every parameter named `weight` in it (biases are left clean); gradients flow to the
 * clean weights (d(W + std·ε)/dW = I), which the optimizer updates. In eval mode it is the module itself.
 * Parameter names gain a `module.` prefix (`module.weight`).
 * ```ts
 * const noisy = new WeightNoise(new Linear(4, 2), { std: 0.05 });
 * noisy.call(x);   // uses perturbed weights; noisy.eval() turns the noise off
 * ```
 */
export class WeightNoise<Args extends any[] = [Tensor]> extends Module<Args> {
  readonly module: Module<Args>;
  readonly std: number;
  readonly generator: Generator | undefined;
  constructor(module: Module<Args>, { std = 0.01, generator }: { std?: number; generator?: Generator } = {}) {
    super();
    if (!(module instanceof Module)) throw new ValueError("WeightNoise: the first argument must be a Module to wrap.");
    checkStd("WeightNoise", std);
    this.module = module;
    this.std = std;
    this.generator = generator;
  }

  forward(...args: Args): Tensor {
    if (!this.training || this.std === 0) return this.module.forward(...args);
    // Swap each `weight` Parameter for a noisy tensor computed from it, run, then put the Parameters back.
    const swapped: [Record<string, unknown>, Parameter][] = [];
    try {
      for (const m of this.module.modules()) {
        const holder = m as unknown as Record<string, unknown>;
        const w = holder.weight;
        if (!(w instanceof Parameter)) continue;
        const noisy = w.add(randn(w.shape, { dtype: w.dtype, generator: this.generator }).mul(this.std));
        swapped.push([holder, w]);
        Object.defineProperty(holder, "weight", { value: noisy, writable: true, configurable: true, enumerable: true });
      }
      return this.module.forward(...args);
    } finally {
      for (const [holder, w] of swapped) Object.defineProperty(holder, "weight", { value: w, writable: true, configurable: true, enumerable: true });
    }
  }

  override extraRepr(): string {
    return `std=${this.std}`;
  }

  /** Constructor arguments, for model files: `{ std }`. The wrapped module is the layer's child. */
  override getConfig(): { std: number } {
    return { std: this.std };
  }
}
