/**
 * Movement ops. Most are zero-copy views (new shape/strides/offset over the same storage): reshape of a
 * contiguous tensor, permute, transpose, expand, squeeze, unsqueeze, slicing, flip. Copies happen only in
 * contiguous(), cat, gather and scatterAdd. Each op's gradient is beside it.
 */
import { record } from "../autograd/node.js";
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { contiguousStrides, isContiguous, normAxis, normAxes, shapesEqual, sizeOf, type Shape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { promoteTypes } from "../dtype.js";
import { cast, eq } from "./elementwise.js";
import { sum } from "./reduce.js";
import { arange, full, zeros } from "./creation.js";

// ---------------------------------------------------------------- contiguity and reshaping

/** A row-major copy of x, or x itself when it already is one. */
export function contiguous(x: Tensor): Tensor {
  if (isContiguous(x.shape, x.strides)) return x;
  const out = Tensor._fromStorage(x.backend.kernels.copy(x, x.dtype), x.shape, x.dtype, x.backend);
  return record(out, "contiguous", [x], (dy) => [dy]);
}

/** A copy that owns its storage (gradient flows through, as `torch.clone`). */
export function clone(x: Tensor): Tensor {
  const out = Tensor._fromStorage(x.backend.kernels.copy(x, x.dtype), x.shape, x.dtype, x.backend);
  return record(out, "clone", [x], (dy) => [dy]);
}

/** Resolves one `-1` in a target shape and checks the element count. */
function resolveShape(op: string, x: Tensor, shape: Shape): number[] {
  const out = [...shape];
  const free = out.indexOf(-1);
  if (out.indexOf(-1, free + 1) !== -1 && free !== -1) {
    throw new ValueError(`${op}: only one dimension can be -1, got ${fmtShape(shape)}; give the other sizes explicitly (e.g. [${x.shape[0] ?? 1}, -1]).`);
  }
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) {
      throw new ValueError(`${op}: invalid size ${d} in ${fmtShape(shape)}; sizes are integers ≥ 0 (or one -1).`);
    }
  }
  if (free !== -1) {
    const known = sizeOf(out.filter((_, i) => i !== free));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`${op}: cannot infer the -1 in ${fmtShape(shape)} for a tensor of ${x.size} elements ${fmtShape(x.shape)}.`);
    }
    out[free] = x.size / known;
  }
  if (sizeOf(out) !== x.size) {
    throw new ShapeError(
      `${op}: cannot reshape a tensor of shape ${fmtShape(x.shape)} (${x.size} elements) into ${fmtShape(shape)} ` +
        `(${sizeOf(out)} elements). Use -1 for one dimension to have it inferred.`,
    );
  }
  return out;
}

/** Same elements in a new shape (one dimension may be -1). A view when x is contiguous, a copy otherwise. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const target = resolveShape("reshape", x, shape);
  if (shapesEqual(target, x.shape)) return x;
  const base = contiguous(x);
  const out = Tensor._view(base, target, contiguousStrides(target), base.offset);
  return record(out, "reshape", [base], (dy) => [reshape(dy, base.shape)]);
}

/** Like reshape, but never copies: fails on a non-contiguous tensor, as `torch.Tensor.view`. */
export function view(x: Tensor, shape: Shape): Tensor {
  if (!isContiguous(x.shape, x.strides)) {
    throw new ShapeError(
      `view: the tensor of shape ${fmtShape(x.shape)} is not contiguous (strides ${fmtShape(x.strides)}), so it ` +
        `cannot be viewed as ${fmtShape(shape)} without a copy. Use reshape() or call contiguous() first.`,
    );
  }
  return reshape(x, shape);
}

