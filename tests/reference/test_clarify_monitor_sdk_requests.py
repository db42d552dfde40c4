"""The Clarify monitors behave as SageMaker's SDK 2.199 ones, case by case.

Both SDKs run ``_clarify_monitor_requests.run_case`` on a stub client that records the calls
(Create<Type>JobDefinition, CreateMonitoringSchedule, updates, deletes, the Clarify baselining
job's CreateProcessingJob). Per case, the recorded requests, the uploaded ``analysis_config.json``
bodies, the monitor's attributes (after ``attach`` too), what ``suggested_constraints()`` reads
and the exception (type and message) must be equal. Generated names lose their timestamp and
uuid4s are masked on both sides.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import plimsoll.clarify
import plimsoll.model_monitor
import plimsoll.processing
import plimsoll.s3
from plimsoll.model_monitor import clarify_model_monitoring
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.reference import _clarify_monitor_requests as cases
from tests.reference.conftest import RunReference


@pytest.fixture(scope="module")
def real(run_reference: RunReference, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("clarify-monitor-real") / "real.json"
    found = run_reference("_clarify_monitor_requests.py", out=out)
    assert sorted(found) == sorted(cases.CASES)
    return found


def _session(home: Path) -> Session:
    settings = Settings.load(home=home, region=cases.REGION)
    client: Any = cases.StubClient()
    return Session(sagemaker_client=client, settings=settings, default_bucket=cases.BUCKET)


def _run(name: str, home: Path) -> dict[str, Any]:
    session = _session(home)
    m = SimpleNamespace(
        mm=plimsoll.model_monitor,
        cmm=clarify_model_monitoring,
        c=plimsoll.clarify,
        s3=plimsoll.s3,
        processing=plimsoll.processing,
        session=session,
    )

    def read(uri: str) -> str | None:
        try:
            return plimsoll.s3.S3Downloader.read_file(uri, sagemaker_session=session)
        except FileNotFoundError:
            return None

    result: dict[str, Any] = cases.run_case(name, m, read)
    return result


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_case_equals_real_sdk(real: dict[str, Any], tmp_path: Path, name: str) -> None:
    assert _run(name, tmp_path) == real[name]


def test_reference_cases_exercise_what_they_name(real: dict[str, Any]) -> None:
    """The reference results hold requests and errors, so equality above means something."""
    for name, result in real.items():
        assert (result["error"] is not None) == name.startswith("error_"), name
    backfill = real["bias_baseline_backfill"]
    operations = [operation for operation, _ in backfill["calls"]]
    assert operations == [
        "CreateProcessingJob",
        "CreateModelBiasJobDefinition",
        "CreateMonitoringSchedule",
    ]
    definition = backfill["calls"][1][1]
    assert definition["ModelBiasBaselineConfig"] == {"BaseliningJobName": "bias-baseline"}
    endpoint = definition["ModelBiasJobInput"]["EndpointInput"]
    assert endpoint["InferenceAttribute"] == "0"
    assert endpoint["ProbabilityAttribute"] == "2"  # given wins over the baseline's "1"
    assert endpoint["ProbabilityThresholdAttribute"] == 0.6
    config_uri = definition["ModelBiasAppSpecification"]["ConfigUri"]
    assert config_uri == (
        "s3://bucket/reports/model-bias-job-definition/<uuid>/analysis_config.json"
    )
    assert backfill["configs"][config_uri]["facet"] == [
        {"name_or_index": "age", "value_or_threshold": [40]}
    ]
    assert backfill["constraints"][1] == cases.ANALYSIS


def test_analysis_config_is_stored_under_its_job_definition(tmp_path: Path) -> None:
    session = _session(tmp_path / "home")
    monitor = plimsoll.model_monitor.ModelBiasMonitor(role=cases.ROLE, sagemaker_session=session)
    bias = plimsoll.clarify.BiasConfig([1], "age", [40])
    monitor.create_monitoring_schedule(
        endpoint_input="ep",
        ground_truth_input="s3://bucket/gt",
        analysis_config=plimsoll.model_monitor.BiasAnalysisConfig(bias, label="label"),
        output_s3_uri="s3://bucket/out",
        monitor_schedule_name="s",
    )
    request = session.sagemaker_client.calls[0][1]  # type: ignore[attr-defined]
    uri = request["ModelBiasAppSpecification"]["ConfigUri"]
    prefix = f"s3://bucket/out/{monitor.job_definition_name}/"
    assert uri.startswith(prefix) and uri.endswith("/analysis_config.json")
    body = json.loads(plimsoll.s3.S3Downloader.read_file(uri, sagemaker_session=session))
    assert body == {**bias.get_config(), "label": "label"}


def test_local_output_keeps_the_analysis_config_local(tmp_path: Path) -> None:
    """A Plimsoll deviation: a local output folder holds the config (no S3 upload)."""
    session = _session(tmp_path / "home")
    monitor = plimsoll.model_monitor.ModelExplainabilityMonitor(sagemaker_session=session)
    config = plimsoll.model_monitor.ExplainabilityAnalysisConfig(
        plimsoll.clarify.SHAPConfig(baseline=[[1, 2]], num_samples=4, agg_method="mean_abs"),
        plimsoll.clarify.ModelConfig(model_name="m", instance_count=1, instance_type="t"),
        headers=["a", "b"],
    )
    out = tmp_path / "reports"
    monitor.create_monitoring_schedule(
        endpoint_input="ep", analysis_config=config, output_s3_uri=f"file://{out}"
    )
    request = session.sagemaker_client.calls[0][1]  # type: ignore[attr-defined]
    uri = request["ModelExplainabilityAppSpecification"]["ConfigUri"]
    assert uri.startswith(f"file://{out}/{monitor.job_definition_name}/")
    written = Path(uri[len("file://") :])
    assert json.loads(written.read_text()) == config._to_dict()
    outputs = request["ModelExplainabilityJobOutputConfig"]["MonitoringOutputs"]
    assert outputs[0]["S3Output"]["S3Uri"] == f"file://{out}"
