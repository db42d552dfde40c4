"""Mirrors `sagemaker.model_monitor.dataset_format`: input formats of baselines and monitors."""

from __future__ import annotations

from typing import Any

__all__ = ["DatasetFormat", "MonitoringDatasetFormat"]


class DatasetFormat:
    """Mirrors `sagemaker.model_monitor.dataset_format.DatasetFormat` (baselining jobs).

    The dict is what the analyzer reads from its ``dataset_format`` environment variable.
    """

    @staticmethod
    def csv(header: bool = True, output_columns_position: str = "START") -> dict[str, Any]:
        if output_columns_position not in ("START", "END"):
            raise ValueError(
                f"output_columns_position must be START or END, got {output_columns_position!r}"
            )
        return {"csv": {"header": header, "output_columns_position": output_columns_position}}

    @staticmethod
    def json(lines: bool = True) -> dict[str, Any]:
        return {"json": {"lines": lines}}

    @staticmethod
    def sagemaker_capture_json() -> dict[str, Any]:
        return {"sagemakerCaptureJson": {}}


class MonitoringDatasetFormat:
    """Mirrors `sagemaker.model_monitor.dataset_format.MonitoringDatasetFormat` (batch input)."""

    @staticmethod
    def csv(header: bool = True) -> dict[str, Any]:
        return {"Csv": {"Header": header}}

    @staticmethod
    def json(lines: bool = True) -> dict[str, Any]:
        return {"Json": {"Line": lines}}

    @staticmethod
    def parquet() -> dict[str, Any]:
        return {"Parquet": {}}
