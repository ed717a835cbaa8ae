/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function (name, file:line) and
 * totals per category — WebAssembly kernels, garbage collection, the wasm backend's TS glue, autograd,
 * ops (shape rules, dispatch), nn/optim, data, and the rest — so a benchmark's time can be split into
 * kernel time vs dispatch/bookkeeping vs allocation/GC.
 *
 * Usage: `npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 30] [--json]`
 */
import { readFileSync } from "node:fs";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** The category of a call frame, by file and name. */
export function category(fn: string, url: string): string {
  if (fn === "(garbage collector)") return "gc";
  if (fn === "(idle)" || fn === "(program)" || fn === "(root)") return fn.slice(1, -1);
  if (url.startsWith("wasm://") || /^\$?(wasm-function|\$)/.test(fn) || url === "" && /^[a-z_]+\d*$/i.test(fn) && false) return "wasm kernels";
  if (url.includes("/backend/wasm/")) return "wasm backend (TS glue, allocator, reclaim)";
  if (url.includes("/backend/ts/")) return "ts backend kernels";
  if (url.includes("/backend/")) return "backend registry";
  if (url.includes("/autograd/")) return "autograd";
  if (url.includes("/src/ops/") || url.endsWith("/src/shape.ts") || url.endsWith("/src/dtype.ts")) return "ops (shape rules, dispatch)";
  if (url.endsWith("/src/tensor.ts")) return "tensor (method sugar, views)";
  if (url.includes("/src/nn/") || url.includes("/src/optim/")) return "nn / optim";
  if (url.includes("/src/data/") || url.endsWith("/src/random.ts")) return "data / random";
  if (url.includes("tfjs-backend-wasm")) return "tfjs wasm glue";
  if (url.includes("@tensorflow")) return "tfjs";
  if (url.startsWith("node:") || url === "") return "node / v8 builtins";
  return "other";
}

export interface ProfileSummary {
  totalMs: number;
  categories: { name: string; ms: number; share: number }[];
  top: { fn: string; where: string; category: string; ms: number; share: number }[];
}

export function summarizeProfile(p: Profile, topN = 30): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const fns = new Map<string, { fn: string; where: string; category: string; us: number }>();
  const cats = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const fn = functionName || "(anonymous)";
    const cat = category(fn, url);
    if (cat === "idle") continue;
    total += us;
    cats.set(cat, (cats.get(cat) ?? 0) + us);
    const where = url ? `${url.replace(/^.*\/(src|bench|node_modules)\//, "$1/")}:${lineNumber + 1}` : "";
    const key = `${fn}@${where}`;
    const e = fns.get(key) ?? { fn, where, category: cat, us: 0 };
    e.us += us;
    fns.set(key, e);
  }
  return {
    totalMs: total / 1000,
    categories: [...cats].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, share: us / total })),
    top: [...fns.values()].sort((a, b) => b.us - a.us).slice(0, topN).map((e) => ({ fn: e.fn, where: e.where, category: e.category, ms: e.us / 1000, share: e.us / total })),
  };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("profile-summary.ts")) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 30] [--json]");
    process.exit(2);
  }
  const ti = process.argv.indexOf("--top");
  const s = summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as Profile, ti > 0 ? Number(process.argv[ti + 1]) : 30);
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(s));
  } else {
    console.log(`total sampled (non-idle): ${s.totalMs.toFixed(0)} ms`);
    for (const c of s.categories) console.log(`  ${(100 * c.share).toFixed(1).padStart(5)}%  ${c.ms.toFixed(0).padStart(7)} ms  ${c.name}`);
    console.log("top functions by self time:");
    for (const t of s.top) console.log(`  ${(100 * t.share).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(7)} ms  ${t.fn}  ${t.where}  [${t.category}]`);
  }
}
