#!/usr/bin/python3
"""Interop fixtures for nabla's model files (src/io/model-file.ts, docs/model-files.md), both directions:

1. Reads test/fixtures/model-file/nabla-v1/weights.safetensors (written by nabla, see
   tools/make_model_file_fixture.ts) with Python's `safetensors.torch.load_file`, loads it into the equivalent
   torch.nn.Sequential (renaming nabla's camelCase buffer names to torch's snake_case), runs it in eval mode on
   the fixture's scaled input, and adds the output as "torchOutput" to nabla-v1.expected.json.
2. Writes test/fixtures/model-file/torch-mlp/: a model directory made entirely in Python — weights saved by
   `safetensors.torch.save_file` from a torch model (names renamed to nabla's), model.json written by hand per
   the spec with the file's SHA-256 — and torch-mlp.expected.json with an input and torch's eval-mode output.

Rerun (needs PyTorch and the `safetensors` package; the tests themselves never need Python):

    /usr/bin/python3 -m pip install --target /tmp/pysafe safetensors
    npx tsx tools/make_model_file_fixture.ts          # only if nabla-v1/ itself should be rewritten
    PYTHONPATH=/tmp/pysafe /usr/bin/python3 tools/make_model_file_fixtures.py
"""
import hashlib
import json
import os

import torch
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "test", "fixtures", "model-file")
TO_TORCH = {"runningMean": "running_mean", "runningVar": "running_var", "numBatchesTracked": "num_batches_tracked"}
TO_NABLA = {v: k for k, v in TO_TORCH.items()}


def rename(sd, table):
    out = {}
    for k, v in sd.items():
        *head, last = k.split(".")
        out[".".join(head + [table.get(last, last)])] = v
    return out


def full(t):
    """float32 values as Python floats (exact), nested lists."""
    return t.double().tolist()


def nabla_to_torch():
    sd = load_file(os.path.join(FIX, "nabla-v1", "weights.safetensors"))
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Dropout(0.25),
                                torch.nn.Linear(8, 3), torch.nn.LogSoftmax(dim=-1))
    model.load_state_dict(rename(sd, TO_TORCH), strict=True)
    model.eval()
    path = os.path.join(FIX, "nabla-v1.expected.json")
    with open(path) as f:
        expected = json.load(f)
    with torch.no_grad():
        y = model(torch.tensor(expected["scaledInput"], dtype=torch.float32))
    expected["torchOutput"] = full(y)
    with open(path, "w") as f:
        f.write(json.dumps(expected, separators=(",", ":")) + "\n")


def torch_to_nabla():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(5, 6), torch.nn.BatchNorm1d(6), torch.nn.Tanh(), torch.nn.Linear(6, 2))
    with torch.no_grad():
        for _ in range(2):  # move the running statistics (and num_batches_tracked, int64) away from their start
            model(torch.randn(8, 5) * 2 + 1)
    model.eval()
    d = os.path.join(FIX, "torch-mlp")
    os.makedirs(d, exist_ok=True)
    wpath = os.path.join(d, "weights.safetensors")
    save_file(rename(model.state_dict(), TO_NABLA), wpath, metadata={"format": "pt"})
    with open(wpath, "rb") as f:
        data = f.read()
    lin = lambda i, o: {"inFeatures": i, "outFeatures": o, "bias": True, "dtype": "float32"}
    doc = {
        "format": "nabla-model",
        "formatVersion": 1,
        "nablaVersion": "0.1.0",
        "architecture": {"type": "Sequential", "config": {}, "children": [
            {"name": "0", "type": "Linear", "config": lin(5, 6)},
            {"name": "1", "type": "BatchNorm1d", "config": {"numFeatures": 6}},  # other keys take their defaults
            {"name": "2", "type": "Tanh", "config": {}},
            {"name": "3", "type": "Linear", "config": lin(6, 2)},
        ]},
        "weights": {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
        "optimizer": None,
        "preprocessing": {},
        "metadata": {"writtenBy": "tools/make_model_file_fixtures.py (torch %s)" % torch.__version__},
    }
    with open(os.path.join(d, "model.json"), "w") as f:
        f.write(json.dumps(doc, indent=2) + "\n")
    x = torch.randn(4, 5)
    with torch.no_grad():
        y = model(x)
    with open(os.path.join(FIX, "torch-mlp.expected.json"), "w") as f:
        f.write(json.dumps({"input": full(x), "output": full(y)}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    nabla_to_torch()
    torch_to_nabla()
    print("wrote", FIX)
