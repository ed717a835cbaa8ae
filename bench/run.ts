/**
 * `npm run bench`: the whole benchmark suite (W1–W4 of ../shared/WORKLOADS.md) for nabla (wasm and ts
 * backends), TF.js 4.22 (wasm and cpu backends) and PyTorch CPU (bench/torch_bench.py, when
 * `/usr/bin/python3 -c "import torch"` works); nabla-wasm and PyTorch at 1 and 2 threads. Each system and
 * workload runs in a child process of its own
 * (clean memory, its own peak RSS, no shared heap or JIT), run one after another under `/usr/bin/time -v`.
 * Ratios are computed pair by pair within the run; the load average is recorded around every child
 * because the machine is shared.
 *
 *   npm run bench                      # everything (≈ 10–15 min on the 2-core machine)
 *   npm run bench -- --quick           # smoke run (≈ 1–2 min): small W1, 200 W2 steps, 1 W3 pass, short W4
 *   npm run bench -- --json            # one JSON object on stdout (progress stays on stderr)
 *   npm run bench -- --only W2,W4 --systems nabla-wasm,tfjs-wasm,pytorch
 *   npm run bench -- --no-ts           # skip the nabla "ts" backend (slow reference)
 *   npm run bench -- --quick --torch   # include PyTorch in a quick run; --no-torch drops it from a full one
 *   npm run bench -- --full-slow       # 5 W2 epochs also for nabla-ts, TF.js-cpu and PyTorch on 2 threads (default 1)
 *   npm run bench -- --save bench/results/run.json   # also write the JSON to a file
 *
 * Children run on plain `node` from an esbuild bundle (bench/lib/bundle.ts); where esbuild is missing they
 * run through tsx (which adds ≈ 36 MB to every RSS figure; the report says so).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildResult } from "./child.js";
import { fashionMnistDir } from "./lib/fashion.js";
import type { Summary } from "./lib/stats.js";
import { renderMarkdown, targets, w1Ratios, w2Ratios, w3Ratios, w4Ratios, type Collected, type ReportSystem } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const argv = process.argv.slice(2);
const flag = (n: string): boolean => argv.includes(`--${n}`);
const opt = (n: string): string | undefined => { const i = argv.indexOf(`--${n}`); return i >= 0 ? argv[i + 1] : undefined; };

const QUICK = flag("quick");
const JSON_OUT = flag("json");
const ONLY = new Set((opt("only") ?? "W1,W2,W3,W4").toUpperCase().split(","));
const ALL_SYSTEMS = ["nabla-wasm", "tfjs-wasm", "pytorch", "nabla-ts", "tfjs-cpu"] as const;
type System = (typeof ALL_SYSTEMS)[number];
let SYSTEMS = new Set<System>((opt("systems")?.split(",") as System[] | undefined) ?? ALL_SYSTEMS);
if (flag("no-ts")) SYSTEMS.delete("nabla-ts");
if (QUICK && !flag("torch") && !opt("systems")?.includes("pytorch")) SYSTEMS.delete("pytorch");
if (flag("no-torch")) SYSTEMS.delete("pytorch");
for (const s of SYSTEMS) if (!ALL_SYSTEMS.includes(s)) throw new Error(`bench: unknown system "${s}"; systems are ${ALL_SYSTEMS.join(", ")}.`);
for (const w of ONLY) if (!["W1", "W2", "W3", "W4"].includes(w)) throw new Error(`bench: unknown workload "${w}"; workloads are W1, W2, W3, W4.`);
const SLOW = new Set<System>(["nabla-ts", "tfjs-cpu"]);

const log = (msg: string): void => { process.stderr.write(msg + "\n"); };
const notes: string[] = [];

// ------------------------------------------------------------------------------------------- parameters

/** Per-system workload parameters: the full definitions, or the --quick smoke sizes. */
function params(system: System): { epochs: number; steps?: number; w3Warmup: number; w3Runs: number; w4Steps: number; w4Runs: number } {
  const slow = SLOW.has(system);
  if (QUICK) return { epochs: 1, steps: slow ? 30 : 200, w3Warmup: 0, w3Runs: 1, w4Steps: 200, w4Runs: 2 };
  return {
    epochs: slow && !flag("full-slow") ? 1 : 5,
    w3Warmup: slow ? 1 : 2,
    w3Runs: slow ? 3 : 10,
    w4Steps: 2000,
    w4Runs: 5,
  };
}

