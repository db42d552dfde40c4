"""``FrameworkProcessor``: packs ``sourcedir.tar.gz``, writes ``runproc.sh`` and runs them."""

from __future__ import annotations

import logging
import os
import shlex
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from plimsoll.compat.container_paths import CODE_DIR
from plimsoll.sdk import s3
from plimsoll.sdk._network import NetworkConfig
from plimsoll.sdk._processing_io import ProcessingInput, ProcessingOutput, RunArgs
from plimsoll.sdk._processor import _DEPRECATED_RUN_ARGS, ScriptProcessor
from plimsoll.sdk._uris import local_path_of
from plimsoll.sdk.session import Session

logger = logging.getLogger(__name__)

SOURCE_TARBALL = "sourcedir.tar.gz"
RUNPROC = "runproc.sh"


def generate_framework_script(command: list[str], user_script: str) -> str:
    """The ``runproc.sh`` bootstrap: unpack the bundle, install requirements, run the script.

    ``user_script`` is the entry point's path inside the bundle; the job's arguments are
    forwarded to it.
    """
    return (
        "#!/bin/bash\n"
        "\n"
        f"cd {CODE_DIR}/\n"
        f"tar -xzf {SOURCE_TARBALL}\n"
        "\n"
        "# Exit on any error: the exit code marks the job Failed.\n"
        "set -e\n"
        "\n"
        "if [[ -f 'requirements.txt' ]]; then\n"
        "    # Some images ship the old 'typing' backport, which can break pip install.\n"
        "    pip uninstall --yes typing || true\n"
        "\n"
        "    pip install -r requirements.txt\n"
        "fi\n"
        "\n"
        f'exec {" ".join(command)} {shlex.quote(user_script)} "$@"\n'
    )


def pack_source(code: str, source_dir: str | None, dependencies: list[str], target: Path) -> str:
    """Writes ``sourcedir.tar.gz`` to ``target`` and returns the entry point's name in it.

    The bundle holds the entry point (or the contents of ``source_dir``, which must contain
    it) and each ``dependencies`` directory at its top level, as the SDK packs it.

    Raises:
        ValueError: The entry point or a dependency does not exist.
    """
    if source_dir:
        if not os.path.isfile(os.path.join(source_dir, code)):
            raise ValueError(f'No file named "{code}" was found in directory "{source_dir}".')
        members = [os.path.join(source_dir, name) for name in sorted(os.listdir(source_dir))]
        script_name = code
    else:
        code_path = local_path_of(code)
        if not os.path.isfile(code_path):
            raise ValueError(f"code {code} wasn't found or is not a file. Please pass a file.")
        members = [code_path]
        script_name = os.path.basename(code_path)
    for dependency in dependencies:
        if not os.path.exists(dependency):
            raise ValueError(f"dependency {dependency} wasn't found.")
        members.append(dependency)
    with tarfile.open(target, mode="w:gz", dereference=True) as tar:
        for member in members:
            tar.add(member, arcname=os.path.basename(os.path.normpath(member)))
    return script_name


