"""Mirrors `sagemaker.model_monitor.DefaultModelMonitor` (data quality): baselining so far.

Schedules, executions and the violation checks are the rest of issue 4; until they land
this class offers the baselining half of the SDK surface only (docs/compat.md).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from plimsoll.compat.naming import name_from_base
from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput
from plimsoll.sdk._processing_job import ProcessingJob
from plimsoll.sdk._processor import Processor
from plimsoll.sdk.model_monitor._baselining import BaseliningJob
from plimsoll.sdk.model_monitor.monitoring_files import Constraints, Statistics
from plimsoll.sdk.session import Session

__all__ = ["DefaultModelMonitor"]

logger = logging.getLogger(__name__)

ANALYZER_ACCOUNT = "156813124566"  # us-east-1's in SageMaker's image table
DATASET_DIR = "/opt/ml/processing/input/baseline_dataset_input"
PREPROCESSOR_DIR = "/opt/ml/processing/input/record_preprocessor_script_input"
POSTPROCESSOR_DIR = "/opt/ml/processing/input/post_analytics_processor_script_input"
OUTPUT_DIR = "/opt/ml/processing/output"
DRIFT_METHODS = ("ChiSquared", "LInfinity")


class DefaultModelMonitor:
    """Mirrors `sagemaker.model_monitor.DefaultModelMonitor`.

    The image is SageMaker's analyzer URI, which Plimsoll's image map runs as its built-in
    analyzer (docs/images.md). Deviations (docs/compat.md): local baseline datasets and
    scripts stay local; ``role`` may be any string or None.
    """

    JOB_DEFINITION_BASE_NAME = "data-quality-job-definition"

    def __init__(
        self,
        role: str | None = None,
        instance_count: int = 1,
        instance_type: str = "ml.m5.xlarge",
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: NetworkConfig | None = None,
    ) -> None:
        self.role = role
        self.instance_count = instance_count
        self.instance_type = instance_type
        self.volume_size_in_gb = volume_size_in_gb
        self.volume_kms_key = volume_kms_key
        self.output_kms_key = output_kms_key
        self.max_runtime_in_seconds = max_runtime_in_seconds
        self.base_job_name = base_job_name
        self.sagemaker_session = sagemaker_session or Session()
        self.env = env
        self.tags = tags
        self.network_config = network_config
        region = self.sagemaker_session.boto_region_name
        self.image_uri = (
            f"{ANALYZER_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/sagemaker-model-monitor-analyzer"
        )
        self.baselining_jobs: list[BaseliningJob] = []
        self.latest_baselining_job: BaseliningJob | None = None
        self.latest_baselining_job_name: str | None = None

    @staticmethod
    def monitoring_type() -> str:
        return "DataQuality"

    def suggest_baseline(
        self,
        baseline_dataset: str,
        dataset_format: dict[str, Any],
        record_preprocessor_script: str | None = None,
        post_analytics_processor_script: str | None = None,
        output_s3_uri: str | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        monitoring_config_override: Any = None,  # noqa: ANN401 - DataQualityMonitoringConfig
    ) -> ProcessingJob:
        """Runs the analyzer over ``baseline_dataset``; returns the baselining job."""
        env = dict(self.env or {})
        drift = _drift_method(monitoring_config_override)
        if drift is not None:
            env["categorical_drift_method"] = drift
        name = job_name or name_from_base(self.base_job_name or "baseline-suggestion-job")
        inputs = [
            ProcessingInput(
                source=baseline_dataset,
                destination=DATASET_DIR,
                input_name="baseline_dataset_input",
            )
        ]
        env.update(
            dataset_format=json.dumps(dataset_format),
            dataset_source=DATASET_DIR,
            output_path=OUTPUT_DIR,
            publish_cloudwatch_metrics="Disabled",
        )
        for script, folder, key in (
            (record_preprocessor_script, PREPROCESSOR_DIR, "record_preprocessor_script"),
            (post_analytics_processor_script, POSTPROCESSOR_DIR, "post_analytics_processor_script"),
        ):
            if script is not None:
                input_name = folder.rsplit("/", 1)[-1]
                inputs.append(
                    ProcessingInput(source=script, destination=folder, input_name=input_name)
                )
                env[key] = f"{folder}/{script.rstrip('/').rsplit('/', 1)[-1]}"
        destination = output_s3_uri or (
            f"s3://{self.sagemaker_session.default_bucket()}/model-monitor/baselining/{name}/results"
        )
        output = ProcessingOutput(
            source=OUTPUT_DIR, destination=destination, output_name="monitoring_output"
        )
        processor = Processor(
            role=self.role,
            image_uri=self.image_uri,
            instance_count=self.instance_count,
            instance_type=self.instance_type,
            volume_size_in_gb=self.volume_size_in_gb,
            volume_kms_key=self.volume_kms_key,
            output_kms_key=self.output_kms_key,
            max_runtime_in_seconds=self.max_runtime_in_seconds,
            sagemaker_session=self.sagemaker_session,
            env=env,
            tags=self.tags,
            network_config=self.network_config,
        )
        processor.run(inputs=inputs, outputs=[output], wait=wait, logs=logs and wait, job_name=name)
        assert processor.latest_job is not None
        self.latest_baselining_job_name = name
        self.latest_baselining_job = BaseliningJob.from_processing_job(processor.latest_job)
        self.baselining_jobs.append(self.latest_baselining_job)
        return processor.latest_job

    def describe_latest_baselining_job(self) -> dict[str, Any]:
        if self.latest_baselining_job is None:
            raise ValueError("No suggestion jobs were kicked off.")
        return self.latest_baselining_job.describe()

    def baseline_statistics(self, file_name: str = "statistics.json") -> Statistics:
        """The latest baselining job's statistics."""
        if self.latest_baselining_job is None:
            raise ValueError("No suggestion jobs were kicked off.")
        return self.latest_baselining_job.baseline_statistics(file_name)

    def suggested_constraints(self, file_name: str = "constraints.json") -> Constraints:
        """The latest baselining job's suggested constraints."""
        if self.latest_baselining_job is None:
            raise ValueError("No suggestion jobs were kicked off.")
        return self.latest_baselining_job.suggested_constraints(file_name)


def _drift_method(override: Any) -> str | None:  # noqa: ANN401
    if override is None:
        return None
    constraints = getattr(override, "distribution_constraints", None)
    method = getattr(constraints, "categorical_drift_method", None)
    if method not in DRIFT_METHODS:
        raise RuntimeError("Invalid value for monitoring_config_override.")
    return str(method)
