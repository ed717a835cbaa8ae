/** PyTorch-like printing: `tensor([[1.0000, 2.0000], ...], dtype=float64, requiresGrad=true)`. */
import type { Tensor } from "./tensor.js";
import { isFloat } from "./dtype.js";

const EDGE = 3;
const THRESHOLD = 1000;

function formatter(values: ArrayLike<number>, float: boolean, bool: boolean): (v: number) => string {
  if (bool) return (v) => (v ? "true" : "false");
  if (!float) return (v) => String(v);
  let maxAbs = 0, minAbs = Infinity, allInt = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minAbs) minAbs = a;
    if (!Number.isInteger(v)) allInt = false;
  }
  const sci = maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Infinity) || (maxAbs / (minAbs === Infinity ? 1 : minAbs) > 1e3 && maxAbs > 1e3);
  return (v) => {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (sci) return v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2"); // two-digit exponents, as PyTorch
    if (allInt) return `${v.toFixed(0)}.`;
    return v.toFixed(4);
  };
}

export function formatTensor(t: Tensor): string {
  const flat = t.dataSync();
  const summarize = t.size > THRESHOLD;
  const fmt = formatter(flat, isFloat(t.dtype), t.dtype === "bool");
  const strs = Array.from(flat, fmt);
  const width = strs.reduce((w, s) => Math.max(w, s.length), 0);
  const pad = (s: string) => s.padStart(width);
  const indent = "tensor(".length;
  const render = (dim: number, off: number): string => {
    if (dim === t.ndim) return pad(strs[off]!);
    const n = t.shape[dim]!;
    let step = 1;
    for (let d = dim + 1; d < t.ndim; d++) step *= t.shape[d]!;
    const idx = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    const parts = idx.map((i) => (i === -1 ? "..." : render(dim + 1, off + i * step)));
    if (dim === t.ndim - 1) return `[${parts.join(", ")}]`;
    const sep = "," + "\n".repeat(t.ndim - dim - 1) + " ".repeat(indent + dim + 1);
    return `[${parts.join(sep)}]`;
  };
  const extras: string[] = [];
  if (t.dtype !== "float32") extras.push(`dtype=${t.dtype}`);
  if (t.ndim > 0 && t.size === 0) extras.push(`size=[${t.shape.join(", ")}]`);
  if (t.gradFn) extras.push(`gradFn=${t.gradFn}`);
  else if (t.requiresGrad) extras.push("requiresGrad=true");
  const body = t.ndim === 0 ? fmt(flat[0]!) : render(0, 0);
  return `tensor(${body}${extras.length ? ", " + extras.join(", ") : ""})`;
}