// ------------------------------------------------------------------------------------------------- jobs

interface Job { label: string; system: System | "w1"; kind: "node" | "torch"; args: string[]; threads?: number }
/** nabla-wasm and PyTorch are measured at 1 and 2 threads (WORKLOADS.md's 2-core machine). */
const THREAD_COUNTS = [1, 2];
interface Done { job: Job; out: unknown; timeRssKb: number | null; seconds: number; load: [number, number] }

const torchOk = SYSTEMS.has("pytorch") && spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;
if (SYSTEMS.has("pytorch") && !torchOk) {
  notes.push('PyTorch skipped: `/usr/bin/python3 -c "import torch"` failed (install Debian\'s python3-torch).');
  SYSTEMS.delete("pytorch");
}
const timeOk = existsSync("/usr/bin/time");
if (!timeOk) notes.push("/usr/bin/time is missing: peak RSS is the process's own getrusage figure only.");

function plan(): Job[] {
  const jobs: Job[] = [];
  const node = (s: Exclude<System, "pytorch">, workloads: string[], threads = 1): Job => {
    const p = params(s);
    const a = ["--system", s, "--threads", String(threads), "--workloads", workloads.join(",")];
    if (workloads.includes("W2") || workloads.includes("W3")) {
      a.push("--epochs", String(p.epochs), "--w3-warmup", String(p.w3Warmup), "--w3-runs", String(p.w3Runs));
      if (p.steps !== undefined) a.push("--steps", String(p.steps));
    }
    if (workloads.includes("W4")) a.push("--w4-steps", String(p.w4Steps), "--w4-runs", String(p.w4Runs));
    return { label: `${workloads.join("+")} ${s}${s === "nabla-wasm" ? ` (${threads} thread${threads > 1 ? "s" : ""})` : ""}`, system: s, kind: "node", args: a, threads };
  };
  const nodeJobs = (s: Exclude<System, "pytorch">, workloads: string[]): Job[] =>
    s === "nabla-wasm" ? THREAD_COUNTS.map((t) => node(s, workloads, t)) : [node(s, workloads)];
  const torch = (workloads: string[], threads: number[], epochs?: number): Job => {
    const p = params("pytorch");
    const a = ["--json", "--only", workloads.join(","), "--threads", threads.join(","), "--epochs", String(epochs ?? p.epochs),
      "--w3-runs", String(p.w3Runs), "--w4-steps", String(p.w4Steps), "--w4-runs", String(p.w4Runs)];
    if (QUICK) a.push("--quick");
    if (p.steps !== undefined) a.push("--steps", String(p.steps));
    return { label: `${workloads.join("+")} pytorch (${threads.join(",")} thread${threads.length > 1 || threads[0]! > 1 ? "s" : ""})`, system: "pytorch", kind: "torch", args: a, ...(threads.length === 1 ? { threads: threads[0]! } : {}) };
  };
  const nodeSystems = ALL_SYSTEMS.filter((s): s is Exclude<System, "pytorch"> => s !== "pytorch" && SYSTEMS.has(s));
  if (ONLY.has("W1")) {
    const w1Systems = nodeSystems.flatMap((s) => (s === "nabla-wasm" ? THREAD_COUNTS.map((t) => `nabla-wasm-${t}t`) : [s]));
    if (nodeSystems.length) jobs.push({ label: "W1 nabla/TF.js (systems take turns)", system: "w1", kind: "node", args: ["--system", "w1", "--w1-systems", w1Systems.join(","), ...(QUICK ? ["--quick"] : [])] });
    if (SYSTEMS.has("pytorch")) jobs.push(torch(["W1"], [1, 2]));
  }
  if (ONLY.has("W4")) {
    for (const s of ALL_SYSTEMS) {
      if (!SYSTEMS.has(s)) continue;
      jobs.push(...(s === "pytorch" ? [torch(["W4"], THREAD_COUNTS)] : nodeJobs(s, ["W4"])));
    }
  }
  const w23 = ["W2", "W3"].filter((w) => ONLY.has(w));
  if (w23.length) {
    for (const s of ALL_SYSTEMS) {
      if (!SYSTEMS.has(s)) continue;
      // PyTorch on 2 threads oversubscribes the 2 cores (its OpenMP threads spin against OpenBLAS's) and
      // trains 4–40× slower than on 1; one epoch shows that, unless --full-slow asks for five.
      if (s === "pytorch") jobs.push(torch(w23, [1]), torch(w23, [2], QUICK || flag("full-slow") ? undefined : 1));
      else jobs.push(...nodeJobs(s, w23));
    }
  }
  return jobs;
}

