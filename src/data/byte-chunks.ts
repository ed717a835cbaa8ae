/**
 * The bytes of a file or a buffer as a stream of chunks, gunzipped on the fly when they are gzip data, so a
 * reader can decode a large file without ever holding its compressed or decompressed bytes whole. Paths and
 * gzip need Node (node:fs, node:zlib); an uncompressed buffer is passed through as one chunk, anywhere.
 *
 * ```ts
 * for await (const chunk of byteChunks("train-images-idx3-ubyte.gz", { op: "readIdx" })) decode(chunk);
 * ```
 */
import { ValueError } from "../errors.js";

/** Bytes per chunk read from a file and per decompressed chunk. */
export const CHUNK_BYTES = 1 << 16;

/** True for gzip data (magic bytes 0x1f 0x8b). */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

async function* fileChunks(path: string, op: string, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const fs = await import("node:fs");
  const stream = fs.createReadStream(path, { highWaterMark: chunkBytes });
  try {
    for await (const c of stream) yield c as Uint8Array;
  } catch (e) {
    throw new ValueError(`${op}: cannot read ${JSON.stringify(path)}: ${(e as Error).message}`);
  } finally {
    stream.destroy();
  }
}

/**
 * Chunks of `source` (a path or the bytes themselves), decompressed when they start with gzip's magic
 * bytes. Errors: a file that cannot be read (`${op}: cannot read "path": …`) and corrupt or truncated gzip
 * data (`${name}: the gzip data is corrupt or truncated (…)`, `name` being the path, or `op` for a buffer).
 * A chunk is valid until the next one is requested.
 */
export async function* byteChunks(source: string | Uint8Array, { op, chunkBytes = CHUNK_BYTES }: { op: string; chunkBytes?: number }): AsyncGenerator<Uint8Array> {
  const name = typeof source === "string" ? source : op;
  const raw = typeof source === "string" ? fileChunks(source, op, chunkBytes) : (async function* () { yield source; })();
  const first = await raw.next();
  if (first.done) return;
  if (!isGzip(first.value)) {
    yield first.value;
    yield* raw;
    return;
  }
  const zlib = await import("node:zlib");
  const { Readable, pipeline } = await import("node:stream");
  const input = Readable.from((async function* () {
    yield first.value;
    yield* raw;
  })(), { objectMode: false });
  const gunzip = zlib.createGunzip({ chunkSize: chunkBytes });
  // pipeline destroys both streams on an error (a read error included), which ends the loop below with it.
  pipeline(input, gunzip, () => {});
  try {
    for await (const c of gunzip) yield c as Uint8Array;
  } catch (e) {
    if (e instanceof ValueError) throw e;
    throw new ValueError(`${name}: the gzip data is corrupt or truncated (${(e as Error).message}).`);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}
