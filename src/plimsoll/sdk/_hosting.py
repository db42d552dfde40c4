"""Hosting request parts (container definition, production variant) and the endpoint wait.

``container_def`` and ``production_variant`` build the dicts ``sagemaker.session`` builds
under the same names. ``wait_for_endpoint`` polls DescribeEndpoint and prints the SDK's
progress characters (``-`` while Creating or Updating, ``!`` when InService) on stdout: that
output is the user-facing feature, not service logging.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from plimsoll.sdk.exceptions import CapacityError, UnexpectedStatusException

# How often the facade polls an endpoint's status. SageMaker's SDK polls every 30 s;
# endpoints here start in seconds. Progress characters are printed at most every 5 s.
ENDPOINT_POLL_SECONDS = 0.2
_PROGRESS_EVERY_SECONDS = 5.0
_STATUS_CHARS = {
    "OutOfService": "x",
    "Creating": "-",
    "Updating": "-",
    "InService": "!",
    "RollingBack": "<",
    "SystemUpdating": "-",
    "Deleting": "o",
    "Failed": "*",
}
_IN_PROGRESS = ("Creating", "Updating")
_TROUBLESHOOTING = (
    "Try changing the instance type or reference the troubleshooting page "
    "https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-troubleshooting.html"
)


def container_def(
    image_uri: str | None,
    model_data_url: str | dict[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    container_mode: str | None = None,
    image_config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Mirrors `sagemaker.session.container_def`: a CreateModel container definition.

    Args:
        image_uri: The image.
        model_data_url: The model artifact URI (``ModelDataUrl``), or a ``ModelDataSource``
            dict.
        env: The container's environment.
        container_mode: ``SingleModel`` or ``MultiModel``; left out when not given.
        image_config: The ``ImageConfig``; left out when not given.
    """
    definition: dict[str, Any] = {"Image": image_uri, "Environment": dict(env or {})}
    if isinstance(model_data_url, dict):
        definition["ModelDataSource"] = model_data_url
    elif model_data_url:
        definition["ModelDataUrl"] = model_data_url
    if container_mode:
        definition["Mode"] = container_mode
    if image_config:
        definition["ImageConfig"] = image_config
    return definition


def production_variant(
    model_name: str,
    instance_type: str | None = None,
    initial_instance_count: int | None = None,
    variant_name: str = "AllTraffic",
    initial_weight: float = 1,
    accelerator_type: str | None = None,
    serverless_inference_config: dict[str, Any] | None = None,
    volume_size: int | None = None,
    model_data_download_timeout: int | None = None,
    container_startup_health_check_timeout: int | None = None,
    managed_instance_scaling: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Mirrors `sagemaker.session.production_variant`: one CreateEndpointConfig variant.

    Args:
        model_name: The model the variant serves.
        instance_type: The instance type (recorded).
        initial_instance_count: Number of instances; 1 when not given.
        variant_name: The variant's name (the SDK's default single variant is ``AllTraffic``).
        initial_weight: Its traffic weight.
        accelerator_type: Recorded when given.
        serverless_inference_config: A ``ServerlessConfig`` dict; replaces the instances.
        volume_size: ``VolumeSizeInGB``, when given.
        model_data_download_timeout: ``ModelDataDownloadTimeoutInSeconds``, when given.
        container_startup_health_check_timeout:
            ``ContainerStartupHealthCheckTimeoutInSeconds``, when given.
        managed_instance_scaling: ``ManagedInstanceScaling``, when given.
    """
    variant: dict[str, Any] = {
        "ModelName": model_name,
        "VariantName": variant_name,
        "InitialVariantWeight": initial_weight,
    }
    if accelerator_type:
        variant["AcceleratorType"] = accelerator_type
    if serverless_inference_config:
        variant["ServerlessConfig"] = serverless_inference_config
    else:
        variant["InitialInstanceCount"] = initial_instance_count or 1
        variant["InstanceType"] = instance_type
    if volume_size:
        variant["VolumeSizeInGB"] = volume_size
    if model_data_download_timeout:
        variant["ModelDataDownloadTimeoutInSeconds"] = model_data_download_timeout
    if container_startup_health_check_timeout:
        variant["ContainerStartupHealthCheckTimeoutInSeconds"] = (
            container_startup_health_check_timeout
        )
    if managed_instance_scaling:
        variant["ManagedInstanceScaling"] = managed_instance_scaling
    return variant


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def wait_for_endpoint(
    describe: Callable[[], dict[str, Any]], endpoint: str, poll: float
) -> dict[str, Any]:
    """Polls ``describe`` until the endpoint leaves Creating/Updating, then checks it.

    Args:
        describe: Returns the DescribeEndpoint response.
        endpoint: The endpoint's name, for the error message.
        poll: Seconds between polls.

    Returns:
        The last DescribeEndpoint response (status InService).

    Raises:
        CapacityError: The endpoint failed and the reason names CapacityError.
        UnexpectedStatusException: The endpoint ended in any status but InService.
    """
    last_char_at: float | None = None
    while True:
        desc = describe()
        status = str(desc["EndpointStatus"])
        now = time.monotonic()
        done = status not in _IN_PROGRESS
        if done or last_char_at is None or now - last_char_at >= _PROGRESS_EVERY_SECONDS:
            _write(_STATUS_CHARS.get(status, "?"))
            last_char_at = now
        if done:
            break
        time.sleep(poll)
    if status != "InService":
        reason = desc.get("FailureReason")
        message = f"Error hosting endpoint {endpoint}: {status}. Reason: {reason}. "
        error = CapacityError if "CapacityError" in str(reason) else UnexpectedStatusException
        raise error(
            message=message + _TROUBLESHOOTING,
            allowed_statuses=["InService"],
            actual_status=status,
        )
    return desc
