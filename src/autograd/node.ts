/** A node of the computational graph: the op that made a tensor, its inputs, and its vector-Jacobian product. */
import type { Tensor } from "../tensor.js";
import { isGradEnabled } from "./grad-mode.js";
import { versionOf } from "./version.js";

/**
 * Given the gradient `dy` of the output, the gradients of the inputs (null where an input gets none).
 * Written with differentiable ops, so that the backward pass can itself be differentiated.
 *
 * Contract of the built-in ones (every `record` call in src/ops and src/nn): a vjp computes and returns; it
 * never keeps `dy`, its results or anything made from them (no assignment to a captured variable, a cache, a
 * module-level structure), and returns no cached constant (`Tensor._constant`). The engine relies on this to
 * free, at the end of a backward pass, the gradient storages it made and did not hand out
 * (src/autograd/release.ts). Code that breaks it must go through `autograd.Function`, whose nodes are marked
 * `userCode`, which turns the freeing off for the pass.
 */
export type Vjp = (dy: Tensor) => readonly (Tensor | null)[];

export interface Node {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** null once a backward pass without `retainGraph` has used and freed it. */
  vjp: Vjp | null;
  /** Storage versions of the inputs, then of the output, when the node was recorded (see version.ts). */
  readonly versions: readonly number[];
  /**
   * True when `vjp` runs user code (an `autograd.Function`'s backward), which may keep the gradients it is
   * given or returns: a backward pass through such a node frees nothing (see release.ts).
   */
  userCode?: boolean;
}

/**
 * Attaches a graph node to `out` when recording is on and some input requires grad; returns `out`.
 * Every differentiable primitive ends with this call.
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], vjp: Vjp): Tensor {
  if (!isGradEnabled()) return out;
  const n = inputs.length;
  for (let i = 0; i < n; i++) {
    if (inputs[i]!._requiresGrad) {
      const versions = new Array<number>(n + 1);
      for (let j = 0; j < n; j++) versions[j] = versionOf(inputs[j]!.storage);
      versions[n] = versionOf(out.storage);
      out._node = { op, inputs, vjp, versions };
      out.requiresGrad = true;
      return out;
    }
  }
  return out;
}
