// Streaming IDX reading (readIdx, loadFashionMnist): the file is decompressed, decoded and converted a piece
// at a time into the tensor's storage (IdxDecoder → TensorFiller), never as a whole host copy. Checked against
// the whole-buffer path (parseIdx + idxToTensor) bit for bit, against the definition (byte / 255 in float32),
// for every way the chunks can fall, on both backends, with parseIdx's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { gzipSync as zlibGzip } from "node:zlib";
import { encodeIdx, idxToTensor, loadFashionMnist, parseIdx, readIdx, readIdxArray, type IdxType } from "../src/data/idx.js";
import { IdxDecoder } from "../src/data/idx-decoder.js";
import type { IdxHeader, IdxValues } from "../src/data/idx-format.js";
import { byteChunks } from "../src/data/byte-chunks.js";
import { TensorFiller } from "../src/data/tensor-filler.js";
import { getBackend, setBackend } from "../src/backend/registry.js";
import type { WasmBackend } from "../src/backend/wasm/index.js";

const gzipSync = (b: Uint8Array): Uint8Array => new Uint8Array(zlibGzip(b));
const dir = mkdtempSync(join(tmpdir(), "nabla-idx-stream-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const BACKENDS = ["ts", "wasm"] as const;
async function onEach(f: (name: (typeof BACKENDS)[number]) => Promise<void> | void): Promise<void> {
  const prev = getBackend().name;
  try {
    for (const name of BACKENDS) {
      setBackend(name);
      await f(name);
    }
  } finally {
    setBackend(prev);
  }
}

/** Bit patterns of a float array (so -0 and NaN payloads compare exactly). */
const bits = (a: ArrayLike<number>, dtype: "float32" | "float64" | "int32"): number[] =>
  dtype === "float64" ? Array.from(new Uint32Array(Float64Array.from(a).buffer)) : dtype === "float32" ? Array.from(new Uint32Array(Float32Array.from(a).buffer)) : Array.from(a);

/** 3 × 7 × 5 pixels covering every byte value 0 … 255 (and some twice). */
const pixels = Array.from({ length: 3 * 7 * 5 * 3 }, (_, i) => (i * 37 + 11) % 256);
const imageFile = encodeIdx(pixels, [9, 7, 5]);

test("IdxDecoder: the same header and values as parseIdx however the chunks fall, for every type", () => {
  const cases: [IdxType, number[]][] = [
    ["uint8", pixels], ["int8", pixels.map((v) => v - 128)], ["int16", pixels.map((v) => (v - 128) * 251)],
    ["int32", pixels.map((v) => (v - 128) * 16777259)], ["float32", pixels.map((v) => Math.fround((v - 100) / 7))], ["float64", pixels.map((v) => (v - 100) / 7)],
  ];
  for (const [type, values] of cases) {
    const bytes = encodeIdx(values, [9, 7, 5], type);
    const want = parseIdx(bytes);
    for (const chunk of [1, 2, 3, 5, 16, 17, 100, bytes.length]) {
      for (const piece of [1, 4, 64, 10_000]) {
        let header: IdxHeader | null = null;
        const got: number[] = new Array(want.data.length).fill(NaN);
        const pieceSizes: number[] = [];
        const d = new IdxDecoder("t", {
          onHeader: (h) => { assert.equal(header, null, "one header"); header = h; },
          onValues: (v: IdxValues, at: number) => { pieceSizes.push(v.length); v.forEach((x, i) => { got[at + i] = x; }); },
        }, piece);
        for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk));
        d.end();
        const label = `${type} chunk ${chunk} piece ${piece}`;
        assert.deepEqual(header!.shape, [9, 7, 5], label);
        assert.equal(header!.type, type, label);
        assert.deepEqual(got, Array.from(want.data), label);
        // Fixed-size pieces (the last one shorter), whatever the chunks.
        const full = Math.min(piece, want.data.length);
        assert.ok(pieceSizes.slice(0, -1).every((n) => n === full) && pieceSizes.at(-1)! <= full, `${label}: ${pieceSizes}`);
      }
    }
  }
});

