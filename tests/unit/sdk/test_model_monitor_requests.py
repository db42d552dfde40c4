"""Model Monitor request pieces built as SageMaker's SDK v2.199 builds them (pure builders)."""

from __future__ import annotations

from typing import Any

import pytest

from plimsoll.model_monitor import (
    BatchTransformInput,
    CronExpressionGenerator,
    DataQualityDistributionConstraints,
    DataQualityMonitoringConfig,
    DefaultModelMonitor,
    EndpointInput,
    ModelMonitor,
    MonitoringDatasetFormat,
    MonitoringOutput,
)
from plimsoll.model_monitor.model_monitoring import MonitoringInput
from plimsoll.sdk.model_monitor._job_definition import (
    JobDefinitionSpec,
    build_job_definition_request,
    env_map,
)
from plimsoll.sdk.model_monitor._schedule import (
    InlineJob,
    build_inline_create_request,
    build_inline_update_request,
)
from plimsoll.session import Session

ROLE = "arn:aws:iam::000000000000:role/plimsoll"
NOW_WINDOW_ERROR = (
    "Both data_analysis_start_time and data_analysis_end_time are required for one time "
    "monitoring schedule"
)


def test_endpoint_input_minimal_and_full() -> None:
    assert EndpointInput("ep", "/opt/ml/processing/input/endpoint")._to_request_dict() == {
        "EndpointInput": {
            "EndpointName": "ep",
            "LocalPath": "/opt/ml/processing/input/endpoint",
            "S3InputMode": "File",
            "S3DataDistributionType": "FullyReplicated",
        }
    }
    full = EndpointInput(
        endpoint_name="ep",
        destination="/in",
        s3_input_mode="Pipe",
        s3_data_distribution_type="ShardedByS3Key",
        start_time_offset="-PT1H",
        end_time_offset="-PT0H",
        features_attribute="features",
        inference_attribute="0",
        probability_attribute="1",
        probability_threshold_attribute=0.5,
        exclude_features_attribute="2,3",
    )
    assert full._to_request_dict() == {
        "EndpointInput": {
            "EndpointName": "ep",
            "LocalPath": "/in",
            "S3InputMode": "Pipe",
            "S3DataDistributionType": "ShardedByS3Key",
            "StartTimeOffset": "-PT1H",
            "EndTimeOffset": "-PT0H",
            "FeaturesAttribute": "features",
            "InferenceAttribute": "0",
            "ProbabilityAttribute": "1",
            "ProbabilityThresholdAttribute": 0.5,
            "ExcludeFeaturesAttribute": "2,3",
        }
    }
    assert isinstance(full, MonitoringInput)


def test_batch_transform_input_and_output() -> None:
    batch = BatchTransformInput(
        data_captured_destination_s3_uri="s3://b/capture",
        destination="/opt/ml/processing/input",
        dataset_format=MonitoringDatasetFormat.csv(header=False),
        end_time_offset="-PT0H",
    )
    assert batch._to_request_dict() == {
        "BatchTransformInput": {
            "DataCapturedDestinationS3Uri": "s3://b/capture",
            "LocalPath": "/opt/ml/processing/input",
            "S3InputMode": "File",
            "S3DataDistributionType": "FullyReplicated",
            "DatasetFormat": {"Csv": {"Header": False}},
            "EndTimeOffset": "-PT0H",
        }
    }
    assert MonitoringOutput("/opt/ml/processing/output", "s3://b/o")._to_request_dict() == {
        "S3Output": {
            "S3Uri": "s3://b/o",
            "LocalPath": "/opt/ml/processing/output",
            "S3UploadMode": "Continuous",
        }
    }


def _inline_job(**overrides: Any) -> InlineJob:
    values: dict[str, Any] = {
        "monitoring_inputs": [EndpointInput("ep", "/in")._to_request_dict()],
        "monitoring_output_config": {
            "MonitoringOutputs": [MonitoringOutput("/out", "s3://b/o")._to_request_dict()]
        },
        "instance_count": 1,
        "instance_type": "ml.m5.xlarge",
        "volume_size_in_gb": 30,
        "image_uri": "my-image",
        "role_arn": ROLE,
    }
    values.update(overrides)
    return InlineJob(**values)


