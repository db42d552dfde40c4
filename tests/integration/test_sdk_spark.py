"""PySparkProcessor and SparkJarProcessor end to end: real Spark, data on SeaweedFS.

Three Spark jobs (each about 10 s): a one-host PySpark job using every run argument, whose
event logs then feed the history server; a two-host PySpark job (a standalone cluster); a
SparkJarProcessor job with a jar compiled here with javac.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from plimsoll.processing import ProcessingInput, ProcessingOutput
from plimsoll.s3 import S3Downloader, S3Uploader
from plimsoll.session import Session
from plimsoll.settings import Settings
from plimsoll.spark.processing import PySparkProcessor, SparkJarProcessor
from tests.fixtures.seaweed import SeaweedS3
from tests.integration._spark import (
    AGGREGATE_APP,
    JAVA_MAIN_CLASS,
    compile_spark_jar,
    sales_totals,
    write_sales,
)

pytestmark = [pytest.mark.spark, pytest.mark.s3, pytest.mark.slow]

BUCKET = "spark-sdk"
ROWS = [("north", 3), ("south", 5), ("north", 7), ("east", 1), ("south", 2), ("east", 4)]
DATA = "/opt/ml/processing/input/data"
OUTPUT = "/opt/ml/processing/output"
# The app imports `helper` (shipped with submit_py_files) and reports its TAG.
APP = "import helper\n" + AGGREGATE_APP.replace(
    '"master": spark.sparkContext.master,',
    '"master": spark.sparkContext.master, "helper": helper.TAG,',
)
CONFIGURATION = [
    {"Classification": "spark-defaults", "Properties": {"spark.plimsoll.probe": "from-conf"}},
    {
        "Classification": "spark-env",
        "Properties": {},
        "Configurations": [{"Classification": "export", "Properties": {"PROBE_ENV": "env-1"}}],
    },
]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory, seaweed_s3: SeaweedS3) -> Iterator[Session]:
    settings = Settings.load(
        home=tmp_path_factory.mktemp("spark-sdk-home"),
        s3_endpoint_url=seaweed_s3.endpoint_url,
        s3_access_key_id=seaweed_s3.access_key_id,
        s3_secret_access_key=seaweed_s3.secret_access_key,
        default_bucket=BUCKET,
        stop_grace_seconds=30.0,
        continuous_upload_seconds=0.5,
    )
    built = Session(settings=settings)
    yield built
    built.close()


@pytest.fixture(scope="module")
def sales_uri(session: Session, tmp_path_factory: pytest.TempPathFactory) -> str:
    data = tmp_path_factory.mktemp("sales")
    write_sales(data, ROWS)
    return S3Uploader.upload(str(data), f"s3://{BUCKET}/sales", sagemaker_session=session)


def _app_files(workdir: Path) -> tuple[Path, Path]:
    app, helper = workdir / "app.py", workdir / "helper.py"
    app.write_text(APP)
    helper.write_text("TAG = 'helper-loaded'\n")
    return app, helper


def _pyspark(session: Session, instance_count: int) -> PySparkProcessor:
    return PySparkProcessor(
        role="SageMakerRole",
        framework_version="3.3",
        instance_count=instance_count,
        instance_type="ml.m5.xlarge",
        sagemaker_session=session,
        max_runtime_in_seconds=600,
    )


def _result(session: Session, prefix: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(
        S3Downloader.read_file(f"{prefix}/result.json", sagemaker_session=session)
    )
    return loaded


@pytest.fixture(scope="module")
def one_host(
    session: Session, sales_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PySparkProcessor]:
    app, helper = _app_files(tmp_path_factory.mktemp("one-host"))
    processor = _pyspark(session, instance_count=1)
    processor.run(
        submit_app=str(app),
        submit_py_files=[str(helper)],
        inputs=[ProcessingInput(source=sales_uri, destination=DATA)],
        outputs=[ProcessingOutput(source=OUTPUT, destination=f"s3://{BUCKET}/one/out")],
        arguments=[DATA, OUTPUT, "spark.plimsoll.probe", "PROBE_ENV"],
        configuration=CONFIGURATION,
        spark_event_logs_s3_uri=f"s3://{BUCKET}/one/events",
        logs=False,
    )
    yield processor
    processor.terminate_history_server()


def test_pyspark_one_host_uses_every_run_argument(
    session: Session, one_host: PySparkProcessor
) -> None:
    result = _result(session, f"s3://{BUCKET}/one/out")
    assert result["totals"] == sales_totals(ROWS)
    assert result["helper"] == "helper-loaded"
    assert result["conf"] == "from-conf"
    assert result["env"] == "env-1"
    assert str(result["master"]).startswith("local")
    events = S3Downloader.list(f"s3://{BUCKET}/one/events", sagemaker_session=session)
    assert events and not any(uri.endswith(".inprogress") for uri in events)


def test_history_server_serves_the_event_logs(one_host: PySparkProcessor) -> None:
    one_host.start_history_server()  # the event-log URI of the last run
    server = one_host.history_server
    assert server is not None
    with urllib.request.urlopen(f"{server.url}/api/v1/applications", timeout=10) as response:
        apps = json.load(response)
    assert [app["name"] for app in apps] == ["aggregate"]
    assert apps[0]["attempts"][0]["completed"] is True

    one_host.terminate_history_server()
    assert one_host.history_server is None
    assert not server.is_started()


def test_pyspark_two_hosts_run_on_a_standalone_cluster(
    session: Session, sales_uri: str, tmp_path: Path
) -> None:
    app, helper = _app_files(tmp_path)
    processor = _pyspark(session, instance_count=2)
    processor.run(
        submit_app=str(app),
        submit_py_files=[str(helper)],
        inputs=[ProcessingInput(source=sales_uri, destination=DATA)],
        outputs=[ProcessingOutput(source=OUTPUT, destination=f"s3://{BUCKET}/two/out")],
        arguments=[DATA, OUTPUT],
        logs=False,
    )
    result = _result(session, f"s3://{BUCKET}/two/out")
    assert result["totals"] == sales_totals(ROWS)
    assert str(result["master"]).startswith("spark://")
    assert result["helper"] == "helper-loaded"


def test_spark_jar_processor_runs_a_compiled_jar_on_two_hosts(
    session: Session, sales_uri: str, tmp_path: Path
) -> None:
    """The jar on the job's own standalone cluster (the image tests run a jar on one host)."""
    jar = compile_spark_jar(tmp_path)
    processor = SparkJarProcessor(
        role="SageMakerRole",
        framework_version="3.3",
        instance_count=2,
        instance_type="ml.m5.xlarge",
        sagemaker_session=session,
        max_runtime_in_seconds=600,
    )
    processor.run(
        submit_app=str(jar),
        submit_class=JAVA_MAIN_CLASS,
        inputs=[ProcessingInput(source=sales_uri, destination=DATA)],
        outputs=[ProcessingOutput(source=OUTPUT, destination=f"s3://{BUCKET}/jar/out")],
        arguments=[DATA, OUTPUT],
        logs=False,
    )
    count = S3Downloader.read_file(f"s3://{BUCKET}/jar/out/count.txt", sagemaker_session=session)
    assert int(count) == len(ROWS) + 2  # the rows and one header line per CSV part
