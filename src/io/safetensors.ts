/**
 * The safetensors weight format (https://github.com/huggingface/safetensors), read and written without
 * dependencies. `serializeSafetensors` / `parseSafetensors` work on bytes (browser and Node);
 * `saveSafetensors` / `loadSafetensors` add files (Node; atomic writes).
 *
 * Layout: an 8-byte little-endian u64 N; N bytes of UTF-8 JSON
 * `{"__metadata__":{...},"name":{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]},...}` padded with
 * spaces so the data starts 8-byte aligned; then the data buffer, each tensor row-major little-endian at its
 * offsets (relative to the buffer start), tensors back to back with no gaps or overlaps.
 *
 * Writing follows the reference implementation byte for byte: tensors ordered by dtype size (F64, F32, I32,
 * BOOL: every tensor is aligned to its element size), then by name (UTF-8 byte order); the header lists them
 * in that order, `__metadata__` first (keys sorted, since upstream's are in hash order); compact JSON.
 */
import { type DType, type TypedArray } from "../dtype.js";
import { NablaError, fmtShape } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { Tensor } from "../tensor.js";

/** A corrupt, truncated or unsupported safetensors file, or tensors that cannot be written. */
export class SafetensorsError extends NablaError {
  override name = "SafetensorsError";
}

/** Every dtype of the safetensors spec, in the reference implementation's order (increasing alignment). */
export const SAFETENSORS_DTYPES = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"] as const;
export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

const ITEM_SIZE: Record<SafetensorsDType, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
const FILE_DTYPE: Record<DType, SafetensorsDType> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };

/** The reference implementation refuses headers above 100 MB; so do we (a corrupt length would allocate absurdly). */
export const MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

/** Result of {@link parseSafetensors}. */
export interface ParsedSafetensors {
  tensors: Record<string, Tensor>;
  /** The `__metadata__` map ({} when the file has none). */
  metadata: Record<string, string>;
}

// ------------------------------------------------------------------ writing

/** Compares strings by their UTF-8 bytes, as Rust's `str::cmp` (JavaScript's `<` compares UTF-16 units). */
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a), y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

interface Planned {
  name: string;
  tensor: Tensor;
  dtype: SafetensorsDType;
  begin: number;
  end: number;
}

