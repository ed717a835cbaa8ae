// safetensors: round trips, the byte layout against a file written from the spec by
// tools/make_safetensors_fixture.py (Python's `safetensors` package cannot be installed here), reading a
// torch-written file of many dtypes, every corruption error, and the atomic file writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tensor } from "../src/ops/creation.js";
import type { Tensor } from "../src/tensor.js";
import type { DType } from "../src/dtype.js";
import {
  SafetensorsError, bfloat16ToFloat, halfToFloat, loadSafetensors, parseSafetensors, safetensorsChunks, saveSafetensors,
  serializeSafetensors,
} from "../src/io/safetensors.js";
import { writeFileAtomic, writeFileAtomicSync } from "../src/io/atomic-write.js";

const fixtures = new URL("./fixtures/", import.meta.url);
const fileBytes = (name: string) => new Uint8Array(readFileSync(new URL(name, fixtures)));
interface Packed { dtype: string; shape: number[]; values: number[] }
const expected = JSON.parse(readFileSync(new URL("safetensors.json", fixtures), "utf8")) as Record<string, { metadata: Record<string, string>; tensors: Record<string, Packed> }>;
const NABLA_DTYPE: Record<string, DType> = { F32: "float32", F64: "float64", I32: "int32", BOOL: "bool" };

const enc = new TextEncoder();
/** Builds safetensors bytes by hand: length prefix, header text (padded unless told not to), data. */
function craft(header: string | object, dataLength: number, { pad = true, n }: { pad?: boolean; n?: bigint } = {}): Uint8Array {
  let json = enc.encode(typeof header === "string" ? header : JSON.stringify(header));
  if (pad && json.length % 8) json = Uint8Array.from([...json, ...new Array(8 - (json.length % 8)).fill(0x20)]);
  const out = new Uint8Array(8 + json.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, n ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}
const headerOf = (bytes: Uint8Array) => {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, text: new TextDecoder().decode(bytes.subarray(8, 8 + n)) };
};
const fail = (bytes: Uint8Array, re: RegExp) =>
  assert.throws(() => parseSafetensors(bytes), (e: Error) => e instanceof SafetensorsError && re.test(e.message) || assert.fail(`got: ${e.message}`));

test("round trip: float32, float64, int32, bool, 0-d, empty, views, metadata", () => {
  const ts: Record<string, Tensor> = {
    f32: tensor([[1.5, -2], [3.25, 1e-30]]),
    f64: tensor([Math.PI, -1e300, 5e-324], { dtype: "float64" }),
    i32: tensor([2147483647, -2147483648, 0], { dtype: "int32" }),
    bool: tensor([true, false, true]),
    scalar: tensor(7, { dtype: "float64" }),
    empty: tensor(new Float32Array(0), { shape: [0, 4] }),
    transposed: tensor([[1, 2, 3], [4, 5, 6]]).T, // a non-contiguous view is written as its values
    nan: tensor([NaN, Infinity, -Infinity, -0]),
  };
  const { tensors, metadata } = parseSafetensors(serializeSafetensors(ts, { epoch: "3", "": "empty key" }));
  assert.deepEqual(metadata, { epoch: "3", "": "empty key" });
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(ts).sort());
  for (const [k, t] of Object.entries(ts)) {
    assert.equal(tensors[k]!.dtype, t.dtype, k);
    assert.deepEqual(tensors[k]!.shape, t.shape, k);
    assert.deepEqual(Array.from(tensors[k]!.dataSync()), Array.from(t.dataSync()), k);
  }
  assert.ok(Object.is(tensors.nan!.toFlatArray()[3], -0));
  assert.deepEqual(parseSafetensors(serializeSafetensors({})), { tensors: {}, metadata: {} });
  // an ArrayBuffer and a Uint8Array that is a window into a larger buffer both parse
  const bytes = serializeSafetensors({ x: tensor([1, 2]) });
  const big = new Uint8Array(bytes.length + 3);
  big.set(bytes, 3);
  assert.deepEqual(parseSafetensors(big.subarray(3)).tensors.x!.toArray(), [1, 2]);
  assert.deepEqual(parseSafetensors(bytes.slice().buffer).tensors.x!.toArray(), [1, 2]);
});

