"""The Spark processing image (``smspark-submit``) running real processing jobs on real Spark."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from plimsoll.api.wiring import build_api
from plimsoll.images._job_hosts import JobHosts
from plimsoll.metadata.entities import (
    ClusterSpec,
    JobStatus,
    ProcessingInputSpec,
    ProcessingJob,
    ProcessingJobSpec,
)
from plimsoll.services.processing import ProcessingService
from plimsoll.settings import Settings
from tests.integration._jobs import s3_input, s3_output, unique_name, wait_for, wait_log
from tests.integration._spark import (
    AGGREGATE_APP,
    FAILING_APP,
    JAVA_MAIN_CLASS,
    LONG_APP,
    RUNNING_MARKER,
    SPARK_HOME,
    SPARK_IMAGE,
    compile_spark_jar,
    job_processes,
    sales_totals,
    write_sales,
)

pytestmark = [pytest.mark.spark, pytest.mark.sandbox, pytest.mark.slow]

CODE = "/opt/ml/processing/input/code"
DATA = "/opt/ml/processing/input/data"
CONF = "/opt/ml/processing/input/conf"
OUTPUT = "/opt/ml/processing/output"
EVENTS = "/opt/ml/processing/spark-events/"
ROWS = [(region, amount) for amount in range(1, 41) for region in ("north", "south", "east")]
CONFIGURATION = [
    {"Classification": "spark-defaults", "Properties": {"spark.plimsoll.probe": "defaults-42"}},
    {
        "Classification": "spark-env",
        "Properties": {},
        "Configurations": [
            {"Classification": "export", "Properties": {"PLIMSOLL_PROBE": "env-42"}}
        ],
    },
    {"Classification": "core-site", "Properties": {"fs.plimsoll.probe": "core-42"}},
    {"Classification": "spark-log4j", "Properties": {"rootLogger.level": "warn"}},
    {
        "Classification": "yarn-env",
        "Properties": {},
        "Configurations": [{"Classification": "export", "Properties": {"YARN_X": "1"}}],
    },
]


@dataclass(frozen=True)
class SparkRun:
    job: ProcessingJob
    output: Path
    events: Path
    leftovers: list[str]
    log: bytes

    def result(self) -> dict[str, object]:
        loaded: dict[str, object] = json.loads((self.output / "result.json").read_text())
        return loaded


@pytest.fixture(scope="module")
def spark_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProcessingService]:
    """One service for every Spark job of this module; a long stop grace so that hosts stop
    their Spark processes themselves when a job fails."""
    home = tmp_path_factory.mktemp("spark-home")
    api = build_api(
        Settings.load(home=home, stop_grace_seconds=30.0, continuous_upload_seconds=0.5)
    )
    yield api.processing
    api.close()


def _run(
    service: ProcessingService,
    workdir: Path,
    command: Sequence[str],
    *,
    hosts: int = 1,
    arguments: Sequence[str] | None = None,
    inputs: Sequence[ProcessingInputSpec] = (),
    while_running: Callable[[str], None] | None = None,
    environment: dict[str, str] | None = None,
) -> SparkRun:
    output, events = workdir / "out", workdir / "events"
    spec = ProcessingJobSpec(
        name=unique_name("spark"),
        role_arn="arn:aws:iam::000000000000:role/test",
        image_uri=SPARK_IMAGE,
        cluster=ClusterSpec(
            instance_count=hosts, instance_type="ml.m5.xlarge", volume_size_in_gb=5
        ),
        container_entrypoint=("smspark-submit", *command),
        container_arguments=tuple(arguments) if arguments is not None else None,
        inputs=tuple(inputs),
        outputs=(
            s3_output("output", OUTPUT, str(output)),
            s3_output("events", EVENTS, str(events), mode="Continuous"),
        ),
        max_runtime_in_seconds=600,
        environment=environment or {},
    )
    service.create_processing_job(spec)
    if while_running is not None:
        while_running(spec.name)
    job = wait_for(service, spec.name, timeout=300)
    log = service.read_log(spec.name, "algo-1").data
    return SparkRun(
        job=job, output=output, events=events, leftovers=job_processes(spec.name), log=log
    )


def _code_input(workdir: Path, files: dict[str, str]) -> ProcessingInputSpec:
    code = workdir / "code"
    code.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (code / name).write_text(text)
    return s3_input("code", str(code), CODE)


def _aggregate(service: ProcessingService, workdir: Path, hosts: int) -> SparkRun:
    write_sales(workdir / "data", ROWS)
    (workdir / "conf").mkdir(parents=True)
    (workdir / "conf" / "configuration.json").write_text(json.dumps(CONFIGURATION))
    return _run(
        service,
        workdir,
        ["--local-spark-event-logs-dir", EVENTS, f"{CODE}/app.py"],
        hosts=hosts,
        arguments=[DATA, OUTPUT, "spark.plimsoll.probe", "PLIMSOLL_PROBE"],
        inputs=(
            _code_input(workdir, {"app.py": AGGREGATE_APP}),
            s3_input("data", str(workdir / "data"), DATA),
            s3_input("conf", str(workdir / "conf"), CONF),
        ),
    )


@pytest.fixture(scope="module")
def one_host(
    spark_service: ProcessingService, tmp_path_factory: pytest.TempPathFactory
) -> SparkRun:
    return _aggregate(spark_service, tmp_path_factory.mktemp("one-host"), hosts=1)


@pytest.fixture(scope="module")
def two_hosts(
    spark_service: ProcessingService, tmp_path_factory: pytest.TempPathFactory
) -> SparkRun:
    return _aggregate(spark_service, tmp_path_factory.mktemp("two-hosts"), hosts=2)


def test_one_host_runs_spark_locally_with_the_configuration(one_host: SparkRun) -> None:
    assert one_host.job.status is JobStatus.COMPLETED, one_host.job.failure_reason
    result = one_host.result()
    assert result["master"] == "local[*]"
    assert result["totals"] == sales_totals(ROWS)
    assert result["conf"] == "defaults-42"  # spark-defaults -> SparkConf
    assert result["env"] == "env-42"  # spark-env export -> the driver's environment
    assert b"WARN" in one_host.log
    assert b"INFO SparkContext" not in one_host.log  # spark-log4j: rootLogger.level=warn
    assert one_host.leftovers == []


def test_two_hosts_run_a_standalone_cluster_with_equal_results(
    one_host: SparkRun, two_hosts: SparkRun
) -> None:
    assert two_hosts.job.status is JobStatus.COMPLETED, two_hosts.job.failure_reason
    result = two_hosts.result()
    assert str(result["master"]).startswith("spark://algo-1:")
    assert result["block_managers"] == 3  # the driver and one executor per worker
    assert result["task_hosts"] == ["algo-1", "algo-2"]
    assert result["totals"] == one_host.result()["totals"]
    assert (result["conf"], result["env"]) == ("defaults-42", "env-42")
    assert two_hosts.leftovers == []


@pytest.mark.parametrize("run", ["one_host", "two_hosts"])
def test_event_logs_are_copied_without_inprogress(run: str, request: pytest.FixtureRequest) -> None:
    spark_run: SparkRun = request.getfixturevalue(run)
    logs = sorted(spark_run.events.iterdir())
    assert logs, "no event log was uploaded"
    assert not [p.name for p in logs if p.name.endswith(".inprogress")]
    assert "SparkListenerApplicationEnd" in logs[-1].read_text()


def test_a_bad_classification_fails_the_job_with_the_reason(
    spark_service: ProcessingService, tmp_path: Path
) -> None:
    (tmp_path / "conf").mkdir()
    bad = [{"Classification": "spark-default", "Properties": {"spark.executor.cores": "1"}}]
    (tmp_path / "conf" / "configuration.json").write_text(json.dumps(bad))
    run = _run(
        spark_service,
        tmp_path,
        [f"{CODE}/app.py"],
        inputs=(
            _code_input(tmp_path, {"app.py": AGGREGATE_APP}),
            s3_input("conf", str(tmp_path / "conf"), CONF),
        ),
    )
    assert run.job.status is JobStatus.FAILED
    assert "Invalid classification: spark-default." in (run.job.failure_reason or "")


def test_a_python_error_fails_the_job_with_the_traceback(
    spark_service: ProcessingService, tmp_path: Path
) -> None:
    run = _run(
        spark_service,
        tmp_path,
        [f"{CODE}/app.py"],
        inputs=(_code_input(tmp_path, {"app.py": FAILING_APP}),),
    )
    assert run.job.status is JobStatus.FAILED
    reason = run.job.failure_reason or ""
    assert "ValueError: the input has no rows for region north-west" in reason
    assert reason.startswith("AlgorithmError: spark-submit exited with code 1")
    assert run.leftovers == []


def test_a_java_app_runs_with_its_class_and_a_missing_class_or_jar_fails(
    spark_service: ProcessingService, tmp_path: Path
) -> None:
    jar = compile_spark_jar(tmp_path / "build")
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "line-count.jar").write_bytes(jar.read_bytes())
    write_sales(tmp_path / "data", ROWS, parts=1)
    inputs = (
        s3_input("code", str(tmp_path / "code"), CODE),
        s3_input("data", str(tmp_path / "data"), DATA),
    )
    app = f"{CODE}/line-count.jar"
    good = _run(
        spark_service,
        tmp_path / "good",
        ["--class", JAVA_MAIN_CLASS, app],
        arguments=[f"{DATA}/part-0.csv", OUTPUT],
        inputs=inputs,
    )
    assert good.job.status is JobStatus.COMPLETED, good.job.failure_reason
    assert (good.output / "count.txt").read_text() == str(len(ROWS) + 1)  # rows and header
    assert good.leftovers == []

    missing = _run(
        spark_service, tmp_path / "missing", ["--class", "example.Missing", app], inputs=inputs
    )
    assert missing.job.status is JobStatus.FAILED
    assert "Failed to load class example.Missing" in (missing.job.failure_reason or "")

    no_jar = _run(
        spark_service,
        tmp_path / "no-jar",
        ["--class", JAVA_MAIN_CLASS, f"{CODE}/not-there.jar"],
        inputs=inputs,
    )
    assert no_jar.job.status is JobStatus.FAILED
    assert f"Local jar {CODE}/not-there.jar does not exist" in (no_jar.job.failure_reason or "")


def test_a_worker_that_dies_fails_the_job_and_leaves_no_process(
    spark_service: ProcessingService, tmp_path: Path
) -> None:
    run = _run(
        spark_service,
        tmp_path,
        [f"{CODE}/app.py"],
        hosts=2,
        inputs=(_code_input(tmp_path, {"app.py": LONG_APP}),),
        while_running=functools.partial(_kill_worker_of_algo_2, spark_service),
    )
    assert run.job.status is JobStatus.FAILED
    assert "spark-worker@algo-2 exited with signal 9" in (run.job.failure_reason or "")
    assert run.leftovers == []


def _kill_worker_of_algo_2(service: ProcessingService, name: str) -> None:
    """Once the job's app runs, SIGKILLs the worker JVM of its host algo-2."""
    wait_log(service, name, RUNNING_MARKER.encode(), timeout=180)
    port = JobHosts(job_name=name, current="algo-1", hosts=("algo-1",)).port(0)
    found = subprocess.run(
        ["pgrep", "-f", f"deploy.worker.Worker --host algo-2 .*spark://algo-1:{port}"],
        capture_output=True,
        text=True,
    )
    pids = [int(pid) for pid in found.stdout.split()]
    assert len(pids) == 1, found
    os.kill(pids[0], signal.SIGKILL)


