/**
 * `nabla evaluate`: scores a model directory written by `nabla train` on a labelled CSV file: the loss and
 * accuracy (classification) or the loss, MSE, MAE and R² (regression), as a table or one JSON line.
 *
 * ```sh
 * nabla evaluate --model iris-model --data iris-test.csv
 * nabla evaluate --model houses --data test.csv --target price --json
 * ```
 */
import { basename } from "node:path";
import { flag, formatHelp, parseArgs, type CommandHelp } from "./args.js";
import { backendFlag, count, outputFlags, printer, selectBackend, type CliIO } from "./common.js";
import { UsageError } from "./errors.js";
import { loadBundle } from "./model-dir.js";
import { scoreModel } from "./scores.js";
import { metricsTable } from "./table.js";
import { encodeKnownLabels, featureMatrix, numericTarget, readTable } from "./tabular-data.js";

const spec = {
  model: flag.str("the model directory (written by nabla train)", { default: undefined, placeholder: "DIR", defaultText: "required" }),
  data: flag.str("CSV file with the model's feature columns and the target column", { default: undefined, placeholder: "PATH", defaultText: "required" }),
  target: flag.str("the target column", { default: undefined, placeholder: "COLUMN", defaultText: "the model's target name" }),
  backend: backendFlag,
  ...outputFlags,
};

const help: CommandHelp = {
  name: "evaluate",
  usage: "nabla evaluate --model DIR --data FILE.csv [--target COLUMN] [--json]",
  summary: "Score a trained model on labelled data: loss and accuracy (classification), or loss, MSE, MAE and R² (regression).",
  details: ["The CSV needs the model's feature columns (by name, in any order; other columns are ignored) and the target column."],
  examples: ["nabla evaluate --model nabla-model --data test.csv", "nabla evaluate --model houses --data test.csv --target price --json"],
};

export async function evaluateCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags: f, help: wantHelp } = parseArgs("evaluate", spec, argv);
  if (wantHelp) {
    io.stdout.write(formatHelp(help, spec));
    return 0;
  }
  if (f.model === undefined) throw new UsageError("--model DIR is required (a directory written by nabla train)");
  if (f.data === undefined) throw new UsageError("--data FILE.csv is required (rows with the model's features and the target)");
  const p = printer(io, f);
  selectBackend(f.backend);
  const b = await loadBundle(f.model);
  const table = await readTable(f.data);
  const target = f.target ?? b.meta.targetName;
  const x = featureMatrix(table, b.meta.featureNames, "");
  const y = b.meta.task === "classify" ? encodeKnownLabels(table, target, b.meta.classes ?? b.labels!.classes) : numericTarget(table, target);
  const scores = scoreModel(b.model, b.scaler.transform(x), y, { task: b.meta.task, targetScaler: b.targetScaler });
  p.say(`model: ${f.model} (${b.meta.task}, target "${b.meta.targetName}")   data: ${f.data}: ${count(table.numRows)} rows`);
  p.say("");
  p.say(metricsTable({ [basename(f.data)]: scores }));
  p.json({ command: "evaluate", model: f.model, data: f.data, rows: table.numRows, task: b.meta.task, ...scores });
  return 0;
}
