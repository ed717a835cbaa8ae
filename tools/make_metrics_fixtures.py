#!/usr/bin/python3
"""scikit-learn fixtures for nabla's metrics (src/metrics).

Rerun (needs scikit-learn 1.2 and NumPy; the tests themselves never need Python):

    /usr/bin/python3 tools/make_metrics_fixtures.py        # writes test/fixtures/metrics.json

Each case names a nabla function (`fn`), its tensors (`pred`, `target`: values, shape and dtype), its options
(`opts`, in nabla's camelCase) and the value scikit-learn computes for the same data (`expected`, a number or
a list). scikit-learn takes (y_true, y_pred); nabla takes (pred, target). test/metrics.test.ts runs every case,
and also feeds the same data batch by batch to the streaming metric objects.

The data are random but chosen to reach the corner cases: probabilities on a 0.1 grid (ties, and values of
exactly 0.5 at the threshold), multiclass probabilities drawn from a few fixed rows (ties within rows for
top-k and argmax, ties across rows for ROC AUC), a class that is never predicted (zero division), a class that
is absent from both sides, constant regression targets (R² corner cases).
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M

assert sklearn.__version__.startswith("1.2"), f"made with scikit-learn 1.2, found {sklearn.__version__}"
warnings.filterwarnings("ignore")  # the zero-division cases warn on purpose
rng = np.random.default_rng(20240611)
cases = []


def t(values, dtype):
    a = np.asarray(values)
    return {"values": a.reshape(-1).tolist(), "shape": list(a.shape), "dtype": dtype}


def num(x):
    x = np.asarray(x, dtype=np.float64)
    return float(x) if x.ndim == 0 else x.tolist()


def add(name, fn, pred, target, expected, opts=None, extra=None):
    case = {"name": name, "fn": fn, "pred": pred, "target": target, "opts": opts or {}, "expected": num(expected)}
    if extra:
        case.update(extra)
    cases.append(case)


# ---------------------------------------------------------------- binary
N = 40
yb = rng.integers(0, 2, N)
pb = np.round(rng.random(N) * 10) / 10  # grid of 0.1: ties, some exactly 0.5
pb[:3] = 0.5
pb_hat = (pb > 0.5).astype(int)  # Keras: strictly greater
P, T = t(pb, "float32"), t(yb, "int32")
add("binaryAccuracy probs", "binaryAccuracy", P, T, M.accuracy_score(yb, pb_hat))
add("accuracy auto binary", "accuracy", P, T, M.accuracy_score(yb, pb_hat))
logits = np.round((pb - 0.5) * 8, 1)
add("binaryAccuracy logits threshold 0", "binaryAccuracy", t(logits, "float32"), T, M.accuracy_score(yb, (logits > 0).astype(int)), {"threshold": 0})
add("binaryAccuracy threshold 0.7 on [N,1]", "binaryAccuracy", t(pb.reshape(N, 1), "float32"), T, M.accuracy_score(yb, (pb > 0.7).astype(int)), {"threshold": 0.7})
for fn, sk in [("precision", M.precision_score), ("recall", M.recall_score), ("f1Score", M.f1_score)]:
    add(f"{fn} binary probs", fn, P, T, sk(yb, pb_hat))
    add(f"{fn} binary labels posLabel 0", fn, t(pb_hat, "int32"), T, sk(yb, pb_hat, pos_label=0), {"posLabel": 0})
    for avg in ["micro", "macro", "weighted"]:
        add(f"{fn} {avg} binary data", fn, t(pb_hat, "int32"), T, sk(yb, pb_hat, average=avg), {"average": avg})
for beta in [0.5, 2.0]:
    add(f"fbetaScore beta {beta}", "fbetaScore", P, T, M.fbeta_score(yb, pb_hat, beta=beta), {"beta": beta})
# nothing predicted positive: precision is 0/0
zeros = np.zeros(N, dtype=int)
for zd in [0, 1]:
    for fn, sk in [("precision", M.precision_score), ("recall", M.recall_score), ("f1Score", M.f1_score)]:
        add(f"{fn} binary nothing predicted zeroDivision {zd}", fn, t(zeros, "int32"), T, sk(yb, zeros, zero_division=zd), {"zeroDivision": zd})
        add(f"{fn} binary no positives at all zeroDivision {zd}", fn, t(zeros, "int32"), t(zeros, "int32"), sk(zeros, zeros, zero_division=zd), {"zeroDivision": zd})
add("rocAuc binary with ties", "rocAuc", P, T, M.roc_auc_score(yb, pb))
add("rocAuc binary [N,1]", "rocAuc", t(pb.reshape(N, 1), "float32"), T, M.roc_auc_score(yb, pb))
add("rocAuc binary all tied", "rocAuc", t(np.full(N, 0.3), "float32"), T, M.roc_auc_score(yb, np.full(N, 0.3)))
add("confusionMatrix binary probs", "confusionMatrix", P, T, M.confusion_matrix(yb, pb_hat, labels=[0, 1]))

# ---------------------------------------------------------------- multiclass
N, C = 60, 4
rows = np.array([
    [0.7, 0.1, 0.1, 0.1],
    [0.4, 0.4, 0.1, 0.1],  # tie for the max: argmax is the first
    [0.2, 0.5, 0.2, 0.1],
    [0.1, 0.2, 0.6, 0.1],
    [0.4, 0.2, 0.2, 0.2],  # three-way tie below the max: top-2 depends on the tie rule
    [0.25, 0.25, 0.25, 0.25],
    [0.1, 0.3, 0.35, 0.25],
])  # class 3 is never the (first) argmax
probs = rows[rng.integers(0, len(rows), N)]
ym = rng.integers(0, C, N)
ym[:4] = [0, 1, 2, 3]  # every class present in the target
pm = probs.argmax(1)
assert 3 not in pm
PS, TM, PL = t(probs, "float32"), t(ym, "int32"), t(pm, "int32")
onehot = np.eye(C)[ym]
add("categoricalAccuracy labels", "categoricalAccuracy", PS, TM, M.accuracy_score(ym, pm))
add("categoricalAccuracy one-hot", "categoricalAccuracy", PS, t(onehot, "float32"), M.accuracy_score(ym, pm))
add("accuracy auto scores", "accuracy", PS, TM, M.accuracy_score(ym, pm))
add("accuracy auto labels", "accuracy", PL, TM, M.accuracy_score(ym, pm))
for k in [1, 2, 3, 4]:
    add(f"topKAccuracy k={k} with ties", "topKAccuracy", PS, TM, M.top_k_accuracy_score(ym, probs, k=k, labels=range(C)), {"k": k})
add("topKAccuracy k=2 one-hot", "topKAccuracy", PS, t(onehot, "float32"), M.top_k_accuracy_score(ym, probs, k=2, labels=range(C)), {"k": 2})
for fn, sk in [("precision", M.precision_score), ("recall", M.recall_score), ("f1Score", M.f1_score)]:
    for avg in ["micro", "macro", "weighted", "none"]:
        for zd in [0, 1]:
            add(f"{fn} {avg} class never predicted zeroDivision {zd}", fn, PS, TM,
                sk(ym, pm, average=None if avg == "none" else avg, zero_division=zd), {"average": avg, "zeroDivision": zd})
    add(f"{fn} macro labels [0,2]", fn, PL, TM, sk(ym, pm, average="macro", labels=[0, 2]), {"average": "macro", "labels": [0, 2]})
    add(f"{fn} none labels [2,0,3]", fn, PL, TM, sk(ym, pm, average=None, labels=[2, 0, 3]), {"average": "none", "labels": [2, 0, 3]})
    add(f"{fn} micro labels [1,3]", fn, PL, TM, sk(ym, pm, average="micro", labels=[1, 3]), {"average": "micro", "labels": [1, 3]})
    for zd in [0, 1]:
        add(f"{fn} weighted label absent everywhere zeroDivision {zd}", fn, PL, TM,
            sk(ym, pm, average="weighted", labels=[5], zero_division=zd), {"average": "weighted", "labels": [5], "zeroDivision": zd})
add("fbetaScore macro beta 2", "fbetaScore", PL, TM, M.fbeta_score(ym, pm, beta=2, average="macro"), {"beta": 2, "average": "macro"})
add("confusionMatrix scores", "confusionMatrix", PS, TM, M.confusion_matrix(ym, pm, labels=range(C)))
add("confusionMatrix labels numClasses 5", "confusionMatrix", PL, TM, M.confusion_matrix(ym, pm, labels=range(5)), {"numClasses": 5})
add("rocAuc ovr macro", "rocAuc", PS, TM, M.roc_auc_score(ym, probs, multi_class="ovr", average="macro"))
add("rocAuc ovr weighted", "rocAuc", PS, TM, M.roc_auc_score(ym, probs, multi_class="ovr", average="weighted"), {"average": "weighted"})
add("rocAuc ovr macro one-hot", "rocAuc", PS, t(onehot, "float32"), M.roc_auc_score(ym, probs, multi_class="ovr", average="macro"))
p2 = rows[rng.integers(0, len(rows), N)][:, :2]
p2 = p2 / p2.sum(1, keepdims=True)
y2 = rng.integers(0, 2, N)
add("rocAuc two columns uses column 1", "rocAuc", t(p2, "float64"), t(y2, "int32"), M.roc_auc_score(y2, p2[:, 1]))

# ---------------------------------------------------------------- regression
N = 30
yr = np.round(rng.normal(size=N) * 3, 3)
pr = np.round(yr + rng.normal(size=N), 3)
for dtype in ["float64", "float32"]:
    PR, TR = t(pr, dtype), t(yr, dtype)
    add(f"meanSquaredError 1-D {dtype}", "meanSquaredError", PR, TR, M.mean_squared_error(yr, pr))
    add(f"meanAbsoluteError 1-D {dtype}", "meanAbsoluteError", PR, TR, M.mean_absolute_error(yr, pr))
    add(f"r2Score 1-D {dtype}", "r2Score", PR, TR, M.r2_score(yr, pr))
add("meanSquaredError [N,1] vs [N]", "meanSquaredError", t(pr.reshape(N, 1), "float64"), t(yr, "float64"), M.mean_squared_error(yr, pr))
D = 3
Y = np.round(rng.normal(size=(N, D)) * [1, 5, 1], 3)
Yh = np.round(Y + rng.normal(size=(N, D)), 3)
Y[:, 2] = 1.5  # constant target: R² is 0 unless predicted exactly (force_finite)
PR, TR = t(Yh, "float64"), t(Y, "float64")
for mo, sk in [("uniformAverage", "uniform_average"), ("rawValues", "raw_values")]:
    add(f"meanSquaredError multioutput {mo}", "meanSquaredError", PR, TR, M.mean_squared_error(Y, Yh, multioutput=sk), {"multioutput": mo})
    add(f"meanAbsoluteError multioutput {mo}", "meanAbsoluteError", PR, TR, M.mean_absolute_error(Y, Yh, multioutput=sk), {"multioutput": mo})
for mo, sk in [("uniformAverage", "uniform_average"), ("rawValues", "raw_values"), ("varianceWeighted", "variance_weighted")]:
    add(f"r2Score multioutput {mo} constant column", "r2Score", PR, TR, M.r2_score(Y, Yh, multioutput=sk), {"multioutput": mo})
Yh2 = Yh.copy()
Yh2[:, 2] = 1.5  # the constant column predicted exactly: R² is 1 there
add("r2Score rawValues constant column predicted exactly", "r2Score", t(Yh2, "float64"), TR, M.r2_score(Y, Yh2, multioutput="raw_values"), {"multioutput": "rawValues"})
const = np.full((N, 2), 2.0)
add("r2Score varianceWeighted all constant", "r2Score", t(const + 0.5, "float64"), t(const, "float64"), M.r2_score(const, const + 0.5, multioutput="variance_weighted"), {"multioutput": "varianceWeighted"})

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "metrics.json")
with open(out, "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {os.path.normpath(out)} ({os.path.getsize(out)} bytes)")
