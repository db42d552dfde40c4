"""Self-contained HTML reports rendered from SageMaker Model Monitor documents.

Pure: takes parsed JSON, returns HTML text; no IO, no clock, stdlib only.
"""

from __future__ import annotations

from plimsoll.reports.data_quality import render_data_quality_report

__all__ = ["render_data_quality_report"]
