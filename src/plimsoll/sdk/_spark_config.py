"""``SparkConfigUtils`` (EMR-style configuration and S3 URI checks) and configuration staging."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from plimsoll.compat.container_paths import PROCESSING_ROOT
from plimsoll.sdk import s3
from plimsoll.sdk._processing_io import ProcessingInput

if TYPE_CHECKING:
    from plimsoll.sdk.session import Session

__all__ = ["CONF_INPUT_NAME", "SparkConfigUtils", "stage_configuration"]

_EMR_CONFIGURE_APPS_URL = (
    "https://docs.aws.amazon.com/emr/latest/ReleaseGuide/emr-configure-apps.html"
)
CONF_CONTAINER_BASE_PATH = f"{PROCESSING_ROOT}/input/"
CONF_INPUT_NAME = "conf"
CONF_FILE_NAME = "configuration.json"


class SparkConfigUtils:
    """Mirrors `sagemaker.spark.processing.SparkConfigUtils`."""

    _valid_configuration_keys = ["Classification", "Properties", "Configurations"]
    _valid_configuration_classifications = [
        "core-site",
        "hadoop-env",
        "hadoop-log4j",
        "hive-env",
        "hive-log4j",
        "hive-exec-log4j",
        "hive-site",
        "spark-defaults",
        "spark-env",
        "spark-log4j",
        "spark-hive-site",
        "spark-metrics",
        "yarn-env",
        "yarn-site",
        "export",
    ]

    @staticmethod
    def validate_configuration(configuration: Any) -> None:
        """Checks a dict or list of dicts against EMR's application configuration schema.

        As in the SDK, only the top level of each dict is checked (nested ``Configurations``
        are not), and values of other types pass unchecked.

        Raises:
            ValueError: A required key is missing, or a key or classification is unknown.
        """
        if isinstance(configuration, dict):
            keys = configuration.keys()
            if "Classification" not in keys or "Properties" not in keys:
                raise ValueError(
                    f"Missing one or more required keys in configuration dictionary "
                    f"{configuration} Please see {_EMR_CONFIGURE_APPS_URL} for more information"
                )
            for key in keys:
                if key not in SparkConfigUtils._valid_configuration_keys:
                    raise ValueError(
                        f"Invalid key: {key}. "
                        f"Must be one of {SparkConfigUtils._valid_configuration_keys}. "
                        f"Please see {_EMR_CONFIGURE_APPS_URL} for more information."
                    )
                if (
                    key == "Classification"
                    and configuration[key]
                    not in SparkConfigUtils._valid_configuration_classifications
                ):
                    # The SDK names the key, not the bad value, in this message.
                    raise ValueError(
                        f"Invalid classification: {key}. Must be one of "
                        f"{SparkConfigUtils._valid_configuration_classifications}"
                    )
        if isinstance(configuration, list):
            for item in configuration:
                SparkConfigUtils.validate_configuration(item)

    @staticmethod
    def validate_s3_uri(spark_output_s3_path: str) -> None:
        """Checks that the URI's scheme is ``s3``.

        Raises:
            ValueError: It is not.
        """
        if urlparse(spark_output_s3_path).scheme != "s3":
            raise ValueError(
                f"Invalid s3 path: {spark_output_s3_path}. Please enter something like "
                "s3://bucket-name/folder-name"
            )


def stage_configuration(
    configuration: Any,
    configuration_location: str | None,
    job_name: str | None,
    sagemaker_session: Session,
) -> ProcessingInput:
    """Uploads ``configuration`` as JSON and returns the ``conf`` input that mounts it.

    The file goes to ``<configuration_location or s3://<default bucket>[/<prefix>]>/
    <job_name>/input/conf/configuration.json``.
    """
    if configuration_location:
        s3_prefix_uri = configuration_location.removesuffix("/")
    else:
        s3_prefix_uri = s3.s3_path_join(
            "s3://",
            sagemaker_session.default_bucket(),
            sagemaker_session.default_bucket_prefix,
        )
    s3_uri = f"{s3_prefix_uri}/{job_name}/input/{CONF_INPUT_NAME}/{CONF_FILE_NAME}"
    s3.S3Uploader.upload_string_as_file_body(
        body=json.dumps(configuration),
        desired_s3_uri=s3_uri,
        sagemaker_session=sagemaker_session,
    )
    return ProcessingInput(
        source=s3_uri,
        destination=f"{CONF_CONTAINER_BASE_PATH}{CONF_INPUT_NAME}",
        input_name=CONF_INPUT_NAME,
    )
