/**
 * A small command-line parser (no dependency): each command declares its flags as an object of typed
 * specs, and `parseArgs` returns their values with the same keys (camelCase keys become kebab-case flags:
 * `batchSize` is `--batch-size`). Every mistake is a UsageError with one clear line: an unknown flag (with a
 * "did you mean"), a missing value, a value that does not parse, a flag given twice, a stray argument.
 *
 * ```ts
 * const spec = { epochs: flag.int("training epochs", { default: 40, min: 1 }), json: flag.bool("print JSON") };
 * parseArgs("train", spec, ["--epochs=5", "--json"]); // { flags: { epochs: 5, json: true }, positionals: [], help: false }
 * ```
 */
import { UsageError, suggestion } from "./errors.js";

/** One flag: its help line, how to parse its value, and its default. */
export interface Flag<T> {
  help: string;
  /** The value's placeholder in help (`N`, `PATH`); undefined for a switch (a boolean flag without a value). */
  placeholder?: string;
  parse: (raw: string, flagName: string) => T;
  default: T;
  /** How help shows the default (default: the default value, when it is not undefined/false). */
  defaultText?: string;
}

export type FlagSpecs = Record<string, Flag<unknown>>;
export type FlagValues<F extends FlagSpecs> = { [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

export interface Parsed<F extends FlagSpecs> {
  flags: FlagValues<F>;
  positionals: string[];
  /** Which flags were given on the command line (keys as in the spec). */
  given: Set<keyof F & string>;
  help: boolean;
}

/** `batchSize` → `batch-size`. */
export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const bad = (flagName: string, expected: string, raw: string): UsageError =>
  new UsageError(`--${flagName} expects ${expected}, got ${JSON.stringify(raw)}`);

function parseNumber(raw: string, flagName: string, what: string): number {
  const s = raw.trim();
  const v = s === "" ? NaN : Number(s);
  if (!Number.isFinite(v)) throw bad(flagName, what, raw);
  return v;
}

interface NumOpts<D> {
  default: D;
  min?: number;
  max?: number;
  /** min is exclusive (value > min). */
  above?: number;
  below?: number;
  defaultText?: string;
  placeholder?: string;
}

function rangeText({ min, max, above, below }: { min?: number; max?: number; above?: number; below?: number }): string {
  const lo = above !== undefined ? `> ${above}` : min !== undefined ? `≥ ${min}` : "";
  const hi = below !== undefined ? `< ${below}` : max !== undefined ? `≤ ${max}` : "";
  return [lo, hi].filter(Boolean).join(" and ");
}

/** Checks a number against a flag's range; used by the number, integer and list parsers. */
export function checkRange(v: number, raw: string, flagName: string, what: string, r: { min?: number; max?: number; above?: number; below?: number }): number {
  const ok = (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max) && (r.above === undefined || v > r.above) && (r.below === undefined || v < r.below);
  if (!ok) throw bad(flagName, `${what} ${rangeText(r)}`, raw);
  return v;
}

/** Flag constructors. */
export const flag = {
  /** A switch: present means true. */
  bool(help: string): Flag<boolean> {
    return { help, parse: () => true, default: false };
  },
  str<D extends string | undefined>(help: string, opts: { default: D; placeholder?: string; defaultText?: string }): Flag<string | D> {
    return { help, placeholder: opts.placeholder ?? "TEXT", default: opts.default, defaultText: opts.defaultText, parse: (raw) => raw };
  },
  num<D extends number | undefined>(help: string, opts: NumOpts<D>): Flag<number | D> {
    return {
      help, placeholder: opts.placeholder ?? "X", default: opts.default, defaultText: opts.defaultText,
      parse: (raw, name) => checkRange(parseNumber(raw, name, "a number"), raw, name, "a number", opts),
    };
  },
  int<D extends number | undefined>(help: string, opts: NumOpts<D>): Flag<number | D> {
    return {
      help, placeholder: opts.placeholder ?? "N", default: opts.default, defaultText: opts.defaultText,
      parse: (raw, name) => {
        const v = parseNumber(raw, name, "an integer");
        if (!Number.isInteger(v)) throw bad(name, "an integer", raw);
        return checkRange(v, raw, name, "an integer", opts);
      },
    };
  },
  /** One of a fixed set of words (case-insensitive), with a "did you mean" for a typo. */
  choice<C extends string, D extends C | undefined>(help: string, choices: readonly C[], opts: { default: D; defaultText?: string }): Flag<C | D> {
    return {
      help, placeholder: choices.join("|"), default: opts.default, defaultText: opts.defaultText,
      parse: (raw, name) => {
        const hit = choices.find((c) => c.toLowerCase() === raw.trim().toLowerCase());
        if (hit !== undefined) return hit;
        throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got ${JSON.stringify(raw)}${suggestion(raw, choices)}`);
      },
    };
  },
  /** Anything, parsed by the given function (which throws a UsageError on a bad value). */
  custom<T>(help: string, placeholder: string, parse: (raw: string, flagName: string) => T, opts: { default: T; defaultText?: string }): Flag<T> {
    return { help, placeholder, parse, default: opts.default, defaultText: opts.defaultText };
  },
};

/**
 * Layer sizes such as `64,32` (`none` or an empty string for no hidden layer): positive integers.
 * ```ts
 * parseSizes("64,32", "hidden"); // [64, 32]
 * ```
 */
export function parseSizes(raw: string, flagName: string): number[] {
  const s = raw.trim();
  if (s === "" || s.toLowerCase() === "none") return [];
  return s.split(",").map((part) => {
    const v = Number(part.trim());
    if (part.trim() === "" || !Number.isInteger(v) || v < 1) throw bad(flagName, "layer sizes as positive integers separated by commas (e.g. 64,32; or none)", raw);
    return v;
  });
}

/**
 * Splits argv into flag values and positional arguments, checking everything against the spec.
 * `-h`/`--help` anywhere sets `help` (and skips the checks of required values, done by the caller).
 */
export function parseArgs<F extends FlagSpecs>(command: string, spec: F, argv: readonly string[], { maxPositionals = 0 } = {}): Parsed<F> {
  const byName = new Map<string, string>(Object.keys(spec).map((k) => [kebab(k), k]));
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  let help = false;
  const known = [...byName.keys()].map((n) => `--${n}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h" || arg === "--help") {
      help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, "");
    const key = byName.get(name);
    if (key === undefined) {
      const shown = eq >= 0 ? arg.slice(0, eq) : arg;
      throw new UsageError(`unknown flag ${shown}${suggestion(`--${name}`, known)} (nabla ${command} --help lists the flags)`);
    }
    if (!arg.startsWith("--")) throw new UsageError(`flags take two dashes: write --${name}, not ${arg.slice(0, eq >= 0 ? eq : undefined)}`);
    if (given.has(key)) throw new UsageError(`--${name} is given twice; give it once`);
    given.add(key);
    const f = spec[key]!;
    if (f.placeholder === undefined) {
      if (eq >= 0) {
        const v = arg.slice(eq + 1).toLowerCase();
        if (v !== "true" && v !== "false") throw new UsageError(`--${name} is a switch and takes no value (or =true / =false), got ${JSON.stringify(arg.slice(eq + 1))}`);
        values[key] = v === "true";
      } else values[key] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2) || next === "-h") {
        throw new UsageError(`--${name} needs a value (${f.placeholder}), e.g. --${name} ${exampleValue(f)}`);
      }
      raw = next;
      i++;
    }
    values[key] = f.parse(raw, name);
  }
  if (!help && positionals.length > maxPositionals) {
    const extra = positionals[maxPositionals]!;
    throw new UsageError(maxPositionals === 0
      ? `unexpected argument ${JSON.stringify(extra)}; every value goes after a flag (nabla ${command} --help lists them)`
      : `unexpected extra argument ${JSON.stringify(extra)}`);
  }
  for (const [k, f] of Object.entries(spec)) if (!(k in values)) values[k] = f.default;
  return { flags: values as FlagValues<F>, positionals, given: given as Set<keyof F & string>, help };
}

function exampleValue(f: Flag<unknown>): string {
  if (f.defaultText !== undefined && !/\s/.test(f.defaultText)) return f.defaultText;
  if (f.default !== undefined && f.default !== false) return String(f.default);
  return f.placeholder!.split("|")[0]!;
}

/** The description of one command, for its --help. */
export interface CommandHelp {
  name: string;
  usage: string;
  summary: string;
  /** Paragraphs after the summary. */
  details?: string[];
  examples: string[];
}

/** A command's --help text: usage, summary, flags with defaults, examples. */
export function formatHelp(h: CommandHelp, spec: FlagSpecs): string {
  const rows = Object.entries(spec).map(([k, f]) => {
    const left = `--${kebab(k)}${f.placeholder !== undefined ? ` ${f.placeholder.length > 24 ? "VALUE" : f.placeholder}` : ""}`;
    const dflt = f.defaultText ?? (f.default === undefined || f.default === false ? undefined : Array.isArray(f.default) ? f.default.join(",") : String(f.default));
    const choices = f.placeholder !== undefined && f.placeholder.length > 24 ? ` (${f.placeholder.split("|").join(", ")})` : "";
    return [left, `${f.help}${choices}${dflt !== undefined ? ` [default: ${dflt}]` : ""}`] as const;
  });
  rows.push(["--help", "show this help"]);
  const w = Math.min(30, Math.max(...rows.map(([l]) => l.length)));
  const lines = [
    `Usage: ${h.usage}`,
    "",
    h.summary,
    ...(h.details ?? []).flatMap((d) => ["", d]),
    "",
    "Flags:",
    ...rows.map(([l, r]) => (l.length > w ? `  ${l}\n  ${" ".repeat(w)}  ${r}` : `  ${l.padEnd(w)}  ${r}`)),
    "",
    "Examples:",
    ...h.examples.map((e) => `  ${e}`),
  ];
  return lines.join("\n") + "\n";
}
