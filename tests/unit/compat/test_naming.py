from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plimsoll.compat.naming import (
    JOB_NAME_PATTERN,
    base_name_from_image,
    name_from_arn,
    name_from_base,
    processing_job_arn,
    role_arn,
)

NOW = datetime(2023, 1, 21, 1, 32, 54, 274000, tzinfo=UTC)


def test_name_from_base_matches_sagemaker() -> None:
    assert name_from_base("baseline-suggestion-job", now=NOW) == (
        "baseline-suggestion-job-2023-01-21-01-32-54-274"
    )


def test_long_base_is_cut_to_63() -> None:
    name = name_from_base("x" * 100, now=NOW)
    assert len(name) == 63 and name.endswith("-2023-01-21-01-32-54-274")
    assert JOB_NAME_PATTERN.match(name)


@pytest.mark.parametrize(
    ("image", "base"),
    [
        (
            "123.dkr.ecr.us-west-2.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
            "sagemaker-scikit-learn",
        ),
        ("python:3.11", "python"),
        ("repo/my_image@sha256:abc", "my-image"),
        (":::", "processing-job"),
    ],
)
def test_base_name_from_image(image: str, base: str) -> None:
    assert base_name_from_image(image) == base


def test_arns_round_trip() -> None:
    arn = processing_job_arn("My-Job", region="eu-west-1", account_id="123456789012")
    assert arn == "arn:aws:sagemaker:eu-west-1:123456789012:processing-job/my-job"
    assert name_from_arn(arn) == "my-job"
    with pytest.raises(ValueError):
        name_from_arn("arn:aws:sagemaker:eu-west-1:1:endpoint/x")
    assert role_arn("r", account_id="1") == "arn:aws:iam::1:role/r"
    assert role_arn("arn:aws:iam::2:role/x", account_id="1") == "arn:aws:iam::2:role/x"
