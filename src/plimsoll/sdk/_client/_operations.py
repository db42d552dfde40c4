"""The SageMaker operations every Plimsoll client offers, under boto3's method names."""

from __future__ import annotations

import abc
from typing import Any


class BotoOperations(abc.ABC):
    """boto3-named methods over one ``_call(operation, params)``: add an operation here once."""

    @abc.abstractmethod
    def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Performs ``operation`` (e.g. ``CreateProcessingJob``) and returns boto's dict."""

    def create_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateProcessingJob", kwargs)

    def describe_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeProcessingJob", kwargs)

    def list_processing_jobs(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListProcessingJobs", kwargs)

    def stop_processing_job(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("StopProcessingJob", kwargs)

    def list_tags(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListTags", kwargs)

    def create_model(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateModel", kwargs)

    def describe_model(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeModel", kwargs)

    def delete_model(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DeleteModel", kwargs)

    def list_models(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListModels", kwargs)

    def create_endpoint_config(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateEndpointConfig", kwargs)

    def describe_endpoint_config(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeEndpointConfig", kwargs)

    def delete_endpoint_config(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DeleteEndpointConfig", kwargs)

    def list_endpoint_configs(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListEndpointConfigs", kwargs)

    def create_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateEndpoint", kwargs)

    def describe_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeEndpoint", kwargs)

    def update_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("UpdateEndpoint", kwargs)

    def delete_endpoint(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DeleteEndpoint", kwargs)

    def list_endpoints(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListEndpoints", kwargs)

    def update_endpoint_weights_and_capacities(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("UpdateEndpointWeightsAndCapacities", kwargs)

    def create_monitoring_schedule(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateMonitoringSchedule", kwargs)

    def describe_monitoring_schedule(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeMonitoringSchedule", kwargs)

    def list_monitoring_schedules(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListMonitoringSchedules", kwargs)

    def list_monitoring_executions(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListMonitoringExecutions", kwargs)

    def update_monitoring_schedule(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("UpdateMonitoringSchedule", kwargs)

    def start_monitoring_schedule(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("StartMonitoringSchedule", kwargs)

    def stop_monitoring_schedule(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("StopMonitoringSchedule", kwargs)

    def delete_monitoring_schedule(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DeleteMonitoringSchedule", kwargs)

    def create_data_quality_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateDataQualityJobDefinition", kwargs)

    def describe_data_quality_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeDataQualityJobDefinition", kwargs)

    def delete_data_quality_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DeleteDataQualityJobDefinition", kwargs)

    def list_data_quality_job_definitions(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListDataQualityJobDefinitions", kwargs)

    def create_model_quality_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateModelQualityJobDefinition", kwargs)

    def describe_model_quality_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeModelQualityJobDefinition", kwargs)

    def delete_model_quality_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DeleteModelQualityJobDefinition", kwargs)

    def list_model_quality_job_definitions(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListModelQualityJobDefinitions", kwargs)

    def create_model_bias_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateModelBiasJobDefinition", kwargs)

    def describe_model_bias_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeModelBiasJobDefinition", kwargs)

    def delete_model_bias_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DeleteModelBiasJobDefinition", kwargs)

    def list_model_bias_job_definitions(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListModelBiasJobDefinitions", kwargs)

    def create_model_explainability_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("CreateModelExplainabilityJobDefinition", kwargs)

    def describe_model_explainability_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeModelExplainabilityJobDefinition", kwargs)

    def delete_model_explainability_job_definition(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DeleteModelExplainabilityJobDefinition", kwargs)

    def list_model_explainability_job_definitions(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("ListModelExplainabilityJobDefinitions", kwargs)

    def run_monitoring_schedule(self, **kwargs: Any) -> dict[str, Any]:
        """Plimsoll extension (no boto3 counterpart): one execution of a schedule, now."""
        return self._call("RunMonitoringSchedule", kwargs)
