"""``inferenceTime`` parsed without ``strptime`` for the common, canonical text.

:func:`plimsoll.compat.capture_format.parse_inference_time` uses ``strptime`` behind a cache of
65,536 values, but a day of capture holds up to 86,400 distinct seconds, so merging a day of
records with their ground truth and scoring them called ``strptime`` about once per record, in
both jobs. :func:`inference_time` reads the canonical ``YYYY-MM-DDTHH:MM:SSZ`` (ASCII digits,
two-digit fields) with a regular expression and ``datetime``; any other text, or a date
``datetime`` refuses (31 April, second 60), goes to ``parse_inference_time``. For every
canonical text ``datetime`` accepts, ``strptime`` gives the same value, so results and errors
are unchanged (tests/unit/compat/test_ground_truth_merge_fast.py compares both).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from plimsoll.compat.capture_format import parse_inference_time

__all__ = ["inference_time"]

_CANONICAL = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")


def inference_time(value: str) -> datetime:
    """``parse_inference_time(value)``: the aware UTC datetime of an ``inferenceTime``.

    Raises:
        ValueError: ``value`` is not ``YYYY-MM-DDTHH:MM:SSZ``.
    """
    match = _CANONICAL.fullmatch(value)
    if match is not None:
        y, mo, d, h, mi, sec = (int(part) for part in match.groups())
        try:
            return datetime(y, mo, d, h, mi, sec, tzinfo=UTC)
        except ValueError:
            pass  # strptime gives its own answer (and message)
    return parse_inference_time(value)
