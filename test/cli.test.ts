// The command line end to end: `node bin/nabla.mjs ...` as a child process (the sources through tsx), on small
// CSV files written here. Train (classification and regression), the files it writes and that they load,
// --json, evaluate/predict round trips checked against the training metrics and an in-process forward pass,
// info, tune on a tiny grid, help and version, every bad-input case (exit code, one line, no stack, no model
// left behind), and the README's first command — `nabla train` on the built-in digits — reaching ≥ 95%
// validation accuracy with per-epoch progress.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadModel } from "../src/io/model-file.js";
import { StandardScaler } from "../src/data/preprocessing/standard-scaler.js";
import { tensor } from "../src/ops/creation.js";
import { noGrad } from "../src/autograd/grad-mode.js";
import type { Tensor } from "../src/tensor.js";

const BIN = fileURLToPath(new URL("../bin/nabla.mjs", import.meta.url));
const PKG = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in `cwd` and resolves with its exit code and output (never rejects). */
function nabla(args: string[], { cwd = dir, env = {} }: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NABLA_DEBUG: "", ...env }, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const lastJson = (out: string): Record<string, any> => JSON.parse(out.trimEnd().split("\n").at(-1)!);
const csvRows = (text: string): string[][] => text.trimEnd().split("\n").map((l) => l.split(","));

let dir = "";

