/**
 * Module: the base class of every layer and network. A module holds parameters, buffers and sub-modules
 * as ordinary properties; they are found automatically (also inside arrays and plain objects) and named by
 * their path, like PyTorch: `layers.0.weight`.
 *
 * ```ts
 * class MLP extends Module {
 *   layers = [new Linear(2, 16), new Linear(16, 1)];
 *   forward(x: Tensor): Tensor {
 *     return this.layers[1]!.call(this.layers[0]!.call(x).relu());
 *   }
 * }
 * const net = new MLP();
 * net.namedParameters().map(([n]) => n);  // ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
 * ```
 * A network is itself a module, so it can be a layer of a bigger one.
 */
import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { zeros } from "../ops/creation.js";
import { shapesEqual, sizeOf, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { Parameter } from "./parameter.js";

/** Name → tensor, as `stateDict()` returns and `loadStateDict()` takes. */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` did not match (always empty in strict mode, which throws instead). */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const join = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

export abstract class Module<Args extends any[] = any[]> {
  /** True in training mode (the default); dropout, noise and batch norm read it. Set by `train()`/`eval()`. */
  training = true;
  /** Names of the properties that are buffers (see `registerBuffer`). */
  readonly #bufferNames = new Set<string>();

  /** The computation. Call it directly or through `call()`. */
  abstract forward(...args: Args): Tensor;

  /** Runs `forward` (`model.call(x)` reads like PyTorch's `model(x)`). */
  call(...args: Args): Tensor {
    return this.forward(...args);
  }

  // ---------------------------------------------------------------- discovery

  /** This module's own parameters and child modules, found in its properties (arrays and plain objects too). */
  #ownMembers(): { params: [string, Parameter][]; children: [string, Module][] } {
    const params: [string, Parameter][] = [];
    const children: [string, Module][] = [];
    const seen = new Set<unknown>();
    const visit = (name: string, v: unknown): void => {
      if (v instanceof Parameter) params.push([name, v]);
      else if (v instanceof Module) children.push([name, v]);
      else if ((Array.isArray(v) || isPlainObject(v)) && !seen.has(v)) {
        seen.add(v);
        for (const [k, x] of Object.entries(v)) visit(join(name, k), x);
      }
    };
    for (const [k, v] of Object.entries(this)) if (!this.#bufferNames.has(k)) visit(k, v);
    return { params, children };
  }

  /**
   * Registers a non-trainable tensor (e.g. batch norm's running mean) as property `name`: it is saved in
   * `stateDict()` and listed by `buffers()`, but it is not a parameter. Update it in place (`copy_`).
   * ```ts
   * this.runningMean = this.registerBuffer("runningMean", zeros([n]));
   * ```
   */
  registerBuffer<T extends Tensor>(name: string, tensor: T): T {
    if (tensor instanceof Parameter) {
      throw new ValueError(`registerBuffer: "${name}" is a Parameter; assign it as a property instead (this.${name} = param).`);
    }
    if (!(tensor instanceof Tensor)) {
      throw new ValueError(`registerBuffer: "${name}" must be a Tensor, got ${typeof tensor}.`);
    }
    this.#bufferNames.add(name);
    (this as unknown as Record<string, unknown>)[name] = tensor;
    return tensor;
  }

  /** Direct sub-modules with their names, in definition order. */
  namedChildren(): [string, Module][] {
    return this.#ownMembers().children;
  }
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all below it, pre-order, each once, named by path (`""` for this one). */
  namedModules(prefix = ""): [string, Module][] {
    return this.#walk(prefix).map(([n, m]) => [n, m]);
  }
  /** Pre-order walk with tree depth; a module reachable twice is listed once. */
  #walk(prefix: string): [string, Module, number][] {
    const out: [string, Module, number][] = [];
    const seen = new Set<Module>();
    const walk = (name: string, m: Module, depth: number): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m, depth]);
      for (const [k, c] of m.namedChildren()) walk(join(name, k), c, depth + 1);
    };
    walk(prefix, this, 0);
    return out;
  }
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter (each once, even if shared) with its path name, like `layers.0.weight`. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, p] of m.#ownMembers().params) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([join(prefix, k), p]);
      }
    }
    return out;
  }
  /** Every parameter, for an optimizer: `new SGD(model.parameters(), { lr: 0.1 })`. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its path name, like `bn.runningMean`. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const k of m.#bufferNames) {
        const t = (m as unknown as Record<string, unknown>)[k];
        if (t instanceof Tensor) out.push([join(prefix, k), t]);
      }
    }
    return out;
  }
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  // ---------------------------------------------------------------- modes and gradients

  /** Sets training mode on this module and every sub-module; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  /** Evaluation mode: dropout and noise off, batch norm uses its running statistics. Same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears every parameter's gradient (sets `.grad` to null, as PyTorch's default), freeing at once the
   * memory of gradients only the engine ever held (`Tensor.zeroGrad`; see docs/autograd.md).
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * Turns gradients of every parameter on or off: `model.requiresGrad_(false)` freezes the model, so
   * backward stops at it and optimizers skip its parameters.
   */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /** Calls `fn` on every sub-module and then on this one (as PyTorch), e.g. to re-initialize weights. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  // ---------------------------------------------------------------- state

  /**
   * Parameters and buffers by name, as detached copies (later training does not change them).
   * ```ts
   * const saved = model.stateDict();   // { "0.weight": Tensor, "0.bias": Tensor, ... }
   * other.loadStateDict(saved);
   * ```
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    noGrad(() => {
      for (const [prefix, m] of this.namedModules()) {
        for (const [k, p] of m.#ownMembers().params) {
          const name = join(prefix, k);
          if (!(name in out)) out[name] = p.detach().clone();
        }
        for (const k of m.#bufferNames) {
          const t = (m as unknown as Record<string, unknown>)[k];
          if (t instanceof Tensor) out[join(prefix, k)] = t.detach().clone();
        }
      }
    });
    return out;
  }

  /**
   * Copies values from `state` into this module's parameters and buffers, in place (so optimizers keep
   * pointing at the same tensors). Shapes must match. With `strict` (default), the keys must match exactly;
   * otherwise the keys that matched are loaded and the others are reported. Nothing is loaded when it throws.
   */
  loadStateDict(state: StateDict, { strict = true }: { strict?: boolean } = {}): LoadResult {
    const targets = new Map<string, Tensor>();
    for (const [name, p] of this.namedParameters()) targets.set(name, p);
    for (const [name, b] of this.namedBuffers()) targets.set(name, b);
    const missingKeys = [...targets.keys()].filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !targets.has(k));
    const problems: string[] = [];
    for (const [k, t] of targets) {
      const src = state[k];
      if (src === undefined) continue;
      if (!(src instanceof Tensor)) problems.push(`"${k}" is not a Tensor (got ${typeof src})`);
      else if (!shapesEqual(src.shape, t.shape)) {
        problems.push(`size mismatch for "${k}": the checkpoint has shape ${fmtShape(src.shape)}, the model has ${fmtShape(t.shape)}`);
      }
    }
    const keyProblems: string[] = [];
    if (strict && missingKeys.length) keyProblems.push(`missing keys: ${missingKeys.map((k) => `"${k}"`).join(", ")}`);
    if (strict && unexpectedKeys.length) keyProblems.push(`unexpected keys: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}`);
    if (problems.length || keyProblems.length) {
      const msg = `loadStateDict: cannot load into ${this.constructor.name}: ${[...keyProblems, ...problems].join("; ")}.` +
        (keyProblems.length ? ` The model's keys are: ${[...targets.keys()].join(", ") || "(none)"}. Pass { strict: false } to load the keys that match.` : "");
      throw keyProblems.length ? new ValueError(msg) : new ShapeError(msg);
    }
    noGrad(() => {
      for (const [k, t] of targets) {
        const src = state[k];
        if (src !== undefined) t.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * The arguments that rebuild this module (without its weights), as a JSON-safe object: what model files
   * store as the layer's `config` (see docs/model-files.md). Built-in layers return their constructor
   * options, e.g. `new Linear(2, 3).getConfig()` is `{ inFeatures: 2, outFeatures: 3, bias: true, dtype: "float32" }`.
   * The default, `{}`, suits modules built without arguments; a module of your own that takes arguments
   * overrides it and is registered with `registerModule(type, Class)` (whose `fromConfig` reverses it).
   * Sub-modules are not part of the config: model files store them as the layer's children.
   */
  getConfig(): Record<string, unknown> {
    return {};
  }

  // ---------------------------------------------------------------- printing

  /** The text inside the parentheses of this module's line in `toString()`, e.g. `inFeatures=2, outFeatures=3`. */
  extraRepr(): string {
    return "";
  }

  /**
   * A tree like PyTorch's:
   * ```
   * Sequential(
   *   (0): Linear(inFeatures=2, outFeatures=16, bias=true)
   *   (1): ReLU()
   * )
   * ```
   */
  toString(): string {
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = children.map(([k, c]) => `  (${k}): ${c.toString().split("\n").join("\n  ")}`);
    if (extra) lines.unshift(`  ${extra}`);
    return `${this.constructor.name}(\n${lines.join("\n")}\n)`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /**
   * Runs one forward pass on zeros of `inputShape` (the shape of a whole batch, e.g. `[1, 784]`) under noGrad
   * and in eval mode (so batch statistics are not touched), and tabulates every module: its output shape,
   * its own parameter count, and the totals.
   * ```ts
   * console.log(new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 1)).summary([1, 2]).toString());
   * ```
   */
  summary(inputShape: Shape, { dtype = "float32" }: { dtype?: DType } = {}): ModelSummary {
    const mods = this.#walk("");
    const shapes = new Map<Module, number[]>();
    const restore: (() => void)[] = [];
    const modes = mods.map(([, m]) => m.training);
    for (const [, m] of mods) {
      const own = Object.getOwnPropertyDescriptor(m, "forward");
      const inner = m.forward;
      Object.defineProperty(m, "forward", {
        configurable: true,
        enumerable: false,
        writable: true,
        value: (...args: unknown[]) => {
          const y = (inner as (...a: unknown[]) => Tensor).apply(m, args);
          if (y instanceof Tensor) shapes.set(m, [...y.shape]);
          return y;
        },
      });
      restore.push(() => (own ? Object.defineProperty(m, "forward", own) : delete (m as { forward?: unknown }).forward));
    }
    try {
      this.eval();
      noGrad(() => this.forward(...([zeros(inputShape, { dtype })] as unknown as Args)));
    } finally {
      restore.forEach((r) => r());
      mods.forEach(([, m], i) => (m.training = modes[i]!));
    }
    const counted = new Set<Parameter>();
    const rows: SummaryRow[] = mods.map(([name, m, depth]) => {
      let params = 0;
      for (const [, p] of m.#ownMembers().params) {
        if (counted.has(p)) continue;
        counted.add(p);
        params += p.size;
      }
      return { name, type: m.constructor.name, depth, outputShape: shapes.get(m) ?? null, params };
    });
    const all = this.parameters();
    const totalParams = all.reduce((s, p) => s + sizeOf(p.shape), 0);
    const trainableParams = all.filter((p) => p.requiresGrad).reduce((s, p) => s + p.size, 0);
    return new ModelSummary(rows, totalParams, trainableParams);
  }
}

/** One line of `Module.summary()`. */
export interface SummaryRow {
  /** Path of the module (`""` for the model itself). */
  name: string;
  /** Class name. */
  type: string;
  /** Nesting depth (0 for the model). */
  depth: number;
  /** Shape of its output in the summary's forward pass; null if it was not called. */
  outputShape: number[] | null;
  /** Number of parameter elements held directly by this module (not by its children). */
  params: number;
}

/** The result of `Module.summary()`: rows, totals, and `toString()` for a printed table. */
export class ModelSummary {
  constructor(
    readonly rows: SummaryRow[],
    readonly totalParams: number,
    readonly trainableParams: number,
  ) {}
  get nonTrainableParams(): number {
    return this.totalParams - this.trainableParams;
  }
  toString(): string {
    const cells = this.rows.map((r) => [
      r.depth ? `${"  ".repeat(r.depth)}${r.name} (${r.type})` : r.type,
      r.outputShape ? fmtShape(r.outputShape) : "-",
      r.params.toLocaleString("en-US"),
    ]);
    const header = ["Layer (type)", "Output shape", "Param #"];
    const w = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (c: string[]): string => `${c[0]!.padEnd(w[0]!)}  ${c[1]!.padEnd(w[1]!)}  ${c[2]!.padStart(w[2]!)}`;
    const rule = "=".repeat(w[0]! + w[1]! + w[2]! + 4);
    return [
      rule, line(header), rule, ...cells.map(line), rule,
      `Total params: ${this.totalParams.toLocaleString("en-US")}`,
      `Trainable params: ${this.trainableParams.toLocaleString("en-US")}`,
      `Non-trainable params: ${this.nonTrainableParams.toLocaleString("en-US")}`,
      rule,
    ].join("\n");
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
