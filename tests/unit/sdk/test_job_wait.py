"""Waiting for jobs: progress characters, log tailing and the final status check."""

from __future__ import annotations

import logging

import pytest

from plimsoll.exceptions import CapacityError, UnexpectedStatusException
from plimsoll.processing import Processor
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.unit.sdk.fakes import LoggingClient, RecordingClient


def _start(session: Session, job_name: str = "job", instance_count: int = 1) -> None:
    Processor(
        image_uri="img",
        instance_count=instance_count,
        instance_type="ml.m5.large",
        sagemaker_session=session,
    ).run(job_name=job_name, wait=False, logs=False)


def test_wait_prints_progress_and_returns_description(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    client = RecordingClient(statuses=["InProgress", "InProgress", "Completed"])
    session = Session(sagemaker_client=client, settings=settings)
    _start(session)

    desc = session.wait_for_processing_job("job", poll=0)

    assert desc["ProcessingJobStatus"] == "Completed"
    out = capsys.readouterr().out
    assert out.startswith(".")
    assert out.endswith("!\n")


def test_failed_job_raises_with_reason(settings: Settings) -> None:
    client = RecordingClient(
        statuses=["Failed"], FailureReason="AlgorithmError: boom, exit code: 3"
    )
    session = Session(sagemaker_client=client, settings=settings)
    _start(session, job_name="bad")

    with pytest.raises(UnexpectedStatusException) as info:
        session.wait_for_processing_job("bad", poll=0)

    assert str(info.value) == (
        "Error for Processing job bad: Failed. Reason: AlgorithmError: boom, exit code: 3"
    )
    assert info.value.actual_status == "Failed"
    assert not isinstance(info.value, CapacityError)
    assert isinstance(info.value, ValueError)


def test_capacity_failures_raise_capacity_error(settings: Settings) -> None:
    client = RecordingClient(statuses=["FAILED"], FailureReason="CapacityError: no hosts")
    session = Session(sagemaker_client=client, settings=settings)
    _start(session)

    with pytest.raises(CapacityError, match="job: Failed. Reason: CapacityError"):
        session.wait_for_processing_job("job", poll=0)


def test_failure_without_reason(settings: Settings) -> None:
    session = Session(sagemaker_client=RecordingClient(statuses=["Failed"]), settings=settings)
    _start(session)
    with pytest.raises(UnexpectedStatusException, match=r"Reason: \(No reason provided\)"):
        session.wait_for_processing_job("job", poll=0)


def test_stopped_job_only_warns(
    settings: Settings, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    session = Session(sagemaker_client=RecordingClient(statuses=["Stopped"]), settings=settings)
    _start(session)

    with caplog.at_level(logging.WARNING):
        session.wait_for_processing_job("job", poll=0)

    assert "ended with status 'Stopped' rather than 'Completed'" in caplog.text
    assert capsys.readouterr().out == "s\n"


def test_run_waits_without_logs(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    client = RecordingClient(statuses=["InProgress", "Completed"])
    session = Session(sagemaker_client=client, settings=settings)
    Processor(
        image_uri="img", instance_count=1, instance_type="ml.m5.large", sagemaker_session=session
    ).run(job_name="w", wait=True, logs=False)

    assert capsys.readouterr().out == ".!\n"


def test_logs_of_two_hosts_are_prefixed(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    client = LoggingClient(
        chunks={
            "algo-1": [b"start 1\nhalf", b" line\n", b"no newline at end"],
            "algo-2": [b"start 2\n", b"caf\xc3\xa9 \xff\n", b""],
        },
        statuses=["InProgress", "InProgress", "Completed"],
    )
    session = Session(sagemaker_client=client, settings=settings)
    _start(session, instance_count=2)

    session.logs_for_processing_job("job", wait=True, poll=0)

    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("[algo-1]")] == [
        "[algo-1] start 1",
        "[algo-1] half line",
        "[algo-1] no newline at end",
    ]
    assert [line for line in lines if line.startswith("[algo-2]")] == [
        "[algo-2] start 2",
        "[algo-2] café \ufffd",
    ]
    assert lines.index("[algo-1] start 1") < lines.index("[algo-1] half line")


def test_logs_of_one_host_are_not_prefixed(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    client = LoggingClient(chunks={"algo-1": [b"hello\n", b"bye\n"]}, statuses=["Completed"])
    session = Session(sagemaker_client=client, settings=settings)
    _start(session)

    session.logs_for_processing_job("job", wait=True, poll=0)

    assert capsys.readouterr().out == "hello\n"


def test_failed_job_logs_then_raises(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    client = LoggingClient(
        chunks={"algo-1": [b"Traceback\n", b"ZeroDivisionError\n"]},
        statuses=["InProgress", "Failed"],
        FailureReason="AlgorithmError: , exit code: 1",
    )
    session = Session(sagemaker_client=client, settings=settings)
    _start(session)

    with pytest.raises(UnexpectedStatusException, match="exit code: 1"):
        session.logs_for_processing_job("job", wait=True, poll=0)

    assert capsys.readouterr().out == "Traceback\nZeroDivisionError\n"


def test_logs_without_log_reader_fall_back_to_waiting(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    client = RecordingClient(statuses=["InProgress", "Completed"])
    session = Session(sagemaker_client=client, settings=settings)
    _start(session)

    desc = session.logs_for_processing_job("job", wait=True, poll=0)

    assert desc["ProcessingJobStatus"] == "Completed"
    assert capsys.readouterr().out == ".!\n"
