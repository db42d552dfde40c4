"""``configuration.json``: the EMR classification list of a Spark job, validated and applied.

The SDK uploads ``configuration`` to ``/opt/ml/processing/input/conf/configuration.json``.
Validation follows SageMaker's Spark container: every entry is an object with
``Classification`` and ``Properties`` (and optionally ``Configurations``) and nothing else; the
classification is one of :data:`CLASSIFICATIONS`; an ``*-env`` classification carries its
variables in nested ``export`` entries. Anything else fails the job with a message.

Without YARN, Hive or HDFS daemons the classifications are applied as follows:

* ``spark-defaults``: each property becomes ``--conf key=value`` of spark-submit (and sizes
  the standalone workers: ``spark.executor.memory`` / ``spark.executor.cores``).
* ``spark-env``, ``hadoop-env``: the nested ``export`` properties become environment variables
  of spark-submit, the master and the workers (``SPARK_WORKER_MEMORY`` /
  ``SPARK_WORKER_CORES`` size the workers).
* ``core-site``, ``yarn-site``, ``hive-site``, ``spark-hive-site``: each property becomes
  ``--conf spark.hadoop.key=value`` (Spark copies those into its Hadoop and Hive settings).
* ``spark-log4j``: properties in log4j2 syntax override Spark's console logging
  (``log4j2.properties`` in ``SPARK_CONF_DIR``); log4j 1 keys (``log4j.*``) are ignored.
* ``spark-metrics``: written to ``metrics.properties`` in ``SPARK_CONF_DIR``.
* ``hadoop-log4j``, ``hive-env``, ``hive-log4j``, ``hive-exec-log4j``, ``yarn-env``: accepted
  and ignored (their daemons do not run here), with a log line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from plimsoll.errors import ValidationError

__all__ = [
    "CLASSIFICATIONS",
    "CONFIGURATION_FILE",
    "Classification",
    "SparkSettings",
    "load_configuration",
    "parse_configuration",
    "spark_settings",
]

CONFIGURATION_FILE = Path("/opt/ml/processing/input/conf/configuration.json")
EMR_CONFIGURE_APPS_URL = (
    "https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-configure-apps.html"
)
CLASSIFICATIONS = (
    "core-site",
    "hadoop-env",
    "hadoop-log4j",
    "hive-env",
    "hive-log4j",
    "hive-exec-log4j",
    "hive-site",
    "spark-defaults",
    "spark-env",
    "spark-log4j",
    "spark-hive-site",
    "spark-metrics",
    "yarn-env",
    "yarn-site",
)
EXPORT = "export"
_KEYS = frozenset({"Classification", "Properties", "Configurations"})
_APPLIED_ENV = frozenset({"spark-env", "hadoop-env"})
_HADOOP_SITES = frozenset({"core-site", "yarn-site", "hive-site", "spark-hive-site"})
_IGNORED = frozenset({"hadoop-log4j", "hive-env", "hive-log4j", "hive-exec-log4j", "yarn-env"})


@dataclass(frozen=True, slots=True)
class Classification:
    name: str
    properties: Mapping[str, str]
    configurations: tuple[Classification, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SparkSettings:
    """What a configuration changes: spark-submit confs, environment and conf-dir files."""

    confs: dict[str, str] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    log4j: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def load_configuration(path: Path = CONFIGURATION_FILE) -> SparkSettings:
    """The settings of ``path`` (empty settings when the file does not exist).

    Raises:
        ValidationError: The file is not JSON or not a valid classification list.
    """
    if not path.is_file():
        return SparkSettings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{path} is not valid JSON: {exc}") from None
    return spark_settings(parse_configuration(data))


def parse_configuration(data: object) -> tuple[Classification, ...]:
    """A configuration (one object or a list of them) as validated classifications.

    Raises:
        ValidationError: An entry is malformed or names an unknown classification.
    """
    entries = [data] if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValidationError(
            f"configuration must be a list of classification objects, got {type(data).__name__}"
        )
    parsed = tuple(_entry(item) for item in entries)
    for item in parsed:
        if item.name == EXPORT:
            raise ValidationError(
                "the 'export' classification is only valid inside an '*-env' classification's "
                f"Configurations. Please refer to {EMR_CONFIGURE_APPS_URL} for more information."
            )
    return parsed


def spark_settings(classifications: tuple[Classification, ...]) -> SparkSettings:
    """How the classifications apply to spark-submit and the standalone daemons."""
    confs: dict[str, str] = {}
    environment: dict[str, str] = {}
    log4j: dict[str, str] = {}
    metrics: dict[str, str] = {}
    notes: list[str] = []
    for item in classifications:
        if item.name == "spark-defaults":
            confs.update(item.properties)
        elif item.name in _HADOOP_SITES:
            confs.update({f"spark.hadoop.{k}": v for k, v in item.properties.items()})
        elif item.name in _APPLIED_ENV:
            for export in item.configurations:
                environment.update(export.properties)
        elif item.name == "spark-log4j":
            old_style = sorted(k for k in item.properties if k.startswith("log4j."))
            if old_style:
                notes.append(
                    f"spark-log4j: ignored log4j 1 keys {old_style} (Spark 3.5 uses log4j2 "
                    "syntax, e.g. rootLogger.level=warn)"
                )
            log4j.update({k: v for k, v in item.properties.items() if k not in old_style})
        elif item.name == "spark-metrics":
            metrics.update(item.properties)
        elif item.name in _IGNORED:
            notes.append(f"{item.name}: accepted and ignored (no such daemon runs here)")
    return SparkSettings(
        confs=confs, environment=environment, log4j=log4j, metrics=metrics, notes=tuple(notes)
    )


def _entry(item: object) -> Classification:
    if not isinstance(item, dict):
        raise ValidationError(
            f"each configuration entry must be an object, got {type(item).__name__}: {item!r}"
        )
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise ValidationError(
            f"configuration entry has unknown keys {unknown}; allowed are "
            f"{sorted(_KEYS)}: {_short(item)}"
        )
    missing = [key for key in ("Classification", "Properties") if key not in item]
    if missing:
        raise ValidationError(f"configuration entry lacks {missing}: {_short(item)}")
    name = item["Classification"]
    allowed = (*CLASSIFICATIONS, EXPORT)
    if not isinstance(name, str) or name not in allowed:
        raise ValidationError(
            f"Invalid classification: {name}. Must be one of {list(CLASSIFICATIONS)}. "
            f"Please refer to {EMR_CONFIGURE_APPS_URL} for more information."
        )
    properties = _properties(name, item["Properties"])
    raw_nested = item.get("Configurations", [])
    if not isinstance(raw_nested, list):
        raise ValidationError(f"{name}: Configurations must be a list, got {raw_nested!r}")
    children = tuple(_entry(child) for child in raw_nested)
    if "env" in name and name != EXPORT:
        if not children:
            raise ValidationError(
                f"'{name}': 'env' classifications require a sub-configuration. Please refer "
                f"to {EMR_CONFIGURE_APPS_URL} for more information"
            )
        for child in children:
            if child.name != EXPORT:
                raise ValidationError(
                    f"'{name}': env classifications must use the 'export' sub-classification, "
                    f"got '{child.name}'. Please refer to {EMR_CONFIGURE_APPS_URL} for more "
                    "information."
                )
    return Classification(name=name, properties=properties, configurations=children)


def _properties(name: str, raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ValidationError(f"{name}: Properties must be an object, got {raw!r}")
    properties: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, bool):
            properties[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            properties[key] = str(value)
        else:
            raise ValidationError(
                f"{name}: property {key!r} must be a string or number, got {value!r}"
            )
    return properties


def _short(item: object) -> str:
    text = json.dumps(item, default=str)
    return text if len(text) <= 200 else text[:197] + "..."
