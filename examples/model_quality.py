"""`make demo`, part 3: Model Monitor's model quality and model bias with ground truth.

A breast-cancer classifier is baselined on a validation set (its predictions and labels), then
deployed with Data Capture; 200 requests carry an ``InferenceId``; their labels are uploaded
as ground truth (about a quarter of them flipped, most on large tumours, so the model looks
worse than on validation); a
``NOW`` model-quality schedule merges captures with labels and scores them; the metrics and
violations are printed. Then a ``ModelBiasMonitor`` does the same for Clarify's post-training
bias metrics, with large tumours (mean radius > 14) as the facet: baseline on the validation
set, a ``NOW`` schedule on the same traffic and labels, the metrics that drifted.

This file is also the endpoint's inference script (``model_fn`` ... ``output_fn`` below): the
endpoint answers with the probability of the positive class, as one CSV value.
"""

from __future__ import annotations

import csv
import os
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import joblib
import numpy as np

HERE = Path(__file__).resolve().parent
ROLL_SECONDS = 2.0
REQUESTS = 200
LARGE_RADIUS = 14  # the bias facet: large tumours (feature 0, "mean radius")
FLIPPED_LARGE, FLIPPED_SMALL = 0.45, 0.12


# -- the inference script ---------------------------------------------------------------------


def model_fn(model_dir: str) -> Any:
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def predict_fn(data: Any, model: Any) -> Any:
    return model.predict_proba(data)[:, 1]


def output_fn(prediction: Any, accept: str) -> tuple[str, str]:
    return "\n".join(f"{p:.6f}" for p in prediction), "text/csv"


# -- the demo ---------------------------------------------------------------------------------


