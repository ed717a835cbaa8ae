#!/usr/bin/env python3
"""PyTorch reference values for nabla's loss functions (test/losses.test.ts reads the output).

Rerun from the repository root with the Debian PyTorch (1.13):

    /usr/bin/python3 tools/make_loss_fixtures.py

It writes test/fixtures/losses.json. Every case holds its inputs (float32-representable numbers, so nabla and
PyTorch see the same float32 values), the options in nabla's spelling, the loss, and the gradient of the loss
with respect to the prediction(s). References are computed in float64 from those float32 values; for
reduction "none" the gradient is that of sum(loss * gradOut) with the stored gradOut.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(20240611)


def f32(a):
    """float32-representable values, as a float64 numpy array."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def enc(a, dtype="float32"):
    a = np.asarray(a)
    flat = a.reshape(-1).tolist()
    if dtype == "int32":
        data = [int(v) for v in flat]
    else:
        data = [float("%.9g" % v) for v in flat]
    return {"shape": list(a.shape), "dtype": dtype, "data": data}


def out_enc(t):
    a = t.detach().numpy()
    return {"shape": list(a.shape), "data": [float("%.10g" % v) for v in a.reshape(-1).tolist()]}


cases = []


def case(name, fn, torch_fn, args, options=None, torch_kwargs=None, diff=(0,)):
    """args: list of (numpy array, dtype). diff: positions of the predictions to differentiate."""
    options = options or {}
    torch_kwargs = torch_kwargs or {}
    targs = []
    for i, (a, dt) in enumerate(args):
        if dt == "int32":
            targs.append(torch.tensor(np.asarray(a), dtype=torch.long))
        else:
            targs.append(torch.tensor(f32(a), dtype=torch.float64, requires_grad=i in diff))
    kw = {}
    opts = {}
    for k, v in options.items():
        if isinstance(v, np.ndarray):
            opts[k] = enc(f32(v))
        else:
            opts[k] = v
    for k, v in torch_kwargs.items():
        kw[k] = torch.tensor(f32(v), dtype=torch.float64) if isinstance(v, np.ndarray) else v
    out = torch_fn(*targs, **kw)
    grad_out = None
    if out.dim() == 0:
        out.backward()
    else:
        g = f32(rng.uniform(-1, 1, size=tuple(out.shape)))
        grad_out = enc(g)
        out.backward(torch.tensor(g, dtype=torch.float64))
    cases.append({
        "name": name,
        "fn": fn,
        "args": [enc(a, "int32") if dt == "int32" else enc(f32(a)) for a, dt in args],
        "options": opts,
        "out": out_enc(out),
        "gradOut": grad_out,
        "grads": [out_enc(targs[i].grad) for i in diff],
    })


RED = ["mean", "sum", "none"]

# ---------------------------------------------------------------- regression
x = rng.normal(size=(4, 3)) * 2
y = rng.normal(size=(4, 3)) * 2
for r in RED:
    case(f"mseLoss {r}", "mseLoss", lambda a, b, **k: F.mse_loss(a, b, **k), [(x, "f"), (y, "f")], {"reduction": r}, {"reduction": r})
    case(f"l1Loss {r}", "l1Loss", lambda a, b, **k: F.l1_loss(a, b, **k), [(x, "f"), (y, "f")], {"reduction": r}, {"reduction": r})
for delta in [1.0, 0.5, 2.5]:
    for r in RED:
        case(f"huberLoss delta={delta} {r}", "huberLoss", lambda a, b, **k: F.huber_loss(a, b, **k),
             [(x, "f"), (y, "f")], {"delta": delta, "reduction": r}, {"delta": delta, "reduction": r})
for beta in [1.0, 0.3, 0.0]:
    for r in RED:
        case(f"smoothL1Loss beta={beta} {r}", "smoothL1Loss", lambda a, b, **k: F.smooth_l1_loss(a, b, **k),
             [(x, "f"), (y, "f")], {"beta": beta, "reduction": r}, {"beta": beta, "reduction": r})

# ---------------------------------------------------------------- binary cross-entropy
p = rng.uniform(0.02, 0.98, size=(4, 3))
hard = rng.integers(0, 2, size=(4, 3)).astype(np.float64)
soft = rng.uniform(0, 1, size=(4, 3))
wcol = rng.uniform(0.5, 2, size=(3,))
wrow = rng.uniform(0.5, 2, size=(4, 1))
for r in RED:
    case(f"binaryCrossEntropy hard {r}", "binaryCrossEntropy", lambda a, b, **k: F.binary_cross_entropy(a, b, **k),
         [(p, "f"), (hard, "f")], {"reduction": r}, {"reduction": r})
    case(f"binaryCrossEntropy soft weight[3] {r}", "binaryCrossEntropy", lambda a, b, **k: F.binary_cross_entropy(a, b, **k),
         [(p, "f"), (soft, "f")], {"reduction": r, "weight": wcol}, {"reduction": r, "weight": wcol})
