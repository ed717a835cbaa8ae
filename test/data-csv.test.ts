// CSV: RFC 4180 quoting, missing values, numeric parsing, errors with line and column, streaming, tensors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { CsvTokenizer } from "../src/data/csv-tokenizer.js";
import { CsvError, csvRows, parseCsv, parseNumber, readCsv } from "../src/data/csv.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-csv-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("tokenizer: quotes with delimiters, doubled quotes, newlines; CRLF; chunk boundaries anywhere", () => {
  const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n1,,3\n\n"",2,3';
  const whole = (() => { const t = new CsvTokenizer(); return [...t.push(text), ...t.end()]; })();
  assert.deepEqual(whole.map((r) => r.fields), [["a", "b", "c"], ["x, y", 'say "hi"', "two\nlines"], ["1", "", "3"], ["", "2", "3"]]);
  assert.deepEqual(whole.map((r) => r.line), [1, 2, 4, 6]); // the quoted newline moves the next record to line 4; line 5 is empty
  // every split point of the text gives the same records
  for (let cut = 0; cut <= text.length; cut++) {
    const t = new CsvTokenizer();
    const recs = [...t.push(text.slice(0, cut)), ...t.push(text.slice(cut)), ...t.end()];
    assert.deepEqual(recs, whole, `split at ${cut}`);
  }
  const crlf = 'a,"x\r\ny\r\nz"\r\nb,c\r\n';
  for (let cut = 0; cut <= crlf.length; cut++) {
    const t = new CsvTokenizer();
    const recs = [...t.push(crlf.slice(0, cut)), ...t.push(crlf.slice(cut)), ...t.end()];
    assert.deepEqual(recs, [{ line: 1, fields: ["a", "x\r\ny\r\nz"] }, { line: 4, fields: ["b", "c"] }], `CRLF split at ${cut}`);
  }
  const semi = new CsvTokenizer({ delimiter: ";" });
  assert.deepEqual([...semi.push("1,5;2\n"), ...semi.end()][0]!.fields, ["1,5", "2"]);
  assert.throws(() => { const t = new CsvTokenizer(); t.push('a,"open\n1,2\n'); t.end(); }, /line 1: a quoted field starts here but is never closed/);
  assert.throws(() => new CsvTokenizer().push('"ab"c,1\n'), /line 1, field 1: unexpected "c" after a closing quote/);
  assert.deepEqual(new CsvTokenizer().push("\ufeffh\n")[0]!.fields, ["h"], "byte-order mark dropped");
});

test("parseNumber: decimals, exponents, infinities; rejects the rest", () => {
  assert.equal(parseNumber(" -1.5e3 "), -1500);
  assert.equal(parseNumber(".5"), 0.5);
  assert.equal(parseNumber("7."), 7);
  assert.equal(parseNumber("-inf"), -Infinity);
  for (const bad of ["0x10", "1,5", "abc", "", "1e", "--1"]) assert.equal(parseNumber(bad), null, bad);
});

const IRIS_LIKE = `sepal_length,sepal_width,species
5.1,3.5,setosa
4.9,NA,setosa
"6.3",3.3,virginica
5.8,?,versicolor
`;

test("parseCsv: columns by name, numeric columns with missing values as NaN", () => {
  const t = parseCsv(IRIS_LIKE);
  assert.deepEqual(t.header, ["sepal_length", "sepal_width", "species"]);
  assert.equal(t.numRows, 4);
  assert.deepEqual(t.column("species"), ["setosa", "setosa", "virginica", "versicolor"]);
  assert.deepEqual(Array.from(t.numericColumn("sepal_length")), [5.1, 4.9, 6.3, 5.8]);
  const w = t.numericColumn("sepal_width");
  assert.equal(w[0], 3.5);
  assert.ok(Number.isNaN(w[1]!) && Number.isNaN(w[3]!));
  assert.ok(t.columns.sepal_length instanceof Float64Array);
  assert.ok(Array.isArray(t.columns.species));
  assert.deepEqual(parseCsv("1;2\n3;4\n", { header: false, delimiter: ";" }).header, ["0", "1"]);
  assert.deepEqual(Array.from(parseCsv("a\n-\n", { naValues: ["-"] }).numericColumn("a")).map(String), ["NaN"]);
});