test("IdxDecoder: parseIdx's errors (short, bad magic, bad type, truncated header, truncated, trailing bytes)", () => {
  const decode = (bytes: Uint8Array, chunk = 3): void => {
    const d = new IdxDecoder("f", { onHeader: () => {}, onValues: () => {} }, 4);
    for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk));
    d.end();
  };
  const good = encodeIdx([1, 2, 3, 4, 5, 6], [2, 3]);
  for (const bad of [new Uint8Array([0, 0]), new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]), new Uint8Array([0, 0, 7, 1, 0, 0, 0, 0]),
    good.subarray(0, 10), good.subarray(0, 13), new Uint8Array([...good, 9]), new Uint8Array(0)]) {
    let want = "";
    try { parseIdx(bad, { source: "f" }); } catch (e) { want = (e as Error).message; }
    assert.ok(want.length > 0);
    for (const chunk of [1, 3, 100]) assert.throws(() => decode(bad, chunk), (e: Error) => e.message === want, `${want} (chunk ${chunk})`);
  }
  decode(good);
});

test("TensorFiller: pieces land at their offsets on both backends; bad writes are clear errors", async () => {
  await onEach((name) => {
    const f = new TensorFiller([2, 3], "float32");
    f.write(3, new Float32Array([4, 5, 6]));
    f.write(0, new Float32Array([1, 2]));
    f.write(2, new Float32Array([3]));
    assert.throws(() => f.write(4, new Float32Array([1, 2, 3])), /TensorFiller.write: 3 values at offset 4 do not fit in 6 elements/);
    assert.throws(() => f.write(0, new Int32Array([1])), /expected the float32 storage type, got a Int32Array/);
    const t = f.finish();
    assert.equal(t.backend.name, name);
    assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
    assert.throws(() => f.write(0, new Float32Array([1])), /already finished or discarded/);
    const empty = new TensorFiller([0, 4], "int32").finish();
    assert.deepEqual(empty.shape, [0, 4]);
    const labels = new TensorFiller([3], "int32");
    labels.write(0, new Int32Array([7, -1, 2147483647]));
    assert.deepEqual(labels.finish().toArray(), [7, -1, 2147483647]);
  });
});

test("TensorFiller on wasm: each piece is freed at once, the tensor is the one block left", () => {
  const prev = getBackend().name;
  setBackend("wasm");
  try {
    const b = getBackend() as WasmBackend;
    const before = b.memoryStats();
    const f = new TensorFiller([1000, 100], "float32");
    for (let at = 0; at < 100_000; at += 4096) f.write(at, new Float32Array(Math.min(4096, 100_000 - at)).fill(at));
    const t = f.finish();
    const after = b.memoryStats();
    assert.equal(after.blocks, before.blocks + 1, "only the tensor's block is live");
    assert.equal(t.toFlatArray()[99_999], 4096 * 24);
  } finally {
    setBackend(prev);
  }
});

