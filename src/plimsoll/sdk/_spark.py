"""``PySparkProcessor`` and ``SparkJarProcessor``: Spark applications as processing jobs."""

from __future__ import annotations

from copy import copy
from typing import Any

from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput, RunArgs
from plimsoll.sdk._spark_base import _SparkProcessorBase
from plimsoll.sdk._spark_deps import FileType

__all__ = ["PySparkProcessor", "SparkJarProcessor"]

_SPARK_ARGS = """
    Args:
        role: IAM role name or ARN (any string; ``None`` allowed).
        instance_type: Instance type, recorded as given.
        instance_count: Number of hosts: 1 runs Spark ``local[*]``, N a standalone cluster
            of the job's hosts.
        framework_version: Spark version of the image (2.4, 3.0, 3.1, 3.2, 3.3).
        py_version: Python version of the image (with ``container_version``).
        container_version: Version of the image (with ``py_version``).
        image_uri: The image; else SageMaker's Spark processing image for the version.
        volume_size_in_gb: Recorded as given.
        volume_kms_key: Recorded as given.
        output_kms_key: Recorded as given.
        configuration_location: ``s3://`` prefix for ``configuration.json`` (default: the
            default bucket).
        dependency_location: ``s3://`` prefix for local dependencies (default: the default
            bucket).
        max_runtime_in_seconds: The job is stopped after this long.
        base_job_name: Job name prefix; else derived from the image.
        sagemaker_session: The session; a new :class:`~plimsoll.session.Session` when not given.
        env: Environment variables of the job.
        tags: Tags of the job.
        network_config: A :class:`~plimsoll.processing.NetworkConfig`.

    Raises:
        ValueError: Only one of ``py_version``/``container_version`` given, or no image for
            the version, Python version, region or instance type.
"""


class PySparkProcessor(_SparkProcessorBase):
    """Mirrors `sagemaker.spark.processing.PySparkProcessor`.

    Runs ``smspark-submit [--py-files X] [--jars Y] [--files Z]
    [--local-spark-event-logs-dir D] /opt/ml/processing/input/code/<app>.py`` with the
    ``arguments``; Plimsoll's Spark image runs it with the pyspark installed here.
    Deviations: see :class:`~plimsoll.processing.Processor` and the history server notes of
    :meth:`start_history_server`.
    """

    __doc__ = (__doc__ or "") + _SPARK_ARGS

    def get_run_args(  # type: ignore[override]
        self,
        submit_app: str,
        submit_py_files: list[str] | None = None,
        submit_jars: list[str] | None = None,
        submit_files: list[str] | None = None,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        job_name: str | None = None,
        configuration: list[dict[str, Any]] | dict[str, Any] | None = None,
        spark_event_logs_s3_uri: str | None = None,
    ) -> RunArgs:
        """Stages dependencies and configuration and returns the normalized :class:`RunArgs`.

        Raises:
            ValueError: As :meth:`run`.
        """
        extended_inputs, extended_outputs = self._prepare(
            submit_app,
            job_name,
            inputs,
            outputs,
            submit_py_files=submit_py_files,
            submit_jars=submit_jars,
            submit_files=submit_files,
            configuration=configuration,
            spark_event_logs_s3_uri=spark_event_logs_s3_uri,
        )
        return super().get_run_args(
            code=submit_app, inputs=extended_inputs, outputs=extended_outputs, arguments=arguments
        )

    def run(  # type: ignore[override]
        self,
        submit_app: str,
        submit_py_files: list[str] | None = None,
        submit_jars: list[str] | None = None,
        submit_files: list[str] | None = None,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: dict[str, Any] | None = None,
        configuration: list[dict[str, Any]] | dict[str, Any] | None = None,
        spark_event_logs_s3_uri: str | None = None,
        kms_key: str | None = None,
    ) -> None:
        """Runs the PySpark application ``submit_app``.

        Args:
            submit_app: Local path or ``s3://`` URI of the ``.py`` application.
            submit_py_files: Local files or ``s3://``/``s3a://`` URIs for ``--py-files``.
            submit_jars: Local files or URIs for ``--jars``.
            submit_files: Local files or URIs for ``--files``.
            inputs: The job's inputs.
            outputs: The job's outputs.
            arguments: Arguments passed to the application.
            wait: Whether to block until the job ends.
            logs: Whether to print the job's logs while waiting.
            job_name: The job name; generated when not given.
            experiment_config: ExperimentConfig of the request.
            configuration: EMR-style classifications (a dict or a list of dicts) applied to
                Spark, Hadoop and Hive settings.
            spark_event_logs_s3_uri: ``s3://`` URI the Spark event logs are uploaded to
                while the job runs.
            kms_key: Accepted; Plimsoll storage has no KMS.

        Raises:
            ValueError: ``submit_app`` missing, a bad dependency, configuration or event
                log URI, or the errors of :meth:`ScriptProcessor.run
                <plimsoll.processing.ScriptProcessor.run>`.
            UnexpectedStatusException: ``wait`` and the job ended Failed.
        """
        extended_inputs, extended_outputs = self._prepare(
            submit_app,
            job_name,
            inputs,
            outputs,
            submit_py_files=submit_py_files,
            submit_jars=submit_jars,
            submit_files=submit_files,
            configuration=configuration,
            spark_event_logs_s3_uri=spark_event_logs_s3_uri,
        )
        super().run(
            submit_app=submit_app,
            inputs=extended_inputs,
            outputs=extended_outputs,
            arguments=arguments,
            wait=wait,
            logs=logs,
            job_name=self._current_job_name,
            experiment_config=experiment_config,
            kms_key=kms_key,
        )

    def _extend_processing_args(
        self,
        inputs: list[ProcessingInput] | None,
        outputs: list[ProcessingOutput] | None,
        **kwargs: Any,
    ) -> tuple[list[ProcessingInput] | None, list[ProcessingOutput] | None]:
        extended_inputs: list[ProcessingInput] | None = copy(inputs or [])
        self.command = [_SparkProcessorBase._default_command]
        for deps, file_type in (
            (kwargs.get("submit_py_files"), FileType.PYTHON),
            (kwargs.get("submit_jars"), FileType.JAR),
            (kwargs.get("submit_files"), FileType.FILE),
        ):
            extended_inputs = self._handle_script_dependencies(extended_inputs, deps, file_type)
        return super()._extend_processing_args(extended_inputs, outputs, **kwargs)


