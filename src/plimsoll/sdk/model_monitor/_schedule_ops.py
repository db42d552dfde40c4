"""What every monitor does with its schedule once it exists: start, stop, describe, delete,
list executions and read their results; and the job-definition form of create and update.

``ModelMonitor`` inherits this; it is split out to keep one concept per module (the
baselining and the inline-schedule requests stay in ``_model_monitor``).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from plimsoll.compat.naming import name_from_arn
from plimsoll.sdk.model_monitor._execution import MonitoringExecution
from plimsoll.sdk.model_monitor._schedule import check_one_time_window, schedule_config

if TYPE_CHECKING:
    from plimsoll.sdk._client.base import SageMakerClient
    from plimsoll.sdk.model_monitor.monitoring_files import ConstraintViolations, Statistics
    from plimsoll.sdk.session import Session

__all__ = ["ScheduleOperations"]

logger = logging.getLogger(__name__)

_NO_ALERTS = (
    "Monitoring alerts ({}) are not supported by Plimsoll: it has no CloudWatch alarms "
    "(docs/compat.md)."
)
_AT_MOST_ONE_INPUT = (
    "Cannot update both batch_transform_input and endpoint_input to update an Amazon Model "
    "Monitoring Schedule. Please provide atmost one of the above required inputs"
)
# Waiting for a schedule to leave Pending: SageMaker's 3 minutes, polled fast (local is fast).
SCHEDULE_WAIT_SECONDS = 180.0
SCHEDULE_POLL_SECONDS = 0.05


class ScheduleOperations:
    """The schedule half of `sagemaker.model_monitor.ModelMonitor`."""

    sagemaker_session: Session
    monitoring_schedule_name: str | None
    job_definition_name: str | None
    tags: list[dict[str, str]] | None

    @classmethod
    def monitoring_type(cls) -> str:
        """The schedule's ``MonitoringType``; only the built-in monitors have one."""
        raise TypeError("Subclass of ModelMonitor shall define this property")

    def start_monitoring_schedule(self) -> None:
        """Starts the schedule and waits for it to leave Pending."""
        self._client().start_monitoring_schedule(
            MonitoringScheduleName=self.monitoring_schedule_name
        )
        self._wait_for_schedule_changes_to_apply()

    def stop_monitoring_schedule(self) -> None:
        """Stops the schedule and waits for it to leave Pending."""
        self._client().stop_monitoring_schedule(
            MonitoringScheduleName=self.monitoring_schedule_name
        )
        self._wait_for_schedule_changes_to_apply()

    def delete_monitoring_schedule(self) -> None:
        """Deletes the schedule (subclasses then delete their job definition)."""
        self._client().delete_monitoring_schedule(
            MonitoringScheduleName=self.monitoring_schedule_name
        )
        if self.job_definition_name is not None:
            # The definition is locked while its schedule exists: wait for the schedule to go.
            try:
                self._wait_for_schedule_changes_to_apply()
            except Exception as exc:
                if _error_code(exc) != "ResourceNotFound":
                    raise
        self.monitoring_schedule_name = None

    def describe_schedule(self) -> dict[str, Any]:
        """The DescribeMonitoringSchedule response of this monitor's schedule."""
        return self._client().describe_monitoring_schedule(
            MonitoringScheduleName=self.monitoring_schedule_name
        )

    # --- executions -----------------------------------------------------------------------

    def list_executions(self) -> list[MonitoringExecution]:
        """The schedule's executions that ran a job, oldest first (``[-1]`` is the latest)."""
        summaries = self._list_execution_summaries()
        if not summaries:
            logger.warning(
                "No executions found for schedule. monitoring_schedule_name: %s",
                self.monitoring_schedule_name,
            )
            return []
        executions = [
            MonitoringExecution.from_processing_arn(
                self.sagemaker_session, summary["ProcessingJobArn"]
            )
            for summary in summaries
            if summary.get("ProcessingJobArn") is not None
        ]
        executions.reverse()
        return executions

    def _list_execution_summaries(self) -> list[dict[str, Any]]:
        response = self._client().list_monitoring_executions(
            MonitoringScheduleName=self.monitoring_schedule_name,
            SortBy="ScheduledTime",
            SortOrder="Descending",
            MaxResults=100,
        )
        summaries: list[dict[str, Any]] = response["MonitoringExecutionSummaries"]
        return summaries

    def latest_monitoring_statistics(self, file_name: str = "statistics.json") -> Statistics | None:
        """The latest execution's statistics; None (with a warning) without executions."""
        executions = self.list_executions()
        if not executions:
            self._warn_no_executions()
            return None
        return executions[-1].statistics(file_name=file_name)

    def latest_monitoring_constraint_violations(
        self, file_name: str = "constraint_violations.json"
    ) -> ConstraintViolations | None:
        """The latest execution's violations; None (with a warning) without executions."""
        executions = self.list_executions()
        if not executions:
            self._warn_no_executions()
            return None
        return executions[-1].constraint_violations(file_name=file_name)

    def _warn_no_executions(self) -> None:
        logger.warning(
            "No executions found for schedule. monitoring_schedule_name: %s",
            self.monitoring_schedule_name,
        )

    def get_latest_execution_logs(self, wait: bool = False) -> None:
        """Prints the logs of the latest execution's processing job.

        Raises:
            ValueError: The schedule has no execution, or the latest ran no job.
        """
        summaries = self._list_execution_summaries()
        if not summaries:
            raise ValueError("No execution jobs were kicked off.")
        if "ProcessingJobArn" not in summaries[0]:
            raise ValueError("Processing Job did not run for the last execution")
        job_name = name_from_arn(summaries[0]["ProcessingJobArn"])
        self.sagemaker_session.logs_for_processing_job(job_name, wait=wait)

    # --- alerts (no CloudWatch alarms here) -----------------------------------------------

    def update_monitoring_alert(
        self,
        monitoring_alert_name: str,
        data_points_to_alert: int | None,
        evaluation_period: int | None,
    ) -> None:
        """Not supported: Plimsoll has no monitoring alerts."""
        raise NotImplementedError(_NO_ALERTS.format("update_monitoring_alert"))

    def list_monitoring_alerts(
        self, next_token: str | None = None, max_results: int | None = 10
    ) -> Any:  # noqa: ANN401 - never returns
        """Not supported: Plimsoll has no monitoring alerts."""
        raise NotImplementedError(_NO_ALERTS.format("list_monitoring_alerts"))

    def list_monitoring_alert_history(
        self,
        monitoring_alert_name: str | None = None,
        sort_by: str | None = "CreationTime",
        sort_order: str | None = "Descending",
        next_token: str | None = None,
        max_results: int | None = 10,
        creation_time_before: str | None = None,
        creation_time_after: str | None = None,
        status_equals: str | None = None,
    ) -> Any:  # noqa: ANN401 - never returns
        """Not supported: Plimsoll has no monitoring alerts."""
        raise NotImplementedError(_NO_ALERTS.format("list_monitoring_alert_history"))

    def _client(self) -> SageMakerClient:
        return self.sagemaker_session.sagemaker_client

    def _wait_for_schedule_changes_to_apply(self) -> None:
        """Polls the schedule until its status is not ``Pending``.

        Raises:
            TimeoutError: The schedule stayed Pending for three minutes.
        """
        deadline = time.monotonic() + SCHEDULE_WAIT_SECONDS
        while self.describe_schedule()["MonitoringScheduleStatus"] == "Pending":
            if time.monotonic() > deadline:
                raise TimeoutError(
                    "'Waiting for schedule to leave 'Pending' status' has reached the "
                    f"maximum wait of {SCHEDULE_WAIT_SECONDS:.0f} seconds"
                )
            time.sleep(SCHEDULE_POLL_SECONDS)

    @staticmethod
    def _check_monitoring_schedule_cron_validity(
        schedule_cron_expression: str | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        check_one_time_window(
            schedule_cron_expression, data_analysis_start_time, data_analysis_end_time
        )

    @staticmethod
    def _check_at_most_one_input(endpoint_input: object, batch_transform_input: object) -> None:
        if batch_transform_input is not None and endpoint_input is not None:
            logger.error(_AT_MOST_ONE_INPUT)
            raise ValueError(_AT_MOST_ONE_INPUT)

    def _schedule_config_for(
        self,
        job_definition_name: str,
        schedule_cron_expression: str | None,
        data_analysis_start_time: str | None,
        data_analysis_end_time: str | None,
    ) -> dict[str, Any]:
        """The ``MonitoringScheduleConfig`` that points at a job definition."""
        self._check_monitoring_schedule_cron_validity(
            schedule_cron_expression, data_analysis_start_time, data_analysis_end_time
        )
        config: dict[str, Any] = {
            "MonitoringJobDefinitionName": job_definition_name,
            "MonitoringType": self.monitoring_type(),
        }
        found = schedule_config(
            schedule_cron_expression, data_analysis_start_time, data_analysis_end_time
        )
        if found is not None:
            config["ScheduleConfig"] = found
        return config

    def _create_monitoring_schedule_from_job_definition(
        self,
        monitor_schedule_name: str,
        job_definition_name: str,
        schedule_cron_expression: str | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        logger.info("Creating Monitoring Schedule with name: %s", monitor_schedule_name)
        config = self._schedule_config_for(
            job_definition_name,
            schedule_cron_expression,
            data_analysis_start_time,
            data_analysis_end_time,
        )
        self._client().create_monitoring_schedule(
            MonitoringScheduleName=monitor_schedule_name,
            MonitoringScheduleConfig=config,
            Tags=self.tags or [],
        )

    def _update_monitoring_schedule(
        self,
        job_definition_name: str,
        schedule_cron_expression: str | None = None,
        data_analysis_start_time: str | None = None,
        data_analysis_end_time: str | None = None,
    ) -> None:
        """Points the schedule at ``job_definition_name`` (and a new expression), then waits."""
        if self.job_definition_name is None or self.monitoring_schedule_name is None:
            message = "Nothing to update, please create a schedule first."
            logger.error(message)
            raise ValueError(message)
        config = self._schedule_config_for(
            job_definition_name,
            schedule_cron_expression,
            data_analysis_start_time,
            data_analysis_end_time,
        )
        self._client().update_monitoring_schedule(
            MonitoringScheduleName=self.monitoring_schedule_name,
            MonitoringScheduleConfig=config,
        )
        self._wait_for_schedule_changes_to_apply()


def _error_code(exc: Exception) -> str | None:
    """``Error.Code`` of a botocore ``ClientError``; None for anything else."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code is not None else None
    return None
