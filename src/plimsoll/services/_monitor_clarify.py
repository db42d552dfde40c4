"""The Clarify job of a ModelBias or ModelExplainability execution (spec model_monitor.md §1.9,
§4.5).

A **ModelBias** execution is two processing jobs, as a model-quality one: the ground-truth
merge job (:mod:`._monitor_merge`), then the Clarify image on the merged records, since
post-training bias needs the true labels next to the captured predictions. A
**ModelExplainability** execution is the Clarify job alone, on the captured records. The
Clarify job gets:

* ``analysis_config``: the job definition's ``ConfigUri`` (the monitor's analysis config, as
  the SDK's ``BiasAnalysisConfig`` / ``ExplainabilityAnalysisConfig`` upload it) ->
  ``/opt/ml/processing/input/config``;
* ``endpoint_input_N``: the merged (bias) or captured (explainability) hours ->
  ``/opt/ml/processing/input_data/<endpoint>/<variant>/yyyy/mm/dd/hh``;
* ``constraints``: the baseline, a Clarify ``analysis.json`` (``ConstraintsResource`` or the
  baselining job's output) -> ``/opt/ml/processing/baseline/constraints``;
* output ``result`` -> ``<S3Uri>/<endpoint>/<schedule>/yyyy/mm/dd/hh`` (``analysis.json``,
  ``constraint_violations.json``, the report);
* environment: ``analysis_type`` (``MODEL_BIAS`` / ``MODEL_EXPLAINABILITY``, which tells the
  image to read capture records), ``dataset_source``, ``output_path``, the window
  (``start_time``, ``end_time``), ``baseline_constraints``, the endpoint input's attributes
  (``features_attribute``, ``inference_attribute``, ``probability_attribute``,
  ``probability_threshold_attribute``), ``sagemaker_endpoint_name``,
  ``sagemaker_monitoring_schedule_name`` and ``publish_cloudwatch_metrics``; the definition's
  ``Environment`` wins, as on SageMaker.

Job names: ``model-bias-monitoring-<yyyyMMddHHmm>-<hex>`` (the merge job's stamp and hex) and
``model-explainability-monitoring-<yyyyMMddHHmm>-<hex>`` (cut to 63 characters); SageMaker's
own names for these are not documented, so these follow the model-quality pattern
(docs/compat.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from plimsoll.compat.monitor_window import MonitorWindow
from plimsoll.metadata.entities import ProcessingJobSpec
from plimsoll.metadata.monitoring_entities import MonitoringType
from plimsoll.services._monitor_plan import (
    BASELINE_CONSTRAINTS_DIR,
    MERGED_DATA_DIR,
    CaptureInput,
    MonitoringJobPlan,
    file_input,
    monitoring_environment,
    plan_job_spec,
    result_output,
)

__all__ = ["ANALYSIS_TYPES", "CLARIFY_CONFIG_DIR", "clarify_job_name", "clarify_job_spec"]

CLARIFY_CONFIG_DIR = "/opt/ml/processing/input/config"
ANALYSIS_TYPES = {
    MonitoringType.MODEL_BIAS: "MODEL_BIAS",
    MonitoringType.MODEL_EXPLAINABILITY: "MODEL_EXPLAINABILITY",
}
MAX_JOB_NAME = 63
_JOB_PREFIX = {
    MonitoringType.MODEL_BIAS: "model-bias-monitoring-",
    MonitoringType.MODEL_EXPLAINABILITY: "model-explainability-monitoring-",
}


def clarify_job_name(kind: MonitoringType, stamp_and_token: str) -> str:
    """``<kind prefix><yyyyMMddHHmm>-<hex>``, cut to the 63 characters a processing job name
    may have (the explainability prefix leaves 18 of the 24 hex digits)."""
    return (_JOB_PREFIX[kind] + stamp_and_token)[:MAX_JOB_NAME]


def _environment(
    plan: MonitoringJobPlan,
    *,
    schedule_name: str,
    endpoint_name: str | None,
    window: MonitorWindow,
    constraints_uri: str | None,
) -> dict[str, str]:
    env = monitoring_environment(
        plan, schedule_name=schedule_name, endpoint_name=endpoint_name, window=window
    )
    env.update(analysis_type=ANALYSIS_TYPES[plan.monitoring_type], dataset_source=MERGED_DATA_DIR)
    if constraints_uri:
        name = constraints_uri.rstrip("/").rsplit("/", 1)[-1]
        env["baseline_constraints"] = f"{BASELINE_CONSTRAINTS_DIR}/{name}"
    env.update(plan.environment)  # the definition's Environment wins, as in SageMaker
    return env


def clarify_job_spec(
    plan: MonitoringJobPlan,
    *,
    job_name: str,
    schedule_name: str,
    endpoint_name: str | None,
    window: MonitorWindow,
    data_inputs: Sequence[CaptureInput],
    constraints_uri: str | None,
) -> ProcessingJobSpec:
    """The Clarify processing job of one execution (see the module docstring).

    Args:
        plan: A ModelBias or ModelExplainability job definition's plan (with ``config_uri``).
        job_name: The processing job's name (:func:`clarify_job_name`).
        schedule_name: For the output folder and the metric dimensions.
        endpoint_name: The monitored endpoint.
        window: The execution's data window.
        data_inputs: Merged (bias) or captured (explainability) hours, non-empty.
        constraints_uri: The baseline ``analysis.json``, if any.
    """
    assert plan.config_uri is not None  # plan_from_definition checks it
    output = result_output(
        plan, endpoint_name=endpoint_name, schedule_name=schedule_name, window=window
    )
    inputs = [file_input("analysis_config", plan.config_uri, CLARIFY_CONFIG_DIR)]
    inputs += [
        file_input(f"endpoint_input_{i}", item.s3_uri, item.local_path)
        for i, item in enumerate(data_inputs, 1)
    ]
    if constraints_uri:
        inputs.append(file_input("constraints", constraints_uri, BASELINE_CONSTRAINTS_DIR))
    return plan_job_spec(
        plan,
        name=job_name,
        image_uri=plan.image_uri,
        inputs=inputs,
        output=output,
        environment=_environment(
            plan,
            schedule_name=schedule_name,
            endpoint_name=endpoint_name,
            window=window,
            constraints_uri=constraints_uri,
        ),
    )
