"""Reference-venv program: ``_spark_requests.py WORKDIR OUT_JSON`` (sagemaker 2.199.0).

For every case of ``CASES`` it builds the real ``PySparkProcessor``/``SparkJarProcessor`` on
a stub session (it never reaches AWS: the SageMaker client records CreateProcessingJob, the
uploads are recorded) and writes ``{case: {"request", "uploads", "command", "run_args"}}``
or ``{case: {"error": [type, message]}}``. The same ``build`` runs Plimsoll's classes in
tests/reference/test_spark_sdk_requests.py, so both sides see the same inputs.

WORKDIR holds ``app.py``, ``dep.py``, ``lib.jar``, ``data.txt`` and the folder ``adir``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

REGION = "us-west-2"
BUCKET = "bucket"
ROLE = "arn:aws:iam::000000000000:role/SageMakerRole"
IMAGE = "790336243319.dkr.ecr.us-west-2.amazonaws.com/sagemaker-spark:0.1"
EVENTS = "s3://bucket/spark-events"
CONF = [
    {"Classification": "spark-defaults", "Properties": {"spark.executor.memory": "2g"}},
    {
        "Classification": "spark-env",
        "Properties": {},
        "Configurations": [{"Classification": "export", "Properties": {"A": "1"}}],
    },
]

# name -> (processor class name, constructor kwargs, method, method kwargs); "@x" is WORKDIR/x.
Case = tuple[str, dict[str, Any], str, dict[str, Any]]
_BASE = {"instance_count": 1, "instance_type": "ml.c5.xlarge", "image_uri": IMAGE}
CASES: dict[str, Case] = {
    "pyspark_minimal": ("PySparkProcessor", _BASE, "run", {"submit_app": "@app.py"}),
    "pyspark_everything": (
        "PySparkProcessor",
        {**_BASE, "instance_count": 2, "env": {"K": "V"}, "max_runtime_in_seconds": 600},
        "run",
        {
            "submit_app": "@app.py",
            "submit_py_files": ["@dep.py", "s3://deps/other.py"],
            "submit_jars": ["s3a://deps/a.jar", "@lib.jar"],
            "submit_files": ["@data.txt"],
            "inputs": [("s3://input-bucket/raw/", "/opt/ml/processing/input/raw")],
            "outputs": [("/opt/ml/processing/output", "s3://out/result/")],
            "arguments": ["--rows", "10"],
            "configuration": CONF,
            "spark_event_logs_s3_uri": EVENTS,
        },
    ),
    "pyspark_s3_deps_only": (
        "PySparkProcessor",
        _BASE,
        "run",
        {
            "submit_app": "s3://code-bucket/app.py",
            "submit_py_files": ["s3://deps/a.py", "s3a://d/b.zip"],
        },
    ),
    "pyspark_locations": (
        "PySparkProcessor",
        {**_BASE, "configuration_location": "s3://conf/pre/", "dependency_location": "s3://dep/x"},
        "run",
        {"submit_app": "@app.py", "submit_files": ["@data.txt"], "configuration": CONF[0]},
    ),
    "pyspark_image_default": (
        "PySparkProcessor",
        {"framework_version": "3.3", "instance_count": 1, "instance_type": "ml.m5.xlarge"},
        "run",
        {"submit_app": "@app.py"},
    ),
    "pyspark_image_versions": (
        "PySparkProcessor",
        {
            "framework_version": "3.1",
            "py_version": "py37",
            "container_version": "2",
            "instance_count": 1,
            "instance_type": "ml.m5.xlarge",
        },
        "run",
        {"submit_app": "@app.py"},
    ),
    "pyspark_get_run_args": (
        "PySparkProcessor",
        _BASE,
        "get_run_args",
        {
            "submit_app": "@app.py",
            "submit_py_files": ["@dep.py"],
            "arguments": ["a"],
            "configuration": CONF[0],
            "spark_event_logs_s3_uri": EVENTS,
        },
    ),
    "jar_everything": (
        "SparkJarProcessor",
        _BASE,
        "run",
        {
            "submit_app": "@lib.jar",
            "submit_class": "com.example.App",
            "submit_jars": ["@lib.jar"],
            "submit_files": ["@data.txt", "s3://f/g.txt"],
            "arguments": ["x"],
            "spark_event_logs_s3_uri": EVENTS,
        },
    ),
    "error_jar_no_class": (
        "SparkJarProcessor",
        _BASE,
        "run",
        {"submit_app": "@lib.jar", "submit_class": None},
    ),
    "error_no_submit_app": ("PySparkProcessor", _BASE, "run", {"submit_app": None}),
    "error_dep_directory": (
        "PySparkProcessor",
        _BASE,
        "run",
        {"submit_app": "@app.py", "submit_py_files": ["@adir"]},
    ),
    "error_dep_scheme": (
        "PySparkProcessor",
        _BASE,
        "run",
        {"submit_app": "@app.py", "submit_jars": ["hdfs://nn/a.jar"]},
    ),
    "error_dep_file_uri": (
        "PySparkProcessor",
        _BASE,
        "run",
        {"submit_app": "@app.py", "submit_files": ["file://@data.txt"]},
    ),
    "error_event_logs_uri": (
        "PySparkProcessor",
        _BASE,
        "run",
        {"submit_app": "@app.py", "spark_event_logs_s3_uri": "hdfs://x/events"},
    ),
    "error_conf_classification": (
        "PySparkProcessor",
        _BASE,
        "run",
        {"submit_app": "@app.py", "configuration": [{"Classification": "x", "Properties": {}}]},
    ),
    "error_conf_missing_properties": (
        "PySparkProcessor",
        _BASE,
        "run",
        {"submit_app": "@app.py", "configuration": {"Classification": "core-site"}},
    ),
    "error_conf_bad_key": (
        "PySparkProcessor",
        _BASE,
        "run",
        {
            "submit_app": "@app.py",
            "configuration": {"Classification": "core-site", "Properties": {}, "Extra": 1},
        },
    ),
    "error_py_version_only": (
        "PySparkProcessor",
        {"framework_version": "3.3", "py_version": "py39", "instance_type": "ml.m5.xlarge"},
        "run",
        {"submit_app": "@app.py"},
    ),
    "error_framework_version": (
        "PySparkProcessor",
        {"framework_version": "9.9", "instance_type": "ml.m5.xlarge"},
        "run",
        {"submit_app": "@app.py"},
    ),
    "error_gpu_instance": (
        "SparkJarProcessor",
        {"framework_version": "3.3", "instance_type": "ml.p3.2xlarge"},
        "run",
        {"submit_app": "@lib.jar", "submit_class": "A"},
    ),
    "error_python_version": (
        "PySparkProcessor",
        {
            "framework_version": "3.3",
            "py_version": "py37",
            "container_version": "1",
            "instance_type": "ml.m5.xlarge",
        },
        "run",
        {"submit_app": "@app.py"},
    ),
}


def _resolve(value: Any, workdir: str) -> Any:
    if isinstance(value, str):
        return value.replace("@", workdir + "/")
    if isinstance(value, list):
        return [_resolve(v, workdir) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, workdir) for k, v in value.items()}
    return value


def build(
    name: str, spark: Any, processing: Any, session: Any, workdir: str
) -> tuple[Any, Callable[[], Any]]:
    """The case's processor and a call that runs its method (job name ``job-<name>``)."""
    class_name, init_kwargs, method, kwargs = CASES[name]
    processor = getattr(spark, class_name)(
        role=ROLE, sagemaker_session=session, **_resolve(init_kwargs, workdir)
    )
    call = _resolve(kwargs, workdir)
    call["job_name"] = "job-" + name.replace("_", "-")
    if "inputs" in call:
        call["inputs"] = [
            processing.ProcessingInput(source=s, destination=d) for s, d in call["inputs"]
        ]
    if "outputs" in call:
        call["outputs"] = [
            processing.ProcessingOutput(source=s, destination=d) for s, d in call["outputs"]
        ]
    if method == "run":
        call.update(wait=False, logs=False)
    return processor, lambda: getattr(processor, method)(**call)