def _until(check: Any, what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")


def main() -> None:
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from plimsoll.compat.capture_format import iter_records
    from plimsoll.compat.naming import name_from_base
    from plimsoll.deserializers import StringDeserializer
    from plimsoll.model import Model
    from plimsoll.model_monitor import DataCaptureConfig, EndpointInput, ModelQualityMonitor
    from plimsoll.model_monitor.dataset_format import DatasetFormat
    from plimsoll.model_monitor.ground_truth import upload_ground_truth
    from plimsoll.serializers import CSVSerializer
    from plimsoll.session import Session
    from plimsoll.settings import Settings

    session = Session(settings=Settings.load(capture_roll_seconds=ROLL_SECONDS))
    bucket = session.default_bucket()
    features, labels = load_breast_cancer(return_X_y=True)
    train_x, rest_x, train_y, rest_y = train_test_split(
        features, labels, test_size=0.6, random_state=0, stratify=labels
    )
    valid_x, live_x, valid_y, live_y = train_test_split(
        rest_x, rest_y, test_size=0.5, random_state=0, stratify=rest_y
    )
    fitted = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    fitted.fit(train_x, train_y)
    work = Path(tempfile.mkdtemp(prefix="plimsoll-demo-mq-"))

    # 1. Baseline: the validation set with the model's predictions and the true labels.
    validation = work / "validation.csv"
    probability = fitted.predict_proba(valid_x)[:, 1]
    with validation.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["label", "prediction", "probability"])
        for label, p in zip(valid_y, probability, strict=True):
            writer.writerow([int(label), int(p > 0.5), f"{p:.6f}"])
    monitor = ModelQualityMonitor(
        role="any", instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=session
    )
    print(f"\nmodel quality: baselining {len(valid_y)} validation rows (prediction + label)")
    monitor.suggest_baseline(
        baseline_dataset=str(validation),
        dataset_format=DatasetFormat.csv(header=True),
        problem_type="BinaryClassification",
        inference_attribute="prediction",
        probability_attribute="probability",
        ground_truth_attribute="label",
        output_s3_uri=f"s3://{bucket}/demo/model-quality/baseline",
        wait=True,
        logs=False,
    )
    baseline = monitor.baseline_statistics().body_dict["binary_classification_metrics"]
    print("  baseline " + _metrics_line(baseline))

    # 2. A binary classifier endpoint with Data Capture; requests carry an InferenceId.
    joblib.dump(fitted, work / "model.joblib")
    with tarfile.open(work / "model.tar.gz", "w:gz") as tar:
        tar.add(work / "model.joblib", arcname="model.joblib")
    model = Model(
        image_uri="sklearn",
        model_data=session.upload_data(
            str(work / "model.tar.gz"), bucket=bucket, key_prefix="demo/model-quality/model"
        ),
        entry_point="model_quality.py",
        source_dir=str(HERE),
        role="any",
        sagemaker_session=session,
    )
    endpoint = name_from_base("demo-cancer")
    capture_prefix = f"demo/model-quality/capture/{endpoint}/"
    predictor = model.deploy(
        initial_instance_count=1,
        instance_type="ml.m5.xlarge",
        endpoint_name=endpoint,
        serializer=CSVSerializer(),
        deserializer=StringDeserializer(),
        data_capture_config=DataCaptureConfig(
            enable_capture=True,
            sampling_percentage=100,
            destination_s3_uri=f"s3://{bucket}/demo/model-quality/capture",
        ),
    )
    try:
        rng = np.random.default_rng(0)
        picks = rng.choice(len(live_y), REQUESTS)
        print(f"endpoint {endpoint} is InService; sending {REQUESTS} requests with InferenceIds")
        for n, index in enumerate(picks):
            predictor.predict(live_x[index], inference_id=f"mq-{n}")

        def captured() -> bool:
            keys = session.list_s3_files(bucket, capture_prefix)
            count = sum(
                1 for k in keys for _ in iter_records(session.read_s3_file(bucket, k).encode())
            )
            return count >= REQUESTS

        _until(captured, f"capturing {REQUESTS} records")

        # 3. Ground truth for those requests, about a quarter of the labels flipped: most of
        # them on large tumours (mean radius > 14), so the model is also less fair to them.
        truth = live_y[picks].copy()
        large = live_x[picks, 0] > LARGE_RADIUS
        flip = rng.random(REQUESTS) < np.where(large, FLIPPED_LARGE, FLIPPED_SMALL)
        truth[flip] = 1 - truth[flip]
        ground_truth_uri = f"s3://{bucket}/demo/model-quality/ground-truth"
        uploaded = upload_ground_truth(
            [(f"mq-{n}", int(label)) for n, label in enumerate(truth)],
            ground_truth_uri,
            sagemaker_session=session,
        )
        print(f"uploaded {REQUESTS} labels ({int(flip.sum())} flipped) to {uploaded}")

        # 4. A NOW schedule over the last hour: merge with ground truth, then score.
        monitor.create_monitoring_schedule(
            monitor_schedule_name=f"{endpoint}-quality",
            endpoint_input=EndpointInput(
                endpoint_name=endpoint,
                destination="/opt/ml/processing/input_data",
                probability_attribute="0",
                probability_threshold_attribute=0.5,
            ),
            ground_truth_input=ground_truth_uri,
            problem_type="BinaryClassification",
            output_s3_uri=f"s3://{bucket}/demo/model-quality/reports",
            constraints=monitor.suggested_constraints(),
            schedule_cron_expression="NOW",
            data_analysis_start_time="-PT1H",
            data_analysis_end_time="PT0H",
        )
        execution = _until(lambda: _finished(monitor), "the model-quality execution", 120)
        described = execution.describe()
        print(f"execution {described['ProcessingJobName']}: {described.get('ExitMessage')}")
        current = execution.statistics().body_dict["binary_classification_metrics"]
        print("  live     " + _metrics_line(current))
        matrix = current["confusion_matrix"]
        print(f"  confusion matrix (actual -> predicted): {matrix}")
        violations = execution.constraint_violations().body_dict["violations"]
        print(f"  {len(violations)} violations:")
        for item in violations:
            print(f"    {item['metric_name']:<22} {item['description']}")
        print(f"see it again with: .venv/bin/plimsoll monitor violations {endpoint}-quality")
        _bias(session, endpoint, work, (valid_x, valid_y, fitted), ground_truth_uri)
    finally:
        predictor.delete_endpoint()


