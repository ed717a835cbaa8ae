#!/usr/bin/python3
"""PyTorch parity fixtures for nabla's core: tensor ops and their gradients.

Rerun (needs PyTorch; the tests themselves never need Python):

    /usr/bin/python3 tools/make_core_fixtures.py        # writes test/fixtures/core.json

Each case has a name, its inputs, the outputs of a PyTorch expression and the gradients of
``sum_k (out_k * w_k).sum()`` with respect to every float input, where ``w_k`` is a fixed random tensor of
the output's shape (saved in the fixture). test/parity.test.ts maps every case name to the same expression
written with nabla and compares values and gradients (rtol 1e-5, atol 1e-6, float32).

Inputs are rounded to 3 decimals before they become float32, so the JSON's short decimals parse to exactly
the same float32 values in JavaScript. Outputs and gradients are written as the shortest decimal that reads back as
the same float32 (at most 9 significant digits). Inputs avoid kinks (ties, exact zeros of abs, clamp bounds) except in the kinks_* cases, which
pin PyTorch's conventions there.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(20240607)
DTYPE = torch.float32


def randn(*shape, scale=1.0, shift=0.0):
    return torch.round((torch.randn(tuple(shape), dtype=DTYPE) * scale + shift) * 1000) / 1000


def uniform(lo, hi, *shape):
    return torch.round((torch.rand(tuple(shape), dtype=DTYPE) * (hi - lo) + lo) * 1000) / 1000


def away_from(x, points, gap=0.05):
    """Nudges entries that sit within `gap` of a kink point off it (keeps the data deterministic)."""
    x = x.clone()
    for p in points:
        near = (x - p).abs() < gap
        x[near] = torch.where(x[near] >= p, x[near] + 2 * gap, x[near] - 2 * gap)
    return torch.round(x * 1000) / 1000


def distinct(*shape):
    """Values with no ties (a shuffled, scaled range), so max/min/argmax have one winner."""
    n = math.prod(shape)
    perm = torch.randperm(n).to(DTYPE)
    return (torch.round((perm * 0.37 - n * 0.15 + randn(n, scale=0.01)) * 1000) / 1000).reshape(*shape)


def idx(*values):
    return torch.tensor(values, dtype=torch.int64)


CASES = []


def case(name, inputs, fn, ref64=False):
    """ref64: compute the reference in float64 from the same float32 inputs, then round to float32. Used where
    torch's own float32 kernel is the less accurate side (see the large-logit cases)."""
    CASES.append((name, inputs, fn, ref64))


# ------------------------------------------------------------------ element-wise binary (with broadcasting)
A23, B23 = randn(2, 3), randn(2, 3)
A213, B43 = randn(2, 1, 3), randn(4, 3)
case("add", [A23, B23], lambda a, b: a + b)
case("add_broadcast", [A213, B43], lambda a, b: a + b)
case("add_scalar", [A23], lambda a: a + 2.5)
case("sub", [A23, B23], lambda a, b: a - b)
case("sub_broadcast", [A213, B43], lambda a, b: a - b)
case("mul", [A23, B23], lambda a, b: a * b)
case("mul_broadcast", [A213, B43], lambda a, b: a * b)
case("mul_scalar", [A23], lambda a: a * -3.0)
case("div", [A23, away_from(B23, [0], 0.3)], lambda a, b: a / b)
case("div_broadcast", [A213, away_from(B43, [0], 0.3)], lambda a, b: a / b)
case("pow", [uniform(0.5, 2.0, 2, 3), randn(2, 3)], lambda a, b: a ** b)
case("pow_broadcast", [uniform(0.5, 2.0, 2, 1, 3), randn(4, 3)], lambda a, b: a ** b)
case("pow_scalar_exponent", [uniform(0.5, 2.0, 2, 3)], lambda a: a ** 3.0)
case("maximum", [A23, B23], lambda a, b: torch.maximum(a, b))
case("maximum_broadcast", [A213, B43], lambda a, b: torch.maximum(a, b))
case("minimum", [A23, B23], lambda a, b: torch.minimum(a, b))
case("minimum_broadcast", [A213, B43], lambda a, b: torch.minimum(a, b))
COND = torch.tensor([[True, False, True], [False, False, True]])
case("where", [COND, A23, B23], lambda c, a, b: torch.where(c, a, b))
case("where_broadcast", [torch.tensor([True, False, True]), A213, B43], lambda c, a, b: torch.where(c, a, b))