/** Flattens dims startDim..endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normAxis("flatten", startDim, x.ndim, "startDim");
  const e = normAxis("flatten", endDim, x.ndim, "endDim");
  if (s > e) throw new ValueError(`flatten: startDim (${startDim}) must not come after endDim (${endDim}).`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

// ---------------------------------------------------------------- axis permutations

/** Reorders dimensions: `permute(x, [2, 0, 1])`. A view. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const nd = x.ndim;
  const d = dims.map((a) => normAxis("permute", a, nd));
  if (d.length !== nd || new Set(d).size !== nd) {
    throw new ValueError(`permute: dims [${dims.join(",")}] must be a permutation of 0..${nd - 1} for a ${nd}-D tensor ${fmtShape(x.shape)}.`);
  }
  const out = Tensor._view(x, d.map((i) => x.shape[i]!), d.map((i) => x.strides[i]!), x.offset);
  const inv = new Array<number>(nd);
  d.forEach((src, i) => (inv[src] = i));
  return record(out, "permute", [x], (dy) => [permute(dy, inv)]);
}

/** Swaps two dimensions (default: the last two). A view. */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  if (x.ndim < 2) return x;
  const a = normAxis("transpose", dim0, x.ndim, "dim0"), b = normAxis("transpose", dim1, x.ndim, "dim1");
  const order = Array.from({ length: x.ndim }, (_, i) => i);
  order[a] = b;
  order[b] = a;
  return permute(x, order);
}

// ---------------------------------------------------------------- broadcasting

/**
 * Broadcasts to a larger shape without copying (stride 0 on repeated dims); -1 keeps a size.
 * The gradient sums over the broadcast dims: the one place broadcasting's backward lives.
 */
