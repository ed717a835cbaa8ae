/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a 4-byte magic number `0x00 0x00 TYPE NDIM`,
 * then NDIM big-endian uint32 sizes, then the values big-endian in row-major order. TYPE is 0x08 uint8,
 * 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32 or 0x0E float64. Files are often gzipped (`.gz`);
 * `readIdx` unzips them with node:zlib.
 *
 * ```ts
 * const images = await readIdx("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"); // int32 [10000, 28, 28]
 * const { x, y } = await loadFashionMnist({ split: "test" });  // x float32 [10000, 784] in [0, 1], y int32
 * ```
 */
import { ValueError } from "../errors.js";
import type { DType } from "../dtype.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";

/** An IDX element type. */
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

const CODES: Record<number, [IdxType, number]> = {
  0x08: ["uint8", 1], 0x09: ["int8", 1], 0x0b: ["int16", 2], 0x0c: ["int32", 4], 0x0d: ["float32", 4], 0x0e: ["float64", 8],
};
const TYPE_CODE: Record<IdxType, number> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };

/** A decoded IDX file: its shape, element type and values (host-endian). */
export interface IdxArray {
  shape: number[];
  type: IdxType;
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** True for gzip data (magic bytes 0x1f 0x8b). */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * Decodes an (uncompressed) IDX file, validating the magic number, the type code, the header length and
 * that the data size is exactly the product of the sizes.
 * ```ts
 * parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9])); // { shape: [2], type: "uint8", data: [7, 9] }
 * ```
 */
export function parseIdx(bytes: Uint8Array, { source = "parseIdx" }: { source?: string } = {}): IdxArray {
  if (isGzip(bytes)) throw new ValueError(`${source}: the data is gzip-compressed; use readIdx (which unzips it) or gunzip it first.`);
  if (bytes.length < 4) throw new ValueError(`${source}: ${bytes.length} bytes is too short for an IDX file (the magic number alone is 4 bytes).`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ValueError(
      `${source}: bad magic number 0x${hex(bytes, 0, 4)}; an IDX file starts with 0x0000 then a type byte and a dimension count ` +
        "(e.g. 0x00000803 for MNIST images). Is this the right file?",
    );
  }
  const code = CODES[bytes[2]!];
  if (!code) throw new ValueError(`${source}: unknown IDX type code 0x${bytes[2]!.toString(16).padStart(2, "0")}; known: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.`);
  const [type, width] = code;
  const ndim = bytes[3]!;
  const headerLen = 4 + 4 * ndim;
  if (bytes.length < headerLen) throw new ValueError(`${source}: truncated header: ${ndim} dimensions need ${headerLen} bytes, the file has ${bytes.length}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, k) => view.getUint32(4 + 4 * k, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerLen + count * width;
  if (bytes.length !== expected) {
    throw new ValueError(
      `${source}: the header says shape [${shape}] of ${type} (${count * width} data bytes, ${expected} in all) but the file has ${bytes.length} bytes` +
        (bytes.length < expected ? " — it is truncated." : " — it has trailing bytes."),
    );
  }
  return { shape, type, data: readValues(view, headerLen, count, type) };
}

function readValues(view: DataView, at: number, n: number, type: IdxType): IdxArray["data"] {
  switch (type) {
    case "uint8": return new Uint8Array(view.buffer, view.byteOffset + at, n).slice();
    case "int8": return new Int8Array(view.buffer, view.byteOffset + at, n).slice();
    case "int16": { const a = new Int16Array(n); for (let i = 0; i < n; i++) a[i] = view.getInt16(at + 2 * i, false); return a; }
    case "int32": { const a = new Int32Array(n); for (let i = 0; i < n; i++) a[i] = view.getInt32(at + 4 * i, false); return a; }
    case "float32": { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = view.getFloat32(at + 4 * i, false); return a; }
    case "float64": { const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = view.getFloat64(at + 8 * i, false); return a; }
  }
}

const hex = (b: Uint8Array, from: number, to: number): string => Array.from(b.subarray(from, to), (v) => v.toString(16).padStart(2, "0")).join("");

/**
 * Encodes values as an IDX file (the inverse of parseIdx).
 * ```ts
 * encodeIdx(new Uint8Array([7, 9]), [2]); // Uint8Array [0, 0, 8, 1, 0, 0, 0, 2, 7, 9]
 * ```
 */
export function encodeIdx(data: ArrayLike<number>, shape: readonly number[], type: IdxType = "uint8"): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new ValueError(`encodeIdx: shape [${shape}] holds ${count} values but data has ${data.length}.`);
  if (shape.length > 255) throw new ValueError(`encodeIdx: IDX allows at most 255 dimensions, got ${shape.length}.`);
  const width = CODES[TYPE_CODE[type]]![1];
  const headerLen = 4 + 4 * shape.length;
  const out = new Uint8Array(headerLen + count * width);
  const view = new DataView(out.buffer);
  out[2] = TYPE_CODE[type];
  out[3] = shape.length;
  shape.forEach((s, k) => view.setUint32(4 + 4 * k, s, false));
  for (let i = 0; i < count; i++) {
    const v = data[i]!, at = headerLen + i * width;
    switch (type) {
      case "uint8": view.setUint8(at, v); break;
      case "int8": view.setInt8(at, v); break;
      case "int16": view.setInt16(at, v, false); break;
      case "int32": view.setInt32(at, v, false); break;
      case "float32": view.setFloat32(at, v, false); break;
      case "float64": view.setFloat64(at, v, false); break;
    }
  }
  return out;
}

/** The tensor dtype an IDX type reads as by default: integers → int32, floats keep their width. */
export const idxDType = (t: IdxType): DType => (t === "float32" ? "float32" : t === "float64" ? "float64" : "int32");

/** An IdxArray as a tensor of `dtype` (default idxDType), its values multiplied by `scale` (e.g. 1/255). */
export function idxToTensor(idx: IdxArray, { dtype = idxDType(idx.type), scale = 1 }: { dtype?: DType; scale?: number } = {}): Tensor {
  const n = idx.data.length;
  const arr = dtype === "float64" ? new Float64Array(n) : dtype === "float32" ? new Float32Array(n) : dtype === "int32" ? new Int32Array(n) : new Uint8Array(n);
  if (scale === 1) arr.set(idx.data);
  else for (let i = 0; i < n; i++) arr[i] = idx.data[i]! * scale;
  return tensor(arr, { shape: idx.shape, dtype });
}

/** Reads a file's bytes with node:fs, with an error naming the path when it is missing. */
async function readBytes(path: string, op: string): Promise<Uint8Array> {
  const fs = await import("node:fs");
  try {
    return new Uint8Array(await fs.promises.readFile(path));
  } catch (e) {
    throw new ValueError(`${op}: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

/** Decompresses gzip data with node:zlib. */
export async function gunzip(bytes: Uint8Array, { source = "gunzip" }: { source?: string } = {}): Promise<Uint8Array> {
  const zlib = await import("node:zlib");
  try {
    return new Uint8Array(zlib.gunzipSync(bytes));
  } catch (e) {
    throw new ValueError(`${source}: the gzip data is corrupt or truncated (${(e as Error).message}).`);
  }
}

/**
 * Reads an IDX file (a path, or its bytes), gzipped or not, as an IdxArray; `readIdx` gives a tensor.
 */
export async function readIdxArray(source: string | Uint8Array): Promise<IdxArray> {
  const name = typeof source === "string" ? source : "readIdx";
  let bytes = typeof source === "string" ? await readBytes(source, "readIdx") : source;
  if (isGzip(bytes)) bytes = await gunzip(bytes, { source: name });
  return parseIdx(bytes, { source: name });
}

/**
 * Reads an IDX file (a path, or its bytes; gzipped or not) as a tensor.
 * ```ts
 * const labels = await readIdx("train-labels-idx1-ubyte.gz"); // int32 [60000]
 * const images = await readIdx("train-images-idx3-ubyte.gz", { dtype: "float32", scale: 1 / 255 });
 * ```
 */
export async function readIdx(source: string | Uint8Array, opts: { dtype?: DType; scale?: number } = {}): Promise<Tensor> {
  return idxToTensor(await readIdxArray(source), opts);
}

/** Where Debian's `dataset-fashion-mnist` package puts the files. */
export const FASHION_MNIST_DIRS = ["/usr/share/datasets/fashion-mnist"];

/** The four Fashion-MNIST files. */
export interface FashionMnistFiles {
  dir: string;
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/** Fashion-MNIST's ten class names, in label order. */
export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/**
 * Finds the Fashion-MNIST IDX files (gzipped or not): in `dirs` (default: `$FASHION_MNIST_DIR`, then
 * Debian's `/usr/share/datasets/fashion-mnist`). Throws, saying how to install them, when absent.
 * ```ts
 * const files = await findFashionMnist(); // { dir, trainImages, trainLabels, testImages, testLabels }
 * ```
 */
export async function findFashionMnist({ dirs }: { dirs?: string[] } = {}): Promise<FashionMnistFiles> {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const env = typeof process !== "undefined" ? process.env.FASHION_MNIST_DIR : undefined;
  const candidates = dirs ?? [...(env ? [env] : []), ...FASHION_MNIST_DIRS];
  const stems = { trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte", testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte" };
  for (const dir of candidates) {
    const found: Partial<FashionMnistFiles> = { dir };
    for (const [key, stem] of Object.entries(stems)) {
      const hit = [`${stem}.gz`, stem].map((f) => path.join(dir, f)).find((p) => fs.existsSync(p));
      if (hit) found[key as keyof typeof stems] = hit;
    }
    if (Object.keys(stems).every((k) => found[k as keyof typeof stems])) return found as FashionMnistFiles;
  }
  throw new ValueError(
    `findFashionMnist: the Fashion-MNIST files are not in ${candidates.join(" or ")}. ` +
      "Install them with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or put the four " +
      "*-idx?-ubyte(.gz) files from https://github.com/zalandoresearch/fashion-mnist in a folder and set FASHION_MNIST_DIR.",
  );
}

/**
 * Loads a Fashion-MNIST split: `x` float32 `[N, 784]` (or `[N, 1, 28, 28]` with `flatten: false`), pixels
 * scaled to [0, 1] unless `normalize: false`; `y` int32 `[N]` in 0..9.
 * ```ts
 * const train = await loadFashionMnist();                  // 60,000 images
 * const test = await loadFashionMnist({ split: "test" });  // 10,000 images
 * ```
 */
export async function loadFashionMnist({ split = "train", flatten = true, normalize = true, dirs }: { split?: "train" | "test"; flatten?: boolean; normalize?: boolean; dirs?: string[] } = {}): Promise<{ x: Tensor; y: Tensor; classNames: string[] }> {
  const files = await findFashionMnist({ dirs });
  const [images, labels] = await Promise.all([
    readIdxArray(split === "train" ? files.trainImages : files.testImages),
    readIdxArray(split === "train" ? files.trainLabels : files.testLabels),
  ]);
  if (images.shape.length !== 3 || labels.shape.length !== 1 || images.shape[0] !== labels.shape[0]) {
    throw new ValueError(`loadFashionMnist: expected images [N, 28, 28] and labels [N], got [${images.shape}] and [${labels.shape}].`);
  }
  const [n, h, w] = images.shape as [number, number, number];
  const x = idxToTensor(images, { dtype: "float32", scale: normalize ? 1 / 255 : 1 }).reshape(flatten ? [n, h * w] : [n, 1, h, w]);
  return { x, y: idxToTensor(labels, { dtype: "int32" }), classNames: [...FASHION_MNIST_CLASSES] };
}
