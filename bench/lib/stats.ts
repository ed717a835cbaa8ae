/** Timing helpers shared by the benchmark workloads. */

export interface Summary {
  min: number;
  median: number;
  max: number;
  runs: number[];
}

export function summarize(xs: readonly number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]!, runs: [...xs] };
}

/** Calls `fn` until at least `seconds` have passed; returns calls per second. */
export function rate(fn: () => void, seconds: number): number {
  let calls = 0;
  const t0 = performance.now();
  let el = 0;
  do {
    fn();
    calls++;
    el = (performance.now() - t0) / 1000;
  } while (el < seconds);
  return calls / el;
}

/** The machine, for the record. */
export async function machine(): Promise<{ cpus: number; model: string; node: string; v8: string; platform: string }> {
  const os = await import("node:os");
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model ?? "unknown", node: process.version, v8: process.versions.v8, platform: `${os.platform()} ${os.arch()}` };
}
