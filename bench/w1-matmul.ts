/**
 * W1 — sgemm throughput (../shared/WORKLOADS.md): C = A·B, row-major float32, A and B uniform in [0, 1)
 * (mulberry32 seeds 1 and 2, as bench/torch_bench.py). GFLOP/s = 2·m·n·k / seconds per call; each run
 * repeats the call for ≥ 0.25 s; every call allocates the output and reads it back to host memory
 * (`a.matmul(b).dataSync()`, `tf.matMul(a, b).dataSync()`). Results are checked against a float64
 * reference on a sample of entries. Systems, in one process: nabla wasm (1 and 2 threads), nabla ts (small shapes
 * only, it is slow), TF.js wasm (SIMD, 1 thread) and TF.js cpu (small shapes only).
 * An extra row, not part of W1, times A·Bᵀ (B stored transposed), the product every backward pass makes.
 *
 * Usage: `npx tsx bench/w1-matmul.ts [--quick] [--json] [--systems nabla-wasm-1t,nabla-wasm-2t,tfjs-wasm]`. --quick: two
 * shapes, 2 runs; --json: one JSON object. `npm run bench` runs it through `runW1` in a child process of
 * its own (bench/run.ts), the systems taking turns within that process.
 */
import { setNumThreads, useWasm } from "../src/backend/wasm/index.js";
import { kernelVariant, type KernelVariant } from "../src/backend/wasm/module.js";
import { setBackend } from "../src/backend/registry.js";
import { tensor } from "../src/ops/creation.js";
import type { Tensor } from "../src/tensor.js";
import { uniform } from "./lib/random.js";
import { machine, rate, summarize, type Summary } from "./lib/stats.js";
import { tf, tfVersion, useTfBackend } from "./lib/tfjs.js";

const DEFAULT_RUN_SECONDS = 0.25;

export type W1System = "nabla-wasm-1t" | "nabla-wasm-2t" | "nabla-ts" | "tfjs-wasm" | "tfjs-cpu";
type System = W1System;
export interface W1Shape { m: number; k: number; n: number; transB?: boolean }
type Shape = W1Shape;

const shapesFor = (quick: boolean): Shape[] => quick
  ? [{ m: 256, k: 256, n: 256 }, { m: 128, k: 784, n: 256 }]
  : [{ m: 256, k: 256, n: 256 }, { m: 512, k: 512, n: 512 }, { m: 1024, k: 1024, n: 1024 }, { m: 128, k: 784, n: 256 }, { m: 512, k: 512, n: 512, transB: true }];
/** nabla-ts and TF.js cpu (≈ 1 GFLOP/s) run only up to 512³, where one call takes about a run's 0.25 s. */
const SLOW_MAX_FLOP = 2 * 512 ** 3;
export const W1_SYSTEMS: System[] = ["nabla-wasm-1t", "nabla-wasm-2t", "nabla-ts", "tfjs-wasm", "tfjs-cpu"];
/** Threads per system: nabla-wasm at 1 and 2 (setNumThreads); TF.js never uses threads in Node. */
const THREADS: Record<System, number> = { "nabla-wasm-1t": 1, "nabla-wasm-2t": 2, "nabla-ts": 1, "tfjs-wasm": 1, "tfjs-cpu": 1 };

const key = (s: Shape): string => `${s.m}x${s.k}x${s.n}${s.transB ? "-bT" : ""}`;
const flop = (s: Shape): number => 2 * s.m * s.n * s.k;

/** A (m×k) and B (k×n, or n×k when transB) host data. */
function inputs(s: Shape): { a: Float32Array; b: Float32Array } {
  return { a: uniform(s.m * s.k, 1), b: uniform(s.k * s.n, 2) };
}

/** Max relative error of C against a float64 reference on 64 sampled entries. */
function check(s: Shape, a: Float32Array, b: Float32Array, c: Float32Array | Int32Array | Uint8Array | Float64Array): number {
  let worst = 0;
  for (let t = 0; t < 64; t++) {
    const i = (t * 7919) % s.m, j = (t * 104729 + 13) % s.n;
    let ref = 0;
    for (let p = 0; p < s.k; p++) ref += a[i * s.k + p]! * (s.transB ? b[j * s.k + p]! : b[p * s.n + j]!);
    worst = Math.max(worst, Math.abs(c[i * s.n + j]! - ref) / Math.abs(ref));
  }
  return worst;
}