def test_inline_create_request_leaves_out_what_is_not_given() -> None:
    request = build_inline_create_request("sched", _inline_job())
    assert request == {
        "MonitoringScheduleName": "sched",
        "MonitoringScheduleConfig": {
            "MonitoringJobDefinition": {
                "MonitoringInputs": [
                    {
                        "EndpointInput": {
                            "EndpointName": "ep",
                            "LocalPath": "/in",
                            "S3InputMode": "File",
                            "S3DataDistributionType": "FullyReplicated",
                        }
                    }
                ],
                "MonitoringResources": {
                    "ClusterConfig": {
                        "InstanceCount": 1,
                        "InstanceType": "ml.m5.xlarge",
                        "VolumeSizeInGB": 30,
                    }
                },
                "MonitoringAppSpecification": {"ImageUri": "my-image"},
                "RoleArn": ROLE,
                "MonitoringOutputConfig": {
                    "MonitoringOutputs": [
                        {
                            "S3Output": {
                                "S3Uri": "s3://b/o",
                                "LocalPath": "/out",
                                "S3UploadMode": "Continuous",
                            }
                        }
                    ]
                },
            }
        },
    }


def test_inline_create_request_with_everything() -> None:
    job = _inline_job(
        statistics_s3_uri="s3://b/statistics.json",
        constraints_s3_uri="s3://b/constraints.json",
        entrypoint=["python", "run.py"],
        arguments=["--x"],
        volume_kms_key="vk",
        max_runtime_in_seconds=1800,
        environment={"A": "1"},
        network_config={"EnableNetworkIsolation": False},
    )
    request = build_inline_create_request(
        "sched",
        job,
        expression="NOW",
        start_time="-PT1H",
        end_time="-PT0H",
        tags=[{"Key": "k", "Value": "v"}],
    )
    config = request["MonitoringScheduleConfig"]
    assert config["ScheduleConfig"] == {
        "ScheduleExpression": "NOW",
        "DataAnalysisStartTime": "-PT1H",
        "DataAnalysisEndTime": "-PT0H",
    }
    definition = config["MonitoringJobDefinition"]
    assert definition["BaselineConfig"] == {
        "StatisticsResource": {"S3Uri": "s3://b/statistics.json"},
        "ConstraintsResource": {"S3Uri": "s3://b/constraints.json"},
    }
    assert definition["MonitoringAppSpecification"] == {
        "ImageUri": "my-image",
        "ContainerEntrypoint": ["python", "run.py"],
        "ContainerArguments": ["--x"],
    }
    assert definition["MonitoringResources"]["ClusterConfig"]["VolumeKmsKeyId"] == "vk"
    assert definition["StoppingCondition"] == {"MaxRuntimeInSeconds": 1800}
    assert definition["Environment"] == {"A": "1"}
    assert definition["NetworkConfig"] == {"EnableNetworkIsolation": False}
    assert request["Tags"] == [{"Key": "k", "Value": "v"}]


def _described(expression: str | None = "cron(0 * ? * * *)") -> dict[str, Any]:
    request = build_inline_create_request(
        "sched",
        _inline_job(constraints_s3_uri="s3://b/constraints.json", environment={"A": "1"}),
        expression=expression,
    )
    return {**request, "MonitoringScheduleStatus": "Scheduled"}


