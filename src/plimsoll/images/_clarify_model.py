"""The Clarify image's model access: the endpoint it calls, and batched calls to it.

SageMaker's container reaches the model through the SageMaker APIs of its region; Plimsoll's
image does the same against a Plimsoll server. The job's environment names that server with
botocore's service-specific endpoint variables, which ``boto3.client`` honours by itself:

* ``AWS_ENDPOINT_URL_SAGEMAKER``: the control plane (CreateEndpointConfig, CreateEndpoint,
  DescribeEndpoint, DeleteEndpoint, DeleteEndpointConfig), needed for a shadow endpoint;
* ``AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME``: InvokeEndpoint;
* ``AWS_REGION`` (or ``AWS_DEFAULT_REGION``) and the usual access-key variables.

Without either endpoint variable the job fails with a message naming them: the image never
falls back to real AWS.

``predictor.endpoint_name`` uses a running endpoint as it is (spec clarify.md §1.4: it wins
over ``model_name``). ``predictor.model_name`` gets a shadow endpoint: an endpoint config and
an endpoint both named ``<endpoint_name_prefix or sm-clarify>-<model>-<8 hex>`` (at most 63
characters), one ``AllTraffic`` variant with the predictor's instance type and count, waited
for until InService, and deleted in a ``finally`` whatever happens in between.

Records go out in batches (:data:`MAX_RECORDS_PER_REQUEST` records or
:data:`MAX_PAYLOAD_BYTES` per request, whichever comes first), several requests in flight at
once (:data:`PARALLEL_REQUESTS`), so a whole SHAP or PDP grid keeps the model busy.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plimsoll.compat.clarify_analysis_config import Predictor
from plimsoll.engines.bias import predicted_labels_from_scores
from plimsoll.errors import ModelError, PlimsollError, ValidationError
from plimsoll.images._clarify_payload import (
    ModelOutputs,
    Payload,
    coerce_labels,
    decode_response,
    encode_records,
    extract_outputs,
)

__all__ = [
    "ENDPOINT_VARIABLES",
    "ModelClient",
    "client_error",
    "open_model",
    "require_model_access",
    "shadow_endpoint_name",
]

logger = logging.getLogger("analyzer")

ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_SAGEMAKER", "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME")
DEFAULT_PREFIX = "sm-clarify"
MAX_RECORDS_PER_REQUEST = 1000
MAX_PAYLOAD_BYTES = 5 * 1024 * 1024  # InvokeEndpoint's limit is 6 MB
PARALLEL_REQUESTS = 4
SHADOW_WAIT_SECONDS = 1800.0
_POLL_SECONDS = 0.25
_MAX_NAME = 63


def require_model_access(what: str, environ: Mapping[str, str]) -> None:
    """Fails unless the job's environment says where the SageMaker APIs are."""
    if not any(environ.get(name) for name in ENDPOINT_VARIABLES):
        raise ValidationError(
            f"{what} needs model access: set AWS_ENDPOINT_URL_SAGEMAKER and "
            "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME to the URL of a server speaking SageMaker's "
            "APIs (a Plimsoll server)"
        )


def shadow_endpoint_name(model_name: str, prefix: str | None) -> str:
    """``<prefix>-<model>-<8 hex>``, the model part cut so the name fits in 63 characters."""
    suffix = uuid.uuid4().hex[:8]
    head = f"{prefix or DEFAULT_PREFIX}-{model_name}"[: _MAX_NAME - len(suffix) - 1].rstrip("-")
    return f"{head}-{suffix}"


def client_error(action: str, exc: Exception) -> PlimsollError:
    response = getattr(exc, "response", None) or {}
    error = response.get("Error", {})
    if error.get("Code") == "ModelError":
        return ModelError(
            f"{action}: the model failed: {response.get('OriginalMessage') or error.get('Message')}"
        )
    text = error.get("Message") or str(exc)
    return PlimsollError(f"{action} failed: {error.get('Code', type(exc).__name__)}: {text}")


