"""The in-process ``sagemaker-runtime`` client and how a Session chooses its runtime client."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from plimsoll.errors import InternalError, ModelError, ResourceNotFound, ValidationError
from plimsoll.sdk._client.http import HttpClient
from plimsoll.sdk._client.runtime import (
    HttpRuntimeClient,
    InProcessRuntimeClient,
    SageMakerRuntimeClient,
)
from plimsoll.services.invocations import InvokeRequest, InvokeResult
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.unit.sdk.fakes import RecordingClient, RecordingRuntimeClient


@dataclass
class FakeRouter:
    """The router contract: records requests, answers ``result`` or raises ``error``."""

    result: InvokeResult = field(
        default_factory=lambda: InvokeResult(
            body=b"0.5\n", content_type="text/csv", invoked_variant="AllTraffic"
        )
    )
    error: Exception | None = None
    requests: list[InvokeRequest] = field(default_factory=list)

    def invoke_sync(self, request: InvokeRequest) -> InvokeResult:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        return self.result


@dataclass
class FakeApi:
    invocations: FakeRouter = field(default_factory=FakeRouter)


def test_request_fields_reach_the_router_and_the_response_is_boto_shaped() -> None:
    api = FakeApi()
    api.invocations.result = InvokeResult(
        body=b'{"a": 1}',
        content_type="application/json",
        invoked_variant="B",
        custom_attributes="trace=9",
    )
    response = InProcessRuntimeClient(api).invoke_endpoint(
        EndpointName="ep",
        Body="1,2",
        ContentType="text/csv",
        Accept="application/json",
        CustomAttributes="trace=1",
        TargetVariant="B",
        InferenceId="7",
    )
    assert api.invocations.requests == [
        InvokeRequest(
            endpoint_name="ep",
            body=b"1,2",
            content_type="text/csv",
            accept="application/json",
            custom_attributes="trace=1",
            target_variant="B",
            inference_id="7",
        )
    ]
    assert response["Body"].read() == b'{"a": 1}'
    assert {k: v for k, v in response.items() if k not in ("Body", "ResponseMetadata")} == {
        "ContentType": "application/json",
        "InvokedProductionVariant": "B",
        "CustomAttributes": "trace=9",
    }
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_body_may_be_bytes_or_a_file() -> None:
    import io

    api = FakeApi()
    client = InProcessRuntimeClient(api)
    client.invoke_endpoint(EndpointName="ep", Body=bytearray(b"ab"))
    client.invoke_endpoint(EndpointName="ep", Body=io.BytesIO(b"cd"))
    assert [r.body for r in api.invocations.requests] == [b"ab", b"cd"]


def test_no_content_type_from_the_model_reads_as_octet_stream() -> None:
    api = FakeApi()
    api.invocations.result = InvokeResult(body=b"", content_type=None, invoked_variant="A")
    response = InProcessRuntimeClient(api).invoke_endpoint(EndpointName="ep", Body=b"")
    assert response["ContentType"] == "application/octet-stream"
    assert "CustomAttributes" not in response


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"Body": b"x"}, 'Missing required parameter in input: "EndpointName"'),
        ({"EndpointName": "ep"}, 'Missing required parameter in input: "Body"'),
        ({"EndpointName": "ep", "Body": b"", "Extra": 1}, 'Unknown parameter in input: "Extra"'),
        ({"EndpointName": "ep", "Body": 3}, "Invalid type for parameter Body"),
        ({"EndpointName": "ep", "Body": b"", "Accept": 3}, "Invalid type for parameter Accept"),
    ],
)
def test_parameters_are_checked_like_boto3(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ParamValidationError, match=message):
        InProcessRuntimeClient(FakeApi()).invoke_endpoint(**kwargs)


def test_model_error_carries_the_original_status_and_message() -> None:
    api = FakeApi()
    api.invocations.error = ModelError(
        'Received server error (500) from primary with message "boom".',
        original_status_code=500,
        original_message="boom",
    )
    with pytest.raises(ClientError) as caught:
        InProcessRuntimeClient(api).invoke_endpoint(EndpointName="ep", Body=b"x")
    response = caught.value.response
    assert response["Error"] == {
        "Code": "ModelError",
        "Message": 'Received server error (500) from primary with message "boom".',
    }
    assert (response["OriginalStatusCode"], response["OriginalMessage"]) == (500, "boom")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 424
    assert caught.value.operation_name == "InvokeEndpoint"


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (ValidationError("Endpoint ep of account 0 not found."), "ValidationError", 400),
        (ResourceNotFound("no such endpoint"), "ValidationError", 400),
        (InternalError("broken"), "InternalFailure", 500),
    ],
)
def test_other_errors_use_the_runtime_codes(error: Exception, code: str, status: int) -> None:
    api = FakeApi()
    api.invocations.error = error
    with pytest.raises(ClientError) as caught:
        InProcessRuntimeClient(api).invoke_endpoint(EndpointName="ep", Body=b"x")
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


@pytest.mark.parametrize("name", ["TargetModel", "InferenceComponentName", "SessionId"])
def test_fields_the_embedded_router_cannot_serve_are_refused(name: str) -> None:
    api = FakeApi()
    with pytest.raises(ClientError, match=f"{name}='x' is not supported by Plimsoll"):
        InProcessRuntimeClient(api).invoke_endpoint(EndpointName="ep", Body=b"", **{name: "x"})
    assert api.invocations.requests == []


class TestSessionChoice:
    def test_a_given_runtime_client_is_used_as_is(self, settings: Settings) -> None:
        runtime = RecordingRuntimeClient()
        session = Session(
            sagemaker_client=RecordingClient(), sagemaker_runtime_client=runtime, settings=settings
        )
        assert session.sagemaker_runtime_client is runtime

    def test_it_can_be_replaced(self, settings: Settings) -> None:
        session = Session(sagemaker_client=RecordingClient(), settings=settings)
        runtime = RecordingRuntimeClient()
        session.sagemaker_runtime_client = runtime
        assert session.sagemaker_runtime_client is runtime

    def test_endpoint_url_setting_gives_http(self, settings: Settings) -> None:
        from dataclasses import replace

        remote = replace(settings, endpoint_url="http://127.0.0.1:9")
        session = Session(settings=remote)
        assert isinstance(session.sagemaker_client, HttpClient)
        assert isinstance(session.sagemaker_runtime_client, HttpRuntimeClient)

    def test_http_sagemaker_client_gives_http_to_the_same_server(self, settings: Settings) -> None:
        session = Session(sagemaker_client=HttpClient("http://127.0.0.1:9"), settings=settings)
        runtime = session.sagemaker_runtime_client
        assert isinstance(runtime, HttpRuntimeClient)
        assert runtime._endpoint_url == "http://127.0.0.1:9"

    def test_embedded_session_shares_one_api(self, settings: Settings) -> None:
        session = Session(settings=settings)
        try:
            runtime = session.sagemaker_runtime_client
            assert isinstance(runtime, InProcessRuntimeClient)
            assert isinstance(runtime, SageMakerRuntimeClient)
            assert runtime._api is session.sagemaker_client._api  # type: ignore[attr-defined]
            assert session.sagemaker_runtime_client is runtime
        finally:
            session.sagemaker_client.close()  # type: ignore[attr-defined]
