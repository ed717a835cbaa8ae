/** Identity layer: returns its input (a placeholder, e.g. to switch a block off). */
import type { Tensor } from "../../tensor.js";
import { Module } from "../module.js";

/**
 * `y = x`.
 * ```ts
 * new Identity().call(x) === x;   // true
 * ```
 */
export class Identity extends Module<[Tensor]> {
  forward(x: Tensor): Tensor {
    return x;
  }
}