class ModelClient:
    """Sends feature rows to one endpoint and reads back labels and scores."""

    def __init__(
        self, runtime: Any, endpoint_name: str, predictor: Predictor, dataset_type: str
    ) -> None:
        self.endpoint_name = endpoint_name
        self._runtime = runtime
        self._predictor = predictor
        content = predictor.content_type or dataset_type
        self._content_type = content
        self._accept = predictor.accept_type or content
        self.requests = 0

    def outputs(self, rows: np.ndarray, names: Sequence[str]) -> ModelOutputs:
        """The model's output for every row, in row order (batched, requests in parallel)."""
        table = [list(row) for row in np.asarray(rows, dtype=object)]
        chunks = [
            table[i : i + MAX_RECORDS_PER_REQUEST]
            for i in range(0, len(table), MAX_RECORDS_PER_REQUEST)
        ]
        payloads = [
            p for c in chunks for p in self._split(encode_records(c, names, self._predictor,
                                                                  self._content_type))
        ]  # fmt: skip
        with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
            parts = list(pool.map(self._invoke, payloads))
        labels = None if parts[0].labels is None else [v for p in parts for v in p.labels or []]
        scores = None
        if parts[0].scores is not None:
            widths = {p.scores.shape[1] for p in parts if p.scores is not None}
            if len(widths) != 1:
                raise ModelError(f"the model returned score vectors of sizes {sorted(widths)}")
            scores = np.concatenate([p.scores for p in parts if p.scores is not None])
        return ModelOutputs(labels=labels, scores=scores)

    def _split(self, payloads: list[Payload]) -> list[Payload]:
        """Halves oversized CSV/JSON Lines bodies by record until each fits the payload limit."""
        out = []
        for payload in payloads:
            if len(payload.body) <= MAX_PAYLOAD_BYTES or payload.records == 1:
                out.append(payload)
                continue
            lines = payload.body.splitlines(keepends=True)
            if len(lines) != payload.records:
                out.append(payload)  # a JSON array: cannot split by line
                continue
            half = len(lines) // 2
            for part in (lines[:half], lines[half:]):
                out.extend(self._split([Payload(b"".join(part), len(part))]))
        return out

    def _invoke(self, payload: Payload) -> ModelOutputs:
        from botocore.exceptions import BotoCoreError, ClientError

        extra = {}
        if self._predictor.custom_attributes:
            extra["CustomAttributes"] = self._predictor.custom_attributes
        if self._predictor.target_model:
            extra["TargetModel"] = self._predictor.target_model
        try:
            response = self._runtime.invoke_endpoint(
                EndpointName=self.endpoint_name, Body=payload.body,
                ContentType=self._content_type, Accept=self._accept, **extra,
            )  # fmt: skip
            body = response["Body"].read()
        except (ClientError, BotoCoreError) as exc:
            raise client_error(f"InvokeEndpoint {self.endpoint_name}", exc) from None
        self.requests += 1
        returned = str(response.get("ContentType") or self._accept).split(";")[0].strip()
        if returned != self._accept and not returned.startswith("*/"):
            raise ModelError(
                f"the model answered {returned!r} but the predictor's accept_type is "
                f"{self._accept!r}; response: {body[:200]!r}"
            )
        decoded = decode_response(body, self._accept, payload.records)
        return extract_outputs(decoded, self._predictor, payload.records)

    def scores(self, rows: np.ndarray, names: Sequence[str]) -> NDArray[np.float64]:
        """The numbers SHAP and PDP explain: ``probability``, else a numeric ``label``, else
        the whole response record."""
        out = self.outputs(rows, names)
        if out.scores is not None:
            return out.scores
        try:
            values: NDArray[np.float64] = np.asarray(out.labels, dtype=np.float64)
            return values.reshape(len(rows), -1)
        except (TypeError, ValueError):
            raise ModelError(
                f"predictor label {self._predictor.label!r} gives non-numeric values "
                f"({out.labels[:3] if out.labels else []}); explanations need scores: set "
                "predictor probability"
            ) from None

    def predicted_labels(
        self, rows: np.ndarray, names: Sequence[str], probability_threshold: float
    ) -> np.ndarray:
        """Clarify's predicted label: ``label`` as is; one score thresholded; or the argmax
        class of a score vector (named by ``label_headers`` when given)."""
        out = self.outputs(rows, names)
        if out.labels is not None:
            return coerce_labels(out.labels)
        assert out.scores is not None
        if out.scores.shape[1] == 1:
            return predicted_labels_from_scores(out.scores[:, 0], probability_threshold)
        best: NDArray[np.int64] = np.argmax(out.scores, axis=1).astype(np.int64)
        headers = self._predictor.label_headers
        if headers is None:
            return best
        if len(headers) != out.scores.shape[1]:
            raise ModelError(
                f"{len(headers)} label_headers for {out.scores.shape[1]} scores per record"
            )
        return coerce_labels([headers[i] for i in best])


