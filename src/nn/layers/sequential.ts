/** Sequential: a chain of modules, each fed the previous one's output. */
import { IndexError, ValueError } from "../../errors.js";
import type { LinearActivation } from "../../ops/matmul.js";
import type { Tensor } from "../../tensor.js";
import { Module } from "../module.js";
import { ReLU, Sigmoid, Tanh } from "./activations.js";
import { Linear } from "./linear.js";

/** Whether `m` is exactly an instance of `cls`, running the class's own forward (no subclass, no patch). */
const plain = (m: Module, cls: { prototype: Module }): boolean =>
  Object.getPrototypeOf(m) === cls.prototype && m.forward === cls.prototype.forward && m.call === Module.prototype.call;

/** The activation a plain Linear followed by a plain ReLU/Tanh/Sigmoid fuses into, else null. */
function fusedActivation(m: Module, next: Module): LinearActivation | null {
  if (!plain(m, Linear)) return null;
  if (plain(next, Tanh)) return "tanh";
  if (plain(next, ReLU)) return "relu";
  if (plain(next, Sigmoid)) return "sigmoid";
  return null;
}

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

  /**
   * Runs the modules in order. A `Linear` directly followed by a `ReLU`, `Tanh` or `Sigmoid` (the classes
   * themselves, not subclasses) runs as one fused step (`linear(x, w, b, activation)`): the same values and
   * gradients, one graph node and kernel fewer.
   */
  forward(x: Tensor): Tensor {
    let y = x;
    const n = this.length;
    for (let i = 0; i < n; i++) {
      const m = this[i]!;
      const act = i + 1 < n ? fusedActivation(m, this[i + 1]!) : null;
      if (act === null) {
        y = m.call(y);
      } else {
        y = (m as Linear)._forwardActivated(y, act);
        i++;
      }
    }
    return y;
  }
}
