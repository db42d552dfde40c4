"""Schedule expressions: SageMaker's cron shapes, the generator's output, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plimsoll.compat.monitor_cron import parse_schedule_expression
from plimsoll.errors import ValidationError
from plimsoll.model_monitor import CronExpressionGenerator

T = datetime(2024, 5, 4, 7, 30, tzinfo=UTC)  # a Saturday


def _next(expression: str, after: datetime = T) -> datetime | None:
    return parse_schedule_expression(expression).next_after(after)


def test_generator_expressions() -> None:
    assert _next(CronExpressionGenerator.hourly()) == datetime(2024, 5, 4, 8, tzinfo=UTC)
    assert _next(CronExpressionGenerator.daily()) == datetime(2024, 5, 5, 0, tzinfo=UTC)
    assert _next(CronExpressionGenerator.daily(12)) == datetime(2024, 5, 4, 12, tzinfo=UTC)
    every_6 = parse_schedule_expression(CronExpressionGenerator.daily_every_x_hours(6, 2))
    assert [t.hour for t in every_6.times_between(T, datetime(2024, 5, 5, 9, tzinfo=UTC))] == [
        8, 14, 20, 2, 8,
    ]  # fmt: skip
    assert parse_schedule_expression(CronExpressionGenerator.now()).one_time
    assert _next("NOW") is None


def test_a_time_on_the_hour_is_not_its_own_next() -> None:
    on_hour = datetime(2024, 5, 4, 8, tzinfo=UTC)
    assert _next("cron(0 * ? * * *)", on_hour) == datetime(2024, 5, 4, 9, tzinfo=UTC)


def test_days_of_week_months_and_years() -> None:
    assert _next("cron(0 12 ? * MON-FRI *)") == datetime(2024, 5, 6, 12, tzinfo=UTC)
    assert _next("cron(0 0 ? * 1 *)") == datetime(2024, 5, 5, 0, tzinfo=UTC)  # 1 = Sunday
    assert _next("cron(0 0 1 JAN,JUL ? *)") == datetime(2024, 7, 1, 0, tzinfo=UTC)
    assert _next("cron(0 0 29 2 ? *)") == datetime(2028, 2, 29, 0, tzinfo=UTC)
    assert _next("cron(0 0 ? * * 2020)") is None  # a year that has passed


def test_naive_times_are_utc() -> None:
    assert _next("cron(0 * ? * * *)", T.replace(tzinfo=None)) == datetime(2024, 5, 4, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("hourly", "expected cron"),
        ("cron(0 * ? * *)", "expected 6 fields"),
        ("cron(30 * ? * * *)", "Minutes must be 0"),
        ("cron(0 24 ? * * *)", "outside 0-23"),
        ("cron(0 * 1 * MON *)", "must be ?"),
        ("cron(0 * L * ? *)", "not supported"),
        ("cron(0 */0 ? * * *)", "positive"),
        ("cron(0 5-2 ? * * *)", "outside"),
    ],
)
def test_bad_expressions_name_the_problem(expression: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_schedule_expression(expression)