function plan(tensors: Record<string, Tensor>, metadata?: Record<string, string>): { header: Uint8Array; entries: Planned[]; total: number } {
  const op = "serializeSafetensors";
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw new SafetensorsError(`${op}: tensors["${name}"] is ${t === null ? "null" : typeof t}, not a Tensor.`);
    if (name === "__metadata__") throw new SafetensorsError(`${op}: "__metadata__" is reserved for the metadata map; rename that tensor.`);
  }
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new SafetensorsError(`${op}: metadata["${k}"] is ${typeof v}; safetensors metadata values must be strings (use JSON.stringify).`);
    }
  }
  const rank = (t: Tensor) => SAFETENSORS_DTYPES.indexOf(FILE_DTYPE[t.dtype]);
  const sorted = names.sort((a, b) => rank(tensors[b]!) - rank(tensors[a]!) || compareUtf8(a, b));
  let offset = 0;
  const entries = sorted.map((name) => {
    const t = tensors[name]!;
    const dtype = FILE_DTYPE[t.dtype];
    const begin = offset;
    offset += t.size * ITEM_SIZE[dtype];
    return { name, tensor: t, dtype, begin, end: offset };
  });
  const parts: string[] = [];
  if (metadata !== undefined) {
    const sortedMeta = Object.fromEntries(Object.keys(metadata).sort(compareUtf8).map((k) => [k, metadata[k]]));
    parts.push(`"__metadata__":${JSON.stringify(sortedMeta)}`);
  }
  for (const e of entries) {
    parts.push(`${JSON.stringify(e.name)}:{"dtype":"${e.dtype}","shape":[${e.tensor.shape.join(",")}],"data_offsets":[${e.begin},${e.end}]}`);
  }
  const json = utf8.encode(`{${parts.join(",")}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const header = new Uint8Array(8 + n).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(n), true);
  header.set(json, 8);
  return { header, entries, total: 8 + n + offset };
}

/** The row-major little-endian bytes of a tensor. */
function tensorBytes(t: Tensor): Uint8Array {
  const arr: TypedArray = t.dataSync();
  if (arr.length !== t.size) throw new SafetensorsError(`serializeSafetensors: reading a tensor of shape ${fmtShape(t.shape)} gave ${arr.length} elements, expected ${t.size}.`);
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  if (LITTLE_ENDIAN || arr.BYTES_PER_ELEMENT === 1) return bytes;
  const out = new Uint8Array(bytes.length); // big-endian host: swap each element's bytes
  const w = arr.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += w) for (let k = 0; k < w; k++) out[i + k] = bytes[i + w - 1 - k]!;
  return out;
}

/**
 * The file's bytes as chunks: the header (with its length prefix), then each tensor's data, read from the
 * tensor only when its chunk is requested. Everything is validated before the first chunk. Used by
 * {@link saveSafetensors} to write large models without a second full copy in memory.
 */
export function* safetensorsChunks(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Generator<Uint8Array> {
  const { header, entries } = plan(tensors, metadata);
  yield header;
  for (const e of entries) yield tensorBytes(e.tensor);
}

/**
 * Serializes tensors (float32 → F32, float64 → F64, int32 → I32, bool → BOOL) and an optional string map of
 * metadata into safetensors bytes, byte-identical to what the reference implementation writes. Views are
 * written as their logical (row-major) values.
 * ```ts
 * const bytes = serializeSafetensors({ weight: tensor([[1, 2], [3, 4]]), bias: tensor([0.5, -0.5]) }, { format: "pt" });
 * const back = parseSafetensors(bytes);
 * console.log(back.tensors.weight.toArray(), back.metadata); // [[1,2],[3,4]] { format: "pt" }
 * ```
 */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const { header, entries, total } = plan(tensors, metadata);
  const out = new Uint8Array(total);
  out.set(header, 0);
  for (const e of entries) out.set(tensorBytes(e.tensor), header.length + e.begin);
  return out;
}

// ------------------------------------------------------------------ reading

/** Names of the top-level keys of a well-formed JSON object, in order, duplicates included (JSON.parse keeps only the last). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === "\\" ? 2 : 1;
      if (depth === 1) {
        let k = j + 1;
        while (json[k] === " " || json[k] === "\n" || json[k] === "\r" || json[k] === "\t") k++;
        if (json[k] === ":") keys.push(JSON.parse(json.slice(i, j + 1)) as string);
      }
      i = j;
    } else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
  }
  return keys;
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

const isCount = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

function readEntry(name: string, info: unknown, op: string): Entry {
  const where = `${op}: tensor "${name}"`;
  if (typeof info !== "object" || info === null || Array.isArray(info)) throw new SafetensorsError(`${where}: its header entry must be an object with dtype, shape and data_offsets, got ${JSON.stringify(info)}.`);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== "string" || !(SAFETENSORS_DTYPES as readonly string[]).includes(dtype)) {
    throw new SafetensorsError(`${where} has unknown dtype ${JSON.stringify(dtype)}; safetensors dtypes are ${SAFETENSORS_DTYPES.join(", ")}.`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new SafetensorsError(`${where} has an invalid shape ${JSON.stringify(shape)}; expected an array of non-negative integers.`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new SafetensorsError(`${where} has invalid data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end.`);
  }
  return { name, dtype: dtype as SafetensorsDType, shape, begin: offsets[0], end: offsets[1] };
}

/** Reads `count` elements of a file dtype from little-endian bytes into nabla's storage type. */
function decode(e: Entry, bytes: Uint8Array, count: number, op: string): { data: TypedArray; dtype: DType } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const native = <T extends TypedArray>(make: (buf: ArrayBuffer) => T, get: (i: number) => number, out: () => T): T => {
    if (LITTLE_ENDIAN) return make(bytes.slice().buffer); // slice(): a fresh, aligned copy
    const o = out();
    for (let i = 0; i < count; i++) o[i] = get(i);
    return o;
  };
  const ints = (get: (i: number) => number | bigint): Int32Array => {
    const o = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const v = get(i);
      if (v < -2147483648 || v > 2147483647) {
        throw new SafetensorsError(`${op}: tensor "${e.name}" (${e.dtype}) holds ${v} at element ${i}, which does not fit int32, nabla's integer type.`);
      }
      o[i] = Number(v);
    }
    return o;
  };
  const floats = (get: (i: number) => number): Float32Array => Float32Array.from({ length: count }, (_, i) => get(i));
  switch (e.dtype) {
    case "F32": return { dtype: "float32", data: native((b) => new Float32Array(b), (i) => view.getFloat32(i * 4, true), () => new Float32Array(count)) };
    case "F64": return { dtype: "float64", data: native((b) => new Float64Array(b), (i) => view.getFloat64(i * 8, true), () => new Float64Array(count)) };
    case "I32": return { dtype: "int32", data: native((b) => new Int32Array(b), (i) => view.getInt32(i * 4, true), () => new Int32Array(count)) };
    case "BOOL": return { dtype: "bool", data: Uint8Array.from(bytes, (b) => (b ? 1 : 0)) };
    case "F16": return { dtype: "float32", data: floats((i) => halfToFloat(view.getUint16(i * 2, true))) };
    case "BF16": return { dtype: "float32", data: floats((i) => bfloat16ToFloat(view.getUint16(i * 2, true))) };
    case "U8": return { dtype: "int32", data: ints((i) => view.getUint8(i)) };
    case "I8": return { dtype: "int32", data: ints((i) => view.getInt8(i)) };
    case "I16": return { dtype: "int32", data: ints((i) => view.getInt16(i * 2, true)) };
    case "U16": return { dtype: "int32", data: ints((i) => view.getUint16(i * 2, true)) };
    case "U32": return { dtype: "int32", data: ints((i) => view.getUint32(i * 4, true)) };
    case "I64": return { dtype: "int32", data: ints((i) => view.getBigInt64(i * 8, true)) };
    case "U64": return { dtype: "int32", data: ints((i) => view.getBigUint64(i * 8, true)) };
    case "F8_E5M2":
    case "F8_E4M3":
      throw new SafetensorsError(`${op}: tensor "${e.name}" has dtype ${e.dtype}, which nabla cannot hold; convert it to F16 or F32 before saving.`);
  }
}

