/**
 * Model files: a directory with `model.json` (format, architecture, preprocessing, metadata, optimizer
 * options, checksums), `weights.safetensors` (the state dict) and, for resuming, `optimizer.safetensors`
 * (the optimizer's tensors). The format is specified in docs/model-files.md.
 *
 * `serializeModel` / `deserializeModel` work on strings and bytes (browser and Node); `saveModel` /
 * `loadModel` add the directory (Node; `node:fs` is imported on call, so this module loads in browsers).
 * ```ts
 * await saveModel(model, "out/model", { optimizer: opt, metadata: { epoch: 2 } });
 * const { model: net, optimizerState, metadata } = await loadModel("out/model");
 * ```
 */
import { NablaError, ValueError } from "../errors.js";
import type { Module, StateDict } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import type { Optimizer, OptimizerStateDict, ParamState } from "../optim/optimizer.js";
import { Tensor } from "../tensor.js";
import { decodeJsonValue, encodeJsonValue, type JsonValue } from "./json-values.js";
import { architectureToModule, moduleToArchitecture, type ArchitectureNode } from "./layer-registry.js";
import { parseSafetensors, serializeSafetensors } from "./safetensors.js";
import { sha256Hex } from "./sha256.js";

/** The `format` field of every model.json. */
export const MODEL_FORMAT = "nabla-model";
/** The format version this nabla writes; it reads this one and older ones. */
export const MODEL_FORMAT_VERSION = 1;
/** The nabla version written into model files (equal to package.json's; a test keeps them in step). */
export const NABLA_VERSION = "0.1.0";
/** The fixed file names inside a model directory. */
export const MODEL_FILES = { json: "model.json", weights: "weights.safetensors", optimizer: "optimizer.safetensors" } as const;

/** A model file that cannot be read or written: missing, malformed, tampered, of another version, ... */
export class ModelFileError extends NablaError {
  override name = "ModelFileError";
}

/** What besides the model goes into a model file. */
export interface SaveModelOptions {
  /** Its state (moments, step counts, group options) is saved so training resumes exactly. (`any`: every optimizer class.) */
  optimizer?: Optimizer<any>;
  /** Fitted preprocessing by name (scalers, encoders): each one's `toJSON()` is stored. */
  preprocessing?: Record<string, { toJSON(): unknown }>;
  /** Anything JSON (epoch, history, a generator's `getState()`, class names, ...). */
  metadata?: Record<string, unknown>;
}

/** A model file, read back. */
export interface LoadedModel {
  /** The rebuilt module with its weights, in training mode (call `model.eval()` before predicting). */
  model: Module;
  /** For `new Adam(...)` over the same parameters + `loadStateDict(optimizerState)`; null if none was saved. */
  optimizerState: OptimizerStateDict | null;
  /** What each preprocessing object's `toJSON()` gave; rebuild with e.g. `StandardScaler.fromJSON(...)`. */
  preprocessing: Record<string, unknown>;
  /** The metadata as saved. */
  metadata: Record<string, unknown>;
  /** The file's format version. */
  formatVersion: number;
  /**
   * For each of the optimizer's parameter groups, the names (as `model.namedParameters()` gives them) of its
   * parameters, in order; null if no optimizer was saved. {@link optimizerParamGroups} turns them into groups.
   */
  optimizerParamNames: string[][] | null;
}

/** The files of a model directory, as strings and bytes. */
export interface SerializedModel {
  /** The text of model.json. */
  json: string;
  /** weights.safetensors. */
  weights: Uint8Array;
  /** optimizer.safetensors, when an optimizer was given. */
  optimizer?: Uint8Array;
}

/** The parsed shape of model.json (see docs/model-files.md). */
export interface ModelJson {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  nablaVersion: string;
  architecture: ArchitectureNode;
  weights: { sha256: string; size: number };
  optimizer: null | {
    sha256: string;
    size: number;
    name: string;
    paramNames: string[][];
    state: Record<string, Record<string, JsonValue>>;
    paramGroups: Record<string, JsonValue>[];
  };
  preprocessing: Record<string, JsonValue>;
  metadata: Record<string, JsonValue>;
}

