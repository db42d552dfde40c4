"""The generated SageMaker Runtime shapes (InvokeEndpoint) match botocore, and the generator's
serving additions (POSIX classes, overrides, optional members) hold."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from botocore.loaders import Loader

from plimsoll.api.shapes import (
    HTTP_BINDINGS,
    RUNTIME_OPERATION_SHAPES,
    DescribeEndpointOutput,
    InvokeEndpointInput,
    InvokeEndpointOutput,
)
from plimsoll.api.validation import parse_request
from plimsoll.errors import ValidationError

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "tools" / "gen_shapes.py"
RUNTIME_MODULE = REPO / "src/plimsoll/api/shapes/_generated_runtime.py"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_shapes_runtime", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_shapes_runtime"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def runtime_model() -> dict[str, Any]:
    return dict(Loader().load_service_model("sagemaker-runtime", "service-2"))


def test_check_detects_a_stale_runtime_file(tmp_path: Path) -> None:
    stale = tmp_path / "_generated_runtime.py"
    stale.write_text("# old\n")
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--runtime-output", str(stale)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "_generated_runtime.py is stale" in done.stderr


def test_every_runtime_pattern_is_enforced_or_listed(
    gen: ModuleType, runtime_model: dict[str, Any]
) -> None:
    header = RUNTIME_MODULE.read_text().split('"""', 1)[0]
    emitter = gen.Emitter(shapes=runtime_model["shapes"])
    for op in gen.RUNTIME_OPERATIONS:
        for key in ("input", "output"):
            emitter.emit(runtime_model["operations"][op][key]["shape"])
    for skipped in emitter.skipped:
        assert skipped in header
    assert RUNTIME_OPERATION_SHAPES == {
        "InvokeEndpoint": (InvokeEndpointInput, InvokeEndpointOutput)
    }


def test_http_bindings_follow_botocore(runtime_model: dict[str, Any]) -> None:
    for shape_name, bindings in HTTP_BINDINGS.items():
        shape = runtime_model["shapes"][shape_name]
        assert set(bindings) == set(shape["members"])
        for member, (where, name) in bindings.items():
            ref = shape["members"][member]
            if member == shape.get("payload"):
                assert (where, name) == ("payload", "")
            else:
                assert (where, name) == (ref["location"], ref["locationName"])
    assert HTTP_BINDINGS["InvokeEndpointInput"]["TargetVariant"] == (
        "header",
        "X-Amzn-SageMaker-Target-Variant",
    )


def test_invoke_endpoint_input_constraints() -> None:
    ok = parse_request(
        InvokeEndpointInput,
        {"EndpointName": "iris", "Body": b"1,2", "InferenceId": "id 1", "ContentType": "text/csv"},
    )
    assert ok.Body == b"1,2"
    with pytest.raises(ValidationError) as caught:
        parse_request(InvokeEndpointInput, {"EndpointName": "-bad", "Body": b""})
    assert caught.value.message == (
        "1 validation error detected: Value '-bad' at 'endpointName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "^[a-zA-Z0-9](-*[a-zA-Z0-9])*$"
    )
    with pytest.raises(ValidationError, match="'inferenceId' failed to satisfy constraint"):
        parse_request(InvokeEndpointInput, {"EndpointName": "e", "Body": b"", "InferenceId": " x"})
    with pytest.raises(ValidationError, match="Member must have length less than or equal to 1024"):
        parse_request(
            InvokeEndpointInput, {"EndpointName": "e", "Body": b"", "CustomAttributes": "a" * 1025}
        )
    with pytest.raises(ValidationError, match="less than or equal to 6291456"):
        parse_request(InvokeEndpointInput, {"EndpointName": "e", "Body": b"x" * (6 * 2**20 + 1)})


def test_capture_summary_kms_key_is_optional() -> None:
    described = DescribeEndpointOutput.model_validate(
        {
            "EndpointName": "e",
            "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e",
            "EndpointStatus": "InService",
            "CreationTime": datetime(2024, 1, 1, tzinfo=UTC),
            "LastModifiedTime": datetime(2024, 1, 1, tzinfo=UTC),
            "DataCaptureConfig": {
                "EnableCapture": True,
                "CaptureStatus": "Started",
                "CurrentSamplingPercentage": 5,
                "DestinationS3Uri": "s3://b/c",
            },
        }
    )
    assert described.DataCaptureConfig is not None
    assert described.DataCaptureConfig.KmsKeyId is None
