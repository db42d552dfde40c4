"""CloudWatch metric files a monitoring container writes (spec §3.8 and §4.6).

With ``publish_cloudwatch_metrics=Enabled`` a container writes metric files under
``cloudwatch_metrics_directory`` (``/opt/ml/output/metrics/cloudwatch``); the platform
publishes them. The format is SageMaker's BYOC one, "closely based on the CloudWatch
PutMetrics API": one JSON object per line, ::

    {"MetricName": "feature_data_Day Mins", "Timestamp": "2019-11-26T03:00:00Z",
     "Dimensions": [{"Name": "Endpoint", "Value": "ep"},
                    {"Name": "MonitoringSchedule", "Value": "sched"}],
     "StatisticValues": {"SampleCount": 3.0, "Sum": 6.0, "Minimum": 1.0, "Maximum": 3.0}}

with either ``Value`` or ``StatisticValues`` and an optional ``Unit``. Plimsoll's service reads
the files back (:func:`read_metric_files`) and publishes them as gauges. The reader also accepts a
file holding one JSON array or object, since BYOC containers are written by users.

Data-quality names (§4.6): ``feature_data_<f>`` (statistic set of a numeric feature),
``feature_non_null_<f>`` (completeness, every feature) and ``feature_baseline_drift_<f>``
(distance, every feature with a computed distance). Non-finite numbers are not written:
CloudWatch rejects NaN and infinities.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plimsoll.engines.profile import ProfileResult

logger = logging.getLogger(__name__)

__all__ = [
    "DATA_QUALITY_FILE",
    "MetricDatum",
    "MetricFileError",
    "StatisticValues",
    "data_quality_metrics",
    "read_metric_files",
    "write_metric_file",
]

DATA_QUALITY_FILE = "data_quality_metrics.jsonl"


class MetricFileError(ValueError):
    """A metric file does not follow the BYOC schema."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StatisticValues:
    """A CloudWatch statistic set."""

    sample_count: float
    sum: float
    minimum: float
    maximum: float


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricDatum:
    """One metric line: exactly one of ``value`` / ``statistic_values`` is set."""

    name: str
    timestamp: datetime
    dimensions: tuple[tuple[str, str], ...]
    value: float | None = None
    statistic_values: StatisticValues | None = None
    unit: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The BYOC JSON object of this datum."""
        body: dict[str, Any] = {
            "MetricName": self.name,
            "Timestamp": _format_time(self.timestamp),
            "Dimensions": [{"Name": n, "Value": v} for n, v in self.dimensions],
        }
        if self.statistic_values is not None:
            s = self.statistic_values
            body["StatisticValues"] = {
                "SampleCount": s.sample_count,
                "Sum": s.sum,
                "Minimum": s.minimum,
                "Maximum": s.maximum,
            }
        else:
            body["Value"] = self.value
        if self.unit is not None:
            body["Unit"] = self.unit
        return body

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> MetricDatum:
        """Parses one BYOC object; :class:`MetricFileError` when it is not one."""
        try:
            name = str(body["MetricName"])
            timestamp = _parse_time(str(body["Timestamp"]))
            dimensions = tuple((str(d["Name"]), str(d["Value"])) for d in body["Dimensions"])
            stats = body.get("StatisticValues")
            value = body.get("Value")
            if (stats is None) == (value is None):
                raise MetricFileError(
                    f"metric {name!r} must have exactly one of Value and StatisticValues"
                )
            statistic_values = None
            if stats is not None:
                statistic_values = StatisticValues(
                    sample_count=float(stats["SampleCount"]),
                    sum=float(stats["Sum"]),
                    minimum=float(stats["Minimum"]),
                    maximum=float(stats["Maximum"]),
                )
            unit = body.get("Unit")
            return cls(
                name=name,
                timestamp=timestamp,
                dimensions=dimensions,
                value=None if value is None else float(value),
                statistic_values=statistic_values,
                unit=None if unit is None else str(unit),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, MetricFileError):
                raise
            raise MetricFileError(f"not a BYOC metric object: {exc!r}") from exc


def _format_time(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def write_metric_file(
    directory: Path, data: Iterable[MetricDatum], *, name: str = DATA_QUALITY_FILE
) -> Path:
    """Writes ``data`` as JSON lines to ``directory/name`` (directory created); its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    lines = [json.dumps(d.to_json(), allow_nan=False) for d in data]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _objects(text: str, path: Path) -> list[Any]:
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, list):
        return whole
    if isinstance(whole, dict):
        return [whole]
    objects = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                objects.append(json.loads(line))
            except ValueError as exc:
                raise MetricFileError(f"{path} line {number} is not JSON: {exc}") from exc
    return objects


def read_metric_files(directory: Path) -> list[MetricDatum]:
    """Every datum of every file under ``directory`` (sorted by path); [] when it is absent.

    Raises:
        MetricFileError: a file or line is not valid BYOC metric JSON (the file is named).
    """
    if not directory.is_dir():
        return []
    data: list[MetricDatum] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        for body in _objects(path.read_text(encoding="utf-8"), path):
            if not isinstance(body, dict):
                raise MetricFileError(f"{path} holds {type(body).__name__}, not a metric object")
            try:
                data.append(MetricDatum.from_json(body))
            except MetricFileError as exc:
                raise MetricFileError(f"{path}: {exc}") from exc
    return data


def data_quality_metrics(
    current: ProfileResult,
    drift: Mapping[str, float],
    *,
    timestamp: datetime,
    endpoint: str | None,
    schedule: str | None,
) -> list[MetricDatum]:
    """The data-quality metrics of one execution, per feature in column order.

    Args:
        current: Profile of the analysed window.
        drift: Baseline drift distance by feature name (features without one are left out).
        timestamp: ``metric_time`` of the execution.
        endpoint: ``Endpoint`` dimension (left out when None: batch-transform monitoring).
        schedule: ``MonitoringSchedule`` dimension.
    """
    dimensions = tuple(
        (name, value)
        for name, value in (("Endpoint", endpoint), ("MonitoringSchedule", schedule))
        if value
    )

    def datum(name: str, **fields: Any) -> MetricDatum:
        return MetricDatum(name=name, timestamp=timestamp, dimensions=dimensions, **fields)

    out: list[MetricDatum] = []
    for column in current.columns:
        num = column.numeric
        if num is not None and column.num_present > 0:
            stats = (float(column.num_present), num.sum, num.min, num.max)
            if all(map(math.isfinite, stats)):
                out.append(
                    datum(
                        f"feature_data_{column.name}",
                        statistic_values=StatisticValues(
                            sample_count=stats[0], sum=stats[1], minimum=stats[2], maximum=stats[3]
                        ),
                    )
                )
        if current.item_count > 0:
            completeness = column.num_present / current.item_count
            out.append(datum(f"feature_non_null_{column.name}", value=completeness))
        distance = drift.get(column.name)
        if distance is not None and math.isfinite(distance):
            out.append(datum(f"feature_baseline_drift_{column.name}", value=float(distance)))
    return out
