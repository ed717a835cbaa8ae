/**
 * The `nabla` command line: dispatches to a command and turns every failure into one line on stderr and
 * an exit code (errors.ts). `bin/nabla.mjs` calls `main(process.argv.slice(2))`.
 *
 * ```sh
 * nabla train                       # train on the built-in digits
 * nabla train --data my.csv --target label
 * nabla evaluate --model nabla-model --data test.csv
 * nabla predict --model nabla-model --data new.csv --out predictions.csv
 * nabla tune --data my.csv --hidden "32;64,32" --lr 1e-3,1e-2
 * nabla info nabla-model
 * ```
 */
import { readFileSync } from "node:fs";
import type { CliIO } from "./common.js";
import { EXIT_OK, EXIT_USAGE, UsageError, exitCodeOf, formatError, suggestion } from "./errors.js";
import { trainCommand } from "./train.js";
import { evaluateCommand } from "./evaluate.js";
import { predictCommand } from "./predict.js";
import { tuneCommand } from "./tune.js";
import { infoCommand } from "./info.js";

type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  train: { run: trainCommand, summary: "train a network on a CSV file (or on the built-in digits) and save it" },
  evaluate: { run: evaluateCommand, summary: "score a saved model on a labelled CSV file" },
  predict: { run: predictCommand, summary: "predict a CSV file's rows with a saved model (CSV out)" },
  tune: { run: tuneCommand, summary: "search hyperparameters (grid or random), print the ranking, save the best model" },
  info: { run: infoCommand, summary: "describe a saved model: layers, shapes, parameters, preprocessing, metadata" },
};

/** The package's version, from its package.json (two levels above src/cli and dist/cli alike). */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export function mainHelp(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "Usage: nabla <command> [flags]",
    "",
    "Deep learning in TypeScript, from the shell.",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(w)}  ${c.summary}`),
    "",
    "Flags:",
    "  --help, -h     show help (nabla <command> --help for a command's flags)",
    "  --version, -v  print the version",
    "",
    "Start with:  nabla train      (trains on the built-in 8×8 digits; ≥ 95% validation accuracy in seconds)",
    "Exit codes: 0 success, 1 bad input (file, column, value, model), 2 bad command line, 3 internal error.",
    "Set NABLA_DEBUG=1 to see stack traces. Docs: docs/cli.md",
    "",
  ].join("\n");
}

/**
 * Runs the command line and returns the exit code (it never throws and never calls process.exit, so it can
 * be called from tests and from other programs).
 */
export async function main(argv: readonly string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const name = argv[0];
  let command: string | undefined;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      const topic = name === "help" ? argv[1] : undefined;
      if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) return await COMMANDS[topic]!.run(["--help"], io);
      io.stdout.write(mainHelp());
      return name === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (name === "--version" || name === "-v" || name === "version") {
      io.stdout.write(`nabla ${version()}\n`);
      return EXIT_OK;
    }
    if (!Object.hasOwn(COMMANDS, name)) {
      if (name.startsWith("-")) throw new UsageError(`a command comes first (train, evaluate, predict, tune, info), got the flag ${name}; e.g. nabla train ${argv.join(" ")}`);
      throw new UsageError(`unknown command ${JSON.stringify(name)}${suggestion(name, Object.keys(COMMANDS), (s) => `"${s}"`)} (commands: ${Object.keys(COMMANDS).join(", ")})`);
    }
    command = name;
    return await COMMANDS[name]!.run(argv.slice(1), io);
  } catch (e) {
    io.stderr.write(`${formatError(e, command)}\n`);
    if (process.env.NABLA_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return exitCodeOf(e);
  }
}