/** One call per system: compute and read back; returns the host result. */
function caller(system: System, s: Shape, a: Float32Array, b: Float32Array): { call: () => ArrayLike<number>; done: () => void; enter?: () => void } {
  if (system.startsWith("nabla")) {
    const wasm = system.startsWith("nabla-wasm");
    setBackend(wasm ? "wasm" : "ts");
    const ta = tensor(a, { shape: [s.m, s.k] });
    const tb: Tensor = s.transB ? tensor(b, { shape: [s.n, s.k] }).T : tensor(b, { shape: [s.k, s.n] });
    setBackend("ts");
    const enter = wasm ? () => setNumThreads(THREADS[system]) : undefined;
    return { call: () => ta.matmul(tb).dataSync(), done: () => { ta.dispose(); tb.dispose(); }, ...(enter ? { enter } : {}) };
  }
  const ta = tf.tensor2d(a, [s.m, s.k]);
  const tb = s.transB ? tf.tensor2d(b, [s.n, s.k]) : tf.tensor2d(b, [s.k, s.n]);
  return {
    call: () => {
      const c = tf.matMul(ta, tb, false, s.transB ?? false);
      const out = c.dataSync();
      c.dispose();
      return out;
    },
    done: () => { ta.dispose(); tb.dispose(); },
  };
}

export interface W1Row { shape: string; system: System; gflops: Summary; maxRelErr: number }
type Row = W1Row;

export interface W1Options {
  quick?: boolean;
  /** Systems to run (default all four). */
  systems?: readonly System[];
  /** Progress messages (default none). */
  log?: (msg: string) => void;
  /** Overrides for tests: shapes, runs per system and seconds per run. */
  shapes?: Shape[];
  runs?: number;
  runSeconds?: number;
}

export interface W1Result {
  workload: "W1";
  date: string;
  quick: boolean;
  runs: number;
  runSeconds: number;
  threads: Record<System, number>;
  versions: { tfjs: string };
  /** The build of nabla's kernel module that ran ("relaxed-simd": fused multiply-add matmul; NABLA_RELAXED_SIMD=0 selects "simd128"). */
  nablaKernels: KernelVariant;
  machine: Awaited<ReturnType<typeof machine>>;
  shapes: string[];
  rows: Row[];
  ratios: Record<string, Record<string, number>>;
}

