"""Spark event logs: written to ``/tmp/spark-events``, copied into the job's local dir.

As in SageMaker's Spark container, ``--local-spark-event-logs-dir D`` turns event logging on
with ``spark.eventLog.dir=file:///tmp/spark-events``; a background thread copies new or
changed files into ``D`` every few seconds (and once more at the end), with ``.inprogress``
stripped from their names. ``D`` is a ``Continuous`` output, so the platform uploads each copy
while the job runs, and a history server reading the destination sees the application.
"""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

__all__ = ["INPROGRESS", "EventLogCopier", "event_log_confs"]

logger = logging.getLogger(__name__)

INPROGRESS = ".inprogress"
COPY_SECONDS = 5.0


def event_log_confs(events_dir: Path) -> dict[str, str]:
    """The Spark properties that write event logs to ``events_dir``."""
    return {"spark.eventLog.enabled": "true", "spark.eventLog.dir": events_dir.as_uri()}


class EventLogCopier:
    """Copies ``source``'s files into ``target`` every ``period`` seconds until stopped."""

    def __init__(self, source: Path, target: Path, period: float = COPY_SECONDS) -> None:
        self._source = source
        self._target = target
        self._period = period
        self._seen: dict[Path, tuple[int, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-log-copier", daemon=True)

    def start(self) -> None:
        self._source.mkdir(parents=True, exist_ok=True)
        self._target.mkdir(parents=True, exist_ok=True)
        self._thread.start()

    def stop(self) -> None:
        """Stops the thread and copies once more (the logs' final state)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30.0)
        self.copy_once()

    def copy_once(self) -> None:
        for path in sorted(self._source.iterdir()) if self._source.is_dir() else ():
            if not path.is_file():
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # renamed from .inprogress meanwhile
                continue
            key = (stat.st_size, stat.st_mtime_ns)
            if self._seen.get(path) == key:
                continue
            name = path.name.removesuffix(INPROGRESS)
            try:
                shutil.copyfile(path, self._target / name)
            except FileNotFoundError:
                continue
            self._seen[path] = key

    def _run(self) -> None:
        while not self._stop.wait(self._period):
            try:
                self.copy_once()
            except OSError as exc:
                logger.warning("copying Spark event logs failed: %s", exc)