# ------------------------------------------------------------------ element-wise unary
X = randn(3, 4)
case("clamp", [away_from(randn(3, 4), [-0.5, 0.7])], lambda x: torch.clamp(x, -0.5, 0.7))
case("clamp_min", [away_from(randn(3, 4), [0.2])], lambda x: torch.clamp(x, min=0.2))
case("neg", [X], lambda x: -x)
case("exp", [X], torch.exp)
case("log", [uniform(0.1, 3.0, 3, 4)], torch.log)
case("sqrt", [uniform(0.1, 3.0, 3, 4)], torch.sqrt)
case("abs", [away_from(X, [0])], torch.abs)
case("sin", [X], torch.sin)
case("cos", [X], torch.cos)
case("tanh", [randn(3, 4, scale=2)], torch.tanh)
case("sigmoid", [randn(3, 4, scale=3)], torch.sigmoid)
case("erf", [X], torch.erf)
case("expm1", [torch.cat([randn(8), torch.tensor([1e-4, -2e-4, 3e-3, -1e-3])]).reshape(3, 4)], torch.expm1)
case("log1p", [torch.cat([uniform(-0.9, 3.0, 8), torch.tensor([1e-4, -2e-4, 3e-3, -1e-3])]).reshape(3, 4)], torch.log1p)

# ------------------------------------------------------------------ reductions
R = randn(3, 4)
RP = uniform(0.5, 1.5, 3, 4)
RD = distinct(3, 4)
for op, fn in [("sum", torch.sum), ("mean", torch.mean)]:
    case(f"{op}_dim1", [R], lambda x, fn=fn: fn(x, 1))
    case(f"{op}_dim0_keep", [R], lambda x, fn=fn: fn(x, 0, keepdim=True))
    case(f"{op}_all", [R], lambda x, fn=fn: fn(x))
case("sum_dims_3d", [randn(2, 3, 4)], lambda x: torch.sum(x, (0, 2)))
case("prod_dim1", [RP], lambda x: torch.prod(x, 1))
case("prod_dim0_keep", [RP], lambda x: torch.prod(x, 0, keepdim=True))
case("prod_all", [RP], lambda x: torch.prod(x))
case("prod_with_zero", [torch.tensor([[0.5, 0.0, 2.0], [1.5, -0.5, 3.0]])], lambda x: torch.prod(x, 1))
for op in ["max", "min"]:
    case(f"{op}_dim1", [RD], lambda x, op=op: getattr(torch, op)(x, 1).values)
    case(f"{op}_dim0_keep", [RD], lambda x, op=op: getattr(torch, op)(x, 0, keepdim=True).values)
    case(f"{op}_all", [RD], lambda x, op=op: getattr(torch, op)(x))
for op in ["var", "std"]:
    case(f"{op}_dim1", [R], lambda x, op=op: getattr(torch, op)(x, 1))
    case(f"{op}_dim0_keep", [R], lambda x, op=op: getattr(torch, op)(x, 0, keepdim=True))
    case(f"{op}_all", [R], lambda x, op=op: getattr(torch, op)(x))
    case(f"{op}_dim1_population", [R], lambda x, op=op: getattr(torch, op)(x, 1, unbiased=False))
case("logsumexp_dim1", [R], lambda x: torch.logsumexp(x, 1))
case("logsumexp_dim0_keep", [R], lambda x: torch.logsumexp(x, 0, keepdim=True))
case("logsumexp_all", [R], lambda x: torch.logsumexp(x, (0, 1)))
# torch's float32 logsumexp backward is exp(x − lse) with lse rounded near 1000 (spacing 6e-5), so its gradient
# is off by ~3e-5 relative; nabla's matches float64. These large-logit cases use a float64 reference.
case("logsumexp_large", [torch.tensor([[1000.0, 999.0, -1000.0], [-5.0, 0.0, 5.0]])], lambda x: torch.logsumexp(x, 1),
     ref64=True)
