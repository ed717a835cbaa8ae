/** Sequential: a chain of modules, each fed the previous one's output. */
import { IndexError, ValueError } from "../../errors.js";
import type { Tensor } from "../../tensor.js";
import { Module } from "../module.js";

/**
 * Runs its modules in order: `y = mₙ(…m₂(m₁(x)))`. Modules are held as numbered properties, so
 * `seq[0]` is the first one and parameters are named `0.weight`, `2.bias`, ... exactly as in PyTorch
 * (a nested Sequential gives `1.0.weight`). A Sequential is itself a Module, so it nests.
 * ```ts
 * const mlp = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 1));
 * mlp.call(zeros([4, 2])).shape;   // [4, 1]
 * mlp[0];                          // Linear(inFeatures=2, outFeatures=16, bias=true)
 * const bigger = new Sequential(mlp, new Sigmoid());   // a network is a layer
 * ```
 */
export class Sequential extends Module<[Tensor]> implements Iterable<Module> {
  readonly [index: number]: Module;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => this.append(m));
  }

  /** Number of modules. */
  get length(): number {
    let n = 0;
    while (Object.prototype.hasOwnProperty.call(this, n)) n++;
    return n;
  }

  /** The module at `i` (negative counts from the end). */
  at(i: number): Module {
    const n = this.length;
    const j = i < 0 ? n + i : i;
    if (!Number.isInteger(i) || j < 0 || j >= n) throw new IndexError(`Sequential.at: index ${i} is out of range for ${n} modules.`);
    return this[j]!;
  }

  /** Adds a module at the end; returns this. */
  append(m: Module): this {
    if (!(m instanceof Module)) {
      throw new ValueError(`Sequential: every element must be a Module, got ${m === null ? "null" : typeof m} at position ${this.length}.`);
    }
    Object.defineProperty(this, this.length, { value: m, enumerable: true, writable: false, configurable: false });
    return this;
  }

  *[Symbol.iterator](): Iterator<Module> {
    for (let i = 0; i < this.length; i++) yield this[i]!;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this) y = m.call(y);
    return y;
  }
}
