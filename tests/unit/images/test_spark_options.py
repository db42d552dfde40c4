"""smspark-submit's command line: options before the app, file lists expanded."""

from __future__ import annotations

from pathlib import Path

import pytest

from plimsoll.errors import ValidationError
from plimsoll.images._spark_options import expand_files, parse_arguments


def test_options_come_before_the_app_and_the_rest_passes_through() -> None:
    options = parse_arguments(
        ["--class", "a.Main", "-v", "/code/app.jar", "--input", "x", "-v", "--class", "b"]
    )
    assert options.main_class == "a.Main"
    assert options.verbose
    assert options.app == "/code/app.jar"
    assert options.app_arguments == ("--input", "x", "-v", "--class", "b")
    assert options.spark_submit_options() == ["--class", "a.Main", "--verbose"]


def test_event_log_options_are_not_spark_submit_options() -> None:
    options = parse_arguments(
        ["--spark-event-logs-s3-uri", "s3://b/e", "--local-spark-event-logs-dir", "/d", "app.py"]
    )
    assert (options.event_logs_s3_uri, options.local_event_logs_dir) == ("s3://b/e", "/d")
    assert options.spark_submit_options() == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [([], "app"), (["--conf", "a=b", "app.py"], "unrecognized arguments: --conf")],
)
def test_bad_command_lines_are_rejected(argv: list[str], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        parse_arguments(argv)


def test_directories_expand_to_their_top_level_files(tmp_path: Path) -> None:
    jars = tmp_path / "jars"
    (jars / "sub").mkdir(parents=True)
    for name in ("b.jar", "a.jar", "sub/c.jar"):
        (jars / name).write_text("x")
    single = tmp_path / "one.py"
    single.write_text("x")
    value = f"s3://bucket/dep.jar,{jars},{single}"
    assert expand_files(value, "--jars") == ",".join(
        ["s3://bucket/dep.jar", str(jars / "a.jar"), str(jars / "b.jar"), str(single)]
    )
    options = parse_arguments(["--jars", str(jars), "--py-files", str(single), "app.py"])
    assert options.spark_submit_options() == [
        "--jars",
        f"{jars / 'a.jar'},{jars / 'b.jar'}",
        "--py-files",
        str(single),
    ]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("relative/file.py", "must be an absolute path"),
        ("/does/not/exist.jar", "does not exist"),
        ("EMPTY", "found zero files"),
        ("", "empty file path"),
        ("hdfs://nn/x.jar", "unsupported URI scheme"),
    ],
)
def test_bad_file_lists_are_rejected(tmp_path: Path, item: str, expected: str) -> None:
    if item == "EMPTY":
        item = str(tmp_path)
    with pytest.raises(ValidationError, match=expected):
        expand_files(item, "--files")
