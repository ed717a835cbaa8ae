/**
 * The IDX format's pieces shared by the whole-buffer reader (`parseIdx`) and the streaming one
 * (`IdxDecoder`): type codes, header validation with its errors, big-endian value decoding, and the
 * conversion to a tensor dtype. A file is a 4-byte magic number `0x00 0x00 TYPE NDIM`, NDIM big-endian
 * uint32 sizes, then the values big-endian in row-major order.
 */
import { ValueError } from "../errors.js";
import { allocArray, type DType, type TypedArray } from "../dtype.js";

/** An IDX element type. */
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

/** Values of an IDX type, host-endian. */
export type IdxValues = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export const CODES: Record<number, [IdxType, number]> = {
  0x08: ["uint8", 1], 0x09: ["int8", 1], 0x0b: ["int16", 2], 0x0c: ["int32", 4], 0x0d: ["float32", 4], 0x0e: ["float64", 8],
};
export const TYPE_CODE: Record<IdxType, number> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };

/** A validated IDX header. */
export interface IdxHeader {
  shape: number[];
  type: IdxType;
  /** Bytes per value. */
  width: number;
  /** Bytes of the header (4 + 4·ndim). */
  headerLen: number;
  /** Values in the file (the product of the sizes). */
  count: number;
}

const hex = (b: Uint8Array, from: number, to: number): string => Array.from(b.subarray(from, to), (v) => v.toString(16).padStart(2, "0")).join("");

/** The header length that the first 4 bytes announce, after checking the magic number and type code. */
export function headerLength(bytes: Uint8Array, source: string): number {
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ValueError(
      `${source}: bad magic number 0x${hex(bytes, 0, 4)}; an IDX file starts with 0x0000 then a type byte and a dimension count ` +
        "(e.g. 0x00000803 for MNIST images). Is this the right file?",
    );
  }
  if (!CODES[bytes[2]!]) throw new ValueError(`${source}: unknown IDX type code 0x${bytes[2]!.toString(16).padStart(2, "0")}; known: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.`);
  return 4 + 4 * bytes[3]!;
}

/** The error for a file too short to hold its magic number or its header (`total` bytes in all). */
export function shortFileError(total: number, bytes: Uint8Array, source: string): ValueError {
  if (total < 4) return new ValueError(`${source}: ${total} bytes is too short for an IDX file (the magic number alone is 4 bytes).`);
  return new ValueError(`${source}: truncated header: ${bytes[3]} dimensions need ${headerLength(bytes, source)} bytes, the file has ${total}.`);
}

/** Decodes a header from its complete bytes (at least headerLength). */
export function parseHeader(bytes: Uint8Array, source: string): IdxHeader {
  const headerLen = headerLength(bytes, source);
  const [type, width] = CODES[bytes[2]!]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerLen);
  const shape = Array.from({ length: bytes[3]! }, (_, k) => view.getUint32(4 + 4 * k, false));
  const count = shape.reduce((a, b) => a * b, 1);
  return { shape, type, width, headerLen, count };
}

/** Throws unless the file's `total` bytes are exactly what the header announces. */
export function checkFileSize(h: IdxHeader, total: number, source: string): void {
  const expected = h.headerLen + h.count * h.width;
  if (total !== expected) {
    throw new ValueError(
      `${source}: the header says shape [${h.shape}] of ${h.type} (${h.count * h.width} data bytes, ${expected} in all) but the file has ${total} bytes` +
        (total < expected ? " — it is truncated." : " — it has trailing bytes."),
    );
  }
}

/**
 * `n` big-endian values of `type` at byte `at` of `view`, host-endian: in `into` (its first n elements,
 * an array of the type's own kind) when given, else in a fresh array.
 */
export function readValues(view: DataView, at: number, n: number, type: IdxType, into?: IdxValues): IdxValues {
  const a = into !== undefined ? into.subarray(0, n) : newValues(type, n);
  switch (type) {
    case "uint8": (a as Uint8Array).set(new Uint8Array(view.buffer, view.byteOffset + at, n)); break;
    case "int8": (a as Int8Array).set(new Int8Array(view.buffer, view.byteOffset + at, n)); break;
    case "int16": for (let i = 0; i < n; i++) a[i] = view.getInt16(at + 2 * i, false); break;
    case "int32": for (let i = 0; i < n; i++) a[i] = view.getInt32(at + 4 * i, false); break;
    case "float32": for (let i = 0; i < n; i++) a[i] = view.getFloat32(at + 4 * i, false); break;
    case "float64": for (let i = 0; i < n; i++) a[i] = view.getFloat64(at + 8 * i, false); break;
  }
  return a;
}

/** A zero-filled array of n values of an IDX type. */
export function newValues(type: IdxType, n: number): IdxValues {
  switch (type) {
    case "uint8": return new Uint8Array(n);
    case "int8": return new Int8Array(n);
    case "int16": return new Int16Array(n);
    case "int32": return new Int32Array(n);
    case "float32": return new Float32Array(n);
    case "float64": return new Float64Array(n);
  }
}

/** The tensor dtype an IDX type reads as by default: integers → int32, floats keep their width. */
export const idxDType = (t: IdxType): DType => (t === "float32" ? "float32" : t === "float64" ? "float64" : "int32");

/**
 * Values as the storage array of `dtype`, each multiplied by `scale` (in float64, then stored as typed-array
 * assignment stores: 255 · (1/255) is exactly 1 in float32): in `into` (its first n elements, an array of
 * the dtype's storage type) when given, else in a fresh array.
 */
export function convertValues(values: IdxValues, dtype: DType, scale: number, into?: TypedArray): TypedArray {
  const n = values.length;
  const out = into !== undefined ? into.subarray(0, n) : allocArray(dtype, n);
  if (scale === 1) out.set(values);
  else for (let i = 0; i < n; i++) out[i] = values[i]! * scale;
  return out;
}
