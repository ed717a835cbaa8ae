/**
 * Tensor: a shape, a dtype and a strided view of backend storage, plus its place in the autograd graph.
 * Methods are sugar over the free functions in src/ops (`x.relu()` is `relu(x)`).
 */
import type { Backend, Storage, View } from "./backend/backend.js";
import { getBackend } from "./backend/registry.js";
import { allocArray, isFloat, type DType, type TypedArray } from "./dtype.js";
import { DTypeError, GradError, ValueError, fmtShape } from "./errors.js";
import { contiguousStrides, isContiguous, sizeOf, type Shape } from "./shape.js";
import type { Node } from "./autograd/node.js";
import { runBackward, seedGradient, startRelease, type BackwardOptions } from "./autograd/backward.js";
import { GRAD_OBSERVED, pinStorage, releaseGrad } from "./autograd/release.js";
import { isGradEnabled as isGradEnabledHere, noGrad } from "./autograd/grad-mode.js";
import { bumpVersion } from "./autograd/version.js";
import { formatTensor } from "./format.js";
import * as E from "./ops/elementwise.js";
import * as R from "./ops/reduce.js";
import * as M from "./ops/movement.js";
import * as A from "./ops/activations.js";
import { matmul } from "./ops/matmul.js";

type Operand = E.Operand;
type Dim = R.Dim;

/** Cached 0-d constants per backend and dtype (see `Tensor._constant`), at most MAX_CONSTANTS values each. */
const constants = new WeakMap<Backend, Map<DType, Map<number | "-0", Tensor>>>();
const MAX_CONSTANTS = 256;

/** Nested number arrays as `toArray()` returns them. */
export type NestedNumbers = number | NestedNumbers[];

export class Tensor implements View {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** Storage may be swapped by in-place methods on a leaf, never by ops. */
  storage: Storage;
  readonly backend: Backend;
  /**
   * Internal: the gradient behind `.grad`. Library code that uses a gradient only for the moment (the
   * engine, optimizer steps, zeroGrad, clipping) reads this field, which leaves the gradient's storage free
   * to be released (see src/autograd/release.ts); code that hands it on reads `.grad`.
   */
  _grad: Tensor | null = null;
  /** Internal, on a gradient tensor: GRAD_ENGINE_OWNED and GRAD_OBSERVED bits (src/autograd/release.ts). */
  _gradState = 0;
  /** The op that made this tensor (null for leaves). Internal. */
  _node: Node | null = null;
  _requiresGrad = false;
  _retainsGrad = false;
  /** An optional label shown by graph exports. */
  name?: string;

  /** Internal: use `tensor()`, `zeros()`, ... to create tensors. */
  constructor(storage: Storage, shape: Shape, strides: readonly number[], offset: number, dtype: DType, backend: Backend) {
    this.storage = storage;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.dtype = dtype;
    this.backend = backend;
  }

  /** Internal: a contiguous tensor over a fresh storage. */
  static _fromStorage(storage: Storage, shape: Shape, dtype: DType, backend: Backend): Tensor {
    return new Tensor(storage, [...shape], contiguousStrides(shape), 0, dtype, backend);
  }

  /** Internal: a tensor over a typed array, on the active backend. */
  static _fromArray(data: TypedArray, shape: Shape, dtype: DType): Tensor {
    const backend = getBackend();
    return Tensor._fromStorage(backend.fromArray(data, dtype), shape, dtype, backend);
  }

  /** Internal: a view sharing x's storage. */
  static _view(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
    return new Tensor(x.storage, [...shape], [...strides], offset, x.dtype, x.backend);
  }

  /** Internal: a 0-d constant next to `like`; fractional numbers make a float even next to an int tensor. */
  static _scalarLike(v: number | boolean, like: Tensor, dtype?: DType): Tensor {
    let d: DType = dtype ?? like.dtype;
    if (typeof v === "number" && !isFloat(d) && (!Number.isInteger(v) || d === "bool")) d = Number.isInteger(v) ? "int32" : "float32";
    const arr = allocArray(d, 1);
    arr[0] = Number(v);
    return Tensor._fromStorage(like.backend.fromArray(arr, d), [], d, like.backend);
  }