export function expand(x: Tensor, shape: Shape): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) {
    throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to fewer dimensions ${fmtShape(shape)}.`);
  }
  const outShape: number[] = [], strides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const j = i - lead;
    const want = shape[i]!;
    if (j < 0) {
      if (want < 0) throw new ShapeError(`expand: -1 is not allowed for a new leading dimension (target ${fmtShape(shape)}).`);
      outShape.push(want);
      strides.push(0);
      continue;
    }
    const have = x.shape[j]!;
    if (want === -1 || want === have) {
      outShape.push(have);
      strides.push(x.strides[j]!);
    } else if (have === 1) {
      outShape.push(want);
      strides.push(0);
    } else {
      throw new ShapeError(
        `expand: dimension ${i} has size ${have} in ${fmtShape(x.shape)} and cannot be expanded to ${want} ` +
          `(target ${fmtShape(shape)}); only size-1 dimensions expand.`,
      );
    }
  }
  if (shapesEqual(outShape, x.shape)) return x;
  const out = Tensor._view(x, outShape, strides, x.offset);
  return record(out, "expand", [x], (dy) => [sumTo(dy, x.shape)]);
}

/** Sums a broadcast gradient back down to `shape` (the inverse of broadcasting). */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.ndim; i++) if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  return reshape(sum(x, axes, true), shape);
}

/** Removes size-1 dimensions (all, or the given ones; a given dim of size ≠ 1 is left, as PyTorch). A view. */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const axes = dim === undefined ? x.shape.map((_, i) => i) : normAxes("squeeze", dim, x.ndim);
  const keep = x.shape.map((s, i) => !(s === 1 && axes.includes(i)));
  if (keep.every(Boolean)) return x;
  const out = Tensor._view(x, x.shape.filter((_, i) => keep[i]), x.strides.filter((_, i) => keep[i]), x.offset);
  return record(out, "squeeze", [x], (dy) => [reshape(dy, x.shape)]);
}

/** Inserts a size-1 dimension at `dim` (−ndim−1 ≤ dim ≤ ndim). A view. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  if (Number.isInteger(dim) && (dim < -x.ndim - 1 || dim > x.ndim)) {
    throw new IndexError(`unsqueeze: dim ${dim} is out of range for a ${x.ndim}-D tensor ${fmtShape(x.shape)}; the new axis can go at ${-x.ndim - 1}..${x.ndim}.`);
  }
  const d = normAxis("unsqueeze", dim, x.ndim + 1);
  const shape = [...x.shape], strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d]! * x.shape[d]! : 1);
  const out = Tensor._view(x, shape, strides, x.offset);
  return record(out, "unsqueeze", [x], (dy) => [squeeze(dy, d)]);
}

// ---------------------------------------------------------------- slicing

/** How one input dimension is indexed: a strided range (kept) or a single index (dropped). */
export type DimSpec = { kind: "range"; start: number; step: number; size: number } | { kind: "select"; index: number };

/** A view of x through per-dimension specs (metadata only). */
function planView(x: Tensor, plan: readonly DimSpec[]): { shape: number[]; strides: number[]; offset: number } {
  let offset = x.offset;
  const shape: number[] = [], strides: number[] = [];
  plan.forEach((s, d) => {
    const st = x.strides[d]!;
    if (s.kind === "select") {
      offset += s.index * st;
    } else {
      if (s.size > 0) offset += s.start * st;
      shape.push(s.size);
      strides.push(st * s.step);
    }
  });
  return { shape, strides, offset };
}

/** The view primitive behind slicing, select, flip and index(); its gradient is `embed`. */
export function applyPlan(x: Tensor, plan: readonly DimSpec[]): Tensor {
  const v = planView(x, plan);
  const out = Tensor._view(x, v.shape, v.strides, v.offset);
  return record(out, "slice", [x], (dy) => [embed(dy, x.shape, plan)]);
}

/** Places dy into zeros of `shape` at the positions `plan` selects: the adjoint of applyPlan. */
function embed(dy: Tensor, shape: Shape, plan: readonly DimSpec[]): Tensor {
  const base = zeros(shape, { dtype: dy.dtype });
  const v = planView(base, plan);
  base.backend.kernels.assign({ storage: base.storage, shape: v.shape, strides: v.strides, offset: v.offset }, dy);
  return record(base, "embed", [dy], (ddy) => [applyPlan(ddy, plan)]);
}

const fullRange = (size: number): DimSpec => ({ kind: "range", start: 0, step: 1, size });

/** Python slice semantics: negative indices count from the end; out-of-range bounds clamp. */
export function rangeSpec(op: string, size: number, start: number | undefined, end: number | undefined, step = 1): DimSpec {
  if (!Number.isInteger(step) || step === 0) throw new ValueError(`${op}: step must be a non-zero integer, got ${step}.`);
  if (step < 0) throw new ValueError(`${op}: negative steps are not supported (step ${step}); use flip() to reverse a dimension.`);
  const norm = (v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!Number.isInteger(v)) throw new ValueError(`${op}: slice bounds must be integers, got ${v}.`);
    return Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  };
  const s = norm(start, 0), e = norm(end, size);
  return { kind: "range", start: s, step, size: Math.max(0, Math.ceil((e - s) / step)) };
}

/** `x[start:end:step]` along one dim. A view. */
export function slice(x: Tensor, dim: number, start?: number, end?: number, step = 1): Tensor {
  const d = normAxis("slice", dim, x.ndim);
  const plan = x.shape.map(fullRange);
  plan[d] = rangeSpec("slice", x.shape[d]!, start, end, step);
  return applyPlan(x, plan);
}

/** `x[..., index, ...]` along one dim, which is removed. A view. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normAxis("select", dim, x.ndim);
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError(`select: index ${index} is out of range for dimension ${d} of size ${size} (shape ${fmtShape(x.shape)}).`);
  }
  const plan = x.shape.map(fullRange);
  plan[d] = { kind: "select", index: index < 0 ? index + size : index };
  return applyPlan(x, plan);
}

/** Reverses the order along the given dims. A view (negative strides). */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const axes = normAxes("flip", dims, x.ndim);
  const plan: DimSpec[] = x.shape.map((s, i) => (axes.includes(i) && s > 0 ? { kind: "range", start: s - 1, step: -1, size: s } : fullRange(s)));
  return applyPlan(x, plan);
}

/** One index of `index(...)`: a number, a slice string like `"1:5:2"` or `":"`, `"..."`, `null` (new axis), or integers. */
export type IndexSpec = number | string | null | readonly number[] | Tensor;

/**
 * NumPy-style indexing: `x.index(0)`, `x.index(":", "1:3")`, `x.index("...", -1)`, `x.index(null)`,
 * `x.index([2, 0])` (integer arrays select along that dim; one per call). Basic indexing gives a view.
 */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  const ell = specs.filter((s) => s === "...").length;
  if (ell > 1) throw new IndexError(`index: only one "..." is allowed, got ${ell}.`);
  const consuming = specs.filter((s) => s !== null && s !== "...").length;
  if (consuming > x.ndim) {
    throw new IndexError(`index: too many indices (${consuming}) for a tensor of ${x.ndim} dimension(s) ${fmtShape(x.shape)}.`);
  }
  const expanded: IndexSpec[] = [];
  for (const s of specs) {
    if (s === "...") for (let i = 0; i < x.ndim - consuming; i++) expanded.push(":");
    else expanded.push(s);
  }
  const plan: DimSpec[] = [];
  const newAxes: number[] = [];
  let advanced: { outDim: number; idx: Tensor } | null = null;
  let dim = 0, outDim = 0;
  for (const s of expanded) {
    if (s === null) {
      newAxes.push(outDim++);
      continue;
    }
    const size = x.shape[dim]!;
    if (typeof s === "number") {
      if (!Number.isInteger(s) || s < -size || s >= size) {
        throw new IndexError(`index: index ${s} is out of range for dimension ${dim} of size ${size} (shape ${fmtShape(x.shape)}).`);
      }
      plan.push({ kind: "select", index: s < 0 ? s + size : s });
    } else if (typeof s === "string") {
      const m = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/.exec(s);
      if (!m) throw new IndexError(`index: cannot parse slice "${s}"; write "start:end:step", e.g. "1:5", ":", "::2".`);
      const num = (g: string | undefined) => (g === undefined ? undefined : Number(g));
      plan.push(rangeSpec("index", size, num(m[1]), num(m[2]), num(m[3]) ?? 1));
      outDim++;
    } else {
      if (advanced) throw new IndexError("index: only one integer-array index per call; chain index() calls for more.");
      const idx = s instanceof Tensor ? s : Tensor._fromArray(Int32Array.from(s), [s.length], "int32");
      advanced = { outDim, idx };
      plan.push(fullRange(size));
      outDim++;
    }
    dim++;
  }
  for (; dim < x.ndim; dim++) plan.push(fullRange(x.shape[dim]!));
  let y = plan.every((p, i) => p.kind === "range" && p.start === 0 && p.step === 1 && p.size === x.shape[i]) ? x : applyPlan(x, plan);
  if (advanced) {
    // New axes are inserted after, so the array index's position counts only the real dims before it.
    const before = newAxes.filter((a) => a < advanced!.outDim).length;
    y = indexSelectAs("index", y, advanced.outDim - before, advanced.idx);
  }
  for (const a of newAxes) y = unsqueeze(y, a);
  return y;
}

// ---------------------------------------------------------------- joining and splitting

/** Concatenates tensors along an existing dim. */
export function cat(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new ValueError("cat: expected a non-empty list of tensors.");
  const first = xs[0]!;
  if (first.ndim === 0) throw new ShapeError("cat: zero-dimensional tensors cannot be concatenated; use stack().");
  const d = normAxis("cat", dim, first.ndim);
  xs.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new ShapeError(
        `cat: tensor ${i} has shape ${fmtShape(t.shape)}, but tensor 0 has ${fmtShape(first.shape)}; ` +
          `all sizes must match except in dimension ${d}.`,
      );
    }
  });
  const dtype = xs.map((t) => t.dtype).reduce(promoteTypes);
  const ins = xs.map((t) => cast(t, dtype));
  const shape = [...first.shape];
  shape[d] = ins.reduce((s, t) => s + t.shape[d]!, 0);
  const out = Tensor._fromStorage(first.backend.kernels.cat(ins, d, dtype), shape, dtype, first.backend);
  return record(out, "cat", ins, (dy) => {
    let start = 0;
    return ins.map((t) => {
      const g = slice(dy, d, start, start + t.shape[d]!);
      start += t.shape[d]!;
      return g;
    });
  });
}

/** Joins tensors of equal shape along a new dim. */
export function stack(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new ValueError("stack: expected a non-empty list of tensors.");
  const first = xs[0]!;
  xs.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(`stack: tensor ${i} has shape ${fmtShape(t.shape)} but tensor 0 has ${fmtShape(first.shape)}; stack needs equal shapes.`);
    }
  });
  const d = normAxis("stack", dim, first.ndim + 1);
  return cat(xs.map((t) => unsqueeze(t, d)), d);
}

/** Splits into chunks of `size` (the last may be smaller), or into the given sizes, along `dim`. Views. */
export function split(x: Tensor, sizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normAxis("split", dim, x.ndim);
  const n = x.shape[d]!;
  let list: number[];
  if (typeof sizes === "number") {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new ValueError(`split: size must be a positive integer, got ${sizes}.`);
    list = [];
    for (let s = 0; s < n; s += sizes) list.push(Math.min(sizes, n - s));
  } else {
    list = [...sizes];
    const total = list.reduce((a, b) => a + b, 0);
    if (total !== n) {
      throw new ShapeError(`split: sizes [${list.join(",")}] add up to ${total}, but dimension ${d} has size ${n} (shape ${fmtShape(x.shape)}). Give sizes that sum to ${n}, or one chunk size as a number.`);
    }
  }
  let start = 0;
  return list.map((s) => {
    const part = slice(x, d, start, start + s);
    start += s;
    return part;
  });
}

/** Splits into `chunks` nearly equal parts along `dim`, as torch.chunk. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = normAxis("chunk", dim, x.ndim);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}.`);
  return split(x, Math.max(1, Math.ceil(x.shape[d]! / chunks)), d);
}

