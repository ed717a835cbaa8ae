#!/usr/bin/python3
"""PyTorch parity fixtures for nabla's layers (src/nn/layers): forward values, input gradients, parameter
gradients and updated buffers.

Rerun (needs PyTorch; the tests themselves never need Python):

    /usr/bin/python3 tools/make_nn_fixtures.py        # writes test/fixtures/nn.json

Each case builds a torch module, overwrites its parameters and buffers with rounded random values (saved as
``state``, keys in nabla's camelCase: running_mean -> runningMean), optionally runs ``warmup`` batches
in training mode, then runs ``input`` in the case's ``mode`` and backpropagates ``(output * gradOut).sum()``.
test/nn-layers.test.ts builds the same layer, loads ``state`` with loadStateDict (torch's RNG is never
reproduced), and compares output, input gradient, parameter gradients and the buffers afterwards (rtol 1e-5,
atol 1e-6, float32). Inputs and weights are rounded to 3 decimals so the JSON parses to the same float32s.
"""
import json
import os
import re

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(31415)
DTYPE = torch.float32


def randn(*shape, scale=1.0, shift=0.0):
    return torch.round((torch.randn(tuple(shape), dtype=DTYPE) * scale + shift) * 1000) / 1000


def away_from(x, points, gap=0.05):
    x = x.clone()
    for p in points:
        near = (x - p).abs() < gap
        x[near] = torch.where(x[near] >= p, x[near] + 2 * gap, x[near] - 2 * gap)
    return torch.round(x * 1000) / 1000


def f32(v):
    return float(repr(np.float32(v)))


def pack(t):
    t = t.detach()
    out = {"shape": list(t.shape)}
    if t.dtype in (torch.int64, torch.int32):
        out["dtype"] = "int32"
        out["data"] = [int(v) for v in t.reshape(-1).tolist()]
    else:
        out["data"] = [f32(v) for v in t.reshape(-1).tolist()]
    return out


def camel(key):
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), key)


CASES = []


def case(name, module, x, mode="train", warmup=(), state=None):
    """state: optional dict name -> tensor to load (default: random values for every float parameter)."""
    with torch.no_grad():
        for k, p in module.named_parameters():
            p.copy_(randn(*p.shape, scale=0.5, shift=1.0 if k.endswith("weight") and "norm" in name else 0.0))
        for k, v in (state or {}).items():
            module.state_dict()[k].copy_(v)
    saved = {camel(k): pack(v) for k, v in module.state_dict().items()}
    module.train()
    for w in warmup:
        with torch.no_grad():
            module(w)
    module.train(mode == "train")
    if x.dtype.is_floating_point:
        x = x.clone().requires_grad_(True)
    y = module(x)
    g = randn(*y.shape)
    (y * g).sum().backward()
    CASES.append({
        "name": name,
        "mode": mode,
        "state": saved,
        "warmup": [pack(w) for w in warmup],
        "input": pack(x),
        "gradOut": pack(g),
        "output": pack(y),
        "inputGrad": pack(x.grad) if x.dtype.is_floating_point else None,
        "paramGrads": {camel(k): pack(p.grad) for k, p in module.named_parameters()},
        "buffersAfter": {camel(k): pack(b) for k, b in module.named_buffers()},
    })


# ------------------------------------------------------------------ Linear
case("linear", nn.Linear(4, 3), randn(5, 4))
case("linear_no_bias", nn.Linear(4, 3, bias=False), randn(5, 4))
case("linear_3d_input", nn.Linear(4, 3), randn(2, 5, 4))
case("linear_1d_input", nn.Linear(4, 3), randn(4))

