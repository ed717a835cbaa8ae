/**
 * The results table of a search: one row per candidate setting with its per-fold scores, their mean and
 * standard deviation, fit times and rank (scikit-learn's `cv_results_`, as rows sorted best first), and a
 * plain-text rendering of it.
 */
import type { Params } from "./spaces.js";
import type { TrialOutcome } from "./trial.js";

/** One candidate's results. Times in seconds. */
export interface SearchResult {
  /** 1 = best; ties share the lower rank (scikit-learn's `rankdata(method="min")`); NaN means rank last. */
  rank: number;
  /** Index of the setting in the order the search generated them. */
  candidate: number;
  params: Params;
  /** Mean of `foldScores` (NaN if any is NaN, as NumPy). */
  meanScore: number;
  /** Population standard deviation of `foldScores` (NumPy's `std`, ddof 0). */
  stdScore: number;
  /** The held-out score of each fold, fold order. */
  foldScores: number[];
  meanFitTime: number;
  stdFitTime: number;
  fitTimes: number[];
  meanScoreTime: number;
  /** Trials of this setting that threw (their score is errorScore). */
  errors: { fold: number; message: string }[];
}

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: readonly number[]): number => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) * (b - m), 0) / v.length);
};

/**
 * Rows for `candidates` from the trial outcomes (`outcomes[candidate][fold]`, scores already replaced by
 * errorScore where a trial threw), sorted by rank and then by candidate index.
 */
export function buildResults(candidates: readonly Params[], outcomes: readonly (readonly TrialOutcome[])[]): SearchResult[] {
  const rows = candidates.map((params, c): SearchResult => {
    const o = outcomes[c]!;
    const foldScores = o.map((t) => t.score);
    const fitTimes = o.map((t) => t.fitTime);
    return {
      rank: 0, candidate: c, params, meanScore: mean(foldScores), stdScore: std(foldScores), foldScores,
      meanFitTime: mean(fitTimes), stdFitTime: std(fitTimes), fitTimes, meanScoreTime: mean(o.map((t) => t.scoreTime)),
      errors: o.filter((t) => t.error !== null).map((t) => ({ fold: t.fold, message: t.error! })),
    };
  });
  // NaN means rank below every number (scikit-learn 1.2 replaces them by min − 1 before ranking).
  const key = (r: SearchResult): number => (Number.isNaN(r.meanScore) ? -Infinity : r.meanScore);
  for (const r of rows) r.rank = 1 + rows.filter((s) => key(s) > key(r)).length;
  return rows.sort((a, b) => a.rank - b.rank || a.candidate - b.candidate);
}

/** A parameter value for the table: numbers to 4 significant digits, arrays and objects as JSON. */
export function formatParam(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (typeof v === "string") return v;
  if (v === undefined) return "";
  return JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isInteger(x) ? Number(x.toPrecision(4)) : x)) ?? String(v);
}

const fmtScore = (v: number): string => (Number.isNaN(v) ? "NaN" : v.toFixed(4));

/**
 * The rows as an aligned text table: rank, mean ± std of the score, mean fit time, then one column per
 * parameter (names sorted).
 * ```ts
 * console.log(formatResults(search.cvResults, { scoring: "accuracy" }));
 * // rank  accuracy         fit (s)  alpha   hiddenLayerSizes
 * //    1  0.9667 ± 0.0211     0.21  0.01    [10]
 * //    2  0.9600 ± 0.0249     0.19  0.0001  [10]
 * ```
 */
export function formatResults(rows: readonly SearchResult[], { scoring = "score", maxRows = Infinity }: { scoring?: string; maxRows?: number } = {}): string {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const shown = rows.slice(0, maxRows);
  const header = ["rank", scoring, "fit (s)", ...names];
  const body = shown.map((r) => [
    String(r.rank),
    `${fmtScore(r.meanScore)} ± ${fmtScore(r.stdScore)}${r.errors.length ? ` (${r.errors.length} failed)` : ""}`,
    r.meanFitTime.toFixed(2),
    ...names.map((n) => formatParam(r.params[n])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const right = new Set([0, 2]);
  const line = (cells: string[]): string => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const out = [line(header), ...body.map(line)];
  if (rows.length > shown.length) out.push(`... ${rows.length - shown.length} more`);
  return out.join("\n");
}
