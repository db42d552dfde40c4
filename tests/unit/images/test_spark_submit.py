"""smspark-submit's failures before Spark starts: exit 1 and a message, as SageMaker's."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from plimsoll.images.spark_submit import run


@pytest.fixture(autouse=True)
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()


def _run(tmp_path: Path, argv: list[str], configuration: object = None) -> tuple[int, str]:
    conf = tmp_path / "configuration.json"
    if configuration is not None:
        conf.write_text(json.dumps(configuration))
    message = tmp_path / "output" / "message"
    code = run(argv, dict(os.environ), message_file=message, configuration=conf)
    return code, message.read_text() if message.exists() else ""


def test_an_s3_event_log_uri_alone_fails_explaining_hadoop_aws(tmp_path: Path) -> None:
    code, message = _run(tmp_path, ["--spark-event-logs-s3-uri", "s3://b/events", "/app.py"])
    assert code == 1
    assert "hadoop-aws" in message
    assert "--local-spark-event-logs-dir" in message


def test_a_bad_command_line_fails_with_its_message(tmp_path: Path) -> None:
    code, message = _run(tmp_path, ["--conf", "a=b", "/app.py"])
    assert (code, message) == (1, "smspark-submit: unrecognized arguments: --conf")


def test_a_bad_classification_fails_before_spark_starts(tmp_path: Path) -> None:
    code, message = _run(
        tmp_path, ["/app.py"], [{"Classification": "sparkdefaults", "Properties": {}}]
    )
    assert code == 1
    assert message.startswith("Invalid classification: sparkdefaults.")
