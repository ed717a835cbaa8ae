/**
 * Training curves as a standalone SVG file (no script, no external font or stylesheet): one panel per
 * quantity — loss, then accuracy (classification) or R² (regression) — each with train and validation
 * series per epoch, axes with tick labels, grid lines, a legend, and a marker at the epoch whose weights
 * were kept. Open it in any browser or image viewer.
 *
 * ```ts
 * const svg = curvesSvg(history.history, { task: "classify", bestEpoch: 12, title: "digits" });
 * await writeFileAtomic("curves.svg", svg);
 * ```
 */

/** One line of a panel. */
export interface Series {
  label: string;
  /** One value per epoch (NaN breaks the line). */
  values: readonly number[];
  color: string;
  dashed?: boolean;
}

/** One chart: a title, a y-axis label and its series over the same epochs. */
export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  /** "linear", "log" (values must be > 0), or "auto": log when the positive values span more than 2 decades. */
  scale?: "linear" | "log" | "auto";
  /** Show y tick labels as percentages (values in [0, 1]). */
  percent?: boolean;
  /** Do not draw below this value (e.g. −1 for R², which can be very negative in the first epochs). */
  floor?: number;
  /** Do not draw above this value (e.g. 1 for accuracy). */
  ceiling?: number;
}

export interface ChartOptions {
  /** Title over all panels. */
  title?: string;
  /** The first epoch's number on the x axis (default 1). */
  firstEpoch?: number;
  /** The epoch index (0-based, relative to the series) to mark with a vertical line, e.g. the restored best. */
  marker?: { index: number; label: string };
  panelWidth?: number;
  panelHeight?: number;
}

const TRAIN = "#1f77b4";
const VAL = "#e8710a";

/**
 * The loss and accuracy (or R²) curves of a training History record (`{ loss, valLoss, accuracy, valAccuracy,
 * r2, valR2, ... }`). `bestEpoch` is an index into the series.
 */
export function curvesSvg(record: Readonly<Record<string, readonly number[] | undefined>>, { task, bestEpoch, title, firstEpoch = 1 }: {
  task: "classify" | "regress";
  bestEpoch?: number;
  title?: string;
  firstEpoch?: number;
}): string {
  const pair = (key: string, valKey: string): Series[] => [
    ...(record[key] ? [{ label: "train", values: record[key]!, color: TRAIN }] : []),
    ...(record[valKey] ? [{ label: "validation", values: record[valKey]!, color: VAL, dashed: true }] : []),
  ];
  const panels: Panel[] = [{ title: "Loss", yLabel: task === "classify" ? "cross-entropy" : "MSE (standardized target)", series: pair("loss", "valLoss"), scale: "auto" }];
  if (task === "classify" && record.accuracy) panels.push({ title: "Accuracy", yLabel: "accuracy", series: pair("accuracy", "valAccuracy"), percent: true, ceiling: 1 });
  if (task === "regress" && record.r2) panels.push({ title: "R²", yLabel: "R² (coefficient of determination)", series: pair("r2", "valR2"), floor: -1, ceiling: 1 });
  const marker = bestEpoch !== undefined && bestEpoch >= 0 ? { index: bestEpoch, label: `kept: epoch ${bestEpoch + firstEpoch}` } : undefined;
  return chartSvg(panels, { title, firstEpoch, marker });
}

/** Panels side by side in one SVG document. */
export function chartSvg(panels: readonly Panel[], { title, firstEpoch = 1, marker, panelWidth = 460, panelHeight = 320 }: ChartOptions = {}): string {
  const top = title ? 34 : 8;
  const width = panelWidth * panels.length;
  const height = panelHeight + top;
  const body = panels.map((p, i) => panelSvg(p, i * panelWidth, top, panelWidth, panelHeight, firstEpoch, marker)).join("\n");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    title ? `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>` : "",
    body,
    "</svg>",
    "",
  ].filter((l) => l !== "").join("\n");
}

