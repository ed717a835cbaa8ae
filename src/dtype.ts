/**
 * Element types. float32 is the default; float64 is for gradient checks and reference maths; int32 holds
 * labels and indices; bool is what comparisons return (stored as bytes).
 */
export type DType = "float32" | "float64" | "int32" | "bool";

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export interface TypedArrayFor {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

/** Allocates a zero-filled typed array of the dtype's storage type. */
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32": return new Float32Array(size);
    case "float64": return new Float64Array(size);
    case "int32": return new Int32Array(size);
    case "bool": return new Uint8Array(size);
  }
}

/** The dtype whose storage type `arr` is. */
export function dtypeOfArray(arr: TypedArray): DType {
  if (arr instanceof Float32Array) return "float32";
  if (arr instanceof Float64Array) return "float64";
  if (arr instanceof Int32Array) return "int32";
  return "bool";
}

export const isFloat = (d: DType): boolean => d === "float32" || d === "float64";

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Type promotion for binary ops, as PyTorch: bool < int32 < float32 < float64. */
export const promoteTypes = (a: DType, b: DType): DType => (RANK[a] >= RANK[b] ? a : b);

/** The float dtype an op like `exp` or `div` computes in: floats stay, int32/bool become float32. */
export const toFloat = (d: DType): DType => (isFloat(d) ? d : "float32");
