"""The time window of a monitoring execution and the capture files that fall inside it.

SageMaker's rules (model_monitor spec §3.4)::

    window = execution_window(scheduled, start_offset="-PT1H", end_offset="-PT0H")
    window.start, window.end          # 22:00, 23:00 for an execution scheduled at 23:10
    window.to_env()                   # {"start_time": "...Z", "end_time": ..., "metric_time": ...}
    files = capture_files_in_window(storage, dest, endpoint, "AllTraffic", window.start, window.end)

Decisions:

* Offsets are ISO-8601 durations as SageMaker writes ``StartTimeOffset`` / ``EndTimeOffset``
  (``-PT1H``, ``-P8D``, ``-P1DT12H``); weeks, days, hours, minutes and seconds are understood,
  years and months are refused (their length is ambiguous). The default window is the previous
  full hour (``-PT1H`` to ``-PT0H``).
* The scheduled time is floored to the hour before the offsets apply (an hourly execution starts
  a little after the hour; its window still ends on the hour). Naive datetimes are UTC.
* Files are selected by hour partition ``{dest}/{endpoint}/{variant}/yyyy/mm/dd/hh/``: every
  ``.jsonl`` object in an hour folder that overlaps ``[start, end)``. A partition may hold a few
  records just outside the window (a file is named by its first record), so the analyzer then
  keeps only records whose ``inferenceTime`` is inside the window; see
  :func:`plimsoll.compat.monitor_input.records_to_table`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from plimsoll.errors import ValidationError

if TYPE_CHECKING:
    from plimsoll.storage.base import ObjectInfo, Storage

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_END_OFFSET",
    "DEFAULT_START_OFFSET",
    "MonitorWindow",
    "capture_files_in_window",
    "execution_window",
    "format_window_time",
    "hour_partitions",
    "parse_offset",
]

DEFAULT_START_OFFSET = "-PT1H"
DEFAULT_END_OFFSET = "-PT0H"
_HOUR = timedelta(hours=1)

_DURATION = re.compile(
    r"^(?P<sign>[-+]?)P(?!$)"
    r"(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
# {variant}/yyyy/mm/dd/hh/<name>.jsonl, relative to {dest}/{endpoint}/
_RELATIVE = re.compile(
    r"^(?P<variant>[^/]+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<h>\d{2})/.+"
)


def parse_offset(text: str, *, field: str = "StartTimeOffset") -> timedelta:
    """The signed duration of an ISO-8601 offset such as ``-PT1H`` or ``-P1DT12H``.

    Args:
        text: the offset as SageMaker takes it.
        field: the request field named in the error message.

    Raises:
        ValidationError: not a duration, or one using years or months.
    """
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValidationError(
            f"Invalid {field} {text!r}: expected an ISO-8601 duration such as -PT1H or -P1D"
        )
    part = match.groupdict()
    if part["years"] or part["months"]:
        raise ValidationError(
            f"Invalid {field} {text!r}: years and months are not supported, use days (P30D)"
        )
    amount = timedelta(
        weeks=int(part["weeks"] or 0),
        days=int(part["days"] or 0),
        hours=int(part["hours"] or 0),
        minutes=int(part["minutes"] or 0),
        seconds=int(part["seconds"] or 0),
    )
    return -amount if part["sign"] == "-" else amount


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _floor_hour(when: datetime) -> datetime:
    return _utc(when).replace(minute=0, second=0, microsecond=0)


def format_window_time(when: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (UTC), the form of the analyzer's start/end/metric times."""
    return _utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitorWindow:
    """``[start, end)`` of one execution, in UTC; ``scheduled_time`` is floored to the hour."""

    scheduled_time: datetime
    start: datetime
    end: datetime

    @property
    def metric_time(self) -> datetime:
        """The CloudWatch timestamp of the execution's metrics (the window start, as observed)."""
        return self.start

    def contains(self, when: datetime) -> bool:
        """True when ``when`` (naive = UTC) is in ``[start, end)``."""
        return self.start <= _utc(when) < self.end

    def to_env(self) -> dict[str, str]:
        """The analyzer's ``start_time`` / ``end_time`` / ``metric_time`` values.

        The env holds whole seconds, as capture's ``inferenceTime`` does, so a fractional end
        is rounded up: a request captured at 12:00:00.3 (``inferenceTime`` 12:00:00) lies in a
        window ending 12:00:00.9 and must stay in it.
        """
        end = self.end
        if end.microsecond:
            end = end.replace(microsecond=0) + timedelta(seconds=1)
        return {
            "start_time": format_window_time(self.start),
            "end_time": format_window_time(end),
            "metric_time": format_window_time(self.metric_time),
        }


def execution_window(
    scheduled_time: datetime,
    *,
    start_offset: str | None = None,
    end_offset: str | None = None,
) -> MonitorWindow:
    """The window of an execution scheduled at ``scheduled_time``.

    Args:
        scheduled_time: when the execution was due (floored to the hour; naive = UTC).
        start_offset: ``StartTimeOffset`` (default ``-PT1H``).
        end_offset: ``EndTimeOffset`` (default ``-PT0H``).

    Raises:
        ValidationError: an offset is malformed, or the start is not before the end.
    """
    scheduled = _floor_hour(scheduled_time)
    start_text = start_offset or DEFAULT_START_OFFSET
    end_text = end_offset or DEFAULT_END_OFFSET
    start = scheduled + parse_offset(start_text, field="StartTimeOffset")
    end = scheduled + parse_offset(end_text, field="EndTimeOffset")
    if start >= end:
        raise ValidationError(
            f"StartTimeOffset {start_text!r} must be earlier than EndTimeOffset {end_text!r}"
        )
    return MonitorWindow(scheduled_time=scheduled, start=start, end=end)


def hour_partitions(start: datetime, end: datetime) -> list[datetime]:
    """The UTC hours whose ``[h, h+1h)`` overlaps ``[start, end)``, oldest first."""
    end = _utc(end)
    hour = _floor_hour(start)
    hours = []
    while hour < end:
        hours.append(hour)
        hour += _HOUR
    return hours


def capture_files_in_window(
    storage: Storage,
    destination: str,
    endpoint: str,
    variant: str | None,
    start: datetime,
    end: datetime,
) -> list[ObjectInfo]:
    """Capture files in the hour partitions that overlap ``[start, end)``, sorted by URI.

    Args:
        storage: the backend serving ``destination``'s scheme.
        destination: ``DataCaptureConfig.DestinationS3Uri``.
        endpoint: the endpoint name.
        variant: one production variant, or None for every variant of the endpoint.
        start: window start (naive = UTC).
        end: window end, exclusive.

    Returns:
        Every ``.jsonl`` object under the selected hour folders; [] when there is none (the
        execution then fails with "Job inputs had no data").
    """
    base = f"{destination.rstrip('/')}/{endpoint}/"
    hours = hour_partitions(start, end)
    if variant is not None:
        found = []
        for hour in hours:
            found.extend(storage.list_prefix(f"{base}{variant}/{hour:%Y/%m/%d/%H}/"))
        return sorted((o for o in found if o.uri.endswith(".jsonl")), key=lambda o: o.uri)
    wanted = {f"{hour:%Y/%m/%d/%H}" for hour in hours}
    selected = []
    for info in storage.list_prefix(base):
        match = _RELATIVE.match(info.relative)
        if match is None or not info.uri.endswith(".jsonl"):
            logger.debug("not a capture partition object: %s", info.uri)
            continue
        if f"{match['y']}/{match['m']}/{match['d']}/{match['h']}" in wanted:
            selected.append(info)
    return sorted(selected, key=lambda o: o.uri)