/**
 * Pads with a constant. `pads` lists (before, after) pairs starting from the last dim, as torch.nn.functional.pad:
 * `pad(x, [1, 1])` pads the last dim by one on each side; `pad(x, [0, 0, 2, 0])` adds two rows on top.
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw new ValueError(`pad: pads must hold (before, after) pairs for at most ${x.ndim} dims, got [${pads.join(",")}].`);
  }
  let y = x;
  for (let p = 0; p < pads.length / 2; p++) {
    const d = x.ndim - 1 - p;
    const before = pads[2 * p]!, after = pads[2 * p + 1]!;
    if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
      throw new ValueError(`pad: pad sizes must be integers ≥ 0, got (${before}, ${after}) for dimension ${d}.`);
    }
    const parts: Tensor[] = [];
    const sideShape = (n: number) => y.shape.map((s, i) => (i === d ? n : s));
    if (before > 0) parts.push(full(sideShape(before), value, { dtype: y.dtype }));
    parts.push(y);
    if (after > 0) parts.push(full(sideShape(after), value, { dtype: y.dtype }));
    if (parts.length > 1) y = cat(parts, d);
  }
  return y;
}

// ---------------------------------------------------------------- gather / scatter

function checkIndexTensor(op: string, x: Tensor, d: number, index: Tensor): void {
  if (index.dtype !== "int32") {
    throw new DTypeError(`${op}: index must be an int32 tensor, got ${index.dtype}. Create it with { dtype: "int32" } or .int().`);
  }
  if (index.ndim !== x.ndim) {
    throw new ShapeError(`${op}: index has ${index.ndim} dims ${fmtShape(index.shape)} but input has ${x.ndim} ${fmtShape(x.shape)}; they must match.`);
  }
  index.shape.forEach((s, i) => {
    if (i !== d && s > x.shape[i]!) {
      throw new ShapeError(`${op}: index size ${s} in dimension ${i} exceeds the input's ${x.shape[i]} (index ${fmtShape(index.shape)}, input ${fmtShape(x.shape)}).`);
    }
  });
}

/** Runs a kernel that validates index values, turning its RangeError into an IndexError named for `op`. */
function withIndexCheck<T>(op: string, x: Tensor, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new IndexError(`${op}: ${e.message.replace(/^\w+: /, "")} (input shape ${fmtShape(x.shape)}). Indices must lie in [-size, size).`);
    }
    throw e;
  }
}

