/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a 4-byte magic number `0x00 0x00 TYPE NDIM`,
 * then NDIM big-endian uint32 sizes, then the values big-endian in row-major order. TYPE is 0x08 uint8,
 * 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32 or 0x0E float64. Files are often gzipped (`.gz`);
 * `readIdx` streams them, unzipping with node:zlib (byte-chunks.ts), into the tensor (tensor-filler.ts).
 *
 * ```ts
 * const images = await readIdx("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"); // int32 [10000, 28, 28]
 * const { x, y } = await loadFashionMnist({ split: "test" });  // x float32 [10000, 784] in [0, 1], y int32
 * ```
 */
import { ValueError } from "../errors.js";
import { allocArray, type DType, type TypedArray } from "../dtype.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { byteChunks, isGzip } from "./byte-chunks.js";
import { IdxDecoder } from "./idx-decoder.js";
import {
  checkFileSize, CODES, convertValues, headerLength, idxDType, parseHeader, readValues, shortFileError, TYPE_CODE, type IdxType, type IdxValues,
} from "./idx-format.js";
import { TensorFiller } from "./tensor-filler.js";

export { isGzip, idxDType, type IdxType };

/** A decoded IDX file: its shape, element type and values (host-endian). */
export interface IdxArray {
  shape: number[];
  type: IdxType;
  data: IdxValues;
}

/**
 * Decodes an (uncompressed) IDX file, validating the magic number, the type code, the header length and
 * that the data size is exactly the product of the sizes.
 * ```ts
 * parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9])); // { shape: [2], type: "uint8", data: [7, 9] }
 * ```
 */
export function parseIdx(bytes: Uint8Array, { source = "parseIdx" }: { source?: string } = {}): IdxArray {
  if (isGzip(bytes)) throw new ValueError(`${source}: the data is gzip-compressed; use readIdx (which unzips it) or gunzip it first.`);
  if (bytes.length < 4 || bytes.length < headerLength(bytes, source)) throw shortFileError(bytes.length, bytes, source);
  const h = parseHeader(bytes, source);
  checkFileSize(h, bytes.length, source);
  return { shape: h.shape, type: h.type, data: readValues(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), h.headerLen, h.count, h.type) };
}

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

/** An IdxArray as a tensor of `dtype` (default idxDType), its values multiplied by `scale` (e.g. 1/255). */
export function idxToTensor(idx: IdxArray, { dtype = idxDType(idx.type), scale = 1 }: { dtype?: DType; scale?: number } = {}): Tensor {
  return tensor(convertValues(idx.data, dtype, scale), { shape: idx.shape, dtype });
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
 * Reads an IDX file (a path, or its bytes; gzipped or not) as a tensor of `dtype` (default idxDType), its
 * values multiplied by `scale` — the same values as `idxToTensor(await readIdxArray(source), opts)`. The
 * file is streamed: decompressed, decoded and converted a piece at a time straight into the tensor's
 * storage, so neither the whole decompressed file nor a host copy of the values is ever held (on the wasm
 * backend the values live only in wasm memory). Errors are parseIdx's, raised at the end for a truncated file.
 * ```ts
 * const labels = await readIdx("train-labels-idx1-ubyte.gz"); // int32 [60000]
 * const images = await readIdx("train-images-idx3-ubyte.gz", { dtype: "float32", scale: 1 / 255 });
 * ```
 */
export async function readIdx(source: string | Uint8Array, { dtype, scale = 1 }: { dtype?: DType; scale?: number } = {}): Promise<Tensor> {
  const name = typeof source === "string" ? source : "readIdx";
  // Set when the header arrives: the tensor being filled, its dtype, and one converted piece (reused).
  const out: { filler: TensorFiller | null; dtype: DType; piece: TypedArray | null } = { filler: null, dtype: "float32", piece: null };
  const decoder = new IdxDecoder(name, {
    onHeader: (h) => {
      out.dtype = dtype ?? idxDType(h.type);
      out.filler = new TensorFiller(h.shape, out.dtype);
    },
    onValues: (values, at) => {
      if (out.piece === null || out.piece.length < values.length) out.piece = allocArray(out.dtype, values.length);
      out.filler!.write(at, convertValues(values, out.dtype, scale, out.piece));
    },
  });
  try {
    for await (const chunk of byteChunks(source, { op: "readIdx" })) decoder.push(chunk);
    decoder.end();
  } catch (e) {
    out.filler?.discard();
    throw e;
  }
  return out.filler!.finish();
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
  // One file at a time: the host holds one chunk of compressed, decompressed and converted bytes (a few MiB).
  const y = await readIdx(split === "train" ? files.trainLabels : files.testLabels, { dtype: "int32" });
  const images = await readIdx(split === "train" ? files.trainImages : files.testImages, { dtype: "float32", scale: normalize ? 1 / 255 : 1 });
  if (images.shape.length !== 3 || y.shape.length !== 1 || images.shape[0] !== y.shape[0]) {
    images.dispose();
    throw new ValueError(`loadFashionMnist: expected images [N, 28, 28] and labels [N], got [${images.shape}] and [${y.shape}].`);
  }
  const [n, h, w] = images.shape as [number, number, number];
  return { x: images.reshape(flatten ? [n, h * w] : [n, 1, h, w]), y, classNames: [...FASHION_MNIST_CLASSES] };
}