def test_inline_update_keeps_what_is_not_given() -> None:
    existing = _described()
    request = build_inline_update_request(existing, InlineJob(instance_type="ml.c5.xlarge"))
    definition = request["MonitoringScheduleConfig"]["MonitoringJobDefinition"]
    assert definition["MonitoringResources"]["ClusterConfig"] == {
        "InstanceCount": 1,
        "InstanceType": "ml.c5.xlarge",
        "VolumeSizeInGB": 30,
    }
    assert definition["BaselineConfig"] == {
        "ConstraintsResource": {"S3Uri": "s3://b/constraints.json"}
    }
    assert definition["Environment"] == {"A": "1"}
    assert request["MonitoringScheduleConfig"]["ScheduleConfig"] == {
        "ScheduleExpression": "cron(0 * ? * * *)"
    }
    assert "Tags" not in request
    # No expression before: none is sent, even when one is asked for (as the SDK does).
    unscheduled = build_inline_update_request(
        _described(expression=None), InlineJob(), expression="cron(0 0 ? * * *)"
    )
    assert "ScheduleConfig" not in unscheduled["MonitoringScheduleConfig"]


def test_inline_update_to_now_needs_a_window() -> None:
    with pytest.raises(ValueError, match=NOW_WINDOW_ERROR):
        build_inline_update_request(_described(), InlineJob(), expression="NOW")


def test_data_quality_job_definition_request() -> None:
    spec = JobDefinitionSpec(
        monitoring_type="DataQuality",
        job_definition_name="data-quality-job-definition-1",
        image_uri="analyzer",
        role_arn=ROLE,
        job_input=EndpointInput("ep", "/opt/ml/processing/input/endpoint")._to_request_dict(),
        monitoring_output=MonitoringOutput(
            "/opt/ml/processing/output", "s3://b/model-monitor/monitoring/s/results"
        )._to_request_dict(),
        record_preprocessor_source_uri="s3://b/pre.py",
        environment=env_map({"X": "y"}, enable_cloudwatch_metrics=True),
        constraints_s3_uri="s3://b/constraints.json",
        statistics_s3_uri="s3://b/statistics.json",
        baselining_job_name="baseline-job",
        instance_count=1,
        instance_type="ml.m5.xlarge",
        volume_size_in_gb=30,
        max_runtime_in_seconds=1800,
        tags=[{"Key": "k", "Value": "v"}],
    )
    assert build_job_definition_request(spec) == {
        "JobDefinitionName": "data-quality-job-definition-1",
        "DataQualityAppSpecification": {
            "ImageUri": "analyzer",
            "RecordPreprocessorSourceUri": "s3://b/pre.py",
            "Environment": {"X": "y", "publish_cloudwatch_metrics": "Enabled"},
        },
        "DataQualityJobInput": {
            "EndpointInput": {
                "EndpointName": "ep",
                "LocalPath": "/opt/ml/processing/input/endpoint",
                "S3InputMode": "File",
                "S3DataDistributionType": "FullyReplicated",
            }
        },
        "DataQualityJobOutputConfig": {
            "MonitoringOutputs": [
                {
                    "S3Output": {
                        "S3Uri": "s3://b/model-monitor/monitoring/s/results",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "Continuous",
                    }
                }
            ]
        },
        "JobResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.m5.xlarge",
                "VolumeSizeInGB": 30,
            }
        },
        "RoleArn": ROLE,
        "DataQualityBaselineConfig": {
            "ConstraintsResource": {"S3Uri": "s3://b/constraints.json"},
            "StatisticsResource": {"S3Uri": "s3://b/statistics.json"},
            "BaseliningJobName": "baseline-job",
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 1800},
        "Tags": [{"Key": "k", "Value": "v"}],
    }
    # An update starts from the existing definition and overrides what is given.
    existing = {**build_job_definition_request(spec), "JobDefinitionArn": "arn:..."}
    updated = build_job_definition_request(
        JobDefinitionSpec(
            monitoring_type="DataQuality",
            job_definition_name="data-quality-job-definition-2",
            image_uri="analyzer",
            role_arn=ROLE,
            instance_type="ml.c5.xlarge",
            environment=env_map(None, enable_cloudwatch_metrics=False),
        ),
        existing,
    )
    assert updated["JobDefinitionName"] == "data-quality-job-definition-2"
    assert updated["JobResources"]["ClusterConfig"]["InstanceType"] == "ml.c5.xlarge"
    assert updated["DataQualityAppSpecification"]["Environment"] == {
        "publish_cloudwatch_metrics": "Disabled"
    }
    assert updated["DataQualityJobInput"] == existing["DataQualityJobInput"]
    assert updated["DataQualityBaselineConfig"] == existing["DataQualityBaselineConfig"]
    assert "JobDefinitionArn" not in updated and "Tags" not in updated


