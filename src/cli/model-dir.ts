/**
 * The model directory `nabla train` writes and `evaluate` / `predict` / `info` read: the model files of
 * `io.saveModel` (model.json + weights.safetensors) whose `preprocessing` holds the fitted feature scaler
 * (and the label encoder, or the target scaler) and whose `metadata` says how to use it (feature names,
 * target, task, classes, hyperparameters, final metrics), plus `history.json` and `curves.svg`.
 *
 * Nothing is written until training has finished, and the model directory appears in one rename, so a
 * failed or interrupted run leaves no partial model behind.
 *
 * ```ts
 * const b = await loadBundle("nabla-model");
 * const probs = predictBundle(b, featureMatrix(table, b.meta.featureNames)).probabilities;
 * ```
 */
import { promises as fs } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Module } from "../nn/module.js";
import type { Tensor } from "../tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { softmax } from "../ops/activations.js";
import { StandardScaler } from "../data/preprocessing/standard-scaler.js";
import { LabelEncoder } from "../data/preprocessing/label-encoder.js";
import type { Category } from "../data/preprocessing/categories.js";
import { loadModel, saveModel, MODEL_FILES } from "../io/model-file.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { InputError } from "./errors.js";
import type { Hyper } from "./fit-mlp.js";
import { forwardAll } from "./scores.js";
import type { Task } from "./tabular-data.js";

/** What `nabla train` records in the model's metadata. */
export interface CliMetadata {
  createdBy: string;
  task: Task;
  targetName: string;
  featureNames: string[];
  /** Class labels by id (classification). */
  classes?: Category[];
  /** The training data (a path or the built-in set's name). */
  source: string;
  rows: number;
  hyperparameters: Hyper;
  seed: number;
  backend: string;
  epochsRun: number;
  /** The epoch (1-based) whose weights were saved. */
  keptEpoch: number;
  /** Final metrics by data part (`train`, `validation`). */
  metrics: Record<string, Record<string, number>>;
  createdAt: string;
}

/** A loaded model directory. */
export interface Bundle {
  dir: string;
  model: Module;
  scaler: StandardScaler;
  labels?: LabelEncoder;
  targetScaler?: StandardScaler;
  meta: CliMetadata;
}

/** Extra files written next to the model files. */
export const EXTRA_FILES = { history: "history.json", curves: "curves.svg" } as const;

/**
 * Checks before training that `out` can take a model: it is absent, an empty directory, or a directory
 * holding a model (which will be replaced). Anything else is an error now rather than after training.
 */
export async function checkOutDir(out: string): Promise<void> {
  let st;
  try {
    st = await fs.stat(out);
  } catch {
    const parent = dirname(resolve(out));
    try {
      const ps = await fs.stat(parent);
      if (!ps.isDirectory()) throw new InputError(`--out: ${parent} is not a directory`);
    } catch (e) {
      if (e instanceof InputError) throw e;
      // A missing parent is created when saving.
    }
    return;
  }
  if (!st.isDirectory()) throw new InputError(`--out: ${out} exists and is a file; give a directory path for the model`);
  const entries = await fs.readdir(out);
  if (entries.length > 0 && !entries.includes(MODEL_FILES.json)) {
    throw new InputError(`--out: ${out} is a non-empty directory without a model in it; choose a new path (nabla will not overwrite other files)`);
  }
}

/**
 * Saves the model with its preprocessing and metadata, then the extra files, into `out`. If writing the
 * extras fails for a directory that did not exist before, the directory is removed again.
 */
export async function saveBundle(out: string, b: Omit<Bundle, "dir">, extras: Record<string, string>): Promise<void> {
  const existed = await fs.stat(out).then(() => true, () => false);
  const preprocessing: Record<string, { toJSON(): unknown }> = { scaler: b.scaler };
  if (b.labels) preprocessing.labels = b.labels;
  if (b.targetScaler) preprocessing.targetScaler = b.targetScaler;
  await saveModel(b.model, out, { preprocessing, metadata: b.meta as unknown as Record<string, unknown> });
  try {
    for (const [name, text] of Object.entries(extras)) await writeFileAtomic(join(out, name), text);
  } catch (e) {
    if (!existed) await fs.rm(out, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

/** Loads a model directory written by `nabla train` (any other model directory is refused with the reason). */
export async function loadBundle(dir: string, flagName = "--model"): Promise<Bundle> {
  const st = await fs.stat(dir).catch(() => null);
  if (!st) throw new InputError(`${flagName}: no model directory at ${dir} (train one with: nabla train --out ${dir})`);
  if (!st.isDirectory()) throw new InputError(`${flagName}: ${dir} is a file; pass the directory that holds model.json`);
  const loaded = await loadModel(dir);
  const meta = loaded.metadata as Partial<CliMetadata>;
  if (typeof meta.task !== "string" || !Array.isArray(meta.featureNames) || typeof meta.targetName !== "string" || !loaded.preprocessing.scaler) {
    throw new InputError(`${flagName}: ${dir} holds a nabla model, but not one written by nabla train (its metadata has no task, featureNames and targetName, or it has no feature scaler); the command line cannot tell which columns it takes`);
  }
  const scaler = StandardScaler.fromJSON(loaded.preprocessing.scaler);
  if (scaler.nFeaturesIn !== meta.featureNames.length) {
    throw new InputError(`${flagName}: ${dir}/model.json is inconsistent: the scaler has ${scaler.nFeaturesIn} features but the metadata names ${meta.featureNames.length}`);
  }
  const labels = loaded.preprocessing.labels ? LabelEncoder.fromJSON(loaded.preprocessing.labels) : undefined;
  const targetScaler = loaded.preprocessing.targetScaler ? StandardScaler.fromJSON(loaded.preprocessing.targetScaler) : undefined;
  if (meta.task === "classify" && !labels) throw new InputError(`${flagName}: ${dir}/model.json is a classifier without its label encoder`);
  const model = loaded.model;
  model.eval();
  return { dir, model, scaler, labels, targetScaler, meta: meta as CliMetadata };
}

/** Predictions for raw (unscaled) features: class ids and probabilities, or values in the target's units. */
export interface Predictions {
  /** Classification: the predicted class id of each row. */
  ids?: Int32Array;
  /** Classification: [N, K] row-major probabilities. */
  probabilities?: Float32Array;
  /** Regression: the predicted value of each row. */
  values?: Float32Array;
}

export function predictBundle(b: Bundle, x: Tensor): Predictions {
  const out = forwardAll(b.model, b.scaler.transform(x));
  return noGrad(() => {
    if (b.meta.task === "classify") {
      return { ids: out.argmax(1).dataSync() as Int32Array, probabilities: Float32Array.from(softmax(out, 1).dataSync() as Float32Array) };
    }
    const v = b.targetScaler ? b.targetScaler.inverseTransform(out) : out;
    return { values: Float32Array.from(v.dataSync() as Float32Array) };
  });
}
