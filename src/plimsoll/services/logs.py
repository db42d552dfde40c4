"""Job logs: each host's stdout and stderr, kept per job and host (our CloudWatch stand-in)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, kw_only=True)
class LogChunk:
    """Bytes of one host's log from ``offset``; ``next_offset`` is where to read next."""

    host: str
    data: bytes
    next_offset: int


class LogStore:
    """Reads and locates the per-host log files of jobs under one folder."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def path(self, job_name: str, host: str) -> Path:
        return self._root / job_name / f"{host}.log"

    def metrics_dir(self, job_name: str, host: str) -> Path:
        """Where a host's CloudWatch metric files are kept after its workspace is gone."""
        return self._root / job_name / "metrics" / host

    def metric_dirs(self, job_name: str) -> list[Path]:
        folder = self._root / job_name / "metrics"
        return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def hosts(self, job_name: str) -> list[str]:
        folder = self._root / job_name
        if not folder.is_dir():
            return []
        names = [p.stem for p in folder.glob("*.log")]
        return sorted(names, key=lambda h: (len(h), h))

    def read(self, job_name: str, host: str, offset: int = 0, limit: int = 1 << 20) -> LogChunk:
        """Bytes from ``offset``; empty while the host has written nothing yet."""
        path = self.path(job_name, host)
        if not path.exists():
            return LogChunk(host=host, data=b"", next_offset=offset)
        with path.open("rb") as fh:
            fh.seek(max(0, offset))
            data = fh.read(limit)
        return LogChunk(host=host, data=data, next_offset=max(0, offset) + len(data))