test("byteChunks: files and buffers, gzipped or not, in chunks of the asked size; read and gzip errors", async () => {
  const big = new Uint8Array(100_000).map((_, i) => (i * 7) % 251);
  writeFileSync(join(dir, "big"), big);
  writeFileSync(join(dir, "big.gz"), gzipSync(big));
  for (const src of [join(dir, "big"), join(dir, "big.gz"), big, gzipSync(big)]) {
    const parts: Uint8Array[] = [];
    for await (const c of byteChunks(src, { op: "t", chunkBytes: 4096 })) parts.push(c.slice());
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    assert.deepEqual(all, big);
    if (typeof src === "string") assert.ok(parts.length >= 100_000 / 4096 && parts.every((p) => p.length <= 4096), `${src}: ${parts.length} chunks`);
  }
  const drain = async (src: string | Uint8Array): Promise<void> => { for await (const _ of byteChunks(src, { op: "readIdx", chunkBytes: 4096 })) void _; };
  const gz = gzipSync(big);
  writeFileSync(join(dir, "cut.gz"), gz.subarray(0, gz.length / 2));
  await assert.rejects(drain(join(dir, "cut.gz")), (e: Error) => e.message.startsWith(`${join(dir, "cut.gz")}: the gzip data is corrupt or truncated (`));
  await assert.rejects(drain(gz.subarray(0, gz.length - 6)), /readIdx: the gzip data is corrupt or truncated \(unexpected end of file\)/);
  const corrupt = gz.slice();
  corrupt[20] ^= 0xff;
  await assert.rejects(drain(corrupt), /the gzip data is corrupt or truncated/);
  await assert.rejects(drain(join(dir, "nope")), /readIdx: cannot read ".*nope": ENOENT/);
  assert.deepEqual(await (async () => { const n: number[] = []; for await (const c of byteChunks(new Uint8Array(0), { op: "t" })) n.push(c.length); return n; })(), [0]);
});

test("readIdx: exactly the whole-buffer path (parseIdx + idxToTensor) and byte / 255 in float32, on both backends", async () => {
  writeFileSync(join(dir, "img-idx3-ubyte.gz"), gzipSync(imageFile));
  writeFileSync(join(dir, "img-idx3-ubyte"), imageFile);
  const want = pixels.map((b) => Math.fround(b / 255));
  await onEach(async (name) => {
    for (const src of [join(dir, "img-idx3-ubyte.gz"), join(dir, "img-idx3-ubyte"), imageFile, gzipSync(imageFile)]) {
      const t = await readIdx(src, { dtype: "float32", scale: 1 / 255 });
      assert.equal(t.backend.name, name);
      assert.equal(t.dtype, "float32");
      assert.deepEqual(t.shape, [9, 7, 5]);
      assert.deepEqual(bits(t.toFlatArray(), "float32"), bits(want, "float32"));
      const old = idxToTensor(await readIdxArray(src), { dtype: "float32", scale: 1 / 255 });
      assert.deepEqual(bits(t.toFlatArray(), "float32"), bits(old.toFlatArray(), "float32"));
      const ints = await readIdx(src);
      assert.equal(ints.dtype, "int32");
      assert.deepEqual(ints.toFlatArray(), pixels);
    }
    // Wider types and conversions go through the same path as idxToTensor.
    const f64 = encodeIdx(pixels.map((v) => (v - 100) / 3), [pixels.length], "float64");
    for (const dtype of ["float32", "float64", "int32"] as const) {
      const got = (await readIdx(gzipSync(f64), { dtype, scale: 0.5 })).toFlatArray();
      assert.deepEqual(bits(got, dtype), bits(idxToTensor(parseIdx(f64), { dtype, scale: 0.5 }).toFlatArray(), dtype), dtype);
    }
  });
});

test("readIdx: errors of truncated and corrupt files are unchanged (plain and gzipped, path and bytes)", async () => {
  const cut = imageFile.subarray(0, imageFile.length - 5);
  const long = new Uint8Array([...imageFile, 1, 2]);
  await onEach(async () => {
    await assert.rejects(readIdx(cut), /readIdx: the header says shape \[9,7,5\] of uint8 \(315 data bytes, 331 in all\) but the file has 326 bytes — it is truncated/);
    await assert.rejects(readIdx(gzipSync(long)), /has 333 bytes — it has trailing bytes/);
    writeFileSync(join(dir, "cut-idx.gz"), gzipSync(cut));
    await assert.rejects(readIdx(join(dir, "cut-idx.gz")), (e: Error) => e.message.startsWith(`${join(dir, "cut-idx.gz")}: the header says shape [9,7,5]`) && e.message.endsWith("it is truncated."));
    await assert.rejects(readIdx(new Uint8Array([0, 0, 8, 3, 0, 0])), /readIdx: truncated header: 3 dimensions need 16 bytes, the file has 6/);
    await assert.rejects(readIdx(new Uint8Array([1, 2, 3, 4, 5])), /readIdx: bad magic number 0x01020304/);
    const gz = gzipSync(imageFile);
    await assert.rejects(readIdx(gz.subarray(0, gz.length - 6)), /readIdx: the gzip data is corrupt or truncated/);
    await assert.rejects(readIdx(join(dir, "missing.gz")), /readIdx: cannot read ".*missing\.gz"/);
  });
});

