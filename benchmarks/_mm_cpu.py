"""How much CPU other processes took while the benchmark ran (2 cores shared with others).

``/proc/stat`` gives the machine's busy time; a sampler thread reads ``/proc/<pid>/stat``
every half second and adds up the CPU time of this process and all its descendants (the
Plimsoll job sandboxes and the peers' JVM are not all reaped into ``getrusage``). The rest is
the other processes' share. A descendant's last half second before it exits is missed, so the
figure leans slightly towards "busy".
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _busy_ticks() -> int:
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields)
    return user + nice + system + irq + softirq + steal


def _processes() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, start time, CPU ticks) of every process now."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            rest = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(entry.name)] = (int(rest[1]), int(rest[19]), int(rest[11]) + int(rest[12]))
    return found


class CpuWatch:
    """``with CpuWatch() as watch: ...`` then ``watch.others_cores``."""

    def __init__(self, interval: float = 0.5) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self._seen: dict[tuple[int, int], int] = {}  # (pid, start) -> latest ticks
        self._base: dict[tuple[int, int], int] = {}
        self.others_cores = 0.0
        self.wall = 0.0

    def _sample(self) -> None:
        procs = _processes()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in procs.items():
            children.setdefault(ppid, []).append(pid)
        todo = [os.getpid()]
        while todo:
            pid = todo.pop()
            if pid in procs:
                _, start, ticks = procs[pid]
                self._seen[(pid, start)] = ticks
            todo.extend(children.get(pid, []))

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def __enter__(self) -> CpuWatch:
        self._sample()
        self._base = dict(self._seen)  # only this process exists yet; children start at 0
        self._busy0, self._t0 = _busy_ticks(), time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.wall = time.monotonic() - self._t0
        mine = sum(t - self._base.get(key, 0) for key, t in self._seen.items())
        others = _busy_ticks() - self._busy0 - mine
        self.others_cores = max(others, 0) / TICK / self.wall