/** Runs one job under /usr/bin/time -v; resolves with its parsed JSON and the process's peak RSS. */
function execute(job: Job, childEntry: { cmd: string; pre: string[] }): Promise<Done> {
  const rssFile = join(tmpdir(), `nabla-bench-rss-${process.pid}-${Date.now()}.txt`);
  const [cmd, pre] = job.kind === "torch" ? ["/usr/bin/python3", [join(here, "torch_bench.py")]] : [childEntry.cmd, childEntry.pre];
  const full = timeOk ? ["/usr/bin/time", ["-v", "-o", rssFile, cmd, ...pre, ...job.args]] as const : [cmd, [...pre, ...job.args]] as const;
  const load0 = loadavg()[0]!;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(full[0], [...full[1]], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { process.stderr.write(d.toString()); });
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = (performance.now() - t0) / 1000;
      let timeRssKb: number | null = null;
      if (timeOk && existsSync(rssFile)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(rssFile, "utf8"));
        timeRssKb = m ? Number(m[1]) : null;
        rmSync(rssFile, { force: true });
      }
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`bench: "${job.label}" exited with code ${code}; last output: ${line.slice(0, 500)}`));
        return;
      }
      resolve({ job, out: JSON.parse(line), timeRssKb, seconds, load: [load0, loadavg()[0]!] });
    });
  });
}

// ------------------------------------------------------------------------------------------ collecting

interface TorchOut {
  version: string;
  threads: Record<string, {
    W1?: Record<string, { min: number; median: number; max: number; runs: number }>;
    W2?: { epoch1_s: number; epoch_s: { min: number; median: number; max: number }; epoch_times: number[]; samples_per_s: number; test_accuracy: number; epochs: number; steps_per_epoch: number; samples_per_epoch: number; final_loss: number; peak_rss_kb: number };
    W3?: { images_per_s: { min: number; median: number; max: number; runs: number }; passes: number; warmup: number };
    W4?: { us_per_step: { min: number; median: number; max: number; runs: number }; final_loss: number; train_accuracy: number; steps: number };
  }>;
}

const pySummary = (s: { min: number; median: number; max: number }, runs: number[] = []): Summary => ({ min: s.min, median: s.median, max: s.max, runs });
const mib = (kb: number | null | undefined): number | null => (kb === null || kb === undefined ? null : kb / 1024);