def _bias(
    session: Any, endpoint: str, work: Path, validation: tuple[Any, Any, Any], truth_uri: str
) -> None:
    """5. Model bias on the same traffic and labels: baseline, NOW schedule, drifted metrics."""
    from sklearn.datasets import load_breast_cancer

    from plimsoll import clarify
    from plimsoll.model_monitor import BiasAnalysisConfig, EndpointInput, ModelBiasMonitor

    bucket = session.default_bucket()
    valid_x, valid_y, fitted = validation
    features = [str(name) for name in load_breast_cancer().feature_names]
    dataset = work / "validation_bias.csv"
    with dataset.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["label", *features, "predicted"])
        for row, label, predicted in zip(valid_x, valid_y, fitted.predict(valid_x), strict=True):
            writer.writerow([int(label), *row, int(predicted)])
    bias = clarify.BiasConfig(
        label_values_or_threshold=[1],
        facet_name="mean radius",
        facet_values_or_threshold=[LARGE_RADIUS],
    )
    monitor = ModelBiasMonitor(
        role="any", instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=session
    )
    print("\nmodel bias: baselining the validation rows (facet: mean radius > 14)")
    monitor.suggest_baseline(
        data_config=clarify.DataConfig(
            s3_data_input_path=str(dataset),
            s3_output_path=f"s3://{bucket}/demo/model-bias/baseline",
            label="label",
            headers=["label", *features, "predicted"],
            predicted_label="predicted",
            dataset_type="text/csv",
        ),
        bias_config=bias,
        model_config=None,
        wait=True,
    )
    monitor.create_monitoring_schedule(
        monitor_schedule_name=f"{endpoint}-bias",
        endpoint_input=EndpointInput(
            endpoint_name=endpoint,
            destination="/opt/ml/processing/input_data",
            probability_attribute="0",
            probability_threshold_attribute=0.5,
        ),
        ground_truth_input=truth_uri,
        analysis_config=BiasAnalysisConfig(bias, headers=["label", *features], label="label"),
        output_s3_uri=f"s3://{bucket}/demo/model-bias/reports",
        schedule_cron_expression="NOW",
        data_analysis_start_time="-PT1H",
        data_analysis_end_time="PT0H",
    )
    execution = _until(lambda: _finished(monitor), "the model-bias execution", 120)
    described = execution.describe()
    print(f"execution {described['ProcessingJobName']}: {described.get('ExitMessage')}")
    violations = execution.constraint_violations().body_dict["violations"]
    print(f"  {len(violations)} bias metrics drifted past the baseline:")
    for item in violations:
        print(f"    {item['metric_name']:<6} {item['description']}")
    print(f"its history: .venv/bin/plimsoll monitor report {endpoint}-bias --open")


def _finished(monitor: Any) -> Any:
    """The execution once it has ended (the schedule's status, not the merge job's, which
    ends before the analysis job starts)."""
    summaries = monitor.sagemaker_session.sagemaker_client.list_monitoring_executions(
        MonitoringScheduleName=monitor.monitoring_schedule_name
    )["MonitoringExecutionSummaries"]
    if not summaries or summaries[0]["MonitoringExecutionStatus"] in ("Pending", "InProgress"):
        return None
    executions = monitor.list_executions()
    return executions[-1] if executions else None


def _metrics_line(body: dict[str, Any]) -> str:
    return ", ".join(
        f"{name} {float(body[name]['value']):.3f}" for name in ("accuracy", "auc", "f1")
    )


if __name__ == "__main__":
    main()
