/**
 * The command line's view of a data set: a CSV file (or the built-in digits) turned into a feature matrix
 * and a target, with every check the commands need and errors that name the file, line, column and fix:
 *
 * - a missing file, an unknown column (the columns are listed), a text or empty cell in a feature column;
 * - a column named `id` (any case) is an identifier, not a feature; `ignore` leaves out others;
 * - the task: `classify` needs a text or integer target with a few classes; `regress` needs numbers. With no
 *   `--task`, text targets and integer targets with at most 20 distinct values (and fewer than half the
 *   rows) are classified, the rest regressed.
 *
 * ```ts
 * const table = await readTable("iris.csv");
 * const d = tabularData(table, { target: "species" }); // x [150, 4], y int32, task "classify", classes [...]
 * ```
 */
import { promises as fs } from "node:fs";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { readCsv, parseNumber, type CsvTable } from "../data/csv.js";
import { loadDigits } from "../data/datasets/digits.js";
import { LabelEncoder } from "../data/preprocessing/label-encoder.js";
import type { Category } from "../data/preprocessing/categories.js";
import { InputError, UsageError, suggestion } from "./errors.js";

export type Task = "classify" | "regress";

/** Features and target of a data set, ready for training. */
export interface TabularData {
  /** Features, float32 [N, F]. */
  x: Tensor;
  /** Class ids (int32 [N]) or values (float32 [N]). */
  y: Tensor;
  featureNames: string[];
  targetName: string;
  task: Task;
  /** Class labels, `classes[id]` (classification). */
  classes?: Category[];
  /** Where the data came from (a path, or "digits (built-in)"). */
  source: string;
  /** Why the task is what it is (for the run's header). */
  taskNote: string;
  /** Columns left out as identifiers (named "id"). */
  idColumns?: string[];
}

/** At most this many distinct integer values make an integer target a classification target when auto-detecting. */
export const AUTO_MAX_CLASSES = 20;
/** With `--task classify`, a numeric target with more classes than this is refused as continuous. */
export const MAX_CLASSES = 100;

/** Reads a CSV file, with errors for a missing path, a directory, or an empty file. */
export async function readTable(path: string, flagName = "--data"): Promise<CsvTable> {
  let st;
  try {
    st = await fs.stat(path);
  } catch {
    throw new InputError(`${flagName}: no such file: ${path}`);
  }
  if (st.isDirectory()) throw new InputError(`${flagName}: ${path} is a directory, not a CSV file`);
  const table = await readCsv(path);
  if (table.numRows === 0) throw new InputError(`${path} has a header but no data rows`);
  return table;
}

/** The built-in digits as tabular data: 1,797 8×8 images of pixel counts 0..16, 10 classes. */
export function digitsData(): TabularData {
  const d = loadDigits();
  return {
    x: d.x, y: d.y, featureNames: d.featureNames, targetName: "digit", task: "classify",
    classes: d.targetNames.map(Number), source: "digits (built-in 8×8 images of handwritten digits)", taskNote: "10 classes",
  };
}

/** A column's index, with an error that lists the columns (and a "did you mean"). */
export function columnOf(table: CsvTable, name: string, flagName: string): number {
  const j = table.header.indexOf(name);
  if (j >= 0) return j;
  const cols = table.header.map((h) => JSON.stringify(h)).join(", ");
  throw new InputError(`${flagName}: ${table.source} has no column ${JSON.stringify(name)}${suggestion(name, table.header, (s) => JSON.stringify(s))} (its columns: ${cols})`);
}

/**
 * The feature columns as a float32 matrix [N, F]. Every cell must be a number: a text cell or a missing one
 * is an error naming the line and column, with the fix (`--ignore` for a column that is not a feature).
 */
export function featureMatrix(table: CsvTable, featureNames: readonly string[], flagHint = "--ignore"): Tensor {
  const n = table.numRows, f = featureNames.length;
  const absent = featureNames.filter((name) => !table.header.includes(name));
  if (absent.length > 0) {
    throw new InputError(`${table.source} lacks the feature column${absent.length > 1 ? "s" : ""} ${absent.slice(0, 8).map((a) => JSON.stringify(a)).join(", ")}${absent.length > 8 ? `, ... (${absent.length} in all)` : ""} ` +
      `that the model was trained on (its columns: ${table.header.map((h) => JSON.stringify(h)).join(", ")})`);
  }
  const out = new Float32Array(n * f);
  featureNames.forEach((name, k) => {
    const j = table.header.indexOf(name);
    for (let i = 0; i < n; i++) {
      const cell = table.rows[i]![j]!;
      const v = parseNumber(cell);
      if (v === null) {
        const where = `${table.source}: line ${table.lines[i]}, column ${j + 1} (${JSON.stringify(name)})`;
        const fix = flagHint ? `, or leave the column out with ${flagHint} ${name}` : "";
        if (table.isMissing(cell)) throw new InputError(`${where}: ${cell.trim() === "" ? "empty cell" : `missing value ${JSON.stringify(cell)}`}; every feature needs a number (fill it in${fix})`);
        const textColumn = table.rows.filter((r) => parseNumber(r[j]!) === null).length > n / 2;
        throw new InputError(`${where}: expected a number, got ${JSON.stringify(cell)}` +
          (textColumn ? `; the column holds text (encode it as numbers${fix})` : `; fix the cell${fix}`));
      }
      out[i * f + k] = v;
    }
  });
  return tensor(out, { shape: [n, f] });
}

export interface TabularOptions {
  /** The target column (default: the last column). */
  target?: string;
  /** "classify", "regress", or undefined to detect. */
  task?: Task;
  /** Columns that are neither features nor the target (ids, notes). */
  ignore?: readonly string[];
}

