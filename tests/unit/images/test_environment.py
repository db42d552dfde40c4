from __future__ import annotations

import logging
from pathlib import Path

import pytest

from plimsoll.images._environment import ServingEnvironment
from plimsoll.images._errors import StartupError


def test_defaults_follow_the_container_contract() -> None:
    environment = ServingEnvironment.from_environ({})
    assert environment.port == 8080
    assert environment.model_dir == Path("/opt/ml/model")
    assert environment.code_dir == Path("/opt/ml/model/code")
    assert environment.program is None
    assert environment.default_accept == "application/json"
    assert environment.log_level == logging.INFO


def test_sagemaker_variables_override_defaults(tmp_path: Path) -> None:
    environment = ServingEnvironment.from_environ(
        {
            "SAGEMAKER_BIND_TO_PORT": "9001",
            "SM_MODEL_DIR": str(tmp_path),
            "SAGEMAKER_PROGRAM": "serve.py",
            "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv",
            "SAGEMAKER_MODEL_SERVER_TIMEOUT": "120",
            "SAGEMAKER_CONTAINER_LOG_LEVEL": "10",
        }
    )
    assert environment.port == 9001
    assert environment.model_dir == tmp_path
    assert environment.code_dir == tmp_path / "code"
    assert environment.program == "serve.py"
    assert environment.default_accept == "text/csv"
    assert environment.timeout_seconds == 120
    assert environment.log_level == logging.DEBUG


def test_submit_directory_local_or_remote(tmp_path: Path) -> None:
    local = ServingEnvironment.from_environ({"SAGEMAKER_SUBMIT_DIRECTORY": str(tmp_path)})
    assert local.code_dir == tmp_path
    remote = ServingEnvironment.from_environ(
        {"SAGEMAKER_SUBMIT_DIRECTORY": "s3://bucket/sourcedir.tar.gz", "SM_MODEL_DIR": "/m"}
    )
    assert remote.code_dir == Path("/m/code")


def test_log_level_names() -> None:
    environment = ServingEnvironment.from_environ({"SAGEMAKER_CONTAINER_LOG_LEVEL": "warning"})
    assert environment.log_level == logging.WARNING


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SAGEMAKER_BIND_TO_PORT", "eighty"),
        ("SAGEMAKER_BIND_TO_PORT", "70000"),
        ("SAGEMAKER_MODEL_SERVER_TIMEOUT", "1.5"),
    ],
)
def test_bad_numbers_are_startup_errors(name: str, value: str) -> None:
    with pytest.raises(StartupError, match=name):
        ServingEnvironment.from_environ({name: value})
