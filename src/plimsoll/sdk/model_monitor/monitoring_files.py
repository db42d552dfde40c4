"""Mirrors `sagemaker.model_monitor.monitoring_files`: statistics, constraints, violations."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from plimsoll.sdk.session import Session

__all__ = ["ConstraintViolations", "Constraints", "ModelMonitoringFile", "Statistics"]


class ModelMonitoringFile:
    """Mirrors `sagemaker.model_monitor.monitoring_files.ModelMonitoringFile`.

    Deviation (docs/compat.md): ``file_s3_uri`` may also be a local path or ``file://`` URI.
    """

    DEFAULT_FILE_NAME = ""

    def __init__(
        self,
        body_dict: dict[str, Any],
        file_s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> None:
        self.body_dict = body_dict
        self.file_s3_uri = file_s3_uri
        self.kms_key = kms_key
        self.session = sagemaker_session or Session()

    def save(self, new_save_location_s3_uri: str | None = None) -> str:
        """Writes ``body_dict`` (as JSON) to its URI, or to a new one; returns the URI."""
        if new_save_location_s3_uri is not None:
            self.file_s3_uri = new_save_location_s3_uri
        _write(self.session, self.file_s3_uri, json.dumps(self.body_dict).encode())
        return self.file_s3_uri

    @classmethod
    def from_s3_uri(
        cls,
        statistics_file_s3_uri: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> Any:  # noqa: ANN401 - the subclass
        session = sagemaker_session or Session()
        try:
            body = json.loads(_read(session, statistics_file_s3_uri))
        except FileNotFoundError as exc:
            raise ValueError(f"No {cls.DEFAULT_FILE_NAME} at {statistics_file_s3_uri}") from exc
        return cls(body, statistics_file_s3_uri, kms_key, session)

    @classmethod
    def from_string(
        cls,
        statistics_file_string: str,
        kms_key: str | None = None,
        file_name: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> Any:  # noqa: ANN401 - the subclass
        session = sagemaker_session or Session()
        uri = (
            f"s3://{session.default_bucket()}/monitoring/{uuid.uuid4()}/"
            f"{file_name or cls.DEFAULT_FILE_NAME}"
        )
        _write(session, uri, statistics_file_string.encode())
        return cls.from_s3_uri(uri, kms_key, session)

    @classmethod
    def from_file_path(
        cls,
        statistics_file_path: str,
        kms_key: str | None = None,
        sagemaker_session: Session | None = None,
    ) -> Any:  # noqa: ANN401 - the subclass
        text = Path(statistics_file_path).read_text()
        return cls.from_string(text, kms_key, Path(statistics_file_path).name, sagemaker_session)


class Statistics(ModelMonitoringFile):
    """Mirrors `sagemaker.model_monitor.Statistics` (``statistics.json``)."""

    DEFAULT_FILE_NAME = "statistics.json"


class Constraints(ModelMonitoringFile):
    """Mirrors `sagemaker.model_monitor.Constraints` (``constraints.json``)."""

    DEFAULT_FILE_NAME = "constraints.json"

    def set_monitoring(self, enable_monitoring: bool, feature_name: str | None = None) -> None:
        """Turns constraint evaluation on or off, for every feature or one (as the SDK does:
        a feature's override goes under its ``string_constraints``)."""
        flag = "Enabled" if enable_monitoring else "Disabled"
        if feature_name is None:
            self.body_dict.setdefault("monitoring_config", {})["evaluate_constraints"] = flag
            return
        for feature in self.body_dict.get("features", []):
            if feature.get("name") == feature_name:
                overrides = feature.setdefault("string_constraints", {})
                overrides.setdefault("monitoring_config_overrides", {})["evaluate_constraints"] = (
                    flag
                )
                return
        raise ValueError(f"There is no feature {feature_name!r} in these constraints")


class ConstraintViolations(ModelMonitoringFile):
    """Mirrors `sagemaker.model_monitor.ConstraintViolations` (``constraint_violations.json``)."""

    DEFAULT_FILE_NAME = "constraint_violations.json"


def _read(session: Session, uri: str) -> bytes:
    return session._storage_for(uri).read_bytes(uri)  # noqa: SLF001 - same facade package


def _write(session: Session, uri: str, data: bytes) -> None:
    session._storage_for(uri).write_bytes(uri, data)  # noqa: SLF001 - same facade package
