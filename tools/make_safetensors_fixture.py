#!/usr/bin/python3
"""safetensors fixtures for nabla's reader and writer (src/io/safetensors.ts), made without the `safetensors`
package, which cannot be installed here (no PyPI access, no Debian package). This script writes the format
byte for byte from its specification (https://github.com/huggingface/safetensors, README "Format") with the
standard library (struct, json) and torch for the values, and reads files back with its own independent,
validating reader.

Rerun (needs PyTorch; the tests themselves never need Python):

    /usr/bin/python3 tools/make_safetensors_fixture.py
        writes test/fixtures/torch-dtypes.safetensors   torch tensors of many dtypes (F32, F64, I32, BOOL,
                                                        F16, BF16, I64, U8, I8, I16, 0-d, empty) in the older
                                                        name-ordered layout (misaligned F64 data on purpose)
               test/fixtures/nabla-layout.safetensors   the exact bytes nabla's writer must produce for the
                                                        tensors in safetensors.json (reference layout)
               test/fixtures/safetensors.json           the values of both files, for the tests

    /usr/bin/python3 tools/make_safetensors_fixture.py --check FILE [--expect nabla-layout]
        reads FILE (e.g. one written by nabla's saveSafetensors) with the independent reader, prints its
        tensors, and with --expect compares them with the fixture's values and its bytes with the fixture file.

Layout rules of the reference implementation (safetensors/src/tensor.rs `prepare`), followed by nabla:
tensors ordered by dtype in decreasing alignment (F64 > F32 > I32 > BOOL ...), then by name (UTF-8 bytes);
header keys in that order, "__metadata__" first; compact JSON, non-ASCII kept as UTF-8; the header padded
with spaces to a multiple of 8 bytes.
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "test", "fixtures")
# increasing alignment, as the reference `Dtype` enum
ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
SIZE = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}
TORCH = {torch.bool: "BOOL", torch.uint8: "U8", torch.int8: "I8", torch.int16: "I16", torch.float16: "F16",
         torch.bfloat16: "BF16", torch.int32: "I32", torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
FROM = {v: k for k, v in TORCH.items()}


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: take the bits
        t = t.view(torch.int16)
    assert sys.byteorder == "little"
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata=None, reference_order=True):
    """Writes the format from the spec. reference_order=False lists tensors by name only (older writers)."""
    if reference_order:
        names = sorted(tensors, key=lambda n: (-ORDER.index(TORCH[tensors[n].dtype]), n.encode("utf-8")))
    else:
        names = sorted(tensors, key=lambda n: n.encode("utf-8"))
    header, offset, data = {}, 0, []
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata, key=lambda k: k.encode("utf-8"))}
    for n in names:
        b = raw_bytes(tensors[n])
        header[n] = {"dtype": TORCH[tensors[n].dtype], "shape": list(tensors[n].shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        data.append(b)
    js = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)) + js + b"".join(data))


def read_safetensors(path):
    """An independent reader that checks every rule of the spec; returns ({name: tensor}, metadata)."""
    blob = open(path, "rb").read()
    assert len(blob) >= 8, "shorter than the length prefix"
    (n,) = struct.unpack("<Q", blob[:8])
    assert 8 + n <= len(blob), "header length beyond the file"
    assert n % 8 == 0, "header not padded to a multiple of 8"
    text = blob[8:8 + n].decode("utf-8")
    assert text.startswith("{"), "header does not start with {"
    pairs = json.loads(text, object_pairs_hook=lambda kv: kv)
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate names"
    header = {k: (dict(v) if isinstance(v, list) else v) for k, v in pairs}
    meta = dict(header.pop("__metadata__", []) or [])
    assert all(isinstance(v, str) for v in meta.values()), "metadata values must be strings"
    buf = blob[8 + n:]
    entries = sorted(((v["data_offsets"][0], v["data_offsets"][1], k) for k, v in header.items()))
    pos = 0
    for b, e, k in entries:
        assert b == pos, f"gap or overlap at {k}"
        pos = e
    assert pos == len(buf), "tensors do not cover the data buffer"
    out = {}
    for k, v in header.items():
        b, e = v["data_offsets"]
        dt, shape = v["dtype"], v["shape"]
        count = 1
        for d in shape:
            count *= d
        assert count * SIZE[dt] == e - b, f"{k}: size does not match shape"
        chunk = bytearray(buf[b:e])
        if dt == "BF16":
            t = torch.frombuffer(chunk, dtype=torch.int16).view(torch.bfloat16) if count else torch.zeros(0, dtype=torch.bfloat16)
        else:
            t = torch.frombuffer(chunk, dtype=FROM[dt]) if count else torch.zeros(0, dtype=FROM[dt])
        out[k] = t.reshape(shape).clone()
    return out, meta


def values(t):
    """Exact values for JSON: floats of float16/bfloat16/float32 are exact as doubles."""
    v = t.double() if t.is_floating_point() else t.long()
    return {"dtype": TORCH[t.dtype], "shape": list(t.shape), "values": v.reshape(-1).tolist()}


def torch_tensors():
    g = torch.Generator().manual_seed(7)
    return {
        "layer.weight": torch.randn(3, 4, generator=g),
        "layer.bias": torch.randn(4, generator=g),
        "f64": torch.randn(2, 3, generator=g, dtype=torch.float64),
        "ints": torch.randint(-1000, 1000, (5,), generator=g, dtype=torch.int32),
        "mask": torch.rand(2, 3, generator=g) > 0.5,
        "a_bool3": torch.tensor([True, False, True]),  # 3 bytes before the F64 data: misaligned on purpose
        "half": torch.tensor([1.0, -2.5, 65504.0, 6e-8], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 1e30, 0.0], dtype=torch.bfloat16),
        "i64": torch.tensor([0, -7, 2147483647, -2147483648], dtype=torch.int64),
        "u8": torch.tensor([0, 1, 200, 255], dtype=torch.uint8),
        "i8": torch.tensor([-128, 0, 127], dtype=torch.int8),
        "i16": torch.tensor([-32768, 5, 32767], dtype=torch.int16),
        "scalar": torch.tensor(3.25),
        "empty": torch.zeros(0, 3),
    }


def nabla_tensors():
    """What test/safetensors.test.ts serializes with nabla and compares with nabla-layout.safetensors."""
    g = torch.Generator().manual_seed(11)
    return {
        "w": torch.randn(2, 3, generator=g),
        "b": torch.randn(3, generator=g),
        "double": torch.randn(3, generator=g, dtype=torch.float64),
        "labels": torch.tensor([3, -1, 0, 7], dtype=torch.int32),
        "flags": torch.tensor([True, False, False]),
        "zero_d": torch.tensor(-1.5, dtype=torch.float64),
        "empty": torch.zeros(2, 0, dtype=torch.int32),
        "naïve.π": torch.tensor([1.0, 2.0]),
    }


NABLA_META = {"format": "nabla", "note": "quotes \" and ünïcode"}


def main():
    if "--check" in sys.argv:
        path = sys.argv[sys.argv.index("--check") + 1]
        tensors, meta = read_safetensors(path)
        for k, t in tensors.items():
            print(k, TORCH[t.dtype], list(t.shape), t.reshape(-1).tolist()[:6])
        print("metadata", meta)
        if "--expect" in sys.argv:
            want = nabla_tensors()
            assert sorted(tensors) == sorted(want), (sorted(tensors), sorted(want))
            for k in want:
                assert tensors[k].dtype == want[k].dtype and torch.equal(tensors[k], want[k]), k
            assert meta == NABLA_META, meta
            same = open(path, "rb").read() == open(os.path.join(FIX, "nabla-layout.safetensors"), "rb").read()
            assert same, "values agree but the bytes differ from the reference layout"
            print("OK: independent reader agrees, and the bytes equal the reference layout")
        return
    tt = torch_tensors()
    meta = {"source": "tools/make_safetensors_fixture.py", "format": "pt"}
    write_safetensors(os.path.join(FIX, "torch-dtypes.safetensors"), tt, meta, reference_order=False)
    nt = nabla_tensors()
    write_safetensors(os.path.join(FIX, "nabla-layout.safetensors"), nt, NABLA_META)
    # the independent reader must read both back exactly
    for name, want, wmeta in [("torch-dtypes", tt, meta), ("nabla-layout", nt, NABLA_META)]:
        got, gmeta = read_safetensors(os.path.join(FIX, f"{name}.safetensors"))
        assert gmeta == wmeta and sorted(got) == sorted(want)
        for k in want:
            assert got[k].dtype == want[k].dtype and torch.equal(got[k], want[k]), k
    with open(os.path.join(FIX, "safetensors.json"), "w") as f:
        json.dump({
            "torch-dtypes": {"metadata": meta, "tensors": {k: values(v) for k, v in tt.items()}},
            "nabla-layout": {"metadata": NABLA_META, "tensors": {k: values(v) for k, v in nt.items()}},
        }, f, separators=(",", ":"), ensure_ascii=False)
    print("wrote test/fixtures/torch-dtypes.safetensors, nabla-layout.safetensors, safetensors.json")


if __name__ == "__main__":
    main()
