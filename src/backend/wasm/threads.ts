/**
 * Worker threads for the wasm kernels: one pool per backend instance, over the instance's shared
 * WebAssembly.Memory, created lazily by the first kernel big enough to split.
 *
 * Protocol (an Int32Array over its own small SharedArrayBuffer):
 * - GEN: a job counter. The caller writes the job record (slots of i32 in wasm memory, see
 *   assembly/parallel.ts), resets DONE, stores CLAIM, then increments GEN and notifies the workers.
 * - CLAIM: (GEN mod 2048) << 20 | parts << 10 | next part. Every thread, the caller included, claims part
 *   numbers by compare-and-swap until `next` reaches `parts`. A claim carries its job's tag, so a worker
 *   that wakes late can never claim a part of a later job.
 * - DONE: parts finished; the caller returns when DONE = parts.
 * - READY: workers that have instantiated the module; STOP: set to make workers return.
 * Which thread runs which part never changes a result (parts are fixed slices; see kernels.ts), so results
 * are the same bits for every thread count.
 *
 * Blocking: the caller waits for the last parts with Atomics.wait where the runtime allows it (Node's main
 * thread, every worker) and spins on Atomics.load where it does not (a browser's main thread). It spins only
 * for the slack: it runs parts itself until none are left. Workers are used once they report READY, so a
 * browser page never waits for a worker to start (a Web Worker cannot start while the main thread blocks);
 * in Node the pool waits for them (at most 5 s) when it is created.
 */
import { WORKER_SOURCE } from "./worker-source.js";

const GEN = 0, CLAIM = 1, DONE = 2, READY = 3, STOP = 4;
/** Most parts of one job (10 bits of CLAIM). */
export const MAX_PARTS = 1023;
/** How long an idle worker polls for the next job before it sleeps (ms). */
const WORKER_SPIN_MS = 0.1;
/** How long the caller polls for the last parts before it sleeps (ms), where it may sleep. */
const CALLER_SPIN_MS = 0.05;

type Get = (id: string) => unknown;
const builtin = (): Get | null => {
  const get = (globalThis as { process?: { getBuiltinModule?: Get } }).process?.getBuiltinModule;
  return typeof get === "function" ? get : null;
};

/** The number of cores the runtime reports (os.availableParallelism in Node, navigator.hardwareConcurrency). */
export function availableCores(): number {
  return (coresCache ??= countCores());
}
let coresCache: number | null = null;

function countCores(): number {
  try {
    const os = builtin()?.("node:os") as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
    if (os) return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  } catch { /* not Node */ }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

let requested: number | null = null;

/**
 * Sets how many threads the wasm kernels use (the caller's thread included): 1 turns threading off.
 * Takes effect at the next kernel; workers are started when first needed and kept (idle ones sleep).
 * Default: the available cores. Where SharedArrayBuffer is missing (a page without COOP/COEP headers) the
 * backend runs on one thread whatever this says.
 * ```ts
 * setNumThreads(2);
 * getNumThreads(); // 2
 * ```
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new RangeError(`setNumThreads: n must be an integer from 1 to 64, got ${n}. Use 1 to turn threads off.`);
  }
  requested = n;
}

/** The thread count the wasm kernels aim for (`setNumThreads`, else the available cores, at most 64). */
export function getNumThreads(): number {
  return requested ?? Math.min(64, availableCores());
}

let blockCache: boolean | null = null;
/** Whether Atomics.wait is allowed here (false on a browser's main thread). */
export function canBlock(): boolean {
  if (blockCache === null) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockCache = true;
    } catch {
      blockCache = false;
    }
  }
  return blockCache;
}

interface AnyWorker {
  terminate(): unknown;
  unref?: () => void;
  postMessage?: (m: unknown) => void;
}

export class ThreadPool {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(64));
  private readonly workers: AnyWorker[] = [];
  private gen = 0;
  private readonly blocking = canBlock();

  /**
   * @param module the compiled kernel module (shared-memory variant)
   * @param memory the backend's shared memory
   * @param job byte address of the job record in `memory`
   * @param run the caller's own runPart
   */
  constructor(private readonly module: WebAssembly.Module, private readonly memory: WebAssembly.Memory, private readonly job: number,
    private readonly run: (job: number, part: number, thread: number) => void) {}

  /** Workers started so far. */
  get started(): number {
    return this.workers.length;
  }

  /** Workers that have instantiated the module and take parts. */
  get ready(): number {
    return Atomics.load(this.ctl, READY);
  }

  /** Starts workers until there are `n` (returns false where workers cannot be created). */
  grow(n: number): boolean {
    const before = this.workers.length;
    while (this.workers.length < n) {
      const w = this.spawn(this.workers.length + 1);
      if (w === null) return false;
      this.workers.push(w);
    }
    // Node: wait for the new workers once, so that the first kernels already run on every thread.
    if (this.blocking && this.workers.length > before && builtin() !== null) {
      const t0 = Date.now();
      let r: number;
      while ((r = Atomics.load(this.ctl, READY)) < this.workers.length && Date.now() - t0 < 5000) Atomics.wait(this.ctl, READY, r, 50);
    }
    return true;
  }

  private spawn(thread: number): AnyWorker | null {
    const data = { module: this.module, memory: this.memory, control: this.ctl.buffer, thread, job: this.job, spinMs: WORKER_SPIN_MS };
    try {
      const get = builtin();
      if (get !== null) {
        const wt = get("node:worker_threads") as { Worker: new (code: string, o: object) => AnyWorker & { on(e: string, f: (x: unknown) => void): void } };
        // execArgv: [] — the worker is plain JS; inheriting loaders such as `--import tsx` only slows its start.
        const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: data, execArgv: [] });
        w.unref?.(); // idle workers must not keep the process alive
        w.on("error", () => { /* a dead worker takes no parts; the others and the caller do them */ });
        return w;
      }
      const W = (globalThis as { Worker?: new (url: string) => AnyWorker }).Worker;
      if (typeof W !== "function" || typeof Blob !== "function" || typeof URL?.createObjectURL !== "function") return null;
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
      const w = new W(url);
      w.postMessage!(data);
      return w;
    } catch {
      return null;
    }
  }

  /**
   * Runs parts 0 … parts-1 of the job in memory, on the caller and every ready worker, and returns when all
   * are done.
   */
  runParts(parts: number): void {
    const ctl = this.ctl;
    this.gen = (this.gen + 1) | 0;
    const tag = this.gen & 0x7ff;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, CLAIM, (tag << 20) | (parts << 10));
    Atomics.store(ctl, GEN, this.gen);
    Atomics.notify(ctl, GEN, parts - 1);
    for (;;) {
      const c = Atomics.load(ctl, CLAIM);
      const p = c & 1023;
      if (p >= parts) break;
      if (Atomics.compareExchange(ctl, CLAIM, c, c + 1) !== c) continue;
      this.run(this.job, p, 0);
      Atomics.add(ctl, DONE, 1);
    }
    let d = Atomics.load(ctl, DONE);
    if (d >= parts) return;
    const until = performance.now() + CALLER_SPIN_MS;
    for (let i = 1; d < parts; i++) {
      if (this.blocking && (i & 255) === 0 && performance.now() > until) break;
      d = Atomics.load(ctl, DONE);
    }
    while (d < parts) {
      Atomics.wait(ctl, DONE, d);
      d = Atomics.load(ctl, DONE);
    }
  }

  /** Stops and terminates every worker. */
  close(): void {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
