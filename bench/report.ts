/**
 * The benchmark report: gathers the children's results into one record per workload and system, computes
 * the ratios pair by pair within the run (nabla-wasm ÷ TF.js-wasm, nabla-wasm ÷ PyTorch at its best thread
 * count, nabla-ts ÷ TF.js-cpu, …), checks issue 5's targets, and renders Markdown tables. Pure functions of
 * the collected results, so tests can feed them made-up numbers.
 */
import type { Summary } from "./lib/stats.js";

/** Systems as they appear in the report; nabla-wasm and PyTorch appear once per thread count. */
export type ReportSystem = "nabla-wasm-1t" | "nabla-wasm-2t" | "nabla-ts" | "tfjs-wasm" | "tfjs-cpu" | "pytorch-1t" | "pytorch-2t";
export const REPORT_SYSTEMS: ReportSystem[] = ["nabla-wasm-1t", "nabla-wasm-2t", "tfjs-wasm", "pytorch-1t", "pytorch-2t", "nabla-ts", "tfjs-cpu"];

export interface W1Entry { shape: string; system: ReportSystem; threads: number; gflops: Summary }
export interface W2Entry {
  system: ReportSystem; threads: number; epochs: number; stepsPerEpoch: number; samplesPerEpoch: number;
  epoch1Seconds: number; epochStats: Summary; samplesPerSecond: number; testAccuracy: number; finalLoss: number;
  /** Peak RSS of the process right after W2 (MiB), and at its exit as /usr/bin/time -v saw it (MiB). */
  rssAfterW2MiB: number | null; peakRssMiB: number | null;
}
export interface W3Entry { system: ReportSystem; threads: number; passes: number; warmup: number; imagesPerSecond: Summary }
export interface W4Entry { system: ReportSystem; threads: number; steps: number; runs: number; usPerStep: Summary; finalLoss: number; trainAccuracy: number }

export interface Collected {
  W1: W1Entry[];
  W2: W2Entry[];
  W3: W3Entry[];
  W4: W4Entry[];
}

export interface Ratio { name: string; value: number; meaning: string }
export interface Target { name: string; goal: string; measured: string; met: boolean | null; note?: string }

/** The best of a system family's thread counts for a figure (higher is better unless `lower`). */
function bestOf<T extends { system: ReportSystem }>(family: "pytorch" | "nabla-wasm", entries: T[], value: (e: T) => number, lower = false): T | undefined {
  const t = entries.filter((e) => e.system.startsWith(family));
  if (t.length === 0) return undefined;
  return t.reduce((a, b) => ((lower ? value(b) < value(a) : value(b) > value(a)) ? b : a));
}

function pairRatios<T extends { system: ReportSystem }>(entries: T[], value: (e: T) => number, unit: string, lower = false): Ratio[] {
  const get = (s: ReportSystem) => entries.find((e) => e.system === s);
  const out: Ratio[] = [];
  const add = (x: T | undefined, xLabel: string, b: T | undefined, label: string) => {
    if (!x || !b) return;
    const v = value(x) / value(b);
    out.push({ name: `${xLabel} ÷ ${label}`, value: v, meaning: lower ? `time ratio (${unit}); < 1 means ${xLabel} is faster` : `speed ratio (${unit}); > 1 means ${xLabel} is faster` });
  };
  const nb = bestOf("nabla-wasm", entries, value, lower), pb = bestOf("pytorch", entries, value, lower);
  const nbLabel = nb ? `nabla-wasm best (${nb.system.replace("nabla-wasm-", "")})` : "";
  add(nb, nbLabel, get("tfjs-wasm"), "tfjs-wasm");
  add(get("nabla-wasm-1t"), "nabla-wasm-1t", get("tfjs-wasm"), "tfjs-wasm");
  if (pb) add(nb, nbLabel, pb, `PyTorch best (${pb.system.replace("pytorch-", "")})`);
  add(get("nabla-wasm-1t"), "nabla-wasm-1t", get("pytorch-1t"), "pytorch-1t");
  add(get("nabla-ts"), "nabla-ts", get("tfjs-cpu"), "tfjs-cpu");
  add(nb, nbLabel, get("nabla-ts"), "nabla-ts");
  add(get("tfjs-wasm"), "tfjs-wasm", get("tfjs-cpu"), "tfjs-cpu");
  return out;
}

export function w1Ratios(c: Collected): Record<string, Ratio[]> {
  const shapes = [...new Set(c.W1.map((e) => e.shape))];
  return Object.fromEntries(shapes.map((s) => [s, pairRatios(c.W1.filter((e) => e.shape === s), (e) => e.gflops.median, "GFLOP/s")]));
}
export const w2Ratios = (c: Collected): Ratio[] => pairRatios(c.W2, (e) => e.samplesPerSecond, "samples/s");
export const w3Ratios = (c: Collected): Ratio[] => pairRatios(c.W3, (e) => e.imagesPerSecond.median, "images/s");
export const w4Ratios = (c: Collected): Ratio[] => pairRatios(c.W4, (e) => e.usPerStep.median, "µs/step", true);

