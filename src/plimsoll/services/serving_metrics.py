"""Counters of the data plane, rendered in the Prometheus text format at ``/metrics``.

Updated only from the router's event loop (one thread), so no locks; reads from other
threads see whole integers (CPython), which is all a scrape needs.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
)


class _Variant:
    __slots__ = ("statuses", "buckets", "latency_sum", "latency_count")

    def __init__(self) -> None:
        self.statuses: dict[int, int] = {}
        self.buckets = [0] * (len(BUCKETS) + 1)
        self.latency_sum = 0.0
        self.latency_count = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureSample:
    endpoint: str
    written: int
    dropped: int
    pending: int
    paused: bool


class ServingMetrics:
    """Invocations by status, model latency histograms, instance restarts."""

    def __init__(self) -> None:
        self._variants: dict[tuple[str, str], _Variant] = {}
        self._restarts: dict[tuple[str, str], int] = {}

    def observe(self, endpoint: str, variant: str, status: int, seconds: float | None) -> None:
        key = (endpoint, variant)
        entry = self._variants.get(key)
        if entry is None:
            entry = self._variants[key] = _Variant()
        entry.statuses[status] = entry.statuses.get(status, 0) + 1
        if seconds is not None:
            entry.buckets[bisect.bisect_left(BUCKETS, seconds)] += 1
            entry.latency_sum += seconds
            entry.latency_count += 1

    def restarted(self, endpoint: str, variant: str) -> None:
        key = (endpoint, variant)
        self._restarts[key] = self._restarts.get(key, 0) + 1

    def invocations(self, endpoint: str, variant: str | None = None) -> dict[int, int]:
        """Counts by HTTP status for one endpoint (all variants unless one is named)."""
        total: dict[int, int] = {}
        for (ep, var), entry in list(self._variants.items()):
            if ep == endpoint and variant in (None, var):
                for status, count in entry.statuses.items():
                    total[status] = total.get(status, 0) + count
        return total

    def render(self, capture: Callable[[], Iterable[CaptureSample]]) -> str:
        lines = [
            "# HELP plimsoll_invocations_total InvokeEndpoint requests by returned status.",
            "# TYPE plimsoll_invocations_total counter",
        ]
        variants = sorted(self._variants.items())
        for (ep, var), entry in variants:
            for status, count in sorted(entry.statuses.items()):
                lines.append(
                    f'plimsoll_invocations_total{{endpoint="{ep}",variant="{var}",'
                    f'status="{status}"}} {count}'
                )
        lines += [
            "# HELP plimsoll_model_latency_seconds Time from routing to the model's answer.",
            "# TYPE plimsoll_model_latency_seconds histogram",
        ]
        for (ep, var), entry in variants:
            labels = f'endpoint="{ep}",variant="{var}"'
            cumulative = 0
            for bound, count in zip((*BUCKETS, float("inf")), entry.buckets, strict=True):
                cumulative += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                lines.append(
                    f'plimsoll_model_latency_seconds_bucket{{{labels},le="{le}"}} {cumulative}'
                )
            lines.append(f"plimsoll_model_latency_seconds_sum{{{labels}}} {entry.latency_sum}")
            lines.append(f"plimsoll_model_latency_seconds_count{{{labels}}} {entry.latency_count}")
        lines += [
            "# HELP plimsoll_instance_restarts_total Model instances restarted after a crash.",
            "# TYPE plimsoll_instance_restarts_total counter",
        ]
        for (ep, var), count in sorted(self._restarts.items()):
            lines.append(
                f'plimsoll_instance_restarts_total{{endpoint="{ep}",variant="{var}"}} {count}'
            )
        samples = sorted(capture(), key=lambda s: s.endpoint)
        for name, kind, help_text, value in (
            ("written", "counter", "Capture records uploaded.", lambda s: s.written),
            (
                "dropped",
                "counter",
                "Capture records dropped (queue full or disk guard).",
                lambda s: s.dropped,
            ),
            (
                "pending",
                "gauge",
                "Capture records accepted, not uploaded yet.",
                lambda s: s.pending,
            ),
            (
                "paused",
                "gauge",
                "1 while capture is paused by the disk guard.",
                lambda s: int(s.paused),
            ),
        ):
            metric = f"plimsoll_capture_records_{name}" + ("_total" if kind == "counter" else "")
            if name == "paused":
                metric = "plimsoll_capture_paused"
            lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} {kind}"]
            lines += [f'{metric}{{endpoint="{s.endpoint}"}} {value(s)}' for s in samples]
        return "\n".join(lines) + "\n"