test("the writer's bytes equal the file written from the spec in Python (nabla-layout.safetensors)", () => {
  const spec = expected["nabla-layout"]!;
  const ts = Object.fromEntries(Object.entries(spec.tensors).map(([k, p]) => [k, tensor(p.values, { dtype: NABLA_DTYPE[p.dtype]! }).reshape(p.shape)]));
  const ours = serializeSafetensors(ts, spec.metadata);
  const theirs = fileBytes("nabla-layout.safetensors");
  assert.equal(ours.length, theirs.length);
  assert.deepEqual(ours, theirs);
  // the chunked writer produces the same bytes
  const chunks = [...safetensorsChunks(ts, spec.metadata)];
  assert.deepEqual(Uint8Array.from(chunks.flatMap((c) => [...c])), theirs);
});

test("header layout: 8-byte alignment, dtype then name order, __metadata__ first, contiguous aligned offsets", () => {
  const bytes = serializeSafetensors(
    { b: tensor([1, 2, 3]), a: tensor([true, false, true]), z: tensor([1], { dtype: "float64" }), c: tensor([1], { dtype: "int32" }), A: tensor([0]) },
    { k2: "2", k1: "1" },
  );
  const { n, text } = headerOf(bytes);
  assert.equal(n % 8, 0);
  assert.match(text, /^\{"__metadata__":\{"k1":"1","k2":"2"\},"z":.*,"A":.*,"b":.*,"c":.*,"a":.*\} *$/);
  const header = JSON.parse(text) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const order = Object.keys(header).slice(1);
  assert.deepEqual(order, ["z", "A", "b", "c", "a"]);
  let pos = 0;
  for (const k of order) {
    const [b, e] = header[k]!.data_offsets;
    assert.equal(b, pos, k);
    assert.equal((8 + n + b) % { F64: 8, F32: 4, I32: 4, BOOL: 1 }[header[k]!.dtype]!, 0, `${k} is aligned`);
    pos = e;
  }
  assert.equal(8 + n + pos, bytes.length);
});