// ------------------------------------------------------------------------------------------ serialize

/**
 * The three files of a model directory as a string and bytes, without touching the file system (works in
 * browsers): the architecture from each layer's `getConfig()`, the state dict as safetensors, and (with
 * `optimizer`) its state, whose tensors go to `optimizer` bytes and everything else into the JSON.
 * ```ts
 * const { json, weights } = serializeModel(new Sequential(new Linear(2, 1)));
 * JSON.parse(json).architecture;   // { type: "Sequential", config: {}, children: [{ name: "0", type: "Linear", ... }] }
 * ```
 */
export function serializeModel(model: Module, opts: SaveModelOptions = {}): SerializedModel {
  const op = "serializeModel";
  const { optimizer, preprocessing = {}, metadata = {} } = opts;
  const architecture = moduleToArchitecture(model, op);
  const state = model.stateDict();
  const own = new Set([...model.namedParameters(), ...model.namedBuffers()].map(([n]) => n));
  const tied = Object.keys(state).filter((n) => !own.has(n));
  if (tied.length) {
    // A Parameter reachable under two names (tied weights): stateDict lists both, but the architecture cannot
    // say that they are one tensor, so the rebuilt model would have two. Refuse rather than untie silently.
    throw new ValueError(`${op}: the model has tied (shared) parameters, stored under ${tied.map((n) => `"${n}"`).join(", ")} as well as under another name; ` +
      `format ${MODEL_FORMAT_VERSION} cannot record ties. Save model.stateDict() with saveSafetensors and re-tie after building the model.`);
  }
  const weights = serializeSafetensors(state);
  const doc: ModelJson = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    nablaVersion: NABLA_VERSION,
    architecture,
    weights: { sha256: sha256Hex(weights), size: weights.length },
    optimizer: null,
    preprocessing: {},
    metadata: encodeJsonValue(metadata, "metadata") as Record<string, JsonValue>,
  };
  for (const [name, p] of Object.entries(preprocessing)) {
    if (p === null || typeof p !== "object" || typeof p.toJSON !== "function") {
      throw new ValueError(`${op}: preprocessing "${name}" has no toJSON() method; pass fitted scalers/encoders (StandardScaler, OneHotEncoder, ...).`);
    }
    doc.preprocessing[name] = encodeJsonValue(p.toJSON(), `preprocessing.${name}`);
  }
  let optimizerBytes: Uint8Array | undefined;
  if (optimizer) {
    const { section, bytes } = encodeOptimizer(model, optimizer, op);
    doc.optimizer = section;
    optimizerBytes = bytes;
  }
  const out: SerializedModel = { json: JSON.stringify(doc, null, 2) + "\n", weights };
  if (optimizerBytes) out.optimizer = optimizerBytes;
  return out;
}

function encodeOptimizer(model: Module, optimizer: Optimizer<any>, op: string): { section: NonNullable<ModelJson["optimizer"]>; bytes: Uint8Array } {
  const names = new Map<Tensor, string>(model.namedParameters().map(([n, p]) => [p, n]));
  const paramNames = optimizer.paramGroups.map((g, gi) =>
    g.params.map((p: Tensor, i: number) => {
      const n = names.get(p);
      if (n === undefined) {
        throw new ValueError(`${op}: parameter ${i} of the optimizer's group ${gi} (shape [${p.shape}]) is not a parameter of the model; save an optimizer built from model.parameters().`);
      }
      return n;
    }),
  );
  const sd = optimizer.stateDict();
  const tensors: Record<string, Tensor> = {};
  const state: Record<string, Record<string, JsonValue>> = {};
  for (const [idx, s] of Object.entries(sd.state)) {
    state[idx] = encodeJsonValue(s, `optimizer.state.${idx}`, (t, path) => {
      const name = `state.${idx}.${path.join(".")}`;
      if (name in tensors) throw new ValueError(`${op}: two optimizer state tensors would both be stored as "${name}".`);
      tensors[name] = t;
      return name;
    }) as Record<string, JsonValue>;
  }
  const paramGroups = sd.paramGroups.map((g, i) => encodeJsonValue(g, `optimizer.paramGroups.${i}`) as Record<string, JsonValue>);
  const bytes = serializeSafetensors(tensors);
  return { section: { sha256: sha256Hex(bytes), size: bytes.length, name: sd.optimizer, paramNames, state, paramGroups }, bytes };
}

