/** Creating tensors: from data, constants, ranges, identity, and random draws from the library generator. */
import { allocArray, dtypeOfArray, type DType, type TypedArray } from "../dtype.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { getDefaultGenerator, type Generator } from "../random.js";
import { checkShape, sizeOf, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
export interface RandomOptions extends CreateOptions {
  /** Draw from this generator instead of the global one (see manualSeed). */
  generator?: Generator;
}

/** Nested arrays of numbers or booleans, any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

function finish(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedArray;
    if (cur === undefined) break;
  }
  return shape;
}

function flattenInto(data: NestedArray, shape: number[], depth: number, out: number[], path: number[]): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) {
      throw new ShapeError(`tensor: ragged nested array: element at [${path.join(",")}] is an array, but its siblings are scalars.`);
    }
    if (typeof data !== "number" && typeof data !== "boolean") {
      throw new ValueError(`tensor: element at [${path.join(",")}] is ${JSON.stringify(data)}; expected a number or boolean.`);
    }
    out.push(Number(data));
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new ShapeError(
      `tensor: ragged nested array: the element at [${path.join(",")}] has ` +
        `${Array.isArray(data) ? `length ${data.length}` : "no length"}, expected ${shape[depth]} (inferred shape ${fmtShape(shape)}).`,
    );
  }
  data.forEach((d, i) => flattenInto(d as NestedArray, shape, depth + 1, out, [...path, i]));
}

/**
 * A tensor from nested arrays, a number, or a typed array (with `shape`; no copy when its type matches the
 * dtype). Numbers default to float32, booleans to bool.
 * ```ts
 * tensor([[1, 2], [3, 4]]);                         // float32 [2,2]
 * tensor([0, 2, 1], { dtype: "int32" });            // labels
 * tensor(new Float64Array(6), { shape: [2, 3] });   // wraps the array
 * ```
 */
export function tensor(data: NestedArray | TypedArray, opts: CreateOptions & { shape?: Shape } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const arr = data as TypedArray;
    const shape = opts.shape ?? [arr.length];
    checkShape("tensor", shape);
    if (sizeOf(shape) !== arr.length) {
      throw new ShapeError(`tensor: shape ${fmtShape(shape)} holds ${sizeOf(shape)} elements, but the typed array has ${arr.length}.`);
    }
    return finish(Tensor._fromArray(arr, shape, opts.dtype ?? dtypeOfArray(arr)), opts);
  }
  const shape = inferShape(data as NestedArray);
  const flat: number[] = [];
  flattenInto(data as NestedArray, shape, 0, flat, []);
  const isBool = typeof (shape.length ? firstLeaf(data as NestedArray) : data) === "boolean";
  const dtype = opts.dtype ?? (isBool ? "bool" : "float32");
  let target = shape;
  if (opts.shape) {
    checkShape("tensor", opts.shape);
    if (sizeOf(opts.shape) !== flat.length) {
      throw new ShapeError(`tensor: shape ${fmtShape(opts.shape)} holds ${sizeOf(opts.shape)} elements, but the data has ${flat.length}.`);
    }
    target = [...opts.shape];
  }
  const arr = allocArray(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) arr[i] = flat[i]!;
  return finish(Tensor._fromArray(arr, target, dtype), opts);
}

function firstLeaf(d: NestedArray): NestedArray {
  let cur = d;
  while (Array.isArray(cur) && cur.length > 0) cur = cur[0] as NestedArray;
  return cur;
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number | boolean, opts: CreateOptions = {}): Tensor {
  checkShape("full", shape);
  const dtype = opts.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  const arr = allocArray(dtype, sizeOf(shape));
  if (value !== 0 && value !== false) arr.fill(Number(value));
  return finish(Tensor._fromArray(arr, shape, dtype), opts);
}
export const zeros = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 1, opts);
export const fullLike = (t: Tensor, value: number, opts: CreateOptions = {}): Tensor => full(t.shape, value, { dtype: t.dtype, ...opts });
export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => full(t.shape, 0, { dtype: t.dtype, ...opts });
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => full(t.shape, 1, { dtype: t.dtype, ...opts });