@contextmanager
def open_model(
    predictor: Predictor | None,
    *,
    what: str,
    dataset_type: str,
    environ: Mapping[str, str] | None = None,
) -> Iterator[ModelClient]:
    """A client for the predictor's endpoint; a shadow endpoint lives only inside the block."""
    if environ is None:
        environ = os.environ  # noqa: TID251 - images read SageMaker's container contract
    if predictor is None or not (predictor.endpoint_name or predictor.model_name):
        raise ValidationError(f"{what} needs a predictor with endpoint_name or model_name")
    require_model_access(what, environ)
    import boto3  # imported here: most Clarify jobs never call a model

    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    runtime = boto3.client("sagemaker-runtime", region_name=region)
    if predictor.endpoint_name:
        logger.info("Using endpoint %s", predictor.endpoint_name)
        yield ModelClient(runtime, predictor.endpoint_name, predictor, dataset_type)
        return
    assert predictor.model_name is not None
    control = boto3.client("sagemaker", region_name=region)
    name = shadow_endpoint_name(predictor.model_name, predictor.endpoint_name_prefix)
    created: list[str] = []
    try:
        _create_shadow(control, name, predictor, created)
        yield ModelClient(runtime, name, predictor, dataset_type)
    finally:
        _delete_shadow(control, name, created)


def _create_shadow(control: Any, name: str, predictor: Predictor, created: list[str]) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    variant: dict[str, Any] = {
        "VariantName": "AllTraffic",
        "ModelName": predictor.model_name,
        "InitialInstanceCount": predictor.initial_instance_count or 1,
        "InstanceType": predictor.instance_type or "ml.m5.xlarge",
    }
    if predictor.accelerator_type:
        variant["AcceleratorType"] = predictor.accelerator_type
    logger.info("Creating shadow endpoint %s for model %s", name, predictor.model_name)
    try:
        control.create_endpoint_config(EndpointConfigName=name, ProductionVariants=[variant])
        created.append("config")
        control.create_endpoint(EndpointName=name, EndpointConfigName=name)
        created.append("endpoint")
        deadline = time.monotonic() + SHADOW_WAIT_SECONDS
        while True:
            found = control.describe_endpoint(EndpointName=name)
            status = found["EndpointStatus"]
            if status == "InService":
                logger.info("Shadow endpoint %s is InService", name)
                return
            if status not in ("Creating", "Updating"):
                raise PlimsollError(
                    f"the shadow endpoint {name} for model {predictor.model_name} is {status}: "
                    f"{found.get('FailureReason', 'no reason given')}"
                )
            if time.monotonic() > deadline:
                raise PlimsollError(
                    f"the shadow endpoint {name} was not InService after {SHADOW_WAIT_SECONDS}s"
                )
            time.sleep(_POLL_SECONDS)
    except (ClientError, BotoCoreError) as exc:
        raise client_error(f"Creating shadow endpoint {name}", exc) from None


def _delete_shadow(control: Any, name: str, created: list[str]) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    steps = (("endpoint", control.delete_endpoint, {"EndpointName": name}),
             ("config", control.delete_endpoint_config, {"EndpointConfigName": name}))  # fmt: skip
    for kind, delete, kwargs in steps:
        if kind not in created:
            continue
        try:
            delete(**kwargs)
            logger.info("Deleted shadow endpoint %s %s", kind, name)
        except (ClientError, BotoCoreError) as exc:
            logger.warning("Could not delete shadow endpoint %s %s: %s", kind, name, exc)
