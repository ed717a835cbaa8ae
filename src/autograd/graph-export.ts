/**
 * Draws the computational graph, as micrograd's `draw_dot`: each tensor is a node labelled with its name
 * (or the op that made it), shape, a value summary and a gradient summary; edges run from inputs to ops.
 * Render DOT with Graphviz (`dot -Tsvg`) and Mermaid in Markdown.
 *
 * ```ts
 * const x = tensor(-2, { requiresGrad: true }), y = tensor(5, { requiresGrad: true }), z = tensor(-4, { requiresGrad: true });
 * x.name = "x"; y.name = "y"; z.name = "z";
 * const f = x.add(y).mul(z); f.name = "f";
 * f.backward();
 * console.log(toMermaid(f));
 * ```
 */
import type { Tensor } from "../tensor.js";

export interface GraphNode {
  id: string;
  tensor: Tensor;
  label: string;
  op: string | null;
  inputs: string[];
}

function summary(t: Tensor | null): string {
  if (t === null) return "–";
  const v = t.dataSync();
  const f = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(4));
  if (v.length <= 4) return v.length === 1 && t.ndim === 0 ? f(v[0]!) : `[${Array.from(v, f).join(", ")}]`;
  let mn = Infinity, mx = -Infinity, s = 0;
  for (const x of v) { mn = Math.min(mn, x); mx = Math.max(mx, x); s += x; }
  return `mean ${f(s / v.length)}, min ${f(mn)}, max ${f(mx)}`;
}

/** The graph below `root` as a list of nodes (inputs first). */
export function graphNodes(root: Tensor): GraphNode[] {
  const ids = new Map<Tensor, string>();
  const order: Tensor[] = [];
  const stack: { t: Tensor; expanded: boolean }[] = [{ t: root, expanded: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (top.expanded) {
      if (!ids.has(top.t)) { ids.set(top.t, `t${ids.size}`); order.push(top.t); }
      continue;
    }
    if (ids.has(top.t)) continue;
    stack.push({ t: top.t, expanded: true });
    for (const x of [...(top.t._node?.inputs ?? [])].reverse()) if (!ids.has(x)) stack.push({ t: x, expanded: false });
  }
  return order.map((t) => ({
    id: ids.get(t)!,
    tensor: t,
    op: t._node?.op ?? null,
    inputs: (t._node?.inputs ?? []).map((x) => ids.get(x)!),
    label: `${t.name ?? (t._node ? t._node.op : "leaf")} [${t.shape.join("×")}] | data ${summary(t)} | grad ${summary(t.grad)}`,
  }));
}

const esc = (s: string) => s.replace(/"/g, '\\"');

/** Graphviz DOT text: a record per tensor, an ellipse per op. */
export function toDot(root: Tensor): string {
  const lines = ["digraph nabla {", "  rankdir=LR;", '  node [fontname="Helvetica"];'];
  for (const n of graphNodes(root)) {
    lines.push(`  ${n.id} [shape=record, label="{ ${esc(n.label)} }"];`);
    if (n.op) {
      lines.push(`  ${n.id}_op [shape=ellipse, label="${esc(n.op)}"];`);
      lines.push(`  ${n.id}_op -> ${n.id};`);
      for (const i of n.inputs) lines.push(`  ${i} -> ${n.id}_op;`);
    }
  }
  lines.push("}");
  return lines.join("\n");
}

/** Mermaid flowchart text (renders in GitHub Markdown). */
export function toMermaid(root: Tensor): string {
  const lines = ["flowchart LR"];
  const q = (s: string) => s.replace(/"/g, "#quot;").replace(/\|/g, "<br/>");
  for (const n of graphNodes(root)) {
    lines.push(`  ${n.id}["${q(n.label)}"]`);
    if (n.op) {
      lines.push(`  ${n.id}_op(("${q(n.op)}"))`);
      lines.push(`  ${n.id}_op --> ${n.id}`);
      for (const i of n.inputs) lines.push(`  ${i} --> ${n.id}_op`);
    }
  }
  return lines.join("\n");
}