test("errors name the line and column: field counts, non-numeric cells, missing values, unknown columns", () => {
  assert.throws(() => parseCsv("a,b,c\n1,2,3\n4,5\n"), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    assert.equal(e.line, 3);
    assert.match(e.message, /^parseCsv: line 3 has 2 fields, expected 3 \(as in the header\)/);
    return true;
  });
  // a quoted multi-line field before the bad row: the line number still matches the file
  assert.throws(() => parseCsv('a,b\n"x\ny",1\n2,zz\n', { source: "f.csv" }).numericColumn("b"), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    assert.equal(e.message, 'f.csv: line 4, column 2 ("b"): expected a number, got "zz".');
    assert.deepEqual([e.line, e.column], [4, 2]);
    return true;
  });
  assert.throws(() => parseCsv(IRIS_LIKE, { missing: "error" }).numericColumn("sepal_width"), /line 3, column 2 \("sepal_width"\): missing value "NA"/);
  assert.throws(() => parseCsv(IRIS_LIKE).column("petal"), /no column named "petal"; the columns are "sepal_length", "sepal_width", "species"/);
  assert.throws(() => parseCsv("a,a\n1,2\n"), /names column "a" twice/);
  assert.throws(() => parseCsv(""), /the input is empty/);
});

test("toTensors: features and target into tensors; string targets label-encoded; regression targets", () => {
  const t = parseCsv("f1,f2,label\n1,2,dog\n3,4,cat\n5,6,dog\n");
  const { x, y, classes, featureNames, task } = t.toTensors({ target: "label" });
  assert.deepEqual(x.toArray(), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(y.dtype, "int32");
  assert.deepEqual(y.toArray(), [1, 0, 1]);
  assert.deepEqual(classes, ["cat", "dog"]);
  assert.deepEqual(featureNames, ["f1", "f2"]);
  assert.equal(task, "classify");
  const r = parseCsv("a,b,y\n1,2,0.5\n3,4,1.25\n").toTensors({ target: "y", features: ["b"] });
  assert.equal(r.task, "regress");
  assert.equal(r.y.dtype, "float32");
  assert.deepEqual(r.y.toArray(), [0.5, 1.25]);
  assert.deepEqual(r.x.toArray(), [[2], [4]]);
  assert.deepEqual(parseCsv("a,y\n1,3\n2,1\n").toTensors({ target: "y" }).classes, [1, 3]);
  assert.equal(parseCsv("a,y\n1,3\n2,1\n").toTensors({ target: "y", task: "regress" }).y.dtype, "float32");
  assert.throws(() => parseCsv("a,y\nfoo,1\n").toTensors({ target: "y" }), /line 2, column 1 \("a"\): expected a number, got "foo"/);
  assert.throws(() => parseCsv("a,y\n1,\n").toTensors({ target: "y" }), /line 2, column 2 \("y"\): the target is missing/);
  assert.throws(() => parseCsv("a,y\n1,cat\n").toTensors({ target: "y", task: "regress" }), /expected a number, got "cat"/);
  assert.throws(() => parseCsv("a,y\n1,2\n").toTensors({ target: "z" }), /no column named "z"/);
});

test("streaming: csvRows reads a file / a Node stream record by record; readCsv reads a file", async () => {
  const path = join(dir, "big.csv");
  const n = 5000;
  const lines = ["id,value,note"];
  for (let i = 0; i < n; i++) lines.push(`${i},${i * 0.5},"note ${i}, quoted"`);
  writeFileSync(path, lines.join("\n") + "\n");
  let count = 0, sum = 0;
  for await (const row of csvRows(path)) {
    count++;
    sum += Number(row.fields[1]);
    if (count === 1) assert.deepEqual(row.header, ["id", "value", "note"]);
  }
  assert.equal(count, n);
  assert.equal(sum, (0.5 * n * (n - 1)) / 2);
  const table = await readCsv(path);
  assert.equal(table.numRows, n);
  assert.equal(table.column("note")[4999], "note 4999, quoted");
  assert.equal(table.lines[0], 2);
  // a stream in tiny chunks, cutting multi-byte characters and quotes
  const text = 'name,city\n"Zoë","Köln, DE"\nAna,Zürich\n';
  const bytes = new TextEncoder().encode(text);
  const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  const rows: string[][] = [];
  for await (const r of csvRows(Readable.from(chunks))) rows.push(r.fields);
  assert.deepEqual(rows, [["Zoë", "Köln, DE"], ["Ana", "Zürich"]]);
  writeFileSync(join(dir, "bad.csv"), "a,b\n1,2\n3\n");
  await assert.rejects(async () => { for await (const _ of csvRows(join(dir, "bad.csv"))) void _; }, /bad\.csv: line 3 has 1 field, expected 2/);
  await assert.rejects(readCsv(join(dir, "missing.csv")), /cannot read the file ".*missing\.csv"/);
  writeFileSync(join(dir, "header-only.csv"), "a,b\n");
  assert.deepEqual((await readCsv(join(dir, "header-only.csv"))).header, ["a", "b"]);
});
