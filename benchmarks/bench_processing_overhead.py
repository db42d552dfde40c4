"""Overhead of a no-op processing job, from ``run()`` to ``Completed``, with 1 and 4 hosts.

The floor is what a user would do instead: run the same script directly with ``python``.
Plimsoll runs it as a SageMaker job: request validation, SQLite record, config files, code
staged from the embedded S3, a bubblewrap sandbox per host, log capture, status polling.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from _results import machine, median, timed, versions, write_section

from plimsoll.processing import ScriptProcessor
from plimsoll.session import Session
from plimsoll.settings import Settings

RUNS = 15


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="plimsoll-bench-"))
    noop = work / "noop.py"
    noop.write_text("pass\n")
    session = Session(settings=Settings.load(home=work / "home"))

    def floor() -> None:
        subprocess.run([sys.executable, str(noop)], check=True)

    def job(hosts: int) -> None:
        processor = ScriptProcessor(
            role="bench",
            image_uri="python:3.11",
            command=["python3"],
            instance_count=hosts,
            instance_type="ml.m5.xlarge",
            sagemaker_session=session,
        )
        with contextlib.redirect_stdout(io.StringIO()):
            processor.run(code=str(noop), wait=True, logs=False)
        status = processor.latest_job.describe()["ProcessingJobStatus"]
        assert status == "Completed", status

    job(1)  # warm-up: first sandbox probe, imports, SQLite file
    base = median(timed(floor, RUNS))
    one = median(timed(lambda: job(1), RUNS))
    four = median(timed(lambda: job(4), RUNS))
    rows = [
        ("`python noop.py` (floor)", base, 0.0),
        ("Plimsoll ScriptProcessor, 1 host", one, one - base),
        ("Plimsoll ScriptProcessor, 4 hosts", four, four - base),
    ]
    table = "\n".join(
        f"| {name} | {t * 1000:.0f} ms | {o * 1000:.0f} ms | {t / base:.1f}x |"
        for name, t, o in rows
    )
    body = f"""
## Processing job overhead (no-op script, `run()` to `Completed`)

Machine: {machine()}. Versions: {versions("plimsoll", "SQLAlchemy", "starlette")}.
Median of {RUNS} runs each, embedded defaults (local disk + SQLite), bubblewrap sandbox.

| What | Median wall time | Overhead over the floor | Ratio to the floor |
|---|---|---|---|
{table}

Target: under 500 ms overhead for one host -> {"met" if one - base < 0.5 else "NOT met"}
({(one - base) * 1000:.0f} ms).
"""
    write_section(
        "processing-overhead",
        body,
        {"floor_s": base, "one_host_s": one, "four_hosts_s": four, "runs": RUNS},
    )
    print(body)


if __name__ == "__main__":
    main()