function collect(done: Done[]): { c: Collected; versions: Record<string, string>; memory: Record<string, unknown> } {
  const c: Collected = { W1: [], W2: [], W3: [], W4: [] };
  const memory: Record<string, unknown> = {};
  const versions: Record<string, string> = {};
  for (const d of done) {
    if (d.job.kind === "torch") {
      const o = d.out as TorchOut;
      versions.pytorch = o.version;
      for (const [th, r] of Object.entries(o.threads)) {
        const system = `pytorch-${th}t` as ReportSystem;
        const threads = Number(th);
        for (const [shape, s] of Object.entries(r.W1 ?? {})) c.W1.push({ shape, system, threads, gflops: pySummary(s) });
        if (r.W2) {
          c.W2.push({
            system, threads, epochs: r.W2.epochs, stepsPerEpoch: r.W2.steps_per_epoch, samplesPerEpoch: r.W2.samples_per_epoch,
            epoch1Seconds: r.W2.epoch1_s, epochStats: pySummary(r.W2.epoch_s, r.W2.epoch_times), samplesPerSecond: r.W2.samples_per_s,
            testAccuracy: r.W2.test_accuracy, finalLoss: r.W2.final_loss, rssAfterW2MiB: mib(r.W2.peak_rss_kb), peakRssMiB: mib(d.timeRssKb),
          });
        }
        if (r.W3) c.W3.push({ system, threads, passes: r.W3.passes, warmup: r.W3.warmup, imagesPerSecond: pySummary(r.W3.images_per_s) });
        if (r.W4) c.W4.push({ system, threads, steps: r.W4.steps, runs: r.W4.us_per_step.runs, usPerStep: pySummary(r.W4.us_per_step), finalLoss: r.W4.final_loss, trainAccuracy: r.W4.train_accuracy });
      }
      continue;
    }
    const o = d.out as ChildResult;
    if (o.tfjs) versions.tfjs = o.tfjs;
    notes.push(...o.notes.map((n) => `${o.system}: ${n}`));
    if (o.W1) {
      const w1 = o.W1 as { rows: { shape: string; system: ReportSystem; gflops: Summary }[]; threads: Record<string, number>; versions: { tfjs: string } };
      versions.tfjs = w1.versions.tfjs;
      for (const r of w1.rows) c.W1.push({ shape: r.shape, system: r.system, threads: w1.threads[r.system] ?? 1, gflops: r.gflops });
    }
    const system = o.system as ReportSystem;
    if (o.memoryAfterW2) {
      memory[system] = { ...o.memoryAfterW2, ...(o.wasmHeapAfterW2 ? { wasmMemory: o.wasmHeapAfterW2 } : {}) };
      const w = o.wasmHeapAfterW2;
      notes.push(`${system} memory right after W2 (MiB): RSS ${o.memoryAfterW2.rss}, JS heap ${o.memoryAfterW2.heapUsed}, ArrayBuffers ${o.memoryAfterW2.arrayBuffers}` +
        (w ? `, WebAssembly memory ${w.memoryMiB.toFixed(0)} (live blocks ${w.liveMiB.toFixed(0)}, free blocks ${w.freeMiB.toFixed(0)})` : "") + ".");
    }
    if (o.W2) {
      const w = o.W2;
      c.W2.push({
        system, threads: o.threads, epochs: w.epochs, stepsPerEpoch: w.stepsPerEpoch, samplesPerEpoch: w.samplesPerEpoch,
        epoch1Seconds: w.epoch1Seconds, epochStats: w.epochStats, samplesPerSecond: w.samplesPerSecond, testAccuracy: w.testAccuracy,
        finalLoss: w.finalLoss, rssAfterW2MiB: mib(o.rssAfterW2Kb), peakRssMiB: mib(d.timeRssKb),
      });
    }
    if (o.W3) c.W3.push({ system, threads: o.threads, passes: o.W3.passes, warmup: o.W3.warmup, imagesPerSecond: o.W3.imagesPerSecond });
    if (o.W4) c.W4.push({ system, threads: o.threads, steps: o.W4.steps, runs: o.W4.runs, usPerStep: o.W4.usPerStep, finalLoss: o.W4.finalLoss, trainAccuracy: o.W4.trainAccuracy });
  }
  return { c, versions, memory };
}

// ------------------------------------------------------------------------------------------------ main

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1]!.trim();
  } catch { /* not Linux */ }
  return cpus()[0]?.model ?? "unknown";
}