/** Issue 5's targets, each met (true), missed (false) or not measurable in this run (null). */
export function targets(c: Collected): Target[] {
  const out: Target[] = [];
  const x = (v: number) => `${v.toFixed(2)}×`;
  const w1 = (s: ReportSystem) => c.W1.find((e) => e.shape === "1024x1024x1024" && e.system === s);
  const nw = w1("nabla-wasm-1t"), nw2 = w1("nabla-wasm-2t"), tw = w1("tfjs-wasm");
  out.push(nw && tw
    ? { name: "W1 1024³, one thread", goal: "≥ 1.6× TF.js-wasm", measured: `${nw.gflops.median.toFixed(1)} vs ${tw.gflops.median.toFixed(1)} GFLOP/s = ${x(nw.gflops.median / tw.gflops.median)}`, met: nw.gflops.median / tw.gflops.median >= 1.6 }
    : { name: "W1 1024³, one thread", goal: "≥ 1.6× TF.js-wasm", measured: "not run", met: null });
  out.push(nw2
    ? { name: "W1 1024³, two threads", goal: "≥ 85 GFLOP/s", measured: `${nw2.gflops.median.toFixed(1)} GFLOP/s`, met: nw2.gflops.median >= 85 }
    : { name: "W1 1024³, two threads", goal: "≥ 85 GFLOP/s", measured: "not run", met: null });
  const w2 = (s: ReportSystem) => c.W2.find((e) => e.system === s);
  const n2 = bestOf("nabla-wasm", c.W2, (e) => e.samplesPerSecond), t2 = w2("tfjs-wasm"), p2 = bestOf("pytorch", c.W2, (e) => e.samplesPerSecond);
  out.push(n2 && t2
    ? { name: "W2 training vs TF.js-wasm", goal: "≥ 20×", measured: `${Math.round(n2.samplesPerSecond)} (${n2.system}) vs ${Math.round(t2.samplesPerSecond)} samples/s = ${x(n2.samplesPerSecond / t2.samplesPerSecond)}`, met: n2.samplesPerSecond / t2.samplesPerSecond >= 20 }
    : { name: "W2 training vs TF.js-wasm", goal: "≥ 20×", measured: "not run", met: null });
  out.push(n2 && p2
    ? { name: "W2 training vs PyTorch best", goal: "≥ 1.0×", measured: `${Math.round(n2.samplesPerSecond)} (${n2.system}) vs ${Math.round(p2.samplesPerSecond)} samples/s (${p2.system}) = ${x(n2.samplesPerSecond / p2.samplesPerSecond)}`, met: n2.samplesPerSecond / p2.samplesPerSecond >= 1 }
    : { name: "W2 training vs PyTorch best", goal: "≥ 1.0×", measured: "not run", met: null });
  out.push(n2 && n2.epochs >= 5
    ? { name: "W2 test accuracy after 5 epochs", goal: "≥ 87.5%", measured: `${(100 * n2.testAccuracy).toFixed(2)}% (${n2.system})`, met: n2.testAccuracy >= 0.875 }
    : { name: "W2 test accuracy after 5 epochs", goal: "≥ 87.5%", measured: n2 ? `${n2.epochs} epoch(s) only` : "not run", met: null });
  const rss = n2 ? (n2.peakRssMiB ?? n2.rssAfterW2MiB) : null;
  out.push(n2 && rss !== null
    ? { name: "W2 peak RSS", goal: "≤ 340 MB", measured: `${rss.toFixed(0)} MiB = ${(rss * 1.048576).toFixed(0)} MB (${n2.system})`, met: rss * 1.048576 <= 340 }
    : { name: "W2 peak RSS", goal: "≤ 340 MB", measured: "not run", met: null });
  const n3 = bestOf("nabla-wasm", c.W3, (e) => e.imagesPerSecond.median), p3 = bestOf("pytorch", c.W3, (e) => e.imagesPerSecond.median);
  out.push(n3 && p3
    ? { name: "W3 inference vs PyTorch best", goal: "≥ 1.0×", measured: `${Math.round(n3.imagesPerSecond.median)} (${n3.system}) vs ${Math.round(p3.imagesPerSecond.median)} images/s (${p3.system}) = ${x(n3.imagesPerSecond.median / p3.imagesPerSecond.median)}`, met: n3.imagesPerSecond.median >= p3.imagesPerSecond.median }
    : { name: "W3 inference vs PyTorch best", goal: "≥ 1.0×", measured: "not run", met: null });
  const n4 = bestOf("nabla-wasm", c.W4, (e) => e.usPerStep.median, true), p4 = bestOf("pytorch", c.W4, (e) => e.usPerStep.median, true);
  out.push(n4 && p4
    ? { name: "W4 time per step vs PyTorch best", goal: "≤ 0.5×", measured: `${n4.usPerStep.median.toFixed(0)} (${n4.system}) vs ${p4.usPerStep.median.toFixed(0)} µs/step (${p4.system}) = ${x(n4.usPerStep.median / p4.usPerStep.median)}`, met: n4.usPerStep.median / p4.usPerStep.median <= 0.5 }
    : { name: "W4 time per step vs PyTorch best", goal: "≤ 0.5×", measured: "not run", met: null });
  return out;
}

