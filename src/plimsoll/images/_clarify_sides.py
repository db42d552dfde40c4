"""Facets and predicted labels kept in files of their own, joined to the main dataset.

``facet_dataset_uri`` + ``facet_headers`` and ``predicted_label_dataset_uri`` +
``predicted_label_headers`` (CSV only, spec clarify.md §1.2) name files whose columns are
analysed with the main dataset but are not features: the model never sees them. They are
lined up with the main dataset's rows in one of two ways:

* with ``joinsource_name_or_index``, on that ID column, which both files must hold: every main
  row must find exactly one side row (an ID missing from the side file, or there twice, is an
  error that names how many rows and which IDs, never a silent drop); side rows with IDs the
  main dataset lacks are ignored, as an SQL left join would;
* without it, by position: the files must have the same number of rows.

The predicted-label column is ``predicted_label`` from the config, else ``"predicted_label"``
(the SDK's default name), and must be one of ``predicted_label_headers``.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from plimsoll.compat.clarify_analysis_config import AnalysisConfig
from plimsoll.errors import ValidationError
from plimsoll.images._clarify_dataset import Dataset, column_name, csv_columns
from plimsoll.images._clarify_sources import Sources

__all__ = ["DEFAULT_PREDICTED_LABEL", "attach_side_datasets"]

logger = logging.getLogger("analyzer")

DEFAULT_PREDICTED_LABEL = "predicted_label"
_SHOWN_IDS = 5


def _key(value: Any) -> Any:
    """An ID as a join key: ``7`` and ``7.0`` (a column read as float) are the same ID."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _positions(main_ids: npt.NDArray[Any], side_ids: npt.NDArray[Any], what: str) -> list[int]:
    """For each main row, the index of the side row with the same ID."""
    index: dict[Any, int] = {}
    doubled = []
    for position, value in enumerate(side_ids.tolist()):
        key = _key(value)
        if key in index:
            doubled.append(value)
        index[key] = position
    wanted = {_key(v) for v in main_ids.tolist()}
    doubled = [v for v in doubled if _key(v) in wanted]
    if doubled:
        raise ValidationError(
            f"The {what} dataset has {len(doubled)} duplicate join IDs, e.g. "
            f"{doubled[:_SHOWN_IDS]}; each ID must appear once"
        )
    missing = [v for v in main_ids.tolist() if _key(v) not in index]
    if missing:
        raise ValidationError(
            f"{len(missing)} rows of the dataset have no match in the {what} dataset on the "
            f"join column, e.g. IDs {missing[:_SHOWN_IDS]}"
        )
    return [index[_key(v)] for v in main_ids.tolist()]


def _side(
    config: AnalysisConfig, dataset: Dataset, columns: dict[str, Any], what: str
) -> dict[str, Any]:
    """The side file's columns in the main dataset's row order, join column dropped."""
    rows = next(iter(columns.values())).size if columns else 0
    if config.joinsource_name_or_index is None:
        if rows != dataset.rows:
            raise ValidationError(
                f"The {what} dataset has {rows} rows and the dataset {dataset.rows}: without "
                "joinsource_name_or_index they must have the same number of rows"
            )
        return columns
    join = column_name(list(dataset.columns), config.joinsource_name_or_index, "joinsource")
    if join not in columns:
        raise ValidationError(
            f"The {what} dataset has no join column {join!r} (its columns: {list(columns)})"
        )
    order = np.asarray(_positions(dataset.columns[join], columns[join], what), dtype=np.int64)
    return {name: column[order] for name, column in columns.items() if name != join}


def _add(dataset: Dataset, extra: dict[str, Any], what: str) -> Dataset:
    clash = sorted(set(extra) & set(dataset.columns))
    if clash:
        raise ValidationError(f"The {what} dataset repeats columns of the dataset: {clash}")
    return replace(
        dataset,
        columns={**dataset.columns, **extra},
        side_columns=dataset.side_columns | frozenset(extra),
    )


def attach_side_datasets(config: AnalysisConfig, dataset: Dataset, sources: Sources) -> Dataset:
    """The dataset plus the facet and predicted-label files' columns, when the config has them.

    Raises:
        ValidationError: A file cannot be read, has other rows than the dataset, misses IDs,
            repeats a column, or lacks the predicted-label column.
    """
    if config.facet_dataset_uri is not None:
        path = sources.local(config.facet_dataset_uri, "facet_dataset_uri")
        columns = _side(config, dataset, csv_columns(path, config.facet_headers), "facet")
        dataset = _add(dataset, columns, "facet")
        logger.info("Facet dataset %s: columns %s", config.facet_dataset_uri, list(columns))
    if config.predicted_label_dataset_uri is not None:
        path = sources.local(config.predicted_label_dataset_uri, "predicted_label_dataset_uri")
        raw = csv_columns(path, config.predicted_label_headers)
        name = config.predicted_label
        predicted = column_name(
            list(raw), DEFAULT_PREDICTED_LABEL if name is None else name, "predicted_label"
        )
        columns = _side(config, dataset, raw, "predicted label")
        dataset = replace(_add(dataset, columns, "predicted label"), predicted_label=predicted)
        logger.info("Predicted-label dataset %s: column %s", config.predicted_label_dataset_uri,
                    predicted)  # fmt: skip
    return dataset
