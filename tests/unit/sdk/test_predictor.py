"""``Predictor``: the InvokeEndpoint requests it sends and the control-plane calls it makes."""

from __future__ import annotations

import pytest

from plimsoll.deserializers import (
    JSONDeserializer,
    PandasDeserializer,
    StreamDeserializer,
    StringDeserializer,
)
from plimsoll.model_monitor import DataCaptureConfig
from plimsoll.predictor import Predictor
from plimsoll.serializers import CSVSerializer, JSONSerializer
from plimsoll.session import Session
from plimsoll.settings import Settings
from tests.unit.sdk.fakes import HostingClient, RecordingRuntimeClient

BUCKET = "sagemaker-us-east-1-000000000000"
VARIANT = {
    "ModelName": "model-1",
    "VariantName": "AllTraffic",
    "InitialVariantWeight": 1,
    "InitialInstanceCount": 1,
    "InstanceType": "ml.m5.large",
}
CAPTURE = {
    "EnableCapture": True,
    "InitialSamplingPercentage": 100,
    "DestinationS3Uri": "s3://bucket/capture",
    "CaptureOptions": [{"CaptureMode": "Input"}],
}


@pytest.fixture
def hosting() -> HostingClient:
    return HostingClient()


@pytest.fixture
def runtime() -> RecordingRuntimeClient:
    return RecordingRuntimeClient(body=b'{"predictions": [1, 0]}')


@pytest.fixture
def session(hosting: HostingClient, runtime: RecordingRuntimeClient, settings: Settings) -> Session:
    return Session(sagemaker_client=hosting, sagemaker_runtime_client=runtime, settings=settings)


@pytest.fixture
def endpoint(session: Session, hosting: HostingClient) -> str:
    """An endpoint ``ep`` on config ``ep`` serving ``model-1``; the calls list starts empty."""
    session.endpoint_from_production_variants(
        "ep", [dict(VARIANT)], data_capture_config_dict=dict(CAPTURE)
    )
    hosting.calls.clear()
    return "ep"


class TestPredict:
    def test_defaults_send_bytes_and_return_bytes(
        self, session: Session, runtime: RecordingRuntimeClient
    ) -> None:
        result = Predictor("ep", sagemaker_session=session).predict(b"\x00raw")
        assert runtime.request == {
            "EndpointName": "ep",
            "ContentType": "application/octet-stream",
            "Accept": "*/*",
            "Body": b"\x00raw",
        }
        assert result == b'{"predictions": [1, 0]}'

    def test_serializer_and_deserializer_set_the_headers(
        self, session: Session, runtime: RecordingRuntimeClient
    ) -> None:
        predictor = Predictor(
            "ep", session, serializer=CSVSerializer(), deserializer=JSONDeserializer()
        )
        assert predictor.predict([[1, 2], [3, 4]]) == {"predictions": [1, 0]}
        assert runtime.request == {
            "EndpointName": "ep",
            "ContentType": "text/csv",
            "Accept": "application/json",
            "Body": "1,2\n3,4",
        }

    def test_accept_tuple_is_joined(
        self, session: Session, runtime: RecordingRuntimeClient
    ) -> None:
        runtime.content_type = "text/csv"
        runtime.body = b"a\n1\n"
        predictor = Predictor("ep", session, deserializer=PandasDeserializer())
        frame = predictor.predict(b"x")
        assert runtime.request["Accept"] == "text/csv, application/json"
        assert frame["a"].tolist() == [1]

    def test_optional_arguments_become_request_fields(
        self, session: Session, runtime: RecordingRuntimeClient
    ) -> None:
        Predictor("ep", session, component_name="ic-1").predict(
            b"x",
            target_model="m.tar.gz",
            target_variant="B",
            inference_id="42",
            custom_attributes="trace=1",
        )
        assert runtime.request == {
            "EndpointName": "ep",
            "ContentType": "application/octet-stream",
            "Accept": "*/*",
            "TargetModel": "m.tar.gz",
            "TargetVariant": "B",
            "InferenceId": "42",
            "CustomAttributes": "trace=1",
            "InferenceComponentName": "ic-1",
            "Body": b"x",
        }

    def test_initial_args_are_not_overridden(
        self, session: Session, runtime: RecordingRuntimeClient
    ) -> None:
        predictor = Predictor("ep", session, serializer=JSONSerializer())
        predictor.predict(
            {"a": 1},
            initial_args={
                "EndpointName": "other",
                "ContentType": "application/x-json",
                "Accept": "text/plain",
                "CustomAttributes": "from-args",
            },
            component_name="ic-2",
        )
        assert runtime.request == {
            "EndpointName": "other",
            "ContentType": "application/x-json",
            "Accept": "text/plain",
            "CustomAttributes": "from-args",
            "InferenceComponentName": "ic-2",
            "Body": '{"a": 1}',
        }

    def test_content_type_and_accept_setters(
        self, session: Session, runtime: RecordingRuntimeClient
    ) -> None:
        predictor = Predictor("ep", session, serializer=CSVSerializer())
        predictor.content_type = "text/x-csv"
        predictor.accept = ("application/json", "text/csv")
        predictor.predict("1,2")
        assert (predictor.content_type, runtime.request["ContentType"]) == (
            "text/x-csv",
            "text/x-csv",
        )
        assert runtime.request["Accept"] == "application/json, text/csv"

    def test_missing_response_content_type_reads_as_octet_stream(
        self, session: Session, runtime: RecordingRuntimeClient
    ) -> None:
        runtime.content_type = None
        stream, content_type = Predictor("ep", session, deserializer=StreamDeserializer()).predict(
            b"x"
        )
        assert (stream.read(), content_type) == (
            b'{"predictions": [1, 0]}',
            "application/octet-stream",
        )

    def test_renamed_endpoint_keyword(self, session: Session) -> None:
        predictor = Predictor(None, session, endpoint="old-style")  # type: ignore[arg-type]
        assert predictor.endpoint_name == "old-style"


