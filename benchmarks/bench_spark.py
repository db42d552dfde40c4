"""Overhead of a PySparkProcessor job against the same app run with plain ``spark-submit``.

The app reads a CSV of ``ROWS`` rows (4 columns), aggregates it by key with Spark SQL and
writes the result as CSV: a small, real Spark job whose run is dominated by Spark itself
(JVM start, session, planning), which is exactly what the overhead is measured against.

* floor: ``$SPARK_HOME/bin/spark-submit --master local[*] app.py IN OUT`` on local files,
  what a user runs without Plimsoll;
* Plimsoll: ``PySparkProcessor(framework_version="3.3").run(submit_app=app.py, inputs=...,
  outputs=..., arguments=..., wait=True)`` on the embedded defaults (local disk + SQLite):
  request, staging of code and data into the host's /opt/ml, bubblewrap sandbox,
  ``smspark-submit`` (configuration, event logs off), ``spark-submit --master local[*]``,
  output upload, status polling.

Usage: ``cd benchmarks && ../.venv/bin/python bench_spark.py [--runs 3] [--rows 2000000]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyspark
from _mm_cpu import CpuWatch
from _results import machine, median, timed, versions, write_section

from plimsoll.processing import ProcessingInput, ProcessingOutput
from plimsoll.session import Session
from plimsoll.settings import Settings
from plimsoll.spark.processing import PySparkProcessor

APP = """
import sys
from pyspark.sql import SparkSession, functions as F
source, target = sys.argv[1], sys.argv[2]
spark = SparkSession.builder.appName("bench-aggregate").getOrCreate()
frame = spark.read.csv(source, header=True, inferSchema=True)
result = frame.groupBy("key").agg(F.count("*").alias("n"), F.sum("amount").alias("total"),
                                  F.avg("score").alias("mean_score"))
result.coalesce(1).write.mode("overwrite").csv(target, header=True)
spark.stop()
"""
TARGET = 0.10


def _data(folder: Path, rows: int) -> None:
    rng = np.random.default_rng(7)
    table = pa.table({
        "key": rng.integers(0, 1000, rows),
        "amount": np.round(rng.gamma(2.0, 50.0, rows), 2),
        "score": rng.random(rows),
        "flag": rng.integers(0, 2, rows),
    })  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, folder / "part-0.csv")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="plimsoll-bench-spark-"))
    data = work / "data"
    _data(data, args.rows)
    app = work / "app.py"
    app.write_text(APP)
    spark_home = str(Path(pyspark.__file__).parent)
    env = {**os.environ, "SPARK_HOME": spark_home, "PYSPARK_PYTHON": sys.executable}
    session = Session(settings=Settings.load(home=work / "home"))

    def floor() -> None:
        out = work / "floor-out"
        shutil.rmtree(out, ignore_errors=True)
        command = [f"{spark_home}/bin/spark-submit", "--master", "local[*]", str(app)]
        subprocess.run([*command, str(data), str(out)], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    def plimsoll() -> None:
        processor = PySparkProcessor(
            role="bench", framework_version="3.3", instance_count=1,
            instance_type="ml.m5.xlarge", sagemaker_session=session,
        )  # fmt: skip
        with contextlib.redirect_stdout(io.StringIO()):
            processor.run(
                submit_app=str(app),
                inputs=[ProcessingInput(source=str(data),
                                        destination="/opt/ml/processing/input/data")],
                outputs=[ProcessingOutput(source="/opt/ml/processing/output",
                                          destination=str(work / "plimsoll-out"))],
                arguments=["/opt/ml/processing/input/data", "/opt/ml/processing/output/agg"],
                wait=True, logs=False,
            )  # fmt: skip
        status = processor.latest_job.describe()["ProcessingJobStatus"]
        assert status == "Completed", processor.latest_job.describe().get("FailureReason")

    floor()  # warm-up: page cache, JIT of nothing, first sandbox probe
    plimsoll()
    runs: dict[str, list[float]] = {"floor": [], "plimsoll": []}
    with CpuWatch() as watch:
        for _ in range(args.runs):  # interleaved, so drift in machine load hits both alike
            runs["floor"] += timed(floor, 1)
            runs["plimsoll"] += timed(plimsoll, 1)
    other = watch.others_cores
    base, ours = median(runs["floor"]), median(runs["plimsoll"])
    overhead = (ours - base) / base
    each = {k: ", ".join(f"{t:.2f}" for t in v) for k, v in runs.items()}
    command = f"bench_spark.py --runs {args.runs} --rows {args.rows}"
    body = f"""
## Spark: PySparkProcessor job against plain `spark-submit`

Machine: {machine()}. Versions: {versions("plimsoll", "pyspark")}; Java 17.
App: read a {args.rows:,}-row CSV (4 columns), group by 1,000 keys, count/sum/mean, write CSV;
`local[*]`. Median of {args.runs} interleaved runs each (after one warm-up of both).
Command: `cd benchmarks && ../.venv/bin/python {command}`.

| What | Median wall time | Runs |
|---|---|---|
| `spark-submit --master local[*] app.py IN OUT` (floor) | {base:.2f} s | {each["floor"]} |
| Plimsoll `PySparkProcessor.run(wait=True)`, 1 host | {ours:.2f} s | {each["plimsoll"]} |

Overhead: {ours - base:+.2f} s = {overhead * 100:+.1f} % of the plain run (target under
{TARGET * 100:.0f} %: {"met" if overhead < TARGET else "NOT met"}). Other processes used
{other:.2f} of the 2 cores on average during the runs.
"""
    write_section("spark-overhead", body, {"rows": args.rows, **runs, "overhead": overhead})
    print(body)


if __name__ == "__main__":
    main()
