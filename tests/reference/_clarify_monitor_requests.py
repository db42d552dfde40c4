"""Reference-venv program: ``_clarify_monitor_requests.py OUT_JSON`` (sagemaker 2.199.0).

Runs every case of ``CASES`` with the real ``ModelBiasMonitor`` / ``ModelExplainabilityMonitor``
on a stub client (it records the Model Monitor and processing calls; nothing reaches AWS) and a
session whose uploads are kept in a dict, and writes ``{case: result}`` (see ``run_case``). The
same ``build`` runs Plimsoll's classes in tests/reference/test_clarify_monitor_sdk_requests.py,
so both sides see the same inputs.

This file runs under both venvs: plain Python, no imports beyond the standard library.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from collections.abc import Callable
from types import ModuleType, SimpleNamespace
from typing import Any

REGION = "us-east-1"
BUCKET = "bucket"
ROLE = "arn:aws:iam::000000000000:role/SageMakerRole"
ENDPOINT_DIR = "/opt/ml/processing/input/endpoint"
HEADERS = ["label", "age", "income", "hours"]
DATA = "s3://bucket/data/train.csv"
BASELINE_OUT = "s3://bucket/baseline"
ANALYSIS = {"version": "1.0", "post_training_bias_metrics": {"label": "label", "facets": {}}}
CONSTRAINTS_URI = "s3://bucket/baseline/constraints/analysis.json"

_TIMESTAMP = re.compile(r"-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class StubNotFound(Exception):
    """What a described schedule raises once deleted (``ResourceNotFound``, as botocore's)."""

    def __init__(self) -> None:
        super().__init__("ResourceNotFound")
        self.response = {"Error": {"Code": "ResourceNotFound", "Message": "not found"}}


class StubClient:
    """Records the mutating calls; describes answer from what was created."""

    def __init__(self) -> None:
        self.calls: list[list[Any]] = []
        self.definitions: dict[str, dict[str, Any]] = {}
        self.schedules: dict[str, dict[str, Any]] = {}
        self.exceptions = SimpleNamespace(ResourceNotFound=StubNotFound)
        self._client_config = SimpleNamespace(user_agent="")

    def _record(self, operation: str, request: dict[str, Any]) -> None:
        self.calls.append([operation, copy.deepcopy(request)])

    def create_processing_job(self, **request: Any) -> dict[str, Any]:
        self._record("CreateProcessingJob", request)
        return {"ProcessingJobArn": "arn:aws:sagemaker:::p"}

    def _create_definition(self, kind: str, request: dict[str, Any]) -> dict[str, Any]:
        self._record(f"Create{kind}JobDefinition", request)
        self.definitions[request["JobDefinitionName"]] = copy.deepcopy(request)
        return {"JobDefinitionArn": "arn:aws:sagemaker:::d"}

    def _describe_definition(self, request: dict[str, Any]) -> dict[str, Any]:
        found = copy.deepcopy(self.definitions[request["JobDefinitionName"]])
        found.pop("Tags", None)
        return {**found, "JobDefinitionArn": "arn:aws:sagemaker:::d", "CreationTime": 0}

    def create_model_bias_job_definition(self, **request: Any) -> dict[str, Any]:
        return self._create_definition("ModelBias", request)

    def create_model_explainability_job_definition(self, **request: Any) -> dict[str, Any]:
        return self._create_definition("ModelExplainability", request)

    def describe_model_bias_job_definition(self, **request: Any) -> dict[str, Any]:
        return self._describe_definition(request)

    def describe_model_explainability_job_definition(self, **request: Any) -> dict[str, Any]:
        return self._describe_definition(request)

    def delete_model_bias_job_definition(self, **request: Any) -> dict[str, Any]:
        self._record("DeleteModelBiasJobDefinition", request)
        return {}

    def delete_model_explainability_job_definition(self, **request: Any) -> dict[str, Any]:
        self._record("DeleteModelExplainabilityJobDefinition", request)
        return {}

    def create_monitoring_schedule(self, **request: Any) -> dict[str, Any]:
        self._record("CreateMonitoringSchedule", request)
        config = request["MonitoringScheduleConfig"]
        if config.get("ScheduleConfig", {}).get("ScheduleExpression") == "NOW" and not config[
            "ScheduleConfig"
        ].get("DataAnalysisStartTime"):
            raise ValueError("stub: a NOW schedule needs its window")
        self.schedules[request["MonitoringScheduleName"]] = copy.deepcopy(config)
        return {"MonitoringScheduleArn": "arn:aws:sagemaker:::s"}

    def update_monitoring_schedule(self, **request: Any) -> dict[str, Any]:
        self._record("UpdateMonitoringSchedule", request)
        self.schedules[request["MonitoringScheduleName"]] = copy.deepcopy(
            request["MonitoringScheduleConfig"]
        )
        return {"MonitoringScheduleArn": "arn:aws:sagemaker:::s"}

    def delete_monitoring_schedule(self, **request: Any) -> dict[str, Any]:
        self._record("DeleteMonitoringSchedule", request)
        self.schedules.pop(request["MonitoringScheduleName"])
        return {}

    def describe_monitoring_schedule(self, **request: Any) -> dict[str, Any]:
        name = request["MonitoringScheduleName"]
        if name not in self.schedules:
            raise StubNotFound()
        return {
            "MonitoringScheduleName": name,
            "MonitoringScheduleArn": f"arn:aws:sagemaker:{REGION}:000000000000:schedule/{name}",
            "MonitoringScheduleStatus": "Scheduled",
            "MonitoringScheduleConfig": copy.deepcopy(self.schedules[name]),
        }

    def list_tags(self, **_: Any) -> dict[str, Any]:
        return {"Tags": []}


# --- the cases --------------------------------------------------------------------------------


def _bias_config(c: ModuleType) -> Any:
    return c.BiasConfig(
        label_values_or_threshold=[1], facet_name="age", facet_values_or_threshold=[40]
    )


def _model_config(c: ModuleType) -> Any:
    return c.ModelConfig(
        model_name="xgb",
        instance_count=1,
        instance_type="ml.m5.xlarge",
        content_type="text/csv",
        accept_type="text/csv",
    )


def _shap_config(c: ModuleType) -> Any:
    return c.SHAPConfig(baseline=[[35, 50000, 40]], num_samples=16, agg_method="mean_abs")


def _data_config(c: ModuleType, **extra: Any) -> Any:
    extra.setdefault("headers", HEADERS)
    extra.setdefault("dataset_type", "text/csv")
    return c.DataConfig(
        s3_data_input_path=DATA, s3_output_path=BASELINE_OUT, label="label", **extra
    )


def _monitor(m: SimpleNamespace, cls: str, everything: bool = False) -> Any:
    kwargs: dict[str, Any] = {"role": ROLE, "sagemaker_session": m.session}
    if everything:
        kwargs.update(
            instance_count=2,
            instance_type="ml.m5.large",
            volume_size_in_gb=20,
            volume_kms_key="vkey",
            output_kms_key="okey",
            max_runtime_in_seconds=1800,
            base_job_name="clarify-mon",
            env={"K": "V"},
            tags=[{"Key": "team", "Value": "ml"}],
            network_config=m.mm.NetworkConfig(
                enable_network_isolation=True,
                encrypt_inter_container_traffic=True,
                security_group_ids=["sg-1"],
                subnets=["subnet-1"],
            ),
        )
    return getattr(m.mm, cls)(**kwargs)


def _endpoint(m: SimpleNamespace, **extra: Any) -> Any:
    return m.mm.EndpointInput(
        endpoint_name="ep",
        destination=ENDPOINT_DIR,
        start_time_offset="-PT2H",
        end_time_offset="-PT1H",
        **extra,
    )


def _batch(m: SimpleNamespace, **extra: Any) -> Any:
    return m.mm.BatchTransformInput(
        data_captured_destination_s3_uri="s3://bucket/transform-capture",
        destination="/opt/ml/processing/input",
        dataset_format=m.mm.MonitoringDatasetFormat.csv(header=False),
        **extra,
    )


def bias_config_object(m: SimpleNamespace) -> Any:
    monitor = _monitor(m, "ModelBiasMonitor")
    monitor.create_monitoring_schedule(
        endpoint_input="ep",
        ground_truth_input="s3://bucket/ground-truth",
        analysis_config=m.mm.BiasAnalysisConfig(_bias_config(m.c), headers=HEADERS, label="label"),
        output_s3_uri="s3://bucket/reports",
        monitor_schedule_name="bias-object",
        schedule_cron_expression="cron(0 * ? * * *)",
    )
    return monitor


def bias_uri_everything(m: SimpleNamespace) -> Any:
    monitor = _monitor(m, "ModelBiasMonitor", everything=True)
    monitor.create_monitoring_schedule(
        endpoint_input=_endpoint(
            m,
            inference_attribute="0",
            probability_attribute="1",
            probability_threshold_attribute=0.7,
        ),
        ground_truth_input="s3://bucket/ground-truth",
        analysis_config="s3://bucket/configs/bias.json",
        output_s3_uri="s3://bucket/reports",
        constraints=m.mm.Constraints({}, "s3://bucket/baseline/analysis.json"),
        monitor_schedule_name="bias-everything",
        schedule_cron_expression="NOW",
        enable_cloudwatch_metrics=False,
        data_analysis_start_time="-PT1H",
        data_analysis_end_time="PT0H",
    )
    return monitor


def bias_constraints_uri_default_output(m: SimpleNamespace) -> Any:
    m.s3.S3Uploader.upload_string_as_file_body(
        json.dumps(ANALYSIS), CONSTRAINTS_URI, sagemaker_session=m.session
    )
    monitor = _monitor(m, "ModelBiasMonitor")
    monitor.create_monitoring_schedule(
        endpoint_input="ep",
        ground_truth_input="s3://bucket/ground-truth",
        analysis_config=m.mm.BiasAnalysisConfig(_bias_config(m.c)),
        constraints=CONSTRAINTS_URI,
        monitor_schedule_name="bias-constraints",
    )
    return monitor


def bias_baseline_backfill(m: SimpleNamespace) -> Any:
    monitor = _monitor(m, "ModelBiasMonitor")
    monitor.suggest_baseline(
        data_config=_data_config(m.c),
        bias_config=_bias_config(m.c),
        model_config=_model_config(m.c),
        model_predicted_label_config=m.c.ModelPredictedLabelConfig(
            label=0, probability=1, probability_threshold=0.6
        ),
        job_name="bias-baseline",
    )
    monitor.create_monitoring_schedule(
        endpoint_input=_endpoint(m, probability_attribute="2"),
        ground_truth_input="s3://bucket/ground-truth",
        output_s3_uri="s3://bucket/reports",
        monitor_schedule_name="bias-baseline",
        schedule_cron_expression="cron(0 * ? * * *)",
    )
    return monitor


def bias_baseline_batch_constraints(m: SimpleNamespace) -> Any:
    monitor = _monitor(m, "ModelBiasMonitor")
    monitor.suggest_baseline(
        data_config=_data_config(m.c, predicted_label="score", headers=[*HEADERS, "score"]),
        bias_config=_bias_config(m.c),
        model_config=None,
        job_name="bias-baseline-batch",
    )
    monitor.create_monitoring_schedule(
        batch_transform_input=_batch(m),
        ground_truth_input="s3://bucket/ground-truth",
        output_s3_uri="s3://bucket/reports",
        constraints=m.mm.Constraints({}, "s3://bucket/baseline/analysis.json"),
        monitor_schedule_name="bias-batch",
    )
    return monitor


def bias_update_definition(m: SimpleNamespace) -> Any:
    monitor = bias_config_object(m)
    monitor.update_monitoring_schedule(
        ground_truth_input="s3://bucket/ground-truth-2",
        analysis_config=m.mm.BiasAnalysisConfig(_bias_config(m.c), label="label"),
        output_s3_uri="s3://bucket/reports-2",
        max_runtime_in_seconds=900,
        env={"A": "B"},
        enable_cloudwatch_metrics=False,
        instance_type="ml.c5.xlarge",
    )
    monitor.update_monitoring_schedule(batch_transform_input=_batch(m))
    return monitor


def bias_update_cron_and_delete(m: SimpleNamespace) -> Any:
    monitor = bias_config_object(m)
    monitor.update_monitoring_schedule()
    monitor.update_monitoring_schedule(schedule_cron_expression="cron(0 0 ? * * *)")
    monitor.delete_monitoring_schedule()
    return monitor


def bias_attach(m: SimpleNamespace) -> Any:
    bias_uri_everything(m)
    return m.mm.ModelBiasMonitor.attach("bias-everything", sagemaker_session=m.session)


def explainability_config_object(m: SimpleNamespace) -> Any:
    monitor = _monitor(m, "ModelExplainabilityMonitor")
    monitor.create_monitoring_schedule(
        endpoint_input="ep",
        analysis_config=m.mm.ExplainabilityAnalysisConfig(
            _shap_config(m.c), _model_config(m.c), headers=HEADERS[1:], label_headers=["p"]
        ),
        output_s3_uri="s3://bucket/reports",
        monitor_schedule_name="shap-object",
        schedule_cron_expression="cron(0 * ? * * *)",
    )
    return monitor


def explainability_uri_everything(m: SimpleNamespace) -> Any:
    monitor = _monitor(m, "ModelExplainabilityMonitor", everything=True)
    monitor.create_monitoring_schedule(
        batch_transform_input=_batch(m, inference_attribute="0"),
        analysis_config="s3://bucket/configs/shap.json",
        output_s3_uri="s3://bucket/reports",
        constraints=m.mm.Constraints({}, "s3://bucket/baseline/analysis.json"),
        monitor_schedule_name="shap-everything",
        schedule_cron_expression="cron(0 0 ? * * *)",
        enable_cloudwatch_metrics=False,
    )
    return monitor


def explainability_baseline_jsonlines(m: SimpleNamespace) -> Any:
    monitor = _monitor(m, "ModelExplainabilityMonitor")
    monitor.suggest_baseline(
        data_config=_data_config(
            m.c, headers=None, features="features", dataset_type="application/jsonlines"
        ),
        explainability_config=_shap_config(m.c),
        model_config=m.c.ModelConfig(
            model_name="xgb",
            instance_count=1,
            instance_type="ml.m5.xlarge",
            content_type="application/jsonlines",
            accept_type="application/jsonlines",
            content_template='{"features":$features}',
        ),
        model_scores="score",
        job_name="shap-baseline-jsonl",
    )
    monitor.create_monitoring_schedule(
        endpoint_input="ep",
        output_s3_uri="s3://bucket/reports",
        monitor_schedule_name="shap-jsonl",
    )
    return monitor


def explainability_baseline_label_config(m: SimpleNamespace) -> Any:
    monitor = _monitor(m, "ModelExplainabilityMonitor")
    monitor.suggest_baseline(
        data_config=_data_config(m.c),
        explainability_config=_shap_config(m.c),
        model_config=_model_config(m.c),
        model_scores=m.c.ModelPredictedLabelConfig(probability=1, label_headers=["no", "yes"]),
        job_name="shap-baseline",
    )
    monitor.create_monitoring_schedule(
        endpoint_input=_endpoint(m),
        output_s3_uri="s3://bucket/reports",
        monitor_schedule_name="shap-baseline",
    )
    return monitor


def explainability_update_and_delete(m: SimpleNamespace) -> Any:
    monitor = explainability_config_object(m)
    monitor.update_monitoring_schedule(
        endpoint_input=_endpoint(m),
        analysis_config="s3://bucket/configs/shap-2.json",
        schedule_cron_expression="cron(0 0 ? * * *)",
        role="arn:aws:iam::000000000000:role/Other",
        volume_size_in_gb=50,
        network_config=m.mm.NetworkConfig(
            enable_network_isolation=True, encrypt_inter_container_traffic=False
        ),
    )
    monitor.update_monitoring_schedule(schedule_cron_expression="cron(0 6 ? * * *)")
    monitor.delete_monitoring_schedule()
    return monitor


def explainability_attach(m: SimpleNamespace) -> Any:
    explainability_config_object(m)
    return m.mm.ModelExplainabilityMonitor.attach("shap-object", sagemaker_session=m.session)


# --- error cases: the result is the exception (type and message) ---------------------------


def error_bias_no_ground_truth(m: SimpleNamespace) -> Any:
    _monitor(m, "ModelBiasMonitor").create_monitoring_schedule(
        endpoint_input="ep", analysis_config="s3://bucket/configs/bias.json"
    )


def error_bias_no_analysis_config(m: SimpleNamespace) -> Any:
    _monitor(m, "ModelBiasMonitor").create_monitoring_schedule(
        endpoint_input="ep", ground_truth_input="s3://bucket/ground-truth"
    )


def error_bias_both_inputs(m: SimpleNamespace) -> Any:
    _monitor(m, "ModelBiasMonitor").create_monitoring_schedule(
        endpoint_input="ep",
        batch_transform_input=_batch(m),
        ground_truth_input="s3://bucket/ground-truth",
        analysis_config="s3://bucket/configs/bias.json",
    )


def error_bias_twice(m: SimpleNamespace) -> Any:
    monitor = bias_config_object(m)
    monitor.create_monitoring_schedule(
        endpoint_input="ep",
        ground_truth_input="s3://bucket/ground-truth",
        analysis_config="s3://bucket/configs/bias.json",
    )


def error_bias_now_without_window(m: SimpleNamespace) -> Any:
    _monitor(m, "ModelBiasMonitor").create_monitoring_schedule(
        endpoint_input="ep",
        ground_truth_input="s3://bucket/ground-truth",
        analysis_config="s3://bucket/configs/bias.json",
        schedule_cron_expression="NOW",
        data_analysis_start_time="-PT1H",
    )


def error_bias_update_both_inputs(m: SimpleNamespace) -> Any:
    bias_config_object(m).update_monitoring_schedule(
        endpoint_input="ep", batch_transform_input=_batch(m)
    )


def error_bias_update_object_without_output(m: SimpleNamespace) -> Any:
    bias_config_object(m).update_monitoring_schedule(
        analysis_config=m.mm.BiasAnalysisConfig(_bias_config(m.c))
    )


def error_bias_update_without_schedule(m: SimpleNamespace) -> Any:
    _monitor(m, "ModelBiasMonitor").update_monitoring_schedule(
        schedule_cron_expression="cron(0 0 ? * * *)"
    )


def error_explainability_no_input(m: SimpleNamespace) -> Any:
    _monitor(m, "ModelExplainabilityMonitor").create_monitoring_schedule(
        analysis_config="s3://bucket/configs/shap.json"
    )


def error_explainability_now(m: SimpleNamespace) -> Any:
    _monitor(m, "ModelExplainabilityMonitor").create_monitoring_schedule(
        endpoint_input="ep",
        analysis_config="s3://bucket/configs/shap.json",
        output_s3_uri="s3://bucket/reports",
        monitor_schedule_name="shap-now",
        schedule_cron_expression="NOW",
        data_analysis_start_time="-PT1H",
        data_analysis_end_time="PT0H",
    )


def error_explainability_nothing_to_update(m: SimpleNamespace) -> Any:
    explainability_config_object(m).update_monitoring_schedule()


def error_attach_other_type(m: SimpleNamespace) -> Any:
    bias_config_object(m)
    m.mm.ModelExplainabilityMonitor.attach("bias-object", sagemaker_session=m.session)


def error_abstract(m: SimpleNamespace) -> Any:
    m.cmm.ClarifyModelMonitor(role=ROLE, sagemaker_session=m.session)


def error_run_baseline(m: SimpleNamespace) -> Any:
    _monitor(m, "ModelBiasMonitor").run_baseline(baseline_inputs=[], output="/x")


def error_latest_statistics(m: SimpleNamespace) -> Any:
    _monitor(m, "ModelExplainabilityMonitor").latest_monitoring_statistics()


def error_baselining_job_statistics(m: SimpleNamespace) -> Any:
    monitor = bias_baseline_backfill(m)
    monitor.latest_baselining_job.baseline_statistics()


def error_execution_statistics(m: SimpleNamespace) -> Any:
    output = m.processing.ProcessingOutput(
        source="/opt/ml/processing/output", destination="s3://b/o"
    )
    m.cmm.ClarifyMonitoringExecution(m.session, "job", None, output).statistics()


CASES: dict[str, Callable[[SimpleNamespace], Any]] = {
    name: value
    for name, value in list(globals().items())
    if name.startswith(("bias_", "explainability_", "error_")) and callable(value)
}


# --- running a case and shaping its result ----------------------------------------------------


def normalize(value: Any) -> Any:
    """Generated names lose their timestamp, uuid4s become ``<uuid>``."""
    text = _UUID.sub("<uuid>", _TIMESTAMP.sub("", json.dumps(value)))
    return json.loads(text)


def _attached(monitor: Any) -> dict[str, Any]:
    network = monitor.network_config
    return {
        "class": type(monitor).__name__,
        "role": monitor.role,
        "image_uri": monitor.image_uri,
        "instance_count": monitor.instance_count,
        "instance_type": monitor.instance_type,
        "volume_size_in_gb": monitor.volume_size_in_gb,
        "volume_kms_key": monitor.volume_kms_key,
        "output_kms_key": monitor.output_kms_key,
        "max_runtime_in_seconds": monitor.max_runtime_in_seconds,
        "env": monitor.env,
        "network_config": network._to_request_dict() if network is not None else None,
        "monitoring_schedule_name": monitor.monitoring_schedule_name,
        "job_definition_name": monitor.job_definition_name,
    }


def run_case(name: str, m: SimpleNamespace, read: Callable[[str], str | None]) -> dict[str, Any]:
    """``{"calls", "configs", "monitor", "constraints", "error"}`` of case ``name``.

    ``configs`` maps each uploaded ``ConfigUri`` of the job definitions to its JSON body
    (``read`` answers None for a URI nothing was uploaded to); ``constraints`` is what the
    latest baselining job's ``suggested_constraints()`` reads (``analysis.json``).
    """
    result: dict[str, Any] = {"error": None, "monitor": None, "constraints": None}
    try:
        monitor = CASES[name](m)
        if monitor is not None:
            result["monitor"] = _attached(monitor)
            job = monitor.latest_baselining_job
            if job is not None:
                destination = job.outputs[0].destination
                m.s3.S3Uploader.upload_string_as_file_body(
                    json.dumps(ANALYSIS),
                    destination + "/analysis.json",
                    sagemaker_session=m.session,
                )
                found = job.suggested_constraints()
                result["constraints"] = [found.file_s3_uri, found.body_dict, type(job).__name__]
    except Exception as exc:  # noqa: BLE001 - the error is the result
        result["error"] = [type(exc).__name__, str(exc)]
    calls = m.session.sagemaker_client.calls
    configs = {}
    for operation, request in calls:
        if operation.endswith("JobDefinition") and operation.startswith("Create"):
            app = next(v for k, v in request.items() if k.endswith("AppSpecification"))
            body = read(app["ConfigUri"])
            if body is not None:
                configs[app["ConfigUri"]] = json.loads(body)
    result["calls"] = calls
    result["configs"] = configs
    return normalize(result)


def _stub_session(client: StubClient) -> Any:
    import os

    import boto3
    from sagemaker.session import Session

    class StubSession(Session):  # type: ignore[misc]
        """Keeps uploads (URI -> text) in a dict instead of S3."""

        uploads: dict[str, str]

        def default_bucket(self) -> str:
            return BUCKET

        def upload_data(self, path: str, bucket: str, key_prefix: str = "data", **_: Any) -> str:
            uri = f"s3://{bucket}/{key_prefix}/{os.path.basename(path)}"
            with open(path, encoding="utf-8") as f:
                self.uploads[uri] = f.read()
            return uri

        def upload_string_as_file_body(
            self, body: Any, bucket: str, key: str, kms_key: str | None = None
        ) -> str:
            self.uploads[f"s3://{bucket}/{key}"] = body
            return f"s3://{bucket}/{key}"

        def read_s3_file(self, bucket: str, key_prefix: str) -> str:
            return self.uploads[f"s3://{bucket}/{key_prefix}"]

    boto = boto3.Session(region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    session = StubSession(boto_session=boto, sagemaker_client=client, default_bucket=BUCKET)
    session.uploads = {}
    return session


def main() -> None:
    from sagemaker import clarify, model_monitor, processing, s3
    from sagemaker.model_monitor import clarify_model_monitoring

    out: dict[str, Any] = {}
    for name in CASES:
        session = _stub_session(StubClient())
        m = SimpleNamespace(
            mm=model_monitor,
            cmm=clarify_model_monitoring,
            c=clarify,
            s3=s3,
            processing=processing,
            session=session,
        )
        out[name] = run_case(name, m, session.uploads.get)
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