class TestDataCapture:
    def test_update_copies_the_config_then_updates_and_waits(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        predictor = Predictor(endpoint, session, deserializer=StringDeserializer())
        new = DataCaptureConfig(True, 50, "s3://bucket/new", sagemaker_session=session)
        predictor.update_data_capture_config(new)
        assert hosting.operations == [
            "DescribeEndpoint",
            "DescribeEndpointConfig",
            "CreateEndpointConfig",
            "DescribeEndpoint",
            "UpdateEndpoint",
            "DescribeEndpoint",
        ]
        (created,) = hosting.requests_of("CreateEndpointConfig")
        new_name = created["EndpointConfigName"]
        assert new_name.startswith("ep-") and len(new_name) == len("ep-") + 23
        assert created == {
            "EndpointConfigName": new_name,
            "ProductionVariants": [VARIANT],
            "DataCaptureConfig": new._to_request_dict(),
        }
        assert hosting.requests_of("UpdateEndpoint") == [
            {"EndpointName": "ep", "EndpointConfigName": new_name}
        ]

    def test_enable_uses_the_defaults(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        Predictor(endpoint, session).enable_data_capture()
        (created,) = hosting.requests_of("CreateEndpointConfig")
        assert created["DataCaptureConfig"] == {
            "EnableCapture": True,
            "InitialSamplingPercentage": 20,
            "DestinationS3Uri": f"s3://{BUCKET}/model-monitor/data-capture",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
            "CaptureContentTypeHeader": {
                "CsvContentTypes": ["text/csv"],
                "JsonContentTypes": ["application/json"],
            },
        }

    def test_disable_turns_capture_off(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        Predictor(endpoint, session).disable_data_capture()
        (created,) = hosting.requests_of("CreateEndpointConfig")
        assert created["DataCaptureConfig"]["EnableCapture"] is False

    def test_none_keeps_the_existing_capture(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        Predictor(endpoint, session).update_data_capture_config(None)
        (created,) = hosting.requests_of("CreateEndpointConfig")
        assert created["DataCaptureConfig"] == CAPTURE

    def test_delete_after_update_deletes_the_new_config(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        predictor = Predictor(endpoint, session)
        predictor.disable_data_capture()
        new_name = hosting.requests_of("CreateEndpointConfig")[0]["EndpointConfigName"]
        predictor.delete_endpoint()
        assert hosting.requests_of("DeleteEndpointConfig") == [{"EndpointConfigName": new_name}]


class TestLifeCycle:
    def test_delete_endpoint_deletes_its_config_first(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        Predictor(endpoint, session).delete_endpoint()
        assert hosting.calls == [
            ("DescribeEndpoint", {"EndpointName": "ep"}),
            ("DeleteEndpointConfig", {"EndpointConfigName": "ep"}),
            ("DeleteEndpoint", {"EndpointName": "ep"}),
        ]

    def test_delete_endpoint_can_keep_the_config(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        Predictor(endpoint, session).delete_endpoint(delete_endpoint_config=False)
        assert hosting.calls == [("DeleteEndpoint", {"EndpointName": "ep"})]

    def test_delete_model_deletes_the_variants_models(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        Predictor(endpoint, session).delete_model()
        assert hosting.requests_of("DeleteModel") == [{"ModelName": "model-1"}]

    def test_update_endpoint_with_a_new_variant(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        predictor = Predictor(endpoint, session)
        predictor.update_endpoint(
            initial_instance_count=2, instance_type="ml.c5.xlarge", max_instance_count=4
        )
        (created,) = hosting.requests_of("CreateEndpointConfig")
        assert created["EndpointConfigName"].startswith("ep-")
        assert created["ProductionVariants"] == [
            {
                "ModelName": "model-1",
                "VariantName": "AllTraffic",
                "InitialVariantWeight": 1,
                "InitialInstanceCount": 2,
                "InstanceType": "ml.c5.xlarge",
                "ManagedInstanceScaling": {"MaxInstanceCount": 4},
            }
        ]
        assert created["DataCaptureConfig"] == CAPTURE
        assert hosting.requests_of("UpdateEndpoint") == [
            {"EndpointName": "ep", "EndpointConfigName": created["EndpointConfigName"]}
        ]

    def test_update_endpoint_needs_count_and_type(self, session: Session, endpoint: str) -> None:
        with pytest.raises(ValueError, match="Missing initial_instance_count and/or instance_type"):
            Predictor(endpoint, session).update_endpoint(instance_type="ml.c5.xlarge")

    def test_update_of_a_missing_endpoint_raises_value_error(
        self, session: Session, hosting: HostingClient, endpoint: str
    ) -> None:
        hosting.endpoints.clear()
        with pytest.raises(ValueError, match="Endpoint with name 'ep' does not exist"):
            session.update_endpoint("ep", "ep")
