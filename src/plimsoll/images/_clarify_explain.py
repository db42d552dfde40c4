"""The Clarify image's explainability: Kernel SHAP and PDP against the model (spec §3.1-§3.5).

The features sent to the model are every dataset column except the label, the predicted
label, ``excluded_columns`` and the join ID, in dataset order (spec §1.2). Results go to
``analysis.json`` as ``explanations.kernel_shap.<label>`` ({global_shap_values,
expected_value}) and ``explanations.pdp`` (a list, one entry per feature); with
``save_local_shap_values`` the local values go to ``explanations_shap/out.csv`` (one row per
record, columns ``<feature>_<label>``, led by the join ID column when there is one), and a
baseline the job computed (K-means, no ``baseline`` given) to ``explanations_shap/baseline.csv``.

With ``shap.text_config`` the text features are explained unit by unit
(:mod:`._clarify_text`) and the local values go to ``explanations_shap/out.jsonl`` instead.

With ``shap.image_config`` (dataset_type ``application/x-image``) each image is explained
superpixel by superpixel (:mod:`._clarify_vision`), heat maps going to ``explanations_shap/``.

A ``baseline`` given as a URI has been read into rows by the image before this module runs;
a baseline given as an object is refused with a clear message.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Any

import numpy as np

from plimsoll.compat.clarify_analysis_config import AnalysisConfig, ShapMethod
from plimsoll.engines.shap import (
    KernelShapConfig,
    kernel_shap,
    kernel_shap_section,
    local_values_table,
    pdp_section,
    resolve_baseline,
)
from plimsoll.errors import ValidationError
from plimsoll.images._clarify_dataset import Dataset, column_name
from plimsoll.images._clarify_model import ModelClient
from plimsoll.images._clarify_text import explain_text
from plimsoll.images._clarify_vision import IMAGE_DATASET_TYPE, explain_images

__all__ = ["SHAP_DIR", "explanations", "feature_columns", "feature_matrix"]

logger = logging.getLogger("analyzer")

SHAP_DIR = "explanations_shap"
LOCAL_VALUES_FILE = "out.csv"
TEXT_LOCAL_VALUES_FILE = "out.jsonl"
BASELINE_FILE = "baseline.csv"


def feature_columns(config: AnalysisConfig, dataset: Dataset) -> list[str]:
    """The columns the model sees, in dataset order."""
    names = list(dataset.columns)
    refs: list[str | int] = list(config.excluded_columns or [])
    if config.joinsource_name_or_index is not None:
        refs.append(config.joinsource_name_or_index)
    skip = {column_name(names, ref, "excluded column") for ref in refs}
    skip |= {n for n in (dataset.label, dataset.predicted_label) if n is not None}
    skip |= dataset.side_columns
    features = [n for n in names if n not in skip]
    if not features:
        raise ValidationError("The dataset has no feature columns to send to the model")
    return features


def feature_matrix(config: AnalysisConfig, dataset: Dataset) -> tuple[np.ndarray, list[str]]:
    """Rows x features: float64 when every feature is numeric, else ``object``."""
    names = feature_columns(config, dataset)
    columns = [dataset.columns[n] for n in names]
    if all(c.dtype.kind in "biuf" for c in columns):
        return np.column_stack([c.astype(np.float64) for c in columns]), names
    return np.column_stack([c.astype(object) for c in columns]), names


def _baseline(shap: ShapMethod, data: np.ndarray, names: list[str]) -> tuple[np.ndarray, bool]:
    """The baseline rows and whether the job computed them."""
    if shap.baseline is None:
        return resolve_baseline(data, num_clusters=shap.num_clusters, seed=shap.seed or 0), True
    if isinstance(shap.baseline, str) or isinstance(shap.baseline, dict):
        raise ValidationError(
            "shap baseline as an object is not supported by this Plimsoll version yet; give "
            "the baseline rows inline or as a file URI"
        )
    rows: list[list[Any]] = []
    for row in shap.baseline:
        if isinstance(row, dict):
            features = row.get("features")
            if not isinstance(features, list):
                raise ValidationError("a JSON baseline row must be {'features': [...]}")
            rows.append(features)
        else:
            rows.append(list(row))
    if any(len(r) != len(names) for r in rows):
        raise ValidationError(
            f"shap baseline rows must hold the {len(names)} feature values ({names}), "
            f"got rows of {sorted({len(r) for r in rows})}"
        )
    dtype = np.float64 if data.dtype == np.float64 else object
    try:
        baseline = np.asarray(rows, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"shap baseline rows are not numeric like the data: {exc}") from None
    return resolve_baseline(data, baseline=baseline, num_clusters=shap.num_clusters), False


def _write_csv(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    logger.info("Wrote %s", path)


def _label_headers(config: AnalysisConfig, n_outputs: int) -> list[str] | None:
    headers = config.predictor.label_headers if config.predictor else None
    if headers is None or len(headers) != n_outputs:
        return None
    return [str(h) for h in headers]


def _shap(
    config: AnalysisConfig, shap: ShapMethod, dataset: Dataset, model: ModelClient,
    output_dir: Path,
) -> dict[str, Any]:  # fmt: skip
    if shap.image_config is not None or config.dataset_type == IMAGE_DATASET_TYPE:
        return explain_images(config, shap, dataset, model, output_dir)
    data, names = feature_matrix(config, dataset)
    if shap.text_config is not None:
        return _text_shap(config, shap, dataset, data, names, model, output_dir)
    baseline, computed = _baseline(shap, data, names)
    explain = None
    if shap.features_to_explain is not None:
        explain = [names.index(column_name(names, f, "features_to_explain"))
                   for f in shap.features_to_explain]  # fmt: skip
    settings = KernelShapConfig(
        num_samples=shap.num_samples, use_logit=bool(shap.use_logit), seed=shap.seed,
        features_to_explain=explain,
    )  # fmt: skip
    result = kernel_shap(lambda rows: model.scores(rows, names), data, baseline, settings)
    headers = _label_headers(config, result.shap_values.shape[2])
    section = kernel_shap_section(
        result, names, label_headers=headers, agg_method=shap.agg_method or "mean_abs"
    )
    folder = output_dir / SHAP_DIR
    if shap.save_local_shap_values:
        ids, id_column = None, None
        if config.joinsource_name_or_index is not None:
            id_column = column_name(
                list(dataset.columns), config.joinsource_name_or_index, "joinsource"
            )
            ids = dataset.columns[id_column].tolist()
        table = local_values_table(
            result, names, label_headers=headers, ids=ids, id_column=id_column
        )
        _write_csv(folder / LOCAL_VALUES_FILE, table.to_csv())
    if computed:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(np.asarray(baseline).tolist())
        _write_csv(folder / BASELINE_FILE, buffer.getvalue())
    return section


def _text_shap(
    config: AnalysisConfig, shap: ShapMethod, dataset: Dataset, data: np.ndarray,
    names: list[str], model: ModelClient, output_dir: Path,
) -> dict[str, Any]:  # fmt: skip
    """Text features explained unit by unit (:mod:`._clarify_text`); locals to out.jsonl."""
    ids, id_column = None, None
    if config.joinsource_name_or_index is not None:
        id_column = column_name(
            list(dataset.columns), config.joinsource_name_or_index, "joinsource"
        )
        ids = dataset.columns[id_column].tolist()
    headers = config.predictor.label_headers if config.predictor else None
    result = explain_text(
        shap, data, names, lambda rows: model.scores(rows, names),
        label_headers=[str(h) for h in headers] if headers else None, ids=ids, id_column=id_column,
    )  # fmt: skip
    if shap.save_local_shap_values:
        _write_csv(output_dir / SHAP_DIR / TEXT_LOCAL_VALUES_FILE, result.to_jsonl())
    return result.section


def explanations(
    config: AnalysisConfig, dataset: Dataset, model: ModelClient, output_dir: Path
) -> dict[str, Any]:
    """``analysis.json``'s ``explanations`` object for the ``shap`` and ``pdp`` methods."""
    out: dict[str, Any] = {}
    methods = config.methods
    global_shap = None
    if methods.shap is not None:
        out["kernel_shap"] = _shap(config, methods.shap, dataset, model, output_dir)
        global_shap = next(iter(out["kernel_shap"].values()))["global_shap_values"]
    if methods.pdp is not None:
        pdp = methods.pdp
        data, names = feature_matrix(config, dataset)
        chosen = None
        if pdp.features is not None:
            chosen = [column_name(names, f, "pdp feature") for f in pdp.features]
        elif global_shap is None:
            raise ValidationError("The pdp method needs features when there is no shap method")
        probe = model.scores(data[:1], names)
        out["pdp"] = pdp_section(
            lambda rows: model.scores(rows, names), data, names, features=chosen,
            global_shap=global_shap, top_k_features=pdp.top_k_features or 10,
            grid_resolution=pdp.grid_resolution,
            label_headers=_label_headers(config, probe.shape[1]),
        )  # fmt: skip
    return out
