/** Reading the estimators' inputs: feature matrices and numeric targets as float64 tensors, checked. */
import { ShapeError, ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { Tensor } from "../tensor.js";

/** A feature matrix: a `[N, F]` tensor (any dtype) or an array of N rows of F numbers. */
export type Matrix = Tensor | readonly (readonly number[])[];

/**
 * `x` as a float64 `[N, F]` tensor. Throws for a wrong rank, ragged rows, no samples, no features, and
 * NaN or ±Infinity (naming the first such entry), as scikit-learn's `check_array`.
 * @param nFeatures the width a fitted estimator expects, checked when given
 */
export function toMatrix(op: string, x: Matrix, nFeatures?: number): Tensor {
  let t: Tensor;
  if (x instanceof Tensor) {
    if (x.ndim !== 2) {
      throw new ShapeError(`${op}: X must be 2-D [samples, features], got shape [${x.shape}]. ` + (x.ndim === 1 ? "For one feature use x.reshape([-1, 1]); for one sample x.reshape([1, -1])." : "Flatten the trailing dimensions: x.reshape([x.shape[0], -1])."));
    }
    t = x.dtype === "float64" ? x.contiguous() : x.double();
  } else {
    if (!Array.isArray(x)) throw new ValueError(`${op}: X must be a Tensor or an array of rows, got ${typeof x}.`);
    const f = x.length > 0 && Array.isArray(x[0]) ? x[0].length : -1;
    x.forEach((row, i) => {
      if (!Array.isArray(row)) throw new ShapeError(`${op}: X must be an array of rows (number[][]); row ${i} is ${typeof row}. For one feature write [[v0], [v1], ...].`);
      if (row.length !== f) throw new ShapeError(`${op}: X is ragged: row ${i} has ${row.length} values but row 0 has ${f}.`);
    });
    t = tensor(Float64Array.from(x.flat() as number[]), { shape: [x.length, Math.max(f, 0)] });
  }
  const [n, f] = t.shape as [number, number];
  if (n === 0) throw new ValueError(`${op}: X has no samples (shape [${t.shape}]); at least one is required.`);
  if (f === 0) throw new ValueError(`${op}: X has no features (shape [${t.shape}]); at least one is required.`);
  const data = t.dataSync();
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new ValueError(`${op}: X contains ${data[i]} at row ${Math.floor(i / f)}, column ${i % f}; fill or drop missing values and scale very large ones first.`);
    }
  }
  if (nFeatures !== undefined && f !== nFeatures) {
    throw new ShapeError(`${op}: X has ${f} features, but the estimator was fitted with ${nFeatures}. Pass the same columns as in fit.`);
  }
  return t;
}

/** Numeric targets as a float64 `[N, K]` tensor (`[N]` becomes `[N, 1]`); NaN and ±Infinity are errors. */
export function toTargetMatrix(op: string, y: Tensor | readonly number[] | readonly (readonly number[])[], n: number): Tensor {
  let t: Tensor;
  if (y instanceof Tensor) {
    if (y.ndim !== 1 && y.ndim !== 2) throw new ShapeError(`${op}: y must be 1-D [samples] or 2-D [samples, outputs], got shape [${y.shape}].`);
    t = y.double().reshape([y.shape[0]!, -1]).contiguous();
  } else {
    if (!Array.isArray(y)) throw new ValueError(`${op}: y must be a Tensor or an array, got ${typeof y}.`);
    const rows = y.map((v, i) => {
      if (Array.isArray(v)) return v as number[];
      if (typeof v !== "number") throw new ValueError(`${op}: y must hold numbers; entry ${i} is ${JSON.stringify(v)}.`);
      return [v];
    });
    const k = rows[0]?.length ?? 1;
    rows.forEach((r, i) => {
      if (r.length !== k) throw new ShapeError(`${op}: y is ragged: row ${i} has ${r.length} values but row 0 has ${k}.`);
    });
    t = tensor(Float64Array.from(rows.flat()), { shape: [rows.length, k] });
  }
  if (t.shape[0] !== n) throw new ShapeError(`${op}: X has ${n} samples but y has ${t.shape[0]}; they must match.`);
  const data = t.dataSync();
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new ValueError(`${op}: y contains ${data[i]} at sample ${Math.floor(i / t.shape[1]!)}; drop or fill it first.`);
  }
  return t;
}
