/**
 * `nabla info MODEL`: describes a model directory — its layers with output shapes and parameter counts
 * (`Module.summary`), the preprocessing saved with it, and its metadata (task, target, features, classes,
 * hyperparameters, final metrics). Works for any directory written by `io.saveModel`; the command line's
 * own fields are shown when present.
 *
 * ```sh
 * nabla info nabla-model
 * nabla info nabla-model --json
 * ```
 */
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { loadModel, MODEL_FILES } from "../io/model-file.js";
import type { Module } from "../nn/module.js";
import { flag, formatHelp, parseArgs, type CommandHelp } from "./args.js";
import { count, outputFlags, printer, type CliIO } from "./common.js";
import { InputError, UsageError } from "./errors.js";
import type { CliMetadata } from "./model-dir.js";
import { metricsTable } from "./table.js";

const spec = {
  model: flag.str("the model directory (or give it as the first argument)", { default: undefined, placeholder: "DIR" }),
  ...outputFlags,
};

const help: CommandHelp = {
  name: "info",
  usage: "nabla info MODEL_DIR [--json]",
  summary: "Describe a saved model: layers, output shapes, parameter counts, preprocessing and metadata.",
  examples: ["nabla info nabla-model", "nabla info nabla-model --json"],
};

/** A list shortened to its first and last items: `a, b, c, ..., x, y, z`. */
export function shortList(items: readonly unknown[], keep = 3): string {
  const s = items.map(String);
  return s.length <= 2 * keep + 1 ? s.join(", ") : `${s.slice(0, keep).join(", ")}, ..., ${s.slice(-keep).join(", ")}`;
}

/** The input width of a model: the first module that has `inFeatures` (a Linear), if any. */
function inputWidth(model: Module): number | undefined {
  for (const m of model.modules()) {
    const w = (m as unknown as { inFeatures?: unknown }).inFeatures;
    if (typeof w === "number") return w;
  }
  return undefined;
}

export async function infoCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags: f, help: wantHelp, positionals } = parseArgs("info", spec, argv, { maxPositionals: 1 });
  if (wantHelp) {
    io.stdout.write(formatHelp(help, spec));
    return 0;
  }
  if (f.model !== undefined && positionals.length > 0) throw new UsageError("give the model directory once: nabla info DIR (or --model DIR)");
  const dir = f.model ?? positionals[0];
  if (dir === undefined) throw new UsageError("which model? nabla info MODEL_DIR (e.g. nabla info nabla-model)");
  const st = await fs.stat(dir).catch(() => null);
  if (!st) throw new InputError(`no model directory at ${dir}`);
  if (!st.isDirectory()) throw new InputError(`${dir} is a file; pass the directory that holds model.json`);
  const p = printer(io, f);
  const loaded = await loadModel(dir);
  const file = JSON.parse(await fs.readFile(join(dir, MODEL_FILES.json), "utf8")) as { nablaVersion?: string; formatVersion?: number };
  const meta = loaded.metadata as Partial<CliMetadata>;
  const width = Array.isArray(meta.featureNames) ? meta.featureNames.length : inputWidth(loaded.model);
  const summary = width !== undefined ? loaded.model.summary([1, width]) : undefined;
  const params = loaded.model.parameters().reduce((s, q) => s + q.size, 0);

  p.say(`model:      ${dir}  (nabla model format ${file.formatVersion}, written by nabla ${file.nablaVersion ?? "?"}${meta.createdBy ? ` / ${meta.createdBy}` : ""}${meta.createdAt ? `, ${meta.createdAt}` : ""})`);
  if (meta.task) {
    const classes = meta.classes ? `, ${meta.classes.length} classes (${shortList(meta.classes, 6)})` : "";
    p.say(`task:       ${meta.task}: target "${meta.targetName}"${classes}`);
  }
  if (meta.featureNames) p.say(`features:   ${meta.featureNames.length} (${shortList(meta.featureNames)})`);
  const pre = Object.entries(loaded.preprocessing).map(([k, v]) => `${k}: ${(v as { type?: string }).type ?? "?"}`);
  p.say(`preprocess: ${pre.length ? pre.join(", ") : "none"}`);
  if (meta.hyperparameters) {
    const h = meta.hyperparameters;
    p.say(`training:   ${meta.source ?? "?"}${meta.rows ? `, ${count(meta.rows)} rows` : ""}; ${h.optimizer} lr ${h.lr}, batch ${h.batchSize}, hidden ${h.hidden.join(",") || "none"} (${h.activation})` +
      `${h.dropout ? `, dropout ${h.dropout}` : ""}${h.l2 ? `, L2 ${h.l2}` : ""}; ${meta.epochsRun} epochs, kept epoch ${meta.keptEpoch}; seed ${meta.seed}, backend ${meta.backend}`);
  }
  const other = Object.keys(loaded.metadata).filter((k) => !["createdBy", "createdAt", "task", "targetName", "featureNames", "classes", "source", "rows", "hyperparameters", "seed", "backend", "epochsRun", "keptEpoch", "metrics"].includes(k));
  if (other.length) p.say(`metadata:   ${other.map((k) => `${k}: ${JSON.stringify(loaded.metadata[k])}`).join("; ").slice(0, 300)}`);
  if (meta.metrics && Object.keys(meta.metrics).length) {
    p.say("");
    p.say(metricsTable(meta.metrics));
  }
  p.say("");
  if (summary) p.say(summary.toString());
  else p.say(`${loaded.model.toString()}\nTotal params: ${count(params)}`);
  p.json({
    command: "info", dir, formatVersion: file.formatVersion, nablaVersion: file.nablaVersion,
    layers: summary?.rows.map((r) => ({ name: r.name, type: r.type, outputShape: r.outputShape, params: r.params })) ?? null,
    totalParams: params, trainableParams: summary?.trainableParams ?? params,
    preprocessing: Object.fromEntries(Object.entries(loaded.preprocessing).map(([k, v]) => [k, (v as { type?: string }).type ?? null])),
    metadata: loaded.metadata,
  });
  return 0;
}
