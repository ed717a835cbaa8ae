/**
 * `nabla tune`: hyperparameter search (search.GridSearch, or search.RandomSearch with `--trials`) over the
 * MLP that `nabla train` builds, scored by accuracy (classification) or R² (regression) on a held-out split
 * or k folds, optionally on worker threads. Prints the ranked results, then trains the best setting as
 * `nabla train` would and saves it (with `search.json`, the full results).
 *
 * The search space comes from flags (a list of values each, or a range `lo..hi` for random search) or from a
 * JSON file (`--spec`): `{ "hidden": [[32], [64, 32]], "lr": {"type": "logUniform", "low": 1e-4, "high": 1e-1} }`.
 *
 * ```sh
 * nabla tune --hidden "32;64,32" --lr 1e-3,1e-2                  # 4 settings on the digits
 * nabla tune --data iris.csv --target species --lr 1e-4..1e-1 --dropout 0..0.5 --trials 20 --cv 5 --jobs 2
 * ```
 */
import { promises as fs } from "node:fs";
import { resolve } from "node:path";
import { GridSearch } from "../search/grid-search.js";
import { RandomSearch } from "../search/random-search.js";
import { formatResults, type SearchResult } from "../search/results.js";
import { isDistribution, type Distribution, type Params } from "../search/spaces.js";
import type { TrialEvent } from "../search/search-core.js";
import { StandardScaler } from "../data/preprocessing/standard-scaler.js";
import { LabelEncoder } from "../data/preprocessing/label-encoder.js";
import { checkRange, flag, formatHelp, parseArgs, parseSizes, type CommandHelp } from "./args.js";
import { backendFlag, count, outputFlags, printer, seconds, selectBackend, type CliIO } from "./common.js";
import { InputError, UsageError, suggestion } from "./errors.js";
import { DEFAULT_HYPER, OPTIMIZER_NAMES, fitMlp, type Hyper } from "./fit-mlp.js";
import { ACTIVATION_NAMES, describeMlp } from "./mlp.js";
import { EXTRA_FILES, checkOutDir, saveBundle, type CliMetadata } from "./model-dir.js";
import { scoreModel } from "./scores.js";
import { curvesSvg } from "./svg-chart.js";
import { metricsTable } from "./table.js";
import { dataFlags, prepare } from "./train.js";
import { digitsData, readTable, tabularData, type Task } from "./tabular-data.js";
import { mlpTrial, tuneFactoryUrl, type TrialParams } from "./tune-factory.js";

/** The hyperparameters a search can vary, and how each value is checked. */
const TUNABLE = ["hidden", "activation", "optimizer", "lr", "l2", "dropout", "batchSize", "epochs"] as const;
type Tunable = (typeof TUNABLE)[number];
type Candidates = readonly unknown[] | Distribution;

const kebabName: Record<Tunable, string> = {
  hidden: "hidden", activation: "activation", optimizer: "optimizer", lr: "lr", l2: "l2", dropout: "dropout", batchSize: "batch-size", epochs: "epochs",
};

/** Checks one value of a tunable; returns it (normalized) or throws a UsageError. */
function checkValue(name: Tunable, v: unknown, where: string): unknown {
  const fail = (expected: string): never => {
    throw new UsageError(`${where} expects ${expected}, got ${JSON.stringify(v)}`);
  };
  switch (name) {
    case "hidden":
      if (!Array.isArray(v) || !v.every((h) => Number.isInteger(h) && h >= 1)) fail("lists of positive layer sizes such as [64, 32] ([] for none)");
      return v;
    case "activation":
    case "optimizer": {
      const known: readonly string[] = name === "activation" ? ACTIVATION_NAMES : OPTIMIZER_NAMES;
      const hit = typeof v === "string" ? known.find((k) => k.toLowerCase() === v.toLowerCase()) : undefined;
      if (hit === undefined) throw new UsageError(`${where} must be one of ${known.join(", ")}, got ${JSON.stringify(v)}${typeof v === "string" ? suggestion(v, known) : ""}`);
      return hit;
    }
    case "lr":
      return typeof v === "number" ? checkRange(v, String(v), kebabName[name], "a number", { above: 0 }) : fail("numbers > 0");
    case "l2":
      return typeof v === "number" ? checkRange(v, String(v), kebabName[name], "a number", { min: 0 }) : fail("numbers ≥ 0");
    case "dropout":
      return typeof v === "number" ? checkRange(v, String(v), kebabName[name], "a number", { min: 0, below: 1 }) : fail("numbers in [0, 1)");
    case "batchSize":
    case "epochs":
      return typeof v === "number" && Number.isInteger(v) && v >= 1 ? v : fail("integers ≥ 1");
  }
}