test("byte vectors of the reference implementation's own tests", () => {
  // safetensors/src/tensor.rs: test_serialization, test_serialization_forced_alignement, test_empty
  const data = tensor([0, 1, 2, 3, 4, 5]);
  const a = serializeSafetensors({ "attn.0": data.reshape([1, 2, 3]) });
  assert.deepEqual(headerOf(a), { n: 64, text: '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}' });
  assert.deepEqual(Array.from(a.subarray(72, 80)), [0, 0, 0, 0, 0, 0, 128, 63]);
  const b = serializeSafetensors({ attn0: data.reshape([1, 1, 2, 3]) });
  assert.deepEqual(headerOf(b), { n: 72, text: '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ' });
  assert.deepEqual(Array.from(serializeSafetensors({})), [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  const m = serializeSafetensors({}, { framework: "pt" });
  assert.deepEqual(headerOf(m), { n: 40, text: '{"__metadata__":{"framework":"pt"}}     ' });
});

test("reads the torch-written fixture of many dtypes (name-ordered, misaligned F64) exactly", () => {
  const spec = expected["torch-dtypes"]!;
  const { tensors, metadata } = parseSafetensors(fileBytes("torch-dtypes.safetensors"));
  assert.deepEqual(metadata, spec.metadata);
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(spec.tensors).sort());
  const as: Record<string, DType> = { F32: "float32", F64: "float64", I32: "int32", BOOL: "bool", F16: "float32", BF16: "float32", I64: "int32", U8: "int32", I8: "int32", I16: "int32" };
  for (const [k, p] of Object.entries(spec.tensors)) {
    const t = tensors[k]!;
    assert.equal(t.dtype, as[p.dtype], `${k} (${p.dtype})`);
    assert.deepEqual(t.shape, p.shape, k);
    assert.deepEqual(t.toFlatArray(), p.values, k);
  }
  assert.equal(tensors.scalar!.item(), 3.25);
  assert.equal(tensors.empty!.size, 0);
});

test("half and bfloat16 decoding", () => {
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  assert.ok(Object.is(halfToFloat(0x8000), -0));
  assert.equal(bfloat16ToFloat(0x3f80), 1);
  assert.equal(bfloat16ToFloat(0xc049), -3.140625);
});

test("corrupt files give specific errors", () => {
  const good = serializeSafetensors({ w: tensor([[1, 2], [3, 4]]), b: tensor([1, 2]) });
  const { n } = headerOf(good);
  fail(good.slice(0, 5), /the data is 5 bytes, shorter than the 8-byte header length/);
  fail(new Uint8Array(0), /the data is 0 bytes/);
  const longer = good.slice();
  new DataView(longer.buffer).setBigUint64(0, BigInt(n + 1000), true);
  fail(longer, new RegExp(`prefix says ${n + 1000} bytes, but only ${good.length - 8} bytes follow`));
  const huge = good.slice();
  new DataView(huge.buffer).setBigUint64(0, 2n ** 62n, true);
  fail(huge, /more than the 100000000-byte limit/);
  fail(good.slice(0, good.length - 4), /tensor "w" has data_offsets \[8,24\], beyond the 20-byte data buffer; the file is truncated/);
  const notJson = good.slice();
  notJson[8] = "x".charCodeAt(0);
  fail(notJson, /header is not valid JSON/);
  const notUtf8 = good.slice();
  notUtf8[10] = 0xff;
  fail(notUtf8, /not valid UTF-8/);
  fail(craft("[1,2]", 0), /must be a JSON object of tensors, got an array/);
  fail(craft({ w: { dtype: "F33", shape: [1], data_offsets: [0, 4] } }, 4), /tensor "w" has unknown dtype "F33"; safetensors dtypes are BOOL, U8/);
  fail(craft({ w: { dtype: "F32", shape: [1, -2], data_offsets: [0, 4] } }, 4), /invalid shape \[1,-2\]/);
  fail(craft({ w: { dtype: "F32", shape: [1], data_offsets: [4, 0] } }, 4), /invalid data_offsets \[4,0\]/);
  fail(craft({ w: { dtype: "F32", shape: [1] } }, 4), /invalid data_offsets undefined/);
  fail(craft({ w: 3 }, 0), /tensor "w": its header entry must be an object/);
  fail(craft({ w: { dtype: "F32", shape: [2, 3], data_offsets: [0, 20] } }, 20), /shape \[2,3\] of F32 \(24 bytes\), but its data_offsets \[0,20\] span 20 bytes/);
  fail(craft({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, 12), /tensors "a" \[0,8\] and "b" \[4,12\] overlap/);
  fail(craft({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, b: { dtype: "F32", shape: [1], data_offsets: [8, 12] } }, 12), /bytes 4\.\.8 of the data buffer belong to no tensor \(a gap before "b"\)/);
  fail(craft({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, 8), /bytes 0\.\.4 .* gap before "a"/);
  fail(craft({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, 12), /the data buffer has 12 bytes but the tensors cover 4; 8 trailing bytes belong to no tensor/);
  fail(craft('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8), /names "a" twice/);
  // a key that merely appears inside a nested object or a string is not a duplicate
  assert.doesNotThrow(() => parseSafetensors(craft('{"__metadata__":{"a":"\\"a\\":"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4)));
  fail(craft({ __metadata__: { epoch: 3 }, a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, 4), /"__metadata__" must map strings to strings/);
  fail(craft({ a: { dtype: "F8_E4M3", shape: [1], data_offsets: [0, 1] } }, 1), /dtype F8_E4M3, which nabla cannot hold/);
  const big = craft({ a: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, 16);
  new DataView(big.buffer).setBigInt64(big.length - 8, 2n ** 40n, true);
  fail(big, /tensor "a" \(I64\) holds 1099511627776 at element 1, which does not fit int32/);
  // unpadded headers (older or foreign writers) are accepted
  assert.deepEqual(parseSafetensors(craft({ a: { dtype: "I32", shape: [1], data_offsets: [0, 4] } }, 4, { pad: false })).tensors.a!.toArray(), [0]);
});

test("the writer refuses what safetensors cannot hold", () => {
  assert.throws(() => serializeSafetensors({ __metadata__: tensor([1]) }), /"__metadata__" is reserved/);
  assert.throws(() => serializeSafetensors({ x: tensor([1]) }, { epoch: 3 as unknown as string }), /metadata\["epoch"\] is number; .* must be strings/);
  assert.throws(() => serializeSafetensors({ x: [1, 2] as unknown as Tensor }), /tensors\["x"\] is object, not a Tensor/);
});

const tmp = mkdtempSync(join(tmpdir(), "nabla-safetensors-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

test("saveSafetensors / loadSafetensors round trip through a file", async () => {
  const path = join(tmp, "model.safetensors");
  await saveSafetensors(path, { w: tensor([[1, 2], [3, 4]]), step: tensor(5, { dtype: "int32" }) }, { epoch: "2" });
  const { tensors, metadata } = await loadSafetensors(path);
  assert.deepEqual(tensors.w!.toArray(), [[1, 2], [3, 4]]);
  assert.equal(tensors.step!.item(), 5);
  assert.deepEqual(metadata, { epoch: "2" });
  assert.deepEqual(leftovers(tmp), []);
  writeFileSync(join(tmp, "short.safetensors"), new Uint8Array(3));
  await assert.rejects(loadSafetensors(join(tmp, "short.safetensors")), (e: Error) => e instanceof SafetensorsError && e.message.startsWith(join(tmp, "short.safetensors") + ": parseSafetensors: the data is 3 bytes"));
});

test("atomic write: a serializer failing midway leaves the old file and no temporary file", async () => {
  const path = join(tmp, "weights.safetensors");
  await saveSafetensors(path, { w: tensor([1, 2, 3]) });
  const before = readFileSync(path);
  const broken = tensor([4, 5, 6]);
  broken.dataSync = () => {
    throw new Error("simulated failure while reading tensor data");
  };
  // the header chunk is written before the failing tensor is read: a partial temp file existed
  await assert.rejects(saveSafetensors(path, { a: tensor([1]), z: broken }), /simulated failure/);
  assert.deepEqual(readFileSync(path), before);
  assert.deepEqual(leftovers(tmp), []);
  // invalid input fails before anything is written
  await assert.rejects(saveSafetensors(path, { x: tensor([1]) }, { bad: 1 as unknown as string }), SafetensorsError);
  assert.deepEqual(readFileSync(path), before);
  // success replaces it
  await saveSafetensors(path, { w: tensor([7, 8]) });
  assert.deepEqual((await loadSafetensors(path)).tensors.w!.toArray(), [7, 8]);
});

test("writeFileAtomic / writeFileAtomicSync: chunks, failures midway, no file created on failure", async () => {
  const path = join(tmp, "out.txt");
  function* failing() {
    yield "partial ";
    yield enc.encode("data ");
    throw new Error("writer died");
  }
  await assert.rejects(writeFileAtomic(path, failing()), /writer died/);
  assert.equal(existsSync(path), false);
  assert.throws(() => writeFileAtomicSync(path, failing()), /writer died/);
  assert.equal(existsSync(path), false);
  await assert.rejects(writeFileAtomic(path, () => { throw new Error("no data"); }), /no data/);
  assert.deepEqual(leftovers(tmp), []);

  async function* chunks() {
    yield "a";
    yield enc.encode("b");
  }
  await writeFileAtomic(path, chunks());
  assert.equal(readFileSync(path, "utf8"), "ab");
  await writeFileAtomic(path, "replaced");
  assert.equal(readFileSync(path, "utf8"), "replaced");
  writeFileAtomicSync(path, () => ["x", enc.encode("y")]);
  assert.equal(readFileSync(path, "utf8"), "xy");
  async function* failingAsync() {
    yield "zz";
    throw new Error("async writer died");
  }
  await assert.rejects(writeFileAtomic(path, failingAsync()), /async writer died/);
  assert.equal(readFileSync(path, "utf8"), "xy");
  await assert.rejects(writeFileAtomic(join(tmp, "no-such-dir", "f"), "x"), /ENOENT/);
  assert.deepEqual(leftovers(tmp), []);
});
