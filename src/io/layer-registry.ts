/**
 * The layer registry of model files: `type` name ↔ Module class, and the two directions between a live
 * module and its architecture tree `{ type, config, children? }` (see docs/model-files.md).
 *
 * Every built-in layer is registered under its class name. A module class of your own is registered once,
 * before saving or loading, with how to rebuild it from its `getConfig()` and its rebuilt children:
 * ```ts
 * class Residual extends Module<[Tensor]> {
 *   constructor(readonly inner: Module<[Tensor]>, readonly scale = 1) { super(); }
 *   forward(x: Tensor): Tensor { return x.add(this.inner.call(x).mul(this.scale)); }
 *   override getConfig() { return { scale: this.scale }; }
 *   static fromConfig(config: { scale: number }, children: Module[]) { return new Residual(children[0] as Module<[Tensor]>, config.scale); }
 * }
 * registerModule("Residual", Residual);
 * ```
 */
import { ValueError } from "../errors.js";
import { getDefaultGenerator } from "../random.js";
import { DTYPES } from "../dtype.js";
import { Module } from "../nn/module.js";
import * as Act from "../nn/layers/activations.js";
import { BatchNorm1d } from "../nn/layers/batch-norm.js";
import { Dropout } from "../nn/layers/dropout.js";
import { Embedding } from "../nn/layers/embedding.js";
import { Flatten } from "../nn/layers/flatten.js";
import { Identity } from "../nn/layers/identity.js";
import { LayerNorm } from "../nn/layers/layer-norm.js";
import { Linear } from "../nn/layers/linear.js";
import { GaussianDropout, GaussianNoise, WeightNoise } from "../nn/layers/noise.js";
import { Sequential } from "../nn/layers/sequential.js";
import { encodeJsonValue, type JsonValue } from "./json-values.js";

/** One node of the architecture tree in `model.json`. The root has no `name`. */
export interface ArchitectureNode {
  /** The registered type name, e.g. `"Linear"`. */
  type: string;
  /** What `getConfig()` returned (JSON-encoded). */
  config: Record<string, JsonValue>;
  /** The direct sub-modules, in order, each with its property path (`"0"`, `"module"`, `"layers.1"`); absent when none. */
  children?: (ArchitectureNode & { name: string })[];
}

/** Rebuilds a module from its config and its already rebuilt children (`config: any`, so a typed one fits). */
export type FromConfig = (config: any, children: Module[]) => Module;

/** A Module class, optionally with a static `fromConfig`. */
export type ModuleClass = (abstract new (...args: any[]) => Module) & { fromConfig?: FromConfig };

interface Entry {
  cls: ModuleClass;
  fromConfig: FromConfig;
  builtIn: boolean;
}

const byType = new Map<string, Entry>();
const byClass = new Map<ModuleClass, string>();

// Config keys of the built-in layers and what each must be; a missing key takes the constructor's default.
type Kind = "number" | "number|null" | "boolean" | "string" | "int[]" | "dtype";
const checks: Record<Kind, (v: unknown) => boolean> = {
  number: (v) => typeof v === "number",
  "number|null": (v) => v === null || typeof v === "number",
  boolean: (v) => typeof v === "boolean",
  string: (v) => typeof v === "string",
  "int[]": (v) => Array.isArray(v) && v.every((d) => Number.isInteger(d)),
  dtype: (v) => typeof v === "string" && (DTYPES as readonly string[]).includes(v),
};

function builtIn(cls: ModuleClass, keys: Record<string, Kind>, make: (c: Record<string, any>, children: Module[]) => Module): void {
  const type = cls.name;
  const fromConfig: FromConfig = (config, children) => {
    for (const [k, v] of Object.entries(config)) {
      const kind = keys[k];
      if (!kind) throw new ValueError(`unknown config key "${k}" (${type} takes ${Object.keys(keys).join(", ") || "none"})`);
      if (!checks[kind](v)) throw new ValueError(`config key "${k}" must be ${kind === "dtype" ? `one of ${DTYPES.join(", ")}` : `a ${kind}`}, got ${JSON.stringify(v)}`);
    }
    return make(config, children);
  };
  byType.set(type, { cls, fromConfig, builtIn: true });
  byClass.set(cls, type);
}