/**
 * `[start, start+step, ...)` up to `end` (exclusive). `arange(5)` → 0..4; `arange(1, 2, 0.25)`.
 * The dtype is int32 when all arguments are integers and no dtype is given, else float32.
 */
export function arange(startOrEnd: number, end?: number, step?: number, opts?: CreateOptions): Tensor;
export function arange(end: number, opts: CreateOptions): Tensor;
export function arange(a: number, b?: number | CreateOptions, c: number | CreateOptions = 1, d: CreateOptions = {}): Tensor {
  let start = 0, end: number, step = 1, opts: CreateOptions = {};
  if (typeof b === "object") { end = a; opts = b; }
  else if (b === undefined) { end = a; opts = typeof c === "object" ? c : d; }
  else { start = a; end = b; step = typeof c === "number" ? c : 1; opts = typeof c === "object" ? c : d; }
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`arange: step must be finite and non-zero, got ${step}.`);
  if (![start, end].every(Number.isFinite)) throw new ValueError(`arange: start and end must be finite, got ${start} and ${end}.`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype ?? ([start, end, step].every(Number.isInteger) ? "int32" : "float32");
  const arr = allocArray(dtype, n);
  for (let i = 0; i < n; i++) arr[i] = start + i * step;
  return finish(Tensor._fromArray(arr, [n], dtype), opts);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: steps must be an integer ≥ 0, got ${steps}.`);
  const dtype = opts.dtype ?? "float32";
  const arr = allocArray(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends, as PyTorch, so the last element is exactly `end`; one step is just `start`, as PyTorch.
  const half = steps === 1 ? 1 : Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) arr[i] = i < half ? start + i * delta : end - (steps - 1 - i) * delta;
  return finish(Tensor._fromArray(arr, [steps], dtype), opts);
}

/** Identity matrix n×m (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  checkShape("eye", [n, m]);
  const dtype = opts.dtype ?? "float32";
  const arr = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) arr[i * m + i] = 1;
  return finish(Tensor._fromArray(arr, [n, m], dtype), opts);
}

function randomFill(op: string, shape: Shape, opts: RandomOptions, draw: (g: Generator) => number): Tensor {
  checkShape(op, shape);
  const g = opts.generator ?? getDefaultGenerator();
  const dtype = opts.dtype ?? "float32";
  const arr = allocArray(dtype, sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = draw(g);
  return finish(Tensor._fromArray(arr, shape, dtype), opts);
}

/** Uniform on [0, 1). */
export const rand = (shape: Shape, opts: RandomOptions = {}): Tensor => randomFill("rand", shape, opts, (g) => g.random());
/** Standard normal. */
export const randn = (shape: Shape, opts: RandomOptions = {}): Tensor => randomFill("randn", shape, opts, (g) => g.normal());
/** Uniform integers in [low, high); int32 by default. */
export function randint(low: number, high: number, shape: Shape, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: need integers low < high, got low=${low}, high=${high}. The range is [low, high): randint(0, 10, shape) draws 0..9.`);
  }
  return randomFill("randint", shape, { dtype: "int32", ...opts }, (g) => g.randint(low, high));
}
/** A random permutation of 0..n−1 (Fisher–Yates), int32. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  checkShape("randperm", [n]);
  const g = opts.generator ?? getDefaultGenerator();
  const arr = new Int32Array(n);
  for (let i = 0; i < n; i++) arr[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    const t = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = t;
  }
  return finish(Tensor._fromArray(arr, [n], opts.dtype ?? "int32"), opts);
}
export const randLike = (t: Tensor, opts: RandomOptions = {}): Tensor => rand(t.shape, { dtype: t.dtype, ...opts });
export const randnLike = (t: Tensor, opts: RandomOptions = {}): Tensor => randn(t.shape, { dtype: t.dtype, ...opts });
export const randintLike = (t: Tensor, low: number, high: number, opts: RandomOptions = {}): Tensor =>
  randint(low, high, t.shape, { dtype: t.dtype, ...opts });