/** Parses a list flag: comma-separated values, or `lo..hi` (a range for random search). */
function listFlag(name: Tunable) {
  const flagName = kebabName[name];
  return (raw: string): Candidates => {
    const s = raw.trim();
    const range = /^(.+?)\.\.(.+)$/.exec(s);
    if (range) {
      if (name === "hidden" || name === "activation" || name === "optimizer") throw new UsageError(`--${flagName} takes a list of values, not a range (${raw})`);
      const lo = Number(range[1]), hi = Number(range[2]);
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw new UsageError(`--${flagName}: a range is lo..hi with numbers lo < hi, got ${JSON.stringify(raw)}`);
      checkValue(name, lo, `--${flagName}`);
      checkValue(name, name === "dropout" ? Math.min(hi, 0.999) : hi, `--${flagName}`);
      if (name === "batchSize" || name === "epochs") {
        if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new UsageError(`--${flagName}: a range of integers, got ${JSON.stringify(raw)}`);
        return { type: "intUniform", low: lo, high: hi };
      }
      return (name === "lr" || name === "l2") && lo > 0 ? { type: "logUniform", low: lo, high: hi } : { type: "uniform", low: lo, high: hi };
    }
    if (name === "hidden") return s.split(/[;/]/).map((alt) => parseSizes(alt, flagName));
    return s.split(",").map((part) => {
      const t = part.trim();
      if (name === "activation" || name === "optimizer") return checkValue(name, t, `--${flagName}`);
      const v = t === "" ? NaN : Number(t);
      if (!Number.isFinite(v)) throw new UsageError(`--${flagName} expects comma-separated numbers (or a range lo..hi), got ${JSON.stringify(raw)}`);
      return checkValue(name, v, `--${flagName}`);
    });
  };
}

const D = DEFAULT_HYPER;
const spec = {
  ...dataFlags,
  spec: flag.str("JSON file with the search space (see docs/cli.md)", { default: undefined, placeholder: "FILE" }),
  hidden: flag.custom("hidden layer sizes to try, alternatives separated by ; or / (quote ;)", "SIZES;SIZES", listFlag("hidden"), { default: undefined as Candidates | undefined, defaultText: D.hidden.join(",") }),
  activation: flag.custom("activations to try", "NAMES", listFlag("activation"), { default: undefined as Candidates | undefined, defaultText: D.activation }),
  optimizer: flag.custom("optimizers to try", "NAMES", listFlag("optimizer"), { default: undefined as Candidates | undefined, defaultText: D.optimizer }),
  lr: flag.custom("learning rates: a list, or a range lo..hi (log-uniform)", "RATES", listFlag("lr"), { default: undefined as Candidates | undefined, defaultText: String(D.lr) }),
  l2: flag.custom("L2 penalties: a list, or a range lo..hi", "ALPHAS", listFlag("l2"), { default: undefined as Candidates | undefined, defaultText: String(D.l2) }),
  dropout: flag.custom("dropout rates: a list, or a range lo..hi", "PS", listFlag("dropout"), { default: undefined as Candidates | undefined, defaultText: String(D.dropout) }),
  batchSize: flag.custom("batch sizes: a list, or a range lo..hi", "NS", listFlag("batchSize"), { default: undefined as Candidates | undefined, defaultText: String(D.batchSize) }),
  epochs: flag.custom("epochs per trial: a list, or a range lo..hi", "NS", listFlag("epochs"), { default: undefined as Candidates | undefined, defaultText: String(D.epochs) }),
  trials: flag.int("random search: draw this many settings (without it: grid search over every combination)", { default: undefined, min: 1 }),
  cv: flag.int("score on K folds (shuffled, seeded, stratified for classes) instead of one held-out split", { default: undefined, min: 2, placeholder: "K" }),
  valSplit: flag.num("held-out fraction for scoring (without --cv) and for the final model's validation", { default: 0.2, above: 0, below: 1, placeholder: "FRACTION" }),
  jobs: flag.int("worker threads for the trials (-1: every core)", { default: 1, min: -1 }),
  earlyStopping: flag.int("the final model's early-stopping patience (0: off)", { default: D.earlyStopping, min: 0 }),
  seed: flag.int("search seed (folds, draws, trial seeds) and the final model's seed", { default: 0 }),
  out: flag.str("directory for the best model", { default: "nabla-model", placeholder: "DIR" }),
  backend: backendFlag,
  ...outputFlags,
};

