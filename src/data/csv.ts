/**
 * Reading CSV files into tables and tensors.
 *
 * - `parseCsv(text)` and `readCsv(path)` give a `CsvTable`: the header, raw string cells, and columns by
 *   name (`table.numericColumn("age")`, `table.columns`), plus `table.toTensors({ target })` to pick feature
 *   columns and a target column into `x` `[N, F]` float32 and `y` (int32 class ids or float32 values).
 * - `csvRows(pathOrStream)` streams a large file record by record (an async iterator; memory stays flat).
 * - Quoted fields follow RFC 4180 (delimiters, quotes and newlines inside quotes). Missing values (by default
 *   `""`, `"NA"`, `"NaN"`, `"?"`) become NaN, or an error with `missing: "error"`.
 * - Every error names the line and column: `iris.csv: line 7, column 3 ("petal_width"): expected a number, got "abc".`
 *
 * ```ts
 * const table = parseCsv("x1,x2,label\n1,2,cat\n3,4,dog\n");
 * table.numericColumn("x2");                     // Float64Array [2, 4]
 * const { x, y, classes } = table.toTensors({ target: "label" }); // x [2,2], y int32 [0, 1], classes ["cat", "dog"]
 * for await (const row of csvRows("big.csv")) row.fields; // streaming
 * ```
 */
import { ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { CsvTokenizer, type CsvRecord } from "./csv-tokenizer.js";
import { LabelEncoder } from "./preprocessing/label-encoder.js";
import type { Category } from "./preprocessing/categories.js";

/** An error in CSV input; `line` and `column` (1-based, when known) locate it. */
export class CsvError extends ValueError {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = "CsvError";
  }
}

export interface CsvOptions {
  /** Field separator (default ","). */
  delimiter?: string;
  /** The first record holds the column names (default true). */
  header?: boolean;
  /** Column names to use (required length = field count); default: the header, or "0", "1", ... without one. */
  columns?: string[];
  /** Cells that mean "missing" (compared after trimming; default `["", "NA", "NaN", "?"]`). */
  naValues?: string[];
  /** What a missing value in a numeric column becomes: NaN (default) or an error naming its line and column. */
  missing?: "nan" | "error";
  /** Name used in error messages (readCsv uses the path). */
  source?: string;
}

const DEFAULT_NA = ["", "NA", "NaN", "?"];
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(inity)?$/i;

/** Parses one cell as a number: decimal or scientific notation, or ±inf; anything else gives null. */
export function parseNumber(cell: string): number | null {
  const s = cell.trim();
  if (NUMBER.test(s)) return Number(s);
  const m = INFINITY.exec(s);
  if (m) return m[1] === "-" ? -Infinity : Infinity;
  return null;
}

/** Options for `toTensors`. */
export interface ToTensorsOptions {
  /** The target column's name. */
  target: string;
  /** Feature columns (default: every column except the target), in this order. */
  features?: string[];
  /**
   * "classify": the target's distinct values (sorted) become int32 ids 0..K−1;
   * "regress": the target must be numeric, y is float32;
   * "auto" (default): classify when the target is non-numeric or all integers, else regress.
   */
  task?: "classify" | "regress" | "auto";
}

export interface CsvTensors {
  x: Tensor;
  y: Tensor;
  featureNames: string[];
  targetName: string;
  task: "classify" | "regress";
  /** For classification: the label of each class id (`classes[y[i]]`). */
  classes?: Category[];
}

/** A parsed CSV: column names, raw cells, and typed access by column name. */
export class CsvTable {
  readonly header: readonly string[];
  /** Raw cells, one array per record. */
  readonly rows: readonly (readonly string[])[];
  /** The line each row starts on (for messages). */
  readonly lines: readonly number[];
  readonly naValues: ReadonlySet<string>;
  readonly missing: "nan" | "error";
  readonly source: string;
  private readonly index: Map<string, number>;

  constructor(header: readonly string[], rows: readonly (readonly string[])[], lines: readonly number[], { naValues = DEFAULT_NA, missing = "nan", source = "csv" }: Pick<CsvOptions, "naValues" | "missing" | "source"> = {}) {
    this.header = header;
    this.rows = rows;
    this.lines = lines;
    this.naValues = new Set(naValues);
    this.missing = missing;
    this.source = source;
    this.index = new Map();
    header.forEach((h, j) => {
      if (this.index.has(h)) throw new CsvError(`${source}: the header names column ${JSON.stringify(h)} twice (columns ${this.index.get(h)! + 1} and ${j + 1}); rename one.`, lines[0], j + 1);
      this.index.set(h, j);
    });
  }

  get numRows(): number {
    return this.rows.length;
  }

  get numColumns(): number {
    return this.header.length;
  }

  /** The position of column `name`; an unknown name is an error listing the columns. */
  columnIndex(name: string): number {
    const j = this.index.get(name);
    if (j === undefined) {
      throw new CsvError(`${this.source}: no column named ${JSON.stringify(name)}; the columns are ${this.header.map((h) => JSON.stringify(h)).join(", ")}.`);
    }
    return j;
  }