const simple = (cls: new () => Module) => builtIn(cls, {}, () => new cls());
builtIn(Sequential, {}, (_c, children) => new Sequential(...children));
builtIn(Linear, { inFeatures: "number", outFeatures: "number", bias: "boolean", dtype: "dtype" }, (c) => new Linear(c.inFeatures, c.outFeatures, { bias: c.bias, dtype: c.dtype }));
simple(Identity);
builtIn(Flatten, { startDim: "number", endDim: "number" }, (c) => new Flatten(c.startDim, c.endDim));
for (const cls of [Act.ReLU, Act.ReLU6, Act.Sigmoid, Act.Tanh, Act.Hardsigmoid, Act.Hardswish, Act.SELU, Act.SiLU, Act.Mish]) simple(cls);
builtIn(Act.LeakyReLU, { negativeSlope: "number" }, (c) => new Act.LeakyReLU(c));
builtIn(Act.BinaryStep, { gradient: "string" }, (c) => new Act.BinaryStep(c));
builtIn(Act.Softmax, { dim: "number" }, (c) => new Act.Softmax(c));
builtIn(Act.LogSoftmax, { dim: "number" }, (c) => new Act.LogSoftmax(c));
builtIn(Act.GELU, { approximate: "string" }, (c) => new Act.GELU(c));
builtIn(Act.ELU, { alpha: "number" }, (c) => new Act.ELU(c));
builtIn(Act.Softplus, { beta: "number" }, (c) => new Act.Softplus(c));
builtIn(Dropout, { p: "number" }, (c) => new Dropout(c.p));
builtIn(GaussianNoise, { std: "number" }, (c) => new GaussianNoise(c.std));
builtIn(GaussianDropout, { p: "number" }, (c) => new GaussianDropout(c.p));
builtIn(WeightNoise, { std: "number" }, (c, children) => {
  if (children.length !== 1) throw new ValueError(`WeightNoise needs exactly 1 child (the wrapped module), got ${children.length}`);
  return new WeightNoise(children[0]!, { std: c.std });
});
builtIn(BatchNorm1d, { numFeatures: "number", eps: "number", momentum: "number|null", affine: "boolean", trackRunningStats: "boolean", dtype: "dtype" },
  (c) => new BatchNorm1d(c.numFeatures, c));
builtIn(LayerNorm, { normalizedShape: "int[]", eps: "number", elementwiseAffine: "boolean", dtype: "dtype" }, (c) => new LayerNorm(c.normalizedShape, c));
builtIn(Embedding, { numEmbeddings: "number", embeddingDim: "number", paddingIdx: "number|null", dtype: "dtype" },
  (c) => new Embedding(c.numEmbeddings, c.embeddingDim, { paddingIdx: c.paddingIdx, dtype: c.dtype }));

/**
 * Registers a Module class of your own under `type`, so model files can store and rebuild it. Rebuilding
 * calls `fromConfig(config, children)`: the option given here, else the class's static `fromConfig`, else
 * `new Class(config)` (right for classes that take one options object). `config` is what the module's
 * `getConfig()` returned; `children` are its sub-modules (as `namedChildren()` lists them), already rebuilt —
 * use them, or ignore them if the constructor makes its own (their weights are loaded afterwards either way).
 * Registering the same class under the same name again does nothing; a name that is taken throws.
 * ```ts
 * registerModule("Residual", Residual);
 * await saveModel(new Sequential(new Residual(new Linear(4, 4))), "model");
 * ```
 */
export function registerModule(type: string, cls: ModuleClass, { fromConfig }: { fromConfig?: FromConfig } = {}): void {
  if (typeof type !== "string" || !/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(type)) {
    throw new ValueError(`registerModule: type must be a name of letters, digits, "_", ".", ":" or "-" (not starting with a digit), got ${JSON.stringify(type)}.`);
  }
  if (typeof cls !== "function" || !(cls.prototype instanceof Module)) {
    throw new ValueError(`registerModule: "${type}" must be registered with a class that extends Module.`);
  }
  const known = byType.get(type);
  if (known) {
    if (known.cls === cls && !fromConfig) return;
    throw new ValueError(`registerModule: the type "${type}" is already registered (${known.builtIn ? "a built-in layer" : `to class ${known.cls.name}`}); choose another name, e.g. "my.${type}".`);
  }
  const other = byClass.get(cls);
  if (other !== undefined) throw new ValueError(`registerModule: class ${cls.name} is already registered as "${other}".`);
  const make = fromConfig ?? (cls.fromConfig ? cls.fromConfig.bind(cls) : (config: Record<string, any>) => new (cls as unknown as new (c: unknown) => Module)(config));
  byType.set(type, { cls, fromConfig: make, builtIn: false });
  byClass.set(cls, type);
}

