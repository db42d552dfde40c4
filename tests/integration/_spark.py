"""Helpers for tests that run Spark jobs: apps, data, a compiled Java Spark app, leftovers."""

from __future__ import annotations

import csv
import subprocess
import textwrap
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pyspark

from plimsoll.images._job_hosts import JobHosts

SPARK_IMAGE = (
    "173754725891.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.3-cpu-py39-v1.0"
)
SPARK_HOME = Path(pyspark.__file__).resolve().parent
JAVA_MAIN_CLASS = "example.LineCount"

# A PySpark app: sums `amount` per `region` of the CSV files in argv[1] and writes
# result.json to argv[2] with the totals, the number of executors that registered, the
# SparkConf value of argv[3] (if given) and the driver's environment variable argv[4].
AGGREGATE_APP = textwrap.dedent(
    """\
    import json, os, socket, sys, time
    from pyspark.sql import SparkSession, functions as F

    data_dir, out_dir = sys.argv[1], sys.argv[2]
    conf_key = sys.argv[3] if len(sys.argv) > 3 else None
    env_name = sys.argv[4] if len(sys.argv) > 4 else None
    spark = SparkSession.builder.appName("aggregate").getOrCreate()
    frame = spark.read.csv("file://" + data_dir, header=True, inferSchema=True)
    rows = frame.groupBy("region").agg(F.sum("amount").alias("total")).collect()
    # The host name each task ran on (each job host has its own): where the work went.
    task_hosts = set(
        spark.sparkContext.parallelize(range(8), 8)
        .map(lambda _: (time.sleep(0.2), socket.gethostname())[1])
        .collect()
    )
    result = {
        "totals": {r["region"]: int(r["total"]) for r in rows},
        "block_managers": spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size(),
        "task_hosts": sorted(task_hosts),
        "master": spark.sparkContext.master,
        "conf": spark.sparkContext.getConf().get(conf_key) if conf_key else None,
        "env": os.environ.get(env_name) if env_name else None,
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "result.json"), "w") as f:
        json.dump(result, f)
    spark.stop()
    """
)

FAILING_APP = textwrap.dedent(
    """\
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("failing").getOrCreate()
    spark.range(10).count()
    raise ValueError("the input has no rows for region north-west")
    """
)

# Prints RUNNING_MARKER, then runs tasks that take minutes: a test acts while it runs.
RUNNING_MARKER = "long-app-is-running"
LONG_APP = textwrap.dedent(
    f"""\
    import time
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("long").getOrCreate()
    print("{RUNNING_MARKER}", flush=True)
    spark.sparkContext.parallelize(range(4), 4).map(lambda i: (time.sleep(300), i)[1]).count()
    """
)

_JAVA_SOURCE = textwrap.dedent(
    """\
    package example;

    import java.nio.file.Files;
    import java.nio.file.Path;
    import org.apache.spark.sql.SparkSession;

    public class LineCount {
        public static void main(String[] args) throws Exception {
            SparkSession spark = SparkSession.builder().appName("line-count").getOrCreate();
            long lines = spark.read().textFile(args[0]).count();
            Files.createDirectories(Path.of(args[1]));
            Files.writeString(Path.of(args[1], "count.txt"), Long.toString(lines));
            spark.stop();
        }
    }
    """
)


def write_sales(directory: Path, rows: Sequence[tuple[str, int]], parts: int = 2) -> None:
    """``rows`` as ``parts`` CSV files (header region,amount) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for part in range(parts):
        with (directory / f"part-{part}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["region", "amount"])
            writer.writerows(rows[part::parts])


def sales_totals(rows: Sequence[tuple[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for region, amount in rows:
        totals[region] = totals.get(region, 0) + amount
    return totals


def compile_spark_jar(workdir: Path) -> Path:
    """Compiles :data:`JAVA_MAIN_CLASS` against ``$SPARK_HOME/jars`` with ``javac``; the jar.

    ``example.LineCount <input> <output dir>`` writes the number of lines of ``input`` to
    ``<output dir>/count.txt``.
    """
    source = workdir / "src" / "example" / "LineCount.java"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(_JAVA_SOURCE)
    classes = workdir / "classes"
    subprocess.run(
        ["javac", "-cp", f"{SPARK_HOME / 'jars'}/*", "-d", str(classes), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    jar = workdir / "line-count.jar"
    with zipfile.ZipFile(jar, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
        for path in sorted(classes.rglob("*.class")):
            archive.write(path, path.relative_to(classes).as_posix())
    return jar


def job_processes(job_name: str) -> list[str]:
    """Command lines of processes still running with one of the job's Spark ports."""
    hosts = JobHosts(job_name=job_name, current="algo-1", hosts=("algo-1",))
    found: list[str] = []
    for slot in (0, 1, 2, 3):
        result = subprocess.run(
            ["pgrep", "-af", f"[:=]{hosts.port(slot)}\\b"], capture_output=True, text=True
        )
        found += [line for line in result.stdout.splitlines() if "pgrep" not in line]
    return found
