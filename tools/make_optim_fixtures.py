#!/usr/bin/python3
"""PyTorch (and scikit-learn) fixtures for nabla's optimizers, gradient clipping and learning-rate schedules.

Rerun (needs PyTorch 1.13 and scikit-learn; the tests themselves never need Python):

    /usr/bin/python3 tools/make_optim_fixtures.py        # writes test/fixtures/optim.json

Contents
- ``problem``: a tiny linear regression, float32: X [8,3], Y [8,2], initial W [3,2] and b [2];
  loss = mean((X @ W + b - Y)^2) (or its negation for the `maximize` cases).
- ``trajectories``: for each optimizer configuration, W and b (flattened, W first) after each of 20 steps.
- ``lbfgs``: Rosenbrock (1-x)^2 + 100 (y - x^2)^2 in float64 from (-1.5, 2): the iterate, loss and
  function-evaluation count after each call of step(closure), with and without strong-Wolfe line search;
  plus a float32 LBFGS run on the regression problem (several parameters, flattened like PyTorch does).
- ``clip``: gradients before/after torch.nn.utils.clip_grad_norm_ / clip_grad_value_ and the total norm.
- ``schedulers``: get_last_lr() after construction and after each of 30 (optimizer.step(); scheduler.step())
  rounds (ReduceLROnPlateau is driven by a fixed metric sequence); OneCycleLR also records momentum/beta1.
- ``invscaling``: scikit-learn's SGDOptimizer learning rate after iteration_ends(t) for t = 0..29.

Inputs are rounded to 3 decimals before they become float32, so short decimals in the JSON parse to exactly
the same float32 values in JavaScript; float32 results are written with 9 significant digits (enough to read
back the same float32), float64 results with 17.
"""
import json
import math
import os
import sys

import torch
from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "optim.json")


def r3(t):
    return torch.round(t * 1000) / 1000


def f32(xs):
    return [float("%.9g" % v) for v in xs]


def f64(xs):
    return [float("%.17g" % v) for v in xs]