// ------------------------------------------------------------------------------------------ deserialize

/**
 * Reads the files of a model directory from a string and bytes (works in browsers), validating everything:
 * the JSON, the format name and version, the layer types, the weights' size and SHA-256, the safetensors
 * layout, and that the tensors fit the architecture exactly (names and shapes). Errors are ModelFileError.
 * ```ts
 * const { json, weights } = serializeModel(net);
 * const { model } = deserializeModel(json, weights);
 * ```
 */
export function deserializeModel(json: string, weights: Uint8Array, optimizer?: Uint8Array): LoadedModel {
  return readModel(json, weights, optimizer, "deserializeModel", { json: "model.json", weights: "weights.safetensors", optimizer: "optimizer.safetensors" });
}

const fail = (msg: string, cause?: unknown): never => {
  throw new ModelFileError(msg, cause === undefined ? undefined : { cause });
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function readModel(
  json: string, weights: Uint8Array, optimizer: Uint8Array | undefined, op: string, files: { json: string; weights: string; optimizer: string },
): LoadedModel {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    fail(`${op}: ${files.json} is not valid JSON (${(e as Error).message}); the file is damaged or not a model file.`, e);
  }
  if (!isObject(doc)) return fail(`${op}: ${files.json} must hold a JSON object, got ${Array.isArray(doc) ? "an array" : typeof doc}.`);
  if (doc.format !== MODEL_FORMAT) {
    fail(`${op}: ${files.json} has format ${JSON.stringify(doc.format)}, expected "${MODEL_FORMAT}"; this is not a nabla model file.`);
  }
  const version = doc.formatVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    fail(`${op}: ${files.json} has formatVersion ${JSON.stringify(version)}; expected a whole number ≥ 1. The file is damaged.`);
  }
  if ((version as number) > MODEL_FORMAT_VERSION) {
    fail(`${op}: ${files.json} has formatVersion ${version}, written by a newer nabla (${String(doc.nablaVersion)}); this nabla (${NABLA_VERSION}) reads format versions up to ${MODEL_FORMAT_VERSION}. Upgrade nabla to load it.`);
  }
  const field = (v: unknown, name: string, ok: boolean, want: string) => ok || fail(`${op}: ${files.json}: "${name}" must be ${want}, got ${JSON.stringify(v) ?? "nothing"}.`);
  const checkFile = (sec: unknown, name: string) => {
    field(sec, name, isObject(sec), "an object { sha256, size }");
    const s = sec as Record<string, unknown>;
    field(s.sha256, `${name}.sha256`, typeof s.sha256 === "string" && /^[0-9a-f]{64}$/.test(s.sha256), "64 lowercase hex digits");
    field(s.size, `${name}.size`, Number.isInteger(s.size) && (s.size as number) >= 0, "a whole number of bytes");
  };
  checkArchitecture(doc.architecture, "architecture", (msg) => fail(`${op}: ${files.json}: ${msg}`));
  checkFile(doc.weights, "weights");
  field(doc.preprocessing, "preprocessing", isObject(doc.preprocessing), "an object");
  field(doc.metadata, "metadata", isObject(doc.metadata), "an object");
  const optSec = doc.optimizer ?? null;
  if (optSec !== null) {
    checkFile(optSec, "optimizer");
    const o = optSec as Record<string, unknown>;
    field(o.name, "optimizer.name", typeof o.name === "string", "a string");
    field(o.state, "optimizer.state", isObject(o.state) && Object.values(o.state).every(isObject), "an object of objects");
    field(o.paramGroups, "optimizer.paramGroups", Array.isArray(o.paramGroups) && o.paramGroups.every((g) => isObject(g) && Array.isArray(g.params)), "a list of objects with params");
    field(o.paramNames, "optimizer.paramNames", Array.isArray(o.paramNames) && o.paramNames.every((g) => Array.isArray(g) && g.every((n) => typeof n === "string")), "a list of lists of names");
  }
  const d = doc as unknown as ModelJson;

  // Decode the JSON parts first (cheap, and their errors are about model.json).
  let preprocessing: Record<string, unknown>, metadata: Record<string, unknown>;
  try {
    preprocessing = decodeJsonValue(d.preprocessing, "preprocessing") as Record<string, unknown>;
    metadata = decodeJsonValue(d.metadata, "metadata") as Record<string, unknown>;
  } catch (e) {
    return fail(`${op}: ${files.json}: ${(e as Error).message}`, e);
  }

  // Weights: size, checksum, layout; then the architecture and the strict state-dict load.
  const state = readTensors(weights, d.weights, files.weights, op);
  let model: Module;
  try {
    model = architectureToModule(d.architecture, op);
  } catch (e) {
    return fail((e as Error).message, e);
  }
  try {
    model.loadStateDict(state as StateDict);
  } catch (e) {
    fail(`${op}: ${files.weights} does not fit the architecture in ${files.json}: ${(e as Error).message}`, e);
  }

  let optimizerState: OptimizerStateDict | null = null;
  let optimizerParamNames: string[][] | null = null;
  if (d.optimizer) {
    if (optimizer === undefined) fail(`${op}: ${files.json} lists an optimizer state, but ${files.optimizer} is missing. Restore the file, or remove "optimizer" from ${files.json} to load the model alone.`);
    ({ optimizerState, optimizerParamNames } = readOptimizer(optimizer!, d.optimizer, model, op, files));
  }
  return { model, optimizerState, preprocessing, metadata, formatVersion: version as number, optimizerParamNames };
}