case("argmax_dim1", [RD], lambda x: torch.argmax(x, 1))
case("argmax_dim0_keep", [RD], lambda x: torch.argmax(x, 0, keepdim=True))
case("argmax_all", [RD], lambda x: torch.argmax(x))
case("argmin_dim1", [RD], lambda x: torch.argmin(x, 1))
case("argmin_all", [RD], lambda x: torch.argmin(x))

# ------------------------------------------------------------------ movement
M = randn(2, 3, 4)
case("reshape", [M], lambda x: x.reshape(4, 6))
case("reshape_infer", [M], lambda x: x.reshape(-1, 2))
case("permute", [M], lambda x: x.permute(2, 0, 1))
case("permute_then_reshape", [M], lambda x: x.permute(1, 2, 0).reshape(3, 8))
case("transpose", [M], lambda x: x.transpose(0, 2))
case("expand", [randn(3, 1)], lambda x: x.expand(2, 3, 4))
case("squeeze", [randn(2, 1, 3, 1)], lambda x: x.squeeze())
case("squeeze_dim", [randn(2, 1, 3, 1)], lambda x: x.squeeze(1))
case("unsqueeze", [randn(2, 3)], lambda x: x.unsqueeze(1))
case("unsqueeze_neg", [randn(2, 3)], lambda x: x.unsqueeze(-1))
S = randn(4, 6)
case("slice_step", [S], lambda x: x[:, 1::2])
case("slice_rows_step", [S], lambda x: x[0:4:3, 1:5])
case("slice_neg_bounds", [S], lambda x: x[-3:, :-2:3])
case("select", [S], lambda x: x[2])
case("flip", [M], lambda x: torch.flip(x, [0, 2]))
case("cat_dim0", [randn(2, 3), randn(1, 3)], lambda a, b: torch.cat([a, b], 0))
case("cat_dim1", [randn(2, 3), randn(2, 2), randn(2, 1)], lambda a, b, c: torch.cat([a, b, c], 1))
case("stack_dim0", [randn(2, 3), randn(2, 3)], lambda a, b: torch.stack([a, b], 0))
case("stack_dim_last", [randn(2, 3), randn(2, 3)], lambda a, b: torch.stack([a, b], -1))
case("split_size", [randn(5, 2)], lambda x: torch.split(x, 2, 0))
case("split_sizes", [randn(2, 5)], lambda x: torch.split(x, [1, 3, 1], 1))
case("pad_constant", [randn(2, 3)], lambda x: F.pad(x, (1, 2), value=0.5))
case("pad_two_dims", [randn(2, 3)], lambda x: F.pad(x, (0, 1, 2, 1)))
G = randn(3, 4)
case("gather_dim1", [G, idx([0, 3, 3], [2, 1, 0], [1, 1, 2])], lambda x, i: torch.gather(x, 1, i))
case("gather_dim0", [G, idx([2, 0, 1, 2], [0, 0, 2, 1])], lambda x, i: torch.gather(x, 0, i))
case("scatter_add_dim0", [randn(3, 4), idx([0, 1, 0, 2], [2, 1, 0, 0]), randn(2, 4)],
     lambda b, i, s: torch.scatter_add(b, 0, i, s))
case("scatter_add_dim1", [randn(2, 5), idx([0, 4, 0], [3, 3, 1]), randn(2, 3)],
     lambda b, i, s: torch.scatter_add(b, 1, i, s))
case("index_select_dim0", [G, idx(2, 0, 2)], lambda x, i: torch.index_select(x, 0, i))
case("index_select_dim1", [G, idx(3, 1)], lambda x, i: torch.index_select(x, 1, i))
case("one_hot", [idx(0, 2, 1, 2)], lambda i: F.one_hot(i, 3))
case("one_hot_2d", [idx([1, 0], [3, 2])], lambda i: F.one_hot(i, 5))

# ------------------------------------------------------------------ matmul
case("matmul_2d", [randn(3, 4), randn(4, 5)], torch.matmul)
case("matmul_batched", [randn(2, 3, 4), randn(2, 4, 2)], torch.matmul)
case("matmul_batched_broadcast", [randn(2, 1, 3, 4), randn(3, 4, 2)], torch.matmul)
case("matmul_batched_matrix", [randn(2, 3, 4), randn(4, 2)], torch.matmul)
case("matmul_1d_1d", [randn(4), randn(4)], torch.matmul)
case("matmul_1d_2d", [randn(4), randn(4, 3)], torch.matmul)
case("matmul_2d_1d", [randn(3, 4), randn(4)], torch.matmul)
case("matmul_batched_1d", [randn(2, 3, 4), randn(4)], torch.matmul)
case("matmul_1d_batched", [randn(4), randn(2, 4, 3)], torch.matmul)

