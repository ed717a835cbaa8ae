/**
 * One benchmark process: one system running one or more of W1–W4 (../shared/WORKLOADS.md), so that memory
 * starts clean, peak RSS belongs to that system alone, and no two libraries share a heap or a JIT. bench/run.ts
 * starts it (under `/usr/bin/time -v`) and reads the one JSON line it prints on stdout; progress goes to stderr.
 *
 *   node child.mjs --system nabla-wasm --threads 2 --workloads W2,W3 --epochs 5 [--steps N] [--w3-warmup 2] [--w3-runs 10]
 *   node child.mjs --system nabla-ts --workloads W4 --w4-steps 2000 --w4-runs 5
 *   node child.mjs --system w1 --w1-systems nabla-wasm,tfjs-wasm [--quick]   (W1: the systems take turns)
 *
 * Systems: nabla-wasm (`setBackend("wasm"); setNumThreads(--threads)`, reported as nabla-wasm-1t/-2t),
 * nabla-ts (`setBackend("ts")`), tfjs-wasm and
 * tfjs-cpu (TF.js 4.22, one thread). W3 runs on the net W2 trained in the same process; W3 without W2 first
 * trains one untimed epoch. `rssAfterW2Kb` is the process's peak RSS right after W2 (getrusage's ru_maxrss,
 * the counter `/usr/bin/time -v` reports at exit), so a following W3 cannot inflate the W2 figure.
 */
import { backendName, getBackend, manualSeed, setBackend } from "../src/index.js";
import { getNumThreads, setNumThreads } from "../src/backend/wasm/index.js";
import { fashionMnistDir } from "./lib/fashion.js";
import type { W2Result, W3Result, W4Result } from "./lib/results.js";

export type System = "nabla-wasm" | "nabla-ts" | "tfjs-wasm" | "tfjs-cpu";
/** As reported: nabla-wasm with its thread count. */
export type ReportedSystem = "nabla-wasm-1t" | "nabla-wasm-2t" | "nabla-ts" | "tfjs-wasm" | "tfjs-cpu" | "w1";

