"""shap peer, run inside benchmarks/.venvs/cl-shap: ``_cl_shap.py NPZ INSTANCES RUNS NSAMPLES...``.

``shap.KernelExplainer`` on the MLP of ``_cl_data.py`` with one baseline row (the data's
mean, as Plimsoll gets it) and ``l1_reg=False`` (Clarify does no feature selection; shap's
default would keep 10 of the 12 features), ``link="identity"``. For each ``nsamples`` it times
``shap_values`` over the first ``INSTANCES`` rows and saves the values of the last run next to
the NPZ (``kernel-explainer-<nsamples>.npy``). Prints one JSON line with seconds per run.
"""

import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import shap
from _cl_data import mlp_predict


def main() -> None:
    path, count, runs = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    budgets = [int(n) for n in sys.argv[4:]]
    with np.load(path) as saved:
        weights = {k: saved[k] for k in saved.files}
    predict = mlp_predict(weights)
    data = weights["data"]
    baseline = data.mean(axis=0, keepdims=True)
    instances = data[:count]
    out: dict[str, object] = {"version": shap.__version__, "numpy": np.__version__}
    for nsamples in budgets:
        times, values = [], None
        for run in range(runs):
            np.random.seed(run)  # KernelExplainer samples coalitions from the global state
            explainer = shap.KernelExplainer(predict, baseline, link="identity")
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values = explainer.shap_values(
                    instances, nsamples=nsamples, l1_reg=False, silent=True
                )
            times.append(time.perf_counter() - start)
        np.save(path.parent / f"kernel-explainer-{nsamples}.npy", np.asarray(values))
        out[str(nsamples)] = {
            "runs": times,
            "expected_value": float(np.ravel(explainer.expected_value)[0]),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
