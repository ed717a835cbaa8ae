/**
 * `nabla predict`: CSV in, CSV out. Reads the model's feature columns (by name) from every row and writes
 * one output row per input row: the id column (when asked for, or when the input has an `id` column that is
 * not a feature), the prediction under the target's name, and for a classifier one `prob_<class>` column per
 * class. To stdout, or atomically to `--out`.
 *
 * ```sh
 * nabla predict --model iris-model --data new-flowers.csv > predictions.csv
 * nabla predict --model iris-model --data new-flowers.csv --id plant_id --out predictions.csv
 * ```
 */
import { promises as fs } from "node:fs";
import { flag, formatHelp, parseArgs, type CommandHelp } from "./args.js";
import { backendFlag, count, outputFlags, printer, selectBackend, type CliIO } from "./common.js";
import { InputError, UsageError } from "./errors.js";
import { loadBundle, predictBundle } from "./model-dir.js";
import { columnOf, featureMatrix, readTable } from "./tabular-data.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import type { CsvTable } from "../data/csv.js";

const spec = {
  model: flag.str("the model directory (written by nabla train)", { default: undefined, placeholder: "DIR", defaultText: "required" }),
  data: flag.str("CSV file with the model's feature columns (other columns are ignored)", { default: undefined, placeholder: "PATH", defaultText: "required" }),
  out: flag.str("write the predictions CSV here instead of to stdout", { default: undefined, placeholder: "FILE" }),
  id: flag.str("copy this input column to the output as the first column", { default: undefined, placeholder: "COLUMN", defaultText: "a column named id, if any" }),
  backend: backendFlag,
  ...outputFlags,
};

const help: CommandHelp = {
  name: "predict",
  usage: "nabla predict --model DIR --data FILE.csv [--out predictions.csv] [--id COLUMN]",
  summary: "Predict every row of a CSV file with a trained model; writes a CSV with one row per input row.",
  details: [
    "Output columns: the id column (if any), the prediction (named after the target: the class label, or the value), and " +
      "for classifiers the probability of each class (prob_<class>).",
  ],
  examples: [
    "nabla predict --model nabla-model --data new.csv > predictions.csv",
    "nabla predict --model iris-model --data flowers.csv --id plant_id --out predictions.csv",
  ],
};

/** A CSV field, quoted when it holds a delimiter, a quote or a line break (RFC 4180). */
export const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

const num = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(7))) : "NaN");

export async function predictCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags: f, help: wantHelp } = parseArgs("predict", spec, argv);
  if (wantHelp) {
    io.stdout.write(formatHelp(help, spec));
    return 0;
  }
  if (f.model === undefined) throw new UsageError("--model DIR is required (a directory written by nabla train)");
  if (f.data === undefined) throw new UsageError("--data FILE.csv is required (rows with the model's feature columns)");
  if (f.json && f.out === undefined) throw new UsageError("--json needs --out FILE (without it, the predictions CSV is what goes to stdout)");
  const p = printer(io, f);
  if (f.out !== undefined) {
    const st = await fs.stat(f.out).catch(() => null);
    if (st?.isDirectory()) throw new InputError(`--out: ${f.out} is a directory; give a file name such as ${f.out}/predictions.csv`);
  }
  selectBackend(f.backend);
  const b = await loadBundle(f.model);
  const table = await readTable(f.data);
  const idCol = idColumn(table, f.id, b.meta.featureNames);
  const x = featureMatrix(table, b.meta.featureNames, "");
  const pred = predictBundle(b, x);

  const classes = b.meta.classes ?? b.labels?.classes ?? [];
  const header = [...(idCol !== undefined ? [table.header[idCol]!] : []), b.meta.targetName, ...(pred.probabilities ? classes.map((c) => `prob_${c}`) : [])];
  const k = classes.length;
  const lines = [header.map(csvField).join(",")];
  for (let i = 0; i < table.numRows; i++) {
    const cells = idCol !== undefined ? [table.rows[i]![idCol]!] : [];
    if (pred.ids) {
      cells.push(String(classes[pred.ids[i]!]));
      for (let c = 0; c < k; c++) cells.push(num(pred.probabilities![i * k + c]!));
    } else cells.push(num(pred.values![i]!));
    lines.push(cells.map(csvField).join(","));
  }
  const text = lines.join("\n") + "\n";
  if (f.out === undefined) {
    io.stdout.write(text);
    return 0;
  }
  await writeFileAtomic(f.out, text);
  p.say(`wrote ${count(table.numRows)} predictions (${header.join(", ")}) to ${f.out}`);
  p.json({ command: "predict", model: f.model, data: f.data, out: f.out, rows: table.numRows, columns: header });
  return 0;
}

/** The id column: the one named by --id, else a column called "id" (any case) that is not a feature. */
function idColumn(table: CsvTable, id: string | undefined, features: readonly string[]): number | undefined {
  if (id !== undefined) return columnOf(table, id, "--id");
  const j = table.header.findIndex((h) => h.toLowerCase() === "id" && !features.includes(h));
  return j >= 0 ? j : undefined;
}
