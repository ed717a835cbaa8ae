/**
 * Atomic file writes (Node only): the data goes to a temporary file in the target's directory, is flushed
 * to disk (fsync), and only then renamed over the target. A reader sees the old file or the new one, never
 * a half-written one; a writer that throws midway (or a crash) leaves the old file untouched and no
 * temporary file behind (after a crash, at worst a `.NAME.*.tmp` sibling).
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

/** What can be written: bytes, text, or chunks of them produced lazily (sync or async). */
export type AtomicData = string | Uint8Array | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;
/** What can be written synchronously. */
export type AtomicDataSync = string | Uint8Array | Iterable<Uint8Array | string>;

let counter = 0;
/** A sibling temporary path, unique within this process (pid + counter; opened with O_EXCL anyway). */
const tempPathFor = (target: string): string => join(dirname(target), `.${basename(target)}.${process.pid}.${counter++}.tmp`);

const toBytes = (chunk: Uint8Array | string): Uint8Array => (typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);

function isAsyncIterable(x: unknown): x is AsyncIterable<Uint8Array | string> {
  return typeof x === "object" && x !== null && Symbol.asyncIterator in x;
}

/**
 * Writes `data` to `path` atomically (temp file in the same directory, fsync, rename). `data` may be a
 * function producing it, so that its errors are handled like write errors. Returns when the new file is
 * in place.
 * ```ts
 * await writeFileAtomic("model/weights.safetensors", bytes);
 * await writeFileAtomic("history.json", () => JSON.stringify(history));
 * ```
 */
export async function writeFileAtomic(path: string, data: AtomicData | (() => AtomicData | Promise<AtomicData>)): Promise<void> {
  const target = resolve(path);
  const tmp = tempPathFor(target);
  const fh = await open(tmp, "wx");
  let closed = false;
  try {
    const d = typeof data === "function" ? await data() : data;
    const writeAll = async (chunk: Uint8Array | string) => {
      const bytes = toBytes(chunk);
      for (let off = 0; off < bytes.length; ) off += (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
    };
    if (typeof d === "string" || d instanceof Uint8Array) await writeAll(d);
    else if (isAsyncIterable(d)) for await (const chunk of d) await writeAll(chunk);
    else for (const chunk of d) await writeAll(chunk);
    await fh.sync();
    closed = true;
    await fh.close();
    await rename(tmp, target);
  } catch (e) {
    if (!closed) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  syncDirectory(dirname(target));
}

/** Synchronous {@link writeFileAtomic}. */
export function writeFileAtomicSync(path: string, data: AtomicDataSync | (() => AtomicDataSync)): void {
  const target = resolve(path);
  const tmp = tempPathFor(target);
  const fd = openSync(tmp, "wx");
  let closed = false;
  try {
    const d = typeof data === "function" ? data() : data;
    const chunks = typeof d === "string" || d instanceof Uint8Array ? [d] : d;
    for (const chunk of chunks) {
      const bytes = toBytes(chunk);
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    }
    fsyncSync(fd);
    closed = true;
    closeSync(fd);
    renameSync(tmp, target);
  } catch (e) {
    if (!closed) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
  syncDirectory(dirname(target));
}

/** Makes the rename itself durable. Best effort: some platforms (Windows) cannot open a directory. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // not supported here; the rename is still atomic, only its durability after a power loss is not ensured
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