/** `out[i][j] = x[index[i][j]][j]` for dim 0 (and likewise for other dims), as torch.gather. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return gatherAs("gather", x, dim, index);
}

/** gather, with errors named for the op the user called (gather, indexSelect or index). */
function gatherAs(op: string, x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normAxis(op, dim, x.ndim);
  checkIndexTensor(op, x, d, index);
  const out = Tensor._fromStorage(withIndexCheck(op, x, () => x.backend.kernels.gather(x, d, index)), index.shape, x.dtype, x.backend);
  return record(out, "gather", [x], (dy) => [scatterAdd(zeros(x.shape, { dtype: dy.dtype }), d, index, dy)]);
}

/** `out = base; out[index[i][j]][j] += src[i][j]` for dim 0, as torch.scatter_add (out of place). */
export function scatterAdd(base: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normAxis("scatterAdd", dim, base.ndim);
  checkIndexTensor("scatterAdd", base, d, index);
  if (!shapesEqual(src.shape, index.shape)) {
    throw new ShapeError(`scatterAdd: src ${fmtShape(src.shape)} must have the index's shape ${fmtShape(index.shape)}.`);
  }
  const s = cast(src, base.dtype);
  const out = Tensor._fromStorage(withIndexCheck("scatterAdd", base, () => base.backend.kernels.scatterAdd(base, d, index, s)), base.shape, base.dtype, base.backend);
  return record(out, "scatterAdd", [base, s], (dy) => [dy, gather(dy, d, index)]);
}