function panelSvg(p: Panel, x0: number, y0: number, w: number, h: number, firstEpoch: number, marker: ChartOptions["marker"]): string {
  const m = { left: 62, right: 16, top: 28, bottom: 44 };
  const pw = w - m.left - m.right, ph = h - m.top - m.bottom;
  const n = Math.max(1, ...p.series.map((s) => s.values.length));
  const finite = p.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const positive = finite.filter((v) => v > 0);
  const log = p.scale === "log" || (p.scale === "auto" && positive.length === finite.length && positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 100);

  // y range and ticks
  let lo = finite.length ? Math.min(...finite) : 0, hi = finite.length ? Math.max(...finite) : 1;
  if (p.floor !== undefined) lo = Math.max(lo, p.floor);
  if (p.ceiling !== undefined) hi = Math.min(hi, p.ceiling);
  let ticks: number[], yMin: number, yMax: number;
  if (log) {
    yMin = 10 ** Math.floor(Math.log10(lo));
    yMax = 10 ** Math.ceil(Math.log10(hi));
    if (yMax === yMin) yMax *= 10;
    ticks = logTicks(yMin, yMax);
  } else {
    if (hi - lo < 1e-12) [lo, hi] = [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
    ticks = niceTicks(lo, hi, 5);
    yMin = Math.min(ticks[0]!, lo);
    yMax = Math.max(ticks[ticks.length - 1]!, hi);
    if (p.ceiling !== undefined) yMax = Math.min(yMax, p.ceiling);
    if (p.floor !== undefined) yMin = Math.max(yMin, p.floor);
    ticks = ticks.filter((t) => t >= yMin - 1e-12 && t <= yMax + 1e-12);
  }
  const ty = (v: number): number => {
    const c = Math.min(Math.max(v, yMin), yMax);
    const f = log ? (Math.log10(c) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) : (c - yMin) / (yMax - yMin);
    return y0 + m.top + ph * (1 - f);
  };
  const tx = (i: number): number => x0 + m.left + (n === 1 ? pw / 2 : (pw * i) / (n - 1));
  const f1 = (v: number): string => v.toFixed(1);

  const out: string[] = [`<g>`];
  out.push(`<text x="${f1(x0 + m.left + pw / 2)}" y="${f1(y0 + 16)}" text-anchor="middle" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
  // grid and y ticks
  for (const t of ticks) {
    const y = f1(ty(t));
    out.push(`<line x1="${f1(x0 + m.left)}" y1="${y}" x2="${f1(x0 + m.left + pw)}" y2="${y}" stroke="#e3e3e3" stroke-width="1"/>`);
    out.push(`<text x="${f1(x0 + m.left - 6)}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#333">${esc(tickLabel(t, p.percent ?? false, log))}</text>`);
  }
  // x ticks (epochs)
  const xTicks = niceTicks(firstEpoch, firstEpoch + n - 1, 6).filter((e) => Number.isInteger(e) && e >= firstEpoch && e <= firstEpoch + n - 1);
  for (const e of xTicks) {
    const x = f1(tx(e - firstEpoch));
    out.push(`<line x1="${x}" y1="${f1(y0 + m.top + ph)}" x2="${x}" y2="${f1(y0 + m.top + ph + 5)}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${f1(y0 + m.top + ph + 18)}" text-anchor="middle" fill="#333">${e}</text>`);
  }
  // axes
  out.push(`<line x1="${f1(x0 + m.left)}" y1="${f1(y0 + m.top)}" x2="${f1(x0 + m.left)}" y2="${f1(y0 + m.top + ph)}" stroke="#333"/>`);
  out.push(`<line x1="${f1(x0 + m.left)}" y1="${f1(y0 + m.top + ph)}" x2="${f1(x0 + m.left + pw)}" y2="${f1(y0 + m.top + ph)}" stroke="#333"/>`);
  out.push(`<text x="${f1(x0 + m.left + pw / 2)}" y="${f1(y0 + h - 8)}" text-anchor="middle" fill="#333">epoch</text>`);
  out.push(`<text transform="translate(${f1(x0 + 14)} ${f1(y0 + m.top + ph / 2)}) rotate(-90)" text-anchor="middle" fill="#333">${esc(p.yLabel + (log ? " (log scale)" : ""))}</text>`);
  // The legend goes where the curves are not: at the bottom when they end in the upper half (accuracy).
  const tail = p.series.flatMap((s) => s.values.slice(Math.floor(s.values.length * 0.6)).filter((v) => Number.isFinite(v) && (!log || v > 0)).map(ty));
  const legendLow = tail.length > 0 && tail.reduce((a, b) => a + b, 0) / tail.length < y0 + m.top + ph / 2;
  // the kept epoch
  if (marker && marker.index < n) {
    const x = f1(tx(marker.index));
    out.push(`<line x1="${x}" y1="${f1(y0 + m.top)}" x2="${x}" y2="${f1(y0 + m.top + ph)}" stroke="#888" stroke-width="1" stroke-dasharray="2 3"/>`);
    const right = tx(marker.index) > x0 + m.left + pw * 0.6;
    const ly = legendLow ? y0 + m.top + ph * 0.45 : y0 + m.top + ph - 6;
    out.push(`<text x="${f1(tx(marker.index) + (right ? -4 : 4))}" y="${f1(ly)}" text-anchor="${right ? "end" : "start"}" font-size="11" fill="#666">${esc(marker.label)}</text>`);
  }
  // series
  for (const s of p.series) {
    const segs: string[] = [];
    let pen = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v) || (log && v <= 0)) {
        pen = false;
        return;
      }
      segs.push(`${pen ? "L" : "M"}${f1(tx(i))} ${f1(ty(v))}`);
      pen = true;
    });
    if (segs.length === 0) continue;
    out.push(`<path d="${segs.join(" ")}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} stroke-linejoin="round"/>`);
    if (s.values.length === 1) out.push(`<circle cx="${f1(tx(0))}" cy="${f1(ty(s.values[0]!))}" r="3" fill="${s.color}"/>`);
  }
  // legend (on a white box, top right or bottom right)
  const lw = 104, lh = 8 + 18 * p.series.length;
  const lx = x0 + m.left + pw - lw - 6, ly = legendLow ? y0 + m.top + ph - lh - 6 : y0 + m.top + 6;
  out.push(`<rect x="${f1(lx)}" y="${f1(ly)}" width="${lw}" height="${lh}" fill="#ffffff" fill-opacity="0.9" stroke="#ccc"/>`);
  p.series.forEach((s, k) => {
    const y = ly + 14 + 18 * k;
    out.push(`<line x1="${f1(lx + 8)}" y1="${f1(y)}" x2="${f1(lx + 36)}" y2="${f1(y)}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    out.push(`<text x="${f1(lx + 42)}" y="${f1(y)}" dominant-baseline="middle" fill="#333">${esc(s.label)}</text>`);
  });
  out.push(`</g>`);
  return out.join("\n");
}

/**
 * About `count` round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k.
 * ```ts
 * niceTicks(0.03, 0.97, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * ```
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw)!;
  const start = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = start; t <= hi + step * 1e-9 + step; t += step) {
    ticks.push(Number(t.toPrecision(12)));
    if (t >= hi - step * 1e-9) break;
  }
  return ticks;
}

/** Ticks for a log axis: every power of ten, plus 2× and 5× when the axis spans fewer than 3 decades. */
export function logTicks(yMin: number, yMax: number): number[] {
  const a = Math.round(Math.log10(yMin)), b = Math.round(Math.log10(yMax));
  const ticks: number[] = [];
  for (let k = a; k <= b; k++) {
    ticks.push(Number((10 ** k).toPrecision(6)));
    if (b - a < 3 && k < b) ticks.push(Number((2 * 10 ** k).toPrecision(6)), Number((5 * 10 ** k).toPrecision(6)));
  }
  return ticks;
}

function tickLabel(v: number, percent: boolean, log: boolean): string {
  if (percent) return `${Number((v * 100).toPrecision(6))}%`;
  if (log) return Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(0) : String(v);
  return String(Number(v.toPrecision(6)));
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