function checkArchitecture(node: unknown, path: string, bad: (msg: string) => never): void {
  if (!isObject(node)) bad(`${path} must be an object { type, config, children? }, got ${JSON.stringify(node)}.`);
  const n = node as Record<string, unknown>;
  if (typeof n.type !== "string" || n.type === "") bad(`${path}.type must be a layer type name, got ${JSON.stringify(n.type)}.`);
  if (!isObject(n.config)) bad(`${path}.config must be an object, got ${JSON.stringify(n.config)}.`);
  if (n.children === undefined) return;
  if (!Array.isArray(n.children)) bad(`${path}.children must be a list, got ${JSON.stringify(n.children)}.`);
  (n.children as unknown[]).forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== "string") bad(`${path}.children[${i}] must be an object with a string "name".`);
    checkArchitecture(c, `${path}.children[${i}]`, bad);
  });
}

/** Checks the bytes against the recorded size and SHA-256, then parses them as safetensors. */
function readTensors(bytes: Uint8Array, sec: { sha256: string; size: number }, file: string, op: string): Record<string, Tensor> {
  if (bytes.length !== sec.size) {
    fail(`${op}: ${file} has ${bytes.length} bytes, but model.json records ${sec.size}; the file is ${bytes.length < sec.size ? "truncated" : "longer than written"} (an interrupted copy?). Restore it from the original.`);
  }
  const digest = sha256Hex(bytes);
  if (digest !== sec.sha256) {
    fail(`${op}: ${file} does not match its SHA-256 in model.json (expected ${sec.sha256}, got ${digest}); the file was modified or damaged after saving. Restore it, or re-save the model.`);
  }
  try {
    return parseSafetensors(bytes).tensors;
  } catch (e) {
    return fail(`${op}: ${file} is not a valid safetensors file: ${(e as Error).message}`, e);
  }
}