// ----------------------------------------------------------------------------------------------- Markdown

const f = (v: number, d = 1): string => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(d));
const mmm = (s: Summary, d = 1): string => `${f(s.min, d)} / **${f(s.median, d)}** / ${f(s.max, d)}`;
const order = <T extends { system: ReportSystem }>(xs: T[]): T[] => [...xs].sort((a, b) => REPORT_SYSTEMS.indexOf(a.system) - REPORT_SYSTEMS.indexOf(b.system));
const ratioLines = (rs: Ratio[]): string => rs.map((r) => `- ${r.name}: **${r.value.toFixed(2)}×** (${r.meaning})`).join("\n");

export function renderMarkdown(c: Collected, info: { quick: boolean }): string {
  const out: string[] = [];
  if (c.W1.length) {
    out.push("### W1 — sgemm, GFLOP/s (min / **median** / max)\n");
    const shapes = [...new Set(c.W1.map((e) => e.shape))];
    const systems = REPORT_SYSTEMS.filter((s) => c.W1.some((e) => e.system === s));
    out.push(`| shape (m×k×n) | ${systems.join(" | ")} |`, `|---|${systems.map(() => "---").join("|")}|`);
    for (const sh of shapes) {
      out.push(`| ${sh} | ${systems.map((s) => { const e = c.W1.find((x) => x.shape === sh && x.system === s); return e ? mmm(e.gflops) : "—"; }).join(" | ")} |`);
    }
    out.push("");
    for (const [sh, rs] of Object.entries(w1Ratios(c))) if (rs.length) out.push(`- ${sh}: ${rs.map((r) => `${r.name} ${r.value.toFixed(2)}×`).join("; ")}`);
    out.push("");
  }
  if (c.W2.length) {
    out.push("### W2 — Fashion-MNIST MLP training\n");
    out.push("| system | threads | epochs | epoch 1 (s) | epoch time min / **median** / max (s) | samples/s (median) | test accuracy | peak RSS after W2 / process (MiB) |", "|---|---|---|---|---|---|---|---|");
    for (const e of order(c.W2)) {
      const rss = `${e.rssAfterW2MiB !== null ? e.rssAfterW2MiB.toFixed(0) : "—"} / ${e.peakRssMiB !== null ? e.peakRssMiB.toFixed(0) : "—"}`;
      const steps = e.stepsPerEpoch !== 469 ? ` (${e.stepsPerEpoch} steps)` : "";
      out.push(`| ${e.system} | ${e.threads} | ${e.epochs}${steps} | ${e.epoch1Seconds.toFixed(2)} | ${mmm(e.epochStats, 2)} | ${f(e.samplesPerSecond, 0)} | ${(100 * e.testAccuracy).toFixed(2)}% | ${rss} |`);
    }
    out.push("", ratioLines(w2Ratios(c)), "");
  }
  if (c.W3.length) {
    out.push("### W3 — inference, 10 batches of 1,000 test images, images/s (min / **median** / max)\n");
    out.push("| system | threads | passes (warm-up + timed) | images/s |", "|---|---|---|---|");
    for (const e of order(c.W3)) out.push(`| ${e.system} | ${e.threads} | ${e.warmup} + ${e.passes} | ${mmm(e.imagesPerSecond, 0)} |`);
    out.push("", ratioLines(w3Ratios(c)), "");
  }
  if (c.W4.length) {
    out.push("### W4 — two-moons 2-16-16-1 MLP, full-batch SGD, µs per step (min / **median** / max)\n");
    out.push("| system | threads | steps × trainings | µs/step | final loss | training accuracy |", "|---|---|---|---|---|---|");
    for (const e of order(c.W4)) out.push(`| ${e.system} | ${e.threads} | ${e.steps} × ${e.runs} | ${mmm(e.usPerStep, 0)} | ${e.finalLoss.toFixed(4)} | ${(100 * e.trainAccuracy).toFixed(1)}% |`);
    out.push("", ratioLines(w4Ratios(c)), "");
  }
  const ts = targets(c);
  out.push(`### Issue 5 targets${info.quick ? " (a --quick run: indicative only)" : ""}\n`, "| target | goal | measured | met |", "|---|---|---|---|");
  for (const t of ts) out.push(`| ${t.name} | ${t.goal} | ${t.measured}${t.note ? ` (${t.note})` : ""} | ${t.met === null ? "—" : t.met ? "yes" : "**no**"} |`);
  return out.join("\n") + "\n";
}
