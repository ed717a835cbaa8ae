/** Op and dtype codes shared with the AssemblyScript kernels (assembly/*.ts); keep both sides in sync. */
import type { DType } from "../../dtype.js";
import type { BinaryOp, ReduceOp, UnaryOp } from "../backend.js";

export const UNARY_CODE: Record<UnaryOp, number> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, sign: 5, sin: 6, cos: 7, tanh: 8, recip: 9,
  floor: 10, ceil: 11, round: 12, erf: 13, expm1: 14, log1p: 15, sigmoid: 16, logicalNot: 17, relu: 18,
};

export const BINARY_CODE: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6,
  eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
  tanhGrad: 13, sigmoidGrad: 14, reluGrad: 15,
};

export const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3, argmax: 4, argmin: 5 };

/** dtype codes of `convert` in assembly/copy.ts. */
export const DTYPE_CODE: Record<DType, number> = { float32: 0, float64: 1, int32: 2, bool: 3 };

/** Bytes per element of each dtype's storage. */
export const ELEM_BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

export const isComparison = (op: BinaryOp): boolean => BINARY_CODE[op] >= BINARY_CODE.eq && BINARY_CODE[op] <= BINARY_CODE.ge;