/** Removes a registration made by {@link registerModule} (built-in layers stay); returns whether it existed. */
export function unregisterModule(type: string): boolean {
  const e = byType.get(type);
  if (!e || e.builtIn) return false;
  byType.delete(type);
  byClass.delete(e.cls);
  return true;
}

/** The registered type names, built-in layers first. */
export function registeredModules(): string[] {
  const all = [...byType.entries()];
  return [...all.filter(([, e]) => e.builtIn), ...all.filter(([, e]) => !e.builtIn)].map(([t]) => t);
}

const howToRegister = (cls: string) =>
  `Register it before saving and loading: registerModule("${cls}", ${cls}), with getConfig() returning its constructor arguments and a static fromConfig(config, children) that rebuilds it (see docs/model-files.md).`;

/**
 * The architecture tree of `module` (types, configs, children). Throws, naming the module's path, for a
 * class that is not registered or a config that is not JSON.
 */
export function moduleToArchitecture(module: Module, op = "serializeModel"): ArchitectureNode {
  const visit = (m: Module, path: string): ArchitectureNode => {
    const type = byClass.get(m.constructor as ModuleClass);
    const where = path === "" ? "the model" : `the layer "${path}"`;
    if (type === undefined) throw new ValueError(`${op}: ${where} is a ${m.constructor.name}, which is not a registered module type. ${howToRegister(m.constructor.name)}`);
    const raw = m.getConfig();
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new ValueError(`${op}: ${m.constructor.name}.getConfig() must return a plain object, got ${JSON.stringify(raw)}.`);
    const config = encodeJsonValue(raw, `${path || "model"} config`) as Record<string, JsonValue>;
    const node: ArchitectureNode = { type, config };
    const kids = m.namedChildren();
    if (kids.length) node.children = kids.map(([name, c]) => ({ name, ...visit(c, path ? `${path}.${name}` : name) }));
    return node;
  };
  return visit(module, "");
}

/**
 * Rebuilds the module an architecture tree describes (fresh weights; load the state dict afterwards). The
 * global random generator is left exactly as it was, so loading a model does not shift a seeded run.
 * Checks that the rebuilt module has the children the tree lists (names and types).
 */
export function architectureToModule(node: ArchitectureNode, op = "deserializeModel"): Module {
  const gen = getDefaultGenerator();
  const saved = gen.getState();
  try {
    const m = build(node, "", op);
    checkStructure(m, node, "", op);
    return m;
  } finally {
    gen.setState(saved);
  }
}

function build(node: ArchitectureNode, path: string, op: string): Module {
  const where = path === "" ? "the model" : `the layer "${path}"`;
  const entry = byType.get(node.type);
  if (!entry) {
    throw new ValueError(`${op}: ${where} has the unknown type "${node.type}". ${howToRegister(node.type)} Registered types: ${registeredModules().join(", ")}.`);
  }
  const children = (node.children ?? []).map((c) => build(c, path ? `${path}.${c.name}` : c.name, op));
  let m: unknown;
  try {
    m = entry.fromConfig({ ...node.config }, children);
  } catch (e) {
    throw new ValueError(`${op}: cannot rebuild ${where} (${node.type}) from config ${JSON.stringify(node.config)}: ${(e as Error).message}`, { cause: e });
  }
  if (!(m instanceof entry.cls)) {
    throw new ValueError(`${op}: fromConfig of "${node.type}" returned ${m instanceof Module ? `a ${m.constructor.name}` : String(m)}, not a ${entry.cls.name}.`);
  }
  return m as Module;
}

function checkStructure(m: Module, node: ArchitectureNode, path: string, op: string): void {
  const want = node.children ?? [];
  const got = m.namedChildren();
  const fmt = (xs: [string, string][]) => `[${xs.map(([n, t]) => `${n}: ${t}`).join(", ")}]`;
  const gotList: [string, string][] = got.map(([n, c]) => [n, byClass.get(c.constructor as ModuleClass) ?? c.constructor.name]);
  const wantList: [string, string][] = want.map((c) => [c.name, c.type]);
  if (fmt(gotList) !== fmt(wantList)) {
    throw new ValueError(
      `${op}: the rebuilt ${path === "" ? "model" : `layer "${path}"`} (${node.type}) has children ${fmt(gotList)}, but the file lists ${fmt(wantList)}. ` +
        `Check that ${node.type}'s getConfig() and fromConfig() are inverses.`,
    );
  }
  got.forEach(([name, c], i) => checkStructure(c, want[i]!, path ? `${path}.${name}` : name, op));
}