def run_args_dict(run_args: Any) -> dict[str, Any]:
    """A RunArgs as JSON: its code, arguments and the request dicts of inputs and outputs."""
    return {
        "code": run_args.code,
        "arguments": run_args.arguments,
        "inputs": [i._to_request_dict() for i in run_args.inputs or []],
        "outputs": [o._to_request_dict() for o in run_args.outputs or []],
    }


def _stub_session() -> Any:
    import boto3
    from sagemaker.session import Session

    class Recorder:
        def __init__(self) -> None:
            self.requests: list[dict[str, Any]] = []
            self._client_config = SimpleNamespace(user_agent="")

        def create_processing_job(self, **request: Any) -> dict[str, Any]:
            self.requests.append(request)
            return {}

    class StubSession(Session):  # type: ignore[misc]
        """Records uploads (URI -> text) instead of writing to S3."""

        uploads: dict[str, str]

        def default_bucket(self) -> str:
            return BUCKET

        def upload_data(self, path: str, bucket: str, key_prefix: str = "data", **_: Any) -> str:
            if os.path.isdir(path):
                for entry in sorted(os.listdir(path)):
                    with open(os.path.join(path, entry), encoding="utf-8") as f:
                        self.uploads[f"s3://{bucket}/{key_prefix}/{entry}"] = f.read()
                return f"s3://{bucket}/{key_prefix}"
            uri = f"s3://{bucket}/{key_prefix}/{os.path.basename(path)}"
            with open(path, encoding="utf-8") as f:
                self.uploads[uri] = f.read()
            return uri

        def upload_string_as_file_body(
            self, body: Any, bucket: str, key: str, kms_key: str | None = None
        ) -> str:
            data = body.getvalue() if hasattr(body, "getvalue") else body
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            self.uploads[f"s3://{bucket}/{key}"] = text
            return f"s3://{bucket}/{key}"

    boto = boto3.Session(region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    session = StubSession(boto_session=boto, sagemaker_client=Recorder(), default_bucket=BUCKET)
    session.uploads = {}
    return session


def main() -> None:
    from sagemaker import processing
    from sagemaker.spark import processing as spark

    workdir, out_path = sys.argv[1], sys.argv[2]
    out: dict[str, Any] = {}
    for name in CASES:
        session = _stub_session()
        try:
            processor, call = build(name, spark, processing, session, workdir)
            result = call()
        except Exception as exc:  # noqa: BLE001 - the error is the result
            out[name] = {"error": [type(exc).__name__, str(exc)]}
            continue
        requests = session.sagemaker_client.requests
        out[name] = {
            "request": requests[0] if requests else None,
            "uploads": session.uploads,
            "command": processor.command,
            "run_args": run_args_dict(result) if result is not None else None,
        }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
