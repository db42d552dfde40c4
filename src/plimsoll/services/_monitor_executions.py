"""The life of one monitoring execution: plan its job, start it, follow it, publish it.

:class:`Executions` is the part of :class:`~plimsoll.services.monitoring.MonitoringService`
that touches processing jobs: it turns a schedule and a time into the execution's window,
captured inputs and baseline files (``_monitor_plan``), starts the job, maps the job's
outcome to SageMaker's execution status (``Completed`` with the exit message
``CompletedWithViolations: ...`` becomes ``CompletedWithViolations``), and hands the job's
CloudWatch metric files to the metrics registry once it is over.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from plimsoll.compat.monitor_cron import parse_schedule_expression
from plimsoll.compat.monitor_input import NO_DATA_MESSAGE
from plimsoll.compat.monitor_metrics import MetricDatum, MetricFileError, read_metric_files
from plimsoll.compat.monitor_window import (
    DEFAULT_END_OFFSET,
    DEFAULT_START_OFFSET,
    MonitorWindow,
    capture_files_in_window,
    execution_window,
    parse_offset,
)
from plimsoll.errors import PlimsollError, ResourceInUse, ResourceNotFound, ValidationError
from plimsoll.metadata.base import MetadataStore
from plimsoll.metadata.entities import JobStatus, ProcessingJob
from plimsoll.metadata.monitoring_entities import (
    ExecutionQuery,
    ExecutionRecord,
    ExecutionStatus,
    MonitoringType,
    ScheduleRecord,
)
from plimsoll.services._monitor_clarify import clarify_job_name, clarify_job_spec
from plimsoll.services._monitor_merge import (
    analysis_job_name,
    ground_truth_inputs,
    is_merge_job,
    merge_job_name,
    merge_job_spec,
    merge_stamp,
    merged_inputs,
)
from plimsoll.services._monitor_plan import (
    CLARIFY_TYPES,
    MERGED_DATA_DIR,
    MERGING_TYPES,
    CaptureInput,
    MonitoringJobPlan,
    execution_job_spec,
    plan_from_definition,
    plan_from_inline,
)
from plimsoll.services.monitor_metrics import MonitorMetrics
from plimsoll.services.processing import ProcessingService
from plimsoll.storage.registry import StorageRouter

logger = logging.getLogger("plimsoll.services.monitoring")

__all__ = ["ACTIVE", "Executions"]

MAX_FAILURE_CHARS = 1024
STALE_PENDING = timedelta(minutes=10)
STALE_REASON = "The process that recorded this execution stopped before starting its job"
ACTIVE = (ExecutionStatus.PENDING, ExecutionStatus.IN_PROGRESS, ExecutionStatus.STOPPING)
_VIOLATIONS_PREFIX = "CompletedWithViolations"
_JOB_TO_EXECUTION = {
    JobStatus.IN_PROGRESS: ExecutionStatus.IN_PROGRESS,
    JobStatus.STOPPING: ExecutionStatus.STOPPING,
    JobStatus.STOPPED: ExecutionStatus.STOPPED,
    JobStatus.FAILED: ExecutionStatus.FAILED,
}


class Executions:
    """Starts and follows executions (see the module docstring). Thread-safe: every state
    change is a compare-and-set in the store."""

    def __init__(
        self,
        *,
        store: MetadataStore,
        processing: ProcessingService,
        storage: StorageRouter,
        clock: Callable[[], datetime],
        metrics: MonitorMetrics | None,
    ) -> None:
        self._store = store
        self._processing = processing
        self._storage = storage
        self._clock = clock
        self._metrics = metrics

    def refresh(self, execution: ExecutionRecord) -> ExecutionRecord:
        """The execution with its status caught up with its processing job's."""
        if execution.status.terminal:
            return execution
        if execution.processing_job_name is None:
            if self._clock() - execution.creation_time > STALE_PENDING:
                return self._finish(execution, ExecutionStatus.FAILED, STALE_REASON)
            return execution  # its job is being started right now
        try:
            job = self._processing.describe_processing_job(execution.processing_job_name)
        except ResourceNotFound:
            return self._finish(execution, ExecutionStatus.FAILED, "Processing job not found")
        if is_merge_job(execution.processing_job_name) and job.status is JobStatus.COMPLETED:
            return self._start_analysis(execution, job)
        if job.status is JobStatus.COMPLETED:
            violations = (job.exit_message or "").startswith(_VIOLATIONS_PREFIX)
            status = (
                ExecutionStatus.COMPLETED_WITH_VIOLATIONS
                if violations
                else ExecutionStatus.COMPLETED
            )
            return self._finish(execution, status, None)
        status = _JOB_TO_EXECUTION[job.status]
        if status.terminal:
            return self._finish(execution, status, job.failure_reason)
        if status is execution.status:
            return execution
        changed = self._store.update_execution(
            execution.execution_id,
            status=status,
            expected_status=(execution.status,),
            last_modified_time=self._clock(),
        )
        return changed or self._store.get_execution(execution.execution_id)

    def running(self, schedule_name: str) -> bool:
        for status in ACTIVE:
            page, _ = self._store.list_executions(
                ExecutionQuery(schedule_name=schedule_name, status_equals=status.value)
            )
            if any(not self.refresh(e).status.terminal for e in page):
                return True
        return False

    def record(
        self,
        schedule: ScheduleRecord,
        scheduled: datetime,
        status: ExecutionStatus,
        *,
        failure: str | None = None,
    ) -> ExecutionRecord | None:
        """Adds an execution record; None when another process already recorded this time."""
        now = self._clock()
        execution = ExecutionRecord(
            execution_id=f"{schedule.name}-{scheduled:%Y%m%dT%H%M%SZ}",
            schedule_name=schedule.name,
            scheduled_time=scheduled,
            creation_time=now,
            last_modified_time=now,
            status=status,
            monitoring_type=schedule.monitoring_type,
            endpoint_name=schedule.endpoint_name,
            job_definition_name=schedule.config.get("MonitoringJobDefinitionName"),
            failure_reason=failure,
        )
        try:
            self._store.add_execution(execution)
        except ResourceInUse:
            logger.info("execution %s already recorded elsewhere", execution.execution_id)
            return None
        if status.terminal:
            self._publish(execution)
        return execution

    def _plan(self, schedule: ScheduleRecord) -> MonitoringJobPlan:
        named = schedule.config.get("MonitoringJobDefinitionName")
        if named is not None:
            return plan_from_definition(self._store.get_job_definition(str(named)))
        return plan_from_inline(
            schedule.config["MonitoringJobDefinition"], schedule.monitoring_type
        )

    def _window(
        self, schedule: ScheduleRecord, plan: MonitoringJobPlan, at: datetime, kind: str
    ) -> MonitorWindow:
        """``cron``: SageMaker's window of the scheduled hour; ``now``: the one-time
        schedule's DataAnalysis offsets from the exact time; ``manual`` (run now): the
        input's offsets from the exact time, so the last hour of traffic is analysed."""
        if kind == "manual":
            start = at + parse_offset(plan.input.get("StartTimeOffset") or DEFAULT_START_OFFSET)
            end = at + parse_offset(
                plan.input.get("EndTimeOffset") or DEFAULT_END_OFFSET, field="EndTimeOffset"
            )
            return MonitorWindow(scheduled_time=at, start=start, end=end)
        if kind == "now":
            config = schedule.config.get("ScheduleConfig") or {}
            start = at + parse_offset(
                config["DataAnalysisStartTime"], field="DataAnalysisStartTime"
            )
            end = at + parse_offset(config["DataAnalysisEndTime"], field="DataAnalysisEndTime")
            return MonitorWindow(scheduled_time=at, start=start, end=end)
        return execution_window(
            at,
            start_offset=plan.input.get("StartTimeOffset"),
            end_offset=plan.input.get("EndTimeOffset"),
        )

    def _data_inputs(self, plan: MonitoringJobPlan, window: MonitorWindow) -> list[CaptureInput]:
        # the analyzer's data-quality jobs honour LocalPath; the merge and Clarify jobs read
        # /opt/ml/processing/input_data, as SageMaker's do
        local = str(plan.input.get("LocalPath") or "/opt/ml/processing/input/endpoint").rstrip("/")
        if plan.monitoring_type is not MonitoringType.DATA_QUALITY:
            local = MERGED_DATA_DIR
        if plan.endpoint_input is None:
            uri = str(plan.input["DataCapturedDestinationS3Uri"])
            return (
                [CaptureInput(s3_uri=uri, local_path=local)]
                if self._storage.for_uri(uri).exists(uri)
                else []
            )
        endpoint = str(plan.endpoint_input["EndpointName"])
        destination = self.capture_destination(endpoint).rstrip("/")
        files = capture_files_in_window(
            self._storage.for_uri(destination),
            destination,
            endpoint,
            None,
            window.start,
            window.end,
        )
        folders = sorted({f.uri.rsplit("/", 1)[0] for f in files})
        base = f"{destination}/"
        return [
            CaptureInput(s3_uri=f"{folder}/", local_path=f"{local}/{folder[len(base) :]}")
            for folder in folders
        ]

    def _baseline(self, plan: MonitoringJobPlan) -> tuple[str | None, str | None]:
        constraints, statistics = plan.constraints_uri, plan.statistics_uri
        if plan.baselining_job_name and (constraints is None or statistics is None):
            job = self._processing.describe_processing_job(plan.baselining_job_name)
            outputs = [o.s3_output for o in job.spec.outputs if o.s3_output is not None]
            if job.status is not JobStatus.COMPLETED or not outputs:
                raise ValidationError(
                    f"Baselining job {plan.baselining_job_name} is {job.status.value}; its "
                    "statistics and constraints are available once it has Completed"
                )
            base = outputs[0].s3_uri.rstrip("/")
            if plan.monitoring_type in CLARIFY_TYPES:  # a Clarify job's analysis.json
                return constraints or f"{base}/analysis.json", None
            constraints = constraints or f"{base}/constraints.json"
            statistics = statistics or f"{base}/statistics.json"
        return constraints, statistics

    def start(self, schedule: ScheduleRecord, at: datetime, *, kind: str) -> ExecutionRecord:
        execution = self.record(schedule, at, ExecutionStatus.PENDING)
        if execution is None:
            return self._store.get_execution(f"{schedule.name}-{at:%Y%m%dT%H%M%SZ}")
        try:
            plan = self._plan(schedule)
            window = self._window(schedule, plan, at, kind)
            inputs = self._data_inputs(plan, window)
            if not inputs:
                return self._finish(execution, ExecutionStatus.FAILED, NO_DATA_MESSAGE)
            if plan.monitoring_type in MERGING_TYPES:
                assert plan.ground_truth_uri is not None  # plan_from_definition checks it
                truth = ground_truth_inputs(
                    self._storage, plan.ground_truth_uri, window, self._clock()
                )
                self._baseline(plan)  # a baselining job that has not completed fails now
                spec = merge_job_spec(
                    plan,
                    job_name=merge_job_name(at, secrets.token_hex(12)),
                    capture_inputs=inputs,
                    truth_inputs=truth,
                )
                return self._started(execution, self._processing.create_processing_job(spec))
            constraints, statistics = self._baseline(plan)
            stamp = f"{at:%Y%m%d%H%M}-{secrets.token_hex(12)}"
            if plan.monitoring_type in CLARIFY_TYPES:
                spec = clarify_job_spec(
                    plan,
                    job_name=clarify_job_name(plan.monitoring_type, stamp),
                    schedule_name=schedule.name,
                    endpoint_name=schedule.endpoint_name,
                    window=window,
                    data_inputs=inputs,
                    constraints_uri=constraints,
                )
                return self._started(execution, self._processing.create_processing_job(spec))
            spec = execution_job_spec(
                plan,
                job_name=f"model-monitoring-{stamp}",
                schedule_name=schedule.name,
                endpoint_name=schedule.endpoint_name,
                window=window,
                data_inputs=inputs,
                constraints_uri=constraints,
                statistics_uri=statistics,
            )
            job = self._processing.create_processing_job(spec)
        except PlimsollError as exc:
            logger.warning("execution %s failed to start: %s", execution.execution_id, exc)
            return self._finish(execution, ExecutionStatus.FAILED, str(exc))
        logger.info(
            "execution %s: window %s - %s", execution.execution_id, window.start, window.end
        )
        return self._started(execution, job)

    def _started(
        self,
        execution: ExecutionRecord,
        job: ProcessingJob,
        expected: tuple[ExecutionStatus, ...] = (ExecutionStatus.PENDING,),
    ) -> ExecutionRecord:
        """Points the execution at ``job`` (its merge job first, for model quality)."""
        logger.info("execution %s runs processing job %s", execution.execution_id, job.spec.name)
        changed = self._store.update_execution(
            execution.execution_id,
            status=ExecutionStatus.IN_PROGRESS,
            expected_status=expected,
            processing_job_name=job.spec.name,
            processing_job_arn=job.arn,
            last_modified_time=self._clock(),
        )
        return changed or self._store.get_execution(execution.execution_id)

    def _start_analysis(self, execution: ExecutionRecord, merge: ProcessingJob) -> ExecutionRecord:
        """The merge job completed: start the analysis job on its output (the analyzer for
        model quality, the Clarify image for model bias)."""
        try:
            schedule = self._store.get_schedule(execution.schedule_name)
            plan = self._plan(schedule)
            at = execution.scheduled_time
            window = self._window(schedule, plan, at, _window_kind(schedule, at))
            inputs = merged_inputs(self._storage, merge.spec)
            if not inputs:
                return self._finish(execution, ExecutionStatus.FAILED, NO_DATA_MESSAGE)
            constraints, _ = self._baseline(plan)
            if plan.monitoring_type in CLARIFY_TYPES:
                spec = clarify_job_spec(
                    plan,
                    job_name=clarify_job_name(plan.monitoring_type, merge_stamp(merge.spec.name)),
                    schedule_name=schedule.name,
                    endpoint_name=schedule.endpoint_name,
                    window=window,
                    data_inputs=inputs,
                    constraints_uri=constraints,
                )
            else:
                spec = execution_job_spec(
                    plan,
                    job_name=analysis_job_name(merge.spec.name),
                    schedule_name=schedule.name,
                    endpoint_name=schedule.endpoint_name,
                    window=window,
                    data_inputs=inputs,
                    constraints_uri=constraints,
                    statistics_uri=None,
                )
            try:
                job = self._processing.create_processing_job(spec)
            except ResourceInUse:  # another refresh started it first
                job = self._processing.describe_processing_job(spec.name)
        except PlimsollError as exc:
            logger.warning(
                "execution %s: analysis failed to start: %s", execution.execution_id, exc
            )
            return self._finish(execution, ExecutionStatus.FAILED, str(exc))
        return self._started(execution, job, expected=(execution.status,))

    def advance(self) -> None:
        """Refreshes running executions that merge ground truth (model quality, model bias),
        so a finished merge job starts its analysis job even when nobody describes the
        execution (called every scheduler tick)."""
        for kind in MERGING_TYPES:
            for status in ACTIVE:
                page, _ = self._store.list_executions(
                    ExecutionQuery(
                        status_equals=status.value,
                        monitoring_type_equals=kind.value,
                        max_results=100,
                    )
                )
                for execution in page:
                    if is_merge_job(execution.processing_job_name):
                        self.refresh(execution)

    def _finish(
        self, execution: ExecutionRecord, status: ExecutionStatus, failure: str | None
    ) -> ExecutionRecord:
        changed = self._store.update_execution(
            execution.execution_id,
            status=status,
            expected_status=ACTIVE,
            failure_reason=failure[:MAX_FAILURE_CHARS] if failure else None,
            last_modified_time=self._clock(),
        )
        if changed is None:  # someone else finished it
            return self._store.get_execution(execution.execution_id)
        logger.info("execution %s ended %s", execution.execution_id, status.value)
        self._publish(changed)
        return changed

    def _publish(self, execution: ExecutionRecord) -> None:
        """Hands the execution's metric files to the metrics registry (never raises: a bad
        metric file must not break the control plane)."""
        if self._metrics is None:
            return
        data: list[MetricDatum] = []
        try:
            if execution.processing_job_name:
                for folder in self._processing.metric_dirs(execution.processing_job_name):
                    data.extend(read_metric_files(folder))
        except (MetricFileError, OSError) as exc:
            logger.warning("execution %s: metric files unreadable: %s", execution.execution_id, exc)
        self._metrics.record_execution(execution, data)

    def stop_job(self, job_name: str) -> None:
        try:
            self._processing.stop_processing_job(job_name)
        except (ValidationError, ResourceNotFound):
            pass  # already over

    def capture_destination(self, endpoint_name: str) -> str:
        try:
            endpoint = self._store.get_endpoint(endpoint_name)
            config = self._store.get_endpoint_config(endpoint.config_name)
        except ResourceNotFound as exc:
            raise ValidationError(f"Endpoint {endpoint_name} does not exist") from exc
        capture = config.data_capture
        if capture is None or not capture.enable_capture:
            raise ValidationError(
                f"Endpoint {endpoint_name} does not have data capture enabled; monitoring "
                "needs DataCaptureConfig with EnableCapture"
            )
        return capture.destination_s3_uri


def _window_kind(schedule: ScheduleRecord, at: datetime) -> str:
    """How ``start`` chose the window of an execution scheduled at ``at`` (recomputed when a
    model-quality merge job ends): ``now`` for one-time schedules; a cron time is on the hour,
    so an off-the-hour time was a manual run (on the hour, both give the same window)."""
    expression = (schedule.config.get("ScheduleConfig") or {}).get("ScheduleExpression")
    if expression and parse_schedule_expression(str(expression)).one_time:
        return "now"
    return "cron" if at == at.replace(minute=0, second=0, microsecond=0) else "manual"