class SparkJarProcessor(_SparkProcessorBase):
    """Mirrors `sagemaker.spark.processing.SparkJarProcessor`.

    Runs ``smspark-submit --class <submit_class> [--jars Y] [--files Z]
    [--local-spark-event-logs-dir D] /opt/ml/processing/input/code/<app>.jar`` with the
    ``arguments``. Deviations: see :class:`PySparkProcessor`.
    """

    __doc__ = (__doc__ or "") + _SPARK_ARGS

    def get_run_args(  # type: ignore[override]
        self,
        submit_app: str,
        submit_class: str | None = None,
        submit_jars: list[str] | None = None,
        submit_files: list[str] | None = None,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        job_name: str | None = None,
        configuration: list[dict[str, Any]] | dict[str, Any] | None = None,
        spark_event_logs_s3_uri: str | None = None,
    ) -> RunArgs:
        """Stages dependencies and configuration and returns the normalized :class:`RunArgs`.

        Raises:
            ValueError: As :meth:`run`.
        """
        extended_inputs, extended_outputs = self._prepare(
            submit_app,
            job_name,
            inputs,
            outputs,
            submit_class=submit_class,
            submit_jars=submit_jars,
            submit_files=submit_files,
            configuration=configuration,
            spark_event_logs_s3_uri=spark_event_logs_s3_uri,
        )
        return super().get_run_args(
            code=submit_app, inputs=extended_inputs, outputs=extended_outputs, arguments=arguments
        )

    def run(  # type: ignore[override]
        self,
        submit_app: str,
        submit_class: str,
        submit_jars: list[str] | None = None,
        submit_files: list[str] | None = None,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: dict[str, Any] | None = None,
        configuration: list[dict[str, Any]] | dict[str, Any] | None = None,
        spark_event_logs_s3_uri: str | None = None,
        kms_key: str | None = None,
    ) -> None:
        """Runs the Java/Scala application ``submit_app`` (a jar) from ``submit_class``.

        Args:
            submit_app: Local path or ``s3://`` URI of the application jar.
            submit_class: The application's main class (``--class``).
            submit_jars: Local files or ``s3://``/``s3a://`` URIs for ``--jars``.
            submit_files: Local files or URIs for ``--files``.
            inputs: The job's inputs.
            outputs: The job's outputs.
            arguments: Arguments passed to the application.
            wait: Whether to block until the job ends.
            logs: Whether to print the job's logs while waiting.
            job_name: The job name; generated when not given.
            experiment_config: ExperimentConfig of the request.
            configuration: EMR-style classifications (a dict or a list of dicts).
            spark_event_logs_s3_uri: ``s3://`` URI the Spark event logs are uploaded to.
            kms_key: Accepted; Plimsoll storage has no KMS.

        Raises:
            ValueError: ``submit_app`` or ``submit_class`` missing, a bad dependency,
                configuration or event log URI.
            UnexpectedStatusException: ``wait`` and the job ended Failed.
        """
        extended_inputs, extended_outputs = self._prepare(
            submit_app,
            job_name,
            inputs,
            outputs,
            submit_class=submit_class,
            submit_jars=submit_jars,
            submit_files=submit_files,
            configuration=configuration,
            spark_event_logs_s3_uri=spark_event_logs_s3_uri,
        )
        super().run(
            submit_app=submit_app,
            inputs=extended_inputs,
            outputs=extended_outputs,
            arguments=arguments,
            wait=wait,
            logs=logs,
            job_name=self._current_job_name,
            experiment_config=experiment_config,
            kms_key=kms_key,
        )

    def _extend_processing_args(
        self,
        inputs: list[ProcessingInput] | None,
        outputs: list[ProcessingOutput] | None,
        **kwargs: Any,
    ) -> tuple[list[ProcessingInput] | None, list[ProcessingOutput] | None]:
        self.command = [_SparkProcessorBase._default_command]
        submit_class = kwargs.get("submit_class")
        if not submit_class:
            raise ValueError("submit_class is required")
        self.command.extend(["--class", submit_class])
        extended_inputs: list[ProcessingInput] | None = copy(inputs or [])
        for deps, file_type in (
            (kwargs.get("submit_jars"), FileType.JAR),
            (kwargs.get("submit_files"), FileType.FILE),
        ):
            extended_inputs = self._handle_script_dependencies(extended_inputs, deps, file_type)
        return super()._extend_processing_args(extended_inputs, outputs, **kwargs)