const help: CommandHelp = {
  name: "tune",
  usage: "nabla tune [--data FILE.csv --target COLUMN] [--hidden \"32;64,32\"] [--lr 1e-3,1e-2] ... [--trials N] [--cv K] [--jobs N]",
  summary: "Search hyperparameters of the MLP (grid search, or random search with --trials), print the ranking, and train and save the best.",
  details: [
    "Each list flag gives the values to try; a parameter left out keeps nabla train's default. Ranges lo..hi (random search only) are " +
      "drawn log-uniformly for --lr and --l2, uniformly for --dropout, as integers for --batch-size and --epochs. " +
      "Score: accuracy (classification) or R² (regression) on the held-out split or the --cv folds. Features (and a regression " +
      "target) are standardized once on all rows before the search. The best setting is then trained as nabla train would " +
      "(validation split, early stopping) and saved to --out with search.json.",
  ],
  examples: [
    "nabla tune --hidden \"32;64,32\" --lr 1e-3,1e-2",
    "nabla tune --data iris.csv --target species --hidden 8/16 --l2 0,1e-3 --cv 3",
    "nabla tune --data data.csv --lr 1e-4..1e-1 --dropout 0..0.5 --trials 20 --jobs 2",
    "nabla tune --data data.csv --spec tune.json --trials 30",
  ],
};

