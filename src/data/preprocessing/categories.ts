/** Category values (numbers or strings) for the encoders: reading them, sorting them as NumPy's `unique`. */
import { ValueError } from "../../errors.js";
import { Tensor } from "../../tensor.js";

export type Category = number | string;

/** The sorted distinct values of `values` (numbers ascending, or strings by code point); mixing is an error. */
export function uniqueSorted(op: string, values: readonly Category[]): Category[] {
  const uniq = [...new Set(values)];
  const nums = uniq.filter((v) => typeof v === "number").length;
  if (nums !== 0 && nums !== uniq.length) {
    throw new ValueError(`${op}: a column mixes numbers and strings (${JSON.stringify(uniq.slice(0, 4))}...); convert them to one type first.`);
  }
  if (uniq.some((v) => typeof v === "number" && Number.isNaN(v))) {
    throw new ValueError(`${op}: NaN is not a category; fill or drop missing values first.`);
  }
  return nums ? (uniq as number[]).sort((a, b) => a - b) : (uniq as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A 1-D tensor or array as a list of categories. */
export function categoryList(op: string, y: Tensor | readonly Category[]): Category[] {
  if (y instanceof Tensor) {
    if (y.ndim !== 1) throw new ValueError(`${op}: expected a 1-D tensor of labels, got shape [${y.shape}]; use y.flatten() for a column.`);
    return y.toFlatArray();
  }
  return [...y];
}

/** A `[N, F]` tensor or an array of rows as F columns of categories. */
export function categoryColumns(op: string, x: Tensor | readonly (readonly Category[])[]): Category[][] {
  if (x instanceof Tensor) {
    if (x.ndim !== 2) throw new ValueError(`${op}: expected a 2-D [samples, features] tensor, got shape [${x.shape}]; for one feature use x.reshape([-1, 1]).`);
    const [n, f] = x.shape as [number, number];
    const flat = x.dataSync();
    return Array.from({ length: f }, (_, j) => Array.from({ length: n }, (_, i) => flat[i * f + j]!));
  }
  if (x.length === 0) return [];
  const f = x[0]!.length;
  x.forEach((row, i) => {
    if (row.length !== f) throw new ValueError(`${op}: row ${i} has ${row.length} values but row 0 has ${f}.`);
  });
  return Array.from({ length: f }, (_, j) => x.map((row) => row[j]!));
}

/** Index lookup for a sorted category list. */
export const indexMap = (cats: readonly Category[]): Map<Category, number> => new Map(cats.map((c, i) => [c, i]));