  /**
   * Internal: like `_scalarLike`, but a shared, cached constant (one per backend, dtype and value), so that
   * `x.mul(0.5)` in a training loop uploads nothing. Only for operands that ops consume internally: a
   * constant must never be returned to the user (who could write into it in place); every kernel writes a
   * fresh storage, so an op's result never aliases it.
   */
  static _constant(v: number | boolean, like: Tensor, dtype?: DType): Tensor {
    let d: DType = dtype ?? like.dtype;
    if (typeof v === "number" && !isFloat(d) && (!Number.isInteger(v) || d === "bool")) d = Number.isInteger(v) ? "int32" : "float32";
    let byDtype = constants.get(like.backend);
    if (byDtype === undefined) constants.set(like.backend, (byDtype = new Map()));
    let cache = byDtype.get(d);
    if (cache === undefined) byDtype.set(d, (cache = new Map()));
    const n = Number(v);
    const key = n === 0 && 1 / n < 0 ? "-0" : n; // Map keys treat −0 as 0
    let t = cache.get(key);
    if (t === undefined) {
      if (cache.size >= MAX_CONSTANTS) cache.clear(); // a loop over many distinct numbers: start afresh
      t = Tensor._scalarLike(v, like, d);
      pinStorage(t.storage); // cached: a backward pass must never free it (src/autograd/release.ts)
      cache.set(key, t);
    }
    return t;
  }

  /** Internal: a new contiguous tensor of this one's shape, dtype and backend, every element `v`. */
  _scalarFill(v: number): Tensor {
    return Tensor._scalarLike(v, this, this.dtype).expand(this.shape).contiguous();
  }