/** Runs W1 in this process; systems of one shape take turns run by run. */
export async function runW1({ quick = false, systems: only = W1_SYSTEMS, log = () => {}, shapes, runs, runSeconds }: W1Options = {}): Promise<W1Result> {
  const RUNS = runs ?? (quick ? 2 : 5);
  const SHAPES = shapes ?? shapesFor(quick);
  const RUN_SECONDS = runSeconds ?? DEFAULT_RUN_SECONDS;
  useWasm();
  const rows: Row[] = [];
  // This machine is shared and its load drifts, so the systems of one shape take turns run by run (the
  // TF.js cpu backend, a far-off anchor, runs last because switching TF.js backends moves its tensors).
  const groups: System[][] = [["nabla-wasm-1t", "nabla-wasm-2t", "tfjs-wasm", "nabla-ts"], ["tfjs-cpu"]].map((g) => g.filter((sys) => only.includes(sys as System)) as System[]);
  for (const group of groups) {
    if (group.length === 0) continue;
    if (group.some((sys) => sys.startsWith("tfjs"))) await useTfBackend(group.includes("tfjs-cpu") ? "cpu" : "wasm");
    for (const s of SHAPES) {
      const systems = group.filter((sys) => !((sys === "nabla-ts" || sys === "tfjs-cpu") && flop(s) > SLOW_MAX_FLOP));
      if (systems.length === 0) continue;
      log(`W1 ${key(s)}: `);
      const { a, b } = inputs(s);
      const callers = systems.map((system) => {
        const c = caller(system, s, a, b);
        c.enter?.();
        const maxRelErr = check(s, a, b, c.call() as Float32Array);
        if (!(maxRelErr < 1e-4)) throw new Error(`W1 ${system} ${key(s)}: result differs from the float64 reference (max rel err ${maxRelErr})`);
        rate(c.call, Math.min(0.1, RUN_SECONDS)); // warm-up (starts the worker threads of nabla-wasm-2t)
        return { system, ...c, maxRelErr, runs: [] as number[] };
      });
      for (let r = 0; r < RUNS; r++) {
        for (const c of callers) {
          c.enter?.();
          c.runs.push((rate(c.call, RUN_SECONDS) * flop(s)) / 1e9);
        }
      }
      for (const c of callers) {
        c.done();
        const gflops = summarize(c.runs);
        rows.push({ shape: key(s), system: c.system, gflops, maxRelErr: c.maxRelErr });
        log(`${c.system} ${gflops.median.toFixed(2)}  `);
      }
      log("GFLOP/s\n");
    }
  }
  const ratios: Record<string, Record<string, number>> = {};
  for (const s of SHAPES) {
    const med = (sys: System) => rows.find((r) => r.shape === key(s) && r.system === sys)?.gflops.median;
    const r: Record<string, number> = {};
    for (const mine of ["nabla-wasm-1t", "nabla-wasm-2t"] as System[]) {
      const w = med(mine);
      for (const other of ["tfjs-wasm", "tfjs-cpu", "nabla-ts"] as System[]) {
        const o = med(other);
        if (w !== undefined && o !== undefined) r[`${mine}/${other}`] = w / o;
      }
    }
    ratios[key(s)] = r;
  }
  return {
    workload: "W1",
    date: new Date().toISOString(),
    quick,
    runs: RUNS,
    runSeconds: RUN_SECONDS,
    threads: THREADS,
    versions: { tfjs: tfVersion() },
    nablaKernels: kernelVariant(),
    machine: await machine(),
    shapes: SHAPES.map(key),
    rows,
    ratios,
  };
}

async function main(): Promise<void> {
  const argv = process.argv;
  const QUICK = argv.includes("--quick");
  const JSON_OUT = argv.includes("--json");
  const si = argv.indexOf("--systems");
  const systems = si > 0 ? (argv[si + 1]!.split(",") as System[]) : W1_SYSTEMS;
  const result = await runW1({ quick: QUICK, systems, log: (msg) => { if (!JSON_OUT) process.stderr.write(msg); } });
  const { rows, ratios } = result;
  const SHAPES = shapesFor(QUICK);
  const RUNS = result.runs;
  const SYSTEMS = W1_SYSTEMS.filter((s) => systems.includes(s));
  if (JSON_OUT) {
    process.stdout.write(JSON.stringify(result) + "\n");
    return;
  }
  const pad = (x: string, n: number) => x.padEnd(n);
  console.log(`\nW1 sgemm, GFLOP/s (min / median / max of ${RUNS} runs of ≥ ${result.runSeconds} s), 1 thread each except nabla-wasm-2t — ${result.machine.model}, ${result.machine.cpus} cpus, Node ${result.machine.node}, TF.js ${result.versions.tfjs}, nabla kernels ${result.nablaKernels}`);
  console.log(pad("shape", 16) + SYSTEMS.map((s) => pad(s, 24)).join("") + "ratios (medians)");
  for (const s of SHAPES) {
    const cells = SYSTEMS.map((sys) => {
      const r = rows.find((x) => x.shape === key(s) && x.system === sys);
      return pad(r ? `${r.gflops.min.toFixed(1)} / ${r.gflops.median.toFixed(1)} / ${r.gflops.max.toFixed(1)}` : "—", 24);
    });
    const rat = Object.entries(ratios[key(s)]!).map(([k, v]) => `${k.replace("/", " ÷ ")} ${v.toFixed(2)}×`).join(", ");
    console.log(pad(key(s), 16) + cells.join("") + rat);
  }
  console.log("(-bT: A·Bᵀ with B stored transposed; not part of W1, shown because every backward pass multiplies by a transpose.)");
}

if (process.argv[1]?.endsWith("w1-matmul.ts")) await main();
