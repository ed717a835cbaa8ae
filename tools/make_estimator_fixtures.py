"""Fixtures for test/estimators*.test.ts: scikit-learn 1.2's MLPClassifier / MLPRegressor on fixed data.

Rerun (needs Debian's python3-sklearn; plain `python3` may be a pyenv without it):
    /usr/bin/python3 tools/make_estimator_fixtures.py      # writes test/fixtures/estimators.json

What it stores (parameters in nabla's camelCase spelling):
- data: the digits and iris split indices (the tables themselves are nabla's embedded copies, identical to
  sklearn.datasets'), and a Friedman-1 regression set (x, y, rounded to 9 significant digits before use).
- trajectories: fits with shuffle=False, whose only randomness is the Glorot-uniform initialisation. The
  initial weights (drawn here exactly as sklearn's _init_coef draws them) are stored, so nabla can start from
  the same point and must then follow the same loss curve, epoch count and stopping decisions.
- accuracy: sklearn's test score for fits from its own random initialisation (seeds 0, 1, 2); nabla, drawing
  its own initialisation from its Philox generator, must land within a point of the mean.
- forward: fitted weights, predictions and probabilities on held-out rows, and the loss and gradients that
  sklearn's _backprop gives for one batch (proves the same output activation, loss and L2 penalty).
"""
import json
import os
import warnings

import numpy as np
from sklearn.datasets import load_digits, load_iris, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor

warnings.simplefilter("ignore", ConvergenceWarning)
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "estimators.json")

SNAKE = {
    "hiddenLayerSizes": "hidden_layer_sizes", "activation": "activation", "solver": "solver", "alpha": "alpha",
    "batchSize": "batch_size", "learningRate": "learning_rate", "learningRateInit": "learning_rate_init",
    "powerT": "power_t", "maxIter": "max_iter", "shuffle": "shuffle", "randomState": "random_state", "tol": "tol",
    "momentum": "momentum", "nesterovsMomentum": "nesterovs_momentum", "earlyStopping": "early_stopping",
    "validationFraction": "validation_fraction", "beta1": "beta_1", "beta2": "beta_2", "epsilon": "epsilon",
    "nIterNoChange": "n_iter_no_change", "maxFun": "max_fun",
}


def r9(a):
    """Rounds to 9 significant digits (floats) for a compact file; nested lists as lists."""
    a = np.asarray(a, dtype=np.float64)
    return np.vectorize(lambda v: float(f"{v:.9g}"))(a).tolist() if a.size else a.tolist()


def sk(kind, params):
    kw = {SNAKE[k]: (tuple(v) if k == "hiddenLayerSizes" else v) for k, v in params.items()}
    return (MLPClassifier if kind == "classifier" else MLPRegressor)(**kw)


# ---------------------------------------------------------------- data
digits = load_digits()
dX = digits.data / 16.0
dy = digits.target
d_idx = np.arange(len(dy))
d_train, d_test = train_test_split(d_idx, test_size=0.25, random_state=0, stratify=dy)

iris = load_iris()
# nabla's embedded iris is float32 (tenths of a cm); use exactly those values, then standardise on the train part.
iX_raw = iris.data.astype(np.float32).astype(np.float64)
iy = iris.target
i_idx = np.arange(len(iy))
i_train, i_test = train_test_split(i_idx, test_size=0.5, random_state=0, stratify=iy)
mu, sd = iX_raw[i_train].mean(0), iX_raw[i_train].std(0)
iX = (iX_raw - mu) / sd
iris_names = np.array(["setosa", "versicolor", "virginica"])

fX, fy = make_friedman1(n_samples=240, n_features=5, noise=0.5, random_state=0)
fX, fy = np.array(r9(fX)), np.array(r9(fy))
f_train, f_test = np.arange(180), np.arange(180, 240)
fY2 = np.stack([fy, np.array(r9(fy * fy / 20.0))], 1)

rs = np.random.RandomState(1)
pX = np.array(r9(rs.uniform(-1, 1, (200, 3))))
py = np.array(r9(pX @ np.array([2.0, -1.0, 0.5]) + 0.3 + 0.05 * rs.normal(size=200)))
p_train, p_test = np.arange(150), np.arange(150, 200)

DATA = {
    "digits": (dX, dy, d_train, d_test),
    "iris": (iX, iris_names[iy], i_train, i_test),
    "iris-binary": (iX, np.where(iy == 2, "yes", "no"), i_train, i_test),
    "iris-numeric-binary": (iX, np.where(iy == 1, 7, 3), i_train, i_test),
    "friedman": (fX, fy, f_train, f_test),
    "friedman2": (fX, fY2, f_train, f_test),
    "plane": (pX, py, p_train, p_test),
}


def split(name):
    X, y, tr, te = DATA[name]
    return X[tr], y[tr], X[te], y[te]


