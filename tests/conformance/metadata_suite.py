"""The behaviour every ``MetadataStore`` must show, as an abstract test class.

Subclass :class:`MetadataStoreSuite` in a ``Test*`` class and provide a ``store`` fixture that
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
from plimsoll.metadata import MetadataStore
from plimsoll.metadata.entities import (
    ClusterSpec,
    JobQuery,
    JobStatus,
    ProcessingInputSpec,
    ProcessingJob,
    ProcessingJobSpec,
    ProcessingOutputSpec,
    S3InputSpec,
    S3OutputSpec,
)

T0 = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def make_spec(name: str) -> ProcessingJobSpec:
    """A spec using every field, so round trips are meaningful."""
    return ProcessingJobSpec(
        name=name,
        role_arn="arn:aws:iam::111122223333:role/SageMakerRole",
        image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1",
        cluster=ClusterSpec(instance_count=2, instance_type="ml.m5.xlarge", volume_size_in_gb=30),
        container_entrypoint=("python3", "/opt/ml/processing/input/code/run.py"),
        container_arguments=("--alpha", "0.5", "ünïcode"),
        inputs=(
            ProcessingInputSpec(
                input_name="data",
                s3_input=S3InputSpec(
                    s3_uri="s3://bucket/in/data.csv",
                    local_path="/opt/ml/processing/input/data",
                    s3_data_distribution_type="ShardedByS3Key",
                ),
            ),
            ProcessingInputSpec(
                input_name="athena",
                dataset_definition={"AthenaDatasetDefinition": {"Catalog": "c", "Database": "d"}},
            ),
        ),
        outputs=(
            ProcessingOutputSpec(
                output_name="out",
                s3_output=S3OutputSpec(
                    s3_uri="s3://bucket/out",
                    local_path="/opt/ml/processing/output",
                    s3_upload_mode="Continuous",
                ),
            ),
        ),
        output_kms_key_id="alias/key",
        environment={"MODE": "fast", "EMPTY": ""},
        max_runtime_in_seconds=3600,
        stopping_condition_given=True,
        network_config={"EnableNetworkIsolation": True},
        experiment_config={"ExperimentName": "exp"},
        tags=({"Key": "team", "Value": "ml"},),
    )


def make_job(
    name: str,
    *,
    status: JobStatus = JobStatus.IN_PROGRESS,
    created: datetime = T0,
    modified: datetime | None = None,
) -> ProcessingJob:
    return ProcessingJob(
        spec=make_spec(name),
        arn=f"arn:aws:sagemaker:us-east-1:000000000000:processing-job/{name.lower()}",
        status=status,
        creation_time=created,
        last_modified_time=modified or created,
    )


def all_pages(store: MetadataStore, query: JobQuery) -> list[list[str]]:
    """Names on each page, following next tokens to the end."""
    pages: list[list[str]] = []
    token: str | None = None
    while True:
        page, token = store.list_processing_jobs(dataclasses.replace(query, next_token=token))
        pages.append([job.name for job in page])
        if token is None:
            return pages
        assert len(pages) < 100, "pagination does not end"


class MetadataStoreSuite:
    """Conformance tests; subclasses supply the ``store`` fixture."""

    @pytest.fixture
    def store(self) -> MetadataStore:
        raise NotImplementedError

    # -- create / get ------------------------------------------------------------------------

    def test_create_then_get_round_trips_everything(self, store: MetadataStore) -> None:
        job = make_job("full-job").replace(
            processing_start_time=T0 + timedelta(seconds=1),
            processing_end_time=T0 + timedelta(seconds=2, microseconds=7),
            failure_reason="boom",
            exit_message="exit 3",
            status=JobStatus.FAILED,
        )
        store.create_processing_job(job)
        got = store.get_processing_job("full-job")
        assert got == job
        assert got.spec == make_spec("full-job")

    def test_timestamps_come_back_aware_and_equal(self, store: MetadataStore) -> None:
        plus_two = timezone(timedelta(hours=2))
        created = datetime(2024, 1, 1, 12, 0, 0, 999999, tzinfo=plus_two)
        store.create_processing_job(make_job("tz-job", created=created))
        got = store.get_processing_job("tz-job")
        for value in (got.creation_time, got.last_modified_time):
            assert value.tzinfo is not None
            assert value == created
            assert value.astimezone(UTC) == datetime(2024, 1, 1, 10, 0, 0, 999999, tzinfo=UTC)
        assert got.processing_start_time is None

    def test_duplicate_name_is_in_use(self, store: MetadataStore) -> None:
        store.create_processing_job(make_job("dup"))
        with pytest.raises(ResourceInUse, match="dup"):
            store.create_processing_job(make_job("dup", created=T0 + timedelta(hours=1)))
        assert store.get_processing_job("dup").creation_time == T0

    def test_names_are_case_sensitive(self, store: MetadataStore) -> None:
        store.create_processing_job(make_job("Job-A"))
        store.create_processing_job(make_job("job-a"))
        assert store.get_processing_job("Job-A").name == "Job-A"
        with pytest.raises(ResourceNotFound):
            store.get_processing_job("JOB-A")

    def test_longest_name_fits(self, store: MetadataStore) -> None:
        name = "a" * 63
        store.create_processing_job(make_job(name))
        assert store.get_processing_job(name).name == name

    def test_unknown_job_is_not_found_by_name(self, store: MetadataStore) -> None:
        with pytest.raises(ResourceNotFound, match="no-such-job"):
            store.get_processing_job("no-such-job")

    # -- update ------------------------------------------------------------------------------

    def test_update_changes_given_fields_only(self, store: MetadataStore) -> None:
        store.create_processing_job(make_job("upd"))
        later = T0 + timedelta(minutes=5)
        updated = store.update_processing_job(
            "upd",
            status=JobStatus.COMPLETED,
            processing_end_time=later,
            exit_message="done",
            last_modified_time=later,
        )
        expected = make_job("upd").replace(
            status=JobStatus.COMPLETED,
            processing_end_time=later,
            exit_message="done",
            last_modified_time=later,
        )
        assert updated == expected
        assert store.get_processing_job("upd") == expected

    def test_compare_and_set_applies_when_status_matches(self, store: MetadataStore) -> None:
        store.create_processing_job(make_job("cas"))
        updated = store.update_processing_job(
            "cas",
            status=JobStatus.STOPPING,
            expected_status=(JobStatus.IN_PROGRESS, JobStatus.STOPPING),
            last_modified_time=T0 + timedelta(seconds=1),
        )
        assert updated is not None and updated.status is JobStatus.STOPPING

    def test_compare_and_set_refuses_other_status(self, store: MetadataStore) -> None:
        store.create_processing_job(make_job("cas2", status=JobStatus.COMPLETED))
        result = store.update_processing_job(
            "cas2",
            status=JobStatus.STOPPING,
            failure_reason="should not be stored",
            expected_status=(JobStatus.IN_PROGRESS,),
            last_modified_time=T0 + timedelta(seconds=1),
        )
        assert result is None
        assert store.get_processing_job("cas2") == make_job("cas2", status=JobStatus.COMPLETED)

    def test_update_unknown_job_is_not_found(self, store: MetadataStore) -> None:
        with pytest.raises(ResourceNotFound, match="ghost"):
            store.update_processing_job("ghost", status=JobStatus.FAILED, last_modified_time=T0)
        with pytest.raises(ResourceNotFound, match="ghost"):
            store.update_processing_job(
                "ghost",
                status=JobStatus.FAILED,
                expected_status=(JobStatus.IN_PROGRESS,),
                last_modified_time=T0,
            )

    def test_compare_and_set_has_one_winner_across_threads(self, store: MetadataStore) -> None:
        store.create_processing_job(make_job("race"))
        winners: list[str] = []
        lock = threading.Lock()

        def attempt(i: int) -> None:
            result = store.update_processing_job(
                "race",
                status=JobStatus.STOPPING,
                exit_message=f"thread {i}",
                expected_status=(JobStatus.IN_PROGRESS,),
                last_modified_time=T0 + timedelta(seconds=i + 1),
            )
            if result is not None:
                with lock:
                    winners.append(f"thread {i}")

        _run_threads(attempt, 8)
        assert len(winners) == 1
        assert store.get_processing_job("race").exit_message == winners[0]

    # -- list --------------------------------------------------------------------------------

    def test_list_empty(self, store: MetadataStore) -> None:
        assert store.list_processing_jobs(JobQuery()) == ([], None)

    def test_list_defaults_to_newest_first(self, store: MetadataStore) -> None:
        for i in range(3):
            store.create_processing_job(make_job(f"j{i}", created=T0 + timedelta(minutes=i)))
        page, token = store.list_processing_jobs(JobQuery())
        assert [job.name for job in page] == ["j2", "j1", "j0"]
        assert token is None
        assert page[0] == make_job("j2", created=T0 + timedelta(minutes=2))

    def test_list_filters(self, store: MetadataStore) -> None:
        store.create_processing_job(make_job("Alpha-One", created=T0))
        store.create_processing_job(
            make_job("beta-two", status=JobStatus.COMPLETED, created=T0 + timedelta(hours=1))
        )
        store.create_processing_job(
            make_job(
                "alpha-three",
                status=JobStatus.FAILED,
                created=T0 + timedelta(hours=2),
                modified=T0 + timedelta(hours=5),
            )
        )

        def names(**filters: Any) -> list[str]:
            query = JobQuery(sort_by="Name", sort_order="Ascending", **filters)
            return [job.name for job in store.list_processing_jobs(query)[0]]

        assert names(name_contains="ALPHA") == ["Alpha-One", "alpha-three"]
        assert names(name_contains="a-t") == ["alpha-three", "beta-two"]
        assert names(name_contains="%") == []
        assert names(name_contains="_") == []
        assert names(status_equals=JobStatus.COMPLETED) == ["beta-two"]
        assert names(creation_time_after=T0) == ["alpha-three", "beta-two"]
        assert names(creation_time_before=T0 + timedelta(hours=2)) == ["Alpha-One", "beta-two"]
        assert names(
            creation_time_after=T0 - timedelta(seconds=1),
            creation_time_before=T0 + timedelta(seconds=1),
        ) == ["Alpha-One"]
        assert names(last_modified_time_after=T0 + timedelta(hours=3)) == ["alpha-three"]
        assert names(last_modified_time_before=T0 + timedelta(hours=3)) == [
            "Alpha-One",
            "beta-two",
        ]
        assert names(name_contains="alpha", status_equals=JobStatus.IN_PROGRESS) == ["Alpha-One"]

    def test_sorting_breaks_ties_by_name(self, store: MetadataStore) -> None:
        jobs = [
            make_job("c", status=JobStatus.COMPLETED, created=T0),
            make_job("a", status=JobStatus.FAILED, created=T0),
            make_job("B", status=JobStatus.COMPLETED, created=T0 + timedelta(seconds=1)),
            make_job("d", status=JobStatus.IN_PROGRESS, created=T0 - timedelta(seconds=1)),
        ]
        for job in jobs:
            store.create_processing_job(job)

        def order(sort_by: str, sort_order: str) -> list[str]:
            page, _ = store.list_processing_jobs(JobQuery(sort_by=sort_by, sort_order=sort_order))
            return [job.name for job in page]

        assert order("Name", "Ascending") == ["B", "a", "c", "d"]
        assert order("Name", "Descending") == ["d", "c", "a", "B"]
        assert order("CreationTime", "Ascending") == ["d", "a", "c", "B"]
        assert order("CreationTime", "Descending") == ["B", "c", "a", "d"]
        assert order("Status", "Ascending") == ["B", "c", "a", "d"]
        assert order("Status", "Descending") == ["d", "a", "c", "B"]

    @pytest.mark.parametrize("sort_by", ["Name", "CreationTime", "Status"])
    @pytest.mark.parametrize("sort_order", ["Ascending", "Descending"])
    def test_pages_cover_everything_once(
        self, store: MetadataStore, sort_by: str, sort_order: str
    ) -> None:
        statuses = list(JobStatus)
        for i in range(23):
            store.create_processing_job(
                make_job(
                    f"job-{i:02d}",
                    status=statuses[i % len(statuses)],
                    created=T0 + timedelta(seconds=i // 4),  # many ties
                )
            )
        whole, token = store.list_processing_jobs(
            JobQuery(sort_by=sort_by, sort_order=sort_order, max_results=100)
        )
        assert token is None and len(whole) == 23
        pages = all_pages(store, JobQuery(sort_by=sort_by, sort_order=sort_order, max_results=5))
        assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
        assert [name for page in pages for name in page] == [job.name for job in whole]

    def test_exact_multiple_of_page_size_ends_without_empty_page(
        self, store: MetadataStore
    ) -> None:
        for i in range(6):
            store.create_processing_job(make_job(f"m{i}", created=T0 + timedelta(seconds=i)))
        pages = all_pages(store, JobQuery(max_results=3))
        assert pages == [["m5", "m4", "m3"], ["m2", "m1", "m0"]]

    def test_new_jobs_do_not_shift_later_pages(self, store: MetadataStore) -> None:
        for i in range(6):
            store.create_processing_job(make_job(f"p{i}", created=T0 + timedelta(seconds=i)))
        first, token = store.list_processing_jobs(JobQuery(max_results=3))
        store.create_processing_job(make_job("p-new", created=T0 + timedelta(hours=1)))
        second, last = store.list_processing_jobs(JobQuery(max_results=3, next_token=token))
        assert [j.name for j in first] == ["p5", "p4", "p3"]
        assert [j.name for j in second] == ["p2", "p1", "p0"]
        assert last is None

    @pytest.mark.parametrize("token", ["garbage!", "eyJ4IjoxfQ", ""])
    def test_bad_next_token_is_a_validation_error(self, store: MetadataStore, token: str) -> None:
        with pytest.raises(ValidationError, match="NextToken"):
            store.list_processing_jobs(JobQuery(next_token=token))

    def test_token_from_another_sort_is_rejected(self, store: MetadataStore) -> None:
        for i in range(3):
            store.create_processing_job(make_job(f"t{i}"))
        _, token = store.list_processing_jobs(JobQuery(max_results=1))
        assert token is not None
        with pytest.raises(ValidationError, match="NextToken"):
            store.list_processing_jobs(JobQuery(sort_by="Name", max_results=1, next_token=token))

    def test_unknown_sort_is_a_validation_error(self, store: MetadataStore) -> None:
        with pytest.raises(ValidationError, match="Size"):
            store.list_processing_jobs(JobQuery(sort_by="Size"))
        with pytest.raises(ValidationError, match="Sideways"):
            store.list_processing_jobs(JobQuery(sort_order="Sideways"))

    # -- concurrency -------------------------------------------------------------------------

    def test_concurrent_creates(self, store: MetadataStore) -> None:
        def create_five(i: int) -> None:
            for k in range(5):
                store.create_processing_job(
                    make_job(f"t{i}-{k}", created=T0 + timedelta(milliseconds=i * 10 + k))
                )

        _run_threads(create_five, 8)
        page, token = store.list_processing_jobs(JobQuery(max_results=100))
        assert token is None
        assert sorted(job.name for job in page) == sorted(
            f"t{i}-{k}" for i in range(8) for k in range(5)
        )

    def test_concurrent_creates_of_one_name_have_one_winner(self, store: MetadataStore) -> None:
        outcomes: list[str] = []
        lock = threading.Lock()

        def create(i: int) -> None:
            try:
                store.create_processing_job(make_job("contended", created=T0 + timedelta(i)))
                outcome = "created"
            except ResourceInUse:
                outcome = "in-use"
            with lock:
                outcomes.append(outcome)

        _run_threads(create, 8)
        assert sorted(outcomes) == ["created"] + ["in-use"] * 7


def _run_threads(target: Callable[[int], None], count: int) -> None:
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
