"""The behaviour every ``MonitoringStore`` (job definitions, schedules, executions) must show.

Subclass :class:`MonitoringStoreSuite` in a ``Test*`` class and provide a ``store`` fixture that
yields an empty store (and closes it afterwards).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plimsoll.errors import ResourceInUse, ResourceNotFound, ValidationError
from plimsoll.metadata.monitoring_base import MonitoringStore
from plimsoll.metadata.monitoring_entities import (
    ExecutionQuery,
    ExecutionStatus,
    MonitoringType,
    ScheduleQuery,
    ScheduleStatus,
)
from tests.conformance.monitoring_records import (
    DQ,
    PLUS2,
    PREFIX,
    T0,
    all_pages,
    make_definition,
    make_execution,
    make_schedule,
    page_names,
    seconds,
)
from tests.conformance.serving_suite import run_threads

__all__ = [
    "T0",
    "MonitoringStoreSuite",
    "make_definition",
    "make_execution",
    "make_schedule",
]


class MonitoringStoreSuite:
    """Conformance tests; subclasses supply the ``store`` fixture."""

    @pytest.fixture
    def store(self) -> MonitoringStore:
        raise NotImplementedError

    def schedule_names(self, store: MonitoringStore, **query: Any) -> list[str]:
        page, token = store.list_schedules(ScheduleQuery(max_results=100, **query))
        assert token is None
        return page_names(page)

    def definition_names(self, store: MonitoringStore, **query: Any) -> list[str]:
        kind = query.pop("monitoring_type", DQ)
        page, token = store.list_job_definitions(kind, ScheduleQuery(max_results=100, **query))
        assert token is None
        return page_names(page)

    def execution_ids(self, store: MonitoringStore, **query: Any) -> list[str]:
        page, token = store.list_executions(ExecutionQuery(max_results=100, **query))
        assert token is None
        return page_names(page)

    # -- job definitions ---------------------------------------------------------------------

    @pytest.mark.parametrize("endpoint", ["ep-1", None])
    def test_job_definition_round_trips(self, store: MonitoringStore, endpoint: str | None) -> None:
        definition = make_definition("def-1", endpoint=endpoint, created=T0.astimezone(PLUS2))
        store.create_job_definition(definition)
        got = store.get_job_definition("def-1")
        assert got == definition
        assert got.creation_time.utcoffset() == timedelta(hours=2)
        assert got.body["NetworkConfig"] is None
        assert got.body["DataQualityAppSpecification"]["ContainerArguments"] == []
        assert store.get_job_definition("def-1", DQ) == definition

    def test_job_definition_without_tags(self, store: MonitoringStore) -> None:
        definition = dataclasses.replace(make_definition("bare"), tags=(), body={})
        store.create_job_definition(definition)
        assert store.get_job_definition("bare") == definition

    def test_job_definition_of_another_type_is_not_found(self, store: MonitoringStore) -> None:
        store.create_job_definition(make_definition("d", monitoring_type=MonitoringType.MODEL_BIAS))
        with pytest.raises(ResourceNotFound) as caught:
            store.get_job_definition("d", DQ)
        assert caught.value.message == 'Could not find job definition "d".'
        assert store.get_job_definition("d", MonitoringType.MODEL_BIAS).name == "d"

    def test_duplicate_job_definition_is_in_use_across_types(self, store: MonitoringStore) -> None:
        first = make_definition("dup")
        store.create_job_definition(first)
        again = make_definition("dup", monitoring_type=MonitoringType.MODEL_QUALITY)
        with pytest.raises(ResourceInUse) as caught:
            store.create_job_definition(again)
        assert (
            caught.value.message == f'Cannot create already existing job definition "{first.arn}".'
        )
        assert store.get_job_definition("dup") == first

    def test_unknown_job_definition_is_not_found(self, store: MonitoringStore) -> None:
        for call in (store.get_job_definition, store.delete_job_definition):
            with pytest.raises(ResourceNotFound) as caught:
                call("ghost")
            assert caught.value.message == 'Could not find job definition "ghost".'

    def test_delete_job_definition_then_create_again(self, store: MonitoringStore) -> None:
        store.create_job_definition(make_definition("gone"))
        store.create_job_definition(make_definition("kept"))
        store.delete_job_definition("gone")
        with pytest.raises(ResourceNotFound):
            store.get_job_definition("gone")
        assert self.definition_names(store) == ["kept"]
        again = make_definition("gone", created=T0 + timedelta(days=1))
        store.create_job_definition(again)
        assert store.get_job_definition("gone") == again

    def test_non_json_body_is_refused_and_nothing_stored(self, store: MonitoringStore) -> None:
        bad = dataclasses.replace(make_definition("bad"), body={"When": {"At": T0}})
        with pytest.raises(ValidationError, match=r"datetime at \$\.When\.At"):
            store.create_job_definition(bad)
        with pytest.raises(ResourceNotFound):
            store.get_job_definition("bad")
        for body in ({"x": {1, 2}}, {"x": float("nan")}, {1: "int key"}):
            with pytest.raises(ValidationError):
                store.create_job_definition(dataclasses.replace(make_definition("bad"), body=body))
        schedule = dataclasses.replace(make_schedule("bad"), config={"x": object()})
        with pytest.raises(ValidationError, match='monitoring schedule "bad" config'):
            store.create_schedule(schedule)
        assert self.schedule_names(store) == []

    def test_list_job_definitions_filters(self, store: MonitoringStore) -> None:
        store.create_job_definition(make_definition("Alpha-One", created=T0))
        store.create_job_definition(
            make_definition("beta-two", endpoint="ep-2", created=T0 + timedelta(hours=1))
        )
        store.create_job_definition(
            make_definition("alpha-three", endpoint=None, created=T0 + timedelta(hours=2))
        )
        store.create_job_definition(
            make_definition("alpha-bias", monitoring_type=MonitoringType.MODEL_BIAS)
        )

        def names(**filters: Any) -> list[str]:
            return self.definition_names(store, sort_by="Name", sort_order="Ascending", **filters)

        assert names() == ["Alpha-One", "alpha-three", "beta-two"]
        assert names(monitoring_type=MonitoringType.MODEL_BIAS) == ["alpha-bias"]
        assert names(monitoring_type=MonitoringType.MODEL_EXPLAINABILITY) == []
        assert names(name_contains="ALPHA") == ["Alpha-One", "alpha-three"]
        assert names(name_contains="%") == []
        assert names(endpoint_name="ep-2") == ["beta-two"]
        assert names(endpoint_name="ep-1") == ["Alpha-One"]
        assert names(creation_time_after=T0) == ["alpha-three", "beta-two"]
        assert names(creation_time_before=T0 + timedelta(hours=2)) == ["Alpha-One", "beta-two"]

    @pytest.mark.parametrize(
        ("sort_by", "sort_order", "expected"),
        [
            ("Name", "Ascending", ["B", "a", "c", "d"]),
            ("Name", "Descending", ["d", "c", "a", "B"]),
            ("CreationTime", "Ascending", ["d", "a", "c", "B"]),
            ("CreationTime", "Descending", ["B", "c", "a", "d"]),
        ],
    )
    def test_job_definitions_sort(
        self, store: MonitoringStore, sort_by: str, sort_order: str, expected: list[str]
    ) -> None:
        for name, created in (("c", T0), ("a", T0), ("B", T0 + seconds(1)), ("d", T0 - seconds(1))):
            store.create_job_definition(make_definition(name, created=created))
        assert self.definition_names(store, sort_by=sort_by, sort_order=sort_order) == expected

    @pytest.mark.parametrize("sort_by", ["Name", "CreationTime"])
    @pytest.mark.parametrize("sort_order", ["Ascending", "Descending"])
    def test_job_definition_pages_cover_everything_once(
        self, store: MonitoringStore, sort_by: str, sort_order: str
    ) -> None:
        for i in range(13):
            store.create_job_definition(make_definition(f"d-{i:02d}", created=T0 + seconds(i // 4)))
        whole = self.definition_names(store, sort_by=sort_by, sort_order=sort_order)
        query = ScheduleQuery(sort_by=sort_by, sort_order=sort_order, max_results=5)
        pages = all_pages(lambda q: store.list_job_definitions(DQ, q), query)
        assert [len(page) for page in pages] == [5, 5, 3]
        assert [name for page in pages for name in page] == whole
        assert sorted(whole) == [f"d-{i:02d}" for i in range(13)]

    def test_job_definitions_do_not_sort_by_status(self, store: MonitoringStore) -> None:
        with pytest.raises(ValidationError, match=r"\[Name, CreationTime\]"):
            store.list_job_definitions(DQ, ScheduleQuery(sort_by="Status"))

    # -- schedules ---------------------------------------------------------------------------

    @pytest.mark.parametrize(
        "changes",
        [
            {},
            {"endpoint_name": None, "failure_reason": "", "tags": ()},
            {
                "status": ScheduleStatus.FAILED,
                "failure_reason": "bad image",
                "last_scheduled_time": datetime(2024, 5, 6, 8, 0, 0, 1, tzinfo=PLUS2),
                "tags": (("k", "v"), ("k2", "")),
                "creation_time": T0.astimezone(PLUS2),
            },
        ],
        ids=["defaults", "none-and-empty", "everything"],
    )
    def test_schedule_round_trips(self, store: MonitoringStore, changes: dict[str, Any]) -> None:
        schedule = dataclasses.replace(make_schedule("s", definition=None), **changes)
        store.create_schedule(schedule)
        got = store.get_schedule("s")
        assert got == schedule
        assert got.failure_reason == schedule.failure_reason  # "" stays "", None stays None
        assert got.last_scheduled_time == schedule.last_scheduled_time
        if schedule.last_scheduled_time is not None:
            assert got.last_scheduled_time is not None
            assert got.last_scheduled_time.utcoffset() == timedelta(hours=2)
            assert got.last_scheduled_time.microsecond == 1

    def test_duplicate_schedule_is_in_use(self, store: MonitoringStore) -> None:
        first = make_schedule("dup")
        store.create_schedule(first)
        with pytest.raises(ResourceInUse) as caught:
            store.create_schedule(make_schedule("dup", created=T0 + seconds(5)))
        assert caught.value.message == (
            f'Cannot create already existing monitoring schedule "{first.arn}".'
        )
        assert store.get_schedule("dup") == first

    def test_unknown_schedule_is_not_found(self, store: MonitoringStore) -> None:
        message = 'Could not find monitoring schedule "ghost".'
        calls: list[Callable[[], object]] = [
            lambda: store.get_schedule("ghost"),
            lambda: store.delete_schedule("ghost"),
            lambda: store.save_schedule(make_schedule("ghost")),
            lambda: store.save_schedule(
                make_schedule("ghost"), expected_status=(ScheduleStatus.SCHEDULED,)
            ),
            lambda: store.add_execution(make_execution("x", schedule="ghost")),
        ]
        for call in calls:
            with pytest.raises(ResourceNotFound) as caught:
                call()
            assert caught.value.message == message

    def test_names_are_case_sensitive(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("Sched"))
        store.create_schedule(make_schedule("sched"))
        store.create_job_definition(make_definition("Def"))
        assert store.get_schedule("Sched").name == "Sched"
        with pytest.raises(ResourceNotFound):
            store.get_schedule("SCHED")
        with pytest.raises(ResourceNotFound):
            store.get_job_definition("def")

    def test_save_schedule_replaces_it(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("s"))
        stopped = dataclasses.replace(
            make_schedule("s", status=ScheduleStatus.STOPPED, endpoint="ep-2", definition="def-2"),
            last_modified_time=T0 + timedelta(minutes=5),
            last_scheduled_time=T0 + timedelta(hours=1),
            failure_reason="stopped by user",
        )
        assert store.save_schedule(stopped) == stopped
        assert store.get_schedule("s") == stopped
        assert self.schedule_names(store, status_equals="Stopped", endpoint_name="ep-2") == ["s"]
        assert store.schedules_using_definition("def-2") == ["s"]
        assert store.schedules_using_definition("def-1") == []

    def test_save_schedule_compare_and_set(self, store: MonitoringStore) -> None:
        pending = make_schedule("cas", status=ScheduleStatus.PENDING)
        store.create_schedule(pending)
        scheduled = make_schedule("cas", status=ScheduleStatus.SCHEDULED)
        assert store.save_schedule(scheduled, expected_status=(ScheduleStatus.STOPPED,)) is None
        assert store.get_schedule("cas") == pending
        allowed = (ScheduleStatus.PENDING, ScheduleStatus.FAILED)
        assert store.save_schedule(scheduled, expected_status=allowed) == scheduled
        assert store.get_schedule("cas") == scheduled

    def test_save_schedule_has_one_winner_across_threads(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("race", status=ScheduleStatus.PENDING))
        winners: list[str] = []
        lock = threading.Lock()

        def attempt(i: int) -> None:
            schedule = dataclasses.replace(
                make_schedule("race", status=ScheduleStatus.SCHEDULED), failure_reason=f"t{i}"
            )
            if store.save_schedule(schedule, expected_status=(ScheduleStatus.PENDING,)):
                with lock:
                    winners.append(f"t{i}")

        run_threads(attempt, 8)
        assert len(winners) == 1
        assert store.get_schedule("race").failure_reason == winners[0]

    def test_delete_schedule_deletes_its_executions_only(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("gone"))
        store.create_schedule(make_schedule("kept"))
        for i in range(3):
            store.add_execution(make_execution(f"gone-{i}", schedule="gone"))
        store.add_execution(make_execution("kept-0", schedule="kept"))
        store.delete_schedule("gone")
        with pytest.raises(ResourceNotFound):
            store.get_schedule("gone")
        with pytest.raises(ResourceNotFound, match='monitoring execution "gone-0"'):
            store.get_execution("gone-0")
        assert self.execution_ids(store) == ["kept-0"]
        assert store.latest_execution("gone") is None
        store.create_schedule(make_schedule("gone"))
        assert self.execution_ids(store, schedule_name="gone") == []
        store.add_execution(make_execution("gone-0", schedule="gone"))  # the id is free again

    def test_schedules_using_definition(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("b", definition="shared"))
        store.create_schedule(make_schedule("a", definition="shared"))
        store.create_schedule(make_schedule("c", definition="other"))
        store.create_schedule(make_schedule("inline", definition=None))
        assert store.schedules_using_definition("shared") == ["a", "b"]
        assert store.schedules_using_definition("other") == ["c"]
        assert store.schedules_using_definition("none") == []
        store.delete_schedule("a")
        assert store.schedules_using_definition("shared") == ["b"]

    def test_list_schedules_filters(self, store: MonitoringStore) -> None:
        bias = MonitoringType.MODEL_BIAS
        store.create_schedule(make_schedule("Alpha-One", created=T0, modified=T0 + seconds(30)))
        store.create_schedule(
            make_schedule(
                "beta-two",
                status=ScheduleStatus.STOPPED,
                endpoint="ep-2",
                definition="def-2",
                created=T0 + timedelta(hours=1),
            )
        )
        store.create_schedule(
            make_schedule(
                "alpha-three",
                endpoint=None,
                definition=None,
                monitoring_type=bias,
                created=T0 + timedelta(hours=2),
            )
        )

        def names(**filters: Any) -> list[str]:
            return self.schedule_names(store, sort_by="Name", sort_order="Ascending", **filters)

        assert names() == ["Alpha-One", "alpha-three", "beta-two"]
        assert names(name_contains="ALPHA") == ["Alpha-One", "alpha-three"]
        assert names(name_contains="a-t") == ["alpha-three", "beta-two"]
        assert names(name_contains="_") == []
        assert names(endpoint_name="ep-1") == ["Alpha-One"]
        assert names(status_equals="Stopped") == ["beta-two"]
        assert names(status_equals="Scheduled") == ["Alpha-One", "alpha-three"]
        assert names(monitoring_type_equals="ModelBias") == ["alpha-three"]
        assert names(monitoring_job_definition_name="def-2") == ["beta-two"]
        assert names(monitoring_job_definition_name="def-1") == ["Alpha-One"]
        assert names(creation_time_after=T0) == ["alpha-three", "beta-two"]
        assert names(creation_time_before=T0 + timedelta(hours=2)) == ["Alpha-One", "beta-two"]
        assert names(last_modified_time_after=T0 + seconds(29)) == names()
        assert names(last_modified_time_after=T0 + seconds(30)) == ["alpha-three", "beta-two"]
        assert names(last_modified_time_before=T0 + seconds(31)) == ["Alpha-One"]
        assert names(endpoint_name="ep-1", status_equals="Stopped") == []

    @pytest.mark.parametrize(
        ("sort_by", "sort_order", "expected"),
        [
            ("Name", "Ascending", ["B", "a", "c", "d"]),
            ("Name", "Descending", ["d", "c", "a", "B"]),
            ("CreationTime", "Ascending", ["d", "a", "c", "B"]),
            ("CreationTime", "Descending", ["B", "c", "a", "d"]),
            ("Status", "Ascending", ["a", "d", "B", "c"]),
            ("Status", "Descending", ["c", "B", "d", "a"]),
        ],
    )
    def test_schedules_sort(
        self, store: MonitoringStore, sort_by: str, sort_order: str, expected: list[str]
    ) -> None:
        rows = (
            ("c", T0, ScheduleStatus.SCHEDULED),
            ("a", T0, ScheduleStatus.FAILED),
            ("B", T0 + seconds(1), ScheduleStatus.SCHEDULED),
            ("d", T0 - seconds(1), ScheduleStatus.PENDING),
        )
        for name, created, status in rows:
            store.create_schedule(make_schedule(name, created=created, status=status))
        assert self.schedule_names(store, sort_by=sort_by, sort_order=sort_order) == expected

    def test_schedules_default_to_newest_first(self, store: MonitoringStore) -> None:
        for i in range(3):
            store.create_schedule(make_schedule(f"s{i}", created=T0 + timedelta(minutes=i)))
        page, token = store.list_schedules(ScheduleQuery())
        assert page_names(page) == ["s2", "s1", "s0"] and token is None
        assert page[0] == make_schedule("s2", created=T0 + timedelta(minutes=2))

    @pytest.mark.parametrize("sort_by", ["Name", "CreationTime", "Status"])
    @pytest.mark.parametrize("sort_order", ["Ascending", "Descending"])
    def test_schedule_pages_cover_everything_once(
        self, store: MonitoringStore, sort_by: str, sort_order: str
    ) -> None:
        statuses = list(ScheduleStatus)
        for i in range(13):
            schedule = make_schedule(
                f"s-{i:02d}", status=statuses[i % 3], created=T0 + seconds(i // 4)
            )
            store.create_schedule(schedule)
        whole = self.schedule_names(store, sort_by=sort_by, sort_order=sort_order)
        query = ScheduleQuery(sort_by=sort_by, sort_order=sort_order, max_results=5)
        pages = all_pages(store.list_schedules, query)
        assert [len(page) for page in pages] == [5, 5, 3]
        assert [name for page in pages for name in page] == whole
        assert sorted(whole) == [f"s-{i:02d}" for i in range(13)]

    def test_new_schedules_do_not_shift_later_pages(self, store: MonitoringStore) -> None:
        for i in range(6):
            store.create_schedule(make_schedule(f"p{i}", created=T0 + seconds(i)))
        first, token = store.list_schedules(ScheduleQuery(max_results=3))
        store.create_schedule(make_schedule("p-new", created=T0 + timedelta(hours=1)))
        second, last = store.list_schedules(ScheduleQuery(max_results=3, next_token=token))
        assert page_names(first) == ["p5", "p4", "p3"]
        assert page_names(second) == ["p2", "p1", "p0"]
        assert last is None

    @pytest.mark.parametrize("token", ["garbage!", "eyJ4IjoxfQ", ""])
    def test_bad_next_token_is_a_validation_error(self, store: MonitoringStore, token: str) -> None:
        with pytest.raises(ValidationError, match="NextToken"):
            store.list_schedules(ScheduleQuery(next_token=token))
        with pytest.raises(ValidationError, match="NextToken"):
            store.list_job_definitions(DQ, ScheduleQuery(next_token=token))
        with pytest.raises(ValidationError, match="NextToken"):
            store.list_executions(ExecutionQuery(next_token=token))

    def test_token_from_another_sort_is_rejected(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("sched"))
        for i in range(3):
            store.add_execution(make_execution(f"e{i}", created=T0 + seconds(i)))
        _, token = store.list_executions(ExecutionQuery(max_results=1))
        assert token is not None
        with pytest.raises(ValidationError, match="NextToken"):
            store.list_executions(
                ExecutionQuery(sort_by="ScheduledTime", max_results=1, next_token=token)
            )

    def test_unknown_sorts_are_validation_errors(self, store: MonitoringStore) -> None:
        with pytest.raises(ValidationError, match=r"\[Name, CreationTime, Status\]"):
            store.list_schedules(ScheduleQuery(sort_by="ScheduledTime"))
        with pytest.raises(ValidationError, match=r"\[CreationTime, ScheduledTime, Status\]"):
            store.list_executions(ExecutionQuery(sort_by="Name"))
        with pytest.raises(ValidationError, match="Sideways"):
            store.list_executions(ExecutionQuery(sort_order="Sideways"))
        with pytest.raises(ValidationError, match="maxResults"):
            store.list_schedules(ScheduleQuery(max_results=0))
        with pytest.raises(ValidationError, match="maxResults"):
            store.list_executions(ExecutionQuery(max_results=0))

    # -- executions --------------------------------------------------------------------------

    @pytest.mark.parametrize(
        "changes",
        [
            {},
            {
                "endpoint_name": None,
                "job_definition_name": None,
                "processing_job_name": "",
                "failure_reason": "",
            },
            {
                "status": ExecutionStatus.COMPLETED_WITH_VIOLATIONS,
                "processing_job_name": "job-1",
                "processing_job_arn": f"{PREFIX}:processing-job/job-1",
                "failure_reason": "violations found",
                "monitoring_type": MonitoringType.MODEL_EXPLAINABILITY,
                "scheduled_time": datetime(2024, 5, 6, 9, 0, tzinfo=PLUS2),
                "creation_time": datetime(2024, 5, 6, 9, 0, 1, 999999, tzinfo=PLUS2),
                "last_modified_time": datetime(2024, 5, 6, 7, 0, 2, 5, tzinfo=UTC),
            },
        ],
        ids=["defaults", "none-and-empty", "everything"],
    )
    def test_execution_round_trips(self, store: MonitoringStore, changes: dict[str, Any]) -> None:
        store.create_schedule(make_schedule("sched"))
        execution = dataclasses.replace(make_execution("sched-20240506T070809Z"), **changes)
        store.add_execution(execution)
        got = store.get_execution(execution.execution_id)
        assert got == execution
        for field in ("processing_job_name", "failure_reason", "endpoint_name"):
            assert getattr(got, field) == getattr(execution, field)  # None vs "" kept
        assert got.creation_time.utcoffset() == execution.creation_time.utcoffset()
        assert page_names(store.list_executions(ExecutionQuery())[0]) == [execution.execution_id]
        assert store.list_executions(ExecutionQuery())[0] == [execution]

    def test_duplicate_execution_is_in_use(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("sched"))
        first = make_execution("e-1")
        store.add_execution(first)
        with pytest.raises(ResourceInUse, match='monitoring execution "e-1"'):
            store.add_execution(make_execution("e-1", status=ExecutionStatus.FAILED))
        assert store.get_execution("e-1") == first

    def test_unknown_execution_is_not_found(self, store: MonitoringStore) -> None:
        message = 'Could not find monitoring execution "ghost".'
        with pytest.raises(ResourceNotFound) as caught:
            store.get_execution("ghost")
        assert caught.value.message == message
        for expected in (None, (ExecutionStatus.PENDING,)):
            with pytest.raises(ResourceNotFound) as caught:
                store.update_execution("ghost", expected_status=expected, last_modified_time=T0)
            assert caught.value.message == message

    def test_update_execution_changes_only_given_fields(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("sched"))
        store.add_execution(make_execution("e"))
        later = T0 + timedelta(minutes=1)
        running = store.update_execution(
            "e",
            status=ExecutionStatus.IN_PROGRESS,
            processing_job_name="job-e",
            processing_job_arn=f"{PREFIX}:processing-job/job-e",
            last_modified_time=later,
        )
        expected = dataclasses.replace(
            make_execution("e"),
            status=ExecutionStatus.IN_PROGRESS,
            processing_job_name="job-e",
            processing_job_arn=f"{PREFIX}:processing-job/job-e",
            last_modified_time=later,
        )
        assert running == expected
        assert store.get_execution("e") == expected
        done = store.update_execution(
            "e", failure_reason="boom", status=ExecutionStatus.FAILED, last_modified_time=T0
        )
        expected = dataclasses.replace(
            expected, status=ExecutionStatus.FAILED, failure_reason="boom", last_modified_time=T0
        )
        assert done == expected
        assert store.get_execution("e") == expected
        assert self.execution_ids(store, status_equals="Failed") == ["e"]

    def test_update_execution_compare_and_set(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("sched"))
        store.add_execution(make_execution("e"))
        refused = store.update_execution(
            "e",
            status=ExecutionStatus.COMPLETED,
            expected_status=(ExecutionStatus.IN_PROGRESS,),
            last_modified_time=T0 + seconds(1),
        )
        assert refused is None
        assert store.get_execution("e") == make_execution("e")
        allowed = (ExecutionStatus.PENDING, ExecutionStatus.IN_PROGRESS)
        updated = store.update_execution(
            "e", status=ExecutionStatus.STOPPING, expected_status=allowed, last_modified_time=T0
        )
        assert updated is not None and updated.status is ExecutionStatus.STOPPING

    def test_update_execution_has_one_winner_across_threads(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("sched"))
        store.add_execution(make_execution("race"))
        winners: list[str] = []
        lock = threading.Lock()

        def attempt(i: int) -> None:
            result = store.update_execution(
                "race",
                status=ExecutionStatus.IN_PROGRESS,
                expected_status=(ExecutionStatus.PENDING,),
                processing_job_name=f"job-{i}",
                last_modified_time=T0 + seconds(i),
            )
            if result is not None:
                with lock:
                    winners.append(f"job-{i}")

        run_threads(attempt, 8)
        assert len(winners) == 1
        assert store.get_execution("race").processing_job_name == winners[0]

    def test_concurrent_add_execution_loses_no_rows(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("sched"))

        def add(i: int) -> None:
            for j in range(5):
                store.add_execution(make_execution(f"e-{i}-{j}", created=T0 + seconds(j)))

        run_threads(add, 8)
        ids = self.execution_ids(store, schedule_name="sched")
        assert sorted(ids) == sorted(f"e-{i}-{j}" for i in range(8) for j in range(5))

    def test_concurrent_add_of_one_id_has_one_winner(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("sched"))
        outcomes: list[str] = []
        lock = threading.Lock()

        def add(i: int) -> None:
            try:
                store.add_execution(make_execution("same", created=T0 + seconds(i)))
                outcome = "added"
            except ResourceInUse:
                outcome = "in-use"
            with lock:
                outcomes.append(outcome)

        run_threads(add, 8)
        assert sorted(outcomes) == ["added"] + ["in-use"] * 7

    def test_latest_execution(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("sched"))
        store.create_schedule(make_schedule("other"))
        assert store.latest_execution("sched") is None
        assert store.latest_execution("ghost") is None
        store.add_execution(make_execution("a", created=T0, scheduled=T0 + timedelta(hours=5)))
        newest = make_execution("b", created=T0 + seconds(2), scheduled=T0)
        store.add_execution(newest)
        store.add_execution(make_execution("c", created=T0 + seconds(1)))
        store.add_execution(make_execution("z", schedule="other", created=T0 + timedelta(days=1)))
        assert store.latest_execution("sched") == newest
        tie = make_execution("d", created=(T0 + seconds(2)).astimezone(PLUS2))
        store.add_execution(tie)
        assert store.latest_execution("sched") == tie  # same instant: the larger id

    def test_list_executions_filters(self, store: MonitoringStore) -> None:
        store.create_schedule(make_schedule("s1"))
        store.create_schedule(make_schedule("s2"))
        hour = timedelta(hours=1)
        store.add_execution(
            make_execution("e1", schedule="s1", scheduled=T0, created=T0 + seconds(1))
        )
        store.add_execution(
            make_execution(
                "e2",
                schedule="s1",
                status=ExecutionStatus.FAILED,
                scheduled=T0 + hour,
                created=T0 + hour,
                modified=T0 + 2 * hour,
                definition=None,
            )
        )
        store.add_execution(
            make_execution(
                "e3",
                schedule="s2",
                endpoint="ep-2",
                definition="def-2",
                monitoring_type=MonitoringType.MODEL_QUALITY,
                scheduled=T0 + 2 * hour,
                created=T0 + 2 * hour,
            )
        )

        def ids(**filters: Any) -> list[str]:
            return self.execution_ids(
                store, sort_by="ScheduledTime", sort_order="Ascending", **filters
            )

        assert ids() == ["e1", "e2", "e3"]
        assert ids(schedule_name="s1") == ["e1", "e2"]
        assert ids(schedule_name="S1") == []
        assert ids(endpoint_name="ep-2") == ["e3"]
        assert ids(status_equals="Failed") == ["e2"]
        assert ids(status_equals="Pending") == ["e1", "e3"]
        assert ids(monitoring_type_equals="ModelQuality") == ["e3"]
        assert ids(monitoring_job_definition_name="def-1") == ["e1"]
        assert ids(scheduled_time_after=T0) == ["e2", "e3"]
        assert ids(scheduled_time_before=T0 + 2 * hour) == ["e1", "e2"]
        assert ids(creation_time_after=T0 + seconds(1)) == ["e2", "e3"]
        assert ids(creation_time_before=T0 + seconds(2)) == ["e1"]
        assert ids(last_modified_time_after=T0 + hour + seconds(1)) == ["e2", "e3"]
        assert ids(last_modified_time_before=T0 + 2 * hour) == ["e1"]
        assert ids(schedule_name="s1", status_equals="Pending") == ["e1"]

    @pytest.mark.parametrize(
        ("sort_by", "sort_order", "expected"),
        [
            ("CreationTime", "Ascending", ["e-d", "e-a", "e-b", "e-c"]),
            ("CreationTime", "Descending", ["e-c", "e-b", "e-a", "e-d"]),
            ("ScheduledTime", "Ascending", ["e-a", "e-c", "e-b", "e-d"]),
            ("ScheduledTime", "Descending", ["e-d", "e-b", "e-c", "e-a"]),
            ("Status", "Ascending", ["e-b", "e-c", "e-a", "e-d"]),
            ("Status", "Descending", ["e-d", "e-a", "e-c", "e-b"]),
        ],
    )
    def test_executions_sort(
        self, store: MonitoringStore, sort_by: str, sort_order: str, expected: list[str]
    ) -> None:
        store.create_schedule(make_schedule("sched"))
        hour = timedelta(hours=1)
        rows = (
            ("e-b", T0, T0 + 2 * hour, ExecutionStatus.COMPLETED),
            ("e-a", T0, T0 + hour, ExecutionStatus.FAILED),
            ("e-c", T0 + seconds(1), T0 + hour, ExecutionStatus.COMPLETED),
            ("e-d", T0 - seconds(1), T0 + 3 * hour, ExecutionStatus.IN_PROGRESS),
        )
        for execution_id, created, scheduled, status in rows:
            execution = make_execution(
                execution_id, created=created, scheduled=scheduled, status=status
            )
            store.add_execution(execution)
        assert self.execution_ids(store, sort_by=sort_by, sort_order=sort_order) == expected

    @pytest.mark.parametrize("sort_by", ["CreationTime", "ScheduledTime", "Status"])
    @pytest.mark.parametrize("sort_order", ["Ascending", "Descending"])
    def test_execution_pages_cover_everything_once(
        self, store: MonitoringStore, sort_by: str, sort_order: str
    ) -> None:
        store.create_schedule(make_schedule("sched"))
        statuses = list(ExecutionStatus)
        for i in range(13):
            execution = make_execution(
                f"e-{i:02d}",
                status=statuses[i % 3],
                created=T0 + seconds(i // 4),
                scheduled=T0 + seconds(i // 5),
            )
            store.add_execution(execution)
        whole = self.execution_ids(store, sort_by=sort_by, sort_order=sort_order)
        query = ExecutionQuery(sort_by=sort_by, sort_order=sort_order, max_results=5)
        pages = all_pages(store.list_executions, query)
        assert [len(page) for page in pages] == [5, 5, 3]
        assert [name for page in pages for name in page] == whole
        assert sorted(whole) == [f"e-{i:02d}" for i in range(13)]

    def test_record_kinds_are_separate_namespaces(self, store: MonitoringStore) -> None:
        store.create_job_definition(make_definition("same"))
        store.create_schedule(make_schedule("same"))
        store.add_execution(make_execution("same", schedule="same"))
        store.delete_job_definition("same")
        assert store.get_schedule("same").name == "same"
        assert store.get_execution("same").execution_id == "same"
