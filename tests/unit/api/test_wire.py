"""The wire tables: error code <-> HTTP status, and wire JSON timestamps."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from plimsoll.api.shapes import DescribeProcessingJobResponse, ListProcessingJobsResponse
from plimsoll.api.wire_errors import (
    ERROR_CODE_TO_HTTP_STATUS,
    SERIALIZATION,
    UNKNOWN_OPERATION,
    error_from_wire,
    http_status,
    to_wire,
)
from plimsoll.api.wire_json import decode_timestamps, dumps
from plimsoll.errors import (
    ERRORS_BY_CODE,
    InternalError,
    PlimsollError,
    ResourceInUse,
    ResourceNotFound,
    ValidationError,
)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ValidationException", 400),
        ("ResourceNotFound", 400),
        ("ResourceInUse", 400),
        ("ResourceLimitExceeded", 400),
        ("InternalFailure", 500),
        (UNKNOWN_OPERATION, 400),
        (SERIALIZATION, 400),
    ],
)
def test_sagemaker_statuses(code: str, status: int) -> None:
    assert http_status(code) == status


def test_every_error_class_has_a_status() -> None:
    assert set(ERRORS_BY_CODE) <= set(ERROR_CODE_TO_HTTP_STATUS)
    assert http_status("SomethingNew") == 500


def test_to_wire() -> None:
    assert to_wire(ResourceInUse("Job x already exists")) == (
        400,
        {"__type": "ResourceInUse", "message": "Job x already exists"},
    )


@pytest.mark.parametrize("cls", list(ERRORS_BY_CODE.values()))
def test_round_trip(cls: type[PlimsollError]) -> None:
    error = error_from_wire(*to_wire(cls("msg"))[1].values())
    assert type(error) is cls and error.message == "msg"


def test_namespaced_codes() -> None:
    assert isinstance(
        error_from_wire("com.amazonaws.sagemaker#ResourceNotFound", "m"), ResourceNotFound
    )
    assert isinstance(error_from_wire("ValidationException:http://x/", "m"), ValidationError)
    assert isinstance(error_from_wire("", "m"), InternalError)


def test_unknown_code_is_kept() -> None:
    error = error_from_wire("ThrottlingException", "slow down")
    assert type(error) is PlimsollError
    assert (error.code, error.message) == ("ThrottlingException", "slow down")


def test_timestamps_are_epoch_seconds_on_the_wire() -> None:
    moment = datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)
    naive = datetime(2024, 5, 1, 12, 0, 0, 500000)
    assert json.loads(dumps({"A": moment, "B": [naive], "C": b"\x00\xff"})) == {
        "A": 1714564800.5,
        "B": [1714564800.5],
        "C": "AP8=",
    }
    with pytest.raises(TypeError):
        dumps({"A": object()})


def test_decode_timestamps_follows_the_output_shape() -> None:
    wire = {
        "ProcessingJobSummaries": [
            {"ProcessingJobName": "a", "CreationTime": 1714564800.5, "ExitMessage": "1714564800"}
        ],
        "NextToken": "t",
        "Unknown": 5,
    }
    decoded = decode_timestamps(ListProcessingJobsResponse, wire)
    summary = decoded["ProcessingJobSummaries"][0]
    assert summary["CreationTime"] == datetime(2024, 5, 1, 12, 0, 0, 500000, tzinfo=UTC)
    assert summary["ExitMessage"] == "1714564800"
    assert decoded["Unknown"] == 5
    described = decode_timestamps(
        DescribeProcessingJobResponse,
        {"CreationTime": "2024-05-01T12:00:00+00:00", "ProcessingEndTime": None},
    )
    assert described["CreationTime"] == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert described["ProcessingEndTime"] is None
