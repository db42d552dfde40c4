"""The behaviour every ``ServingStore`` (models, endpoint configs, endpoints) must show.

Subclass :class:`ServingStoreSuite` in a ``Test*`` class and provide a ``store`` fixture that
yields an empty store (and closes it afterwards).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from plimsoll.errors import ResourceInUse, ResourceNotFound, ValidationError
from plimsoll.metadata.serving_base import ServingStore
from plimsoll.metadata.serving_entities import (
    ContainerSpec,
    DataCaptureSpec,
    EndpointConfigRecord,
    EndpointRecord,
    EndpointStatus,
    ModelRecord,
    ResourceQuery,
    VariantSpec,
    VariantState,
)

T0 = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
PREFIX = "arn:aws:sagemaker:us-east-1:000000000000"


def make_model(name: str, *, created: datetime = T0) -> ModelRecord:
    return ModelRecord(
        name=name,
        arn=f"{PREFIX}:model/{name.lower()}",
        container=ContainerSpec(
            image="123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1.2-1",
            model_data_url="s3://bucket/models/model.tar.gz",
            environment={"SAGEMAKER_PROGRAM": "inference.py", "EMPTY": "", "UNI": "ünï"},
        ),
        execution_role_arn="arn:aws:iam::111122223333:role/SageMakerRole",
        creation_time=created,
        tags=({"Key": "team", "Value": "ml"},),
    )


def make_capture(**changes: Any) -> DataCaptureSpec:
    capture = DataCaptureSpec(
        enable_capture=True,
        initial_sampling_percentage=37,
        destination_s3_uri="s3://bucket/capture",
        kms_key_id="alias/capture",
        capture_input=True,
        capture_output=False,
        csv_content_types=("text/csv",),
        json_content_types=(),
        capture_options=("Input",),
    )
    return dataclasses.replace(capture, **changes)


def make_config(
    name: str, *, created: datetime = T0, capture: DataCaptureSpec | None = None
) -> EndpointConfigRecord:
    return EndpointConfigRecord(
        name=name,
        arn=f"{PREFIX}:endpoint-config/{name.lower()}",
        variants=(
            VariantSpec(variant_name="AllTraffic", model_name="m1"),
            VariantSpec(
                variant_name="Canary",
                model_name="m2",
                initial_instance_count=3,
                instance_type="ml.c5.large",
                initial_variant_weight=0.25,
            ),
        ),
        data_capture=capture,
        creation_time=created,
        kms_key_id="alias/volume",
        tags=({"Key": "stage", "Value": "prod"},),
    )


def make_endpoint(
    name: str,
    *,
    status: EndpointStatus = EndpointStatus.CREATING,
    created: datetime = T0,
    modified: datetime | None = None,
) -> EndpointRecord:
    return EndpointRecord(
        name=name,
        arn=f"{PREFIX}:endpoint/{name.lower()}",
        config_name="config-1",
        status=status,
        creation_time=created,
        last_modified_time=modified or created,
        failure_reason=None,
        variants=(
            VariantState(
                variant_name="AllTraffic",
                current_weight=0.5,
                desired_weight=1.0,
                current_instance_count=1,
                desired_instance_count=2,
                image="python:3.11",
            ),
        ),
        tags=({"Key": "k", "Value": "v"},),
    )


Kind = tuple[
    Callable[..., Any],  # make(name, created=...)
    str,  # create method
    str,  # get method
    str,  # delete method
    str,  # list method
    str,  # noun in messages
]
KINDS: dict[str, Kind] = {
    "model": (
        make_model,
        "create_model",
        "get_model",
        "delete_model",
        "list_models",
        "model",
    ),
    "config": (
        make_config,
        "create_endpoint_config",
        "get_endpoint_config",
        "delete_endpoint_config",
        "list_endpoint_configs",
        "endpoint configuration",
    ),
    "endpoint": (
        make_endpoint,
        "create_endpoint",
        "get_endpoint",
        "delete_endpoint",
        "list_endpoints",
        "endpoint",
    ),
}


class _Ops:
    """One kind's operations on a store, so tests can run for every kind."""

    def __init__(self, store: ServingStore, kind: str) -> None:
        make, create, get, delete, list_, noun = KINDS[kind]
        self.make = make
        self.create: Callable[[Any], None] = getattr(store, create)
        self.get: Callable[[str], Any] = getattr(store, get)
        self.delete: Callable[[str], None] = getattr(store, delete)
        self.list: Callable[[ResourceQuery], tuple[list[Any], str | None]] = getattr(store, list_)
        self.noun = noun

    def names(self, **query: Any) -> list[str]:
        page, _ = self.list(ResourceQuery(max_results=100, **query))
        return [record.name for record in page]

    def pages(self, query: ResourceQuery) -> list[list[str]]:
        pages: list[list[str]] = []
        token: str | None = None
        while True:
            page, token = self.list(dataclasses.replace(query, next_token=token))
            pages.append([record.name for record in page])
            if token is None:
                return pages
            assert len(pages) < 100, "pagination does not end"