  /** The raw cells of a column. */
  column(name: string): string[] {
    const j = this.columnIndex(name);
    return this.rows.map((r) => r[j]!);
  }

  /** True when the cell is one of the missing-value markers. */
  isMissing(cell: string): boolean {
    return this.naValues.has(cell.trim());
  }

  /**
   * A column as numbers: missing cells are NaN (or an error with `missing: "error"`); a non-numeric cell is
   * an error naming its line and column.
   */
  numericColumn(name: string): Float64Array {
    const j = this.columnIndex(name);
    const out = new Float64Array(this.rows.length);
    this.rows.forEach((r, i) => {
      out[i] = this.cellNumber(r[j]!, i, j);
    });
    return out;
  }

  private cellNumber(cell: string, i: number, j: number): number {
    const where = `${this.source}: line ${this.lines[i]}, column ${j + 1} (${JSON.stringify(this.header[j])})`;
    const v = parseNumber(cell);
    if (v !== null) return v;
    if (this.isMissing(cell)) {
      if (this.missing === "error") {
        throw new CsvError(`${where}: missing value ${JSON.stringify(cell)}. Fill it in, or pass missing: "nan" to read it as NaN.`, this.lines[i], j + 1);
      }
      return NaN;
    }
    throw new CsvError(`${where}: expected a number, got ${JSON.stringify(cell)}.`, this.lines[i], j + 1);
  }

  /** True when every non-missing cell of the column parses as a number. */
  isNumeric(name: string): boolean {
    const j = this.columnIndex(name);
    return this.rows.every((r) => parseNumber(r[j]!) !== null || this.isMissing(r[j]!));
  }

  /** Every column by name: numeric columns as Float64Array (NaN for missing), the others as strings. */
  get columns(): Record<string, Float64Array | string[]> {
    const out: Record<string, Float64Array | string[]> = {};
    for (const name of this.header) out[name] = this.isNumeric(name) ? this.numericColumn(name) : this.column(name);
    return out;
  }

  /** Features `[N, F]` float32 and the target as tensors; see ToTensorsOptions. */
  toTensors(opts: ToTensorsOptions): CsvTensors {
    return csvToTensors(this, opts);
  }
}

/**
 * Picks feature columns and a target column of a table into tensors. Feature columns must be numeric (a
 * text cell is an error naming its line and column; encode categorical columns with OneHotEncoder first);
 * a regression target may not have missing values.
 */
export function csvToTensors(table: CsvTable, { target, features, task = "auto" }: ToTensorsOptions): CsvTensors {
  const tj = table.columnIndex(target);
  const featureNames = features ?? table.header.filter((h) => h !== target);
  if (featureNames.length === 0) throw new CsvError(`${table.source}: no feature columns left besides the target ${JSON.stringify(target)}.`);
  if (featureNames.includes(target)) throw new CsvError(`${table.source}: the target ${JSON.stringify(target)} is also listed as a feature.`);
  const n = table.numRows, f = featureNames.length;
  const x = new Float32Array(n * f);
  featureNames.forEach((name, k) => {
    const col = table.numericColumn(name);
    for (let i = 0; i < n; i++) x[i * f + k] = col[i]!;
  });
  const raw = table.column(target);
  const numeric = table.isNumeric(target);
  const missingAt = raw.findIndex((c) => table.isMissing(c) && parseNumber(c) === null);
  if (missingAt >= 0) {
    throw new CsvError(
      `${table.source}: line ${table.lines[missingAt]}, column ${tj + 1} (${JSON.stringify(target)}): the target is missing (${JSON.stringify(raw[missingAt])}); drop that row or fill it in.`,
      table.lines[missingAt], tj + 1,
    );
  }
  const values = numeric ? Array.from(table.numericColumn(target)) : null;
  const resolved = task === "auto" ? (!values || values.every(Number.isInteger) ? "classify" : "regress") : task;
  if (resolved === "regress") {
    if (!values) table.numericColumn(target); // throws naming the first non-numeric cell
    return { x: tensor(x, { shape: [n, f] }), y: tensor(Float32Array.from(values!)), featureNames, targetName: target, task: "regress" };
  }
  const enc = new LabelEncoder().fit(values ?? raw);
  return { x: tensor(x, { shape: [n, f] }), y: enc.transform(values ?? raw), featureNames, targetName: target, task: "classify", classes: enc.classes };
}

/** Builds a table from records, checking every record has the header's field count. */
function tableFromRecords(records: CsvRecord[], opts: CsvOptions): CsvTable {
  const source = opts.source ?? "parseCsv";
  const { header, first } = headerOf(records[0], opts, source);
  const rows: string[][] = [], lines: number[] = [];
  for (let r = first; r < records.length; r++) {
    const rec = records[r]!;
    checkFieldCount(rec, header, source);
    rows.push(rec.fields);
    lines.push(rec.line);
  }
  return new CsvTable(header, rows, lines, { naValues: opts.naValues, missing: opts.missing, source });
}