/** Reads `--spec`: a JSON object of tunable name → list of values or a distribution. */
async function readSpec(path: string): Promise<Partial<Record<Tunable, Candidates>>> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch {
    throw new InputError(`--spec: no such file: ${path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--spec: ${path} is not valid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new InputError(`--spec: ${path} must hold a JSON object of parameter → values, e.g. {"lr": [0.001, 0.01]}`);
  const out: Partial<Record<Tunable, Candidates>> = {};
  for (const [k, v] of Object.entries(json)) {
    if (!(TUNABLE as readonly string[]).includes(k)) {
      throw new InputError(`--spec: ${path} names the unknown parameter ${JSON.stringify(k)}${suggestion(k, TUNABLE, (s) => JSON.stringify(s))} (known: ${TUNABLE.join(", ")})`);
    }
    const name = k as Tunable;
    const where = `--spec: "${k}"`;
    if (Array.isArray(v)) {
      if (v.length === 0) throw new InputError(`${where} has no values; give at least one`);
      out[name] = v.map((x) => checkValue(name, x, where));
    } else if (isDistribution(v)) {
      if (v.type === "choice") out[name] = { type: "choice", values: v.values.map((x) => checkValue(name, x, where)) };
      else {
        if (name === "hidden" || name === "activation" || name === "optimizer") throw new InputError(`${where} takes a list of values, not a ${v.type} distribution`);
        checkValue(name, v.low, where);
        if (name !== "dropout") checkValue(name, v.high, where);
        out[name] = v;
      }
    } else throw new InputError(`${where} must be a list of values or a distribution such as {"type": "logUniform", "low": 1e-4, "high": 1e-1}, got ${JSON.stringify(v)}`);
  }
  return out;
}

export async function tuneCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags: f, help: wantHelp } = parseArgs("tune", spec, argv);
  if (wantHelp) {
    io.stdout.write(formatHelp(help, spec));
    return 0;
  }
  if (f.data === undefined && (f.target !== undefined || f.task !== undefined || f.ignore.length > 0)) {
    throw new UsageError("--target, --task and --ignore need --data (without --data, nabla tunes on the built-in digits)");
  }
  const p = printer(io, f);
  const t0 = performance.now();

  // The search space: flags, then the spec file, then the defaults.
  const fromSpec = f.spec !== undefined ? await readSpec(f.spec) : {};
  const space: Record<string, Candidates> = {};
  for (const name of TUNABLE) {
    const flagValue = f[name] as Candidates | undefined;
    if (flagValue !== undefined && fromSpec[name] !== undefined) throw new UsageError(`--${kebabName[name]} is given both as a flag and in --spec ${f.spec}; give it once`);
    space[name] = flagValue ?? fromSpec[name] ?? [D[name]];
  }
  const ranges = TUNABLE.filter((n) => isDistribution(space[n]) && (space[n] as Distribution).type !== "choice");
  if (ranges.length > 0 && f.trials === undefined) {
    throw new UsageError(`${ranges.map((n) => `--${kebabName[n]}`).join(", ")} ${ranges.length > 1 ? "are ranges" : "is a range"}, which grid search cannot enumerate; add --trials N for a random search (or list values)`);
  }

  const backend = selectBackend(f.backend);
  await checkOutDir(f.out);
  const data = f.data === undefined ? digitsData() : tabularData(await readTable(f.data), { target: f.target, task: f.task as Task | undefined, ignore: f.ignore });
  const outFeatures = data.task === "classify" ? data.classes!.length : 1;
  const fixed = { inFeatures: [data.featureNames.length], outFeatures: [outFeatures], task: [data.task] };
  const grid = { ...space, ...fixed };
  const scoring = data.task === "classify" ? "accuracy" : "r2";

  // Standardize once on all rows (the search makes its own splits).
  const xAll = new StandardScaler().fitTransform(data.x);
  const yAll = data.task === "regress" ? new StandardScaler().fitTransform(data.y.reshape([-1, 1])).reshape([-1]) : data.y;

  const options = {
    ...(f.cv !== undefined ? { cv: f.cv } : { validationFraction: f.valSplit }),
    randomState: f.seed, nJobs: f.jobs, refit: false, scoring,
    onTrial: (e: TrialEvent) => p.say(`[${e.done}/${e.total}] ${describeParams(e.params, varying)}${e.fold > 0 || f.cv ? ` fold ${e.fold + 1}` : ""}: ` +
      (e.error ? `failed (${e.error})` : `${scoring} ${e.score.toFixed(4)}`) + ` (${e.fitTime.toFixed(1)} s)`),
  };
  const learner = f.jobs === 1 ? (params: Params) => mlpTrial(params as unknown as TrialParams) : { module: tuneFactoryUrl(), export: "mlpTrial" };
  const search = f.trials !== undefined ? new RandomSearch(learner, grid, { ...options, nIter: f.trials }) : new GridSearch(learner, grid, options);
  const kind = f.trials !== undefined ? `random search, ${f.trials} draws` : "grid search";
  const candidates = f.trials !== undefined ? (search as RandomSearch).sample(f.seed) : null;
  const varying = varyingKeys(candidates ?? expandAll(grid));
  p.say(`data:   ${data.source}: ${count(data.x.shape[0]!)} rows, ${data.featureNames.length} features${data.idColumns?.length ? ` (${data.idColumns.map((c) => `"${c}"`).join(", ")} left out as an id)` : ""}, target "${data.targetName}" → ${data.task} (${data.taskNote})`);
  p.say(`search: ${kind} over ${varying.length ? varying.join(", ") : "one setting"}; ${scoring} on ${f.cv !== undefined ? `${f.cv} folds` : `a ${f.valSplit} held-out split`}; ` +
    `${f.jobs === 1 ? "in-process" : `${f.jobs === -1 ? "every core" : `${f.jobs} worker threads`}`}; seed ${f.seed}; backend ${backend}`);
  await search.fit(xAll, yAll);
  for (const w of search.warnings) p.say(`note: ${w}`);

  const shown = search.cvResults.map((r) => ({ ...r, params: pick(r.params, varying.length ? varying : [...TUNABLE]) }));
  p.say("");
  p.say(formatResults(shown, { scoring, maxRows: 20 }));
  const best = search.bestParams as unknown as TrialParams;
  const hp: Hyper = {
    hidden: best.hidden, activation: best.activation, optimizer: best.optimizer, lr: best.lr, epochs: best.epochs, batchSize: best.batchSize,
    earlyStopping: f.earlyStopping, dropout: best.dropout, l2: best.l2,
  };
  p.say("");
  p.say(`best:   ${describeParams(search.bestParams!, [...TUNABLE])}: ${scoring} ${search.bestScore.toFixed(4)}`);
  p.say(`        as a command: ${trainCommandLine(f.data, f.target, f.task, f.ignore, hp, f.seed)}`);

  // The final model: the best setting trained as nabla train would.
  const prep = prepare(data, f.valSplit, f.seed);
  p.say(`final:  MLP ${describeMlp({ inFeatures: data.featureNames.length, hidden: hp.hidden, outFeatures, activation: hp.activation, dropout: hp.dropout })} on ${count(prep.nTrain)} train / ${count(prep.nVal)} validation rows`);
  const r = await fitMlp(hp, prep.split, { task: data.task, outFeatures, seed: f.seed, progress: p.progress });
  const scoreOpts = { task: data.task, targetScaler: prep.targetScaler };
  const metrics: Record<string, Record<string, number>> = { train: scoreModel(r.model, prep.split.xTrain, prep.yTrainRaw, scoreOpts) };
  if (prep.split.xVal) metrics.validation = scoreModel(r.model, prep.split.xVal, prep.yValRaw!, scoreOpts);
  const meta: CliMetadata = {
    createdBy: "nabla tune", task: data.task, targetName: data.targetName, featureNames: data.featureNames,
    ...(data.classes ? { classes: data.classes } : {}), source: data.source, rows: data.x.shape[0]!, hyperparameters: hp, seed: f.seed,
    backend, epochsRun: r.epochsRun, keptEpoch: r.keptEpoch + 1, metrics, createdAt: new Date().toISOString(),
  };
  const results = search.cvResults.map((row: SearchResult) => ({ rank: row.rank, meanScore: row.meanScore, stdScore: row.stdScore, foldScores: row.foldScores, meanFitTime: row.meanFitTime, params: pick(row.params, [...TUNABLE]), errors: row.errors }));
  await saveBundle(f.out, { model: r.model, scaler: prep.scaler, labels: data.classes ? new LabelEncoder().fit(data.classes) : undefined, targetScaler: prep.targetScaler, meta }, {
    [EXTRA_FILES.history]: JSON.stringify(r.history.toJSON(), null, 1) + "\n",
    [EXTRA_FILES.curves]: curvesSvg(r.history.history, { task: data.task, bestEpoch: hp.earlyStopping > 0 ? r.keptEpoch : undefined, title: `nabla tune: best setting, ${data.targetName}` }),
    "search.json": JSON.stringify({ scoring, kind, seed: f.seed, results }, null, 1) + "\n",
  });
  p.say("");
  p.say(metricsTable(metrics));
  p.say("");
  p.say(`saved: ${resolve(f.out)}  (model.json, weights.safetensors, ${EXTRA_FILES.history}, ${EXTRA_FILES.curves}, search.json); ${seconds(performance.now() - t0)}`);
  p.json({
    command: "tune", task: data.task, scoring, best: pick(search.bestParams!, [...TUNABLE]), bestScore: search.bestScore, out: resolve(f.out),
    results: results.map(({ rank, meanScore, stdScore, params }) => ({ rank, meanScore, stdScore, params })), ...metrics,
  });
  return 0;
}

/** Every setting of a grid (for naming the parameters that vary). */
function expandAll(grid: Record<string, Candidates>): Params[] {
  let out: Params[] = [{}];
  for (const [k, v] of Object.entries(grid)) {
    const values = Array.isArray(v) ? v : (v as { values?: readonly unknown[] }).values ?? [v, null];
    out = out.flatMap((p) => values.map((x) => ({ ...p, [k]: x })));
  }
  return out;
}

/** The tunable names whose value differs between settings. */
function varyingKeys(settings: readonly Params[]): Tunable[] {
  return TUNABLE.filter((k) => new Set(settings.map((s) => JSON.stringify(s[k]))).size > 1);
}

function pick(p: Params, keys: readonly string[]): Params {
  return Object.fromEntries(keys.filter((k) => k in p).map((k) => [k, p[k]]));
}

const fmtValue = (v: unknown): string => (Array.isArray(v) ? (v.length ? v.join(",") : "none") : typeof v === "number" && !Number.isInteger(v) ? String(Number(v.toPrecision(4))) : String(v));

function describeParams(p: Params, keys: readonly string[]): string {
  const shown = keys.length ? keys : ["hidden", "lr"];
  return shown.map((k) => `${kebabName[k as Tunable] ?? k}=${fmtValue(p[k])}`).join(" ");
}

/** The `nabla train` command that trains the best setting. */
function trainCommandLine(data: string | undefined, target: string | undefined, task: string | undefined, ignore: readonly string[], hp: Hyper, seed: number): string {
  const parts = ["nabla train"];
  if (data !== undefined) parts.push(`--data ${data}`);
  if (target !== undefined) parts.push(`--target ${target}`);
  if (task !== undefined) parts.push(`--task ${task}`);
  if (ignore.length) parts.push(`--ignore ${ignore.join(",")}`);
  parts.push(`--hidden ${fmtValue(hp.hidden)} --activation ${hp.activation} --optimizer ${hp.optimizer} --lr ${fmtValue(hp.lr)} --batch-size ${hp.batchSize} --epochs ${hp.epochs}`);
  if (hp.dropout) parts.push(`--dropout ${fmtValue(hp.dropout)}`);
  if (hp.l2) parts.push(`--l2 ${fmtValue(hp.l2)}`);
  if (seed !== 0) parts.push(`--seed ${seed}`);
  return parts.join(" ");
}