def sklearn_init(params, n_features, n_outputs):
    """The initial weights sklearn draws for random_state=params['randomState'] (its _init_coef, in order)."""
    rs = np.random.RandomState(params["randomState"])
    units = [n_features] + list(params["hiddenLayerSizes"]) + [n_outputs]
    factor = 2.0 if params.get("activation", "relu") == "logistic" else 6.0
    coefs, intercepts = [], []
    for fi, fo in zip(units[:-1], units[1:]):
        bound = np.sqrt(factor / (fi + fo))
        coefs.append(rs.uniform(-bound, bound, (fi, fo)))
        intercepts.append(rs.uniform(-bound, bound, fo))
    return coefs, intercepts


def n_outputs(kind, y):
    if kind == "regressor":
        return 1 if y.ndim == 1 else y.shape[1]
    k = len(np.unique(y))
    return 1 if k == 2 else k


# ---------------------------------------------------------------- trajectories
TRAJ = [
    ("digits adam", "digits", "classifier", dict(hiddenLayerSizes=[16], learningRateInit=0.01, maxIter=6)),
    ("digits sgd nesterov", "digits", "classifier",
     dict(hiddenLayerSizes=[16], activation="tanh", solver="sgd", learningRateInit=0.1, maxIter=6)),
    ("iris adam", "iris", "classifier", dict(hiddenLayerSizes=[10], learningRateInit=0.01, maxIter=150)),
    ("iris sgd adaptive", "iris", "classifier",
     dict(hiddenLayerSizes=[8], solver="sgd", learningRate="adaptive", learningRateInit=0.2, maxIter=600,
          nIterNoChange=5, tol=1e-3)),
    ("iris sgd momentum invscaling", "iris", "classifier",
     dict(hiddenLayerSizes=[8], solver="sgd", learningRate="invscaling", learningRateInit=0.5, powerT=0.25,
          nesterovsMomentum=False, batchSize=32, maxIter=40)),
    ("iris binary adam logistic stops", "iris-binary", "classifier",
     dict(hiddenLayerSizes=[6], activation="logistic", learningRateInit=0.05, maxIter=500, batchSize=50)),
    ("iris lbfgs identity", "iris", "classifier",
     dict(hiddenLayerSizes=[4], activation="identity", solver="lbfgs", alpha=0.1, maxIter=200)),
    ("friedman adam", "friedman", "regressor",
     dict(hiddenLayerSizes=[16], learningRateInit=0.01, maxIter=60, batchSize=64)),
    ("friedman sgd invscaling", "friedman", "regressor",
     dict(hiddenLayerSizes=[16], activation="tanh", solver="sgd", learningRate="invscaling", learningRateInit=0.01,
          maxIter=40, batchSize=20)),
    ("friedman two outputs adam", "friedman2", "regressor",
     dict(hiddenLayerSizes=[12], learningRateInit=0.01, maxIter=40, batchSize=60, alpha=0.01)),
    ("friedman lbfgs", "friedman", "regressor", dict(hiddenLayerSizes=[10], solver="lbfgs", maxIter=150, alpha=0.01)),
]

trajectories = []
for name, data, kind, params in TRAJ:
    params = {**params, "shuffle": False, "randomState": 3}
    Xtr, ytr, Xte, yte = split(data)
    coefs, intercepts = sklearn_init(params, Xtr.shape[1], n_outputs(kind, ytr))
    # Check the replayed initialisation against sklearn's own: a fit whose steps are ~1e-300 leaves it as drawn.
    probe = sk(kind, {**params, "solver": "adam", "learningRateInit": 1e-300, "maxIter": 1}).fit(Xtr, ytr)
    assert all(np.array_equal(a, b) for a, b in zip(probe.coefs_ + probe.intercepts_, coefs + intercepts)), name
    m = sk(kind, params).fit(Xtr, ytr)
    case = {
        "name": name, "data": data, "kind": kind, "params": params,
        "init": {"coefs": [c.tolist() for c in coefs], "intercepts": [b.tolist() for b in intercepts]},
        "nIter": int(m.n_iter_), "trainScore": float(m.score(Xtr, ytr)), "testScore": float(m.score(Xte, yte)),
        "loss": float(m.loss_),
    }
    if params.get("solver", "adam") != "lbfgs":
        case.update(lossCurve=r9(m.loss_curve_), tUpdates=int(m.t_), bestLoss=float(m.best_loss_))
    trajectories.append(case)
    print(f"{name}: n_iter={m.n_iter_} train={case['trainScore']:.4f} test={case['testScore']:.4f} loss={m.loss_:.6f}")

