"""The demo's Model Monitor part: baseline, schedule, normal then drifted traffic, run, report.

SageMaker code with ``sagemaker`` replaced by ``plimsoll``, plus one Plimsoll extension:
``run_monitoring_schedule`` starts an execution over the last hour right away, where
SageMaker would make you wait for the top of the next hour.
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from plimsoll.model_monitor import CronExpressionGenerator, DefaultModelMonitor
from plimsoll.model_monitor.dataset_format import DatasetFormat
from plimsoll.predictor import Predictor
from plimsoll.session import Session
from plimsoll.settings import Settings

HERE = Path(__file__).resolve().parent
CLASSES = ["setosa", "versicolor", "virginica"]


def _baseline_csv(features: np.ndarray, predicted: np.ndarray) -> Path:
    """The training data as the analyzer sees captured rows: the model's answer first."""
    path = Path(tempfile.mkdtemp(prefix="plimsoll-demo-baseline-")) / "train.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["class", "sepal_length", "sepal_width", "petal_length", "petal_width"])
        for label, row in zip(predicted, features, strict=True):
            writer.writerow([CLASSES[int(label)], *row.tolist()])
    return path


def _wait_for_execution(monitor: DefaultModelMonitor, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        executions = monitor.list_executions()
        if executions:
            status = executions[-1].describe()["ProcessingJobStatus"]
            if status not in ("InProgress", "Stopping"):
                return executions[-1]
        time.sleep(0.5)
    raise TimeoutError("the monitoring execution did not finish in time")


def monitor(
    session: Session,
    predictor: Predictor,
    endpoint_name: str,
    features: np.ndarray,
    predicted: np.ndarray,
    roll_seconds: float,
) -> None:
    bucket = session.default_bucket()
    mon = DefaultModelMonitor(
        role="any", instance_count=1, instance_type="ml.m5.xlarge", sagemaker_session=session
    )
    print("\nbaselining the training data with the built-in analyzer")
    mon.suggest_baseline(
        baseline_dataset=str(_baseline_csv(features, predicted)),
        dataset_format=DatasetFormat.csv(header=True),
        output_s3_uri=f"s3://{bucket}/demo/monitor/baseline",
        wait=True,
        logs=False,
    )
    constraints = mon.suggested_constraints().body_dict["features"]
    print(f"  suggested constraints for {len(constraints)} features")

    mon.create_monitoring_schedule(
        monitor_schedule_name=f"{endpoint_name}-hourly",
        endpoint_input=endpoint_name,
        output_s3_uri=f"s3://{bucket}/demo/monitor/reports",
        statistics=mon.baseline_statistics(),
        constraints=mon.suggested_constraints(),
        schedule_cron_expression=CronExpressionGenerator.hourly(),
        record_preprocessor_script=str(HERE / "monitor_preprocess.py"),
        post_analytics_processor_script=str(HERE / "monitor_postprocess.py"),
    )
    print(
        f"  schedule {endpoint_name}-hourly: {mon.describe_schedule()['MonitoringScheduleStatus']}"
    )

    rng = np.random.default_rng(0)
    normal = features[rng.choice(len(features), 150)]
    drifted = normal * np.array([1.0, 1.6, 1.0, 1.0]) + np.array([0.0, 0.0, 2.5, 0.0])
    print("sending 150 normal and 150 drifted requests (wider sepals, longer petals)")
    for row in np.vstack([normal, drifted]):
        predictor.predict(row)
    time.sleep(roll_seconds + 1)  # capture files roll, then upload

    client = session.sagemaker_client
    client.run_monitoring_schedule(MonitoringScheduleName=f"{endpoint_name}-hourly")
    execution = _wait_for_execution(mon)
    described = execution.describe()
    print(f"execution {described['ProcessingJobName']}: {described.get('ExitMessage')}")
    violations = execution.constraint_violations().body_dict["violations"]
    for item in violations:
        name, check = item["feature_name"], item["constraint_check_type"]
        print(f"  {name:>14}  {check:<22} {item['description']}")
    report = f"{execution.output.destination}/report.html"
    settings = Settings.load()
    if settings.s3_endpoint_url is None and report.startswith("s3://"):
        report = str(settings.home / "s3" / report.removeprefix("s3://"))
    print(f"report: {report}")
    print(f"see it again with: .venv/bin/plimsoll monitor violations {endpoint_name}-hourly")
    mon.stop_monitoring_schedule()  # the endpoint goes away now; its results stay