  // ------------------------------------------------------------ metadata

  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** True when the elements are laid out row-major without gaps. */
  get isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }
  /** True for tensors made by the user (not by an op); only leaves get `.grad`. */
  get isLeaf(): boolean {
    return this._node === null;
  }
  /** The op that produced this tensor, or null for a leaf. */
  get gradFn(): string | null {
    return this._node?.op ?? null;
  }

  /** Whether gradients flow to this tensor. Settable on leaves only; float dtypes only. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    if (v && !isFloat(this.dtype)) {
      throw new DTypeError(`requiresGrad: only float tensors can require gradients, this one is ${this.dtype}. Convert it with .float() first.`);
    }
    if (!this.isLeaf && !v) {
      throw new GradError("requiresGrad: cannot turn off gradients of a non-leaf tensor; use .detach() to get a tensor outside the graph.");
    }
    this._requiresGrad = v;
  }
  /** Sets requiresGrad in place and returns this (as PyTorch's `requires_grad_`). */
  requiresGrad_(v = true): this {
    this.requiresGrad = v;
    return this;
  }
  /**
   * Accumulated gradient of a leaf (or a `retainGrad()` tensor) after `backward()`; null before. Reading it
   * hands the gradient to your code, which may keep it: such a gradient is never freed early. One that was
   * never read is freed at once by `zeroGrad()` (on the wasm backend), instead of waiting for the garbage
   * collector; see docs/autograd.md.
   */
  get grad(): Tensor | null {
    const g = this._grad;
    if (g !== null) g._gradState |= GRAD_OBSERVED;
    return g;
  }
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) {
      throw new ValueError(`grad: a gradient must be a Tensor or null, got ${typeof g}. Wrap values with tensor(...), shaped like the tensor (${fmtShape(this.shape)}).`);
    }
    if (g !== null) g._gradState |= GRAD_OBSERVED; // the caller holds it
    this._grad = g;
  }

  /** Makes backward() also fill `.grad` of this non-leaf tensor. */
  retainGrad(): this {
    this._retainsGrad = true;
    return this;
  }

  // ------------------------------------------------------------ reading

  /** Elements in row-major order, as a fresh typed array (synchronous where the backend allows). */
  dataSync(): TypedArray {
    return this.backend.read(this);
  }
  /** Elements in row-major order, as a fresh typed array. */
  data(): Promise<TypedArray> {
    return this.backend.readAsync(this);
  }
  /** Elements as a flat array of numbers. */
  toFlatArray(): number[] {
    return Array.from(this.dataSync());
  }
  /** Elements as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedNumbers {
    const flat = this.dataSync();
    const build = (dim: number, off: number): NestedNumbers => {
      if (dim === this.ndim) return flat[off]!;
      const step = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, off + i * step));
    };
    return build(0, 0);
  }
  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ValueError(`item: only a one-element tensor can be converted to a number, this one has shape ${fmtShape(this.shape)} (${this.size} elements). Reduce it first, e.g. .sum() or .mean().`);
    }
    return this.dataSync()[0]!;
  }
  /** A readable rendering, like PyTorch's. */
  toString(): string {
    return formatTensor(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ------------------------------------------------------------ autograd

  /**
   * Backpropagates from this tensor: every leaf that requires grad gets d(this)/d(leaf) added to `.grad`.
   * A non-scalar tensor needs `gradOutput` (the vector of the vector-Jacobian product).
   */
  backward(gradOutput?: Tensor | number, opts: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new GradError(
        `backward: this tensor (shape ${fmtShape(this.shape)}) does not require grad, so there is nothing to ` +
          `differentiate. Create the leaves with { requiresGrad: true } and compute it outside noGrad().`,
      );
    }
    const release = startRelease([this], opts.createGraph); // before the seed: a seed made here may be freed
    const g = seedGradient(this, gradOutput, {
      missing: () =>
        `backward: gradOutput is required for a non-scalar output (shape ${fmtShape(this.shape)}). ` +
        `Reduce it first (e.g. loss.mean().backward()) or pass a gradOutput of shape ${fmtShape(this.shape)}.`,
      mismatch: (g) => `backward: gradOutput has shape ${fmtShape(g.shape)}, but the output has shape ${fmtShape(this.shape)}; they must match.`,
    });
    runBackward([this], [g], { ...opts, accumulate: true, release });
  }
  /** The same values, cut from the graph (shares storage). */
  detach(): Tensor {
    return Tensor._view(this, this.shape, this.strides, this.offset);
  }
  /**
   * Sets `.grad` to null (PyTorch's `zero_grad(set_to_none=True)`). A gradient that only the engine ever
   * held (never read through `.grad`) has its memory freed at once (see docs/autograd.md).
   */
  zeroGrad(): void {
    const g = this._grad;
    if (g === null) return;
    this._grad = null;
    releaseGrad(g);
  }

  // ------------------------------------------------------------ in place (leaves, or under noGrad)

  private checkInPlace(op: string): void {
    if (this.requiresGrad && !this.isLeaf) {
      throw new GradError(`${op}: cannot modify a tensor that is part of the graph (made by "${this.gradFn}") in place; use the out-of-place op.`);
    }
    if (this.requiresGrad && isGradEnabledHere()) {
      throw new GradError(
        `${op}: a leaf that requires grad (shape ${fmtShape(this.shape)}) can only be modified in place inside ` +
          `noGrad(() => ...), as in an optimizer step: noGrad(() => p.sub_(p.grad.mul(lr))).`,
      );
    }
  }
  /** Checks, then writes `src()` (broadcast, converted) into this tensor's elements. */
  private writeInPlace(op: string, src: () => Tensor | number): this {
    this.checkInPlace(op);
    const v = src();
    const s = typeof v === "number" ? Tensor._constant(v, this) : v;
    this.backend.kernels.assign(this, noGrad(() => s.detach().expand(this.shape)));
    bumpVersion(this.storage);
    return this;
  }
  /** Copies `src` (broadcast, converted) into this tensor's elements. */
  copy_(src: Tensor | number): this {
    return this.writeInPlace("copy_", () => src);
  }
  /** Fills with a value in place. */
  fill_(value: number): this {
    return this.writeInPlace("fill_", () => value);
  }
  /** Zeros in place. */
  zero_(): this {
    return this.writeInPlace("zero_", () => 0);
  }
  /** `this += alpha · other`, in place. */
  add_(other: Operand, alpha = 1): this {
    return this.writeInPlace("add_", () => noGrad(() => E.add(this, alpha === 1 ? other : E.mul(asTensorLike(other, this), alpha))));
  }
  /** `this -= other`, in place. */
  sub_(other: Operand): this {
    return this.writeInPlace("sub_", () => noGrad(() => E.sub(this, other)));
  }
  /** `this *= other`, in place. */
  mul_(other: Operand): this {
    return this.writeInPlace("mul_", () => noGrad(() => E.mul(this, other)));
  }
  /** `this /= other`, in place. */
  div_(other: Operand): this {
    return this.writeInPlace("div_", () => noGrad(() => E.div(this, other)));
  }

  /** Frees storage now on backends that need it (a no-op on the TS backend). Also `using t = ...`. */
  dispose(): void {
    this.backend.dispose(this.storage);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ------------------------------------------------------------ dtype

  /** Converts to a dtype (a differentiable cast between floats). */
  to(dtype: DType): Tensor { return E.cast(this, dtype); }
  float(): Tensor { return E.cast(this, "float32"); }
  double(): Tensor { return E.cast(this, "float64"); }
  int(): Tensor { return E.cast(this, "int32"); }
  bool(): Tensor { return E.cast(this, "bool"); }

  // ------------------------------------------------------------ element-wise

  add(o: Operand): Tensor { return E.add(this, o); }
  sub(o: Operand): Tensor { return E.sub(this, o); }
  mul(o: Operand): Tensor { return E.mul(this, o); }
  div(o: Operand): Tensor { return E.div(this, o); }
  pow(o: Operand): Tensor { return E.pow(this, o); }
  maximum(o: Operand): Tensor { return E.maximum(this, o); }
  minimum(o: Operand): Tensor { return E.minimum(this, o); }
  eq(o: Operand): Tensor { return E.eq(this, o); }
  ne(o: Operand): Tensor { return E.ne(this, o); }
  lt(o: Operand): Tensor { return E.lt(this, o); }
  le(o: Operand): Tensor { return E.le(this, o); }
  gt(o: Operand): Tensor { return E.gt(this, o); }
  ge(o: Operand): Tensor { return E.ge(this, o); }
  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  abs(): Tensor { return E.abs(this); }
  sign(): Tensor { return E.sign(this); }
  sin(): Tensor { return E.sin(this); }
  cos(): Tensor { return E.cos(this); }
  recip(): Tensor { return E.recip(this); }
  square(): Tensor { return E.mul(this, this); }
  floor(): Tensor { return E.floor(this); }
  ceil(): Tensor { return E.ceil(this); }
  round(): Tensor { return E.round(this); }
  erf(): Tensor { return E.erf(this); }
  expm1(): Tensor { return E.expm1(this); }
  log1p(): Tensor { return E.log1p(this); }
  isnan(): Tensor { return E.isnan(this); }
  isfinite(): Tensor { return E.isfinite(this); }
  logicalNot(): Tensor { return E.logicalNot(this); }
  clamp(min?: Operand | null, max?: Operand | null): Tensor { return E.clamp(this, min, max); }
  /** `cond.where(a, b)` is `where(cond, a, b)`. */
  where(a: Operand, b: Operand): Tensor { return E.where(this, a, b); }

  // ------------------------------------------------------------ activations

  sigmoid(): Tensor { return A.sigmoid(this); }
  tanh(): Tensor { return A.tanh(this); }
  relu(): Tensor { return A.relu(this); }
  leakyRelu(negativeSlope?: number): Tensor { return A.leakyRelu(this, negativeSlope); }
  relu6(): Tensor { return A.relu6(this); }
  hardsigmoid(): Tensor { return A.hardsigmoid(this); }
  hardswish(): Tensor { return A.hardswish(this); }
  softplus(beta?: number): Tensor { return A.softplus(this, beta); }
  elu(alpha?: number): Tensor { return A.elu(this, alpha); }
  selu(): Tensor { return A.selu(this); }
  silu(): Tensor { return A.silu(this); }
  mish(): Tensor { return A.mish(this); }
  gelu(opts?: { approximate?: "none" | "tanh" }): Tensor { return A.gelu(this, opts); }
  softmax(dim?: number): Tensor { return A.softmax(this, dim); }
  logSoftmax(dim?: number): Tensor { return A.logSoftmax(this, dim); }

  // ------------------------------------------------------------ reductions

  sum(dim?: Dim, keepDims?: boolean): Tensor { return R.sum(this, dim, keepDims); }
  mean(dim?: Dim, keepDims?: boolean): Tensor { return R.mean(this, dim, keepDims); }
  prod(dim?: Dim, keepDims?: boolean): Tensor { return R.prod(this, dim, keepDims); }
  max(dim?: Dim, keepDims?: boolean): Tensor { return R.max(this, dim, keepDims); }
  min(dim?: Dim, keepDims?: boolean): Tensor { return R.min(this, dim, keepDims); }
  argmax(dim?: number, keepDims?: boolean): Tensor { return R.argmax(this, dim, keepDims); }
  argmin(dim?: number, keepDims?: boolean): Tensor { return R.argmin(this, dim, keepDims); }
  var(dim?: Dim, opts?: { correction?: number; keepDims?: boolean }): Tensor { return R.variance(this, dim, opts); }
  std(dim?: Dim, opts?: { correction?: number; keepDims?: boolean }): Tensor { return R.std(this, dim, opts); }
  logsumexp(dim?: Dim, keepDims?: boolean): Tensor { return R.logsumexp(this, dim, keepDims); }

  // ------------------------------------------------------------ movement

  reshape(...shape: number[] | [Shape]): Tensor { return M.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [Shape]): Tensor { return M.view(this, flatArgs(shape)); }
  flatten(startDim?: number, endDim?: number): Tensor { return M.flatten(this, startDim, endDim); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return M.permute(this, flatArgs(dims)); }
  transpose(dim0?: number, dim1?: number): Tensor { return M.transpose(this, dim0, dim1); }
  /** Transpose of a 2-D tensor (reversed dims in general), as PyTorch's `.T`. */
  get T(): Tensor { return M.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }
  /** Transpose of the last two dims. */
  get mT(): Tensor { return M.transpose(this, -2, -1); }
  expand(...shape: number[] | [Shape]): Tensor { return M.expand(this, flatArgs(shape)); }
  expandAs(other: Tensor): Tensor { return M.expand(this, other.shape); }
  squeeze(dim?: number | readonly number[]): Tensor { return M.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return M.unsqueeze(this, dim); }
  contiguous(): Tensor { return M.contiguous(this); }
  clone(): Tensor { return M.clone(this); }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor { return M.slice(this, dim, start, end, step); }
  select(dim: number, index: number): Tensor { return M.select(this, dim, index); }
  /** NumPy-style indexing; see `index()`. */
  index(...specs: M.IndexSpec[]): Tensor { return M.index(this, ...specs); }
  flip(dims: number | readonly number[]): Tensor { return M.flip(this, dims); }
  split(sizes: number | readonly number[], dim?: number): Tensor[] { return M.split(this, sizes, dim); }
  chunk(chunks: number, dim?: number): Tensor[] { return M.chunk(this, chunks, dim); }
  pad(pads: readonly number[], value?: number): Tensor { return M.pad(this, pads, value); }
  gather(dim: number, index: Tensor): Tensor { return M.gather(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return M.scatterAdd(this, dim, index, src); }
  indexSelect(dim: number, indices: Tensor | readonly number[]): Tensor { return M.indexSelect(this, dim, indices); }

  // ------------------------------------------------------------ linear algebra

  matmul(o: Tensor): Tensor { return matmul(this, o); }
}

function flatArgs(args: readonly (number | Shape)[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as Shape)] : (args as number[]);
}

function asTensorLike(o: Operand, like: Tensor): Tensor {
  return o instanceof Tensor ? o : Tensor._scalarLike(o, like);
}
