"""What one monitoring execution runs: a schedule's job definition -> a processing job spec.

A schedule names its job either inline (``MonitoringScheduleConfig.MonitoringJobDefinition``,
the form ``ModelMonitor`` uses) or by name (``MonitoringJobDefinitionName`` of a
``CreateDataQualityJobDefinition``, the form ``DefaultModelMonitor`` uses). Both become one
:class:`MonitoringJobPlan`, and :func:`execution_job_spec` turns a plan plus an execution's
window and inputs into the processing job SageMaker would start (spec §3.3):

* one input per captured hour, ``endpoint_input_N``:
  ``<capture>/<endpoint>/<variant>/yyyy/mm/dd/hh`` -> ``<LocalPath>/<endpoint>/<variant>/...``;
* ``constraints`` / ``baseline`` (statistics) -> ``/opt/ml/processing/baseline/...``;
* scripts -> ``/opt/ml/processing/code/{preprocessing,postprocessing}``;
* output ``result`` -> ``<S3Uri>/<endpoint>/<schedule>/yyyy/mm/dd/hh`` (Continuous);
* the analyzer's environment (``dataset_source``, ``start_time``, ``baseline_constraints``...).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from plimsoll.compat.monitor_window import MonitorWindow
from plimsoll.errors import ValidationError
from plimsoll.metadata.entities import (
    ClusterSpec,
    ProcessingInputSpec,
    ProcessingJobSpec,
    ProcessingOutputSpec,
    S3InputSpec,
    S3OutputSpec,
)
from plimsoll.metadata.monitoring_entities import JobDefinitionRecord, MonitoringType

__all__ = [
    "CLARIFY_TYPES",
    "MERGED_DATA_DIR",
    "MERGING_TYPES",
    "CaptureInput",
    "MonitoringJobPlan",
    "execution_job_spec",
    "file_input",
    "monitoring_environment",
    "plan_from_definition",
    "plan_from_inline",
    "plan_job_spec",
    "result_output",
]

BASELINE_CONSTRAINTS_DIR = "/opt/ml/processing/baseline/constraints"
BASELINE_STATISTICS_DIR = "/opt/ml/processing/baseline/stats"
PREPROCESSOR_DIR = "/opt/ml/processing/code/preprocessing"
POSTPROCESSOR_DIR = "/opt/ml/processing/code/postprocessing"
DEFAULT_OUTPUT_PATH = "/opt/ml/processing/output"
CAPTURE_DATASET_FORMAT = {
    "sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}
}
MERGE_DATASET_FORMAT = {"sagemakerMergeJson": {"captureIndexNames": ["endpointOutput"]}}
MERGED_DATA_DIR = "/opt/ml/processing/input_data"
"""Where a model-quality execution stages captured (merge job) and merged (analysis) hours."""
PROBLEM_TYPES = ("BinaryClassification", "MulticlassClassification", "Regression")
CLARIFY_TYPES = (MonitoringType.MODEL_BIAS, MonitoringType.MODEL_EXPLAINABILITY)
"""Monitoring types whose executions run the Clarify image (on captured or merged records)."""
MERGING_TYPES = (MonitoringType.MODEL_QUALITY, MonitoringType.MODEL_BIAS)
"""Monitoring types whose executions merge the captured records with ground truth first."""
DEFAULT_MAX_RUNTIME = 3600
_INPUT_ATTRIBUTES = (
    ("FeaturesAttribute", "features_attribute"),
    ("InferenceAttribute", "inference_attribute"),
    ("ProbabilityAttribute", "probability_attribute"),
    ("ProbabilityThresholdAttribute", "probability_threshold_attribute"),
    ("ExcludeFeaturesAttribute", "exclude_features_attribute"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitoringJobPlan:
    """Everything of a job definition an execution needs, whichever form it came in."""

    monitoring_type: MonitoringType
    image_uri: str
    role_arn: str
    cluster: ClusterSpec
    output: Mapping[str, Any]  # MonitoringOutputs[0].S3Output
    endpoint_input: Mapping[str, Any] | None = None
    batch_input: Mapping[str, Any] | None = None
    entrypoint: tuple[str, ...] | None = None
    arguments: tuple[str, ...] | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    preprocessor_uri: str | None = None
    postprocessor_uri: str | None = None
    constraints_uri: str | None = None
    statistics_uri: str | None = None
    baselining_job_name: str | None = None
    max_runtime_in_seconds: int = DEFAULT_MAX_RUNTIME
    network_config: Mapping[str, Any] | None = None
    output_kms_key_id: str | None = None
    ground_truth_uri: str | None = None
    problem_type: str | None = None
    config_uri: str | None = None  # ModelBias/ModelExplainability: the analysis_config.json

    @property
    def input(self) -> Mapping[str, Any]:
        """The EndpointInput or BatchTransformInput, whichever the definition has."""
        found = self.endpoint_input or self.batch_input
        assert found is not None  # the API layer requires one
        return found


def _cluster(resources: Mapping[str, Any]) -> ClusterSpec:
    cluster = resources["ClusterConfig"]
    return ClusterSpec(
        instance_count=int(cluster["InstanceCount"]),
        instance_type=str(cluster["InstanceType"]),
        volume_size_in_gb=int(cluster["VolumeSizeInGB"]),
        volume_kms_key_id=cluster.get("VolumeKmsKeyId"),
    )


def _resource(baseline: Mapping[str, Any] | None, key: str) -> str | None:
    found = (baseline or {}).get(key) or {}
    uri = found.get("S3Uri")
    return str(uri) if uri else None


def _common(body: Mapping[str, Any], baseline: Mapping[str, Any] | None) -> dict[str, Any]:
    stopping = body.get("StoppingCondition") or {}
    return {
        "role_arn": body["RoleArn"],
        "constraints_uri": _resource(baseline, "ConstraintsResource"),
        "statistics_uri": _resource(baseline, "StatisticsResource"),
        "baselining_job_name": (baseline or {}).get("BaseliningJobName"),
        "max_runtime_in_seconds": int(stopping.get("MaxRuntimeInSeconds", DEFAULT_MAX_RUNTIME)),
        "network_config": body.get("NetworkConfig"),
    }


def _app(app: Mapping[str, Any], environment: Mapping[str, str] | None) -> dict[str, Any]:
    entry, args = app.get("ContainerEntrypoint"), app.get("ContainerArguments")
    return {
        "image_uri": app["ImageUri"],
        "entrypoint": tuple(entry) if entry else None,
        "arguments": tuple(args) if args else None,
        "environment": dict(environment or {}),
        "preprocessor_uri": app.get("RecordPreprocessorSourceUri"),
        "postprocessor_uri": app.get("PostAnalyticsProcessorSourceUri"),
    }


def plan_from_definition(definition: JobDefinitionRecord) -> MonitoringJobPlan:
    """The plan of a stored ``Create<DataQuality|ModelQuality>JobDefinition``.

    Raises:
        ValidationError: a model-quality definition without ``GroundTruthS3Input.S3Uri``,
            ``ProblemType`` or ``EndpointInput``, or a type Plimsoll does not run yet.
    """
    prefix = definition.monitoring_type.value
    body = definition.body
    app = body[f"{prefix}AppSpecification"]
    job_input = body[f"{prefix}JobInput"]
    outputs = body[f"{prefix}JobOutputConfig"]
    plan = MonitoringJobPlan(
        monitoring_type=definition.monitoring_type,
        cluster=_cluster(body["JobResources"]),
        output=outputs["MonitoringOutputs"][0]["S3Output"],
        output_kms_key_id=outputs.get("KmsKeyId"),
        endpoint_input=job_input.get("EndpointInput"),
        batch_input=job_input.get("BatchTransformInput"),
        ground_truth_uri=(job_input.get("GroundTruthS3Input") or {}).get("S3Uri"),
        problem_type=app.get("ProblemType"),
        config_uri=app.get("ConfigUri"),
        **_app(app, app.get("Environment")),
        **_common(body, body.get(f"{prefix}BaselineConfig")),
    )
    _check(plan)
    return plan


def _check(plan: MonitoringJobPlan) -> None:
    kind = plan.monitoring_type
    if kind is MonitoringType.DATA_QUALITY:
        return
    if kind in MERGING_TYPES and not plan.ground_truth_uri:
        raise ValidationError(
            f"{kind.value}JobInput.GroundTruthS3Input.S3Uri is required: the job merges "
            "captured predictions with the ground truth uploaded there"
        )
    if kind is MonitoringType.MODEL_QUALITY and plan.problem_type not in PROBLEM_TYPES:
        raise ValidationError(
            "ModelQualityAppSpecification.ProblemType is required and must be one of "
            f"{', '.join(PROBLEM_TYPES)}"
        )
    if kind in CLARIFY_TYPES and not plan.config_uri:
        raise ValidationError(
            f"{kind.value}AppSpecification.ConfigUri is required: it names the job's "
            "analysis_config.json"
        )
    if plan.endpoint_input is None:
        raise ValidationError(
            f"Plimsoll runs {kind.value} jobs on an EndpointInput; BatchTransformInput is not "
            f"supported for {kind.value} yet"
        )


def plan_from_inline(
    definition: Mapping[str, Any], monitoring_type: MonitoringType
) -> MonitoringJobPlan:
    """The plan of a schedule's inline ``MonitoringJobDefinition``.

    Raises:
        ValidationError: ``monitoring_type`` is not DataQuality (SageMaker takes the other
            types by ``MonitoringJobDefinitionName`` only).
    """
    if monitoring_type is not MonitoringType.DATA_QUALITY:
        raise ValidationError(
            f"MonitoringType {monitoring_type.value} needs MonitoringJobDefinitionName (a "
            f"Create{monitoring_type.value}JobDefinition); an inline MonitoringJobDefinition "
            "is DataQuality only"
        )
    job_input = definition["MonitoringInputs"][0]
    outputs = definition["MonitoringOutputConfig"]
    return MonitoringJobPlan(
        monitoring_type=monitoring_type,
        cluster=_cluster(definition["MonitoringResources"]),
        output=outputs["MonitoringOutputs"][0]["S3Output"],
        output_kms_key_id=outputs.get("KmsKeyId"),
        endpoint_input=job_input.get("EndpointInput"),
        batch_input=job_input.get("BatchTransformInput"),
        **_app(definition["MonitoringAppSpecification"], definition.get("Environment")),
        **_common(definition, definition.get("BaselineConfig")),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptureInput:
    """One captured hour (or batch-capture folder) to stage: source prefix -> local folder."""

    s3_uri: str
    local_path: str


def _basename(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def file_input(
    name: str, uri: str, local_dir: str, distribution: str = "FullyReplicated"
) -> ProcessingInputSpec:
    return ProcessingInputSpec(
        input_name=name,
        s3_input=S3InputSpec(
            s3_uri=uri, local_path=local_dir, s3_data_distribution_type=distribution
        ),
    )


def monitoring_environment(
    plan: MonitoringJobPlan, *, schedule_name: str, endpoint_name: str | None, window: MonitorWindow
) -> dict[str, str]:
    """What every monitoring container is told (the analyzer's names): the output folder, the
    metrics switch and dimensions, the window and the endpoint input's attributes. Each job
    adds its own keys; the definition's ``Environment`` is applied last by the caller."""
    env = {
        "output_path": str(plan.output.get("LocalPath") or DEFAULT_OUTPUT_PATH),
        "publish_cloudwatch_metrics": "Enabled",
        "sagemaker_monitoring_schedule_name": schedule_name,
        **window.to_env(),
    }
    if endpoint_name:
        env["sagemaker_endpoint_name"] = endpoint_name
    for wire, key in _INPUT_ATTRIBUTES:
        if plan.input.get(wire) is not None:
            env[key] = str(plan.input[wire])
    return env


def plan_job_spec(
    plan: MonitoringJobPlan,
    *,
    name: str,
    image_uri: str,
    inputs: Sequence[ProcessingInputSpec],
    output: ProcessingOutputSpec,
    environment: Mapping[str, str],
    entrypoint: tuple[str, ...] | None = None,
    arguments: tuple[str, ...] | None = None,
) -> ProcessingJobSpec:
    """A processing job of an execution, with the plan's role, cluster, key, limits and
    network."""
    return ProcessingJobSpec(
        name=name,
        role_arn=plan.role_arn,
        image_uri=image_uri,
        cluster=plan.cluster,
        container_entrypoint=entrypoint,
        container_arguments=arguments,
        inputs=tuple(inputs),
        outputs=(output,),
        output_kms_key_id=plan.output_kms_key_id,
        environment=dict(environment),
        max_runtime_in_seconds=plan.max_runtime_in_seconds,
        stopping_condition_given=True,
        network_config=plan.network_config,
    )


def _analyzer_environment(
    plan: MonitoringJobPlan,
    *,
    schedule_name: str,
    endpoint_name: str | None,
    window: MonitorWindow,
    dataset_source: str,
    constraints_uri: str | None,
    statistics_uri: str | None,
) -> dict[str, str]:
    data = plan.input
    if plan.monitoring_type is MonitoringType.MODEL_QUALITY:
        dataset_format = MERGE_DATASET_FORMAT
    elif plan.batch_input is not None:
        dataset_format = _lower_keys(data.get("DatasetFormat") or {"Csv": {"Header": False}})
    else:
        dataset_format = CAPTURE_DATASET_FORMAT
    env = monitoring_environment(
        plan, schedule_name=schedule_name, endpoint_name=endpoint_name, window=window
    )
    env.update(dataset_format=json.dumps(dataset_format), dataset_source=dataset_source)
    if plan.monitoring_type is MonitoringType.MODEL_QUALITY:
        env["analysis_type"] = "MODEL_QUALITY"
        env["problem_type"] = str(plan.problem_type)
    if constraints_uri:
        env["baseline_constraints"] = f"{BASELINE_CONSTRAINTS_DIR}/{_basename(constraints_uri)}"
    if statistics_uri:
        env["baseline_statistics"] = f"{BASELINE_STATISTICS_DIR}/{_basename(statistics_uri)}"
    if plan.preprocessor_uri:
        env["record_preprocessor_script"] = f"{PREPROCESSOR_DIR}/{_basename(plan.preprocessor_uri)}"
    if plan.postprocessor_uri:
        env["post_analytics_processor_script"] = (
            f"{POSTPROCESSOR_DIR}/{_basename(plan.postprocessor_uri)}"
        )
    env.update(plan.environment)  # the user's Environment wins, as in SageMaker
    return env


def _lower_keys(value: Any) -> Any:
    """``{"Csv": {"Header": true}}`` (wire) -> ``{"csv": {"header": true}}`` (analyzer)."""
    if isinstance(value, Mapping):
        return {k[:1].lower() + k[1:]: _lower_keys(v) for k, v in value.items()}
    return value


def result_output(
    plan: MonitoringJobPlan, *, endpoint_name: str | None, schedule_name: str, window: MonitorWindow
) -> ProcessingOutputSpec:
    """The execution's ``result`` output: ``<S3Uri>/<endpoint>/<schedule>/yyyy/mm/dd/hh``."""
    folder = (
        f"{endpoint_name or 'batch-transform'}/{schedule_name}/{window.scheduled_time:%Y/%m/%d/%H}"
    )
    return ProcessingOutputSpec(
        output_name="result",
        s3_output=S3OutputSpec(
            s3_uri=f"{str(plan.output['S3Uri']).rstrip('/')}/{folder}",
            local_path=str(plan.output.get("LocalPath") or DEFAULT_OUTPUT_PATH),
            s3_upload_mode=str(plan.output.get("S3UploadMode") or "Continuous"),
        ),
    )


def execution_job_spec(
    plan: MonitoringJobPlan,
    *,
    job_name: str,
    schedule_name: str,
    endpoint_name: str | None,
    window: MonitorWindow,
    data_inputs: Sequence[CaptureInput],
    constraints_uri: str | None,
    statistics_uri: str | None,
) -> ProcessingJobSpec:
    """The processing job of one execution.

    Args:
        plan: The schedule's job.
        job_name: The processing job's name.
        schedule_name: For the output folder and the analyzer's metric dimensions.
        endpoint_name: The monitored endpoint (None for batch transform input).
        window: The execution's data window.
        data_inputs: The captured data to stage (already checked to be non-empty).
        constraints_uri: Baseline constraints (from the plan or its baselining job).
        statistics_uri: Baseline statistics (likewise).
    """
    dataset_source = (
        MERGED_DATA_DIR
        if plan.monitoring_type is MonitoringType.MODEL_QUALITY
        else str(plan.input.get("LocalPath") or "/opt/ml/processing/input/endpoint")
    )
    # ShardedByS3Key on the endpoint/batch input: each instance gets its share of the capture
    # files (the analyzer profiles them and algo-1 merges); baseline and scripts go to all.
    distribution = str(plan.input.get("S3DataDistributionType") or "FullyReplicated")
    inputs = [
        file_input(f"endpoint_input_{i}", item.s3_uri, item.local_path, distribution)
        for i, item in enumerate(data_inputs, 1)
    ]
    if constraints_uri:
        inputs.append(file_input("constraints", constraints_uri, BASELINE_CONSTRAINTS_DIR))
    if statistics_uri:
        inputs.append(file_input("baseline", statistics_uri, BASELINE_STATISTICS_DIR))
    if plan.preprocessor_uri:
        inputs.append(file_input("pre_processor_script", plan.preprocessor_uri, PREPROCESSOR_DIR))
    if plan.postprocessor_uri:
        inputs.append(
            file_input("post_processor_script", plan.postprocessor_uri, POSTPROCESSOR_DIR)
        )
    output = result_output(
        plan, endpoint_name=endpoint_name, schedule_name=schedule_name, window=window
    )
    return plan_job_spec(
        plan,
        name=job_name,
        image_uri=plan.image_uri,
        entrypoint=plan.entrypoint,
        arguments=plan.arguments,
        inputs=inputs,
        output=output,
        environment=_analyzer_environment(
            plan,
            schedule_name=schedule_name,
            endpoint_name=endpoint_name,
            window=window,
            dataset_source=dataset_source,
            constraints_uri=constraints_uri,
            statistics_uri=statistics_uri,
        ),
    )
