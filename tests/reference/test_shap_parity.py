"""``plimsoll.engines.shap.kernel_shap`` equals shap 0.46.0's ``KernelExplainer`` exactly.

Both enumerate every coalition of a small model's M features (M = 5..8): the exact Shapley
values of the same model (``_shap_model.py``, executed by both sides) for a few records against
the same two baseline rows, with one and with two outputs, in probability and in log-odds
(``use_logit`` / ``link="logit"``). Values and expected values must agree within 1e-9.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from plimsoll.engines.shap import KernelShapConfig, kernel_shap
from tests.reference import _shap_model
from tests.reference.conftest import RunReference

TOLERANCE = 1e-9
CASES: dict[str, dict[str, Any]] = {
    "m5-one-output": {"features": 5, "outputs": 1, "records": 4, "link": "identity"},
    "m6-logit": {"features": 6, "outputs": 1, "records": 3, "link": "logit"},
    "m7-two-outputs": {"features": 7, "outputs": 2, "records": 3, "link": "identity"},
    "m8-two-outputs-logit": {"features": 8, "outputs": 2, "records": 3, "link": "logit"},
}


@pytest.fixture(scope="module")
def kernel_explainer(run_reference: RunReference, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("shap")
    (folder / "cases.json").write_text(json.dumps(CASES), encoding="utf-8")
    return run_reference("_shap_values.py", folder / "cases.json", out=folder / "out.json")


@pytest.mark.parametrize("name", list(CASES))
def test_exact_kernel_shap_equals_kernel_explainer(
    kernel_explainer: dict[str, Any], name: str
) -> None:
    case = CASES[name]
    m, k = case["features"], case["outputs"]
    config = KernelShapConfig(num_samples=2**m - 2, use_logit=case["link"] == "logit", seed=0)
    ours = kernel_shap(
        _shap_model.make_predict(m, k),
        _shap_model.records(m, case["records"]),
        _shap_model.baseline(m),
        config,
    )
    theirs = np.asarray(kernel_explainer[name]["values"])
    assert ours.exact
    assert ours.shap_values.shape == theirs.shape == (case["records"], m, k)
    np.testing.assert_allclose(ours.shap_values, theirs, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(
        ours.expected_value, kernel_explainer[name]["expected_value"], rtol=0, atol=TOLERANCE
    )
    # Not a trivial model: every feature moves the output.
    assert np.abs(theirs).mean(axis=(0, 2)).min() > 1e-3