# PyTorch 1.13's NAdam computes mu_product_next = mu_product * mu * mu_next (mu counted twice); PyTorch >= 2.0
# fixed it to mu_product * mu_next, Dozat's formula, which nabla follows. The fixture uses the fixed line.
def _nadam_fixed(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, *, beta1, beta2, lr,
                 weight_decay, momentum_decay, eps):
    for param, grad, exp_avg, exp_avg_sq, mu_product, step_t in zip(params, grads, exp_avgs, exp_avg_sqs,
                                                                     mu_products, state_steps):
        step_t += 1
        step = step_t.item()
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        mu = beta1 * (1. - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product *= mu
        mu_product_next = mu_product * mu_next
        exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
        param.addcdiv_(grad, denom, value=-lr * (1. - mu) / (1. - mu_product.item()))
        param.addcdiv_(exp_avg, denom, value=-lr * mu_next / (1. - mu_product_next.item()))


sys.modules["torch.optim.nadam"]._single_tensor_nadam = _nadam_fixed

X = r3(torch.randn(8, 3))
Y = r3(torch.randn(8, 2))
W0 = r3(torch.randn(3, 2) * 0.5)
B0 = r3(torch.randn(2) * 0.1)


def loss_fn(W, b, sign=1.0):
    return sign * ((X.to(W.dtype) @ W + b - Y.to(W.dtype)) ** 2).mean()


# name, optimizer class, options (nabla's camelCase names), torch kwargs, param groups (None = plain list)
CONFIGS = [
    ("sgd", "SGD", {"lr": 0.1}, None),
    ("sgd_nesterov", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 0.01}, None),
    ("sgd_dampening", "SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "weightDecay": 0.1}, None),
    ("sgd_groups", "SGD", {"lr": 0.05}, [{"lr": 0.1, "momentum": 0.9}, {}]),
    ("sgd_maximize", "SGD", {"lr": 0.1, "momentum": 0.8, "maximize": True}, None),
    ("adam", "Adam", {"lr": 0.01}, None),
    ("adam_amsgrad", "Adam", {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6, "weightDecay": 0.1, "amsgrad": True}, None),
    ("adam_maximize", "Adam", {"lr": 0.01, "maximize": True}, None),
    ("adamw", "AdamW", {"lr": 0.01, "weightDecay": 0.1}, None),
    ("adamw_amsgrad", "AdamW", {"lr": 0.01, "betas": [0.85, 0.95], "amsgrad": True}, None),
    ("adamax", "Adamax", {"lr": 0.01, "weightDecay": 0.01}, None),
    ("nadam", "NAdam", {"lr": 0.01, "weightDecay": 0.01, "momentumDecay": 4e-3}, None),
    ("rmsprop", "RMSprop", {"lr": 0.01, "alpha": 0.9}, None),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weightDecay": 0.01}, None),
    ("adagrad", "Adagrad", {"lr": 0.1, "lrDecay": 0.01, "initialAccumulatorValue": 0.1, "weightDecay": 0.01}, None),
    ("adadelta", "Adadelta", {"lr": 1.0, "rho": 0.9, "weightDecay": 0.01}, None),
]

SNAKE = {"weightDecay": "weight_decay", "lrDecay": "lr_decay", "initialAccumulatorValue": "initial_accumulator_value",
         "momentumDecay": "momentum_decay"}


def torch_kwargs(opts):
    out = {}
    for k, v in opts.items():
        out[SNAKE.get(k, k)] = tuple(v) if k == "betas" else v
    return out


def trajectory(cls_name, opts, groups, dtype=torch.float32):
    W = W0.clone().to(dtype).requires_grad_(True)
    b = B0.clone().to(dtype).requires_grad_(True)
    cls = getattr(torch.optim, cls_name)
    if groups is None:
        opt = cls([W, b], **torch_kwargs(opts))
    else:
        opt = cls([dict(params=[W], **torch_kwargs(groups[0])), dict(params=[b], **torch_kwargs(groups[1]))],
                  **torch_kwargs(opts))
    sign = -1.0 if opts.get("maximize") else 1.0
    steps = []
    for _ in range(20):
        opt.zero_grad()
        loss_fn(W, b, sign).backward()
        opt.step()
        steps.append(f32(torch.cat([W.detach().flatten(), b.detach().flatten()]).tolist()))
    return steps


# A trajectory is only a fair float32 test where it is not chaotic: float32 and float64 runs must agree closely.
for n, c, o, g in CONFIGS:
    a32 = torch.tensor(trajectory(c, o, g))
    a64 = torch.tensor(trajectory(c, o, g, torch.float64))
    drift = float(((a32 - a64).abs() / (1e-3 + a64.abs())).max())
    assert drift < 1e-5, "%s: float32 and float64 trajectories differ by %.2g (too sensitive)" % (n, drift)

trajectories = [
    {"name": n, "optimizer": c, "options": o, "groups": g, "steps": trajectory(c, o, g)} for n, c, o, g in CONFIGS
]


# ---------------------------------------------------------------------------------------------- LBFGS
def rosenbrock_run(line_search, steps, **kw):
    xy = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([xy], line_search_fn=line_search, **kw)

    def closure():
        opt.zero_grad()
        x, y = xy[0], xy[1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.backward()
        return loss

    out = []
    for _ in range(steps):
        loss = opt.step(closure)
        st = opt.state[opt._params[0]]
        out.append({"x": f64(xy.detach().tolist()), "loss": float("%.17g" % float(loss)),
                    "funcEvals": st["func_evals"], "nIter": st["n_iter"]})
    return out


def lbfgs_regression():
    W = W0.clone().requires_grad_(True)
    b = B0.clone().requires_grad_(True)
    opt = torch.optim.LBFGS([W, b], max_iter=3, history_size=3, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = loss_fn(W, b)
        loss.backward()
        return loss

    out = []
    for _ in range(3):
        opt.step(closure)
        out.append(f32(torch.cat([W.detach().flatten(), b.detach().flatten()]).tolist()))
    return out


lbfgs = {
    "strongWolfe": {"options": {"lineSearchFn": "strongWolfe"}, "steps": rosenbrock_run("strong_wolfe", 8)},
    # Fixed-step L-BFGS on Rosenbrock is chaotic: a 1e-12 change of the start moves the iterate by 1e-5 after
    # ~40 iterations. So iterates are compared over 20 iterations, and the long run only by where it ends.
    "plain": {"options": {"maxIter": 4, "historySize": 10}, "steps": rosenbrock_run(None, 5, max_iter=4, history_size=10)},
    "plainLong": {"options": {"maxIter": 50, "historySize": 10}, "steps": rosenbrock_run(None, 8, max_iter=50, history_size=10)[-1:]},
    "regression": {"options": {"maxIter": 3, "historySize": 3, "lineSearchFn": "strongWolfe"}, "steps": lbfgs_regression()},
}

# ---------------------------------------------------------------------------------------------- clipping
grads = [r3(torch.randn(3, 2)), r3(torch.randn(4)), r3(torch.randn(1))]
clip = {"grads": [{"shape": list(g.shape), "data": f32(g.flatten().tolist())} for g in grads], "norm": [], "value": []}
for max_norm, norm_type in [(1.0, 2.0), (0.5, 1.0), (0.7, float("inf")), (2.5, 3.0), (100.0, 2.0)]:
    ps = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(ps, grads):
        p.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    clip["norm"].append({"maxNorm": max_norm, "normType": "inf" if math.isinf(norm_type) else norm_type,
                         "total": float("%.9g" % float(total)),
                         "clipped": [f32(p.grad.flatten().tolist()) for p in ps]})
for clip_value in [0.5, 1.2]:
    ps = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(ps, grads):
        p.grad = g.clone()
    torch.nn.utils.clip_grad_value_(ps, clip_value)
    clip["value"].append({"clipValue": clip_value, "clipped": [f32(p.grad.flatten().tolist()) for p in ps]})


# ---------------------------------------------------------------------------------------------- schedulers
S = torch.optim.lr_scheduler


def sched_run(make, opt_factory, n=30, metrics=None, record_momentum=None):
    opt = opt_factory()
    sched = make(opt)
    lrs = [list(sched.get_last_lr())] if hasattr(sched, "get_last_lr") and metrics is None else [[g["lr"] for g in opt.param_groups]]
    moms = []
    if record_momentum:
        moms.append([g["betas"][0] if record_momentum == "betas" else g["momentum"] for g in opt.param_groups])
    for i in range(n):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        lrs.append([float("%.17g" % v) for v in sched.get_last_lr()] if metrics is None else [g["lr"] for g in opt.param_groups])
        if record_momentum:
            moms.append([g["betas"][0] if record_momentum == "betas" else g["momentum"] for g in opt.param_groups])
    out = {"lrs": lrs}
    if record_momentum:
        out["momentum"] = moms
    return out


def sgd2():
    a = torch.zeros(2, requires_grad=True)
    c = torch.zeros(1, requires_grad=True)
    return torch.optim.SGD([{"params": [a]}, {"params": [c], "lr": 0.01}], lr=0.1, momentum=0.9)


def adam1():
    return torch.optim.Adam([torch.zeros(2, requires_grad=True)], lr=0.1)


METRICS = [1.0, 0.9, 0.85, 0.86, 0.87, 0.84, 0.85, 0.85, 0.86, 0.9, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.69, 0.7,
           0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]

schedulers = [
    ("StepLR", {"stepSize": 7, "gamma": 0.5}, "sgd2", lambda o: S.StepLR(o, 7, gamma=0.5), {}),
    ("MultiStepLR", {"milestones": [3, 10, 10, 20], "gamma": 0.3}, "sgd2", lambda o: S.MultiStepLR(o, [3, 10, 10, 20], gamma=0.3), {}),
    ("ExponentialLR", {"gamma": 0.9}, "sgd2", lambda o: S.ExponentialLR(o, 0.9), {}),
    ("CosineAnnealingLR", {"tMax": 10, "etaMin": 0.001}, "sgd2", lambda o: S.CosineAnnealingLR(o, 10, eta_min=0.001), {}),
    ("CosineAnnealingWarmRestarts", {"t0": 4, "tMult": 2, "etaMin": 0.002}, "sgd2",
     lambda o: S.CosineAnnealingWarmRestarts(o, 4, T_mult=2, eta_min=0.002), {}),
    ("CosineAnnealingWarmRestarts", {"t0": 5}, "sgd2", lambda o: S.CosineAnnealingWarmRestarts(o, 5), {}),
    ("LinearLR", {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 8}, "sgd2",
     lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8), {}),
    ("LinearLR", {"startFactor": 1.0, "endFactor": 0.1, "totalIters": 12}, "sgd2",
     lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=12), {}),
    ("LambdaLR", {"lrLambda": "0.95^epoch"}, "sgd2", lambda o: S.LambdaLR(o, lambda e: 0.95 ** e), {}),
    ("OneCycleLR", {"maxLr": 1.0, "totalSteps": 30}, "sgd2", lambda o: S.OneCycleLR(o, 1.0, total_steps=30),
     {"record_momentum": "momentum"}),
    ("OneCycleLR", {"maxLr": [0.5, 0.2], "totalSteps": 30, "annealStrategy": "linear", "threePhase": True, "pctStart": 0.25},
     "sgd2", lambda o: S.OneCycleLR(o, [0.5, 0.2], total_steps=30, anneal_strategy="linear", three_phase=True, pct_start=0.25),
     {"record_momentum": "momentum"}),
    ("OneCycleLR", {"maxLr": 0.01, "epochs": 3, "stepsPerEpoch": 10, "threePhase": True}, "adam1",
     lambda o: S.OneCycleLR(o, 0.01, epochs=3, steps_per_epoch=10, three_phase=True), {"record_momentum": "betas"}),
    ("ReduceLROnPlateau", {"factor": 0.5, "patience": 2}, "sgd2", lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2),
     {"metrics": METRICS}),
    ("ReduceLROnPlateau", {"mode": "max", "factor": 0.3, "patience": 1, "threshold": 0.05, "thresholdMode": "abs",
                           "cooldown": 2, "minLr": [0.01, 0.005]}, "sgd2",
     lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.05, threshold_mode="abs",
                                   cooldown=2, min_lr=[0.01, 0.005]), {"metrics": [-m for m in METRICS]}),
    ("SequentialLR", {"schedulers": [["LinearLR", {"startFactor": 0.1, "totalIters": 5}], ["ExponentialLR", {"gamma": 0.9}]],
                      "milestones": [5]}, "sgd2",
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.ExponentialLR(o, 0.9)], milestones=[5]), {}),
]

