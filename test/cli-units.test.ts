// The command line's pieces, in-process: the flag parser (values, ranges, typos, switches, positionals),
// "did you mean", error formatting and exit codes, task detection and CSV checks, the metrics table, and the
// SVG chart's structure and scales. The end-to-end runs (child processes) are in cli.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { flag, parseArgs, parseSizes, formatHelp, kebab } from "../src/cli/args.js";
import { UsageError, InputError, didYouMean, editDistance, exitCodeOf, formatError } from "../src/cli/errors.js";
import { ValueError } from "../src/errors.js";
import { parseCsv } from "../src/data/csv.js";
import { tabularData, featureMatrix, encodeKnownLabels } from "../src/cli/tabular-data.js";
import { metricsTable, formatMetric, formatTable } from "../src/cli/table.js";
import { chartSvg, curvesSvg, niceTicks, logTicks } from "../src/cli/svg-chart.js";
import { buildMlp } from "../src/cli/mlp.js";
import { mlpLoss } from "../src/cli/fit-mlp.js";
import { tensor } from "../src/ops/creation.js";

const spec = {
  epochs: flag.int("epochs", { default: 40, min: 1 }),
  lr: flag.num("learning rate", { default: 0.003, above: 0 }),
  batchSize: flag.int("batch", { default: 32, min: 1 }),
  task: flag.choice("task", ["classify", "regress"] as const, { default: undefined }),
  hidden: flag.custom("sizes", "SIZES", parseSizes, { default: [64] }),
  out: flag.str("dir", { default: "nabla-model" }),
  json: flag.bool("json"),
};

const usage = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof UsageError && re.test((e as Error).message));

test("parseArgs: defaults, --flag value, --flag=value, switches, kebab-case names", () => {
  const a = parseArgs("train", spec, []);
  assert.deepEqual(a.flags, { epochs: 40, lr: 0.003, batchSize: 32, task: undefined, hidden: [64], out: "nabla-model", json: false });
  assert.equal(a.given.size, 0);
  const b = parseArgs("train", spec, ["--epochs", "5", "--lr=1e-2", "--batch-size", "16", "--task", "REGRESS", "--hidden", "64,32", "--json", "--out=m"]);
  assert.deepEqual(b.flags, { epochs: 5, lr: 0.01, batchSize: 16, task: "regress", hidden: [64, 32], out: "m", json: true });
  assert.deepEqual([...b.given].sort(), ["batchSize", "epochs", "hidden", "json", "lr", "out", "task"]);
  assert.equal(parseArgs("train", spec, ["--json=false"]).flags.json, false);
  assert.deepEqual(parseArgs("train", spec, ["--hidden", "none"]).flags.hidden, []);
  assert.equal(parseArgs("train", spec, ["-h"]).help, true);
  assert.equal(kebab("earlyStopping"), "early-stopping");
});

