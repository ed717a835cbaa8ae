/**
 * How the command line fails: one line on stderr that names the problem, no stack trace (unless
 * `NABLA_DEBUG=1`), and an exit code that says what kind of problem it was.
 *
 * | exit | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | bad input: a missing or malformed file, an unknown column, a wrong target, a bad model directory |
 * | 2 | bad command line: an unknown command or flag, a bad or missing flag value |
 * | 3 | an internal error (a bug in nabla: please report it with the `NABLA_DEBUG=1` output) |
 *
 * ```ts
 * throw new UsageError('unknown flag --epoch; did you mean --epochs?');
 * formatError(new InputError("no column named \"x\""), "train"); // 'nabla train: no column named "x"'
 * ```
 */
import { NablaError } from "../errors.js";

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/** A problem with the command line itself (exit code 2). */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode = EXIT_USAGE;
}

/** A problem with the input: files, columns, values, model directories (exit code 1). */
export class InputError extends Error {
  override name = "InputError";
  readonly exitCode = EXIT_INPUT;
}

/** The exit code for an error: usage 2; input (and every error nabla raises on purpose) 1; anything else 3. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return EXIT_USAGE;
  if (e instanceof InputError || e instanceof NablaError) return EXIT_INPUT;
  // Node's file-system errors on paths the user named are input errors too.
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && /^(ENOENT|EACCES|EISDIR|ENOTDIR|EEXIST|ENOSPC|EROFS|EPERM|ENAMETOOLONG)$/.test(code)) return EXIT_INPUT;
  return EXIT_INTERNAL;
}

/**
 * The one line printed for an error: `nabla <command>: <message>`, with the message's line breaks folded
 * into spaces. An internal error adds how to see its stack.
 */
export function formatError(e: unknown, command: string | undefined): string {
  const prefix = command ? `nabla ${command}` : "nabla";
  const raw = e instanceof Error ? e.message : String(e);
  const oneLine = raw.replace(/\s*\n\s*/g, " ").trim() || (e instanceof Error ? e.name : "unknown error");
  if (exitCodeOf(e) === EXIT_INTERNAL) {
    const kind = e instanceof Error ? `${e.name}: ` : "";
    return `${prefix}: internal error: ${kind}${oneLine} (run again with NABLA_DEBUG=1 for the stack trace, and please report it)`;
  }
  return `${prefix}: ${oneLine}`;
}

/**
 * Edit distance between two short strings, counting an insertion, a deletion, a substitution or a swap of
 * two neighbours as one edit (optimal string alignment): `editDistance("trian", "train")` is 1.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest known name to `name`, if it is close enough to be a typo: at most max(1, ⌊len/3⌋) edits
 * (leading dashes ignored), or the only known name it is a prefix of. `didYouMean("--epoch", ["--epochs", "--lr"])`
 * is `"--epochs"`; `didYouMean("-e", ["--epochs", "--lr"])` is `"--epochs"` (a prefix); `didYouMean("x", ["lr"])` is undefined.
 */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  const bare = (s: string): string => s.replace(/^-+/, "").toLowerCase();
  const typed = bare(name);
  let best: string | undefined, bestD = Infinity;
  for (const k of known) {
    const d = editDistance(typed, bare(k));
    if (d < bestD) [best, bestD] = [k, d];
  }
  if (best !== undefined && bestD <= Math.max(1, Math.floor(typed.length / 3))) return best;
  const prefixed = typed.length >= 1 ? known.filter((k) => bare(k).startsWith(typed)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `"; did you mean X?"` or `""`. */
export const suggestion = (name: string, known: readonly string[], show: (s: string) => string = (s) => s): string => {
  const s = didYouMean(name, known);
  return s === undefined ? "" : `; did you mean ${show(s)}?`;
};
