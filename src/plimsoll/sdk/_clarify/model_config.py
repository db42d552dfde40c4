"""Which model a Clarify job calls (`ModelConfig`) and how to read its answer.

Mirrors `sagemaker.clarify.ModelConfig` and `ModelPredictedLabelConfig` (SDK v2.199): same
parameters, defaults, ``get_predictor_config()`` results and validation errors. One deviation:
where the SDK uses a bare ``assert`` (model vs endpoint, endpoint_name_prefix), we raise the
same ``AssertionError`` explicitly, with a message, so that it survives ``python -O``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from plimsoll.compat.clarify_analysis_config import ENDPOINT_NAME_PREFIX_PATTERN
from plimsoll.sdk._clarify.data_config import set_if_given

__all__ = ["ModelConfig", "ModelPredictedLabelConfig"]

# ModelConfig's own lists: wider than the schema's for content_type ("image/jpg").
_ACCEPT_TYPES = ("text/csv", "application/jsonlines", "application/json")
_CONTENT_TYPES = (
    "text/csv",
    "application/jsonlines",
    "application/json",
    "image/jpeg",
    "image/jpg",
    "image/png",
    "application/x-npy",
)


def _check_templates(
    content_type: str, content_template: str | None, record_template: str | None
) -> None:
    """JSON Lines and JSON requests need templates to build a request from a record."""
    if content_type == "application/jsonlines":
        if content_template is None:
            raise ValueError(f"content_template field is required for content_type {content_type}")
        if "$features" not in content_template:
            raise ValueError(
                f"Invalid content_template {content_template}."
                " Please include a placeholder $features."
            )
    if content_type == "application/json":
        if content_template is None or record_template is None:
            raise ValueError(
                f"content_template and record_template are required for content_type {content_type}"
            )
        if "$record" not in content_template:
            raise ValueError(
                f"Invalid content_template {content_template}."
                " Please include either placeholder $records or $record."
            )


class ModelConfig:
    """Mirrors `sagemaker.clarify.ModelConfig`: a model for a shadow endpoint, or an endpoint.

    Give either ``model_name``, ``instance_count`` and ``instance_type`` (the job deploys a
    temporary endpoint) or ``endpoint_name`` (the job calls that endpoint), not both.
    """

    def __init__(
        self,
        model_name: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        accept_type: str | None = None,
        content_type: str | None = None,
        content_template: str | None = None,
        record_template: str | None = None,
        custom_attributes: str | None = None,
        accelerator_type: str | None = None,
        endpoint_name_prefix: str | None = None,
        target_model: str | None = None,
        endpoint_name: str | None = None,
    ) -> None:
        shadow = all([model_name, instance_count, instance_type])
        existing = bool(endpoint_name)
        if shadow == existing:
            raise AssertionError(
                "Set either model_name, instance_count and instance_type, or endpoint_name"
            )
        if endpoint_name and endpoint_name_prefix:
            raise AssertionError("endpoint_name_prefix cannot be combined with endpoint_name")
        self.predictor_config: dict[str, Any] = (
            {"endpoint_name": endpoint_name}
            if endpoint_name
            else {
                "model_name": model_name,
                "instance_type": instance_type,
                "initial_instance_count": instance_count,
            }
        )
        if endpoint_name_prefix:
            if re.search(ENDPOINT_NAME_PREFIX_PATTERN, endpoint_name_prefix) is None:
                raise ValueError(
                    "Invalid endpoint_name_prefix."
                    " Please follow pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9])."
                )
            self.predictor_config["endpoint_name_prefix"] = endpoint_name_prefix
        if accept_type is not None:
            if accept_type not in _ACCEPT_TYPES:
                raise ValueError(
                    f"Invalid accept_type {accept_type}."
                    " Please choose text/csv or application/jsonlines."
                )
            self.predictor_config["accept_type"] = accept_type
        if content_type is not None:
            if content_type not in _CONTENT_TYPES:
                raise ValueError(
                    f"Invalid content_type {content_type}."
                    " Please choose text/csv or application/jsonlines."
                )
            _check_templates(content_type, content_template, record_template)
            self.predictor_config["content_type"] = content_type
        set_if_given(content_template, "content_template", self.predictor_config)
        set_if_given(record_template, "record_template", self.predictor_config)
        set_if_given(custom_attributes, "custom_attributes", self.predictor_config)
        set_if_given(accelerator_type, "accelerator_type", self.predictor_config)
        set_if_given(target_model, "target_model", self.predictor_config)

    def get_predictor_config(self) -> dict[str, Any]:
        """Returns the ``predictor`` object of ``analysis_config.json``."""
        return copy.deepcopy(self.predictor_config)


class ModelPredictedLabelConfig:
    """Mirrors `sagemaker.clarify.ModelPredictedLabelConfig`: label and scores in the output.

    ``label`` and ``probability`` are an index (CSV output) or a JMESPath (JSON output);
    ``label_headers`` names the scores; ``probability_threshold`` (the container's default is
    0.5) turns a single score into a label and is written at the top level of the file.
    """

    def __init__(
        self,
        label: str | int | None = None,
        probability: str | int | None = None,
        probability_threshold: float | None = None,
        label_headers: list[str] | None = None,
    ) -> None:
        self.label = label
        self.probability = probability
        self.probability_threshold = probability_threshold
        self.label_headers = label_headers
        if probability_threshold is not None:
            try:
                float(probability_threshold)
            except ValueError:
                raise TypeError(
                    f"Invalid probability_threshold {probability_threshold}. "
                    "Please choose one that can be cast to float."
                ) from None
        self.predictor_config: dict[str, Any] = {}
        set_if_given(label, "label", self.predictor_config)
        set_if_given(probability, "probability", self.predictor_config)
        set_if_given(label_headers, "label_headers", self.predictor_config)

    def get_predictor_config(self) -> tuple[float | None, dict[str, Any]]:
        """Returns ``probability_threshold`` and the keys to merge into ``predictor``."""
        return self.probability_threshold, copy.deepcopy(self.predictor_config)
