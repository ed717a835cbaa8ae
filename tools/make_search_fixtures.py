#!/usr/bin/python3
"""scikit-learn fixtures for nabla's hyperparameter search: the order of ParameterGrid.

Rerun (needs scikit-learn; the tests themselves never need Python):

    /usr/bin/python3 tools/make_search_fixtures.py      # writes test/fixtures/search.json

Each case is a grid (a dict or a list of dicts, written with nabla's camelCase names) and the list of settings
sklearn.model_selection.ParameterGrid yields for it, in order. test/search-spaces.test.ts checks that
expandGrid gives the same list.
"""
import json
import os

from sklearn.model_selection import ParameterGrid

GRIDS = {
    "mlp": {"hiddenLayerSizes": [[10], [20, 10], [32]], "alpha": [1e-4, 1e-2], "activation": ["relu", "tanh"]},
    "unsorted_keys": {"zeta": [1, 2], "Alpha": [3], "beta": [True, False], "_x": ["a", "b", "c"]},
    "list_of_grids": [{"solver": ["lbfgs"], "alpha": [0.1, 1.0]}, {"solver": ["adam"], "learningRateInit": [1e-3, 1e-2], "batchSize": [16, 32]}],
    "empty_dict": {},
    "trainer": {"epochs": [5, 10], "lr": [0.1, 0.01, 0.001], "batchSize": [32], "dropout": [0.0, 0.5]},
}

cases = [{"name": name, "grid": grid, "expected": [dict(p) for p in ParameterGrid(grid)]} for name, grid in GRIDS.items()]
out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "search.json")
with open(out, "w") as f:
    json.dump({"sklearn": __import__("sklearn").__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {out}: {len(cases)} cases")
