"""Partial dependence as Clarify reports it (spec §3.5; the container is closed, so inferred).

Features: ``features`` if given, else the ``top_k_features`` with the largest global SHAP
value. A numerical feature's [min, max] is cut into ``grid_resolution`` equal-width buckets:
``feature_values`` are the bucket centres, ``data_distribution`` the fraction of rows per
bucket (the top edge belongs to the last bucket, as in ``np.histogram``), and
``model_predictions[k][i]`` the mean of model output k over every row with the feature set to
centre i. A categorical feature uses its distinct values instead of centres. A constant
numerical column gives one grid point. All rows for several grid points go to the model in one
call (up to ``max_rows_per_call``).

Example::

    >>> data = np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]])
    >>> entries = pdp_section(lambda r: 2 * r[:, 0], data, ["a", "b"], features=["a"],
    ...                       grid_resolution=2)
    >>> entries[0]["feature_values"], entries[0]["model_predictions"]
    ([0.5, 1.5], [[1.0, 3.0]])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plimsoll.engines.shap.aggregate import label_names
from plimsoll.engines.shap.kernel import PredictFn
from plimsoll.errors import EngineError

__all__ = ["PartialDependence", "partial_dependence", "pdp_section", "select_pdp_features"]

_MAX_ROWS_PER_CALL = 200_000


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class PartialDependence:
    """One feature's curve: ``predictions[k, i]`` = mean output k at ``values[i]``."""

    data_type: str
    values: list[Any]
    distribution: list[float]
    predictions: NDArray[np.float64]


def select_pdp_features(
    feature_names: Sequence[str],
    *,
    features: Sequence[str] | None = None,
    global_shap: Mapping[str, float] | None = None,
    top_k_features: int = 10,
) -> list[str]:
    """``features`` as given, else the top ``top_k_features`` by |global SHAP| (stable ties)."""
    if features is not None:
        unknown = [f for f in features if f not in feature_names]
        if unknown:
            raise EngineError(f"PDP features not in the dataset: {unknown}")
        return list(features)
    if global_shap is None:
        raise EngineError("PDP needs either features or global SHAP values to pick the top ones")
    ranked = sorted(
        (name for name in feature_names if name in global_shap),
        key=lambda name: -abs(float(global_shap[name])),
    )
    return ranked[: max(top_k_features, 0)]


def partial_dependence(
    predict: PredictFn,
    data: np.ndarray,
    column: int,
    *,
    grid_resolution: int = 15,
    categorical: bool | None = None,
    max_rows_per_call: int = _MAX_ROWS_PER_CALL,
) -> PartialDependence:
    """The partial dependence of ``predict`` on ``data[:, column]``.

    ``categorical=None`` decides from the values: numbers are numerical, anything else is
    categorical.
    """
    rows = np.asarray(data)
    if rows.ndim != 2 or rows.shape[0] == 0:
        raise EngineError("partial dependence needs a non-empty 2-D dataset")
    if grid_resolution < 1:
        raise EngineError(f"grid_resolution must be positive, got {grid_resolution}")
    numeric = _as_float(rows[:, column]) if categorical is not True else None
    if numeric is not None:
        values, distribution = _numeric_grid(numeric, grid_resolution)
        data_type = "numerical"
    else:
        values, distribution = _categories(rows[:, column])
        data_type = "categorical"
    grid = np.asarray(values, dtype=rows.dtype if data_type == "categorical" else None)
    if data_type == "numerical" and not np.issubdtype(rows.dtype, np.floating):
        rows = rows.astype(np.float64) if rows.dtype != object else rows
    predictions = _mean_predictions(predict, rows, column, grid, max_rows_per_call)
    return PartialDependence(
        data_type=data_type, values=values, distribution=distribution, predictions=predictions
    )


def pdp_section(
    predict: PredictFn,
    data: np.ndarray,
    feature_names: Sequence[str],
    *,
    features: Sequence[str] | None = None,
    global_shap: Mapping[str, float] | None = None,
    top_k_features: int = 10,
    grid_resolution: int = 15,
    label_headers: Sequence[str] | None = None,
    categorical_features: Sequence[str] = (),
    text_features: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """``explanations.pdp``: one entry per chosen feature, or ``{..., "error"}`` if it fails."""
    names = [str(n) for n in feature_names]
    chosen = select_pdp_features(
        names, features=features, global_shap=global_shap, top_k_features=top_k_features
    )
    entries: list[dict[str, Any]] = []
    for name in chosen:
        if name in text_features:
            entries.append(
                {"feature_name": name, "data_type": "text", "error": "PDP does not support text"}
            )
            continue
        is_cat = True if name in categorical_features else None
        try:
            pd = partial_dependence(
                predict,
                data,
                names.index(name),
                grid_resolution=grid_resolution,
                categorical=is_cat,
            )
        except EngineError as exc:
            kind = "categorical" if is_cat else "numerical"
            entries.append({"feature_name": name, "data_type": kind, "error": exc.message})
            continue
        entries.append(
            {
                "feature_name": name,
                "data_type": pd.data_type,
                "feature_values": pd.values,
                "data_distribution": pd.distribution,
                "model_predictions": pd.predictions.tolist(),
                "label_headers": label_names(pd.predictions.shape[0], label_headers),
            }
        )
    return entries


def _as_float(column: np.ndarray) -> NDArray[np.float64] | None:
    try:
        return np.asarray(column.astype(np.float64), dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _numeric_grid(column: NDArray[np.float64], resolution: int) -> tuple[list[Any], list[float]]:
    finite = column[np.isfinite(column)]
    if finite.size == 0:
        raise EngineError("the feature has no finite values")
    lo, hi = float(finite.min()), float(finite.max())
    if lo == hi:
        return [lo], [finite.size / column.size]
    edges = np.linspace(lo, hi, resolution + 1)
    counts, _ = np.histogram(finite, bins=edges)
    centres = (edges[:-1] + edges[1:]) / 2.0
    return [float(c) for c in centres], [float(c) / column.size for c in counts]


def _categories(column: np.ndarray) -> tuple[list[Any], list[float]]:
    try:
        uniques, counts = np.unique(column, return_counts=True)
        values = [u.item() if isinstance(u, np.generic) else u for u in uniques]
        freq = [int(c) for c in counts]
    except TypeError:  # mixed types that do not sort: first-appearance order
        tally: dict[Any, int] = {}
        for v in column.tolist():
            tally[v] = tally.get(v, 0) + 1
        values, freq = list(tally), list(tally.values())
    return values, [c / column.size for c in freq]


def _mean_predictions(
    predict: PredictFn, rows: np.ndarray, column: int, grid: np.ndarray, max_rows: int
) -> NDArray[np.float64]:
    """``(n_outputs, len(grid))``: mean prediction with the column pinned to each grid value."""
    n = rows.shape[0]
    per_call = max(1, max_rows // n)
    means: list[NDArray[np.float64]] = []
    for start in range(0, len(grid), per_call):
        chunk = grid[start : start + per_call]
        tiled = np.tile(rows, (len(chunk), 1))
        tiled[:, column] = np.repeat(chunk, n)
        out = np.asarray(predict(tiled), dtype=np.float64)
        out = out[:, None] if out.ndim == 1 else out
        if out.ndim != 2 or out.shape[0] != tiled.shape[0]:
            raise EngineError(f"the model returned {out.shape} for {tiled.shape[0]} rows")
        if not np.all(np.isfinite(out)):
            raise EngineError("the model returned NaN or infinite predictions")
        means.append(out.reshape(len(chunk), n, -1).mean(axis=1))
    return np.asarray(np.concatenate(means).T, dtype=np.float64)