class FrameworkProcessor(ScriptProcessor):
    """Mirrors `sagemaker.processing.FrameworkProcessor`.

    ``run`` packs ``code`` (with ``source_dir`` and ``dependencies``) into
    ``sourcedir.tar.gz``, uploads it with a generated ``runproc.sh`` to
    ``<code_location or s3://<default bucket>>/<job name>/source/``, and runs
    ``/bin/bash /opt/ml/processing/input/entrypoint/runproc.sh``, which unpacks the bundle
    into ``/opt/ml/processing/input/code/``, pip-installs its ``requirements.txt`` and runs
    ``<command> <code>``.

    Deviations (docs/compat.md):

    * Plimsoll has no framework Estimator classes. ``estimator_cls`` may be ``None`` or any
      class; it names the job (``estimator_cls._framework_name``) but cannot give an image,
      so ``image_uri`` is required.
    * ``git_config`` is not supported (jobs have no network): ``ValueError``.
    * ``runproc.sh`` ``exec``\\ s the command, so a stop signal reaches the script.
    * Other deviations: see :class:`~plimsoll.processing.Processor`.

    Args:
        estimator_cls: ``None`` or a class; only its ``_framework_name`` is used.
        framework_version: Recorded; ignored when ``image_uri`` is given (always here).
        role: IAM role name or ARN (any string; ``None`` allowed).
        instance_count: Number of hosts.
        instance_type: Instance type, recorded as given.
        py_version: Recorded.
        image_uri: The image to run (required in Plimsoll).
        command: The command that runs the entry point (default ``["python"]``).
        volume_size_in_gb: Recorded as given.
        volume_kms_key: Recorded as given.
        output_kms_key: Recorded as given.
        code_location: ``s3://`` prefix for the bundle (default: the default bucket).
        max_runtime_in_seconds: The job is stopped after this long.
        base_job_name: Job name prefix; else the framework name, else from the image.
        sagemaker_session: The session; a new :class:`Session` when not given.
        env: Environment variables of the job.
        tags: Tags of the job.
        network_config: A :class:`NetworkConfig`.

    Raises:
        ValueError: ``image_uri`` is missing.
    """

    framework_entrypoint_command = ["/bin/bash"]

    def __init__(
        self,
        estimator_cls: type | None,
        framework_version: str | None,
        role: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        py_version: str = "py3",
        image_uri: str | None = None,
        command: list[str] | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        code_location: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: NetworkConfig | None = None,
    ) -> None:
        self.estimator_cls = estimator_cls
        self.framework_version = framework_version
        self.py_version = py_version
        if image_uri is None:
            framework = getattr(estimator_cls, "__name__", None) or "a framework"
            raise ValueError(
                f"FrameworkProcessor needs image_uri in Plimsoll: there is no {framework} "
                f"estimator to resolve an image for framework_version={framework_version!r}. "
                "Pass image_uri=... (any name your image rules map to a Python environment)."
            )
        super().__init__(
            role=role,
            image_uri=image_uri,
            command=command or ["python"],
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            base_job_name=base_job_name,
            sagemaker_session=sagemaker_session,
            env=env,
            tags=tags,
            network_config=network_config,
        )
        # The bundle takes the "code" input; runproc.sh goes in as "entrypoint".
        self._CODE_CONTAINER_INPUT_NAME = "entrypoint"
        self.code_location = code_location.rstrip("/") if code_location else code_location
        if base_job_name is None:
            self.base_job_name = getattr(estimator_cls, "_framework_name", None) or None

    def get_run_args(  # type: ignore[override]
        self,
        code: str,
        source_dir: str | None = None,
        dependencies: list[str] | None = None,
        git_config: dict[str, str] | None = None,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        job_name: str | None = None,
    ) -> RunArgs:
        """Uploads the bundle and returns :class:`RunArgs` whose ``code`` is ``runproc.sh``."""
        logger.warning(_DEPRECATED_RUN_ARGS)
        runproc, inputs, _ = self._pack_and_upload_code(
            code, source_dir, dependencies, git_config, job_name, inputs
        )
        return RunArgs(runproc, inputs=inputs, outputs=outputs, arguments=arguments)

    def run(  # type: ignore[override]
        self,
        code: str,
        source_dir: str | None = None,
        dependencies: list[str] | None = None,
        git_config: dict[str, str] | None = None,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: dict[str, Any] | None = None,
        kms_key: str | None = None,
    ) -> None:
        """Runs ``code`` with its ``source_dir`` and ``dependencies``.

        Args:
            code: The entry point: a local file (inside ``source_dir`` when that is given,
                relative to it), or an ``s3://`` URI of a shell script, which is then run
                as is and ``source_dir``/``dependencies`` are ignored (as in the SDK).
            source_dir: A local directory whose contents go in the bundle, or the
                ``s3://`` URI of a ready ``sourcedir.tar.gz``.
            dependencies: Local directories copied to the bundle's top level.
            git_config: Not supported in Plimsoll.
            inputs: The job's inputs.
            outputs: The job's outputs.
            arguments: Arguments passed to the entry point.
            wait: Whether to block until the job ends.
            logs: Whether to print the job's logs while waiting.
            job_name: The job name; generated when not given.
            experiment_config: ExperimentConfig of the request.
            kms_key: Accepted; Plimsoll storage has no KMS.

        Raises:
            ValueError: ``git_config`` given, or the entry point is missing.
            RuntimeError: An ``s3://`` ``source_dir`` is not named ``sourcedir.tar.gz``.
            UnexpectedStatusException: ``wait`` and the job ended Failed.
        """
        runproc, inputs, job_name = self._pack_and_upload_code(
            code, source_dir, dependencies, git_config, job_name, inputs, kms_key
        )
        super().run(
            code=runproc,
            inputs=inputs,
            outputs=outputs,
            arguments=arguments,
            wait=wait,
            logs=logs,
            job_name=job_name,
            experiment_config=experiment_config,
            kms_key=kms_key,
        )

    def _pack_and_upload_code(
        self,
        code: str,
        source_dir: str | None,
        dependencies: list[str] | None,
        git_config: dict[str, str] | None,
        job_name: str | None,
        inputs: list[ProcessingInput] | None,
        kms_key: str | None = None,
    ) -> tuple[str, list[ProcessingInput] | None, str | None]:
        if git_config:
            raise ValueError("git_config is not supported by Plimsoll (no network)")
        if code.startswith("s3://"):
            return code, inputs, job_name
        if job_name is None:
            job_name = self._generate_current_job_name(job_name)
        bundle_uri, script = self._upload_payload(code, source_dir, dependencies or [], job_name)
        inputs = [
            *(inputs or []),
            ProcessingInput(input_name="code", source=bundle_uri, destination=f"{CODE_DIR}/"),
        ]
        if f"/{SOURCE_TARBALL}" not in bundle_uri:
            raise RuntimeError("S3 source_dir file must be named `sourcedir.tar.gz.`")
        runproc_uri = s3.S3Uploader.upload_string_as_file_body(
            generate_framework_script(self.command or [], script),
            desired_s3_uri=bundle_uri.replace(SOURCE_TARBALL, RUNPROC),
            kms_key=kms_key or self.output_kms_key,
            sagemaker_session=self.sagemaker_session,
        )
        logger.info("runproc.sh uploaded to %s", runproc_uri)
        return runproc_uri, inputs, job_name

    def _upload_payload(
        self, code: str, source_dir: str | None, dependencies: list[str], job_name: str
    ) -> tuple[str, str]:
        """Uploads ``sourcedir.tar.gz``; returns its URI and the entry point's name in it."""
        if source_dir and source_dir.lower().startswith("s3://"):
            return source_dir, code
        if self.code_location:
            bucket, key_prefix = s3.parse_s3_url(self.code_location)
        else:
            bucket = self.sagemaker_session.default_bucket()
            key_prefix = self.sagemaker_session.default_bucket_prefix or ""
        destination = s3.s3_path_join("s3://", bucket, key_prefix, job_name, "source")
        with tempfile.TemporaryDirectory(prefix="plimsoll-sourcedir-") as tmp:
            tarball = Path(tmp) / SOURCE_TARBALL
            script = pack_source(code, source_dir, dependencies, tarball)
            uri = s3.S3Uploader.upload(
                local_path=str(tarball),
                desired_s3_uri=destination,
                sagemaker_session=self.sagemaker_session,
            )
        logger.info("Uploaded %s to %s", source_dir or code, uri)
        return uri, script

    def _set_entrypoint(self, command: list[str], user_script_name: str) -> None:
        super()._set_entrypoint(self.framework_entrypoint_command, user_script_name)
