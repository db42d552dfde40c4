"""configuration.json validation and how each classification applies (no Spark needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plimsoll.errors import ValidationError
from plimsoll.images._spark_configuration import (
    SparkSettings,
    load_configuration,
    parse_configuration,
    spark_settings,
)

REFERENCE = Path(
    "/work/shared/reference/processing_and_capture/spark_container_tests/"
    "data__conf__configuration.json"
)


def _settings(data: object) -> SparkSettings:
    return spark_settings(parse_configuration(data))


def test_the_containers_reference_configuration_is_valid() -> None:
    data = [
        {"Classification": "spark-defaults", "Properties": {"spark.executor.memory": "2g"}},
        {
            "Classification": "hadoop-env",
            "Properties": {},
            "Configurations": [
                {"Classification": "export", "Properties": {"HADOOP_X": "-XX:GCTimeRatio=19"}}
            ],
        },
        {"Classification": "hive-log4j", "Properties": {"key": "value"}},
    ]
    if REFERENCE.is_file():
        data = json.loads(REFERENCE.read_text())
    settings = _settings(data)
    assert settings.confs["spark.executor.memory"] == "2g"
    assert settings.environment


def test_classifications_map_to_confs_environment_and_files() -> None:
    settings = _settings(
        [
            {"Classification": "spark-defaults", "Properties": {"spark.a": "1", "spark.b": 2}},
            {"Classification": "core-site", "Properties": {"fs.s3a.endpoint": "http://s3:8333"}},
            {"Classification": "yarn-site", "Properties": {"yarn.x": "y"}},
            {
                "Classification": "spark-env",
                "Properties": {},
                "Configurations": [{"Classification": "export", "Properties": {"A": "b"}}],
            },
            {
                "Classification": "yarn-env",
                "Properties": {},
                "Configurations": [{"Classification": "export", "Properties": {"Y": "z"}}],
            },
            {"Classification": "spark-log4j", "Properties": {"rootLogger.level": "warn"}},
            {"Classification": "spark-metrics", "Properties": {"*.sink.console.period": "10"}},
        ]
    )
    assert settings.confs == {
        "spark.a": "1",
        "spark.b": "2",
        "spark.hadoop.fs.s3a.endpoint": "http://s3:8333",
        "spark.hadoop.yarn.x": "y",
    }
    assert settings.environment == {"A": "b"}
    assert settings.log4j == {"rootLogger.level": "warn"}
    assert settings.metrics == {"*.sink.console.period": "10"}
    assert any(note.startswith("yarn-env") for note in settings.notes)


def test_log4j_1_keys_are_ignored_with_a_note() -> None:
    settings = _settings(
        [{"Classification": "spark-log4j", "Properties": {"log4j.rootCategory": "WARN"}}]
    )
    assert settings.log4j == {}
    assert "log4j.rootCategory" in settings.notes[0]


def test_a_single_object_is_a_list_of_one() -> None:
    settings = _settings({"Classification": "spark-defaults", "Properties": {"k": "v"}})
    assert settings.confs == {"k": "v"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            [{"Classification": "spark-default", "Properties": {}}],
            "Invalid classification: spark-default.",
        ),
        ([{"Classification": "hdfs-site", "Properties": {}}], "Invalid classification"),
        ([{"Properties": {}}], "lacks ['Classification']"),
        ([{"Classification": "core-site"}], "lacks ['Properties']"),
        (
            [{"Classification": "core-site", "Properties": {}, "Extra": 1}],
            "unknown keys ['Extra']",
        ),
        ([{"Classification": "core-site", "Properties": []}], "Properties must be an object"),
        (
            [{"Classification": "core-site", "Properties": {"k": {"nested": 1}}}],
            "property 'k' must be a string or number",
        ),
        ([{"Classification": "spark-env", "Properties": {}}], "require a sub-configuration"),
        (
            [
                {
                    "Classification": "spark-env",
                    "Properties": {},
                    "Configurations": [{"Classification": "core-site", "Properties": {}}],
                }
            ],
            "must use the 'export' sub-classification",
        ),
        ([{"Classification": "export", "Properties": {}}], "only valid inside"),
        ("spark-defaults", "must be a list"),
        (["spark-defaults"], "must be an object"),
    ],
)
def test_malformed_configurations_are_rejected(data: object, expected: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_configuration(data)
    assert expected in str(info.value)


def test_load_configuration_without_a_file_is_empty(tmp_path: Path) -> None:
    assert load_configuration(tmp_path / "configuration.json") == SparkSettings()


def test_load_configuration_rejects_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "configuration.json"
    path.write_text("[{")
    with pytest.raises(ValidationError, match="not valid JSON"):
        load_configuration(path)
