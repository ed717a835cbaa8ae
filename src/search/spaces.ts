/**
 * Search spaces: parameter grids (every combination, scikit-learn's `ParameterGrid`) and parameter
 * distributions to draw from (`ParameterSampler`): `choice`, `uniform`, `logUniform`, `intUniform`.
 *
 * A distribution is plain data (`{ type: "logUniform", low: 1e-4, high: 1e-1 }`), so a search space can be
 * written in JSON (the CLI's `nabla tune --spec`) and sent to a worker thread. A plain array is a choice.
 *
 * ```ts
 * expandGrid({ alpha: [1e-4, 1e-2], hiddenLayerSizes: [[10], [20, 10]] });
 * // [{ alpha: 1e-4, hiddenLayerSizes: [10] }, { alpha: 1e-4, hiddenLayerSizes: [20, 10] },
 * //  { alpha: 1e-2, hiddenLayerSizes: [10] }, { alpha: 1e-2, hiddenLayerSizes: [20, 10] }]
 * sampleParams({ lr: logUniform(1e-4, 1e-1), width: intUniform(16, 128) }, 3, new Generator(0)); // 3 settings
 * ```
 */
import { ValueError } from "../errors.js";
import type { Generator } from "../random.js";

/** One hyperparameter setting: parameter name → value. */
export type Params = Record<string, unknown>;

/** A distribution to draw one parameter value from (plain data). */
export type Distribution =
  | { type: "choice"; values: readonly unknown[] }
  | { type: "uniform"; low: number; high: number }
  | { type: "logUniform"; low: number; high: number }
  | { type: "intUniform"; low: number; high: number };

/** A grid: each parameter's candidate values (an array, or a `choice`); a list of grids is their union. */
export type ParamGrid = ParamLists | readonly ParamLists[];
/**
 * One grid: name → candidate values or a distribution. (`undefined` is allowed so that an array of grids with
 * different names type-checks; such a name is skipped.)
 */
export type ParamLists = Record<string, readonly unknown[] | Distribution | undefined>;
/** Where RandomSearch draws from: per parameter a list of values (drawn uniformly) or a distribution. */
export type ParamSpace = ParamGrid;

const TYPES = new Set(["choice", "uniform", "logUniform", "intUniform"]);

/** True for a distribution object (`choice(...)`, `uniform(...)`, ... or the same written as JSON). */
export function isDistribution(v: unknown): v is Distribution {
  return v !== null && typeof v === "object" && !Array.isArray(v) && TYPES.has((v as { type?: unknown }).type as string);
}

function checkRange(op: string, low: number, high: number, positive = false): void {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
    throw new ValueError(`${op}: needs finite low < high, got low=${low}, high=${high}.`);
  }
  if (positive && !(low > 0)) throw new ValueError(`${op}: low must be > 0 (a log scale), got ${low}. Use uniform for ranges that include 0.`);
}

/**
 * Each value of `values` with equal probability.
 * ```ts
 * choice(["relu", "tanh"]); // { type: "choice", values: ["relu", "tanh"] }
 * ```
 */
export function choice(values: readonly unknown[]): Distribution {
  if (!Array.isArray(values) || values.length === 0) throw new ValueError(`choice: values must be a non-empty array, got ${JSON.stringify(values)}.`);
  return { type: "choice", values: [...values] };
}

/** Uniform on `[low, high)`. `uniform(0, 0.5)` (e.g. a dropout rate). */
export function uniform(low: number, high: number): Distribution {
  checkRange("uniform", low, high);
  return { type: "uniform", low, high };
}

/**
 * Log-uniform on `[low, high)`: `exp(u)` with `u` uniform on `[log low, log high)` (scipy's `loguniform`), so
 * each decade is as likely as the next — the usual prior for learning rates and penalties.
 * `logUniform(1e-4, 1e-1)`
 */
export function logUniform(low: number, high: number): Distribution {
  checkRange("logUniform", low, high, true);
  return { type: "logUniform", low, high };
}

/** A uniform integer in `[low, high]`, both ends included (e.g. a layer width: `intUniform(16, 128)`). */
export function intUniform(low: number, high: number): Distribution {
  if (!Number.isInteger(low) || !Number.isInteger(high) || low > high) {
    throw new ValueError(`intUniform: needs integers low ≤ high, got low=${low}, high=${high}.`);
  }
  return { type: "intUniform", low, high };
}

