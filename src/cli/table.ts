/**
 * Plain-text tables for the terminal: the final metrics of a run (one row per metric, one column per data
 * part) and any list of rows (search results, layer summaries).
 *
 * ```ts
 * console.log(metricsTable({ train: { loss: 0.01, accuracy: 1 }, validation: { loss: 0.04, accuracy: 0.9889 } }));
 * // metric    train   validation
 * // --------  ------  ----------
 * // loss      0.0100      0.0400
 * // accuracy  100.0%      98.89%
 * ```
 */

/** Long names of the metrics the command line reports. */
export const METRIC_LABELS: Record<string, string> = {
  loss: "loss",
  accuracy: "accuracy",
  mse: "MSE",
  mae: "MAE",
  r2: "R²",
};

/**
 * A value as the tables show it: accuracies as percentages with two decimals, other numbers with four
 * significant digits (scientific notation when very small or large).
 */
export function formatMetric(name: string, v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (name === "accuracy" || name.endsWith("Accuracy")) return `${(v * 100).toFixed(2)}%`;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return a >= 1000 ? v.toFixed(1) : v.toPrecision(4).replace(/^(-?\d+)\.$/, "$1");
}

/**
 * Rows under a header, columns padded to the widest cell, separated by two spaces, with a dashed rule under
 * the header. `align` is "l" or "r" per column (default: the first left, the rest right).
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("l" | "r")[]): string {
  const w = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? "")].length)));
  const al = (i: number): "l" | "r" => align?.[i] ?? (i === 0 ? "l" : "r");
  const pad = (s: string, i: number): string => {
    const fill = " ".repeat(w[i]! - [...s].length);
    return al(i) === "l" ? s + fill : fill + s;
  };
  const line = (cells: readonly string[]): string => cells.map((c, i) => pad(c, i)).join("  ").trimEnd();
  return [line(header), line(w.map((n) => "-".repeat(n))), ...rows.map((r) => line(header.map((_, i) => r[i] ?? "")))].join("\n");
}

/** Metrics by data part (`{ train: {...}, validation: {...} }`) as a table: one row per metric. */
export function metricsTable(parts: Readonly<Record<string, Readonly<Record<string, number>>>>): string {
  const cols = Object.keys(parts);
  const names: string[] = [];
  for (const c of cols) for (const k of Object.keys(parts[c]!)) if (!names.includes(k)) names.push(k);
  const rows = names.map((k) => [METRIC_LABELS[k] ?? k, ...cols.map((c) => (parts[c]![k] === undefined ? "-" : formatMetric(k, parts[c]![k]!)))]);
  return formatTable(["metric", ...cols], rows);
}
