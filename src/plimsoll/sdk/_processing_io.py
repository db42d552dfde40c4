"""Job inputs and outputs of the facade: ProcessingInput/Output, S3Input, FeatureStoreOutput."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

_T = TypeVar("_T", bound="_ApiObject")


def _to_pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _to_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class _ApiObject:
    """A SageMaker API shape as a Python object with snake_case attributes.

    Like the SDK's ``ApiObject``, only the attributes given to the constructor are sent:
    class attributes are defaults for reading, not for the request.
    """

    _fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **kwargs: Any) -> None:
        unknown = set(kwargs) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} got unexpected fields {sorted(unknown)}")
        self.__dict__.update(kwargs)

    @classmethod
    def from_boto(cls: type[_T], boto_dict: Mapping[str, Any] | None, **kwargs: Any) -> _T | None:
        """Builds the object from a wire dict (PascalCase keys); ``None`` gives ``None``."""
        if boto_dict is None:
            return None
        values = {_to_snake(k): v for k, v in boto_dict.items()}
        values.update(kwargs)
        return cls(**{k: v for k, v in values.items() if k in cls._fields})

    @classmethod
    def to_boto(cls, obj: _ApiObject) -> dict[str, Any]:
        """The wire dict of ``obj``: the attributes it was given, None values left out."""
        return {_to_pascal(k): v for k, v in vars(obj).items() if v is not None}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class S3Input(_ApiObject):
    """Mirrors `sagemaker.dataset_definition.inputs.S3Input` (the ProcessingS3Input shape)."""

    _fields = (
        "s3_uri",
        "local_path",
        "s3_data_type",
        "s3_input_mode",
        "s3_data_distribution_type",
        "s3_compression_type",
    )
    s3_uri: str | None = None
    local_path: str | None = None
    s3_data_type: str | None = "S3Prefix"
    s3_input_mode: str | None = "File"
    s3_data_distribution_type: str | None = "FullyReplicated"
    s3_compression_type: str | None = None


class FeatureStoreOutput(_ApiObject):
    """Mirrors `sagemaker.processing.FeatureStoreOutput`.

    Plimsoll sends it faithfully; the service rejects it (no Feature Store, docs/compat.md).
    """

    _fields = ("feature_group_name",)
    feature_group_name: str | None = None


def _dataset_definition_to_boto(definition: Any) -> dict[str, Any]:
    if isinstance(definition, Mapping):
        return dict(definition)
    if isinstance(definition, _ApiObject):
        return type(definition).to_boto(definition)
    raise TypeError(
        f"dataset_definition must be a dict in the DatasetDefinition wire shape, "
        f"got {type(definition).__name__}"
    )


class ProcessingInput:
    """Mirrors `sagemaker.processing.ProcessingInput`.

    Deviations (docs/compat.md): a local ``source`` (plain path or ``file://``) is not
    uploaded to the default bucket; the job reads it where it is. ``dataset_definition`` and
    ``s3_input_mode="Pipe"`` are sent as given and rejected by the service.
    ``Gzip`` is accepted in ``File`` mode (SageMaker raises ``ValueError``).

    Args:
        source: An ``s3://`` URI, a local path or a ``file://`` URI.
        destination: Where the job sees it, below ``/opt/ml/processing/``.
        input_name: The input's name; ``input-<n>`` when not given.
        s3_data_type: ``S3Prefix`` or ``ManifestFile``.
        s3_input_mode: ``File`` (``Pipe`` is rejected by the service).
        s3_data_distribution_type: ``FullyReplicated`` or ``ShardedByS3Key``.
        s3_compression_type: ``None`` or ``Gzip``. Unlike SageMaker, ``Gzip`` also works
            in ``File`` mode: objects are decompressed as they are staged.
        s3_input: An :class:`S3Input` that replaces the fields above.
        dataset_definition: A DatasetDefinition wire dict (rejected by the service).
        app_managed: Whether the job fetches the data itself.
    """

    def __init__(
        self,
        source: str | None = None,
        destination: str | None = None,
        input_name: str | None = None,
        s3_data_type: str = "S3Prefix",
        s3_input_mode: str = "File",
        s3_data_distribution_type: str = "FullyReplicated",
        s3_compression_type: str = "None",
        s3_input: S3Input | None = None,
        dataset_definition: Any = None,
        app_managed: bool = False,
    ) -> None:
        self.source = source
        self.destination = destination
        self.input_name = input_name
        self.s3_data_type = s3_data_type
        self.s3_input_mode = s3_input_mode
        self.s3_data_distribution_type = s3_data_distribution_type
        self.s3_compression_type = s3_compression_type
        self.s3_input = s3_input
        self.dataset_definition = dataset_definition
        self.app_managed = app_managed
        self._create_s3_input()

    def _create_s3_input(self) -> None:
        if self.s3_input is not None:
            # The SDK back-fills the plain attributes from the S3Input the user gave.
            self.source = self.s3_input.s3_uri
            self.destination = self.s3_input.local_path
            self.s3_data_type = self.s3_input.s3_data_type or "S3Prefix"
            self.s3_input_mode = self.s3_input.s3_input_mode or "File"
            self.s3_data_distribution_type = (
                self.s3_input.s3_data_distribution_type or "FullyReplicated"
            )
            return
        if self.source and self.destination:
            self.s3_input = S3Input(
                s3_uri=self.source,
                local_path=self.destination,
                s3_data_type=self.s3_data_type,
                s3_input_mode=self.s3_input_mode,
                s3_data_distribution_type=self.s3_data_distribution_type,
                s3_compression_type=self.s3_compression_type,
            )

    def _to_request_dict(self) -> dict[str, Any]:
        """The ProcessingInput wire dict."""
        request: dict[str, Any] = {"InputName": self.input_name, "AppManaged": self.app_managed}
        if self.s3_input is not None:
            request["S3Input"] = S3Input.to_boto(self.s3_input)
        if self.dataset_definition is not None:
            request["DatasetDefinition"] = _dataset_definition_to_boto(self.dataset_definition)
        return request


class ProcessingOutput:
    """Mirrors `sagemaker.processing.ProcessingOutput`.

    Deviation (docs/compat.md): a local ``destination`` (plain path or ``file://``) is kept;
    the job writes there instead of the default bucket. ``None`` still becomes
    ``s3://<default bucket>/<job name>/output/<output name>``.

    Args:
        source: The container directory to collect, below ``/opt/ml/processing/``.
        destination: An ``s3://`` URI, a local path, a ``file://`` URI or ``None``.
        output_name: The output's name; ``output-<n>`` when not given.
        s3_upload_mode: ``EndOfJob`` or ``Continuous``.
        app_managed: Whether the job uploads the data itself.
        feature_store_output: A :class:`FeatureStoreOutput` (rejected by the service).
    """

    def __init__(
        self,
        source: str | None = None,
        destination: str | None = None,
        output_name: str | None = None,
        s3_upload_mode: str = "EndOfJob",
        app_managed: bool = False,
        feature_store_output: FeatureStoreOutput | None = None,
    ) -> None:
        self.source = source
        self.destination = destination
        self.output_name = output_name
        self.s3_upload_mode = s3_upload_mode
        self.app_managed = app_managed
        self.feature_store_output = feature_store_output

    def _to_request_dict(self) -> dict[str, Any]:
        """The ProcessingOutput wire dict."""
        request: dict[str, Any] = {"OutputName": self.output_name, "AppManaged": self.app_managed}
        if self.source is not None:
            request["S3Output"] = {
                "S3Uri": self.destination,
                "LocalPath": self.source,
                "S3UploadMode": self.s3_upload_mode,
            }
        if self.feature_store_output is not None:
            request["FeatureStoreOutput"] = FeatureStoreOutput.to_boto(self.feature_store_output)
        return request


@dataclass(slots=True)
class RunArgs:
    """Mirrors `sagemaker.processing.RunArgs`: what ``get_run_args`` returns.

    Args:
        code: The script (or, for FrameworkProcessor, the uploaded runproc.sh) to run.
        inputs: The job's inputs.
        outputs: The job's outputs.
        arguments: The arguments passed to the script.
    """

    code: str
    inputs: list[ProcessingInput] | None = None
    outputs: list[ProcessingOutput] | None = None
    arguments: list[str] | None = None
