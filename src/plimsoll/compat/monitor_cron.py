"""Monitoring schedule expressions: SageMaker's ``cron(...)`` syntax and ``NOW``.

SageMaker takes the six-field AWS cron form ``cron(Minutes Hours Day-of-month Month
Day-of-week Year)`` (all in UTC) and documents three shapes for Model Monitor::

    cron(0 * ? * * *)          hourly          (CronExpressionGenerator.hourly())
    cron(0 12 ? * * *)         daily at 12:00  (CronExpressionGenerator.daily(12))
    cron(0 2/6 ? * * *)        every 6 hours from 02:00 (daily_every_x_hours(6, 2))
    NOW                        one execution, right away (CronExpressionGenerator.now())

Plimsoll parses the general AWS syntax for every field (``*``, ``?``, numbers, ``a-b``
ranges, ``a,b`` lists, ``x/n`` steps, ``JAN``-``DEC`` and ``SUN``-``SAT`` names; day-of-week
1 = Sunday) and, like SageMaker, requires the minute to be ``0``: executions are hourly at
the finest, because a window is made of whole capture hours. ``L``, ``W`` and ``#`` are not
supported and are rejected with a ValidationError naming the field.

::

    schedule = parse_schedule_expression("cron(0 * ? * * *)")
    schedule.next_after(datetime(2024, 5, 6, 7, 30, tzinfo=UTC))   # 2024-05-06 08:00 UTC
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from plimsoll.errors import ValidationError

__all__ = ["NOW", "CronSchedule", "parse_schedule_expression"]

NOW = "NOW"
_CRON = re.compile(r"^cron\((.*)\)$")
_MONTHS = {
    m: i for i, m in enumerate(("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC").split(), 1)
}
_DAYS = {d: i for i, d in enumerate(("SUN MON TUE WED THU FRI SAT").split(), 1)}
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("Minutes", 0, 59, {}),
    ("Hours", 0, 23, {}),
    ("Day-of-month", 1, 31, {}),
    ("Month", 1, 12, _MONTHS),
    ("Day-of-week", 1, 7, _DAYS),
    ("Year", 1970, 2199, {}),
)
_SEARCH_DAYS = 366 * 8  # a leap day on a given weekday recurs within 28 years; 8 suffices for
# every expression whose year field does not exclude it, and bounds the search.


def _invalid(expression: str, why: str) -> ValidationError:
    return ValidationError(
        f"Invalid ScheduleExpression {expression!r}: {why}. Use cron(0 * ? * * *) (hourly), "
        "cron(0 H ? * * *) (daily), cron(0 H/N ? * * *) (every N hours) or NOW"
    )


def _value(token: str, names: dict[str, int], field: str, expression: str) -> int:
    upper = token.upper()
    if upper in names:
        return names[upper]
    if not token.isdigit():
        raise _invalid(
            expression, f"{field} value {token!r} is not a number (L, W and # are not supported)"
        )
    return int(token)


def _field_values(text: str, index: int, expression: str) -> frozenset[int] | None:
    """The values a field allows; None for ``*`` / ``?`` (any)."""
    field, low, high, names = _FIELDS[index]
    if text in ("*", "?"):
        return None
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise _invalid(expression, f"{field} step {step_text!r} is not a positive number")
            step = int(step_text)
        if part in ("*", "?"):
            start, stop = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start = _value(first, names, field, expression)
            stop = _value(last, names, field, expression)
        else:
            start = _value(part, names, field, expression)
            stop = high if step > 1 else start
        if not (low <= start <= high and low <= stop <= high) or start > stop:
            raise _invalid(expression, f"{field} {part!r} is outside {low}-{high}")
        values.update(range(start, stop + 1, step))
    return frozenset(values)


@dataclass(frozen=True, slots=True)
class CronSchedule:
    """A parsed expression; ``one_time`` for ``NOW``."""

    expression: str
    one_time: bool
    hours: frozenset[int] | None = None
    days_of_month: frozenset[int] | None = None
    months: frozenset[int] | None = None
    days_of_week: frozenset[int] | None = None
    years: frozenset[int] | None = None

    def _day_matches(self, day: datetime) -> bool:
        if self.years is not None and day.year not in self.years:
            return False
        if self.months is not None and day.month not in self.months:
            return False
        if self.days_of_month is not None and day.day not in self.days_of_month:
            return False
        weekday = (day.isoweekday() % 7) + 1  # AWS: 1 = Sunday
        return self.days_of_week is None or weekday in self.days_of_week

    def next_after(self, after: datetime) -> datetime | None:
        """The first fire time strictly after ``after`` (naive = UTC); None if there is none
        (a one-time schedule, or a year field that has passed)."""
        if self.one_time:
            return None
        moment = (after if after.tzinfo else after.replace(tzinfo=UTC)).astimezone(UTC)
        hour = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        day = hour.replace(hour=0)
        hours = sorted(self.hours) if self.hours is not None else list(range(24))
        for _ in range(_SEARCH_DAYS):
            if self._day_matches(day):
                for h in hours:
                    candidate = day.replace(hour=h)
                    if candidate >= hour:
                        return candidate
            day += timedelta(days=1)
        return None

    def times_between(self, after: datetime, until: datetime) -> list[datetime]:
        """Fire times in ``(after, until]``, oldest first."""
        found: list[datetime] = []
        moment = self.next_after(after)
        while moment is not None and moment <= until:
            found.append(moment)
            moment = self.next_after(moment)
        return found


def parse_schedule_expression(expression: str) -> CronSchedule:
    """Parses a ``ScheduleExpression``.

    Raises:
        ValidationError: not ``NOW`` nor a six-field ``cron(...)``, a field out of range,
            a minute other than 0, or both day fields set (one must be ``?``).
    """
    text = expression.strip()
    if text.upper() == NOW:
        return CronSchedule(expression=expression, one_time=True)
    match = _CRON.match(text)
    if match is None:
        raise _invalid(expression, "expected cron(...) or NOW")
    parts = match.group(1).split()
    if len(parts) != 6:
        raise _invalid(expression, f"expected 6 fields, got {len(parts)}")
    values = [_field_values(part, i, expression) for i, part in enumerate(parts)]
    if values[0] != frozenset({0}):
        raise _invalid(expression, "Minutes must be 0; executions run at the top of the hour")
    if parts[2] != "?" and parts[4] != "?":
        raise _invalid(expression, "one of Day-of-month and Day-of-week must be ?")
    return CronSchedule(
        expression=expression,
        one_time=False,
        hours=values[1],
        days_of_month=values[2],
        months=values[3],
        days_of_week=values[4],
        years=values[5],
    )