sched_fixtures = []
for name, options, opt_name, make, extra in schedulers:
    res = sched_run(make, sgd2 if opt_name == "sgd2" else adam1, **extra)
    entry = {"name": name, "options": options, "optimizer": opt_name, **res}
    if "metrics" in extra:
        entry["metrics"] = extra["metrics"]
    sched_fixtures.append(entry)

# scikit-learn's invscaling: learning_rate_init / (t + 1) ** power_t after iteration_ends(t)
sk = SGDOptimizer([torch.zeros(1).numpy()], learning_rate_init=0.1, lr_schedule="invscaling", power_t=0.25)
invscaling = {"lr0": 0.1, "powerT": 0.25, "lrs": []}
for t in range(30):
    sk.iteration_ends(t)
    invscaling["lrs"].append(sk.learning_rate)

data = {
    "about": "Fixtures for nabla's optim; made by tools/make_optim_fixtures.py with torch %s (float32 unless said)." % torch.__version__,
    "problem": {"X": X.flatten().tolist(), "Y": Y.flatten().tolist(), "W0": W0.flatten().tolist(), "b0": B0.tolist()},
    "trajectories": trajectories,
    "lbfgs": lbfgs,
    "clip": clip,
    "schedulers": sched_fixtures,
    "invscaling": invscaling,
}
# inputs were rounded to 3 decimals: write them short
for k in ("X", "Y", "W0", "b0"):
    data["problem"][k] = [round(v, 3) for v in data["problem"][k]]
with open(OUT, "w") as f:
    json.dump(data, f, separators=(",", ":"))
print("wrote", OUT, os.path.getsize(OUT), "bytes")
for k, v in lbfgs.items():
    print(k, v["steps"][-1])
