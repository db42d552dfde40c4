"""A Spark process (spark-submit, a master, a worker) in its own process group.

Each process starts a new session, so that :meth:`SparkProcess.stop` can signal everything it
spawned (a worker's executors, their Python workers, a driver's Python process) with one
``killpg``: SIGTERM, then SIGKILL after a grace period. Its output goes to this process's
stdout line by line (optionally prefixed), and the last lines are kept for error messages.
"""

from __future__ import annotations

import collections
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence

__all__ = ["SparkProcess"]

logger = logging.getLogger(__name__)

TAIL_LINES = 400
_OUTPUT_LOCK = threading.Lock()


class SparkProcess:
    """Starts ``argv`` with ``env`` in a new session and forwards its output.

    Args:
        name: Shown in log lines and as the output prefix when ``prefix`` is true.
    """

    def __init__(
        self, name: str, argv: Sequence[str], env: Mapping[str, str], *, prefix: bool = False
    ) -> None:
        self.name = name
        self._prefix = f"[{name}] ".encode() if prefix else b""
        self._tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
        logger.info("starting %s: %s", name, " ".join(argv))
        self._proc = subprocess.Popen(
            list(argv),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._forward, name=f"{name}-output", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self._proc.pid

    def poll(self) -> int | None:
        return self._proc.poll()

    def wait(self, timeout: float | None = None) -> int:
        """The exit code (``-signal`` when killed); raises ``TimeoutExpired`` past ``timeout``."""
        code = self._proc.wait(timeout)
        self._reader.join(timeout=5.0)
        return code

    def tail(self) -> list[str]:
        """The last lines of output (at most :data:`TAIL_LINES`)."""
        if self._proc.poll() is not None:
            self._reader.join(timeout=2.0)
        return list(self._tail)

    def stop(self, grace: float = 10.0) -> None:
        """Ends the whole process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
        group = self._proc.pid
        if _signal_group(group, signal.SIGTERM):
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                self._proc.poll()
                if not _signal_group(group, 0):
                    break
                time.sleep(0.1)
            else:
                logger.warning("%s did not stop within %.0f s; killing it", self.name, grace)
                _signal_group(group, signal.SIGKILL)
        try:
            self._proc.wait(10.0)
        except subprocess.TimeoutExpired:
            logger.error("%s (pid %d) is still running after SIGKILL", self.name, group)
        self._reader.join(timeout=5.0)

    def _forward(self) -> None:
        stream = self._proc.stdout
        if stream is None:  # pragma: no cover - always a pipe
            return
        out = sys.stdout.buffer
        for raw in iter(stream.readline, b""):
            self._tail.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
            with _OUTPUT_LOCK:
                out.write(self._prefix + raw)
                out.flush()
        stream.close()


def _signal_group(group: int, sig: int) -> bool:
    """Sends ``sig`` to the group; False when no process of the group is left."""
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    return True