# ------------------------------------------------------------------ activations
ACT = randn(3, 5, scale=2.5)
case("relu_with_zeros", [torch.tensor([[-1.5, 0.0, 2.0, 0.0], [0.5, -0.25, 0.0, 3.0]])], F.relu)  # relu'(0) = 0
case("relu", [away_from(ACT, [0])], F.relu)
case("leaky_relu", [away_from(ACT, [0])], lambda x: F.leaky_relu(x, 0.2))
case("hardswish", [away_from(randn(3, 5, scale=3), [-3, 3])], F.hardswish)
case("hardsigmoid", [away_from(randn(3, 5, scale=3), [-3, 3])], F.hardsigmoid)
case("relu6", [away_from(randn(3, 5, scale=4, shift=2), [0, 6])], F.relu6)
case("elu", [away_from(ACT, [0])], F.elu)
case("elu_alpha", [away_from(ACT, [0])], lambda x: F.elu(x, 0.5))
case("selu", [away_from(ACT, [0])], F.selu)
case("silu", [ACT], F.silu)
case("mish", [ACT], F.mish)
case("softplus", [torch.cat([ACT.flatten(), torch.tensor([30.0, -30.0, 15.0])]).reshape(3, 6)], F.softplus)
case("softplus_beta", [ACT], lambda x: F.softplus(x, beta=2.0))
case("gelu", [ACT], F.gelu)
case("gelu_tanh", [ACT], lambda x: F.gelu(x, approximate="tanh"))
LOGITS = randn(3, 4, scale=2)
LARGE = torch.tensor([[1000.0, 999.0, 998.0, -1000.0], [0.5, -0.5, 1.0, 2.0], [-1000.0, -1001.0, -999.5, -1000.0]])
case("softmax_last", [LOGITS], lambda x: torch.softmax(x, -1))
case("softmax_dim0", [LOGITS], lambda x: torch.softmax(x, 0))
case("softmax_large", [LARGE], lambda x: torch.softmax(x, -1), ref64=True)
case("log_softmax_last", [LOGITS], lambda x: torch.log_softmax(x, -1))
case("log_softmax_dim0", [LOGITS], lambda x: torch.log_softmax(x, 0))
case("log_softmax_large", [LARGE], lambda x: torch.log_softmax(x, -1), ref64=True)


# ------------------------------------------------------------------ ops on non-contiguous views
V = randn(3, 4)
case("view_matmul_transposed", [V, randn(3, 2)], lambda a, b: a.t() @ b)
case("view_exp_of_flipped_slice", [V], lambda x: torch.exp(torch.flip(x, [1])[:, ::2]))
case("view_sum_of_permuted", [randn(2, 3, 4)], lambda x: x.permute(2, 0, 1).sum(1))
case("view_softmax_of_transposed", [V], lambda x: torch.softmax(x.t(), -1))
case("view_cat_of_transposed", [V, randn(4, 2)], lambda a, b: torch.cat([a.t(), b], 1))
case("view_mul_expanded_by_transposed", [randn(4, 1), V], lambda a, b: a.expand(4, 3) * b.t())

