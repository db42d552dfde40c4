"""From local SHAP values to what Clarify writes: global values and the local table (§3.4).

``explanations.kernel_shap.<label>`` holds ``global_shap_values`` ({feature: value}, the
``agg_method`` aggregate over every explained record) and ``expected_value`` (link space);
``explanations_shap/out.csv`` holds one row per record with columns ``<feature>_<label>``.
Labels are ``label0, label1, ...`` unless ``label_headers`` name them. With several outputs
the out.csv columns run label-major (every feature for the first label, then the next); the
AWS docs do not show a multi-output file, so this order is an assumption.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from plimsoll.engines.shap.kernel import ShapResult
from plimsoll.errors import EngineError, InsufficientData

__all__ = [
    "AggMethod",
    "LocalValuesTable",
    "aggregate_shap",
    "kernel_shap_section",
    "label_names",
    "local_values_table",
]

AggMethod = Literal["mean_abs", "median", "mean_sq"]
_AGG_METHODS = ("mean_abs", "median", "mean_sq")


def aggregate_shap(shap_values: np.ndarray, agg_method: str = "mean_abs") -> NDArray[np.float64]:
    """Aggregate local values over records (axis 0): mean |phi|, median phi, or mean phi^2.

    ``median`` is of the signed values, as Clarify documents. Example::

        >>> aggregate_shap(np.array([[1.0], [-3.0]]), "mean_abs").tolist()
        [2.0]
    """
    values = np.asarray(shap_values, dtype=np.float64)
    if values.shape[0] == 0:
        raise InsufficientData("no explained records to aggregate SHAP values over")
    if agg_method == "mean_abs":
        return np.asarray(np.abs(values).mean(axis=0), dtype=np.float64)
    if agg_method == "median":
        return np.asarray(np.median(values, axis=0), dtype=np.float64)
    if agg_method == "mean_sq":
        return np.asarray((values**2).mean(axis=0), dtype=np.float64)
    raise EngineError(f"agg_method must be one of {', '.join(_AGG_METHODS)}, got {agg_method!r}")


def label_names(n_outputs: int, label_headers: Sequence[str] | None = None) -> list[str]:
    """``label_headers`` when given (one per output), else ``label0 .. label{n-1}``."""
    if label_headers is None:
        return [f"label{i}" for i in range(n_outputs)]
    headers = [str(h) for h in label_headers]
    if len(headers) != n_outputs:
        raise EngineError(
            f"{len(headers)} label_headers given for a model with {n_outputs} outputs"
        )
    return headers


def _explained_names(result: ShapResult, feature_names: Sequence[str]) -> list[str]:
    if result.shap_values.ndim != 3:
        raise EngineError("shap_values must be records x features x outputs")
    width = max(result.feature_indices, default=-1) + 1
    if len(feature_names) < width:
        raise EngineError(f"{len(feature_names)} feature names for {width} feature columns")
    return [str(feature_names[i]) for i in result.feature_indices]


def kernel_shap_section(
    result: ShapResult,
    feature_names: Sequence[str],
    *,
    label_headers: Sequence[str] | None = None,
    agg_method: str = "mean_abs",
) -> dict[str, dict[str, Any]]:
    """``explanations.kernel_shap``: {label: {global_shap_values, expected_value}}.

    ``feature_names`` names every column of the explained records (the result picks its
    ``feature_indices`` out of them).
    """
    names = _explained_names(result, feature_names)
    labels = label_names(result.shap_values.shape[2], label_headers)
    agg = aggregate_shap(result.shap_values, agg_method)
    return {
        label: {
            "global_shap_values": {name: float(agg[j, k]) for j, name in enumerate(names)},
            "expected_value": float(result.expected_value[k]),
        }
        for k, label in enumerate(labels)
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalValuesTable:
    """The rows of ``out.csv``: header ``columns`` and one value list per record."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def to_csv(self) -> str:
        """CSV text with a header line; floats printed with Python's shortest repr."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buffer.getvalue()


def local_values_table(
    result: ShapResult,
    feature_names: Sequence[str],
    *,
    label_headers: Sequence[str] | None = None,
    ids: Sequence[Any] | None = None,
    id_column: str | None = None,
) -> LocalValuesTable:
    """The local SHAP values table, in record order, optionally led by the join ID column.

    Example: features ``age, hours`` and one output give columns
    ``age_label0, hours_label0``; with ``ids`` and ``id_column="id"`` the first is ``id``.
    """
    names = _explained_names(result, feature_names)
    values = result.shap_values
    labels = label_names(values.shape[2], label_headers)
    columns = [f"{name}_{label}" for label in labels for name in names]
    flat = values.transpose(0, 2, 1).reshape(values.shape[0], -1)
    body: list[tuple[Any, ...]] = [tuple(float(v) for v in row) for row in flat]
    if ids is not None:
        if len(ids) != len(body):
            raise EngineError(f"{len(ids)} ids for {len(body)} explained records")
        columns.insert(0, id_column or "id")
        body = [(ident, *row) for ident, row in zip(ids, body, strict=True)]
    return LocalValuesTable(columns=tuple(columns), rows=tuple(body))
