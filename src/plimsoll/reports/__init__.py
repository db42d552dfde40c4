"""Self-contained HTML reports rendered from SageMaker Model Monitor and Clarify documents.

Pure: takes parsed JSON, returns HTML (or notebook JSON) text, or PDF bytes; no IO, no clock.
Stdlib only, except the Clarify PDF, which matplotlib draws, and the Clarify monitor report,
which scores attribution drift with :mod:`plimsoll.engines.drift_checks` (numpy).
"""

from __future__ import annotations

from plimsoll.reports.clarify import (
    render_clarify_notebook,
    render_clarify_pdf,
    render_clarify_report,
)
from plimsoll.reports.clarify_monitor import (
    ClarifyExecutionPoint,
    ClarifyMonitorKind,
    render_clarify_monitor_report,
)
from plimsoll.reports.data_quality import render_data_quality_report
from plimsoll.reports.model_quality import render_model_quality_report

__all__ = [
    "ClarifyExecutionPoint",
    "ClarifyMonitorKind",
    "render_clarify_monitor_report",
    "render_clarify_notebook",
    "render_clarify_pdf",
    "render_clarify_report",
    "render_data_quality_report",
    "render_model_quality_report",
]
