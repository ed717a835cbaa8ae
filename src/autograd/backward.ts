/**
 * Reverse-mode differentiation over the recorded graph. Iterative (an explicit stack, no recursion), so a
 * chain of any depth backpropagates.
 */
import { GradError, fmtShape } from "../errors.js";
import { shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { withGradMode } from "./grad-mode.js";
import type { Node } from "./node.js";
import { Release } from "./release.js";
import { versionOf } from "./version.js";

/** Throws when a tensor the node saw was overwritten in place after the node was recorded. */
function checkVersions(node: Node, out: Tensor): void {
  const n = node.inputs.length;
  for (let i = 0; i <= n; i++) {
    const t = i < n ? node.inputs[i]! : out;
    if (versionOf(t.storage) === node.versions[i]) continue;
    const what = i < n ? `input ${i} (shape ${fmtShape(t.shape)})` : `its output (shape ${fmtShape(t.shape)})`;
    throw new GradError(
      `backward: ${what} of "${node.op}" was modified in place (copy_, add_, ...) after "${node.op}" used it, ` +
        `so its gradient would be computed from the new values. Modify a clone() instead, or make the in-place ` +
        `change after backward().`,
    );
  }
}

export interface BackwardOptions {
  /** Keep the graph so that backward can run through it again (default false; true when createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients (default false). */
  createGraph?: boolean;
}

/**
 * The gradient a backward pass starts from at output `y`: the given one (a number fills y's shape), or 1
 * for a one-element output. `messages` words the two errors for the caller (`backward` or `gradients`).
 */
export function seedGradient(
  y: Tensor,
  given: Tensor | number | undefined,
  messages: { missing: () => string; mismatch: (g: Tensor) => string },
): Tensor {
  if (given === undefined) {
    if (y.size !== 1) throw new GradError(messages.missing());
    return y._scalarFill(1);
  }
  if (typeof given === "number") return y._scalarFill(given);
  if (!shapesEqual(given.shape, y.shape)) throw new GradError(messages.mismatch(given));
  return given;
}

/** Tensors reachable from `roots` through inputs that require grad, in reverse topological order. */
function reverseTopo(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: { t: Tensor; i: number }[] = [];
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push({ t: r, i: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const inputs = top.t._node?.inputs ?? [];
      if (top.i < inputs.length) {
        const next = inputs[top.i++]!;
        if (next.requiresGrad && !seen.has(next)) {
          seen.add(next);
          stack.push({ t: next, i: 0 });
        }
      } else {
        order.push(top.t);
        stack.pop();
      }
    }
  }
  return order.reverse();
}

/**
 * Starts the bookkeeping that frees a pass's dead gradients (src/autograd/release.ts): call it before making
 * the seed gradients, and pass the result to `runBackward` as `release`.
 */
export function startRelease(roots: readonly Tensor[], createGraph: boolean | undefined): Release | null {
  return roots.length === 0 ? null : Release.start(roots[0]!.backend, createGraph ?? false);
}

/**
 * Propagates `gradRoots` from `roots` through the graph. Returns the total gradient reaching each tensor of
 * `capture`. When `accumulate` is set, leaves (and tensors that called `retainGrad()`) add theirs to `.grad`.
 * At the end, frees the gradient storages nothing outside the pass can reach (`release`, from
 * `startRelease`; see release.ts).
 */
export function runBackward(
  roots: readonly Tensor[],
  gradRoots: readonly Tensor[],
  opts: BackwardOptions & { accumulate: boolean; capture?: readonly Tensor[]; release?: Release | null },
): Map<Tensor, Tensor> {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const capture = new Set(opts.capture ?? []);
  const captured = new Map<Tensor, Tensor>();
  const grads = new Map<Tensor, Tensor>();
  const release = opts.release === undefined ? startRelease(roots, createGraph) : createGraph ? null : opts.release;
  return withGradMode(createGraph, () => {
    roots.forEach((r, i) => {
      const g = gradRoots[i]!;
      const prev = grads.get(r);
      const sum = prev ? prev.add(g) : g;
      if (release !== null) {
        release.hold(g);
        release.hold(sum);
      }
      grads.set(r, sum);
    });
    for (const t of reverseTopo(roots)) {
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      if (capture.has(t)) {
        captured.set(t, g);
        release?.escape(g);
      }
      const node = t._node;
      if (opts.accumulate && (node === null || t._retainsGrad)) {
        const gg = createGraph ? g : g.detach();
        const old = t._grad;
        const next = old === null ? gg : old.add(gg);
        t._grad = next;
        if (release !== null) {
          release.hold(next);
          release.setGrad(next, old);
        }
      }
      if (node === null) continue;
      if (node.userCode && release !== null) release.userCode = true;
      if (node.vjp === null) {
        throw new GradError(
          `backward: the graph through "${node.op}" (output ${fmtShape(t.shape)}) was already freed by an ` +
            `earlier backward(). Pass { retainGraph: true } to the first backward() to go through it twice, ` +
            `or recompute the forward pass.`,
        );
      }
      checkVersions(node, t);
      const inGrads = node.vjp(g);
      if (!retainGraph) node.vjp = null;
      for (let i = 0; i < node.inputs.length; i++) {
        const x = node.inputs[i]!;
        const gx = inGrads[i];
        if (gx === null || gx === undefined) continue;
        if (release !== null) release.hold(gx);
        if (!x.requiresGrad) continue;
        if (!shapesEqual(gx.shape, x.shape)) {
          throw new GradError(
            `backward: the gradient "${node.op}" gives input ${i} has shape ${fmtShape(gx.shape)}, but the ` +
              `input has shape ${fmtShape(x.shape)}. A custom backward must return one gradient per input, ` +
              `shaped like that input.`,
          );
        }
        const prev = grads.get(x);
        if (prev === undefined) {
          grads.set(x, gx);
        } else {
          const sum = prev.add(gx);
          release?.hold(sum);
          grads.set(x, sum);
        }
      }
    }
    release?.finish();
    return captured;
  });
}
