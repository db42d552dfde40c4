"""The first half of a model-quality (or model-bias) execution: the ground-truth merge job
(spec §3.3).

A model-quality execution is two processing jobs. The **merge** job
(``groundtruth-merge-<yyyyMMddHHmm>-<24 hex>``, image
``sagemaker-model-monitor-groundtruth-merger``) joins the window's captured hours with the
ground truth uploaded from the window's start up to the execution time and writes merged
records under ``<output S3Uri>/merge/<endpoint>/<variant>/yyyy/mm/dd/hh``; the **analysis**
job (``model-quality-monitoring-<same stamp>-<same hex>``, the analyzer with
``analysis_type=MODEL_QUALITY``) reads those merged hours. This module builds the merge job
and finds the merged hours the analysis job stages.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from plimsoll.compat.ground_truth import ground_truth_files, ground_truth_hours, hour_prefix
from plimsoll.compat.monitor_window import MonitorWindow
from plimsoll.errors import ValidationError
from plimsoll.metadata.entities import (
    ProcessingInputSpec,
    ProcessingJobSpec,
    ProcessingOutputSpec,
    S3InputSpec,
    S3OutputSpec,
)
from plimsoll.services._monitor_plan import (
    MERGED_DATA_DIR,
    CaptureInput,
    MonitoringJobPlan,
    plan_job_spec,
)
from plimsoll.storage.registry import StorageRouter

__all__ = [
    "MERGE_JOB_PREFIX",
    "analysis_job_name",
    "ground_truth_inputs",
    "is_merge_job",
    "merge_job_name",
    "merge_job_spec",
    "merge_stamp",
    "merged_inputs",
]

MERGE_JOB_PREFIX = "groundtruth-merge-"
ANALYSIS_JOB_PREFIX = "model-quality-monitoring-"
MERGER_IMAGE = "sagemaker-model-monitor-groundtruth-merger"
GROUND_TRUTH_DIR = "/opt/ml/processing/groundtruth"
MERGE_OUTPUT_DIR = "/opt/ml/processing/output"


def merge_job_name(at: datetime, token: str) -> str:
    return f"{MERGE_JOB_PREFIX}{at:%Y%m%d%H%M}-{token}"


def is_merge_job(job_name: str | None) -> bool:
    return bool(job_name) and str(job_name).startswith(MERGE_JOB_PREFIX)


def merge_stamp(merge_name: str) -> str:
    """``groundtruth-merge-<stamp>-<hex>`` -> ``<stamp>-<hex>`` (shared by its analysis job)."""
    return merge_name[len(MERGE_JOB_PREFIX) :]


def analysis_job_name(merge_name: str) -> str:
    """``groundtruth-merge-<stamp>-<hex>`` -> ``model-quality-monitoring-<stamp>-<hex>``."""
    return ANALYSIS_JOB_PREFIX + merge_stamp(merge_name)


def merger_image(analyzer_image: str) -> str:
    """The merger image in the analyzer image's registry (``<registry>/<merger>``)."""
    registry, _, _ = analyzer_image.rpartition("/")
    return f"{registry}/{MERGER_IMAGE}" if registry else MERGER_IMAGE


def ground_truth_inputs(
    storage: StorageRouter, ground_truth_uri: str, window: MonitorWindow, now: datetime
) -> list[CaptureInput]:
    """The ground-truth hour folders from the window's start up to ``now`` that hold labels.

    Raises:
        ValidationError: none of them does (the execution fails with this message).
    """
    hours = ground_truth_hours(window.start, window.end, now)
    found = ground_truth_files(storage.for_uri(ground_truth_uri), ground_truth_uri, hours)
    missing = set(found.missing_hours)
    present = [hour for hour in hours if hour not in missing]
    if not present:
        raise ValidationError(
            f"Ground truth input had no data: no .jsonl object under {ground_truth_uri} for "
            f"the upload hours {hours[0]:%Y/%m/%d/%H} to {hours[-1]:%Y/%m/%d/%H}"
        )
    return [
        CaptureInput(
            s3_uri=hour_prefix(ground_truth_uri, hour),
            local_path=f"{GROUND_TRUTH_DIR}/{hour:%Y/%m/%d/%H}",
        )
        for hour in present
    ]


def _input(name: str, item: CaptureInput) -> ProcessingInputSpec:
    return ProcessingInputSpec(
        input_name=name, s3_input=S3InputSpec(s3_uri=item.s3_uri, local_path=item.local_path)
    )


def merge_output_uri(plan: MonitoringJobPlan) -> str:
    return f"{str(plan.output['S3Uri']).rstrip('/')}/merge"


def merge_job_spec(
    plan: MonitoringJobPlan,
    *,
    job_name: str,
    capture_inputs: Sequence[CaptureInput],
    truth_inputs: Sequence[CaptureInput],
) -> ProcessingJobSpec:
    """The merge job: ``groundtruth_input_N`` and ``endpoint_input_N`` in, ``result`` out."""
    inputs = [_input(f"groundtruth_input_{i}", item) for i, item in enumerate(truth_inputs, 1)]
    inputs += [_input(f"endpoint_input_{i}", item) for i, item in enumerate(capture_inputs, 1)]
    output = ProcessingOutputSpec(
        output_name="result",
        s3_output=S3OutputSpec(
            s3_uri=merge_output_uri(plan), local_path=MERGE_OUTPUT_DIR, s3_upload_mode="EndOfJob"
        ),
    )
    return plan_job_spec(
        plan,
        name=job_name,
        image_uri=merger_image(plan.image_uri),
        inputs=inputs,
        output=output,
        environment={
            "dataset_source": MERGED_DATA_DIR,
            "ground_truth_source": GROUND_TRUTH_DIR,
            "output_path": MERGE_OUTPUT_DIR,
        },
    )


def merged_inputs(storage: StorageRouter, merge_spec: ProcessingJobSpec) -> list[CaptureInput]:
    """The merged hours the merge job wrote, one per captured hour it read (its
    ``endpoint_input_N``): ``<merge output>/<endpoint>/<variant>/yyyy/mm/dd/hh`` ->
    ``/opt/ml/processing/input_data/<endpoint>/<variant>/yyyy/mm/dd/hh``."""
    outputs = [o.s3_output for o in merge_spec.outputs if o.s3_output is not None]
    base = outputs[0].s3_uri.rstrip("/")
    found: list[CaptureInput] = []
    for item in merge_spec.inputs:
        if not item.input_name.startswith("endpoint_input_") or item.s3_input is None:
            continue
        local = str(item.s3_input.local_path).rstrip("/")
        relative = local[len(MERGED_DATA_DIR) :].strip("/")
        uri = f"{base}/{relative}/"
        if storage.for_uri(uri).exists(uri):
            found.append(CaptureInput(s3_uri=uri, local_path=local))
    return found