/** Features, target and task of a table, checked (see the file's doc comment for the rules). */
export function tabularData(table: CsvTable, { target, task, ignore = [] }: TabularOptions): TabularData {
  const targetName = target ?? table.header[table.header.length - 1]!;
  const tj = columnOf(table, targetName, "--target");
  for (const c of ignore) {
    columnOf(table, c, "--ignore");
    if (c === targetName) throw new UsageError(`--ignore: ${JSON.stringify(c)} is the target column; it cannot also be ignored`);
  }
  // A column called "id" is an identifier, not a feature (predict copies it to its output).
  const idColumns = table.header.filter((h) => h.toLowerCase() === "id" && h !== targetName && !ignore.includes(h));
  const featureNames = table.header.filter((h) => h !== targetName && !ignore.includes(h) && !idColumns.includes(h));
  if (featureNames.length === 0) throw new InputError(`${table.source}: no feature columns are left besides the target ${JSON.stringify(targetName)}`);
  const x = featureMatrix(table, featureNames);

  const raw = table.rows.map((r) => r[tj]!);
  const where = (i: number) => `${table.source}: line ${table.lines[i]}, column ${tj + 1} (${JSON.stringify(targetName)})`;
  const missingAt = raw.findIndex((c) => parseNumber(c) === null && table.isMissing(c));
  if (missingAt >= 0) throw new InputError(`${where(missingAt)}: the target is missing (${JSON.stringify(raw[missingAt])}); fill it in or drop the row`);
  const nums = raw.map(parseNumber);
  const textAt = nums.findIndex((v) => v === null);
  const distinct = new Set(raw.map((c, i) => (nums[i] ?? c.trim()))).size;
  const nonInteger = nums.findIndex((v) => v !== null && !Number.isInteger(v));
  const n = raw.length;

  let resolved: Task, taskNote: string;
  if (task === "regress") {
    if (textAt >= 0) {
      throw new InputError(`${where(textAt)}: --task regress needs a numeric target, got ${JSON.stringify(raw[textAt])}; use --task classify for class labels`);
    }
    resolved = "regress";
    taskNote = "--task regress";
  } else if (task === "classify") {
    if (textAt < 0 && nonInteger >= 0) {
      throw new InputError(`--task classify: the target ${JSON.stringify(targetName)} holds non-integer numbers (${JSON.stringify(raw[nonInteger])} at line ${table.lines[nonInteger]}), so it looks continuous; use --task regress, or integer or text class labels`);
    }
    if (textAt < 0 && (distinct > MAX_CLASSES || distinct > n / 2) && distinct > 2) {
      throw new InputError(`--task classify: the target ${JSON.stringify(targetName)} has ${distinct} distinct values in ${n} rows, which looks continuous rather than classes; use --task regress`);
    }
    resolved = "classify";
    taskNote = `--task classify, ${distinct} classes`;
  } else if (textAt >= 0) {
    resolved = "classify";
    taskNote = `auto: text labels, ${distinct} classes`;
  } else if (nonInteger < 0 && distinct <= AUTO_MAX_CLASSES && (distinct <= n / 2 || distinct <= 2)) {
    resolved = "classify";
    taskNote = `auto: ${distinct} integer classes; use --task regress to predict the numbers`;
  } else {
    resolved = "regress";
    taskNote = nonInteger >= 0 ? "auto: non-integer numbers" : `auto: ${distinct} distinct integers; use --task classify for classes`;
  }

  if (resolved === "regress") {
    return { x, y: tensor(Float32Array.from(nums as number[])), featureNames, targetName, task: "regress", source: table.source, taskNote, idColumns };
  }
  if (distinct < 2) throw new InputError(`${table.source}: the target ${JSON.stringify(targetName)} has a single class (${JSON.stringify(raw[0])}); classification needs at least 2`);
  const labels = textAt >= 0 ? raw.map((c) => c.trim()) : (nums as number[]);
  const enc = new LabelEncoder().fit(labels);
  return { x, y: enc.transform(labels), featureNames, targetName, task: "classify", classes: enc.classes, source: table.source, taskNote, idColumns };
}

/**
 * Class ids of a column for a trained classifier: every label must be one it knows (an unknown one is an
 * error naming its line and the known classes).
 */
export function encodeKnownLabels(table: CsvTable, column: string, classes: readonly Category[]): Tensor {
  const j = columnOf(table, column, "--target");
  const numeric = classes.every((c) => typeof c === "number");
  const index = new Map<Category, number>(classes.map((c, k) => [c, k]));
  const ids = new Int32Array(table.numRows);
  table.rows.forEach((r, i) => {
    const cell = r[j]!.trim();
    const key: Category | null = numeric ? parseNumber(cell) : cell;
    const id = key === null ? undefined : index.get(key);
    if (id === undefined) {
      throw new InputError(`${table.source}: line ${table.lines[i]}, column ${j + 1} (${JSON.stringify(column)}): the class ${JSON.stringify(cell)} was not seen in training (the model knows ${classes.map((c) => JSON.stringify(c)).join(", ")})`);
    }
    ids[i] = id;
  });
  return tensor(ids);
}

/** A numeric target column as float32 values (a text or missing cell is an error naming its line). */
export function numericTarget(table: CsvTable, column: string): Tensor {
  const j = columnOf(table, column, "--target");
  const out = new Float32Array(table.numRows);
  table.rows.forEach((r, i) => {
    const v = parseNumber(r[j]!);
    if (v === null) throw new InputError(`${table.source}: line ${table.lines[i]}, column ${j + 1} (${JSON.stringify(column)}): expected a number for the regression target, got ${JSON.stringify(r[j])}`);
    out[i] = v;
  });
  return tensor(out);
}