async function main(): Promise<void> {
  const started = new Date();
  if ((ONLY.has("W2") || ONLY.has("W3"))) {
    const { dir, reason } = await fashionMnistDir();
    if (dir === null) {
      notes.push(`W2 and W3 skipped: ${reason}`);
      ONLY.delete("W2");
      ONLY.delete("W3");
    }
  }
  let childEntry: { cmd: string; pre: string[] };
  try {
    const { bundle } = await import("./lib/bundle.js");
    childEntry = { cmd: process.execPath, pre: [await bundle("bench/child.ts")] };
  } catch (e) {
    notes.push(`esbuild unavailable (${(e as Error).message.split("\n")[0]}): children run through tsx, which adds ≈ 36 MB to each RSS figure.`);
    childEntry = { cmd: process.execPath, pre: ["--import", "tsx", join(here, "child.ts")] };
  }
  const jobs = plan();
  const done: Done[] = [];
  log(`nabla bench${QUICK ? " --quick" : ""}: ${jobs.length} processes; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  for (const [i, job] of jobs.entries()) {
    log(`[${i + 1}/${jobs.length}] ${job.label}`);
    const d = await execute(job, childEntry);
    log(`      ${d.seconds.toFixed(1)} s, peak RSS ${d.timeRssKb !== null ? (d.timeRssKb / 1024).toFixed(0) + " MiB" : "—"}, load ${d.load[0].toFixed(2)} → ${d.load[1].toFixed(2)}`);
    done.push(d);
  }
  const { c, versions, memory } = collect(done);
  const tfjsPkg = JSON.parse(readFileSync(join(root, "node_modules/@tensorflow/tfjs-core/package.json"), "utf8")) as { version: string };
  const result = {
    date: started.toISOString(),
    command: `npm run bench${argv.length ? " -- " + argv.join(" ") : ""}`,
    quick: QUICK,
    machine: { cpu: cpuModel(), cores: cpus().length, memoryGiB: totalmem() / 2 ** 30, node: process.version, v8: process.versions.v8, platform: `${process.platform} ${process.arch}` },
    versions: { tfjs: versions.tfjs ?? tfjsPkg.version, pytorch: versions.pytorch ?? null },
    threads: "nabla-wasm: setNumThreads(1) and (2), reported as nabla-wasm-1t and -2t; PyTorch: torch.set_num_threads(1) and (2), pytorch-1t and -2t; nabla-ts, TF.js wasm and cpu: 1 thread (TF.js-wasm uses no threads in Node)",
    loadAverage: { start: loadavg()[0], perProcess: done.map((d) => ({ job: d.job.label, seconds: d.seconds, loadBefore: d.load[0], loadAfter: d.load[1], peakRssMiB: mib(d.timeRssKb) })) },
    notes,
    memoryAfterW2: memory,
    results: c,
    ratios: { W1: w1Ratios(c), W2: w2Ratios(c), W3: w3Ratios(c), W4: w4Ratios(c) },
    targets: targets(c),
  };
  result.loadAverage.start = done.length ? done[0]!.load[0] : loadavg()[0]!;
  const save = opt("save");
  if (save) {
    mkdirSync(dirname(save), { recursive: true });
    writeFileSync(save, JSON.stringify(result, null, 1) + "\n");
  }
  if (JSON_OUT) {
    process.stdout.write(JSON.stringify(result) + "\n");
    return;
  }
  const m = result.machine;
  console.log(`\n## nabla benchmarks — ${result.date}${QUICK ? " (--quick)" : ""}\n`);
  console.log(`${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB; Node ${m.node}; TF.js ${result.versions.tfjs}; PyTorch ${result.versions.pytorch ?? "not run"}`);
  console.log(`Threads: ${result.threads}.`);
  console.log(`Load average (1 min) around the processes: ${done.map((d) => d.load[0].toFixed(1)).join(", ")}\n`);
  console.log(renderMarkdown(c, { quick: QUICK }));
  if (notes.length) console.log("Notes:\n" + notes.map((n) => `- ${n}`).join("\n"));
}

await main();