export interface ChildResult {
  system: ReportedSystem;
  backend: string;
  threads: number;
  node: string;
  tfjs?: string;
  W1?: unknown;
  W2?: W2Result;
  W3?: W3Result;
  W4?: W4Result;
  notes: string[];
  /** Peak RSS (KiB) right after W2's training and evaluation. */
  rssAfterW2Kb?: number;
  /** Peak RSS (KiB) at the end of the process's work. */
  maxRssKb: number;
  /** nabla-wasm: the WebAssembly memory right after W2 (pages of 64 KiB, bytes in live and in free blocks). */
  wasmHeapAfterW2?: { memoryMiB: number; liveMiB: number; freeMiB: number };
  /** The process's memory right after W2 (process.memoryUsage(), MiB). */
  memoryAfterW2?: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const num = (name: string, dflt: number): number => Number(opt(name) ?? dflt);
const log = (msg: string): void => { process.stderr.write(msg + "\n"); };
const memoryMiB = () => {
  const m = process.memoryUsage();
  const r = (b: number) => Math.round(b / 2 ** 20);
  return { rss: r(m.rss), heapUsed: r(m.heapUsed), external: r(m.external), arrayBuffers: r(m.arrayBuffers) };
};

async function main(): Promise<ChildResult> {
  const system = (opt("system") ?? "nabla-wasm") as System | "w1";
  const workloads = (opt("workloads") ?? "W2,W3,W4").split(",");
  const notes: string[] = [];
  const threads = num("threads", 1);
  const reported = (system === "nabla-wasm" ? `nabla-wasm-${threads}t` : system) as ReportedSystem;
  const res: ChildResult = { system: reported, backend: "", threads: 1, node: process.version, notes, maxRssKb: 0 };
  manualSeed(0);

  if (system === "w1") {
    const { runW1, W1_SYSTEMS } = await import("./w1-matmul.js");
    const systems = (opt("w1-systems")?.split(",") ?? W1_SYSTEMS) as typeof W1_SYSTEMS;
    res.W1 = await runW1({ quick: argv.includes("--quick"), systems, log: (m) => process.stderr.write(m) });
    res.backend = "several (interleaved)";
    res.maxRssKb = process.resourceUsage().maxRSS;
    return res;
  }

  const nabla = system.startsWith("nabla");
  const wantW2 = workloads.includes("W2"), wantW3 = workloads.includes("W3");
  if (nabla) {
    setBackend(system === "nabla-wasm" ? "wasm" : "ts");
    res.backend = backendName();
    if (system === "nabla-wasm") {
      setNumThreads(threads);
      res.threads = getNumThreads();
    }
  } else {
    const { useTfBackend, tfVersion, tf } = await import("./lib/tfjs.js");
    await useTfBackend(system === "tfjs-wasm" ? "wasm" : "cpu");
    res.backend = `tfjs-${tf.getBackend()}`;
    res.tfjs = tfVersion();
  }

  if (wantW2 || wantW3) {
    const { dir, reason } = await fashionMnistDir();
    if (dir === null) {
      notes.push(`W2/W3 skipped: ${reason}`);
    } else {
      const epochs = wantW2 ? num("epochs", 5) : 1;
      const steps = opt("steps") !== undefined ? num("steps", 0) : undefined;
      const w2opts = { epochs, ...(steps !== undefined ? { maxSteps: steps } : {}), onEpoch: (e: number, s: number, l: number) => log(`  ${reported} W2 epoch ${e}: ${s.toFixed(2)} s, last loss ${l.toFixed(4)}`) };
      const w3opts = { warmup: num("w3-warmup", 2), runs: num("w3-runs", 10) };
      if (!wantW2) notes.push("W3 alone: trained one untimed epoch first.");
      if (nabla) {
        const { data } = await import("../src/index.js");
        const { w2Nabla, w3Nabla } = await import("./w2-mlp-nabla.js");
        const [train, test] = await Promise.all([data.loadFashionMnist({ split: "train" }), data.loadFashionMnist({ split: "test" })]);
        const { result, model } = w2Nabla(train, test, w2opts);
        if (wantW2) res.W2 = result;
        res.rssAfterW2Kb = process.resourceUsage().maxRSS;
        res.memoryAfterW2 = memoryMiB();
        if (system === "nabla-wasm") {
          const h = (getBackend() as unknown as { memoryStats(): { pages: number; bytesInUse: number; bytesFree: number } }).memoryStats();
          res.wasmHeapAfterW2 = { memoryMiB: h.pages / 16, liveMiB: h.bytesInUse / 2 ** 20, freeMiB: h.bytesFree / 2 ** 20 };
        }
        if (wantW3) res.W3 = w3Nabla(model, test, w3opts);
      } else {
        const { loadFashionHost } = await import("./lib/fashion.js");
        const { w2Tfjs, w3Tfjs } = await import("./w2-mlp-tfjs.js");
        const { tfDispose } = await import("./lib/tfjs-mlp.js");
        const { train, test } = await loadFashionHost();
        const { result, layers } = w2Tfjs(train, test, w2opts);
        if (wantW2) res.W2 = result;
        res.rssAfterW2Kb = process.resourceUsage().maxRSS;
        res.memoryAfterW2 = memoryMiB();
        if (wantW3) res.W3 = w3Tfjs(layers, test, w3opts);
        tfDispose(layers);
      }
    }
  }

  if (workloads.includes("W4")) {
    const w4opts = { steps: num("w4-steps", 2000), runs: num("w4-runs", 5), warmup: num("w4-warmup", 1) };
    if (nabla) {
      const { w4Nabla } = await import("./w4-moons-nabla.js");
      res.W4 = w4Nabla(w4opts);
    } else {
      const { w4Tfjs } = await import("./w4-moons-tfjs.js");
      res.W4 = w4Tfjs(w4opts);
    }
    log(`  ${reported} W4: ${res.W4.usPerStep.median.toFixed(0)} µs/step, loss ${res.W4.finalLoss.toFixed(4)}, accuracy ${res.W4.trainAccuracy}`);
  }
  res.maxRssKb = process.resourceUsage().maxRSS;
  return res;
}

process.stdout.write(JSON.stringify(await main()) + "\n");
