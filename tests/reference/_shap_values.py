"""Reference-venv program: ``_shap_values.py CASES_JSON OUT_JSON`` (shap 0.46.0).

Each case ``{"features": M, "outputs": K, "records": N, "link": "identity" or "logit"}``
explains ``_shap_model``'s records against its two baseline rows with ``shap.KernelExplainer``
by exact enumeration (``nsamples = 2**M``, more than the 2**M - 2 coalitions) and without
feature selection (``l1_reg=False``, as Clarify). Writes ``{case: {"values": [record][feature]
[output], "expected_value": [output]}}``.
"""

from __future__ import annotations

import json
import sys
import warnings
from typing import Any

import _shap_model
import numpy as np
import shap


def explain(case: dict[str, Any]) -> dict[str, Any]:
    m, k = int(case["features"]), int(case["outputs"])
    predict = _shap_model.make_predict(m, k)
    explainer = shap.KernelExplainer(predict, _shap_model.baseline(m), link=str(case["link"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = explainer.shap_values(
            _shap_model.records(m, int(case["records"])),
            nsamples=2**m,
            l1_reg=False,
            silent=True,
        )
    array = np.asarray(values, dtype=np.float64)
    if isinstance(values, list):  # one array per output: (outputs, records, features)
        array = np.moveaxis(array, 0, -1)
    array = array.reshape(array.shape[0], m, k)
    return {
        "values": array.tolist(),
        "expected_value": np.ravel(explainer.expected_value).astype(float).tolist(),
    }


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        cases = json.load(handle)
    out = {name: explain(case) for name, case in cases.items()}
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