def test_schedule_validation_errors(session: Session) -> None:
    monitor = DefaultModelMonitor(role="r", sagemaker_session=session)
    with pytest.raises(ValueError, match=NOW_WINDOW_ERROR):
        monitor.create_monitoring_schedule(
            endpoint_input="ep",
            schedule_cron_expression=CronExpressionGenerator.now(),
            data_analysis_start_time="-PT1H",
        )
    with pytest.raises(ValueError, match="Need to have either batch_transform_input or"):
        monitor.create_monitoring_schedule()
    batch = BatchTransformInput("s3://b/c", "/in", MonitoringDatasetFormat.csv())
    with pytest.raises(ValueError, match="Please provide only one of the above"):
        monitor.create_monitoring_schedule(endpoint_input="ep", batch_transform_input=batch)
    with pytest.raises(ValueError, match="Please provide atmost one"):
        monitor.update_monitoring_schedule(endpoint_input="ep", batch_transform_input=batch)
    monitor.monitoring_schedule_name = "taken"
    with pytest.raises(ValueError, match="already used to create an Amazon Model Monitoring"):
        monitor.create_monitoring_schedule(endpoint_input="ep")
    with pytest.raises(NotImplementedError, match="Please use suggest_baseline"):
        monitor.run_baseline()
    with pytest.raises(NotImplementedError, match="not supported by Plimsoll"):
        monitor.update_monitoring_alert("a", 1, 1)
    with pytest.raises(NotImplementedError, match="not supported by Plimsoll"):
        monitor.list_monitoring_alerts()
    with pytest.raises(NotImplementedError, match="not supported by Plimsoll"):
        monitor.list_monitoring_alert_history()
    assert monitor.monitoring_type() == "DataQuality"
    assert monitor.image_uri == (
        "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
    )


def test_byoc_monitor_validation(session: Session) -> None:
    monitor = ModelMonitor(role="r", image_uri="img", sagemaker_session=session)
    with pytest.raises(TypeError, match="Subclass of ModelMonitor shall define"):
        monitor.monitoring_type()
    with pytest.raises(ValueError, match="output can not be None"):
        monitor.create_monitoring_schedule(endpoint_input="ep")
    with pytest.raises(ValueError, match="Need to have either"):
        monitor.create_monitoring_schedule(output=MonitoringOutput("/out"))
    with pytest.raises(ValueError, match=NOW_WINDOW_ERROR):
        monitor.create_monitoring_schedule(
            endpoint_input="ep", output=MonitoringOutput("/out"), schedule_cron_expression="NOW"
        )
    assert monitor.monitoring_schedule_name is None
    with pytest.raises(ValueError, match="No suggestion jobs were kicked off"):
        monitor.baseline_statistics()
    with pytest.raises(TypeError, match="must be provided as ProcessingInput"):
        monitor.run_baseline(baseline_inputs=["not an input"], output="/opt/ml/processing/output")  # type: ignore[list-item]


def test_data_quality_monitoring_config_validation(session: Session) -> None:
    good = DataQualityMonitoringConfig(DataQualityDistributionConstraints("ChiSquared"))
    assert DataQualityMonitoringConfig.valid_monitoring_config(good)
    assert DataQualityMonitoringConfig.valid_monitoring_config(DataQualityMonitoringConfig())
    bad = DataQualityMonitoringConfig(DataQualityDistributionConstraints("Euclid"))
    assert not DataQualityMonitoringConfig.valid_monitoring_config(bad)
    monitor = DefaultModelMonitor(role="r", sagemaker_session=session)
    with pytest.raises(RuntimeError, match="Invalid value for monitoring_config_override"):
        monitor.suggest_baseline("data.csv", {"csv": {}}, monitoring_config_override=bad)