/** Checks a distribution read from JSON (the helpers above check their own arguments). */
function checkDistribution(op: string, name: string, d: Distribution): void {
  const where = `${op}: parameter "${name}"`;
  try {
    if (d.type === "choice") choice(d.values);
    else if (d.type === "uniform") uniform(d.low, d.high);
    else if (d.type === "logUniform") logUniform(d.low, d.high);
    else intUniform(d.low, d.high);
  } catch (e) {
    throw new ValueError(`${where}: ${(e as Error).message}`);
  }
}

/**
 * One draw from `d`.
 * ```ts
 * sampleValue(intUniform(1, 3), new Generator(0)); // 1, 2 or 3
 * ```
 */
export function sampleValue(d: Distribution, g: Generator): unknown {
  switch (d.type) {
    case "choice": return d.values[g.randint(0, d.values.length)];
    case "uniform": return d.low + (d.high - d.low) * g.random();
    case "logUniform": return Math.exp(Math.log(d.low) + (Math.log(d.high) - Math.log(d.low)) * g.random());
    case "intUniform": return g.randint(d.low, d.high + 1);
  }
}

/** Python's sort of string keys (by code point), as scikit-learn sorts parameter names; undefined values are skipped. */
const sortedKeys = (o: object): string[] =>
  Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** The grids of a ParamGrid as `[name, values][]` (names sorted), checked. */
function gridLists(op: string, grid: ParamGrid): [string, readonly unknown[]][][] {
  const grids = Array.isArray(grid) ? grid : [grid];
  if (grids.length === 0) throw new ValueError(`${op}: the parameter grid is empty ([]); give at least one grid such as { alpha: [1e-4, 1e-3] }.`);
  return grids.map((g, i) => {
    if (g === null || typeof g !== "object" || Array.isArray(g)) {
      throw new ValueError(`${op}: a parameter grid must be an object of name → values${Array.isArray(grid) ? ` (entry ${i} is ${JSON.stringify(g)})` : `, got ${JSON.stringify(g)}`}.`);
    }
    return sortedKeys(g).map((name): [string, readonly unknown[]] => {
      const v = (g as Record<string, unknown>)[name];
      if (isDistribution(v)) {
        checkDistribution(op, name, v);
        if (v.type !== "choice") {
          throw new ValueError(`${op}: parameter "${name}" is ${v.type}(${v.low}, ${v.high}), which a grid cannot enumerate; list the values (${name}: [a, b, c]) or use RandomSearch.`);
        }
        return [name, v.values];
      }
      if (!Array.isArray(v)) {
        throw new ValueError(`${op}: parameter "${name}" needs an array of candidate values, got ${JSON.stringify(v)}. Wrap a single value in an array: ${name}: [${JSON.stringify(v)}].`);
      }
      if (v.length === 0) throw new ValueError(`${op}: parameter "${name}" has no candidate values ([]); give at least one.`);
      return [name, v];
    });
  });
}

/** Number of settings in a grid (the sum over its sub-grids of the product of list lengths). */
export function gridSize(grid: ParamGrid, op = "gridSize"): number {
  return gridLists(op, grid).reduce((s, lists) => s + lists.reduce((p, [, v]) => p * v.length, 1), 0);
}

/**
 * The `index`-th setting of the grid in scikit-learn's `ParameterGrid` order: sub-grids in order; within one,
 * parameter names sorted and the last name varying fastest.
 */
export function gridAt(grid: ParamGrid, index: number, op = "gridAt"): Params {
  const lists = gridLists(op, grid);
  const out = listsAt(lists, index);
  if (out === null) throw new ValueError(`${op}: index ${index} is out of range for a grid of ${gridSize(grid, op)} settings.`);
  return out;
}

/** The `index`-th setting of checked grids, or null past the end. */
function listsAt(grids: [string, readonly unknown[]][][], index: number): Params | null {
  let i = index;
  for (const lists of grids) {
    const total = lists.reduce((p, [, v]) => p * v.length, 1);
    if (i >= total) {
      i -= total;
      continue;
    }
    const values: unknown[] = new Array(lists.length);
    for (let k = lists.length - 1; k >= 0; k--) {
      const n = lists[k]![1].length;
      values[k] = lists[k]![1][i % n];
      i = Math.floor(i / n);
    }
    return Object.fromEntries(lists.map(([name], k) => [name, values[k]]));
  }
  return null;
}