logits = rng.normal(size=(4, 3)) * 3
logits[0, 0], logits[1, 1], logits[2, 2] = 40.0, -40.0, 0.0
pw = rng.uniform(0.5, 3, size=(3,))
for r in RED:
    case(f"binaryCrossEntropyWithLogits hard {r}", "binaryCrossEntropyWithLogits",
         lambda a, b, **k: F.binary_cross_entropy_with_logits(a, b, **k), [(logits, "f"), (hard, "f")], {"reduction": r}, {"reduction": r})
    case(f"binaryCrossEntropyWithLogits soft posWeight weight[4,1] {r}", "binaryCrossEntropyWithLogits",
         lambda a, b, **k: F.binary_cross_entropy_with_logits(a, b, **k), [(logits, "f"), (soft, "f")],
         {"reduction": r, "posWeight": pw, "weight": wrow}, {"reduction": r, "pos_weight": pw, "weight": wrow})

# ---------------------------------------------------------------- nll / cross-entropy
N, C = 6, 4
z = rng.normal(size=(N, C)) * 2
t = rng.integers(0, C, size=(N,))
t_ign = t.copy()
t_ign[[1, 4]] = -100
t_ign7 = t.copy()
t_ign7[2] = 7  # a custom ignoreIndex outside [0, C)
cw = rng.uniform(0.2, 2, size=(C,))
z3 = rng.normal(size=(3, C, 2)) * 2
t3 = rng.integers(0, C, size=(3, 2))
t3[0, 1] = -100
z1 = rng.normal(size=(C,)) * 2
t1 = np.array(2)
prob = rng.dirichlet(np.ones(C), size=N)
prob3 = np.moveaxis(rng.dirichlet(np.ones(C), size=(3, 2)), -1, 1)
logp = torch.log_softmax(torch.tensor(f32(z)), 1).numpy()


def ce(a, b, **k):
    return F.cross_entropy(a, b, **k)


def nll(a, b, **k):
    return F.nll_loss(a, b, **k)


for r in RED:
    case(f"crossEntropy index {r}", "crossEntropy", ce, [(z, "f"), (t, "int32")], {"reduction": r}, {"reduction": r})
    case(f"crossEntropy index weight {r}", "crossEntropy", ce, [(z, "f"), (t, "int32")], {"reduction": r, "weight": cw}, {"reduction": r, "weight": cw})
    case(f"crossEntropy index ignore weight {r}", "crossEntropy", ce, [(z, "f"), (t_ign, "int32")],
         {"reduction": r, "weight": cw}, {"reduction": r, "weight": cw})
    case(f"crossEntropy index ignoreIndex=7 {r}", "crossEntropy", ce, [(z, "f"), (t_ign7, "int32")],
         {"reduction": r, "ignoreIndex": 7}, {"reduction": r, "ignore_index": 7})
    case(f"crossEntropy index smoothing {r}", "crossEntropy", ce, [(z, "f"), (t_ign, "int32")],
         {"reduction": r, "labelSmoothing": 0.1}, {"reduction": r, "label_smoothing": 0.1})
    case(f"crossEntropy index smoothing weight {r}", "crossEntropy", ce, [(z, "f"), (t_ign, "int32")],
         {"reduction": r, "labelSmoothing": 0.2, "weight": cw}, {"reduction": r, "label_smoothing": 0.2, "weight": cw})
    case(f"crossEntropy index [N,C,d] weight {r}", "crossEntropy", ce, [(z3, "f"), (t3, "int32")],
         {"reduction": r, "weight": cw}, {"reduction": r, "weight": cw})
    case(f"crossEntropy index unbatched {r}", "crossEntropy", ce, [(z1, "f"), (t1, "int32")], {"reduction": r}, {"reduction": r})
    case(f"crossEntropy probs {r}", "crossEntropy", ce, [(z, "f"), (prob, "f")], {"reduction": r}, {"reduction": r})
    case(f"crossEntropy probs weight smoothing {r}", "crossEntropy", ce, [(z, "f"), (prob, "f")],
         {"reduction": r, "weight": cw, "labelSmoothing": 0.15}, {"reduction": r, "weight": cw, "label_smoothing": 0.15})
    case(f"crossEntropy probs [N,C,d] {r}", "crossEntropy", ce, [(z3, "f"), (prob3, "f")], {"reduction": r}, {"reduction": r})
    case(f"nllLoss {r}", "nllLoss", nll, [(logp, "f"), (t, "int32")], {"reduction": r}, {"reduction": r})
    case(f"nllLoss ignore weight {r}", "nllLoss", nll, [(logp, "f"), (t_ign, "int32")],
         {"reduction": r, "weight": cw}, {"reduction": r, "weight": cw})
    case(f"nllLoss [N,C,d] {r}", "nllLoss", nll, [(z3, "f"), (t3, "int32")], {"reduction": r}, {"reduction": r})

