/**
 * Finding where a NaN or an infinity came from: walks the recorded graph of a (non-finite) loss from its
 * leaves in topological order and reports the first op whose output holds a NaN/±inf. Since every op before
 * it in that order had only finite outputs, its non-leaf inputs are finite: it is the op that *produced* the
 * first non-finite value (a log or sqrt of a negative, a division by zero, an overflowing exp, ...).
 *
 * Leaves are tensors the graph did not record an op for: parameters, the input batch, and values computed
 * from the data alone (ops on tensors that need no gradient are not recorded). When a leaf is itself
 * non-finite, the report says which (named where a name is known).
 *
 * ```ts
 * const w = tensor([1, -1], { requiresGrad: true });
 * const loss = w.mul(2).log().sum();
 * findNonFinite(loss)?.op;   // "log"
 * ```
 */
import { fmtShape } from "../errors.js";
import type { Module } from "../nn/module.js";
import { Tensor } from "../tensor.js";

export interface NonFiniteReport {
  /** The op that produced the first non-finite value ("log", "div", ...), or null when a leaf already held one. */
  op: string | null;
  /** Shapes of the op's inputs. */
  inputShapes: number[][];
  outputShape: number[];
  /** Counts in the op's output (or in the leaf). */
  nan: number;
  posInf: number;
  negInf: number;
  /** For each input of the op: null when finite, else a description ("parameter \"fc.weight\"", "input batch x"). */
  nonFiniteInputs: (string | null)[];
  /** One readable paragraph with the op, the shapes, the counts and a likely fix. */
  message: string;
}

function counts(t: Tensor): { nan: number; posInf: number; negInf: number } {
  let nan = 0, posInf = 0, negInf = 0;
  if (t.dtype !== "float32" && t.dtype !== "float64") return { nan, posInf, negInf };
  for (const v of t.dataSync() as Float32Array | Float64Array) {
    if (v !== v) nan++;
    else if (v === Infinity) posInf++;
    else if (v === -Infinity) negInf++;
  }
  return { nan, posInf, negInf };
}
const isFinite = (t: Tensor): boolean => {
  const c = counts(t);
  return c.nan + c.posInf + c.negInf === 0;
};

/** Tensors of the graph below `root`, each after all its inputs. Iterative, so deep graphs are fine. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: { t: Tensor; i: number }[] = [{ t: root, i: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const inputs = top.t._node?.inputs ?? [];
    if (top.i < inputs.length) {
      const next = inputs[top.i++]!;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push({ t: next, i: 0 });
      }
    } else {
      order.push(top.t);
      stack.pop();
    }
  }
  return order;
}

const HINTS: Record<string, string> = {
  log: "log of a negative number gives NaN, of 0 gives −inf: clamp its input (x.clamp(1e-7, Infinity)) or use a loss that works on logits (crossEntropy, bceWithLogits).",
  log1p: "log1p of a number < −1 gives NaN: clamp its input.",
  sqrt: "sqrt of a negative number gives NaN: clamp its input to ≥ 0, or add a small epsilon.",
  pow: "a fractional power of a negative number gives NaN, a negative power of 0 gives inf: clamp the base.",
  div: "a division by zero gives inf (0/0 gives NaN): add an epsilon to the denominator.",
  recip: "1/0 gives inf: add an epsilon.",
  exp: "exp overflows to inf above ~88 in float32: lower the learning rate, normalize the inputs, or use logsumexp/logSoftmax.",
};

/** Describes each of `inputs` that is non-finite, using `names` where it knows the tensor. */
function describeInputs(inputs: readonly Tensor[], names: ReadonlyMap<Tensor, string>, value: (t: Tensor) => Tensor): (string | null)[] {
  return inputs.map((x, k) => {
    if (isFinite(value(x))) return null;
    const name = names.get(x);
    if (name) return name;
    return x._node ? `input ${k} (made by "${x._node.op}")` : `input ${k} (a tensor with no recorded op: data, or a value computed from the data without gradients)`;
  });
}

/**
 * The first op in the graph of `root` that produced a non-finite value, or null when every tensor in the
 * graph is finite. `names` labels known tensors in the message (the trainer passes the model's parameters
 * and the batch). `leafValues` gives the values leaves had when the graph was recorded, where they have
 * changed since (an optimizer step writes parameters in place; the trainer snapshots them first).
 */
export function findNonFinite(
  root: Tensor,
  { names = new Map<Tensor, string>(), leafValues = new Map<Tensor, Tensor>() }: { names?: ReadonlyMap<Tensor, string>; leafValues?: ReadonlyMap<Tensor, Tensor> } = {},
): NonFiniteReport | null {
  // Views of an updated leaf (a transposed weight, say) share its storage, so they changed too: read them from
  // the snapshot through the same view (a contiguous leaf's clone has the same layout).
  const byStorage = new Map<unknown, Tensor>();
  for (const [leaf, snap] of leafValues) if (leaf.isContiguous && leaf.offset === 0) byStorage.set(leaf.storage, snap);
  const value = (t: Tensor): Tensor => {
    const own = leafValues.get(t);
    if (own) return own;
    const snap = byStorage.get(t.storage);
    return snap ? Tensor._view(snap, t.shape, t.strides, t.offset) : t;
  };
  const order = topoOrder(root);
  for (const t of order) {
    if (t._node === null) continue;
    const c = counts(value(t));
    if (c.nan + c.posInf + c.negInf === 0) continue;
    const { op, inputs } = t._node;
    const nonFiniteInputs = describeInputs(inputs, names, value);
    const what = [c.nan && `${c.nan} NaN`, c.posInf && `${c.posInf} +inf`, c.negInf && `${c.negInf} −inf`].filter(Boolean).join(", ");
    const bad = nonFiniteInputs.filter((d): d is string => d !== null);
    const inputShapes = inputs.map((x) => [...x.shape]);
    const message =
      `The first op that produced a non-finite value is "${op}" (inputs ${inputShapes.map((s) => fmtShape(s)).join(", ")} → output ${fmtShape(t.shape)}; ` +
      `${what} of ${t.size} output values). ` +
      (bad.length === 0
        ? `All its inputs are finite, so "${op}" made the NaN/inf. ${HINTS[op] ?? ""}`
        : `But some of its inputs were already non-finite: ${bad.join("; ")}. Check the data for NaN/inf, or whether the weights diverged (lower the learning rate).`);
    return { op, inputShapes, outputShape: [...t.shape], ...c, nonFiniteInputs, message: message.trim() };
  }
  // No recorded op produced it: a leaf (or the root itself, when nothing was recorded) holds it.
  for (const t of order) {
    const c = counts(value(t));
    if (c.nan + c.posInf + c.negInf === 0) continue;
    const name = names.get(t) ?? `a tensor of shape ${fmtShape(t.shape)} with no recorded op (data, or computed without gradients)`;
    return {
      op: null, inputShapes: [], outputShape: [...t.shape], ...c, nonFiniteInputs: [name],
      message: `No recorded op produced the non-finite value: ${name} already contains it (${c.nan} NaN, ${c.posInf + c.negInf} inf). Check the data for NaN/inf.`,
    };
  }
  return null;
}

/** Names for the diagnosis of a NaN: the model's parameters and the batch. */
export function batchNames(model: Module, x: Tensor, y: Tensor): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  for (const [n, p] of model.namedParameters()) names.set(p, `parameter "${n}"`);
  names.set(x, "the input batch x");
  names.set(y, "the target batch y");
  return names;
}