# ------------------------------------------------------------------ activations (inputs off the kinks)
XA = away_from(randn(4, 6, scale=3.0), [0, -3, 3, 6])
case("relu", nn.ReLU(), XA)
case("leaky_relu", nn.LeakyReLU(0.2), XA)
case("relu6", nn.ReLU6(), away_from(randn(4, 6, scale=4.0, shift=2.0), [0, 6]))
case("sigmoid", nn.Sigmoid(), XA)
case("tanh", nn.Tanh(), XA)
case("hardsigmoid", nn.Hardsigmoid(), XA)
case("hardswish", nn.Hardswish(), XA)
case("softmax_dim0", nn.Softmax(dim=0), XA)
case("softmax_dim1", nn.Softmax(dim=1), XA)
case("log_softmax", nn.LogSoftmax(dim=-1), XA)
case("gelu", nn.GELU(), XA)
case("gelu_tanh", nn.GELU(approximate="tanh"), XA)
case("elu", nn.ELU(alpha=0.7), XA)
case("selu", nn.SELU(), XA)
case("silu", nn.SiLU(), XA)
case("mish", nn.Mish(), XA)
case("softplus", nn.Softplus(beta=2.0), XA)
case("identity", nn.Identity(), XA)
case("flatten", nn.Flatten(), randn(2, 3, 2, 2))

# ------------------------------------------------------------------ normalization
RUN = {"running_mean": randn(3, scale=0.5), "running_var": torch.round((torch.rand(3) + 0.5) * 1000) / 1000}
case("batch_norm_train_2d", nn.BatchNorm1d(3), randn(6, 3, scale=2.0, shift=0.5), state=RUN)
case("batch_norm_train_3d", nn.BatchNorm1d(3), randn(4, 3, 5), state=RUN)
case("batch_norm_eval", nn.BatchNorm1d(3), randn(6, 3), mode="eval", state=RUN)
case("batch_norm_eval_3d", nn.BatchNorm1d(3), randn(2, 3, 4), mode="eval", state=RUN)
case("batch_norm_no_affine", nn.BatchNorm1d(3, affine=False), randn(6, 3))
case("batch_norm_momentum", nn.BatchNorm1d(3, momentum=0.3, eps=1e-3), randn(5, 3), warmup=[randn(4, 3), randn(7, 3)])
case("batch_norm_cumulative", nn.BatchNorm1d(3, momentum=None), randn(5, 3), warmup=[randn(4, 3), randn(7, 3)])
case("batch_norm_no_running_stats", nn.BatchNorm1d(3, track_running_stats=False), randn(6, 3), mode="eval")
case("layer_norm", nn.LayerNorm(6), randn(4, 6, scale=2.0, shift=1.0))
case("layer_norm_2d", nn.LayerNorm([3, 4]), randn(2, 3, 4))
case("layer_norm_no_affine", nn.LayerNorm(5, elementwise_affine=False, eps=1e-3), randn(3, 5))

# ------------------------------------------------------------------ Embedding (repeated ids accumulate gradients)
case("embedding", nn.Embedding(10, 4, padding_idx=1), torch.tensor([[1, 2, 3], [3, 1, 9]]))
case("embedding_no_padding", nn.Embedding(6, 3), torch.tensor([0, 5, 5, 2]))

# ------------------------------------------------------------------ containers: names as in PyTorch
case("sequential_nested", nn.Sequential(nn.Sequential(nn.Linear(3, 8), nn.Tanh()), nn.Linear(8, 2)), randn(4, 3))
case("sequential_mlp_bn", nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2), nn.LogSoftmax(dim=1)),
     randn(6, 3), state={"1.running_var": torch.round((torch.rand(5) + 0.5) * 1000) / 1000})


def main():
    names = [c["name"] for c in CASES]
    assert len(set(names)) == len(names), "duplicate case names"
    fixture = {
        "about": "PyTorch parity fixtures for nabla's layers; made by tools/make_nn_fixtures.py with torch "
                 f"{torch.__version__}, float32. Loss per case: (output * gradOut).sum().",
        "cases": CASES,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "nn.json")
    text = json.dumps(fixture, separators=(",", ":"))
    with open(path, "w") as f:
        f.write(text + "\n")
    print(f"wrote {len(CASES)} cases, {len(text) / 1024:.1f} KB to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
