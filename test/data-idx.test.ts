// IDX reader: hand-written files (plain and gzipped), validation errors, and the real Fashion-MNIST if installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { gzipSync as zlibGzip } from "node:zlib";
import { encodeIdx, findFashionMnist, loadFashionMnist, parseIdx, readIdx, readIdxArray } from "../src/data/idx.js";

/** gzip as a plain Uint8Array (this @types/node types Buffer apart from Uint8Array). */
const gzipSync = (b: Uint8Array): Uint8Array => new Uint8Array(zlibGzip(b));

const dir = mkdtempSync(join(tmpdir(), "nabla-idx-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** An IDX file written byte by byte from the format's definition (independent of encodeIdx). */
function handMade(): Uint8Array {
  // magic 0x00000803 (uint8, 3 dims), sizes 2 × 2 × 3 big-endian, then 12 pixel bytes
  const header = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3];
  const pixels = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
  return new Uint8Array([...header, ...pixels]);
}

test("parseIdx reads a hand-written uint8 file; encodeIdx writes the same bytes", () => {
  const idx = parseIdx(handMade());
  assert.deepEqual(idx.shape, [2, 2, 3]);
  assert.equal(idx.type, "uint8");
  assert.deepEqual(Array.from(idx.data), [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  assert.deepEqual(encodeIdx(idx.data, idx.shape), handMade());
});

test("round trip of every IDX type, big-endian on disk", () => {
  const cases = [
    ["int8", [-128, -1, 0, 127]], ["int16", [-32768, -2, 513, 32767]], ["int32", [-2147483648, -5, 65536, 2147483647]],
    ["float32", [-1.5, 0, 3.25, 1e-3]], ["float64", [Math.PI, -Math.E, 1e300, 0]],
  ] as const;
  for (const [type, values] of cases) {
    const bytes = encodeIdx(values, [2, 2], type);
    const back = parseIdx(bytes);
    assert.equal(back.type, type);
    assert.deepEqual(back.shape, [2, 2]);
    const expected = type === "float32" ? values.map(Math.fround) : values;
    assert.deepEqual(Array.from(back.data), expected, type);
  }
  // int16 513 = 0x0201: big-endian puts 0x02 first
  const b = encodeIdx([513], [1], "int16");
  assert.deepEqual(Array.from(b.subarray(8)), [2, 1]);
  assert.equal(b[2], 0x0b);
});

test("readIdx reads plain and gzipped files from disk into tensors", async () => {
  writeFileSync(join(dir, "a-idx3-ubyte"), handMade());
  writeFileSync(join(dir, "a-idx3-ubyte.gz"), gzipSync(handMade()));
  for (const name of ["a-idx3-ubyte", "a-idx3-ubyte.gz"]) {
    const t = await readIdx(join(dir, name));
    assert.equal(t.dtype, "int32");
    assert.deepEqual(t.shape, [2, 2, 3]);
    assert.deepEqual(t.toFlatArray(), [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  }
  const scaled = await readIdx(gzipSync(handMade()), { dtype: "float32", scale: 1 / 255 });
  assert.equal(scaled.dtype, "float32");
  assert.equal(scaled.toFlatArray()[11], 1);
});

test("validation: magic number, type code, truncation, trailing bytes, gzip, corrupt gzip, missing file", async () => {
  const good = handMade();
  assert.throws(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0])), /bad magic number 0x01000801/);
  assert.throws(() => parseIdx(new Uint8Array([0, 0, 7, 1, 0, 0, 0, 0])), /unknown IDX type code 0x07/);
  assert.throws(() => parseIdx(good.subarray(0, 10)), /truncated header: 3 dimensions need 16 bytes, the file has 10/);
  assert.throws(() => parseIdx(good.subarray(0, 20)), /shape \[2,2,3\] of uint8 \(12 data bytes, 28 in all\) but the file has 20 bytes — it is truncated/);
  assert.throws(() => parseIdx(new Uint8Array([...good, 0])), /has 29 bytes — it has trailing bytes/);
  assert.throws(() => parseIdx(gzipSync(good)), /gzip-compressed; use readIdx/);
  assert.throws(() => parseIdx(new Uint8Array([0, 0])), /too short/);
  const gz = gzipSync(good);
  await assert.rejects(readIdxArray(gz.subarray(0, gz.length - 6)), /gzip data is corrupt or truncated/);
  await assert.rejects(readIdx(join(dir, "nope.gz")), /readIdx: cannot read ".*nope\.gz"/);
});

test("findFashionMnist: a clear install hint when absent; finds files in a given folder", async () => {
  await assert.rejects(findFashionMnist({ dirs: [join(dir, "empty")] }), /apt-get install dataset-fashion-mnist/);
  const fm = join(dir, "fm");
  rmSync(fm, { recursive: true, force: true });
  const { mkdirSync } = await import("node:fs");
  mkdirSync(fm);
  const images = encodeIdx(Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 256), [2, 28, 28]);
  const labels = encodeIdx([9, 0], [2]);
  for (const split of ["train", "t10k"]) {
    writeFileSync(join(fm, `${split}-images-idx3-ubyte.gz`), gzipSync(images));
    writeFileSync(join(fm, `${split}-labels-idx1-ubyte`), labels); // one plain, one gzipped
  }
  const files = await findFashionMnist({ dirs: [fm] });
  assert.equal(files.testLabels, join(fm, "t10k-labels-idx1-ubyte"));
  const { x, y, classNames } = await loadFashionMnist({ dirs: [fm], split: "test" });
  assert.deepEqual(x.shape, [2, 784]);
  assert.equal(x.toFlatArray()[255], 1);
  assert.deepEqual(y.toArray(), [9, 0]);
  assert.equal(classNames[9], "Ankle boot");
  assert.deepEqual((await loadFashionMnist({ dirs: [fm], flatten: false, normalize: false })).x.shape, [2, 1, 28, 28]);
});

const DEBIAN = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
test("the real Fashion-MNIST files (Debian dataset-fashion-mnist), when installed", { skip: existsSync(DEBIAN) ? false : "dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)" }, async () => {
  const files = await findFashionMnist();
  const labels = await readIdxArray(files.testLabels);
  assert.deepEqual(labels.shape, [10000]);
  const counts = new Array(10).fill(0);
  for (const v of labels.data) counts[v]++;
  assert.deepEqual(counts, new Array(10).fill(1000)); // 1,000 test images per class
  const images = await readIdxArray(files.testImages);
  assert.deepEqual(images.shape, [10000, 28, 28]);
  assert.equal(images.type, "uint8");
  assert.deepEqual((await readIdxArray(files.trainLabels)).shape, [60000]);
});
