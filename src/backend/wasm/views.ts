/**
 * View arithmetic for the wasm kernels: merging dims so that most broadcast views become a 1-D or 2-D
 * strided grid that a single SIMD kernel call can walk.
 */

export interface Coalesced {
  shape: number[];
  /** strides[k] are operand k's element strides over `shape`. */
  strides: number[][];
}

/**
 * Drops size-1 dims and merges neighbouring dims d, d+1 wherever every operand has
 * stride[d] = stride[d+1]·shape[d+1] (so the pair walks memory like one dim).
 * `coalesce([2, 3, 4], [[12, 4, 1], [0, 0, 1]])` → shape [6, 4], strides [[4, 1], [0, 1]].
 */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): Coalesced {
  // Plain loops (no closures): this runs on every broadcast kernel call, so W4-sized ops feel its cost.
  const k = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let j = 0; j < k; j++) outStrides.push([]);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let j = 0; merge && j < k; j++) if (outStrides[j]![last] !== strides[j]![d]! * n) merge = false;
    if (merge) {
      outShape[last]! *= n;
      for (let j = 0; j < k; j++) outStrides[j]![last] = strides[j]![d]!;
    } else {
      outShape.push(n);
      for (let j = 0; j < k; j++) outStrides[j]!.push(strides[j]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** The coalesced grid as (rows, cols) with each operand's (row stride, col stride), when it has ≤ 2 dims. */
export function asGrid(c: Coalesced): { rows: number; cols: number; rs: number[]; cs: number[] } | null {
  const nd = c.shape.length;
  if (nd > 2) return null;
  if (nd === 0) return { rows: 1, cols: 1, rs: c.strides.map(() => 0), cs: c.strides.map(() => 0) };
  if (nd === 1) return { rows: 1, cols: c.shape[0]!, rs: c.strides.map(() => 0), cs: c.strides.map((s) => s[0]!) };
  return { rows: c.shape[0]!, cols: c.shape[1]!, rs: c.strides.map((s) => s[0]!), cs: c.strides.map((s) => s[1]!) };
}
