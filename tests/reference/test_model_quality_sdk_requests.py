"""``ModelQualityMonitor`` sends the requests SageMaker's SDK 2.199 sends, case by case.

Both SDKs run ``_model_quality_requests.build`` on a stub client that records the Model
Monitor calls (CreateModelQualityJobDefinition, CreateMonitoringSchedule, updates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import plimsoll.model_monitor
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.reference import _model_quality_requests as cases
from tests.reference.conftest import RunReference


@pytest.fixture(scope="module")
def real(run_reference: RunReference, tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("mq-real") / "real.json"
    found = run_reference("_model_quality_requests.py", out=out)
    assert sorted(found) == sorted(cases.CASES)
    return found


@pytest.mark.parametrize("name", cases.CASES)
def test_requests_equal_real_sdk(real: dict[str, Any], tmp_path: Path, name: str) -> None:
    client = cases.StubClient()
    settings = Settings.load(home=tmp_path, region=cases.REGION)
    session = Session(sagemaker_client=client, settings=settings, default_bucket=cases.BUCKET)
    cases.build(plimsoll.model_monitor, session, name)
    assert cases.normalized(client.calls) == real[name]


def test_missing_ground_truth_or_problem_type(tmp_path: Path) -> None:
    session = Session(sagemaker_client=cases.StubClient(), settings=Settings.load(home=tmp_path))
    monitor = plimsoll.model_monitor.ModelQualityMonitor(role=cases.ROLE, sagemaker_session=session)
    with pytest.raises(ValueError, match="ground_truth_input can not be None"):
        monitor.create_monitoring_schedule(endpoint_input="ep", problem_type="Regression")
    with pytest.raises(ValueError, match="problem_type can not be None"):
        monitor.create_monitoring_schedule(endpoint_input="ep", ground_truth_input="s3://b/gt")
