/**
 * The optimizer base class: parameter groups with per-group options, per-parameter state, `zeroGrad()`,
 * `step(closure?)` and `stateDict()` / `loadStateDict()`, as `torch.optim.Optimizer`.
 *
 * Each optimizer's math is a pure function (`sgdUpdate`, `adamUpdate`, ...) that maps a parameter, its
 * gradient and its old state to the new parameter and new state. `step()` runs it in one of two ways, under
 * `noGrad`, so an update never records a graph:
 * - fused: where the backend has the `optimizerStep` kernel and the optimizer a `fusedRule`, one kernel call
 *   per parameter updates the parameter and its state tensors in place (the same operations in the same
 *   order, so the same bits), allocating no tensor; the state tensors are then owned by the optimizer.
 * - composite: otherwise (another dtype, a non-contiguous parameter, `fused = false`, ...) the pure function's
 *   ops make the new values, written into the parameter with `copy_`.
 */
import { enableGrad, noGrad } from "../autograd/grad-mode.js";
import { bumpVersion } from "../autograd/version.js";
import type { OptimizerRule } from "../backend/backend.js";
import { GradError, ValueError, fmtShape } from "../errors.js";
import { isContiguous, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";

/** A value of per-parameter optimizer state: tensors (moments, buffers), numbers (step counts) or lists of them. */
export type StateValue = Tensor | number | boolean | string | null | StateValue[];
/** The state an optimizer keeps for one parameter (e.g. Adam's `{ step, expAvg, expAvgSq }`). */
export type ParamState = Record<string, StateValue>;

/** Options every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/**
 * One parameter group: its tensors and its options (the optimizer's defaults, overridden per group).
 * Schedulers add their own keys (`initialLr`, `maxLr`, ...), which `stateDict()` keeps too.
 */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & { params: Tensor[]; [key: string]: unknown };

/** A parameter group as the user gives it: tensors plus any options to override. */
export type ParamGroupInput<O extends BaseOptions = BaseOptions> = Partial<O> & { params: Iterable<Tensor>; [key: string]: unknown };

/** What optimizers are built from: the parameters, or a list of parameter groups. */
export type ParamsInput<O extends BaseOptions = BaseOptions> = Iterable<Tensor> | readonly ParamGroupInput<O>[];

/**
 * A fused update as an optimizer plans it: the kernel's rule, the state after the step, and that state's
 * tensors in the rule's order (see OptimizerRule), which the kernel then updates in place.
 */
export interface FusedPlan {
  rule: OptimizerRule;
  state: ParamState;
  tensors: Tensor[];
}

/** A closure re-evaluates the model: zero the gradients, compute the loss, call backward, return the loss. */
export type Closure = () => Tensor | number;

/**
 * A deep copy of an optimizer's state: which optimizer saved it, per-parameter state keyed by the parameter's
 * position (counting through the groups in order), and each group's options with its parameters as positions.
 */
export interface OptimizerStateDict {
  optimizer: string;
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** Checks an option is a finite number ≥ 0 (or in [lo, hi) / [lo, hi] when given). */
export function checkNumber(
  op: string, name: string, value: unknown, { min = 0, max = Infinity, maxInclusive = true }: { min?: number; max?: number; maxInclusive?: boolean } = {},
): void {
  const ok = typeof value === "number" && !Number.isNaN(value) && value >= min && (maxInclusive ? value <= max : value < max);
  if (!ok) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}${maxInclusive ? "]" : ")"}`;
    throw new ValueError(`${op}: ${name} must be a number ${range}, got ${String(value)}.`);
  }
}

/** Checks `betas` is a pair of numbers in [0, 1). */
export function checkBetas(op: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new ValueError(`${op}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}. The usual choice is [0.9, 0.999].`);
  }
  betas.forEach((b, i) => {
    if (typeof b !== "number" || !(b >= 0 && b < 1)) {
      throw new ValueError(`${op}: betas[${i}] must be in [0, 1), got ${String(b)}. The usual choice is [0.9, 0.999].`);
    }
  });
}

/** Deep copy of a state value (tensors are cloned, detached). */
export function cloneState<V extends StateValue>(v: V): V {
  if (v instanceof Tensor) return noGrad(() => v.detach().clone()) as V;
  if (Array.isArray(v)) return v.map((e) => cloneState(e)) as V;
  return v;
}

function cloneOptions(group: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(group)) if (k !== "params") out[k] = structuredClone(v);
  return out;
}

export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** The options each group starts from. */
  readonly defaults: O;
  /** The parameter groups; schedulers change `lr` (and momentum) here. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on a parameter's first update. */
  readonly state = new Map<Tensor, ParamState>();
  /** The class name, stored in state dicts so one optimizer's state is not loaded into another. */
  readonly name: string;
  // Typed over any options so that Adam, SGD, ... stay assignable to Optimizer<BaseOptions> (the field would make O invariant).
  private readonly validate: (group: ParamGroup<any>) => void;
  /** Whether state tensors have their parameter's shape (checked on load); LBFGS keeps flat vectors instead. */
  protected stateShapedLikeParams = true;
  /**
   * Whether `step()` may update parameters with the backend's fused in-place kernel (default true). Set it to
   * false to always run the pure update's ops (the composite path): the results are the same; it is slower.
   */
  fused = true;
  /** State tensors this optimizer made for in-place updates (contiguous, its own storage). */
  private readonly owned = new WeakSet<Tensor>();

  /**
   * @param name the optimizer's name, for messages and state dicts
   * @param params tensors, or groups `{ params, ...options }`
   * @param defaults every option with its default
   * @param validate throws a ValueError for a bad option value in a group
   */
  protected constructor(name: string, params: ParamsInput<O>, defaults: O, validate: (group: ParamGroup<O>) => void) {
    this.name = name;
    this.defaults = defaults;
    this.validate = validate;
    if (params instanceof Tensor) {
      throw new ValueError(`${name}: params must be an iterable of tensors or a list of parameter groups, got a single Tensor. Wrap it: new ${name}([w], ...).`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new ValueError(`${name}: got an empty parameter list. Pass model.parameters() or a list of tensors.`);
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>] : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Adds a group of parameters with its own options (missing options take the defaults), as when unfreezing
   * layers during fine-tuning.
   * ```ts
   * opt.addParamGroup({ params: head.parameters(), lr: 1e-2 });
   * ```
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (group === null || typeof group !== "object" || !("params" in group)) {
      throw new ValueError(`${this.name}: a parameter group must be an object { params, ...options }, got ${String(group)}.`);
    }
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ValueError(`${this.name}: parameter ${i} of group ${this.paramGroups.length} is not a Tensor (got ${typeof p}).`);
      if (!p.isLeaf) {
        throw new GradError(`${this.name}: parameter ${i} of group ${this.paramGroups.length} (shape ${fmtShape(p.shape)}) is not a leaf (made by "${p.gradFn}"); only leaves can be optimized. Use .detach().requiresGrad_() to make one.`);
      }
    });
    if (new Set(params).size !== params.length) throw new ValueError(`${this.name}: a parameter appears twice in the same group.`);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p))) {
      throw new ValueError(`${this.name}: some parameters appear in more than one parameter group; each tensor may belong to one group only.`);
    }
    for (const k of Object.keys(group)) {
      if (k !== "params" && !(k in this.defaults)) {
        throw new ValueError(`${this.name}: unknown option "${k}" in a parameter group. Known options: ${Object.keys(this.defaults).join(", ")}.`);
      }
    }
    const full = { ...structuredClone(this.defaults), ...group, params } as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /**
   * Sets every parameter's `.grad` to null (PyTorch's `zero_grad(set_to_none=True)`); call before backward.
   * Gradients that only the engine ever held (never read through `.grad`) have their memory freed at once
   * (`Tensor.zeroGrad`; see docs/autograd.md).
   */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.zeroGrad();
  }

  /**
   * Updates every parameter that has a gradient, in place. With a closure, calls it first (with gradients
   * enabled) and returns its loss.
   * ```ts
   * opt.zeroGrad(); loss(model).backward(); opt.step();
   * ```
   */
  step(closure?: Closure): Tensor | number | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          // The internal field: a fused step only reads the gradient (see src/autograd/release.ts).
          const grad = p._grad;
          if (grad === null) continue;
          if (!shapesEqual(grad.shape, p.shape)) {
            throw new GradError(`${this.name}.step: the gradient of a parameter has shape ${fmtShape(grad.shape)}, but the parameter has shape ${fmtShape(p.shape)}.`);
          }
          if (this.fusedStep(p, grad, group)) continue;
          // `update` may be a subclass's code that keeps the gradient (in its state, say): hand it on as `.grad` does.
          const out = this.update(p, p.grad!, this.state.get(p), group);
          p.copy_(out.param);
          this.state.set(p, out.state);
        }
      }
    });
    return loss;
  }

  /** One parameter's update: the new value and new state (a pure function of its inputs). */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState | undefined, group: ParamGroup<O>): { param: Tensor; state: ParamState };

  /**
   * The fused form of `update`, for optimizers that have one: the rule, the new state and its tensors, taken
   * from the old state with `ownedState` (so they may be written in place). It must not modify `state`.
   */
  protected fusedRule?(param: Tensor, state: ParamState | undefined, group: ParamGroup<O>): FusedPlan;

  /**
   * Runs the fused in-place update of one parameter where it applies (see the module comment) and returns
   * true; false leaves everything as it was, for the composite path.
   */
  private fusedStep(p: Tensor, grad: Tensor, group: ParamGroup<O>): boolean {
    const kernel = p.backend.kernels.optimizerStep;
    if (!this.fused || this.fusedRule === undefined || kernel === undefined) return false;
    const dtype = p.dtype;
    if ((dtype !== "float32" && dtype !== "float64") || grad.dtype !== dtype || grad.backend !== p.backend) return false;
    if ((p.requiresGrad && !p.isLeaf) || !isContiguous(p.shape, p.strides) || grad.storage === p.storage) return false;
    const state = this.state.get(p);
    if (state !== undefined) {
      for (const k in state) {
        const v = state[k];
        if (v instanceof Tensor && v.backend !== p.backend) return false;
      }
    }
    const plan = this.fusedRule(p, state, group);
    const g = isContiguous(grad.shape, grad.strides) ? grad : grad.contiguous();
    kernel.call(p.backend.kernels, plan.rule, p, g, plan.tensors);
    bumpVersion(p.storage);
    for (const t of plan.tensors) bumpVersion(t.storage);
    this.state.set(p, plan.state);
    return true;
  }

  /**
   * A state tensor the fused kernel may write in place: `t` itself when this optimizer made it for that (and
   * it still fits: the parameter's dtype, contiguous), else a fresh contiguous tensor on the parameter's
   * backend holding `t`'s values (or `fill` where `t` is missing).
   */
  protected ownedState(t: StateValue | undefined, param: Tensor, fill = 0): Tensor {
    if (t instanceof Tensor && this.owned.has(t) && t.dtype === param.dtype && isContiguous(t.shape, t.strides)) return t;
    const out = param._scalarFill(fill);
    if (t instanceof Tensor) out.copy_(t);
    this.owned.add(out);
    return out;
  }

  /** Every parameter, in group order: the positions used by state dicts. */
  protected allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * A deep copy of the optimizer's state (per-parameter state and group options). Save it with the model's
   * state dict; `loadStateDict` into a fresh optimizer over the same parameters resumes training exactly.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map(this.allParams().map((p, i) => [p, i] as const));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, cloneState(v)]));
    }
    return {
      optimizer: this.name,
      state,
      paramGroups: this.paramGroups.map((g) => ({ ...cloneOptions(g), params: g.params.map((p) => index.get(p)!) })),
    };
  }

  /**
   * Restores a state from `stateDict()`: group options and per-parameter state (copied, so the dict can be
   * reused). The optimizer must be of the same kind over parameters with the same group sizes and shapes.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (sd === null || typeof sd !== "object" || !Array.isArray(sd.paramGroups) || typeof sd.state !== "object") {
      throw new ValueError(`${op}: expected an object { optimizer, state, paramGroups } from stateDict(), got ${String(sd)}.`);
    }
    if (sd.optimizer !== this.name) {
      throw new ValueError(`${op}: this state dict was saved by ${sd.optimizer}, not ${this.name}; create a new ${sd.optimizer}(...) over the same parameters to load it.`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(`${op}: the state dict has ${sd.paramGroups.length} parameter groups, this optimizer has ${this.paramGroups.length}.`);
    }
    sd.paramGroups.forEach((g, i) => {
      const mine = this.paramGroups[i]!.params.length;
      if (g.params.length !== mine) {
        throw new ValueError(`${op}: group ${i} of the state dict has ${g.params.length} parameters, this optimizer's group ${i} has ${mine}.`);
      }
    });
    const params = this.allParams();
    const newState = new Map<Tensor, ParamState>();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = params[Number(key)];
      if (p === undefined) throw new ValueError(`${op}: state for parameter ${key}, but there are only ${params.length} parameters.`);
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (this.stateShapedLikeParams && v instanceof Tensor && v.shape.length > 0 && v.shape.join() !== p.shape.join()) {
          throw new ValueError(`${op}: state "${k}" of parameter ${key} has shape ${fmtShape(v.shape)}, but the parameter has shape ${fmtShape(p.shape)}.`);
        }
        copy[k] = cloneState(v);
        if (copy[k] instanceof Tensor) this.owned.add(copy[k] as Tensor); // a fresh copy: fused steps may write it
      }
      newState.set(p, copy);
    }
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
    sd.paramGroups.forEach((g, i) => {
      const group = this.paramGroups[i]!;
      Object.assign(group, cloneOptions(g));
    });
  }
}