class ServingStoreSuite:
    """Conformance tests; subclasses supply the ``store`` fixture."""

    @pytest.fixture
    def store(self) -> ServingStore:
        raise NotImplementedError

    @pytest.fixture(params=list(KINDS))
    def ops(self, request: pytest.FixtureRequest, store: ServingStore) -> _Ops:
        """The store's operations on one kind of record (each test runs for every kind)."""
        return _Ops(store, request.param)

    # -- create / get / delete, for every kind -----------------------------------------------

    def test_create_then_get_round_trips(self, ops: _Ops) -> None:
        record = ops.make("rec-1")
        ops.create(record)
        assert ops.get("rec-1") == record

    def test_duplicate_is_in_use_naming_the_arn(self, ops: _Ops) -> None:
        first = ops.make("dup")
        ops.create(first)
        with pytest.raises(ResourceInUse) as caught:
            ops.create(ops.make("dup", created=T0 + timedelta(hours=1)))
        assert caught.value.message == f'Cannot create already existing {ops.noun} "{first.arn}".'
        assert ops.get("dup") == first

    def test_unknown_is_not_found_naming_kind_and_name(self, ops: _Ops) -> None:
        expected = f'Could not find {ops.noun} "ghost".'
        with pytest.raises(ResourceNotFound) as caught:
            ops.get("ghost")
        assert caught.value.message == expected
        with pytest.raises(ResourceNotFound) as caught:
            ops.delete("ghost")
        assert caught.value.message == expected

    def test_delete_then_create_again(self, ops: _Ops) -> None:
        ops.create(ops.make("gone"))
        ops.create(ops.make("kept"))
        ops.delete("gone")
        with pytest.raises(ResourceNotFound):
            ops.get("gone")
        assert ops.names() == ["kept"]
        again = ops.make("gone", created=T0 + timedelta(days=1))
        ops.create(again)
        assert ops.get("gone") == again

    def test_names_are_case_sensitive_and_63_long(self, ops: _Ops) -> None:
        ops.create(ops.make("Rec-A"))
        ops.create(ops.make("rec-a"))
        longest = "a" * 63
        ops.create(ops.make(longest))
        assert ops.get("Rec-A").name == "Rec-A"
        assert ops.get(longest).name == longest
        with pytest.raises(ResourceNotFound):
            ops.get("REC-A")

    def test_timestamps_come_back_aware_and_equal(self, ops: _Ops) -> None:
        created = datetime(2024, 1, 1, 12, 0, 0, 999999, tzinfo=timezone(timedelta(hours=2)))
        ops.create(ops.make("tz", created=created))
        got = ops.get("tz")
        assert got.creation_time.tzinfo is not None
        assert got.creation_time == created

    def test_kinds_are_separate_namespaces(self, store: ServingStore) -> None:
        store.create_model(make_model("same"))
        store.create_endpoint_config(make_config("same"))
        store.create_endpoint(make_endpoint("same"))
        store.delete_model("same")
        assert store.get_endpoint_config("same").name == "same"
        assert store.get_endpoint("same").name == "same"

    def test_concurrent_creates_of_one_name_have_one_winner(self, ops: _Ops) -> None:
        outcomes: list[str] = []
        lock = threading.Lock()

        def create(i: int) -> None:
            try:
                ops.create(ops.make("contended", created=T0 + timedelta(seconds=i)))
                outcome = "created"
            except ResourceInUse:
                outcome = "in-use"
            with lock:
                outcomes.append(outcome)

        run_threads(create, 8)
        assert sorted(outcomes) == ["created"] + ["in-use"] * 7

    # -- records with optional parts ---------------------------------------------------------

    def test_model_without_optional_fields(self, store: ServingStore) -> None:
        model = ModelRecord(
            name="bare",
            arn=f"{PREFIX}:model/bare",
            container=ContainerSpec(image="python:3.11"),
            execution_role_arn=None,
            creation_time=T0,
        )
        store.create_model(model)
        assert store.get_model("bare") == model

    @pytest.mark.parametrize(
        "capture",
        [
            None,
            make_capture(),
            make_capture(csv_content_types=None, json_content_types=None, kms_key_id=None),
            make_capture(
                enable_capture=False,
                initial_sampling_percentage=0,
                destination_s3_uri="file:///tmp/capture",
                capture_options=("InputAndOutput", "Output"),
                json_content_types=("application/json", "application/jsonlines"),
            ),
        ],
        ids=["no-capture", "full", "no-content-type-header", "disabled"],
    )
    def test_endpoint_config_capture_round_trips(
        self, store: ServingStore, capture: DataCaptureSpec | None
    ) -> None:
        config = make_config("cfg", capture=capture)
        store.create_endpoint_config(config)
        got = store.get_endpoint_config("cfg")
        assert got == config
        if capture is not None:
            assert got.data_capture is not None
            assert got.data_capture.csv_content_types == capture.csv_content_types
            assert got.data_capture.json_content_types == capture.json_content_types

    # -- save_endpoint -----------------------------------------------------------------------

    def test_save_replaces_the_endpoint(self, store: ServingStore) -> None:
        store.create_endpoint(make_endpoint("ep"))
        later = T0 + timedelta(minutes=5)
        failed = make_endpoint("ep").replace(
            status=EndpointStatus.FAILED,
            failure_reason="image not found",
            last_modified_time=later,
            variants=(),
            config_name="config-2",
        )
        assert store.save_endpoint(failed) == failed
        assert store.get_endpoint("ep") == failed

    def test_save_with_expected_status(self, store: ServingStore) -> None:
        store.create_endpoint(make_endpoint("cas"))
        in_service = make_endpoint("cas", status=EndpointStatus.IN_SERVICE)
        refused = store.save_endpoint(in_service, expected_status=(EndpointStatus.UPDATING,))
        assert refused is None
        assert store.get_endpoint("cas") == make_endpoint("cas")
        saved = store.save_endpoint(
            in_service, expected_status=(EndpointStatus.CREATING, EndpointStatus.UPDATING)
        )
        assert saved == in_service
        assert store.get_endpoint("cas") == in_service

    def test_save_unknown_endpoint_is_not_found(self, store: ServingStore) -> None:
        for expected in (None, (EndpointStatus.CREATING,)):
            with pytest.raises(ResourceNotFound, match='endpoint "ghost"'):
                store.save_endpoint(make_endpoint("ghost"), expected_status=expected)

    def test_compare_and_set_has_one_winner_across_threads(self, store: ServingStore) -> None:
        store.create_endpoint(make_endpoint("race"))
        winners: list[str] = []
        lock = threading.Lock()

        def attempt(i: int) -> None:
            endpoint = make_endpoint("race", status=EndpointStatus.DELETING).replace(
                failure_reason=f"thread {i}"
            )
            if store.save_endpoint(endpoint, expected_status=(EndpointStatus.CREATING,)):
                with lock:
                    winners.append(f"thread {i}")

        run_threads(attempt, 8)
        assert len(winners) == 1
        assert store.get_endpoint("race").failure_reason == winners[0]

    def test_lists_see_saved_status_and_times(self, store: ServingStore) -> None:
        store.create_endpoint(make_endpoint("a"))
        store.create_endpoint(make_endpoint("b", created=T0 + timedelta(seconds=1)))
        store.save_endpoint(make_endpoint("a", status=EndpointStatus.IN_SERVICE))

        def names(**query: Any) -> list[str]:
            page, _ = store.list_endpoints(ResourceQuery(**query))
            return [e.name for e in page]

        assert names(status_equals="InService") == ["a"]
        assert names(status_equals="Creating") == ["b"]
        assert names(sort_by="Status", sort_order="Ascending") == ["b", "a"]
        (listed,) = store.list_endpoints(ResourceQuery(status_equals="InService"))[0]
        assert listed.status is EndpointStatus.IN_SERVICE

    # -- list --------------------------------------------------------------------------------

    def test_list_empty(self, ops: _Ops) -> None:
        assert ops.list(ResourceQuery()) == ([], None)

    def test_list_defaults_to_newest_first(self, ops: _Ops) -> None:
        for i in range(3):
            ops.create(ops.make(f"r{i}", created=T0 + timedelta(minutes=i)))
        page, token = ops.list(ResourceQuery())
        assert [r.name for r in page] == ["r2", "r1", "r0"]
        assert token is None
        assert page[0] == ops.make("r2", created=T0 + timedelta(minutes=2))

    def test_list_filters(self, ops: _Ops) -> None:
        ops.create(ops.make("Alpha-One", created=T0))
        ops.create(ops.make("beta-two", created=T0 + timedelta(hours=1)))
        ops.create(ops.make("alpha-three", created=T0 + timedelta(hours=2)))

        def names(**filters: Any) -> list[str]:
            return ops.names(sort_by="Name", sort_order="Ascending", **filters)

        assert names(name_contains="ALPHA") == ["Alpha-One", "alpha-three"]
        assert names(name_contains="a-t") == ["alpha-three", "beta-two"]
        assert names(name_contains="%") == []
        assert names(name_contains="_") == []
        assert names(creation_time_after=T0) == ["alpha-three", "beta-two"]
        assert names(creation_time_before=T0 + timedelta(hours=2)) == ["Alpha-One", "beta-two"]
        assert names(
            creation_time_after=T0 - timedelta(seconds=1),
            creation_time_before=T0 + timedelta(seconds=1),
        ) == ["Alpha-One"]

    def test_endpoint_status_filter(self, store: ServingStore) -> None:
        store.create_endpoint(make_endpoint("up", status=EndpointStatus.IN_SERVICE))
        store.create_endpoint(make_endpoint("down", status=EndpointStatus.FAILED))
        store.create_endpoint(make_endpoint("up-too", status=EndpointStatus.IN_SERVICE))
        page, _ = store.list_endpoints(
            ResourceQuery(status_equals="InService", sort_by="Name", sort_order="Ascending")
        )
        assert [e.name for e in page] == ["up", "up-too"]
        page, _ = store.list_endpoints(ResourceQuery(status_equals="InService", name_contains="t"))
        assert [e.name for e in page] == ["up-too"]

    def test_sorting_breaks_ties_by_name(self, ops: _Ops) -> None:
        for name, created in (("c", T0), ("a", T0), ("B", T0 + timedelta(seconds=1))):
            ops.create(ops.make(name, created=created))
        ops.create(ops.make("d", created=T0 - timedelta(seconds=1)))

        def order(sort_by: str, sort_order: str) -> list[str]:
            return ops.names(sort_by=sort_by, sort_order=sort_order)

        assert order("Name", "Ascending") == ["B", "a", "c", "d"]
        assert order("Name", "Descending") == ["d", "c", "a", "B"]
        assert order("CreationTime", "Ascending") == ["d", "a", "c", "B"]
        assert order("CreationTime", "Descending") == ["B", "c", "a", "d"]

    def test_endpoints_sort_by_status(self, store: ServingStore) -> None:
        statuses = {
            "c": EndpointStatus.IN_SERVICE,
            "a": EndpointStatus.FAILED,
            "B": EndpointStatus.IN_SERVICE,
            "d": EndpointStatus.CREATING,
        }
        for name, status in statuses.items():
            store.create_endpoint(make_endpoint(name, status=status))

        def order(sort_order: str) -> list[str]:
            page, _ = store.list_endpoints(ResourceQuery(sort_by="Status", sort_order=sort_order))
            return [e.name for e in page]

        assert order("Ascending") == ["d", "a", "B", "c"]
        assert order("Descending") == ["c", "B", "a", "d"]

    @pytest.mark.parametrize("sort_by", ["Name", "CreationTime"])
    @pytest.mark.parametrize("sort_order", ["Ascending", "Descending"])
    def test_pages_cover_everything_once(self, ops: _Ops, sort_by: str, sort_order: str) -> None:
        for i in range(13):
            ops.create(ops.make(f"rec-{i:02d}", created=T0 + timedelta(seconds=i // 4)))
        whole, token = ops.list(
            ResourceQuery(sort_by=sort_by, sort_order=sort_order, max_results=100)
        )
        assert token is None and len(whole) == 13
        pages = ops.pages(ResourceQuery(sort_by=sort_by, sort_order=sort_order, max_results=5))
        assert [len(page) for page in pages] == [5, 5, 3]
        assert [name for page in pages for name in page] == [r.name for r in whole]

    @pytest.mark.parametrize("sort_order", ["Ascending", "Descending"])
    def test_endpoint_pages_by_status(self, store: ServingStore, sort_order: str) -> None:
        statuses = list(EndpointStatus)
        for i in range(11):
            store.create_endpoint(make_endpoint(f"ep-{i:02d}", status=statuses[i % 3]))
        query = ResourceQuery(sort_by="Status", sort_order=sort_order, max_results=100)
        whole, _ = store.list_endpoints(query)
        ops = _Ops(store, "endpoint")
        pages = ops.pages(dataclasses.replace(query, max_results=4))
        assert [len(page) for page in pages] == [4, 4, 3]
        assert [name for page in pages for name in page] == [e.name for e in whole]

    def test_new_records_do_not_shift_later_pages(self, ops: _Ops) -> None:
        for i in range(6):
            ops.create(ops.make(f"p{i}", created=T0 + timedelta(seconds=i)))
        first, token = ops.list(ResourceQuery(max_results=3))
        ops.create(ops.make("p-new", created=T0 + timedelta(hours=1)))
        second, last = ops.list(ResourceQuery(max_results=3, next_token=token))
        assert [r.name for r in first] == ["p5", "p4", "p3"]
        assert [r.name for r in second] == ["p2", "p1", "p0"]
        assert last is None

    @pytest.mark.parametrize("token", ["garbage!", "eyJ4IjoxfQ", ""])
    def test_bad_next_token_is_a_validation_error(self, ops: _Ops, token: str) -> None:
        with pytest.raises(ValidationError, match="NextToken"):
            ops.list(ResourceQuery(next_token=token))

    def test_token_from_another_sort_is_rejected(self, ops: _Ops) -> None:
        for i in range(3):
            ops.create(ops.make(f"t{i}"))
        _, token = ops.list(ResourceQuery(max_results=1))
        assert token is not None
        with pytest.raises(ValidationError, match="NextToken"):
            ops.list(ResourceQuery(sort_by="Name", max_results=1, next_token=token))

    def test_unknown_sort_is_a_validation_error(self, ops: _Ops) -> None:
        with pytest.raises(ValidationError, match="Size"):
            ops.list(ResourceQuery(sort_by="Size"))
        with pytest.raises(ValidationError, match="Sideways"):
            ops.list(ResourceQuery(sort_order="Sideways"))
        with pytest.raises(ValidationError, match="maxResults"):
            ops.list(ResourceQuery(max_results=0))

    def test_only_endpoints_sort_by_status(self, store: ServingStore) -> None:
        for lister in (store.list_models, store.list_endpoint_configs):
            with pytest.raises(ValidationError, match=r"\[Name, CreationTime\]"):
                lister(ResourceQuery(sort_by="Status"))
        assert store.list_endpoints(ResourceQuery(sort_by="Status")) == ([], None)


def run_threads(target: Callable[[int], None], count: int) -> None:
    """Runs ``target(i)`` on ``count`` threads released together; re-raises any failure."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
