#!/usr/bin/python3
"""Reference numbers from scikit-learn 1.2 for the data tests (test/data-*.test.ts).

Rerun from the repository root (Debian's python3-sklearn):

    /usr/bin/python3 tools/make_data_fixtures.py

Writes test/fixtures/data/sklearn.json: scalers and encoders on a small matrix (with a constant column and
a NaN), noise-free make_moons / make_circles, split sizes, KFold and StratifiedKFold folds, and checksums of
the iris and digits tables.
"""
import json
import math
import os

import numpy as np
from sklearn.datasets import load_digits, load_iris, make_circles, make_moons
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.model_selection._split import _validate_shuffle_split
from sklearn.preprocessing import LabelEncoder, MinMaxScaler, OneHotEncoder, StandardScaler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "data", "sklearn.json")


def r(a):
    """Rounds to 9 significant digits; NaN becomes null (JSON has no NaN)."""
    a = np.asarray(a, dtype=np.float64)
    f = lambda v: None if math.isnan(v) else float(f"{v:.9g}")
    return f(float(a)) if a.ndim == 0 else [r(v) for v in a]


def main():
    rng = np.random.RandomState(0)
    X = np.round(rng.normal(loc=[1.0, -3.0, 0.0, 5.0], scale=[2.0, 0.5, 1.0, 10.0], size=(12, 4)), 4)
    X[:, 2] = 7.0  # a constant column: scale 1
    X[5, 1] = np.nan  # ignored by fit, kept by transform
    X_new = np.round(rng.normal(size=(3, 4)), 4)

    ss = StandardScaler().fit(X)
    mm = MinMaxScaler().fit(X)
    mm2 = MinMaxScaler(feature_range=(-1, 2)).fit(X)

    cats = [["red", 1], ["blue", 3], ["red", 3], ["green", 2], ["blue", 1]]
    ohe = OneHotEncoder(sparse_output=False).fit(cats)
    labels = ["virginica", "setosa", "versicolor", "setosa"]
    le = LabelEncoder().fit(labels)

    moons = make_moons(n_samples=7, shuffle=False, noise=None)
    circles = make_circles(n_samples=9, shuffle=False, noise=None, factor=0.5)

    sizes = []
    for n, test, train in [(10, 0.25, None), (7, 0.3, None), (150, 0.2, None), (10, None, 0.65), (10, 3, None), (11, 0.1, 0.5)]:
        n_train, n_test = _validate_shuffle_split(n, test, train, default_test_size=0.25)
        sizes.append({"n": n, "testSize": test, "trainSize": train, "nTrain": int(n_train), "nTest": int(n_test)})

    y_strat = [2, 0, 0, 1, 2, 2, 0, 1, 1, 0, 2, 0, 1, 0, 2, 2, 0]
    skf = [[int(i) for i in test] for _, test in StratifiedKFold(n_splits=4).split(np.zeros(len(y_strat)), y_strat)]
    kf = [[int(i) for i in test] for _, test in KFold(n_splits=3).split(np.zeros(10))]

    iris, digits = load_iris(), load_digits()
    out = {
        "X": r(X), "Xnew": r(X_new),
        "standard": {"mean": r(ss.mean_), "var": r(ss.var_), "scale": r(ss.scale_), "nSamplesSeen": [int(v) for v in ss.n_samples_seen_],
                     "transform": r(ss.transform(X)), "transformNew": r(ss.transform(X_new))},
        "minmax": {"dataMin": r(mm.data_min_), "dataMax": r(mm.data_max_), "scale": r(mm.scale_), "min": r(mm.min_),
                   "transform": r(mm.transform(X)), "transformNew": r(mm.transform(X_new))},
        "minmaxRange": {"featureRange": [-1, 2], "transformNew": r(mm2.transform(X_new))},
        "oneHot": {"input": cats, "categories": [[c if isinstance(c, str) else int(c) for c in cs] for cs in ohe.categories_],
                   "transform": ohe.transform(cats).astype(int).tolist(), "names": list(ohe.get_feature_names_out(["color", "size"]))},
        "label": {"input": labels, "classes": list(le.classes_), "transform": le.transform(labels).tolist()},
        "moons7": {"x": r(moons[0]), "y": moons[1].tolist()},
        "circles9": {"x": r(circles[0]), "y": circles[1].tolist()},
        "splitSizes": sizes,
        "kFold10x3": kf,
        "stratifiedKFold": {"y": y_strat, "nSplits": 4, "tests": skf},
        "iris": {"shape": list(iris.data.shape), "columnSums": r(iris.data.sum(axis=0)), "targetCounts": np.bincount(iris.target).tolist(),
                 "row0": r(iris.data[0]), "row149": r(iris.data[149]), "featureNames": iris.feature_names, "targetNames": list(iris.target_names)},
        "digits": {"shape": list(digits.data.shape), "row0": digits.data[0].astype(int).tolist(), "target0to9": digits.target[:10].tolist(),
                   "pixelSum": int(digits.data.sum()), "targetCounts": np.bincount(digits.target).tolist(),
                   "nClass2": int((digits.target < 2).sum())},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