/** Picks entries along `dim` by a 1-D list of indices, as torch.index_select. */
export function indexSelect(x: Tensor, dim: number, indices: Tensor | readonly number[]): Tensor {
  return indexSelectAs("indexSelect", x, dim, indices);
}

function indexSelectAs(op: string, x: Tensor, dim: number, indices: Tensor | readonly number[]): Tensor {
  const d = normAxis(op, dim, x.ndim);
  const idx = indices instanceof Tensor ? indices : Tensor._fromArray(Int32Array.from(indices), [indices.length], "int32");
  if (idx.ndim !== 1) throw new ShapeError(`${op}: indices must be 1-D, got shape ${fmtShape(idx.shape)}.`);
  const shape = x.shape.map((s, i) => (i === d ? idx.shape[0]! : s));
  const view = x.shape.map((_, i) => (i === d ? idx.shape[0]! : 1));
  return gatherAs(op, x, d, expand(reshape(idx, view), shape));
}

/** One-hot encoding of int32 class indices: shape [...labels.shape, numClasses], float32. */
export function oneHot(labels: Tensor, numClasses?: number): Tensor {
  if (labels.dtype !== "int32") {
    throw new ValueError(`oneHot: labels must be int32 class indices, got ${labels.dtype}. Convert with .int().`);
  }
  const values = labels.toFlatArray();
  const max = values.length ? Math.max(...values) : -1;
  const min = values.length ? Math.min(...values) : 0;
  const c = numClasses ?? max + 1;
  if (min < 0 || max >= c) {
    throw new IndexError(`oneHot: labels must lie in [0, ${c}), found ${min < 0 ? min : max}. Pass numClasses ≥ ${max + 1}.`);
  }
  return cast(eq(unsqueeze(labels, -1), arange(c, { dtype: "int32" })), "float32");
}
