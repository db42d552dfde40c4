"""The Clarify image calling a model through a real Plimsoll server (SageMaker APIs + boto3).

The image runs in-process with the job environment a Clarify job gets: the service-specific
endpoint variables pointing at the session's test server.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.datasets import load_iris

from plimsoll.images.clarify import COMPLETED_MESSAGE
from tests.integration._clarify import create_model, run_image, serving, unique
from tests.integration._models import iris_model

HEADERS = ["sl", "sw", "pl", "pw", "group", "setosa"]
CLASSES = ["setosa", "versicolor", "virginica"]
PROBA_CODE = """
import os, joblib
def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))
def predict_fn(data, model):
    return model.predict_proba(data)
"""
GARBAGE_CODE = """
def model_fn(model_dir):
    return None
def predict_fn(data, model):
    return "garbage"
"""


@pytest.fixture(scope="module")
def models(
    boto_sagemaker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """A probability model with a running endpoint, and a model that answers garbage."""
    folder = tmp_path_factory.mktemp("clarify-models")
    proba, garbage = unique("cl-proba"), unique("cl-garbage")
    create_model(boto_sagemaker, folder, proba, PROBA_CODE)
    create_model(boto_sagemaker, folder, garbage, GARBAGE_CODE)
    with serving(boto_sagemaker, proba, unique("cl-ep")) as endpoint:
        yield {"proba": proba, "garbage": garbage, "endpoint": endpoint}


def _iris_csv(path: Path, rows: int | None = None) -> np.ndarray:
    """Iris with a 0/1 ``group`` column (not sent to the model) and an is-setosa label."""
    x, y = load_iris(return_X_y=True)
    index = np.arange(len(y)) if rows is None else np.linspace(0, len(y) - 1, rows).astype(int)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        for i in index:
            writer.writerow([*x[i].tolist(), int(i % 2), int(y[i] == 0)])
    return np.asarray(x[index])


def _bias_config(predictor: dict[str, Any]) -> dict[str, Any]:
    return {
        "dataset_type": "text/csv",
        "headers": HEADERS,
        "label": "setosa",
        "label_values_or_threshold": [1],
        "facet": [{"name_or_index": "group", "value_or_threshold": [1]}],
        "excluded_columns": ["group"],
        "probability_threshold": 0.5,
        "methods": {"post_training_bias": {"methods": ["DPPL", "DI", "AD"]}},
        "predictor": {"content_type": "text/csv", "accept_type": "text/csv",
                      "probability": 0, **predictor},
    }  # fmt: skip


def _metrics(analysis: dict[str, Any]) -> dict[str, Any]:
    [entry] = analysis["post_training_bias_metrics"]["facets"]["group"]
    return {m["name"]: m["value"] for m in entry["metrics"]}


def test_post_training_bias_from_a_running_endpoint(
    tmp_path: Path, models: dict[str, str], job_env: None
) -> None:
    x = _iris_csv(tmp_path / "data" / "iris.csv")
    code, message, analysis = run_image(
        tmp_path, _bias_config({"endpoint_name": models["endpoint"]})
    )
    assert (code, message) == (0, COMPLETED_MESSAGE)
    assert analysis is not None
    predicted = iris_model().predict_proba(x)[:, 0] > 0.5
    group = np.arange(len(x)) % 2 == 1
    truth = np.arange(len(x)) < 50
    # DPPL = q_a - q_d over predicted positives; AD = accuracy_a - accuracy_d.
    dppl = predicted[~group].mean() - predicted[group].mean()
    ad = (predicted == truth)[~group].mean() - (predicted == truth)[group].mean()
    values = _metrics(analysis)
    assert values["DPPL"] == pytest.approx(dppl, abs=1e-9)
    assert values["AD"] == pytest.approx(ad, abs=1e-9)


def test_post_training_bias_through_a_shadow_endpoint(
    tmp_path: Path, models: dict[str, str], job_env: None, boto_sagemaker: Any
) -> None:
    _iris_csv(tmp_path / "data" / "iris.csv")
    predictor = {"model_name": models["proba"], "instance_type": "ml.m5.xlarge",
                 "initial_instance_count": 1}  # fmt: skip
    code, message, analysis = run_image(tmp_path, _bias_config(predictor))
    assert (code, message) == (0, COMPLETED_MESSAGE)
    assert analysis is not None and set(_metrics(analysis)) == {"DPPL", "DI", "AD"}
    prefix = f"sm-clarify-{models['proba']}"
    left = boto_sagemaker.list_endpoints(NameContains=prefix)["Endpoints"]
    configs = boto_sagemaker.list_endpoint_configs(NameContains=prefix)["EndpointConfigs"]
    assert (left, configs) == ([], [])


def test_shap_and_pdp_on_the_iris_model(
    tmp_path: Path, models: dict[str, str], job_env: None
) -> None:
    x = _iris_csv(tmp_path / "data" / "iris.csv", rows=8)
    baseline = [[5.8, 3.0, 4.3, 1.3]]
    config = {
        "dataset_type": "text/csv",
        "headers": HEADERS,
        "label": "setosa",
        "excluded_columns": ["group"],
        "methods": {
            "shap": {"baseline": baseline, "num_samples": 14, "agg_method": "mean_abs",
                     "use_logit": False, "save_local_shap_values": True, "seed": 3},
            "pdp": {"grid_resolution": 5, "top_k_features": 2},
        },
        "predictor": {"endpoint_name": models["endpoint"], "content_type": "text/csv",
                      "accept_type": "text/csv", "label_headers": CLASSES},
    }  # fmt: skip
    code, message, analysis = run_image(tmp_path, config)
    assert (code, message) == (0, COMPLETED_MESSAGE)
    assert analysis is not None
    shap = analysis["explanations"]["kernel_shap"]
    assert list(shap) == CLASSES
    model = iris_model()
    expected = model.predict_proba(np.asarray(baseline))[0]
    out_csv = (tmp_path / "output" / "explanations_shap" / "out.csv").read_text()
    local = list(csv.DictReader(out_csv.splitlines()))
    assert len(local) == len(x)
    assert list(local[0]) == [f"{f}_{c}" for c in CLASSES for f in HEADERS[:4]]
    predictions = model.predict_proba(x)
    for k, label in enumerate(CLASSES):
        assert shap[label]["expected_value"] == pytest.approx(expected[k], abs=1e-5)
        sums = [sum(float(row[f"{f}_{label}"]) for f in HEADERS[:4]) for row in local]
        assert sums == pytest.approx(predictions[:, k] - expected[k], abs=1e-5)
    pdp = analysis["explanations"]["pdp"]
    assert len(pdp) == 2
    top = sorted(shap["setosa"]["global_shap_values"].items(), key=lambda kv: -kv[1])
    assert pdp[0]["feature_name"] == top[0][0]
    assert len(pdp[0]["feature_values"]) == 5
    assert np.asarray(pdp[0]["model_predictions"]).shape == (3, 5)
    assert pdp[0]["label_headers"] == CLASSES


def test_a_model_answering_garbage_fails_clearly_and_the_shadow_is_deleted(
    tmp_path: Path, models: dict[str, str], job_env: None, boto_sagemaker: Any
) -> None:
    _iris_csv(tmp_path / "data" / "iris.csv", rows=10)
    predictor = {"model_name": models["garbage"], "instance_type": "ml.m5.xlarge",
                 "initial_instance_count": 1}  # fmt: skip
    code, message, _ = run_image(tmp_path, _bias_config(predictor))
    assert code == 1
    assert message.startswith("Error: the model returned 1 text/csv records for 10 records sent")
    assert "garbage" in message
    prefix = f"sm-clarify-{models['garbage']}"
    assert boto_sagemaker.list_endpoints(NameContains=prefix)["Endpoints"] == []
    assert boto_sagemaker.list_endpoint_configs(NameContains=prefix)["EndpointConfigs"] == []


def test_without_the_endpoint_variables_the_job_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"):
        monkeypatch.delenv(name, raising=False)
    _iris_csv(tmp_path / "data" / "iris.csv", rows=10)
    code, message, _ = run_image(tmp_path, _bias_config({"endpoint_name": "anything"}))
    assert code == 1
    assert message.startswith("Error: Post-training bias without a predicted_label column")
    assert "needs model access: set AWS_ENDPOINT_URL_SAGEMAKER" in message


def test_a_baseline_file_gives_what_the_same_rows_inline_give(
    tmp_path: Path, models: dict[str, str], job_env: None
) -> None:
    rows = [[5.8, 3.0, 4.3, 1.3], [6.4, 2.8, 5.6, 2.1]]
    baseline_file = tmp_path / "baseline" / "rows.csv"
    baseline_file.parent.mkdir()
    baseline_file.write_text("sl,sw,pl,pw\n" + "\n".join(",".join(map(str, r)) for r in rows))
    found = []
    for name, baseline in (("inline", rows), ("file", f"file://{baseline_file}")):
        _iris_csv(tmp_path / name / "data" / "iris.csv", rows=5)
        config = {
            "dataset_type": "text/csv", "headers": HEADERS, "label": "setosa",
            "excluded_columns": ["group"],
            "methods": {"shap": {"baseline": baseline, "num_samples": 14, "seed": 3}},
            "predictor": {"endpoint_name": models["endpoint"], "content_type": "text/csv",
                          "accept_type": "text/csv", "label_headers": CLASSES},
        }  # fmt: skip
        code, message, analysis = run_image(tmp_path / name, config)
        assert (code, message) == (0, COMPLETED_MESSAGE)
        found.append(analysis)
    assert found[0] == found[1]
    assert found[0] is not None and list(found[0]["explanations"]["kernel_shap"]) == CLASSES