function headerOf(rec: CsvRecord | undefined, opts: CsvOptions, source: string): { header: string[]; first: number } {
  const { header: hasHeader = true, columns } = opts;
  if (!rec) {
    if (columns) return { header: [...columns], first: 0 };
    throw new CsvError(`${source}: the input is empty${hasHeader ? " (no header line)" : ""}.`);
  }
  const header = columns ? [...columns] : hasHeader ? rec.fields.map((h) => h.trim()) : rec.fields.map((_, j) => String(j));
  if (columns && hasHeader && columns.length !== rec.fields.length) {
    throw new CsvError(`${source}: columns names ${columns.length} columns but the header line has ${rec.fields.length} fields.`, rec.line);
  }
  return { header, first: hasHeader ? 1 : 0 };
}

function checkFieldCount(rec: CsvRecord, header: readonly string[], source: string): void {
  if (rec.fields.length !== header.length) {
    throw new CsvError(
      `${source}: line ${rec.line} has ${rec.fields.length} field${rec.fields.length === 1 ? "" : "s"}, expected ${header.length} (as in the header). ` +
        "Check for an unquoted delimiter inside a value, or a missing one.",
      rec.line,
    );
  }
}

/**
 * Parses CSV text into a table.
 * ```ts
 * parseCsv('name,score\n"Smith, J.",3.5\n').column("name"); // ["Smith, J."]
 * ```
 */
export function parseCsv(text: string, opts: CsvOptions = {}): CsvTable {
  const tok = new CsvTokenizer({ delimiter: opts.delimiter, source: opts.source ?? "parseCsv" });
  const records = [...tok.push(text), ...tok.end()];
  return tableFromRecords(records, opts);
}

/** A file path, a Node readable stream, or any async iterable of text or byte chunks. */
export type CsvSource = string | AsyncIterable<string | Uint8Array>;

/** One record of a streamed CSV. */
export interface CsvRow {
  line: number;
  fields: string[];
  /** The column names (the same array for every row). */
  header: readonly string[];
}

/**
 * Streams a CSV record by record, validating field counts against the header: memory stays flat however
 * large the file. A string is a file path (read with node:fs); pass a stream or async iterable otherwise.
 * ```ts
 * let sum = 0;
 * for await (const row of csvRows("data.csv")) sum += parseNumber(row.fields[0]) ?? 0;
 * ```
 */
export function csvRows(source: CsvSource, opts: CsvOptions = {}): AsyncGenerator<CsvRow> {
  return rowStream(source, opts, { header: null });
}

async function* rowStream(source: CsvSource, opts: CsvOptions, state: { header: string[] | null }): AsyncGenerator<CsvRow> {
  const name = opts.source ?? (typeof source === "string" ? source : "csvRows");
  const chunks: AsyncIterable<string | Uint8Array> = typeof source === "string" ? await openFile(source) : source;
  const tok = new CsvTokenizer({ delimiter: opts.delimiter, source: name });
  const decoder = new TextDecoder("utf-8");
  let first = true;
  const emit = function* (records: CsvRecord[]): Generator<CsvRow> {
    for (const rec of records) {
      if (first) {
        first = false;
        const h = headerOf(rec, opts, name);
        state.header = h.header;
        if (h.first === 1) continue;
      }
      checkFieldCount(rec, state.header!, name);
      yield { line: rec.line, fields: rec.fields, header: state.header! };
    }
  };
  for await (const chunk of chunks) {
    yield* emit(tok.push(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true })));
  }
  yield* emit([...tok.push(decoder.decode()), ...tok.end()]);
  if (first) state.header = headerOf(undefined, opts, name).header; // empty input: an error unless columns are given
}

async function openFile(path: string): Promise<AsyncIterable<Uint8Array>> {
  const fs = await import("node:fs");
  try {
    await fs.promises.access(path, fs.constants.R_OK);
  } catch {
    throw new CsvError(`readCsv: cannot read the file ${JSON.stringify(path)} (it does not exist or is not readable).`);
  }
  return fs.createReadStream(path, { highWaterMark: 1 << 16 });
}

/**
 * Reads a whole CSV file (streamed through the tokenizer) into a table.
 * ```ts
 * const table = await readCsv("iris.csv");
 * const { x, y } = table.toTensors({ target: "species" });
 * ```
 */
export async function readCsv(source: CsvSource, opts: CsvOptions = {}): Promise<CsvTable> {
  const name = opts.source ?? (typeof source === "string" ? source : "readCsv");
  const rows: string[][] = [], lines: number[] = [];
  const state: { header: string[] | null } = { header: null };
  for await (const row of rowStream(source, { ...opts, source: name }, state)) {
    rows.push(row.fields);
    lines.push(row.line);
  }
  return new CsvTable(state.header!, rows, lines, { naValues: opts.naValues, missing: opts.missing, source: name });
}
