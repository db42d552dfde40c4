"""Hosts of one job split files and hand their parts to the primary over real HTTP."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from plimsoll.images._host_merge import HostExchange, HostFailed, host_files, sharded_inputs
from plimsoll.images._job_hosts import JobHosts

LOCAL = {"algo-1": "127.0.0.1"}


def _hosts(current: str, count: int, job: str) -> JobHosts:
    return JobHosts(
        job_name=job, current=current, hosts=tuple(f"algo-{i}" for i in range(1, count + 1))
    )


def _exchange(current: str, count: int, job: str, **bounds: float) -> HostExchange:
    return HostExchange(_hosts(current, count, job), addresses=LOCAL, **bounds)


def _in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    found: list[object] = []

    def target() -> None:
        try:
            found.append(work())
        except Exception as exc:  # handed to the test
            found.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, found


def test_replicated_files_are_dealt_round_robin_in_sorted_order() -> None:
    files = [Path(f"/in/data/f{i}.csv") for i in (3, 0, 4, 1, 2)]
    parts = [host_files(files, _hosts(f"algo-{i}", 2, "j"), sharded=[]) for i in (1, 2)]
    assert parts == [
        [Path("/in/data/f0.csv"), Path("/in/data/f2.csv"), Path("/in/data/f4.csv")],
        [Path("/in/data/f1.csv"), Path("/in/data/f3.csv")],
    ]
    assert host_files(files, _hosts("algo-1", 1, "j")) == sorted(files)
    assert host_files(files[:1], _hosts("algo-2", 2, "j"), sharded=[]) == []


def test_files_of_a_sharded_input_stay_whole_and_others_are_dealt(tmp_path: Path) -> None:
    config = tmp_path / "processingjobconfig.json"
    config.write_text(
        json.dumps(
            {
                "ProcessingInputs": [
                    {"InputName": "a", "S3Input": {"LocalPath": "/in/a",
                                                    "S3DataDistributionType": "ShardedByS3Key"}},
                    {"InputName": "b", "S3Input": {"LocalPath": "/in/b",
                                                    "S3DataDistributionType": "FullyReplicated"}},
                ]
            }
        )
    )  # fmt: skip
    sharded = sharded_inputs(config)
    assert sharded == [Path("/in/a")]
    files = [Path("/in/a/x1"), Path("/in/a/x2"), Path("/in/b/y1"), Path("/in/b/y2")]
    second = host_files(files, _hosts("algo-2", 2, "j"), sharded=sharded)
    assert second == [Path("/in/a/x1"), Path("/in/a/x2"), Path("/in/b/y2")]
    assert sharded_inputs(tmp_path / "missing.json") == []


def test_the_primary_gets_every_part_in_host_order() -> None:
    job = f"merge-{uuid.uuid4().hex}"
    with _exchange("algo-1", 3, job) as primary:
        senders = [
            _in_thread(lambda h=h: _exchange(h, 3, job).send(h.encode() * 3))
            for h in ("algo-3", "algo-2")
        ]
        assert primary.gather() == [b"algo-2" * 3, b"algo-3" * 3]
    for thread, found in senders:
        thread.join(10)
        assert found == [None]


def test_a_worker_started_before_the_primary_retries_until_it_answers() -> None:
    job = f"merge-{uuid.uuid4().hex}"
    thread, found = _in_thread(lambda: _exchange("algo-2", 2, job).send(b"early"))
    with _exchange("algo-1", 2, job) as primary:
        assert primary.gather() == [b"early"]
    thread.join(10)
    assert found == [None]


def test_a_workers_error_fails_the_primary_naming_the_host() -> None:
    job = f"merge-{uuid.uuid4().hex}"
    with _exchange("algo-1", 3, job, wait_seconds=30) as primary:
        worker = _exchange("algo-2", 3, job)
        thread, found = _in_thread(lambda: worker.report_error("CSV parse error: row 7"))
        # algo-3 never reports: the error is not held back waiting for it
        with pytest.raises(HostFailed, match="^host algo-2: CSV parse error: row 7$"):
            primary.gather()
    thread.join(10)
    assert found == [True]


def test_a_silent_worker_fails_the_primary_after_the_bound() -> None:
    job = f"merge-{uuid.uuid4().hex}"
    with _exchange("algo-1", 2, job, wait_seconds=0.5) as primary:
        with pytest.raises(HostFailed, match="host algo-2 sent no part and no sign of life"):
            primary.gather()


def test_a_worker_that_cannot_reach_the_primary_gives_up_and_says_so() -> None:
    worker = _exchange("algo-2", 2, f"merge-{uuid.uuid4().hex}", connect_seconds=0.5)
    with pytest.raises(HostFailed, match="cannot reach the primary algo-1"):
        worker.send(b"part")
    assert worker.report_error("boom") is False  # no second wait for an absent primary


def test_a_worker_of_another_job_is_refused() -> None:
    job = f"merge-{uuid.uuid4().hex}"
    with _exchange("algo-1", 2, job, wait_seconds=0.5):
        port = _hosts("algo-1", 2, job).port(8)
        other = next(  # two job names whose ports collide: the primary tells them apart
            name
            for name in (f"other-{i}" for i in range(100_000))
            if _hosts("algo-2", 2, name).port(8) == port
        )
        stranger = _exchange("algo-2", 2, other)
        with pytest.raises(HostFailed, match=f"refused this host's part: this is job {job}"):
            stranger.send(b"part")
