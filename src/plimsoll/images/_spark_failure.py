"""Why a Spark job failed, in at most 1024 bytes: the tail of Spark's own error output.

Spark's output mixes log4j lines (``26/01/02 03:04:05 INFO Logger: ...``), Java stack frames
and what the application printed. :func:`error_summary` keeps what a user needs: from the last
Python traceback on when there is one, else the ``ERROR`` log lines and plain lines (such as
``Error: Failed to load class com.example.Main.`` or ``python3: can't open file ...``) and
the ``DependencyUtils`` warnings about missing jars and files, never other INFO/WARN noise or
``at ...`` frames, cut from the front so that the last line survives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["MESSAGE_BUDGET", "SparkJobFailed", "error_summary", "fit"]

# The service wraps the message as "AlgorithmError: <message>, exit code: N" in a 1024-byte
# FailureReason: keep the message short enough that its end survives there too.
MESSAGE_BUDGET = 960
_LOG_LINE = re.compile(r"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d (?P<level>[A-Z]+) (?P<logger>[^\s:]*)")
# WARN loggers that tell why an app cannot start (e.g. "Local jar /x.jar does not exist").
_KEPT_WARNINGS = frozenset({"DependencyUtils"})
_FRAME = re.compile(r"^\s+at [\w$.<>/]+\(.*\)$|^\s*\.\.\. \d+ more$")
_TRACEBACK = "Traceback (most recent call last):"


class SparkJobFailed(Exception):
    """The job cannot complete; ``message`` goes to ``/opt/ml/output/message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def error_summary(lines: Sequence[str], budget: int = MESSAGE_BUDGET) -> str:
    """The part of Spark's output lines that explains a failure (empty if none)."""
    kept: list[str] = []
    for line in lines:
        match = _LOG_LINE.match(line)
        if match is not None:
            level, source = match.group("level"), match.group("logger")
            if level in ("ERROR", "FATAL") or (level == "WARN" and source in _KEPT_WARNINGS):
                kept.append(line)
            continue
        if not line.strip() or _FRAME.match(line):
            continue
        kept.append(line)
    starts = [i for i, line in enumerate(kept) if line.startswith(_TRACEBACK)]
    if starts:
        kept = kept[starts[-1] :]
    return fit("\n".join(kept), budget)


def fit(text: str, budget: int = MESSAGE_BUDGET) -> str:
    """``text`` cut from the front to ``budget`` UTF-8 bytes (marked with ``...``)."""
    data = text.encode("utf-8")
    if len(data) <= budget:
        return text
    return "..." + data[len(data) - budget + 3 :].decode("utf-8", "ignore")