# ------------------------------------------------------------------ at the kinks, on purpose
# These pin PyTorch 1.13's conventions where a derivative does not exist (or is one-sided): relu'(0) = 0,
# leaky_relu'(0) = slope, relu6 and hardsigmoid pass no gradient at their corners, hardswish takes
# −0.5 at −3 and 1.5 at 3, elu'(0) = α (and selu'(0) = scale·α), clamp passes the gradient at its bounds,
# abs'(0) = 0, ties in maximum/minimum split the gradient in half, amax/max/min over ties split it evenly.
KINKS = torch.tensor([[-3.0, 3.0, 0.0, 6.0], [-1.0, 1.0, 0.0, 2.5]])
case("kinks_relu", [KINKS], F.relu)
case("kinks_leaky_relu", [KINKS], lambda x: F.leaky_relu(x, 0.2))
case("kinks_relu6", [KINKS], F.relu6)
case("kinks_hardsigmoid", [KINKS], F.hardsigmoid)
case("kinks_hardswish", [KINKS], F.hardswish)
case("kinks_elu", [KINKS], lambda x: F.elu(x, 0.5))
case("kinks_selu", [KINKS], F.selu)
case("kinks_softplus", [KINKS], F.softplus)
case("kinks_clamp", [KINKS], lambda x: torch.clamp(x, -1.0, 1.0))
case("kinks_abs", [KINKS], torch.abs)
case("kinks_maximum_ties", [torch.tensor([1.0, 2.0, -0.5]), torch.tensor([1.0, 3.0, -0.5])], torch.maximum)
case("kinks_minimum_ties", [torch.tensor([1.0, 2.0, -0.5]), torch.tensor([1.0, 3.0, -0.5])], torch.minimum)
TIES = torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
case("kinks_amax_ties", [TIES], lambda x: torch.amax(x, 1))
case("kinks_amin_ties", [TIES], lambda x: torch.amin(x, 1))
case("kinks_max_all_ties", [TIES], lambda x: torch.max(x))
case("kinks_min_all_ties", [TIES], lambda x: torch.min(x))

# ------------------------------------------------------------------ evaluation and output
def num(v):
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        raise ValueError(f"non-finite value {v} in a fixture")
    s = str(np.float32(v))  # the shortest decimal that reads back as the same float32 (at most 9 digits)
    f = float(s)
    return int(f) if f.is_integer() and abs(f) < 2**53 else f


def pack(t):
    """{shape, data[, dtype]}: data flat row-major; dtype only when not float32."""
    out = {"shape": list(t.shape), "data": [num(v) for v in t.detach().flatten().tolist()]}
    if t.dtype == torch.bool:
        out["dtype"] = "bool"
        out["data"] = [int(v) for v in t.flatten().tolist()]
    elif t.dtype in (torch.int64, torch.int32):
        out["dtype"] = "int32"
    elif t.dtype != DTYPE:
        raise ValueError(f"unexpected dtype {t.dtype}")
    return out


def run(name, inputs, fn, ref64):
    work = torch.float64 if ref64 else DTYPE
    xs = [(x.to(work) if x.is_floating_point() else x).clone().requires_grad_(x.is_floating_point()) for x in inputs]
    res = fn(*xs)
    outs = list(res) if isinstance(res, (tuple, list)) else [res]
    ws = [randn(*o.shape) if o.is_floating_point() else None for o in outs]
    loss = sum(((o * w.to(work)).sum() for o, w in zip(outs, ws) if w is not None), torch.zeros((), dtype=work))
    grads = [None] * len(xs)
    if loss.requires_grad:
        diff = [x for x in xs if x.requires_grad]
        gs = torch.autograd.grad(loss, diff, allow_unused=True)
        it = iter(gs)
        for k, x in enumerate(xs):
            if x.requires_grad:
                g = next(it)
                grads[k] = pack((g if g is not None else torch.zeros_like(x)).to(DTYPE))
    outs = [o.to(DTYPE) if o.is_floating_point() else o for o in outs]
    entry = {
        "name": name,
        "inputs": [pack(x) for x in inputs],
        "outputs": [pack(o) for o in outs],
        "weights": [pack(w) if w is not None else None for w in ws],
        "grads": grads,
    }
    if ref64:
        entry["reference"] = "float64"
    return entry


def main():
    names = [c[0] for c in CASES]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"duplicate case names: {sorted(dupes)}")
    fixture = {
        "about": "PyTorch parity fixtures for nabla's core; made by tools/make_core_fixtures.py "
                 f"with torch {torch.__version__}, float32. Loss per case: sum_k (outputs[k] * weights[k]).sum(); "
                 "grads[i] is its gradient w.r.t. inputs[i] (null for non-float inputs). Cases marked "
                 "reference: float64 were computed in float64 from the same float32 inputs, then rounded.",
        "cases": [run(*c) for c in CASES],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "core.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = json.dumps(fixture, separators=(",", ":"))
    with open(path, "w") as f:
        f.write(text + "\n")
    print(f"wrote {len(CASES)} cases, {len(text) / 1024:.1f} KB to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