/**
 * Every setting of the grid, in scikit-learn's `ParameterGrid` order (see `gridAt`).
 * ```ts
 * expandGrid({ b: [1, 2], a: ["x"] }); // [{ a: "x", b: 1 }, { a: "x", b: 2 }]
 * ```
 */
export function expandGrid(grid: ParamGrid, op = "expandGrid"): Params[] {
  const lists = gridLists(op, grid);
  const n = lists.reduce((s, l) => s + l.reduce((p, [, v]) => p * v.length, 1), 0);
  return Array.from({ length: n }, (_, i) => listsAt(lists, i)!);
}

/** What `sampleParams` drew, and why it drew fewer than asked (if it did). */
export interface SampledParams {
  params: Params[];
  /** Set when every parameter is a list and the grid holds fewer than `nIter` settings. */
  warning: string | null;
}

/**
 * `nIter` settings drawn from `space` with `g`, as scikit-learn's `ParameterSampler`: when every parameter is
 * a list (or `choice`), distinct settings are drawn without replacement from the grid (at most its size);
 * otherwise each setting picks a sub-space at random (if a list of them), then draws each parameter in sorted
 * name order, lists uniformly, distributions by their law.
 * ```ts
 * sampleParams({ alpha: logUniform(1e-5, 1e-1), activation: ["relu", "tanh"] }, 2, new Generator(0)).params;
 * // [{ activation: ..., alpha: ... }, { activation: ..., alpha: ... }]
 * ```
 */
export function sampleParams(space: ParamSpace, nIter: number, g: Generator, op = "sampleParams"): SampledParams {
  if (!Number.isInteger(nIter) || nIter < 1) throw new ValueError(`${op}: nIter must be an integer ≥ 1, got ${String(nIter)}.`);
  const spaces = Array.isArray(space) ? space : [space];
  if (spaces.length === 0) throw new ValueError(`${op}: the search space is empty ([]); give at least one such as { alpha: logUniform(1e-5, 1e-1) }.`);
  const checked = spaces.map((s, i) => {
    if (s === null || typeof s !== "object" || Array.isArray(s)) {
      throw new ValueError(`${op}: a search space must be an object of name → values or distribution${Array.isArray(space) ? ` (entry ${i} is ${JSON.stringify(s)})` : `, got ${JSON.stringify(s)}`}.`);
    }
    return sortedKeys(s).map((name): [string, Distribution] => {
      const v = (s as Record<string, unknown>)[name];
      if (Array.isArray(v)) {
        if (v.length === 0) throw new ValueError(`${op}: parameter "${name}" has no candidate values ([]); give at least one.`);
        return [name, { type: "choice", values: v }];
      }
      if (!isDistribution(v)) {
        throw new ValueError(`${op}: parameter "${name}" must be an array of values or a distribution (choice, uniform, logUniform, intUniform), got ${JSON.stringify(v)}. Wrap a single value in an array: ${name}: [${JSON.stringify(v)}].`);
      }
      checkDistribution(op, name, v);
      return [name, v];
    });
  });
  const allLists = checked.every((s) => s.every(([, d]) => d.type === "choice"));
  if (allLists) {
    const grids = checked.map((s) => s.map(([name, d]): [string, readonly unknown[]] => [name, (d as { values: readonly unknown[] }).values]));
    const size = grids.reduce((s, l) => s + l.reduce((p, [, v]) => p * v.length, 1), 0);
    const n = Math.min(nIter, size);
    // Fisher–Yates over a sparse index map: the first n positions of a random permutation of [0, size).
    const swapped = new Map<number, number>();
    const params: Params[] = [];
    for (let i = 0; i < n; i++) {
      const j = g.randint(i, size);
      const pick = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      params.push(listsAt(grids, pick)!);
    }
    const warning = nIter > size
      ? `The grid of every parameter list holds only ${size} settings, fewer than nIter=${nIter}; running all ${size} (as scikit-learn does). Use distributions for more distinct draws.`
      : null;
    return { params, warning };
  }
  const params = Array.from({ length: nIter }, () => {
    const s = checked.length === 1 ? checked[0]! : checked[g.randint(0, checked.length)]!;
    return Object.fromEntries(s.map(([name, d]) => [name, sampleValue(d, g)]));
  });
  return { params, warning: null };
}