test("readIdx on wasm leaves one live block per tensor, also after a failed read", async () => {
  const prev = getBackend().name;
  setBackend("wasm");
  try {
    const b = getBackend() as WasmBackend;
    const before = b.memoryStats();
    const t = await readIdx(gzipSync(imageFile), { dtype: "float32", scale: 1 / 255 });
    assert.equal(b.memoryStats().blocks, before.blocks + 1);
    await assert.rejects(readIdx(imageFile.subarray(0, 200)), /truncated/);
    assert.equal(b.memoryStats().blocks, before.blocks + 1, "the failed read's storage was freed");
    assert.equal(t.toFlatArray().length, 315);
  } finally {
    setBackend(prev);
  }
});

test("loadFashionMnist: shapes, dtypes, byte / 255 and int32 labels on both backends (a small fixture)", async () => {
  const fm = join(dir, "fm");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(fm, { recursive: true });
  const n = 3;
  const img = Array.from({ length: n * 784 }, (_, i) => (i * 13 + 5) % 256);
  for (const split of ["train", "t10k"]) {
    writeFileSync(join(fm, `${split}-images-idx3-ubyte.gz`), gzipSync(encodeIdx(img, [n, 28, 28])));
    writeFileSync(join(fm, `${split}-labels-idx1-ubyte.gz`), gzipSync(encodeIdx([4, 0, 9], [n])));
  }
  await onEach(async (name) => {
    const { x, y } = await loadFashionMnist({ dirs: [fm] });
    assert.equal(x.backend.name, name);
    assert.deepEqual(x.shape, [n, 784]);
    assert.equal(x.dtype, "float32");
    assert.deepEqual(bits(x.toFlatArray(), "float32"), bits(img.map((b) => b / 255), "float32"));
    assert.equal(y.dtype, "int32");
    assert.deepEqual(y.toArray(), [4, 0, 9]);
    const raw = await loadFashionMnist({ dirs: [fm], split: "test", flatten: false, normalize: false });
    assert.deepEqual(raw.x.shape, [n, 1, 28, 28]);
    assert.deepEqual(raw.x.toFlatArray(), img);
  });
  // Mismatched counts: a clear error (and on wasm the images' storage is freed).
  writeFileSync(join(fm, "t10k-labels-idx1-ubyte.gz"), gzipSync(encodeIdx([1, 2], [2])));
  await assert.rejects(loadFashionMnist({ dirs: [fm], split: "test" }), /loadFashionMnist: expected images \[N, 28, 28\] and labels \[N\], got \[3,28,28\] and \[2\]/);
});

const DEBIAN = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
test("the real Fashion-MNIST test split streams to the same float32 values as the whole-file path", { skip: existsSync(DEBIAN) ? false : "dataset-fashion-mnist is not installed" }, async () => {
  const old = idxToTensor(await readIdxArray(DEBIAN), { dtype: "float32", scale: 1 / 255 }).dataSync() as Float32Array;
  await onEach(async () => {
    const { x } = await loadFashionMnist({ split: "test" });
    assert.deepEqual(x.shape, [10000, 784]);
    const got = x.dataSync() as Float32Array;
    let diff = 0;
    for (let i = 0; i < old.length; i++) if (Object.is(got[i], old[i]) === false) diff++;
    assert.equal(diff, 0);
  });
});
