"""Model, endpoint-config and endpoint handlers: request shape -> service call -> response shape.

Each request shape has one conversion to the service's arguments (``to_*_args``, ``to_query``)
in :mod:`plimsoll.api.handlers._serving_requests`, and each record one conversion to its
response shape (``to_describe_*``, ``to_*_summary``) in
:mod:`plimsoll.api.handlers._serving_responses`; the handlers here only chain them.

SageMaker answers ``ValidationException`` (not ``ResourceNotFound``) when a model, endpoint
configuration or endpoint is unknown ("Could not find endpoint \\"x\\"."), so every handler
here turns the service's ``ResourceNotFound`` into a ``ValidationError`` with the same message:
that rule lives in :func:`_sagemaker_errors` and nowhere else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from plimsoll.api.handlers._serving_requests import (
    to_create_endpoint_args,
    to_create_endpoint_config_args,
    to_create_model_args,
    to_query,
    to_update_endpoint_args,
    to_update_weights_args,
)
from plimsoll.api.handlers._serving_responses import (
    to_describe_endpoint,
    to_describe_endpoint_config,
    to_describe_model,
    to_endpoint_config_summary,
    to_endpoint_summary,
    to_model_summary,
)
from plimsoll.api.handlers.processing import Handler
from plimsoll.api.shapes import (
    CreateEndpointConfigInput,
    CreateEndpointConfigOutput,
    CreateEndpointInput,
    CreateEndpointOutput,
    CreateModelInput,
    CreateModelOutput,
    DeleteEndpointConfigInput,
    DeleteEndpointInput,
    DeleteModelInput,
    DescribeEndpointConfigInput,
    DescribeEndpointConfigOutput,
    DescribeEndpointInput,
    DescribeEndpointOutput,
    DescribeModelInput,
    DescribeModelOutput,
    ListEndpointConfigsInput,
    ListEndpointConfigsOutput,
    ListEndpointsInput,
    ListEndpointsOutput,
    ListModelsInput,
    ListModelsOutput,
    UpdateEndpointInput,
    UpdateEndpointOutput,
    UpdateEndpointWeightsAndCapacitiesInput,
    UpdateEndpointWeightsAndCapacitiesOutput,
    WireShape,
)
from plimsoll.api.validation import parse_request
from plimsoll.errors import ResourceNotFound, ValidationError
from plimsoll.services.endpoints import EndpointService

_Bound = Callable[[EndpointService, Mapping[str, Any]], WireShape | None]


def routes(service: EndpointService) -> dict[str, Handler]:
    """The serving operations, bound to ``service``."""
    table: dict[str, _Bound] = {
        "CreateModel": create_model,
        "DescribeModel": describe_model,
        "DeleteModel": delete_model,
        "ListModels": list_models,
        "CreateEndpointConfig": create_endpoint_config,
        "DescribeEndpointConfig": describe_endpoint_config,
        "DeleteEndpointConfig": delete_endpoint_config,
        "ListEndpointConfigs": list_endpoint_configs,
        "CreateEndpoint": create_endpoint,
        "DescribeEndpoint": describe_endpoint,
        "UpdateEndpoint": update_endpoint,
        "UpdateEndpointWeightsAndCapacities": update_endpoint_weights_and_capacities,
        "DeleteEndpoint": delete_endpoint,
        "ListEndpoints": list_endpoints,
    }
    return {
        op: _sagemaker_errors(functools.partial(handler, service)) for op, handler in table.items()
    }


def _sagemaker_errors(handler: Handler) -> Handler:
    """``handler`` answering ValidationException where SageMaker does for unknown resources."""

    @functools.wraps(handler)
    def call(params: Mapping[str, Any]) -> WireShape | None:
        try:
            return handler(params)
        except ResourceNotFound as exc:
            raise ValidationError(exc.message) from exc

    return call


# -- models ----------------------------------------------------------------------------------


def create_model(service: EndpointService, params: Mapping[str, Any]) -> CreateModelOutput:
    request = parse_request(CreateModelInput, params)
    model = service.create_model(**to_create_model_args(request))
    return CreateModelOutput(ModelArn=model.arn)


def describe_model(service: EndpointService, params: Mapping[str, Any]) -> DescribeModelOutput:
    request = parse_request(DescribeModelInput, params)
    return to_describe_model(service.describe_model(request.ModelName))


def delete_model(service: EndpointService, params: Mapping[str, Any]) -> None:
    request = parse_request(DeleteModelInput, params)
    service.delete_model(request.ModelName)


def list_models(service: EndpointService, params: Mapping[str, Any]) -> ListModelsOutput:
    request = parse_request(ListModelsInput, params)
    models, token = service.list_models(to_query(request))
    return ListModelsOutput(Models=[to_model_summary(m) for m in models], NextToken=token)


# -- endpoint configs ------------------------------------------------------------------------


def create_endpoint_config(
    service: EndpointService, params: Mapping[str, Any]
) -> CreateEndpointConfigOutput:
    request = parse_request(CreateEndpointConfigInput, params)
    config = service.create_endpoint_config(**to_create_endpoint_config_args(request))
    return CreateEndpointConfigOutput(EndpointConfigArn=config.arn)


def describe_endpoint_config(
    service: EndpointService, params: Mapping[str, Any]
) -> DescribeEndpointConfigOutput:
    request = parse_request(DescribeEndpointConfigInput, params)
    return to_describe_endpoint_config(service.describe_endpoint_config(request.EndpointConfigName))


def delete_endpoint_config(service: EndpointService, params: Mapping[str, Any]) -> None:
    request = parse_request(DeleteEndpointConfigInput, params)
    service.delete_endpoint_config(request.EndpointConfigName)


def list_endpoint_configs(
    service: EndpointService, params: Mapping[str, Any]
) -> ListEndpointConfigsOutput:
    request = parse_request(ListEndpointConfigsInput, params)
    configs, token = service.list_endpoint_configs(to_query(request))
    return ListEndpointConfigsOutput(
        EndpointConfigs=[to_endpoint_config_summary(c) for c in configs], NextToken=token
    )


# -- endpoints -------------------------------------------------------------------------------


def create_endpoint(service: EndpointService, params: Mapping[str, Any]) -> CreateEndpointOutput:
    request = parse_request(CreateEndpointInput, params)
    endpoint = service.create_endpoint(**to_create_endpoint_args(request))
    return CreateEndpointOutput(EndpointArn=endpoint.arn)


def describe_endpoint(
    service: EndpointService, params: Mapping[str, Any]
) -> DescribeEndpointOutput:
    request = parse_request(DescribeEndpointInput, params)
    endpoint, capture = service.describe_endpoint(request.EndpointName)
    return to_describe_endpoint(endpoint, capture)


def update_endpoint(service: EndpointService, params: Mapping[str, Any]) -> UpdateEndpointOutput:
    request = parse_request(UpdateEndpointInput, params)
    endpoint = service.update_endpoint(**to_update_endpoint_args(request))
    return UpdateEndpointOutput(EndpointArn=endpoint.arn)


def update_endpoint_weights_and_capacities(
    service: EndpointService, params: Mapping[str, Any]
) -> UpdateEndpointWeightsAndCapacitiesOutput:
    request = parse_request(UpdateEndpointWeightsAndCapacitiesInput, params)
    endpoint = service.update_endpoint_weights_and_capacities(**to_update_weights_args(request))
    return UpdateEndpointWeightsAndCapacitiesOutput(EndpointArn=endpoint.arn)


def delete_endpoint(service: EndpointService, params: Mapping[str, Any]) -> None:
    request = parse_request(DeleteEndpointInput, params)
    service.delete_endpoint(request.EndpointName)


def list_endpoints(service: EndpointService, params: Mapping[str, Any]) -> ListEndpointsOutput:
    request = parse_request(ListEndpointsInput, params)
    endpoints, token = service.list_endpoints(to_query(request))
    return ListEndpointsOutput(
        Endpoints=[to_endpoint_summary(e) for e in endpoints], NextToken=token
    )