// Three separable blobs in 2-D (labels a/b/c, an id column) and a noisy plane y = 3·x1 − 2·x2 + 0.5.
const noise = (i: number, k: number) => Math.sin(i * 12.9898 + k * 78.233) * 0.5;
function writeData(): void {
  const centers = [[0, 0], [4, 0], [0, 4]];
  const cls = ["id,x1,x2,label"];
  for (let i = 0; i < 90; i++) {
    const c = i % 3;
    cls.push(`${i + 1},${(centers[c]![0]! + noise(i, 1)).toFixed(4)},${(centers[c]![1]! + noise(i, 2)).toFixed(4)},${"abc"[c]}`);
  }
  writeFileSync(join(dir, "cls.csv"), cls.join("\n") + "\n");
  const reg = ["x1,x2,y"];
  for (let i = 0; i < 100; i++) {
    const x1 = Math.sin(i * 0.37) * 2, x2 = Math.cos(i * 0.53) * 2;
    reg.push(`${x1.toFixed(4)},${x2.toFixed(4)},${(3 * x1 - 2 * x2 + 0.5 + noise(i, 3) * 0.1).toFixed(4)}`);
  }
  writeFileSync(join(dir, "reg.csv"), reg.join("\n") + "\n");
  // Bad inputs.
  writeFileSync(join(dir, "text-cell.csv"), "id,x1,x2,label\n1,0.5,1,a\n2,0.1,2,b\n3,abc,3,a\n4,0.3,4,b\n");
  writeFileSync(join(dir, "ragged.csv"), "x1,x2,label\n1,2,a\n3,b\n5,6,a\n");
  writeFileSync(join(dir, "header-only.csv"), "x1,x2,label\n");
  writeFileSync(join(dir, "many-ints.csv"), "x,y\n" + Array.from({ length: 300 }, (_, i) => `${i},${i * 7}`).join("\n") + "\n");
  writeFileSync(join(dir, "unknown-class.csv"), "id,x1,x2,label\n1,0,0,a\n2,4,0,zebra\n");
  writeFileSync(join(dir, "no-x2.csv"), "id,x1,label\n1,0,a\n");
  writeFileSync(join(dir, "bad-spec.json"), JSON.stringify({ epoch: [5] }));
  mkdirSync(join(dir, "occupied"));
  writeFileSync(join(dir, "occupied", "notes.txt"), "keep me");
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "nabla-cli-"));
  writeData();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("nabla CLI", { concurrency: 3 }, () => {
  describe("classification: train → files → evaluate → predict → info", { concurrency: 1 }, () => {
    let trained: Record<string, any>;

    it("train --json: exit 0, the metrics as the last stdout line, the report on stderr", async () => {
      const r = await nabla(["train", "--data", "cls.csv", "--target", "label", "--hidden", "16", "--epochs", "25", "--lr", "0.01", "--out", "m-cls", "--json", "--backend", "ts"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trimEnd().split("\n").length, 1); // only the JSON line on stdout
      trained = lastJson(r.stdout);
      assert.equal(trained.task, "classify");
      assert.ok(trained.validation.accuracy >= 0.9, JSON.stringify(trained));
      assert.ok(trained.train.accuracy >= 0.9);
      assert.match(r.stderr, /data: {3}cls\.csv: 90 rows, 2 features \("id" left out as an id\), target "label" → classify \(auto: text labels, 3 classes\)/);
      assert.match(r.stderr, /split: {2}72 train \/ 18 validation/);
      assert.match(r.stderr, /^Epoch 1\/25 - 3\/3 - .*valAccuracy/m); // one line per epoch when not a terminal
      assert.match(r.stderr, /^accuracy +\d+\.\d\d% +\d+\.\d\d%$/m);
    });

    it("writes model.json, weights.safetensors, history.json and curves.svg, and they load", async () => {
      const out = join(dir, "m-cls");
      assert.deepEqual(readdirSync(out).sort(), ["curves.svg", "history.json", "model.json", "weights.safetensors"]);
      const loaded = await loadModel(out);
      const meta = loaded.metadata as Record<string, any>;
      assert.deepEqual([meta.task, meta.targetName, meta.featureNames, meta.classes], ["classify", "label", ["x1", "x2"], ["a", "b", "c"]]);
      assert.equal(meta.hyperparameters.lr, 0.01);
      assert.deepEqual(meta.metrics, { train: trained.train, validation: trained.validation });
      assert.deepEqual(Object.keys(loaded.preprocessing).sort(), ["labels", "scaler"]);
      const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8"));
      assert.equal(history.epoch.length, trained.epochs);
      for (const k of ["loss", "accuracy", "valLoss", "valAccuracy", "lr"]) assert.equal(history.history[k].length, trained.epochs, k);
      const svg = readFileSync(join(out, "curves.svg"), "utf8");
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.equal((svg.match(/<path /g) ?? []).length, 4);
    });

    it("evaluate on all rows agrees with train's train/validation metrics (counts add up)", async () => {
      const r = await nabla(["evaluate", "--model", "m-cls", "--data", "cls.csv", "--json", "--backend", "ts"]);
      assert.equal(r.code, 0, r.stderr);
      const e = lastJson(r.stdout);
      assert.equal(e.rows, 90);
      // 72 training rows and 18 validation rows: correct counts and summed losses add up exactly.
      assert.equal(Math.round(e.accuracy * 90), Math.round(trained.train.accuracy * 72) + Math.round(trained.validation.accuracy * 18));
      assert.ok(Math.abs(e.loss * 90 - (trained.train.loss * 72 + trained.validation.loss * 18)) < 1e-4);
      const table = await nabla(["evaluate", "--model", "m-cls", "--data", "cls.csv", "--backend", "ts"]);
      assert.match(table.stdout, /^accuracy +\d+\.\d\d%$/m);
    });

    it("predict: one output row per input row (id, class, probabilities), matching an in-process forward pass", async () => {
      const r = await nabla(["predict", "--model", "m-cls", "--data", "cls.csv", "--out", "preds.csv", "--backend", "ts"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /wrote 90 predictions \(id, label, prob_a, prob_b, prob_c\) to preds\.csv/);
      const rows = csvRows(readFileSync(join(dir, "preds.csv"), "utf8"));
      assert.deepEqual(rows[0], ["id", "label", "prob_a", "prob_b", "prob_c"]);
      assert.equal(rows.length, 91);
      const input = csvRows(readFileSync(join(dir, "cls.csv"), "utf8")).slice(1);
      let correct = 0;
      rows.slice(1).forEach((row, i) => {
        assert.equal(row[0], input[i]![0]);
        const p = row.slice(2).map(Number);
        assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
        assert.equal(row[1], "abc"[p.indexOf(Math.max(...p))]);
        if (row[1] === input[i]![3]) correct++;
      });
      const ev = lastJson((await nabla(["evaluate", "--model", "m-cls", "--data", "cls.csv", "--json", "--backend", "ts"])).stdout);
      assert.equal(correct, Math.round(ev.accuracy * 90));
      // The same probabilities from the model files, in-process: scaler, network, softmax.
      const loaded = await loadModel(join(dir, "m-cls"));
      const scaler = StandardScaler.fromJSON(loaded.preprocessing.scaler);
      const x = tensor(input.slice(0, 5).map((r) => [Number(r[1]), Number(r[2])]));
      const probs = noGrad(() => (loaded.model.eval().call(scaler.transform(x)) as Tensor).softmax(1).toArray()) as number[][];
      probs.forEach((pr, i) => pr.forEach((v, k) => assert.ok(Math.abs(v - Number(rows[i + 1]![k + 2])) < 1e-5)));
      // Without --out the CSV goes to stdout.
      const s = await nabla(["predict", "--model", "m-cls", "--data", "cls.csv", "--backend", "ts"]);
      assert.equal(s.stdout, readFileSync(join(dir, "preds.csv"), "utf8"));
    });

    it("info: layers, output shapes, parameter counts, preprocessing and metadata", async () => {
      const r = await nabla(["info", "m-cls"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /task: {7}classify: target "label", 3 classes \(a, b, c\)/);
      assert.match(r.stdout, /features: {3}2 \(x1, x2\)/);
      assert.match(r.stdout, /preprocess: scaler: StandardScaler, labels: LabelEncoder/);
      assert.match(r.stdout, /0 \(Linear\) +\[1,16\] +48/);   // 2·16 + 16
      assert.match(r.stdout, /2 \(Linear\) +\[1,3\] +51/);    // 16·3 + 3
      assert.match(r.stdout, /Total params: 99/);
      const j = lastJson((await nabla(["info", "--model", "m-cls", "--json"])).stdout);
      assert.equal(j.totalParams, 99);
      assert.deepEqual(j.layers.map((l: { type: string }) => l.type), ["Sequential", "Linear", "ReLU", "Linear"]);
      assert.deepEqual(j.preprocessing, { scaler: "StandardScaler", labels: "LabelEncoder" });
    });
  });

  describe("regression", { concurrency: 1 }, () => {
    it("auto-detects regression; R², MSE and MAE in the target's units; predict agrees with evaluate", async () => {
      const r = await nabla(["train", "--data", "reg.csv", "--hidden", "16", "--epochs", "60", "--lr", "0.01", "--out", "m-reg", "--json", "--backend", "ts"]);
      assert.equal(r.code, 0, r.stderr);
      const t = lastJson(r.stdout);
      assert.equal(t.task, "regress");
      assert.match(r.stderr, /target "y" → regress \(auto: non-integer numbers\)/);
      assert.deepEqual(Object.keys(t.validation), ["loss", "mse", "mae", "r2"]);
      assert.ok(t.validation.r2 > 0.95, JSON.stringify(t));
      const loaded = await loadModel(join(dir, "m-reg"));
      assert.deepEqual(Object.keys(loaded.preprocessing).sort(), ["scaler", "targetScaler"]);
      const svg = readFileSync(join(dir, "m-reg", "curves.svg"), "utf8");
      assert.ok(svg.includes(">R²<"));
      const ev = lastJson((await nabla(["evaluate", "--model", "m-reg", "--data", "reg.csv", "--json", "--backend", "ts"])).stdout);
      const p = await nabla(["predict", "--model", "m-reg", "--data", "reg.csv", "--backend", "ts"]);
      const rows = csvRows(p.stdout);
      assert.deepEqual(rows[0], ["y"]);
      const truth = csvRows(readFileSync(join(dir, "reg.csv"), "utf8")).slice(1).map((row) => Number(row[2]));
      assert.equal(rows.length - 1, truth.length);
      const mse = rows.slice(1).reduce((s, row, i) => s + (Number(row[0]) - truth[i]!) ** 2, 0) / truth.length;
      assert.ok(Math.abs(mse - ev.mse) / ev.mse < 1e-4, `${mse} vs ${ev.mse}`);
    });
  });

  describe("the README's first command", { concurrency: 1 }, () => {
    it("nabla train (no flags) trains on the built-in digits to ≥ 95% validation accuracy, with per-epoch progress", async () => {
      const cwd = mkdtempSync(join(dir, "digits-"));
      const r = await nabla(["train"], { cwd });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /data: {3}digits \(built-in 8×8 images of handwritten digits\): 1,797 rows, 64 features/);
      assert.match(r.stdout, /^Epoch 1\/40 - 45\/45 - /m);
      const m = /^accuracy +([\d.]+)% +([\d.]+)%$/m.exec(r.stdout);
      assert.ok(m, r.stdout);
      assert.ok(Number(m[2]) >= 95, `validation accuracy ${m[2]}%`);
      assert.deepEqual(readdirSync(join(cwd, "nabla-model")).sort(), ["curves.svg", "history.json", "model.json", "weights.safetensors"]);
    });
  });

  describe("tune", { concurrency: 1 }, () => {
    it("a tiny grid: every setting scored and ranked, the best trained and saved with search.json", async () => {
      const r = await nabla(["tune", "--data", "cls.csv", "--target", "label", "--hidden", "4/8", "--lr", "0.001,0.03", "--epochs", "8", "--out", "m-tune", "--json", "--backend", "ts"]);
      assert.equal(r.code, 0, r.stderr);
      const j = lastJson(r.stdout);
      assert.equal(j.results.length, 4);
      assert.deepEqual(j.results.map((x: { rank: number }) => x.rank), [...j.results.map((x: { rank: number }) => x.rank)].sort((a, b) => a - b));
      const scores = j.results.map((x: { meanScore: number }) => x.meanScore);
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
      assert.deepEqual(j.best, j.results[0].params);
      assert.equal(j.bestScore, scores[0]);
      assert.match(r.stderr, /search: grid search over hidden, lr; accuracy on a 0\.2 held-out split/);
      assert.match(r.stderr, /^\[4\/4\] /m);
      assert.match(r.stderr, /^rank +accuracy +fit \(s\) +hidden +lr$/m);
      assert.deepEqual(readdirSync(join(dir, "m-tune")).sort(), ["curves.svg", "history.json", "model.json", "search.json", "weights.safetensors"]);
      const saved = (await loadModel(join(dir, "m-tune"))).metadata as Record<string, any>;
      assert.deepEqual([saved.hyperparameters.hidden, saved.hyperparameters.lr], [j.best.hidden, j.best.lr]);
    });
  });

  describe("help and version", { concurrency: 1 }, () => {
    it("--help for nabla and every command; --version prints the package version", async () => {
      const [top, ver, ...cmds] = await Promise.all([nabla(["--help"]), nabla(["--version"]), ...["train", "evaluate", "predict", "tune", "info"].map((c) => nabla([c, "--help"]))]);
      assert.equal(top.code, 0);
      for (const c of ["train", "evaluate", "predict", "tune", "info"]) assert.match(top.stdout, new RegExp(`^  ${c} `, "m"));
      assert.equal(ver.stdout, `nabla ${PKG.version}\n`);
      for (const r of cmds) assert.equal(r.code, 0);
      for (const f of ["--data PATH", "--target COLUMN", "--task", "--hidden SIZES", "--activation", "--optimizer", "--lr RATE", "--epochs N", "--batch-size N", "--val-split", "--early-stopping N", "--dropout P", "--l2 ALPHA", "--seed N", "--out DIR", "--backend", "--json", "--quiet"]) {
        assert.ok(cmds[0]!.stdout.includes(f), f);
      }
      for (const f of ["--spec FILE", "--trials N", "--cv K", "--jobs N"]) assert.ok(cmds[3]!.stdout.includes(f), f);
      const none = await nabla([]);
      assert.equal(none.code, 2);
      assert.match(none.stdout, /^Usage: nabla <command>/);
    });
  });

  describe("bad input: one line on stderr, no stack, a non-zero exit, no model left behind", { concurrency: 4 }, () => {
    const cases: { name: string; args: string[]; code: number; message: RegExp }[] = [
      { name: "missing file", args: ["train", "--data", "nope.csv"], code: 1, message: /^nabla train: --data: no such file: nope\.csv$/ },
      { name: "unknown column (lists the columns)", args: ["train", "--data", "cls.csv", "--target", "lable"], code: 1, message: /^nabla train: --target: cls\.csv has no column "lable"; did you mean "label"\? \(its columns: "id", "x1", "x2", "label"\)$/ },
      { name: "non-numeric cell (line and column)", args: ["train", "--data", "text-cell.csv"], code: 1, message: /^nabla train: text-cell\.csv: line 4, column 2 \("x1"\): expected a number, got "abc"; fix the cell, or leave the column out with --ignore x1$/ },
      { name: "a row with the wrong number of fields", args: ["train", "--data", "ragged.csv"], code: 1, message: /^nabla train: ragged\.csv: line 3 has 2 fields, expected 3/ },
      { name: "no data rows", args: ["train", "--data", "header-only.csv"], code: 1, message: /^nabla train: header-only\.csv has a header but no data rows$/ },
      { name: "regress on text labels", args: ["train", "--data", "cls.csv", "--task", "regress"], code: 1, message: /^nabla train: cls\.csv: line 2, column 4 \("label"\): --task regress needs a numeric target, got "a"; use --task classify/ },
      { name: "classify a continuous column", args: ["train", "--data", "reg.csv", "--task", "classify"], code: 1, message: /^nabla train: --task classify: the target "y" holds non-integer numbers .* use --task regress/ },
      { name: "classify a column of 300 integers", args: ["train", "--data", "many-ints.csv", "--task", "classify"], code: 1, message: /^nabla train: --task classify: the target "y" has 300 distinct values in 300 rows, which looks continuous rather than classes; use --task regress$/ },
      { name: "training that diverges", args: ["train", "--data", "reg.csv", "--optimizer", "sgd", "--lr", "1e6", "--backend", "ts"], code: 1, message: /^nabla train: training diverged: the loss became non-finite in epoch 1, batch \d+ .*; lower the learning rate \(--lr 1000000\)/ },
      { name: "unknown flag (did you mean)", args: ["train", "--epoch", "5"], code: 2, message: /^nabla train: unknown flag --epoch; did you mean --epochs\?/ },
      { name: "bad flag value", args: ["train", "--lr", "fast"], code: 2, message: /^nabla train: --lr expects a number, got "fast"$/ },
      { name: "out-of-range flag value", args: ["train", "--val-split", "1.5"], code: 2, message: /^nabla train: --val-split expects a number ≥ 0 and < 1, got "1\.5"$/ },
      { name: "unknown command", args: ["trian"], code: 2, message: /^nabla: unknown command "trian"; did you mean "train"\?/ },
      { name: "--out is a directory of other files", args: ["train", "--data", "cls.csv", "--out", "occupied"], code: 1, message: /^nabla train: --out: occupied is a non-empty directory without a model in it/ },
      { name: "evaluate: no model directory", args: ["evaluate", "--model", "no-model", "--data", "cls.csv"], code: 1, message: /^nabla evaluate: --model: no model directory at no-model/ },
      { name: "evaluate: a class the model never saw", args: ["evaluate", "--model", "m-cls-err", "--data", "unknown-class.csv"], code: 1, message: /^nabla evaluate: unknown-class\.csv: line 3, column 4 \("label"\): the class "zebra" was not seen in training \(the model knows "a", "b", "c"\)$/ },
      { name: "predict: a feature column is missing", args: ["predict", "--model", "m-cls-err", "--data", "no-x2.csv"], code: 1, message: /^nabla predict: no-x2\.csv lacks the feature column "x2" that the model was trained on/ },
      { name: "predict: --data is required", args: ["predict", "--model", "m-cls-err"], code: 2, message: /^nabla predict: --data FILE\.csv is required/ },
      { name: "tune: unknown parameter in --spec", args: ["tune", "--data", "cls.csv", "--spec", "bad-spec.json"], code: 1, message: /^nabla tune: --spec: bad-spec\.json names the unknown parameter "epoch"; did you mean "epochs"\?/ },
      { name: "tune: a range without --trials", args: ["tune", "--data", "cls.csv", "--lr", "1e-4..1e-1"], code: 2, message: /^nabla tune: --lr is a range, which grid search cannot enumerate; add --trials N/ },
      { name: "info: not a model directory", args: ["info", "occupied"], code: 1, message: /^nabla info: loadModel\("occupied"\): model\.json is missing from occupied/ },
    ];

    before(async () => {
      // A model for the evaluate/predict cases (tiny, quick).
      const r = await nabla(["train", "--data", "cls.csv", "--epochs", "2", "--out", "m-cls-err", "--quiet", "--backend", "ts"]);
      assert.equal(r.code, 0, r.stderr);
    });

    for (const c of cases) {
      it(c.name, async () => {
        const out = `out-${c.name.replace(/\W+/g, "-")}`;
        const withOut = c.args[0] === "train" && !c.args.includes("--out") ? [...c.args, "--out", out] : c.args;
        const r = await nabla([...withOut, "--quiet"]);
        assert.equal(r.code, c.code, r.stderr);
        const lines = r.stderr.trimEnd().split("\n");
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0]!, c.message);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        assert.equal(r.stdout, "");
        assert.equal(existsSync(join(dir, out)), false);
      });
    }

    it("NABLA_DEBUG=1 adds the stack trace", async () => {
      const r = await nabla(["train", "--data", "nope.csv"], { env: { NABLA_DEBUG: "1" } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^nabla train: --data: no such file: nope\.csv\nInputError: .*\n\s+at /);
    });

    it("an existing model directory is left as it was when a run fails", async () => {
      const before = readFileSync(join(dir, "m-cls-err", "weights.safetensors"));
      const r = await nabla(["train", "--data", "text-cell.csv", "--out", "m-cls-err"]);
      assert.equal(r.code, 1);
      assert.deepEqual(readFileSync(join(dir, "m-cls-err", "weights.safetensors")), before);
      assert.equal(readFileSync(join(dir, "occupied", "notes.txt"), "utf8"), "keep me");
    });
  });
});