EXTERNAL_APP = """
import json, os, sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("on-an-existing-master").getOrCreate()
total = spark.sparkContext.parallelize(range(1000), 4).sum()
os.makedirs(sys.argv[1], exist_ok=True)
with open(os.path.join(sys.argv[1], "result.json"), "w") as f:
    json.dump({"master": spark.sparkContext.master, "total": total}, f)
spark.stop()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def external_master(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Spark standalone master and one worker that are not part of any job."""
    port, ui = _free_port(), _free_port()
    work = tmp_path_factory.mktemp("external-spark")
    env = {**os.environ, "SPARK_HOME": str(SPARK_HOME), "SPARK_LOCAL_IP": "127.0.0.1",
           "PYSPARK_PYTHON": sys.executable, "SPARK_LOG_DIR": str(work)}  # fmt: skip
    spark_class = str(SPARK_HOME / "bin" / "spark-class")
    commands = [
        [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
         "--port", str(port), "--webui-port", str(ui)],
        [spark_class, "org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}",
         "--cores", "1", "--memory", "2g", "--webui-port", str(_free_port()),
         "--work-dir", str(work)],
    ]  # fmt: skip
    started = [
        subprocess.Popen(c, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        for c in commands
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=2) as r:
                    if json.load(r).get("aliveworkers") == 1:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the external Spark master did not come up"
            time.sleep(0.5)
        yield f"spark://127.0.0.1:{port}"
    finally:
        for proc in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def test_plimsoll_spark_master_submits_to_an_existing_master(
    spark_service: ProcessingService, tmp_path: Path, external_master: str
) -> None:
    """The documented extension for an existing cluster: algo-1 submits there, algo-2 idles."""
    run = _run(
        spark_service,
        tmp_path,
        [f"{CODE}/app.py"],
        hosts=2,
        arguments=[OUTPUT],
        inputs=(_code_input(tmp_path, {"app.py": EXTERNAL_APP}),),
        environment={"PLIMSOLL_SPARK_MASTER": external_master},
    )
    assert run.job.status is JobStatus.COMPLETED, run.job.failure_reason
    assert run.result() == {"master": external_master, "total": sum(range(1000))}
    assert b"Spark standalone" not in run.log  # no cluster of the job's own
    assert run.leftovers == []
