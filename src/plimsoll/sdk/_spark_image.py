"""The Spark processing image URI, as ``sagemaker.image_uris.retrieve("spark", ...)`` gives it."""

from __future__ import annotations

import re
from typing import NoReturn

__all__ = ["spark_image_uri"]

_REPOSITORY = "sagemaker-spark-processing"
_PROCESSORS = ("cpu",)
_INSTANCE_TYPES_URL = "https://aws.amazon.com/sagemaker/pricing/instance-types"

# SageMaker's image table of v2.199.0 (image_uri_config/spark.json): the same accounts for
# every version; ap-northeast-3 has the images from 3.1 on.
_REGISTRIES_2 = {
    "me-south-1": "750251592176",
    "ap-south-1": "105495057255",
    "eu-north-1": "330188676905",
    "eu-west-3": "136845547031",
    "us-east-2": "314815235551",
    "eu-west-1": "571004829621",
    "eu-central-1": "906073651304",
    "sa-east-1": "737130764395",
    "ap-east-1": "732049463269",
    "us-east-1": "173754725891",
    "ap-northeast-2": "860869212795",
    "eu-west-2": "836651553127",
    "ap-northeast-1": "411782140378",
    "us-west-2": "153931337802",
    "us-west-1": "667973535471",
    "ap-southeast-1": "759080221371",
    "ap-southeast-2": "440695851116",
    "ca-central-1": "446299261295",
    "cn-north-1": "671472414489",
    "cn-northwest-1": "844356804704",
    "eu-south-1": "753923664805",
    "af-south-1": "309385258863",
    "us-gov-west-1": "271483468897",
    "ap-southeast-3": "732049463269",
}
_REGISTRIES_3 = {**_REGISTRIES_2, "ap-northeast-3": "102471314380"}

# version -> (Python versions, registries)
_VERSIONS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "2.4": (("py37",), _REGISTRIES_2),
    "3.0": (("py37",), _REGISTRIES_2),
    "3.1": (("py37",), _REGISTRIES_3),
    "3.2": (("py39",), _REGISTRIES_3),
    "3.3": (("py39",), _REGISTRIES_3),
}


def spark_image_uri(
    region: str | None,
    version: str | None,
    instance_type: str | None = None,
    py_version: str | None = None,
    container_version: str | None = None,
) -> str:
    """``<account>.dkr.ecr.<region>.<domain>/sagemaker-spark-processing:<tag>``.

    The tag is ``<version>-cpu[-<py_version>][-<container_version>]``; checks run in the
    SDK's order (version, Python version, region, processor) with its messages.

    Raises:
        ValueError: An unsupported version, Python version, region or instance type.
    """
    if version is None or version not in _VERSIONS:
        _unsupported("spark version", version, list(_VERSIONS))
    py_versions, registries = _VERSIONS[version]
    if py_version is not None and py_version not in py_versions:
        _unsupported("Python version", py_version, list(py_versions))
    if region is None or region not in registries:
        _unsupported("region", region, list(registries))
    processor = _processor(instance_type)
    tag = "-".join(part for part in (version, processor, py_version, container_version) if part)
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{registries[region]}.dkr.ecr.{region}.{domain}/{_REPOSITORY}:{tag}"


def _processor(instance_type: str | None) -> str:
    if not instance_type:
        return _PROCESSORS[0]  # the only processor the images have
    if instance_type.startswith("local"):
        processor = "cpu" if instance_type == "local" else "gpu"
    elif instance_type.startswith("neuron"):
        processor = "neuron"
    else:
        match = re.match(r"^ml[\._]([a-z\d]+)\.?\w*$", instance_type)
        if match is None:
            raise ValueError(
                f"Invalid SageMaker instance type: {instance_type}. For options, see: "
                f"{_INSTANCE_TYPES_URL}"
            )
        family = match[1]
        if family in _PROCESSORS:
            processor = family
        elif family.startswith("inf"):
            processor = "inf"
        elif family.startswith("trn"):
            processor = "trn"
        elif family[0] in ("g", "p"):
            processor = "gpu"
        else:
            processor = "cpu"
    if processor not in _PROCESSORS:
        _unsupported("processor", processor, list(_PROCESSORS))
    return processor


def _unsupported(arg_name: str, arg: str | None, options: list[str]) -> NoReturn:
    raise ValueError(
        f"Unsupported {arg_name}: {arg}. You may need to upgrade your SDK version "
        f"(pip install -U sagemaker) for newer {arg_name}s. Supported {arg_name}(s): "
        f"{', '.join(options)}."
    )