# ---------------------------------------------------------------- KL divergence
q_in = torch.log_softmax(torch.tensor(rng.normal(size=(4, 5))), 1).numpy()
q_t = rng.dirichlet(np.ones(5), size=4)
q_t[1, 3] = 0.0  # a zero-probability target: contributes 0
for r in ["mean", "batchmean", "sum", "none"]:
    case(f"klDiv {r}", "klDiv", lambda a, b, **k: F.kl_div(a, b, **k), [(q_in, "f"), (q_t, "f")], {"reduction": r}, {"reduction": r})
    lt = np.log(rng.dirichlet(np.ones(5), size=4))
    case(f"klDiv logTarget {r}", "klDiv", lambda a, b, **k: F.kl_div(a, b, **k), [(q_in, "f"), (lt, "f")],
         {"reduction": r, "logTarget": True}, {"reduction": r, "log_target": True})

# ---------------------------------------------------------------- margin losses
s = rng.normal(size=(5, 4))
ts = rng.integers(0, 4, size=(5,))
mw = rng.uniform(0.5, 2, size=(4,))
for r in RED:
    for pp, margin in [(1, 1.0), (2, 1.0), (1, 0.5)]:
        case(f"multiMarginLoss p={pp} margin={margin} {r}", "multiMarginLoss", lambda a, b, **k: F.multi_margin_loss(a, b, **k),
             [(s, "f"), (ts, "int32")], {"reduction": r, "p": pp, "margin": margin}, {"reduction": r, "p": pp, "margin": margin})
    case(f"multiMarginLoss p=2 weight {r}", "multiMarginLoss", lambda a, b, **k: F.multi_margin_loss(a, b, **k),
         [(s, "f"), (ts, "int32")], {"reduction": r, "p": 2, "weight": mw}, {"reduction": r, "p": 2, "weight": mw})
    case(f"multiMarginLoss unbatched {r}", "multiMarginLoss", lambda a, b, **k: F.multi_margin_loss(a, b, **k),
         [(s[0], "f"), (np.array(ts[0]), "int32")], {"reduction": r}, {"reduction": r})

d = rng.uniform(0, 2, size=(6,))
yd = np.array([1, -1, 1, -1, -1, 1], dtype=np.float64)
for r in RED:
    for margin in [1.0, 1.5]:
        case(f"hingeEmbeddingLoss margin={margin} {r}", "hingeEmbeddingLoss", lambda a, b, **k: F.hinge_embedding_loss(a, b, **k),
             [(d, "f"), (yd, "f")], {"reduction": r, "margin": margin}, {"reduction": r, "margin": margin})

a1 = rng.normal(size=(5, 3))
a2 = rng.normal(size=(5, 3))
yc = np.array([1, -1, 1, -1, -1], dtype=np.float64)
for r in RED:
    for margin in [0.0, -0.2]:
        case(f"cosineEmbeddingLoss margin={margin} {r}", "cosineEmbeddingLoss", lambda a, b, c, **k: F.cosine_embedding_loss(a, b, c, **k),
             [(a1, "f"), (a2, "f"), (yc, "f")], {"reduction": r, "margin": margin}, {"reduction": r, "margin": margin}, diff=(0, 1))
    case(f"cosineEmbeddingLoss unbatched {r}", "cosineEmbeddingLoss", lambda a, b, c, **k: F.cosine_embedding_loss(a, b, c, **k),
         [(a1[0], "f"), (a2[0], "f"), (np.array(-1.0), "f")], {"reduction": r, "margin": -0.5}, {"reduction": r, "margin": -0.5}, diff=(0, 1))

# ---------------------------------------------------------------- more option combinations
logp1 = torch.log_softmax(torch.tensor(f32(z1)), 0).numpy()
for r in RED:
    case(f"nllLoss unbatched {r}", "nllLoss", nll, [(logp1, "f"), (t1, "int32")], {"reduction": r}, {"reduction": r})
    case(f"crossEntropy probs unbatched {r}", "crossEntropy", ce, [(z1, "f"), (prob[0], "f")], {"reduction": r}, {"reduction": r})
    case(f"binaryCrossEntropyWithLogits posWeight only {r}", "binaryCrossEntropyWithLogits",
         lambda a, b, **k: F.binary_cross_entropy_with_logits(a, b, **k), [(logits, "f"), (hard, "f")],
         {"reduction": r, "posWeight": pw}, {"reduction": r, "pos_weight": pw})

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
path = os.path.join(root, "test", "fixtures", "losses.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as fh:
    json.dump({"generator": "tools/make_loss_fixtures.py", "torch": torch.__version__, "cases": cases}, fh, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {os.path.relpath(path, root)} ({os.path.getsize(path)} bytes)")
