/**
 * What every command shares: the output streams (human output goes to stderr when `--json` keeps stdout
 * for the one JSON line), the backend choice, and flags several commands take.
 */
import { setBackend, backendName } from "../backend/registry.js";
import { wasmSimdSupported } from "../backend/wasm/module.js";
import type { WritableLike } from "../train/callbacks/progress-bar.js";
import { flag } from "./args.js";
import { InputError } from "./errors.js";

/** The streams a command writes to (process.stdout / process.stderr, or fakes in tests). */
export interface CliIO {
  stdout: WritableLike;
  stderr: WritableLike;
}

/** Where a command prints: `out` for its human-readable report (null with --quiet), `json` for the last line. */
export interface Printer {
  /** Human output: a line (or lines). */
  say(text: string): void;
  /** The stream for progress bars, or undefined when quiet. */
  progress: WritableLike | undefined;
  /** The one JSON line, last on stdout (with --json; otherwise nothing). */
  json(value: unknown): void;
}

export function printer(io: CliIO, { json, quiet }: { json: boolean; quiet: boolean }): Printer {
  const human = json ? io.stderr : io.stdout;
  return {
    say: (text) => {
      if (!quiet) human.write(`${text}\n`);
    },
    progress: quiet ? undefined : human,
    json: (value) => void (json && io.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v))}\n`)),
  };
}

export const BACKENDS = ["auto", "wasm", "ts"] as const;
export type BackendChoice = (typeof BACKENDS)[number];

/**
 * Selects the compute backend: "auto" keeps the library's default (wasm where WebAssembly SIMD exists, else
 * ts; the NABLA_BACKEND environment variable overrides it), "ts" and "wasm" choose one. Returns its name.
 */
export function selectBackend(choice: BackendChoice): string {
  if (choice === "wasm" && !wasmSimdSupported()) throw new InputError("--backend wasm: this runtime has no WebAssembly SIMD; use --backend ts");
  if (choice !== "auto") setBackend(choice);
  return backendName();
}

/** Flags shared by the commands that report results. */
export const outputFlags = {
  json: flag.bool("print the results as one JSON line, last on stdout (the report goes to stderr)"),
  quiet: flag.bool("print nothing but errors (and the --json line)"),
};

export const backendFlag = flag.choice("compute backend: auto = the default (wasm where WebAssembly SIMD exists, else ts; NABLA_BACKEND overrides)", BACKENDS, { default: "auto" as BackendChoice });

/** A count with thousands separators: 1,797. */
export const count = (n: number): string => n.toLocaleString("en-US");

/** Seconds, short. */
export const seconds = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);
