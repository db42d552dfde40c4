"""Model Monitor: ``suggest_baseline`` and one monitoring execution against peers and floors.

Baseline (1,000,000 rows x 20 mixed columns, 2 % missing; ``_mm_data.py``):

* Plimsoll: ``DefaultModelMonitor.suggest_baseline`` end to end, a real processing job running
  the built-in analyzer, timed from call to return (the analyzer's own time read from its log).
* whylogs and an Evidently data-drift report, each in its own venv (they pin older
  numpy/pandas); PySpark on ``local[2]`` running the aggregations of SageMaker's analyzer
  (Deequ on Spark), session start-up timed apart.
* The floor: one bare pass of pyarrow + numpy + DataSketches KLL over the same file.

Monitoring: the built-in analyzer as a process over 24 hourly capture files holding the same
number of records, against the floor of reading and ``orjson.loads``-ing every line.

Peer venvs live in benchmarks/.venvs/mm-* (pinned, created on first use); data files in
benchmarks/.cache/. ``--rows 20000 --runs 1 --skip-peers`` is a quick smoke run; only a full
run (default rows, peers included) rewrites its section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _mm_cpu import CpuWatch
from _mm_data import ENDPOINT, HOURS, START, baseline_csv, capture_root
from _results import machine, versions, write_section

from plimsoll.model_monitor import DatasetFormat, DefaultModelMonitor
from plimsoll.session import Session
from plimsoll.settings import Settings

HERE = Path(__file__).resolve().parent
VENVS = HERE / ".venvs"
CACHE = HERE / ".cache"
# Each peer in its own venv: whylogs and Evidently pin older numpy/pandas than ours.
PEER_PINS = {
    "mm-orjson": ["orjson==3.13.0"],
    "mm-whylogs": ["whylogs==1.3.32", "pandas==2.1.4", "numpy==1.26.4"],
    "mm-evidently": ["evidently==0.4.40", "pandas==2.2.3", "numpy==1.26.4"],
    "mm-pyspark": ["pyspark==3.5.9"],
}
CAPTURE_FORMAT = '{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}'
FULL_ROWS = 1_000_000  # the size; only a full run with peers updates RESULTS.md
WARMUP_ROWS = 20_000  # PySpark's untimed warm-up file: JIT and codegen, not the data
ANALYZER_TIME = re.compile(r"Completed\w*: .*\((\d+(?:\.\d+)?) s\)")


def ensure_venv(name: str) -> Path:
    """The python of peer venv ``name``, built with its pins when missing or stale."""
    venv, pins = VENVS / name, PEER_PINS[name]
    stamp = venv / "pins.txt"
    if not (stamp.exists() and stamp.read_text().split() == pins):
        print(f"building {venv} ({' '.join(pins)})", flush=True)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, *pins], check=True)
        stamp.write_text("\n".join(pins) + "\n")
    return venv / "bin" / "python"


def run_json(python: Path | str, script: str, *args: object) -> dict[str, object]:
    """Runs a helper program; its last stdout line is its JSON result."""
    out = subprocess.run(
        [str(python), str(HERE / script), *map(str, args)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{script} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def plimsoll_baseline(csv: Path, runs: int, work: Path) -> dict[str, object]:
    """Median seconds of ``suggest_baseline`` (after one warm-up) and the baseline it wrote."""
    times, analyzer = [], []
    with Session(settings=Settings.load(home=work / "home")) as session:
        for run in range(runs + 1):  # run 0 is the warm-up: first sandbox probe, imports
            monitor = DefaultModelMonitor(
                role="any",
                instance_count=1,
                instance_type="ml.m5.xlarge",
                sagemaker_session=session,
            )
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):  # the wait's progress dots
                job = monitor.suggest_baseline(
                    baseline_dataset=str(csv),
                    dataset_format=DatasetFormat.csv(header=True),
                    output_s3_uri=f"s3://{session.default_bucket()}/bench/baseline-{run}",
                    wait=True,
                    logs=False,
                )
            elapsed = time.perf_counter() - start
            status = job.describe()["ProcessingJobStatus"]
            assert status == "Completed", status
            with contextlib.redirect_stdout(io.StringIO()) as log:
                session.logs_for_processing_job(job.job_name)
            found = ANALYZER_TIME.search(log.getvalue())
            if run:
                times.append(elapsed)
                if found:
                    analyzer.append(float(found.group(1)))
        statistics = monitor.baseline_statistics().body_dict
        constraints = monitor.suggested_constraints().body_dict
    (work / "statistics.json").write_text(json.dumps(statistics))
    (work / "constraints.json").write_text(json.dumps(constraints))
    print(f"plimsoll suggest_baseline: {times} (analyzer {analyzer})", flush=True)
    return {
        "runs": times,
        "analyzer": analyzer,
        "items": statistics["dataset"]["item_count"],
        "features": len(constraints["features"]),
    }


def plimsoll_monitoring(capture: Path, runs: int, work: Path, timeout: float) -> dict[str, object]:
    """Median seconds of one analyzer process over the 24 hourly capture files."""
    end = START.timestamp() + HOURS * 3600
    times, analyzer, kinds = [], [], {}
    for run in range(runs + 1):  # run 0 is the warm-up (page cache)
        output = work / f"monitoring-{run}"
        env = {
            **os.environ,
            "dataset_format": CAPTURE_FORMAT,
            "dataset_source": str(capture),
            "output_path": str(output),
            "baseline_constraints": str(work / "constraints.json"),
            "baseline_statistics": str(work / "statistics.json"),
            "start_time": f"{START:%Y-%m-%dT%H:%M:%SZ}",
            "end_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end)),
            "metric_time": f"{START:%Y-%m-%dT%H:%M:%SZ}",
            "publish_cloudwatch_metrics": "Disabled",
            "sagemaker_endpoint_name": ENDPOINT,
            "sagemaker_monitoring_schedule_name": "bench-schedule",
            "output_message_file": str(work / f"message-{run}"),
        }
        start = time.perf_counter()
        try:
            out = subprocess.run(
                [sys.executable, "-m", "plimsoll.images.model_monitor_analyzer"],
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            print(f"plimsoll monitoring: no result within {timeout:.0f} s", flush=True)
            return {"timeout": timeout}
        elapsed = time.perf_counter() - start
        if "Monitoring executions are not supported" in out.stderr:
            return {"unsupported": True}
        if out.returncode != 0:
            raise RuntimeError(f"monitoring analyzer failed:\n{out.stderr[-3000:]}")
        report = output / "constraint_violations.json"
        kinds = {}
        for violation in json.loads(report.read_text()).get("violations", []):
            kind = violation["constraint_check_type"]
            kinds[kind] = kinds.get(kind, 0) + 1
        found = ANALYZER_TIME.search(out.stderr + out.stdout)
        if run:
            times.append(elapsed)
            if found:
                analyzer.append(float(found.group(1)))
    items = json.loads((output / "statistics.json").read_text())["dataset"]["item_count"]
    print(f"plimsoll monitoring: {times} (analyzer {analyzer}), violations {kinds}", flush=True)
    return {"runs": times, "analyzer": analyzer, "violations": kinds, "items": items}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS)
    parser.add_argument("--runs", type=int, default=3, help="Plimsoll and the floors")
    parser.add_argument("--peer-runs", type=int, default=3, help="whylogs, Evidently, PySpark")
    parser.add_argument("--skip-peers", action="store_true", help="floors and Plimsoll only")
    parser.add_argument(
        "--monitor-timeout", type=float, default=600, help="seconds per monitoring execution"
    )
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    python_orjson = ensure_venv("mm-orjson")
    wanted = [] if args.skip_peers else [n for n in PEER_PINS if n != "mm-orjson"]
    if "mm-pyspark" in wanted and shutil.which("java") is None:
        print("no java on PATH: PySpark skipped", flush=True)
        wanted.remove("mm-pyspark")
    peers = {name: ensure_venv(name) for name in wanted}
    csv = baseline_csv(CACHE, args.rows)
    capture = capture_root(CACHE, args.rows)
    work = Path(tempfile.mkdtemp(prefix="plimsoll-bench-mm-"))
    raw: dict[str, object] = {"rows": args.rows, "load_before": load_before}
    watch = CpuWatch()  # the machine is shared: how much CPU others take while we measure
    try:
        with watch:
            raw["plimsoll_baseline"] = plimsoll_baseline(csv, args.runs, work)
            floor = run_json(sys.executable, "_mm_floor.py", csv, args.runs + 1)
            floor["runs"] = floor["runs"][1:]  # type: ignore[index]  # drop the warm-up
            raw["floor"] = floor
            print(f"floor: {floor}", flush=True)
            if peers:
                for name, script in (
                    ("whylogs", "_mm_whylogs.py"),
                    ("evidently", "_mm_evidently.py"),
                    ("pyspark", "_mm_pyspark.py"),
                ):
                    if f"mm-{name}" not in peers:
                        continue
                    extra = [baseline_csv(CACHE, WARMUP_ROWS)] if name == "pyspark" else []
                    raw[name] = run_json(peers[f"mm-{name}"], script, csv, args.peer_runs, *extra)
                    print(f"{name}: {raw[name]}", flush=True)
            parse = run_json(python_orjson, "_mm_parse_floor.py", capture, args.runs + 1)
            parse["runs"] = parse["runs"][1:]  # type: ignore[index]
            raw["parse_floor"] = parse
            print(f"parse floor: {parse}", flush=True)
            raw["plimsoll_monitoring"] = plimsoll_monitoring(
                capture, args.runs, work, args.monitor_timeout
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    raw["others_cores"], raw["wall_s"] = watch.others_cores, watch.wall
    report(raw, args)


def report(raw: dict[str, object], args: argparse.Namespace) -> None:
    from _mm_report import render

    body = render(raw, args, machine(), versions("plimsoll", "pyarrow", "numpy", "datasketches"))
    print(body)
    if args.skip_peers or args.rows != FULL_ROWS:
        print("(a partial run: RESULTS.md left as it was)")
        return
    write_section("model-monitor", body, raw)


if __name__ == "__main__":
    main()
