"""SageMakerClarifyProcessor end to end with a model: an in-process session, a real Clarify job
that creates a shadow endpoint through the session's loopback API, SHAP and post-training bias."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris

from plimsoll import clarify
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.integration._models import model_tar

CODE = """
import os, joblib
def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))
def predict_fn(data, model):
    return model.predict_proba(data)[:, :1]
"""
HEADERS = ["setosa", "sl", "sw", "pl", "pw", "group"]


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    opened = Session(settings=settings)
    yield opened
    opened.close()


def _dataset(folder: Path) -> Path:
    x, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(3)
    path = folder / "iris.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for row, label in zip(x[::3], y[::3], strict=True):
            writer.writerow([int(label == 0), *row.tolist(), int(rng.integers(0, 2))])
    return path


def test_explainability_and_post_training_bias_with_a_shadow_endpoint(
    session: Session, tmp_path: Path
) -> None:
    session.sagemaker_client.create_model(
        ModelName="iris-setosa",
        PrimaryContainer={
            "Image": "sklearn",
            "ModelDataUrl": str(model_tar(tmp_path / "model", code=CODE)),
            "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
        },
        ExecutionRoleArn="arn:aws:iam::000000000000:role/test",
    )
    output = tmp_path / "clarify-out"
    data = clarify.DataConfig(
        s3_data_input_path=str(_dataset(tmp_path)),
        s3_output_path=str(output),
        label="setosa",
        headers=HEADERS,
        dataset_type="text/csv",
        excluded_columns=["group"],  # the facet is analysed, not sent to the model
    )
    model = clarify.ModelConfig(
        model_name="iris-setosa",
        instance_type="ml.m5.xlarge",
        instance_count=1,
        accept_type="text/csv",
        content_type="text/csv",
    )
    processor = clarify.SageMakerClarifyProcessor(
        role="any", instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=session
    )
    shap = clarify.SHAPConfig(
        baseline=[[5.8, 3.0, 3.7, 1.2]], num_samples=40, agg_method="mean_abs", seed=1
    )
    processor.run_bias_and_explainability(
        data,
        model,
        shap,
        clarify.BiasConfig(label_values_or_threshold=[1], facet_name="group"),
        model_predicted_label_config=clarify.ModelPredictedLabelConfig(probability_threshold=0.5),
        logs=False,
    )
    analysis = json.loads((output / "analysis.json").read_text())
    shap_values = analysis["explanations"]["kernel_shap"]["label0"]["global_shap_values"]
    assert set(shap_values) == {"sl", "sw", "pl", "pw"}
    assert max(shap_values, key=shap_values.__getitem__) in ("pl", "pw")  # petals decide setosa
    post = analysis["post_training_bias_metrics"]["facets"]["group"][0]["metrics"]
    assert {m["name"] for m in post} >= {"DPPL", "DI", "AD"}
    assert "pre_training_bias_metrics" in analysis
    endpoints = session.sagemaker_client.list_endpoints()["Endpoints"]
    assert not [e for e in endpoints if "iris-setosa" in e["EndpointName"]]  # shadow deleted
