"""Mirrors `sagemaker.model_monitor.cron_expression_generator`: schedule expressions."""

from __future__ import annotations

__all__ = ["CronExpressionGenerator"]


class CronExpressionGenerator:
    """Mirrors `sagemaker.model_monitor.CronExpressionGenerator` (no deviations)."""

    @staticmethod
    def hourly() -> str:
        """Every hour, on the hour: ``cron(0 * ? * * *)``."""
        return "cron(0 * ? * * *)"

    @staticmethod
    def daily(hour: int = 0) -> str:
        """Once a day at ``hour`` (UTC): ``cron(0 {hour} ? * * *)``."""
        _check_hour(hour, "hour")
        return f"cron(0 {hour} ? * * *)"

    @staticmethod
    def daily_every_x_hours(hour_interval: int, starting_hour: int = 0) -> str:
        """Every ``hour_interval`` hours from ``starting_hour``."""
        _check_hour(starting_hour, "starting_hour")
        if not 1 <= hour_interval <= 24:
            raise ValueError(f"hour_interval must be between 1 and 24, got {hour_interval}")
        return f"cron(0 {starting_hour}/{hour_interval} ? * * *)"

    @staticmethod
    def now() -> str:
        """A one-time schedule that runs at once (needs the data analysis window)."""
        return "NOW"


def _check_hour(hour: int, name: str) -> None:
    if not 0 <= hour <= 23:
        raise ValueError(f"{name} must be between 0 and 23, got {hour}")