test("parseArgs: every mistake is a UsageError with one clear message", () => {
  usage(() => parseArgs("train", spec, ["--epoch", "5"]), /^unknown flag --epoch; did you mean --epochs\? \(nabla train --help lists the flags\)$/);
  usage(() => parseArgs("train", spec, ["--batchsize", "5"]), /did you mean --batch-size\?/);
  usage(() => parseArgs("train", spec, ["--zzz"]), /^unknown flag --zzz \(nabla train/);
  usage(() => parseArgs("train", spec, ["--epochs"]), /^--epochs needs a value \(N\), e\.g\. --epochs 40$/);
  usage(() => parseArgs("train", spec, ["--epochs", "--json"]), /--epochs needs a value/);
  usage(() => parseArgs("train", spec, ["--epochs", "2.5"]), /^--epochs expects an integer, got "2\.5"$/);
  usage(() => parseArgs("train", spec, ["--epochs", "0"]), /^--epochs expects an integer ≥ 1, got "0"$/);
  usage(() => parseArgs("train", spec, ["--lr", "abc"]), /^--lr expects a number, got "abc"$/);
  usage(() => parseArgs("train", spec, ["--lr", "0"]), /^--lr expects a number > 0, got "0"$/);
  usage(() => parseArgs("train", spec, ["--task", "clasify"]), /^--task must be one of classify, regress, got "clasify"; did you mean classify\?$/);
  usage(() => parseArgs("train", spec, ["--hidden", "64,-1"]), /--hidden expects layer sizes as positive integers/);
  usage(() => parseArgs("train", spec, ["--epochs", "3", "--epochs", "4"]), /^--epochs is given twice/);
  usage(() => parseArgs("train", spec, ["stray"]), /^unexpected argument "stray"/);
  usage(() => parseArgs("train", spec, ["-epochs", "3"]), /flags take two dashes: write --epochs/);
  usage(() => parseArgs("train", spec, ["--json=yes"]), /--json is a switch/);
  // Negative numbers are values, not flags.
  const n = parseArgs("x", { shift: flag.num("shift", { default: 0 }) }, ["--shift", "-1.5"]);
  assert.equal(n.flags.shift, -1.5);
  // Positionals when allowed.
  assert.deepEqual(parseArgs("info", { json: flag.bool("j") }, ["dir", "--json"], { maxPositionals: 1 }).positionals, ["dir"]);
});

test("help text lists every flag with its default", () => {
  const h = formatHelp({ name: "train", usage: "nabla train", summary: "Train.", examples: ["nabla train"] }, spec);
  for (const f of ["--epochs N", "--lr X", "--batch-size N", "--task classify|regress", "--hidden SIZES", "--json", "--help"]) assert.ok(h.includes(f), f);
  assert.match(h, /--epochs N\s+epochs \[default: 40\]/);
  assert.match(h, /Examples:\n {2}nabla train/);
});

test("did you mean: edit distance with swaps, a threshold by length, unique prefixes", () => {
  assert.equal(editDistance("trian", "train"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(didYouMean("--epoch", ["--epochs", "--lr"]), "--epochs");
  assert.equal(didYouMean("rleu", ["relu", "tanh"]), "relu");
  assert.equal(didYouMean("-e", ["--epochs", "--early-stopping"]), undefined); // ambiguous prefix
  assert.equal(didYouMean("--val", ["--val-split", "--lr"]), "--val-split"); // unique prefix
  assert.equal(didYouMean("x", ["lr"]), undefined);
});

test("errors: one line, the command named, exit codes by kind", () => {
  assert.equal(formatError(new InputError("no column\n  named x"), "train"), "nabla train: no column named x");
  assert.equal(exitCodeOf(new UsageError("u")), 2);
  assert.equal(exitCodeOf(new InputError("i")), 1);
  assert.equal(exitCodeOf(new ValueError("v")), 1); // nabla's own errors are input errors
  assert.equal(exitCodeOf(Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" })), 1);
  assert.equal(exitCodeOf(new TypeError("x is undefined")), 3);
  assert.match(formatError(new TypeError("x is undefined"), "train"), /^nabla train: internal error: TypeError: x is undefined \(run again with NABLA_DEBUG=1/);
});

test("task detection and target checks", () => {
  const csv = (rows: string[]) => parseCsv(["a,b,t", ...rows].join("\n"), { source: "d.csv" });
  const ints = csv(Array.from({ length: 12 }, (_, i) => `${i},${i * 2},${i % 3}`));
  const d1 = tabularData(ints, {});
  assert.equal(d1.task, "classify");
  assert.deepEqual(d1.classes, [0, 1, 2]);
  assert.deepEqual(d1.featureNames, ["a", "b"]);
  assert.equal(d1.y.dtype, "int32");
  assert.equal(tabularData(ints, { task: "regress" }).y.dtype, "float32");
  const floats = csv(Array.from({ length: 12 }, (_, i) => `${i},${i * 2},${i * 0.5}`));
  assert.equal(tabularData(floats, {}).task, "regress");
  assert.throws(() => tabularData(floats, { task: "classify" }), /--task classify: the target "t" holds non-integer numbers \("0\.5" at line 3\)/);
  const many = csv(Array.from({ length: 300 }, (_, i) => `${i},${i},${i}`));
  assert.equal(tabularData(many, {}).task, "regress");
  assert.throws(() => tabularData(many, { task: "classify" }), /has 300 distinct values in 300 rows, which looks continuous/);
  const text = csv(["1,2,cat", "3,4,dog", "5,6,cat"]);
  assert.equal(tabularData(text, {}).task, "classify");
  assert.deepEqual(tabularData(text, {}).classes, ["cat", "dog"]);
  assert.throws(() => tabularData(text, { task: "regress" }), /d\.csv: line 2, column 3 \("t"\): --task regress needs a numeric target, got "cat"/);
  assert.throws(() => tabularData(text, { target: "T" }), /--target: d\.csv has no column "T"; did you mean "t"\? \(its columns: "a", "b", "t"\)/);
  assert.throws(() => tabularData(csv(["1,2,x", "3,4,x"]), {}), /has a single class/);
  assert.throws(() => tabularData(csv(["1,2,x", "3,4,NA"]), {}), /line 3, column 3 \("t"\): the target is missing/);
  // An id column is left out; --ignore leaves out others.
  const withId = parseCsv("id,a,note,t\n1,2,x,0\n2,3,y,1\n3,4,z,0\n4,5,w,1\n");
  const d2 = tabularData(withId, { ignore: ["note"] });
  assert.deepEqual(d2.featureNames, ["a"]);
  assert.deepEqual(d2.idColumns, ["id"]);
  assert.throws(() => tabularData(withId, {}), /line 2, column 3 \("note"\): expected a number, got "x"; the column holds text \(encode it as numbers, or leave the column out with --ignore note\)/);
});

test("feature matrix and known labels for a trained model", () => {
  const t = parseCsv("b,a,extra,label\n1,2,q,x\n3,4,r,y\n", { source: "n.csv" });
  assert.deepEqual(featureMatrix(t, ["a", "b"], "").toArray(), [[2, 1], [4, 3]]);
  assert.throws(() => featureMatrix(t, ["a", "c", "d"], ""), /n\.csv lacks the feature columns "c", "d" that the model was trained on/);
  assert.deepEqual(encodeKnownLabels(t, "label", ["x", "y"]).toArray(), [0, 1]);
  assert.throws(() => encodeKnownLabels(t, "label", ["x", "z"]), /line 3, column 4 \("label"\): the class "y" was not seen in training \(the model knows "x", "z"\)/);
  const nums = parseCsv("a,label\n1,2\n3,0\n");
  assert.deepEqual(encodeKnownLabels(nums, "label", [0, 1, 2]).toArray(), [2, 0]);
});

test("metrics table: accuracy as a percentage, other values to 4 significant digits", () => {
  assert.equal(formatMetric("accuracy", 0.98055), "98.06%");
  assert.equal(formatMetric("loss", 0.0452212), "0.04522");
  assert.equal(formatMetric("loss", 0.00084887), "8.489e-4");
  assert.equal(formatMetric("mse", 2633.409), "2633.4");
  assert.equal(formatMetric("r2", 1), "1.000");
  assert.equal(metricsTable({ train: { loss: 0.01, accuracy: 1 }, validation: { loss: 0.04, accuracy: 0.98889 } }),
    ["metric      train  validation", "--------  -------  ----------", "loss      0.01000     0.04000", "accuracy  100.00%      98.89%"].join("\n"));
  assert.equal(formatTable(["a", "bb"], [["x", "1"], ["yyy", "22"]]), "a    bb\n---  --\nx     1\nyyy  22");
});

test("chart ticks: round steps on linear axes, decades on log axes", () => {
  assert.deepEqual(niceTicks(0.03, 0.97, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(1, 40, 6), [0, 10, 20, 30, 40]);
  assert.deepEqual(niceTicks(0.7, 1, 5), [0.7, 0.8, 0.9, 1]);
  assert.deepEqual(niceTicks(-0.3, 0.62, 4), [-0.5, 0, 0.5, 1]);
  assert.deepEqual(logTicks(1e-4, 10), [1e-4, 1e-3, 0.01, 0.1, 1, 10]);
  assert.deepEqual(logTicks(0.01, 1), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
});

test("curves.svg: a standalone SVG with both panels, one path per series, axes, legends and the kept-epoch marker", () => {
  const loss = [1.2, 0.5, 0.2, 0.1, 0.05, 0.01, 0.005], valLoss = [1, 0.6, 0.3, 0.2, 0.18, 0.2, 0.22];
  const acc = [0.5, 0.8, 0.9, 0.95, 0.97, 0.99, 1], valAcc = [0.5, 0.75, 0.85, 0.9, 0.92, 0.91, 0.9];
  const svg = curvesSvg({ loss, valLoss, accuracy: acc, valAccuracy: valAcc, lr: [] }, { task: "classify", bestEpoch: 4, title: "t <&> \"q\"" });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="920" height="354"/);
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  assert.ok(svg.includes("t &lt;&amp;&gt; &quot;q&quot;"));
  const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(paths.length, 4);
  for (const d of paths) assert.equal(d.split(/[ML]/).filter((s) => s.trim()).length, 7); // one point per epoch
  assert.equal((svg.match(/stroke-dasharray="6 4"/g) ?? []).length, 4); // validation lines and their legend keys
  assert.ok(svg.includes("(log scale)"));                // the loss spans more than two decades
  assert.ok(svg.includes(">kept: epoch 5<"));
  for (const label of [">Loss<", ">Accuracy<", ">train<", ">validation<", ">epoch<", ">100%<"]) assert.ok(svg.includes(label), label);
  // Every tag is closed: one element per line, each self-closing or closed on that line, except <svg> and <g>.
  const opened = (svg.match(/<(svg|g)[ >]/g) ?? []).length, closed = (svg.match(/<\/(svg|g)>/g) ?? []).length;
  assert.equal(opened, closed);
  // Regression: R² on a linear axis floored at −1; NaN breaks a line.
  const r = curvesSvg({ loss: [1, 0.5, NaN, 0.4], valLoss: [1, 0.6, 0.5, 0.45], r2: [-5, 0.2, 0.5, 0.6], valR2: [-3, 0.1, 0.4, 0.5], lr: [] }, { task: "regress" });
  assert.ok(r.includes(">R²<") && !r.includes("(log scale)") && !r.includes("kept"));
  const firstPath = /<path d="([^"]+)"/.exec(r)![1]!;
  assert.equal((firstPath.match(/M/g) ?? []).length, 2);
  assert.ok(chartSvg([{ title: "one", yLabel: "y", series: [{ label: "s", values: [3], color: "#000" }] }]).includes("<circle"));
});

test("the MLP and its loss: layers from the spec; L2 on weights only, in training mode only", () => {
  const m = buildMlp({ inFeatures: 3, hidden: [4, 2], outFeatures: 2, activation: "tanh", dropout: 0.1 });
  assert.deepEqual(m.namedChildren().map(([, c]) => c.constructor.name), ["Linear", "Tanh", "Dropout", "Linear", "Tanh", "Dropout", "Linear"]);
  const x = tensor([[1, 2, 3], [0, -1, 2]]), y = tensor([0, 1], { dtype: "int32" });
  const plain = mlpLoss(m, "classify", 0), reg = mlpLoss(m, "classify", 0.5);
  m.eval();
  const base = plain(m.call(x), y).item();
  assert.equal(reg(m.call(x), y).item(), base); // eval mode: data loss only
  const w2 = m.parameters().filter((p) => p.ndim === 2).reduce((s, p) => s + p.pow(2).sum().item(), 0);
  m.train();
  m.namedChildren().forEach(([, c]) => c.constructor.name === "Dropout" && c.eval()); // keep the forward deterministic
  const out = m.call(x);
  assert.ok(Math.abs(reg(out, y).item() - (plain(out, y).item() + (0.5 / (2 * 2)) * w2)) < 1e-5); // α/(2B)·Σ‖W‖², B = 2
});
