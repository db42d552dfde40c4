"""Hand-written wire shapes: Plimsoll's extension operations (not in botocore's model).

``RunMonitoringSchedule`` starts one execution of a schedule for the current hour, off its
cron, as ``plimsoll monitor run`` needs (SageMaker has no such operation: there one waits
for the next scheduled hour or creates a one-time ``NOW`` schedule).
"""

from __future__ import annotations

from plimsoll.api.shapes._generated import (
    MonitoringExecutionSummary,
    WireShape,
    _MonitoringScheduleName,
)

__all__ = ["RunMonitoringScheduleRequest", "RunMonitoringScheduleResponse"]


class RunMonitoringScheduleRequest(WireShape):
    """``RunMonitoringScheduleRequest`` (Plimsoll extension)."""

    MonitoringScheduleName: _MonitoringScheduleName


class RunMonitoringScheduleResponse(WireShape):
    """``RunMonitoringScheduleResponse`` (Plimsoll extension)."""

    MonitoringExecutionSummary: MonitoringExecutionSummary
