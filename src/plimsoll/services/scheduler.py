"""The monitoring scheduler: a background thread that runs each schedule at its cron times.

It runs inside ``plimsoll server`` and on its own as ``plimsoll scheduler``; every tick it
asks :meth:`MonitoringService.tick` to start what is due. Two schedulers on one metadata store
(a server and a notebook session, say) do not run an execution twice: each execution is
recorded under a key made of its schedule and scheduled time before its job starts, and the
store refuses the second record.
"""

from __future__ import annotations

import logging
import threading

from plimsoll.services.monitoring import MonitoringService

logger = logging.getLogger(__name__)

__all__ = ["MonitorScheduler"]


class MonitorScheduler:
    """Calls ``service.tick()`` every ``interval_seconds`` until :meth:`stop`.

    A tick that raises is logged and the next tick runs as usual: one broken schedule must
    not stop the others, nor the server the scheduler lives in.
    """

    def __init__(self, service: MonitoringService, *, interval_seconds: float = 30.0) -> None:
        self._service = service
        self._interval = interval_seconds
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.ticks = 0

    def start(self) -> None:
        """Starts the thread (idempotent)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="plimsoll-scheduler", daemon=True)
        self._thread.start()
        logger.info("monitoring scheduler started (every %.1f s)", self._interval)

    def run_forever(self) -> None:
        """Runs ticks in the calling thread until :meth:`stop` (``plimsoll scheduler``)."""
        self._loop()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            try:
                started = self._service.tick()
                for execution in started:
                    logger.info(
                        "schedule %s: execution for %s is %s",
                        execution.schedule_name,
                        execution.scheduled_time,
                        execution.status.value,
                    )
            except Exception:  # keep scheduling whatever one tick hit
                logger.exception("monitoring scheduler tick failed")
            self.ticks += 1
            self._stopped.wait(self._interval)

    def stop(self, timeout: float = 10.0) -> None:
        """Stops the thread and waits for the current tick to end."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