function readOptimizer(
  bytes: Uint8Array, sec: NonNullable<ModelJson["optimizer"]>, model: Module, op: string, files: { json: string; optimizer: string },
): { optimizerState: OptimizerStateDict; optimizerParamNames: string[][] } {
  const tensors = readTensors(bytes, sec, files.optimizer, op);
  const used = new Set<string>();
  const getTensor = (name: string) => {
    const t = tensors[name];
    if (!t) return fail(`${op}: ${files.json} refers to optimizer tensor "${name}", which ${files.optimizer} does not hold.`);
    used.add(name);
    return t;
  };
  const params = new Map(model.namedParameters());
  const counts = sec.paramGroups.map((g) => (g.params as unknown[]).length);
  sec.paramNames.forEach((names, gi) => {
    if (names.length !== counts[gi]) fail(`${op}: ${files.json}: optimizer.paramNames[${gi}] lists ${names.length} names, but paramGroups[${gi}] has ${counts[gi]} parameters.`);
    for (const n of names) if (!params.has(n)) fail(`${op}: ${files.json}: the optimizer refers to parameter "${n}", which the model does not have.`);
  });
  if (sec.paramNames.length !== sec.paramGroups.length) fail(`${op}: ${files.json}: optimizer.paramNames has ${sec.paramNames.length} groups, paramGroups has ${sec.paramGroups.length}.`);
  let state: Record<number, ParamState>, paramGroups: OptimizerStateDict["paramGroups"];
  try {
    state = {};
    for (const [k, s] of Object.entries(sec.state)) state[Number(k)] = decodeJsonValue(s, `optimizer.state.${k}`, getTensor) as ParamState;
    paramGroups = sec.paramGroups.map((g, i) => decodeJsonValue(g, `optimizer.paramGroups.${i}`) as OptimizerStateDict["paramGroups"][number]);
  } catch (e) {
    return fail(e instanceof ModelFileError ? e.message : `${op}: ${files.json}: ${(e as Error).message}`, e);
  }
  const extra = Object.keys(tensors).filter((n) => !used.has(n));
  if (extra.length) fail(`${op}: ${files.optimizer} holds tensors that ${files.json} does not refer to: ${extra.join(", ")}.`);
  return { optimizerState: { optimizer: sec.name, state, paramGroups }, optimizerParamNames: sec.paramNames.map((g) => [...g]) };
}

/**
 * The saved optimizer's parameter groups over the loaded model's parameters (same groups, same order), to
 * build the optimizer again before `loadStateDict`. Needed only when the optimizer was not built from
 * `model.parameters()` as one group; for that common case, `new Adam(model.parameters())` is the same.
 * ```ts
 * const loaded = await loadModel("ckpt");
 * const opt = new Adam(optimizerParamGroups(loaded));
 * opt.loadStateDict(loaded.optimizerState!);   // also restores each group's lr, betas, ...
 * ```
 */
export function optimizerParamGroups(loaded: LoadedModel): { params: Parameter[] }[] {
  if (!loaded.optimizerParamNames) throw new ValueError("optimizerParamGroups: this model file has no optimizer state (save it with { optimizer }).");
  const params = new Map(loaded.model.namedParameters());
  return loaded.optimizerParamNames.map((names) => ({ params: names.map((n) => params.get(n)!) }));
}

// ------------------------------------------------------------------------------------------ files (Node)

let tempCounter = 0;

/**
 * Saves a model directory atomically: the files are written into a new temporary directory next to `dir`
 * (`.NAME.tmp-*`), each flushed to disk, and only then does that directory take `dir`'s place. If anything
 * fails, `dir` is left as it was and the temporary directory is removed. An existing `dir` is replaced only
 * if it is a model directory (it has a model.json) or empty; files in it other than the model's own
 * (model.json, weights.safetensors, optimizer.safetensors) — say a history.json — are carried over. Node only.
 * ```ts
 * await saveModel(model, "runs/mlp", { optimizer: opt, preprocessing: { scaler }, metadata: { epoch: 4 } });
 * ```
 */
