"""Processing jobs: the rules of CreateProcessingJob and friends, and their life cycle."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from plimsoll.compat.container_paths import host_names, is_processing_path
from plimsoll.compat.images import ImageCatalog
from plimsoll.compat.naming import processing_job_arn
from plimsoll.errors import ConfigError, ResourceInUse, ResourceNotFound, ValidationError
from plimsoll.metadata.base import MetadataStore
from plimsoll.metadata.entities import JobQuery, JobStatus, ProcessingJob, ProcessingJobSpec
from plimsoll.runtimes.base import ImageEnvironment
from plimsoll.runtimes.choice import RUNTIME_TAG, RuntimeChoice, runtime_tag
from plimsoll.services._job_run import JobRun, RunContext, pid_alive
from plimsoll.services.logs import LogChunk, LogStore
from plimsoll.services.staging import ChannelPlan, list_channel, plan_channel
from plimsoll.storage.registry import StorageRouter

logger = logging.getLogger(__name__)

SUPPORTED_SCHEMES = ("s3", "file")


class ProcessingService:
    """Creates, describes, lists and stops processing jobs; runs them in the background."""

    def __init__(
        self,
        *,
        store: MetadataStore,
        storage: StorageRouter,
        runtimes: RuntimeChoice,
        images: ImageCatalog,
        work_root: Path,
        log_root: Path,
        region: str,
        account_id: str,
        stop_grace_seconds: float = 30.0,
        continuous_upload_seconds: float = 5.0,
        max_log_bytes: int = 256 * 1024 * 1024,
    ) -> None:
        self._store = store
        self._storage = storage
        self._images = images
        self._region = region
        self._account_id = account_id
        self._logs = LogStore(log_root)
        self._runtimes = runtimes
        self._ctx = RunContext(
            store=store,
            storage=storage,
            runtimes=self._runtimes,
            logs=self._logs,
            work_root=work_root,
            stop_grace_seconds=stop_grace_seconds,
            continuous_upload_seconds=continuous_upload_seconds,
            max_log_bytes=max_log_bytes,
            extra_env={"AWS_REGION": region, "AWS_DEFAULT_REGION": region, **storage.s3_env()},
        )
        self._runs: dict[str, JobRun] = {}
        self._lock = threading.Lock()
        self._platform_url: Callable[[], str] | None = None

    def set_platform_url(self, provider: Callable[[], str] | None) -> None:
        """Where jobs of ``platform_api`` images reach Plimsoll's SageMaker APIs.

        The composition root sets it: ``plimsoll server`` gives its own URL, an in-process
        session a loopback server it starts on first use. Without it such jobs run without
        the variables (and fail where they call an API, with the image's own message).
        """
        self._platform_url = provider

    # -- API operations ---------------------------------------------------------------------

    def create_processing_job(self, spec: ProcessingJobSpec) -> ProcessingJob:
        """Validates domain rules, records the job InProgress and starts it in the background.

        Raises ValidationError (bad paths, duplicate input/output names, unsupported modes,
        missing sources), ResourceInUse (name taken).
        """
        _check_spec(spec)
        spec = self._with_runtime_tag(spec)
        image = self._with_platform(self._resolve_image(spec))
        self._ensure_new(spec.name)
        plans = self._plan_inputs(spec)
        now = datetime.now(UTC)
        job = ProcessingJob(
            spec=spec,
            arn=processing_job_arn(spec.name, region=self._region, account_id=self._account_id),
            status=JobStatus.IN_PROGRESS,
            creation_time=now,
            last_modified_time=now,
        )
        self._store.create_processing_job(job)
        run = JobRun(job=job, image=image, plans=plans, ctx=self._ctx, on_exit=self._forget)
        run.workspace.mkdir(parents=True, exist_ok=True)
        (run.workspace / "owner.json").write_text(json.dumps({"pid": os.getpid()}))
        with self._lock:
            self._runs[spec.name] = run
        run.start()
        logger.info("job %s created", spec.name, extra={"job_name": spec.name})
        return job

    def describe_processing_job(self, name: str) -> ProcessingJob:
        """Raises ResourceNotFound."""
        return self._reap_orphan(self._store.get_processing_job(name))

    def processing_job_by_arn(self, arn: str) -> ProcessingJob:
        """The job whose ARN is ``arn`` (ARNs hold the name in lower case).

        Raises:
            ResourceNotFound: No job has that ARN.
        """
        _, _, lowered = arn.partition(":processing-job/")
        try:
            job = self._store.get_processing_job(lowered)
            if job.arn == arn:
                return job
        except ResourceNotFound:
            pass
        token: str | None = None
        while True:
            query = JobQuery(name_contains=lowered, max_results=100, next_token=token)
            jobs, token = self._store.list_processing_jobs(query)
            for job in jobs:
                if job.arn == arn:
                    return job
            if token is None:
                raise ResourceNotFound(f"No processing job has the ARN {arn}")

    def list_processing_jobs(self, query: JobQuery) -> tuple[list[ProcessingJob], str | None]:
        jobs, token = self._store.list_processing_jobs(query)
        return [self._reap_orphan(job) for job in jobs], token

    def stop_processing_job(self, name: str) -> None:
        """Raises ResourceNotFound, or ValidationError when the job is not InProgress."""
        job = self.describe_processing_job(name)
        if job.status is JobStatus.STOPPING:
            return
        changed = self._store.update_processing_job(
            name,
            status=JobStatus.STOPPING,
            expected_status=(JobStatus.IN_PROGRESS,),
            last_modified_time=datetime.now(UTC),
        )
        if changed is None:
            current = self._store.get_processing_job(name).status
            raise ValidationError(
                f"Processing job {name} is {current.value}; only an InProgress job can be stopped"
            )
        with self._lock:
            run = self._runs.get(name)
        if run is not None:
            run.request_stop()

    def read_log(self, name: str, host: str, offset: int = 0) -> LogChunk:
        """Raises ResourceNotFound for an unknown job or a host the job does not have."""
        job = self._store.get_processing_job(name)
        if host not in host_names(job.spec.cluster.instance_count):
            raise ResourceNotFound(f"Processing job {name} has no host {host!r}")
        return self._logs.read(name, host, offset)

    def metric_dirs(self, name: str) -> list[Path]:
        """Folders holding the CloudWatch metric files the job's hosts wrote (kept after the
        job ends; empty while it runs or when it wrote none)."""
        return self._logs.metric_dirs(name)

    def log_hosts(self, name: str) -> list[str]:
        """Hosts of the job that have a log (algo-1 first). Raises ResourceNotFound."""
        self._store.get_processing_job(name)
        return self._logs.hosts(name)

    def wait_idle(self, timeout: float | None = None) -> None:
        """Blocks until every job started by this service has finished (for tests, demo)."""
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            run.join(timeout)

    def close(self) -> None:
        """Stops the jobs this service runs and waits for them to record their end."""
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            try:
                self.stop_processing_job(run.job.name)
            except (ValidationError, ResourceNotFound):
                pass
        for run in runs:
            run.join(self._ctx.stop_grace_seconds + 30)
        self._store.close()

    # -- helpers ------------------------------------------------------------------------------

    def _forget(self, name: str) -> None:
        with self._lock:
            self._runs.pop(name, None)

    def _ensure_new(self, name: str) -> None:
        try:
            self._store.get_processing_job(name)
        except ResourceNotFound:
            return
        raise ResourceInUse(f"Processing job {name} already exists; job names must be unique")

    def _with_runtime_tag(self, spec: ProcessingJobSpec) -> ProcessingJobSpec:
        """The spec with the runtime it runs on recorded in its ``plimsoll:runtime`` tag."""
        name = self._runtimes.name_for(spec.tags)
        if runtime_tag(spec.tags) is not None:
            return spec
        return dataclasses.replace(spec, tags=(*spec.tags, {"Key": RUNTIME_TAG, "Value": name}))

    def _with_platform(self, image: ImageEnvironment) -> ImageEnvironment:
        """Adds the platform endpoint variables to the ENV of an image that calls APIs. As
        image ENV they yield to the job's own Environment and to real S3 credentials."""
        if not image.platform_api or self._platform_url is None:
            return image
        url = self._platform_url()
        platform = {
            "AWS_ENDPOINT_URL_SAGEMAKER": url,
            "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": url,
            "PLIMSOLL_ENDPOINT_URL": url,
            "AWS_ACCESS_KEY_ID": "plimsoll",
            "AWS_SECRET_ACCESS_KEY": "plimsoll",
        }
        return dataclasses.replace(image, environment={**platform, **image.environment})

    def _resolve_image(self, spec: ProcessingJobSpec) -> ImageEnvironment:
        try:
            image = self._images.resolve(spec.image_uri)
        except ConfigError as exc:
            raise ValidationError(f"AppSpecification.ImageUri {spec.image_uri!r}: {exc}") from exc
        if spec.container_entrypoint is None and image.entrypoint is None:
            raise ValidationError(
                f"AppSpecification.ImageUri {spec.image_uri!r} maps to a local environment "
                "with no entrypoint; set AppSpecification.ContainerEntrypoint"
            )
        return image

    def _plan_inputs(self, spec: ProcessingJobSpec) -> list[ChannelPlan]:
        plans = []
        for item in spec.inputs:
            if item.app_managed or item.s3_input is None:
                continue
            objects = list_channel(self._storage, item)
            plans.append(plan_channel(item, objects, spec.cluster.instance_count))
        return plans

    def _reap_orphan(self, job: ProcessingJob) -> ProcessingJob:
        """Fails an unfinished job whose owning process has died (e.g. a killed server)."""
        if job.status.terminal:
            return job
        with self._lock:
            if job.name in self._runs:
                return job
        owner = self._ctx.work_root / job.name / "owner.json"
        try:
            pid = int(json.loads(owner.read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return job
        if pid_alive(pid):
            return job
        now = datetime.now(UTC)
        updated = self._store.update_processing_job(
            job.name,
            status=JobStatus.FAILED,
            expected_status=(JobStatus.IN_PROGRESS, JobStatus.STOPPING),
            failure_reason=(
                f"InternalServerError: the Plimsoll process that ran this job (pid {pid}) "
                "exited before the job finished"
            ),
            processing_end_time=now,
            last_modified_time=now,
        )
        return updated or self._store.get_processing_job(job.name)


def _check_spec(spec: ProcessingJobSpec) -> None:
    """Domain rules the service model does not express, each naming the field and value."""
    _check_unique([i.input_name for i in spec.inputs], "ProcessingInputs", "InputName")
    _check_unique(
        [o.output_name for o in spec.outputs], "ProcessingOutputConfig.Outputs", "OutputName"
    )
    local_paths: list[str] = []
    for item in spec.inputs:
        where = f"ProcessingInputs[{item.input_name}]"
        if item.dataset_definition is not None:
            raise ValidationError(f"{where}.DatasetDefinition is not supported by Plimsoll yet")
        if item.s3_input is None:
            if not item.app_managed:
                raise ValidationError(f"{where}: S3Input is required")
            continue
        s3 = item.s3_input
        _check_uri(s3.s3_uri, f"{where}.S3Input.S3Uri")
        if s3.s3_input_mode == "Pipe":
            raise ValidationError(f"{where}.S3Input.S3InputMode 'Pipe' is not supported; use File")
        if s3.local_path is None:
            if not item.app_managed:
                raise ValidationError(f"{where}.S3Input.LocalPath is required")
            continue
        _check_local_path(s3.local_path, f"{where}.S3Input.LocalPath")
        local_paths.append(s3.local_path.rstrip("/"))
    for out in spec.outputs:
        where = f"ProcessingOutputConfig.Outputs[{out.output_name}]"
        if out.feature_store_output is not None:
            raise ValidationError(f"{where}.FeatureStoreOutput is not supported by Plimsoll yet")
        if out.s3_output is None:
            raise ValidationError(f"{where}: S3Output is required")
        _check_uri(out.s3_output.s3_uri, f"{where}.S3Output.S3Uri")
        if out.s3_output.local_path is None:
            if not out.app_managed:
                raise ValidationError(f"{where}.S3Output.LocalPath is required")
            continue
        _check_local_path(out.s3_output.local_path, f"{where}.S3Output.LocalPath")
    _check_unique(local_paths, "ProcessingInputs", "S3Input.LocalPath")


def _check_unique(values: list[str], where: str, field: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValidationError(f"{where}: {field} {value!r} is used more than once")
        seen.add(value)


def _check_local_path(path: str, where: str) -> None:
    if not is_processing_path(path):
        raise ValidationError(
            f"{where} {path!r} must be a path below /opt/ml/processing/ (without '..')"
        )


def _check_uri(uri: str, where: str) -> None:
    scheme = uri.split("://", 1)[0] if "://" in uri else "file"
    if scheme not in SUPPORTED_SCHEMES:
        raise ValidationError(f"{where} {uri!r}: scheme {scheme!r} is not supported (s3, file)")
    if scheme == "s3":
        bucket = uri[5:].split("/", 1)[0]
        if len(bucket) < 3:
            raise ValidationError(f"{where} {uri!r}: bucket name {bucket!r} is too short")
