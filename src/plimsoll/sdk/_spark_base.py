"""``_SparkProcessorBase``: what PySparkProcessor and SparkJarProcessor share (SDK v2.199)."""

from __future__ import annotations

import logging
from copy import copy
from typing import Any

from plimsoll.compat.container_paths import PROCESSING_ROOT
from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput, RunArgs
from plimsoll.sdk._processor import ScriptProcessor
from plimsoll.sdk._spark_config import SparkConfigUtils, stage_configuration
from plimsoll.sdk._spark_deps import FileType, channel_name_of, stage_submit_deps
from plimsoll.sdk._spark_history import _HistoryServer, wait_until_started
from plimsoll.sdk._spark_image import spark_image_uri
from plimsoll.sdk.session import Session

logger = logging.getLogger(__name__)


class _SparkProcessorBase(ScriptProcessor):
    """Mirrors `sagemaker.spark.processing._SparkProcessorBase`.

    Deviations (docs/compat.md): the history server is Spark's own, run from the installed
    pyspark on this machine (no Docker, no AWS credentials), on ``http://localhost:15050``
    or another free port when that one is taken.
    """

    _default_command = "smspark-submit"
    _conf_container_base_path = f"{PROCESSING_ROOT}/input/"
    _conf_container_input_name = "conf"
    _conf_file_name = "configuration.json"

    _submit_jars_input_channel_name = "jars"
    _submit_files_input_channel_name = "files"
    _submit_py_files_input_channel_name = "py-files"

    _history_server_port = "15050"
    _spark_event_log_default_local_path = f"{PROCESSING_ROOT}/spark-events/"

    def __init__(
        self,
        role: str | None = None,
        instance_type: str | None = None,
        instance_count: int | None = None,
        framework_version: str | None = None,
        py_version: str | None = None,
        container_version: str | None = None,
        image_uri: str | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        configuration_location: str | None = None,
        dependency_location: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: NetworkConfig | None = None,
    ) -> None:
        self.configuration_location = configuration_location
        self.dependency_location = dependency_location
        self.history_server: _HistoryServer | None = None
        self._spark_event_logs_s3_uri: str | None = None
        session = sagemaker_session or Session()
        self.image_uri = self._retrieve_image_uri(
            image_uri,
            framework_version,
            py_version,
            container_version,
            session.boto_region_name,
            instance_type,
        )
        super().__init__(
            role=role,
            image_uri=self.image_uri,
            instance_count=instance_count,
            instance_type=instance_type,
            command=[_SparkProcessorBase._default_command],
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            base_job_name=base_job_name,
            sagemaker_session=session,
            env=env or {},
            tags=tags,
            network_config=network_config,
        )

    def get_run_args(
        self,
        code: str,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
    ) -> RunArgs:
        """Returns the arguments as a :class:`RunArgs` (deprecated in the SDK)."""
        return super().get_run_args(code=code, inputs=inputs, outputs=outputs, arguments=arguments)

    def run(  # type: ignore[override]
        self,
        submit_app: str,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: dict[str, Any] | None = None,
        kms_key: str | None = None,
    ) -> None:
        """Runs ``submit_app`` as the ScriptProcessor runs its ``code``."""
        self._current_job_name = self._generate_current_job_name(job_name=job_name)
        super().run(
            submit_app,
            inputs,
            outputs,
            arguments,
            wait,
            logs,
            job_name,
            experiment_config,
            kms_key,
        )

    def _prepare(
        self,
        submit_app: str,
        job_name: str | None,
        inputs: list[ProcessingInput] | None,
        outputs: list[ProcessingOutput] | None,
        **kwargs: Any,
    ) -> tuple[list[ProcessingInput] | None, list[ProcessingOutput] | None]:
        """What ``run`` and ``get_run_args`` of both processors do first: name the job, check
        ``submit_app``, and stage the dependencies, configuration and event-log output."""
        self._current_job_name = self._generate_current_job_name(job_name=job_name)
        if not submit_app:
            raise ValueError("submit_app is required")
        return self._extend_processing_args(inputs, outputs, **kwargs)

    def _extend_processing_args(
        self,
        inputs: list[ProcessingInput] | None,
        outputs: list[ProcessingOutput] | None,
        **kwargs: Any,
    ) -> tuple[list[ProcessingInput] | None, list[ProcessingOutput] | None]:
        """Adds the event-log output and the configuration input."""
        extended_outputs = copy(outputs or [])
        spark_event_logs_s3_uri = kwargs.get("spark_event_logs_s3_uri")
        if spark_event_logs_s3_uri:
            SparkConfigUtils.validate_s3_uri(spark_event_logs_s3_uri)
            self._spark_event_logs_s3_uri = spark_event_logs_s3_uri
            self._command_list().extend(
                [
                    "--local-spark-event-logs-dir",
                    _SparkProcessorBase._spark_event_log_default_local_path,
                ]
            )
            extended_outputs.append(
                ProcessingOutput(
                    source=_SparkProcessorBase._spark_event_log_default_local_path,
                    destination=spark_event_logs_s3_uri,
                    s3_upload_mode="Continuous",
                )
            )
        extended_inputs = copy(inputs or [])
        configuration = kwargs.get("configuration")
        if configuration:
            SparkConfigUtils.validate_configuration(configuration)
            extended_inputs.append(self._stage_configuration(configuration))
        return (extended_inputs or None, extended_outputs or None)

    def start_history_server(self, spark_event_logs_s3_uri: str | None = None) -> None:
        """Starts Spark's history server on the event logs of ``spark_event_logs_s3_uri``.

        Without a URI, the one of the last ``run`` is used. Any history server already
        running is stopped first. The server's URL is logged once it answers (at most 40 s);
        it stays up until :meth:`terminate_history_server` or the end of the program.

        Raises:
            ValueError: No URI given and none set by ``run``.
            ImportError: pyspark is not installed.
        """
        event_logs_s3_uri = self._history_server_event_logs_uri(spark_event_logs_s3_uri)
        self.history_server = _HistoryServer(
            event_logs_s3_uri, self.sagemaker_session, int(self._history_server_port)
        )
        self.history_server.run()
        self._check_history_server()

    def terminate_history_server(self) -> None:
        """Terminates the Spark history server."""
        if self.history_server:
            logger.info("History server is running, terminating history server")
            self.history_server.down()
            self.history_server = None

    def _history_server_event_logs_uri(self, spark_event_logs_s3_uri: str | None) -> str:
        if spark_event_logs_s3_uri:
            return spark_event_logs_s3_uri
        if self._spark_event_logs_s3_uri is not None:
            return self._spark_event_logs_s3_uri
        raise ValueError(
            "SPARK_EVENT_LOGS_S3_URI not present. You can specify spark_event_logs_s3_uri "
            "either in run() or start_history_server()"
        )

    def _check_history_server(self, ping_timeout: int = 40) -> None:
        server = self.history_server
        if server is None:
            return
        if wait_until_started(server, ping_timeout):
            logger.info("History server is up on %s", server.url)
        else:
            logger.error(
                "History server failed to start. Its output (%s) ends with:\n%s",
                server.log_file,
                server.log_tail(),
            )

    def _retrieve_image_uri(
        self,
        image_uri: str | None,
        framework_version: str | None,
        py_version: str | None,
        container_version: str | None,
        region: str,
        instance_type: str | None,
    ) -> str:
        if image_uri:
            return image_uri
        if (py_version is None) != (container_version is None):
            raise ValueError("Both or neither of py_version and container_version should be set")
        return spark_image_uri(
            region,
            version=framework_version,
            instance_type=instance_type,
            py_version=py_version,
            container_version=f"v{container_version}" if container_version else None,
        )

    def _stage_configuration(self, configuration: Any) -> ProcessingInput:
        return stage_configuration(
            configuration,
            self.configuration_location,
            self._current_job_name,
            self.sagemaker_session,
        )

    def _stage_submit_deps(
        self, submit_deps: list[str] | None, input_channel_name: str | None
    ) -> tuple[ProcessingInput | None, str]:
        return stage_submit_deps(
            submit_deps,
            input_channel_name,
            self.dependency_location,
            self._current_job_name,
            self.sagemaker_session,
        )

    def _handle_script_dependencies(
        self,
        inputs: list[ProcessingInput] | None,
        submit_files: list[str] | None,
        file_type: FileType,
    ) -> list[ProcessingInput] | None:
        """Stages ``submit_files`` and adds their input and ``spark-submit`` option."""
        if not submit_files:
            return inputs
        channel = channel_name_of(file_type)
        files_input, files_opt = self._stage_submit_deps(submit_files, channel)
        inputs = inputs or []
        if files_input:
            inputs.append(files_input)
        if files_opt:
            self._command_list().extend([f"--{channel}", files_opt])
        return inputs

    def _command_list(self) -> list[str]:
        if self.command is None:
            self.command = [_SparkProcessorBase._default_command]
        return self.command