/** IEEE half precision bits → number (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal (and ±0)
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** bfloat16 bits → number: the upper half of a float32 (exact). */
export function bfloat16ToFloat(b: number): number {
  u32[0] = b << 16;
  return f32[0]!;
}

/**
 * Parses safetensors bytes into tensors and metadata, validating everything first: the length prefix, the
 * header's UTF-8 and JSON, duplicate names, dtypes, shapes, offsets (in bounds, no overlap, no gap, covering
 * the whole buffer) and that each tensor's bytes are shape × element size. Errors are SafetensorsError.
 *
 * F32, F64, I32 and BOOL load as float32, float64, int32 and bool; F16 and BF16 as float32 (exactly);
 * U8, I8, I16, U16 as int32; U32, I64, U64 as int32 when every value fits (PyTorch's int64 labels and
 * counters usually do), else an error. F8 types are refused.
 * ```ts
 * const { tensors, metadata } = parseSafetensors(serializeSafetensors({ x: tensor([1, 2, 3]) }));
 * console.log(tensors.x.toArray(), metadata); // [1,2,3] {}
 * ```
 */
export function parseSafetensors(data: Uint8Array | ArrayBuffer): ParsedSafetensors {
  const op = "parseSafetensors";
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 8) {
    throw new SafetensorsError(`${op}: the data is ${bytes.length} bytes, shorter than the 8-byte header length that starts a safetensors file; it is empty or truncated.`);
  }
  const nBig = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (nBig > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(`${op}: the header length prefix says ${nBig} bytes, more than the ${MAX_HEADER_BYTES}-byte limit; this is not a safetensors file, or its first 8 bytes are corrupt.`);
  }
  const n = Number(nBig);
  if (8 + n > bytes.length) {
    throw new SafetensorsError(`${op}: the header length prefix says ${n} bytes, but only ${bytes.length - 8} bytes follow it; the file is truncated or its first 8 bytes are corrupt.`);
  }
  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError(`${op}: the ${n}-byte header is not valid UTF-8; the file is corrupt.`);
  }
  let header: unknown;
  try {
    header = JSON.parse(json);
  } catch (e) {
    throw new SafetensorsError(`${op}: the ${n}-byte header is not valid JSON (${(e as Error).message}); the file is corrupt or not safetensors.`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new SafetensorsError(`${op}: the header must be a JSON object of tensors, got ${Array.isArray(header) ? "an array" : JSON.stringify(header)}.`);
  }
  const seen = new Set<string>();
  for (const k of topLevelKeys(json)) {
    if (seen.has(k)) throw new SafetensorsError(`${op}: the header names "${k}" twice; tensor names must be unique.`);
    seen.add(k);
  }

  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof info !== "object" || info === null || Array.isArray(info) || !Object.values(info).every((v) => typeof v === "string")) {
        throw new SafetensorsError(`${op}: "__metadata__" must map strings to strings, got ${JSON.stringify(info)}.`);
      }
      metadata = { ...(info as Record<string, string>) };
      continue;
    }
    entries.push(readEntry(name, info, op));
  }

  const bufferStart = 8 + n;
  const bufferLength = bytes.length - bufferStart;
  for (const e of entries) {
    if (e.end > bufferLength) {
      throw new SafetensorsError(`${op}: tensor "${e.name}" has data_offsets [${e.begin},${e.end}], beyond the ${bufferLength}-byte data buffer; the file is truncated.`);
    }
    const count = e.shape.reduce((a, b) => a * b, 1);
    const need = count * ITEM_SIZE[e.dtype];
    if (!Number.isSafeInteger(need) || need !== e.end - e.begin) {
      throw new SafetensorsError(`${op}: tensor "${e.name}" has shape ${fmtShape(e.shape)} of ${e.dtype} (${need} bytes), but its data_offsets [${e.begin},${e.end}] span ${e.end - e.begin} bytes.`);
    }
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let prev: Entry | undefined;
  for (const e of byOffset) {
    if (e.begin < covered) {
      throw new SafetensorsError(`${op}: tensors "${prev!.name}" [${prev!.begin},${prev!.end}] and "${e.name}" [${e.begin},${e.end}] overlap in the data buffer.`);
    }
    if (e.begin > covered) {
      throw new SafetensorsError(`${op}: bytes ${covered}..${e.begin} of the data buffer belong to no tensor (a gap before "${e.name}"); the header is inconsistent.`);
    }
    covered = e.end;
    prev = e;
  }
  if (covered !== bufferLength) {
    throw new SafetensorsError(`${op}: the data buffer has ${bufferLength} bytes but the tensors cover ${covered}; ${bufferLength - covered} trailing bytes belong to no tensor.`);
  }

  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    const count = e.shape.reduce((a, b) => a * b, 1);
    const { data: arr, dtype } = decode(e, bytes.subarray(bufferStart + e.begin, bufferStart + e.end), count, op);
    tensors[e.name] = tensor(arr, { shape: e.shape, dtype });
  }
  return { tensors, metadata };
}

// ------------------------------------------------------------------ files (Node)

/**
 * Writes tensors to a safetensors file atomically (temp file, fsync, rename): on any error the previous file
 * is left as it was. Node only (the import of node:fs happens on call, so this module loads in browsers).
 * ```ts
 * await saveSafetensors("weights.safetensors", model.stateDict(), { epoch: "3" });
 * ```
 */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  const { writeFileAtomic } = await import("./atomic-write.js");
  await writeFileAtomic(path, () => safetensorsChunks(tensors, metadata));
}

/**
 * Reads and validates a safetensors file (see {@link parseSafetensors}); errors name the path. Node only.
 * ```ts
 * const { tensors, metadata } = await loadSafetensors("weights.safetensors");
 * ```
 */
export async function loadSafetensors(path: string): Promise<ParsedSafetensors> {
  const { readFile } = await import("node:fs/promises");
  const bytes = await readFile(path);
  try {
    return parseSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    if (e instanceof SafetensorsError) throw new SafetensorsError(`${path}: ${e.message}`);
    throw e;
  }
}