# ---------------------------------------------------------------- accuracy from sklearn's own initialisation
ACC = [
    ("digits adam", "digits", "classifier", dict(hiddenLayerSizes=[32], learningRateInit=0.01, maxIter=20)),
    ("digits sgd", "digits", "classifier",
     dict(hiddenLayerSizes=[32], solver="sgd", learningRateInit=0.1, maxIter=20)),
    ("digits lbfgs", "digits", "classifier", dict(hiddenLayerSizes=[16], solver="lbfgs", maxIter=60)),
    ("iris adam", "iris", "classifier", dict(hiddenLayerSizes=[10], learningRateInit=0.01, maxIter=200)),
    ("iris sgd", "iris", "classifier", dict(hiddenLayerSizes=[10], solver="sgd", learningRateInit=0.1, maxIter=200)),
    ("iris lbfgs", "iris", "classifier", dict(hiddenLayerSizes=[10], solver="lbfgs", maxIter=200)),
    ("plane adam", "plane", "regressor", dict(hiddenLayerSizes=[16], learningRateInit=0.01, maxIter=100, batchSize=32)),
    ("plane sgd", "plane", "regressor",
     dict(hiddenLayerSizes=[16], activation="tanh", solver="sgd", learningRateInit=0.01, maxIter=100, batchSize=32)),
    ("friedman lbfgs", "friedman", "regressor",
     dict(hiddenLayerSizes=[8], activation="tanh", solver="lbfgs", alpha=1.0, maxIter=500)),
]
accuracy = []
for name, data, kind, params in ACC:
    Xtr, ytr, Xte, yte = split(data)
    scores = [float(sk(kind, {**params, "randomState": s}).fit(Xtr, ytr).score(Xte, yte)) for s in range(3)]
    accuracy.append({"name": name, "data": data, "kind": kind, "params": params, "scores": scores})
    print(f"accuracy {name}: {scores}")


# ---------------------------------------------------------------- forward, loss and gradients
def backprop(m, X, Y):
    acts = [X] + [None] * (m.n_layers_ - 1)
    deltas = [None] * (m.n_layers_ - 1)
    cg = [np.empty_like(c) for c in m.coefs_]
    ig = [np.empty_like(b) for b in m.intercepts_]
    return m._backprop(X, Y, acts, deltas, cg, ig)


FWD = [
    ("iris multiclass tanh two layers", "iris", "classifier",
     dict(hiddenLayerSizes=[5, 4], activation="tanh", solver="lbfgs", alpha=0.01, maxIter=300, randomState=0)),
    ("iris binary numeric logistic", "iris-numeric-binary", "classifier",
     dict(hiddenLayerSizes=[6], activation="logistic", solver="lbfgs", alpha=0.5, maxIter=300, randomState=0)),
    ("iris identity adam", "iris", "classifier",
     dict(hiddenLayerSizes=[3], activation="identity", learningRateInit=0.05, maxIter=50, randomState=0)),
    ("friedman two outputs relu", "friedman2", "regressor",
     dict(hiddenLayerSizes=[8], solver="lbfgs", alpha=0.3, maxIter=200, randomState=0)),
]
forward = []
for name, data, kind, params in FWD:
    Xtr, ytr, Xte, yte = split(data)
    m = sk(kind, params).fit(Xtr, ytr)
    xb, yb = Xtr[:25], ytr[:25]
    Yb = m._label_binarizer.transform(yb).astype(np.float64) if kind == "classifier" else yb.reshape(len(yb), -1)
    loss, cg, ig = backprop(m, xb, Yb)
    case = {
        "name": name, "data": data, "kind": kind, "params": params,
        "coefs": [r9(c) for c in m.coefs_], "intercepts": [r9(b) for b in m.intercepts_],
        "outActivation": m.out_activation_, "nOutputs": int(m.n_outputs_),
        "xTest": r9(Xte[:12]),
    }
    # Recompute everything from the rounded weights, so the stored numbers are exact for what nabla loads.
    m.coefs_ = [np.array(c) for c in case["coefs"]]
    m.intercepts_ = [np.array(b) for b in case["intercepts"]]
    xt = np.array(case["xTest"])
    loss, cg, ig = backprop(m, xb, Yb)
    pred = m.predict(xt)
    case.update(
        predict=pred.tolist() if kind == "classifier" else r9(pred),
        batch={"count": 25, "loss": float(loss), "coefGrads": [r9(c) for c in cg], "interceptGrads": [r9(b) for b in ig]},
        testScore=float(m.score(Xte, yte)),
    )
    if kind == "classifier":
        case["classes"] = m.classes_.tolist()
        case["proba"] = r9(m.predict_proba(xt))
    forward.append(case)
    print(f"forward {name}: loss={loss:.6f} test={case['testScore']:.4f}")

out = {
    "sklearn": __import__("sklearn").__version__,
    "data": {
        "digits": {"train": d_train.tolist(), "test": d_test.tolist(), "scale": "x / 16"},
        "iris": {"train": i_train.tolist(), "test": i_test.tolist(), "mean": mu.tolist(), "std": sd.tolist()},
        "friedman": {"x": fX.tolist(), "y": fy.tolist(), "y2": fY2[:, 1].tolist(), "nTrain": 180},
        "plane": {"x": pX.tolist(), "y": py.tolist(), "nTrain": 150},
    },
    "trajectories": trajectories,
    "accuracy": accuracy,
    "forward": forward,
}
with open(OUT, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"wrote {OUT}: {os.path.getsize(OUT) / 1024:.0f} KiB")
