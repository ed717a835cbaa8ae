/**
 * Profiles one benchmark child with V8's sampling profiler and prints where its time goes: WebAssembly
 * kernels vs the backend's TypeScript glue vs autograd/ops bookkeeping vs garbage collection (see
 * profile-summary.ts for the categories). Runs the child through tsx so that the profile names the source
 * files (a bundle would name its chunks).
 *
 *   npx tsx bench/profile.ts --system nabla-wasm --workloads W4 --w4-steps 2000 --w4-runs 2
 *   npx tsx bench/profile.ts --system nabla-wasm --workloads W2 --epochs 1 --steps 300 [--top 40] [--keep dir]
 *
 * Every argument except --top and --keep is passed to bench/child.ts. The .cpuprofile files are deleted
 * unless --keep names a folder for them (they open in Chrome DevTools' Performance panel).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { summarizeProfile } from "./profile-summary.js";

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const take = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const top = Number(take("top") ?? 30);
const keep = take("keep");
const dir = mkdtempSync(join(tmpdir(), "nabla-prof-"));
const r = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--import", "tsx", join(here, "child.ts"), ...argv], { stdio: ["ignore", "pipe", "inherit"] });
if (r.status !== 0) {
  console.error(`profile: the child exited with code ${r.status}`);
  process.exit(1);
}
// The main thread's profile is the largest (tsx's loader thread writes a small one).
const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size);
const s = summarizeProfile(JSON.parse(readFileSync(files[0]!, "utf8")), top);
const result = r.stdout.toString().trim().split("\n").pop() ?? "";
console.log(`child result: ${result.slice(0, 300)}${result.length > 300 ? "…" : ""}`);
console.log(`\nsampled (non-idle) time: ${s.totalMs.toFixed(0)} ms`);
for (const c of s.categories) console.log(`  ${(100 * c.share).toFixed(1).padStart(5)}%  ${c.ms.toFixed(0).padStart(7)} ms  ${c.name}`);
console.log("top functions by self time:");
for (const t of s.top) console.log(`  ${(100 * t.share).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(7)} ms  ${t.fn}  ${t.where}  [${t.category}]`);
if (keep) cpSync(dir, keep, { recursive: true });
rmSync(dir, { recursive: true, force: true });