export async function saveModel(model: Module, dir: string, opts: SaveModelOptions = {}): Promise<void> {
  const { promises: fs } = await import("node:fs");
  const path = await import("node:path");
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  const files = serializeModel(model, opts);

  let existing: "none" | "empty" | "model" = "none";
  try {
    const st = await fs.lstat(target);
    if (!st.isDirectory()) throw new ModelFileError(`saveModel: ${dir} exists and is not a directory; choose another path or remove it.`);
    const entries = await fs.readdir(target);
    if (entries.length === 0) existing = "empty";
    else if (entries.includes(MODEL_FILES.json)) existing = "model";
    else throw new ModelFileError(`saveModel: ${dir} is a non-empty directory without a model.json; refusing to replace it. Choose a new path, or empty it first.`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }

  await fs.mkdir(parent, { recursive: true });
  const tmp = await makeTempDir(fs, path.join(parent, `.${base}.tmp-${process.pid}-`));
  try {
    const write = async (name: string, data: Uint8Array | string) => {
      const fh = await fs.open(path.join(tmp, name), "wx");
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    };
    await write(MODEL_FILES.weights, files.weights);
    if (files.optimizer) await write(MODEL_FILES.optimizer, files.optimizer);
    await write(MODEL_FILES.json, files.json); // last: a directory with a model.json is complete
    if (existing === "model") {
      const own = new Set<string>(Object.values(MODEL_FILES));
      for (const entry of await fs.readdir(target)) {
        if (!own.has(entry)) await fs.cp(path.join(target, entry), path.join(tmp, entry), { recursive: true, preserveTimestamps: true });
      }
    }
    await syncDir(fs, tmp);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }

  // The swap. POSIX cannot atomically replace a non-empty directory, so the old one is moved aside first and
  // moved back if the second rename fails; only a crash between the two renames leaves `dir` missing, with
  // the old model intact at .NAME.old-* (loadModel's error points there).
  if (existing === "none") {
    try {
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
  } else {
    const old = path.join(parent, `.${base}.old-${process.pid}-${tempCounter++}`);
    try {
      await fs.rename(target, old);
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
    try {
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rename(old, target).catch(() => undefined);
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
    await fs.rm(old, { recursive: true, force: true });
  }
  await syncDir(fs, parent);
}

/** A new, empty directory `prefix + N` (made with mkdir, so it gets the usual permissions, unlike mkdtemp's 0700). */
async function makeTempDir(fs: typeof import("node:fs").promises, prefix: string): Promise<string> {
  for (;;) {
    const dir = `${prefix}${tempCounter++}`;
    try {
      await fs.mkdir(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/** fsync on a directory makes renames and new entries in it durable; best effort (not on every platform). */
async function syncDir(fs: typeof import("node:fs").promises, dir: string): Promise<void> {
  let fh: import("node:fs/promises").FileHandle | undefined;
  try {
    fh = await fs.open(dir, "r");
    await fh.sync();
  } catch {
    // not supported here (e.g. Windows); the rename is still atomic
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Loads a model directory written by {@link saveModel}, validating everything (see
 * {@link deserializeModel}); every failure is a ModelFileError naming the directory, the file and the fix.
 * Node only.
 * ```ts
 * const { model, preprocessing, metadata } = await loadModel("runs/mlp");
 * model.eval();
 * const scaler = StandardScaler.fromJSON(preprocessing.scaler);
 * ```
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const { promises: fs } = await import("node:fs");
  const path = await import("node:path");
  const op = `loadModel(${JSON.stringify(dir)})`;
  const target = path.resolve(dir);
  try {
    const st = await fs.stat(target);
    if (!st.isDirectory()) fail(`${op}: ${dir} is a file, not a model directory; pass the directory that holds model.json.`);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    const leftovers = (await fs.readdir(path.dirname(target)).catch(() => [] as string[])).filter((n) => n.startsWith(`.${path.basename(target)}.old-`));
    fail(`${op}: there is no model directory at ${target}.` +
      (leftovers.length ? ` A save was interrupted; the previous model is in ${path.join(path.dirname(target), leftovers[0]!)} — rename it to ${path.basename(target)}.` : ""));
  }
  const read = async (name: string, required: boolean): Promise<Uint8Array | undefined> => {
    try {
      return new Uint8Array(await fs.readFile(path.join(target, name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      if (required) fail(`${op}: ${name} is missing from ${dir}; ${name === MODEL_FILES.json ? "is this a nabla model directory (saved by saveModel)?" : "the directory is incomplete; restore the file or save the model again."}`);
      return undefined;
    }
  };
  const jsonBytes = (await read(MODEL_FILES.json, true))!;
  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(jsonBytes);
  } catch (e) {
    return fail(`${op}: ${MODEL_FILES.json} is not UTF-8 text; the file is damaged or not a model file.`, e);
  }
  const weights = (await read(MODEL_FILES.weights, true))!;
  const optimizer = await read(MODEL_FILES.optimizer, false);
  return readModel(json, weights, optimizer, op, MODEL_FILES);
}
