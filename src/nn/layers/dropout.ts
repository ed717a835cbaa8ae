/** Dropout: randomly zeroes units during training (Srivastava et al. 2014), in the "inverted" form. */
import { ValueError } from "../../errors.js";
import { rand } from "../../ops/creation.js";
import type { Generator } from "../../random.js";
import type { Tensor } from "../../tensor.js";
import { Module } from "../module.js";

/** Options of the dropout function. */
export interface DropoutOptions {
  /** Probability of zeroing a unit (default 0.5). */
  p?: number;
  /** Apply it (default true); false returns the input unchanged, as in evaluation. */
  training?: boolean;
  /** Draw the mask from this generator instead of the global one. */
  generator?: Generator;
}

export function checkProbability(op: string, p: number, allowOne = true): void {
  if (!(p >= 0 && (allowOne ? p <= 1 : p < 1))) {
    throw new ValueError(`${op}: p must be a probability in [0, ${allowOne ? "1]" : "1)"}, got ${p}.`);
  }
}

/**
 * Inverted dropout: `y = x · m / (1 − p)` with `m ~ Bernoulli(1 − p)` per element, so `E[y] = x` and
 * nothing needs rescaling at test time. The gradient is the same mask: `dy/dx = m / (1 − p)`.
 * ```ts
 * dropout(ones([4]), { p: 0.5 }).toArray();   // e.g. [2, 0, 2, 2]
 * ```
 */
export function dropout(x: Tensor, { p = 0.5, training = true, generator }: DropoutOptions = {}): Tensor {
  checkProbability("dropout", p);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const mask = rand(x.shape, { dtype: x.dtype, generator }).lt(1 - p).to(x.dtype).mul(1 / (1 - p));
  return x.mul(mask);
}

/**
 * Dropout layer: active in training mode, the identity after `eval()`.
 * ```ts
 * const net = new Sequential(new Linear(2, 64), new ReLU(), new Dropout(0.2), new Linear(64, 2));
 * ```
 */
export class Dropout extends Module<[Tensor]> {
  readonly p: number;
  readonly generator: Generator | undefined;
  constructor(p = 0.5, { generator }: { generator?: Generator } = {}) {
    super();
    checkProbability("Dropout", p);
    this.p = p;
    this.generator = generator;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training, generator: this.generator });
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }

  /** Constructor arguments, for model files: `{ p }` (a `generator` is not saved; pass one again after loading). */
  override getConfig(): { p: number } {
    return { p: this.p };
  }
}
