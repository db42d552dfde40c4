"""Models, endpoint configs and endpoints: the control plane of real-time serving."""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

from plimsoll.compat.images import ImageCatalog
from plimsoll.errors import ConfigError, PlimsollError, ValidationError
from plimsoll.metadata.base import MetadataStore
from plimsoll.metadata.serving_entities import (
    CaptureState,
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
from plimsoll.services._fleet import Fleet, Instance, InstanceSpec
from plimsoll.services._job_run import pid_alive
from plimsoll.services.capture import CaptureWriter
from plimsoll.services.invocations import InvocationRouter

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class _Live:
    """What this process runs for one endpoint: its config and instances by variant."""

    def __init__(self, config: EndpointConfigRecord, instances: dict[str, list[Instance]]):
        self.config = config
        self.instances = instances
        self.weights = {v.variant_name: v.initial_variant_weight for v in config.variants}


class EndpointService:
    """Every method raises plimsoll.errors only. Creation and updates run in the background."""

    def __init__(
        self,
        *,
        store: MetadataStore,
        fleet: Fleet,
        router: InvocationRouter,
        capture: CaptureWriter,
        images: ImageCatalog,
        work_root: Path,
        region: str,
        account_id: str,
        startup_timeout_seconds: float = 240.0,
        health_interval_seconds: float = 1.0,
    ) -> None:
        self._store = store
        self._fleet = fleet
        self._router = router
        self._capture = capture
        self._images = images
        self._work = work_root
        self._region = region
        self._account = account_id
        self._startup_timeout = startup_timeout_seconds
        self._live: dict[str, _Live] = {}
        self._generation: dict[str, int] = {}
        self._lock = threading.RLock()
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []
        self._monitor = threading.Thread(
            target=self._watch, args=(health_interval_seconds,), name="endpoint-health", daemon=True
        )
        self._monitor.start()

    def _arn(self, kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:{self._region}:{self._account}:{kind}/{name.lower()}"

    # -- models -------------------------------------------------------------------------------

    def create_model(
        self,
        *,
        name: str,
        container: ContainerSpec,
        execution_role_arn: str | None,
        tags: tuple[dict[str, str], ...] = (),
    ) -> ModelRecord:
        try:
            self._images.resolve(container.image)
        except ConfigError as exc:
            raise ValidationError(f"PrimaryContainer.Image {container.image!r}: {exc}") from exc
        model = ModelRecord(
            name=name,
            arn=self._arn("model", name),
            container=container,
            execution_role_arn=execution_role_arn,
            creation_time=_now(),
            tags=tags,
        )
        self._store.create_model(model)
        return model

    def describe_model(self, name: str) -> ModelRecord:
        return self._store.get_model(name)

    def delete_model(self, name: str) -> None:
        self._store.delete_model(name)

    def list_models(self, query: ResourceQuery) -> tuple[list[ModelRecord], str | None]:
        return self._store.list_models(query)

    # -- endpoint configs ---------------------------------------------------------------------

    def create_endpoint_config(
        self,
        *,
        name: str,
        variants: tuple[VariantSpec, ...],
        data_capture: DataCaptureSpec | None,
        kms_key_id: str | None = None,
        tags: tuple[dict[str, str], ...] = (),
    ) -> EndpointConfigRecord:
        """Validates (models exist, variant names unique, capture URI/sampling) and stores."""
        if not variants:
            raise ValidationError("ProductionVariants must hold at least one variant")
        seen: set[str] = set()
        for variant in variants:
            if variant.variant_name in seen:
                raise ValidationError(
                    f"ProductionVariants: VariantName {variant.variant_name!r} is used twice"
                )
            seen.add(variant.variant_name)
            self._store.get_model(variant.model_name)
        if data_capture is not None:
            _check_capture(data_capture)
        config = EndpointConfigRecord(
            name=name,
            arn=self._arn("endpoint-config", name),
            variants=variants,
            data_capture=data_capture,
            creation_time=_now(),
            kms_key_id=kms_key_id,
            tags=tags,
        )
        self._store.create_endpoint_config(config)
        return config

    def describe_endpoint_config(self, name: str) -> EndpointConfigRecord:
        return self._store.get_endpoint_config(name)

    def delete_endpoint_config(self, name: str) -> None:
        self._store.delete_endpoint_config(name)

    def list_endpoint_configs(
        self, query: ResourceQuery
    ) -> tuple[list[EndpointConfigRecord], str | None]:
        return self._store.list_endpoint_configs(query)

    # -- endpoints ----------------------------------------------------------------------------

    def create_endpoint(
        self, *, name: str, config_name: str, tags: tuple[dict[str, str], ...] = ()
    ) -> EndpointRecord:
        """Records the endpoint Creating and starts its instances in the background."""
        config = self._store.get_endpoint_config(config_name)
        now = _now()
        endpoint = EndpointRecord(
            name=name,
            arn=self._arn("endpoint", name),
            config_name=config_name,
            status=EndpointStatus.CREATING,
            creation_time=now,
            last_modified_time=now,
            variants=_desired_states(config),
            tags=tags,
        )
        self._store.create_endpoint(endpoint)
        folder = self._work / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "owner.json").write_text(json.dumps({"pid": os.getpid()}))
        self._router.mark_unavailable(name, EndpointStatus.CREATING.value)
        self._background(f"create-{name}", self._create, name, config)
        return endpoint

    def describe_endpoint(self, name: str) -> tuple[EndpointRecord, CaptureState | None]:
        """The endpoint and, when its config has DataCaptureConfig, the capture summary."""
        endpoint = self._reap_orphan(self._store.get_endpoint(name))
        with self._lock:
            live = self._live.get(name)
        if live is not None:
            endpoint = endpoint.replace(variants=self._live_states(live))
        config = live.config if live is not None else self._config_or_none(endpoint.config_name)
        if config is None or config.data_capture is None:
            return endpoint, None
        spec = config.data_capture
        stats = self._capture.stats(name)
        return endpoint, CaptureState(
            enable_capture=spec.enable_capture,
            # A disk-guard pause shows as Stopped: capture is not happening right now.
            capture_status="Started"
            if spec.enable_capture and not stats.paused_for_disk
            else "Stopped",
            current_sampling_percentage=spec.initial_sampling_percentage,
            destination_s3_uri=spec.destination_s3_uri,
            kms_key_id=spec.kms_key_id,
            paused_for_disk=stats.paused_for_disk,
            records_written=stats.records_written,
            records_dropped=stats.records_dropped,
        )

    def update_endpoint(self, *, name: str, config_name: str) -> EndpointRecord:
        """Switches to a new config without dropping requests (Updating -> InService)."""
        config = self._store.get_endpoint_config(config_name)
        current = self._store.get_endpoint(name)
        updated = self._store.save_endpoint(
            current.replace(status=EndpointStatus.UPDATING, last_modified_time=_now()),
            expected_status=(EndpointStatus.IN_SERVICE,),
        )
        if updated is None:
            raise ValidationError(
                f"Cannot update endpoint {name}: it is {current.status.value}, not InService"
            )
        self._background(f"update-{name}", self._update, name, config)
        return updated

    def update_endpoint_weights_and_capacities(
        self, *, name: str, desired: tuple[tuple[str, float | None, int | None], ...]
    ) -> EndpointRecord:
        """(variant name, desired weight or None, desired instance count or None) each."""
        with self._lock:
            live = self._live.get(name)
            if live is None:
                self._store.get_endpoint(name)
                raise ValidationError(f"Endpoint {name} is not InService in this Plimsoll process")
            for variant, weight, count in desired:
                if variant not in live.instances:
                    raise ValidationError(f"Endpoint {name} has no variant {variant!r}")
                if count is not None and count != len(live.instances[variant]):
                    raise ValidationError(
                        f"DesiredInstanceCount for {variant!r}: changing instance counts is not "
                        "supported yet; deploy a new endpoint config with UpdateEndpoint"
                    )
                if weight is not None:
                    if weight < 0:
                        raise ValidationError(f"DesiredWeight {weight} must be >= 0")
                    live.weights[variant] = weight
            self._publish(name, live)
        record = self._store.get_endpoint(name)
        saved = self._store.save_endpoint(
            record.replace(variants=self._live_states(live), last_modified_time=_now())
        )
        return saved or record

    def delete_endpoint(self, name: str) -> None:
        endpoint = self._store.get_endpoint(name)
        self._store.save_endpoint(endpoint.replace(status=EndpointStatus.DELETING))
        self._router.mark_unavailable(name, EndpointStatus.DELETING.value)
        with self._lock:
            live = self._live.pop(name, None)
        if live is not None:
            self._fleet.stop([i for group in live.instances.values() for i in group], grace=5.0)
        self._capture.configure(name, None)
        self._capture.flush()
        self._router.forget(name)
        self._store.delete_endpoint(name)
        shutil.rmtree(self._work / name, ignore_errors=True)

    def list_endpoints(self, query: ResourceQuery) -> tuple[list[EndpointRecord], str | None]:
        endpoints, token = self._store.list_endpoints(query)
        return [self._reap_orphan(e) for e in endpoints], token

    def close(self) -> None:
        """Stops every instance this service started, flushing capture."""
        self._closing.set()
        for thread in list(self._threads):
            thread.join(self._startup_timeout)
        with self._lock:
            lives = list(self._live.items())
            self._live.clear()
        for name, live in lives:
            self._router.mark_unavailable(name, EndpointStatus.OUT_OF_SERVICE.value)
            self._fleet.stop([i for group in live.instances.values() for i in group], grace=5.0)
            try:
                record = self._store.get_endpoint(name)
                self._store.save_endpoint(
                    record.replace(
                        status=EndpointStatus.OUT_OF_SERVICE,
                        failure_reason="the Plimsoll process serving this endpoint stopped",
                        last_modified_time=_now(),
                    )
                )
            except PlimsollError:
                pass
        self._monitor.join(5.0)

    # -- background work -----------------------------------------------------------------------

    def _background(self, label: str, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=label, daemon=True)  # type: ignore[arg-type]
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _create(self, name: str, config: EndpointConfigRecord) -> None:
        try:
            live = self._deploy(name, config)
        except PlimsollError as exc:
            self._router.mark_unavailable(name, EndpointStatus.FAILED.value)
            self._set_status(name, EndpointStatus.FAILED, failure_reason=str(exc))
            return
        with self._lock:
            self._live[name] = live
        self._capture.configure(name, config.data_capture)
        self._publish(name, live)
        self._set_status(name, EndpointStatus.IN_SERVICE, variants=self._live_states(live))

    def _update(self, name: str, config: EndpointConfigRecord) -> None:
        with self._lock:
            old = self._live.get(name)
        try:
            live = self._deploy(name, config)
        except PlimsollError as exc:
            self._set_status(
                name,
                EndpointStatus.IN_SERVICE,
                failure_reason=f"UpdateEndpoint to {config.name} failed: {exc}",
            )
            return
        with self._lock:
            self._live[name] = live
        self._capture.configure(name, config.data_capture)
        self._publish(name, live)  # from here on new requests reach the new instances
        self._set_status(
            name,
            EndpointStatus.IN_SERVICE,
            config_name=config.name,
            variants=self._live_states(live),
            failure_reason=None,
        )
        if old is not None:
            self._fleet.stop([i for g in old.instances.values() for i in g])
            for group in old.instances.values():
                for instance in group:
                    shutil.rmtree(instance.spec.root, ignore_errors=True)

    def _deploy(self, name: str, config: EndpointConfigRecord) -> _Live:
        """Starts every instance of ``config`` (a new generation beside any running one)."""
        with self._lock:
            generation = self._generation[name] = self._generation.get(name, 0) + 1
        started: list[Instance] = []
        instances: dict[str, list[Instance]] = {}
        try:
            for variant in config.variants:
                model = self._store.get_model(variant.model_name)
                image = self._images.resolve(model.container.image)
                base = self._work / name / f"g{generation}" / variant.variant_name
                model_dir = base / "model"
                self._fleet.unpack_model(model.container.model_data_url, model_dir)
                group = []
                for index in range(1, variant.initial_instance_count + 1):
                    spec = InstanceSpec(
                        endpoint=name,
                        variant=variant.variant_name,
                        name=f"{variant.variant_name}-{index}",
                        image=image,
                        environment=dict(model.container.environment),
                        root=base / f"instance-{index}",
                    )
                    self._fleet.prepare(spec, model_dir)
                    instance = self._fleet.start(spec)
                    started.append(instance)
                    group.append(instance)
                instances[variant.variant_name] = group
            reason = self._fleet.wait_healthy(started, self._startup_timeout, self._closing.is_set)
            if reason is not None:
                raise ValidationError(reason)
        except ConfigError as exc:
            self._fleet.stop(started, grace=1.0)
            raise ValidationError(str(exc)) from exc
        except PlimsollError:
            self._fleet.stop(started, grace=1.0)
            raise
        except Exception as exc:
            logger.exception("endpoint %s: deployment failed", name)
            self._fleet.stop(started, grace=1.0)
            raise ValidationError(f"InternalServerError: {type(exc).__name__}: {exc}") from exc
        return _Live(config, instances)

    def _watch(self, interval: float) -> None:
        """Replaces instances that crashed or stopped answering /ping."""
        while not self._closing.wait(interval):
            with self._lock:
                lives = list(self._live.items())
            for name, live in lives:
                changed = False
                for group in live.instances.values():
                    for position, instance in enumerate(group):
                        if instance.healthy and self._fleet.check(instance):
                            continue
                        if instance.healthy:
                            changed = True
                            self._replace(name, group, position, instance)
                        elif self._fleet.check(instance):
                            instance.healthy = changed = True
                if changed:
                    self._publish(name, live)

    def _replace(self, name: str, group: list[Instance], position: int, old: Instance) -> None:
        logger.warning(
            "endpoint %s: instance %s is unhealthy (%s); restarting it",
            name,
            old.spec.name,
            self._fleet.last_log_line(old),
        )
        old.healthy = False
        with self._lock:
            live = self._live.get(name)
        if live is not None:
            self._publish(name, live)
        self._fleet.stop([old], grace=1.0)
        fresh = self._fleet.start(old.spec, port=old.port)
        fresh.restarts = old.restarts + 1
        group[position] = fresh
        self._router.metrics.restarted(name, old.spec.variant)

    def _publish(self, name: str, live: _Live) -> None:
        self._router.set_route(
            name,
            [
                (variant, live.weights[variant], [i.address for i in group if i.healthy])
                for variant, group in live.instances.items()
            ],
        )

    def _live_states(self, live: _Live) -> tuple[VariantState, ...]:
        by_name = {v.variant_name: v for v in live.config.variants}
        return tuple(
            VariantState(
                variant_name=variant,
                current_weight=live.weights[variant],
                desired_weight=live.weights[variant],
                current_instance_count=sum(1 for i in group if i.healthy),
                desired_instance_count=by_name[variant].initial_instance_count,
                image=group[0].spec.image.image_uri if group else "",
            )
            for variant, group in live.instances.items()
        )

    def _set_status(self, name: str, status: EndpointStatus, **changes: object) -> None:
        try:
            record = self._store.get_endpoint(name)
        except PlimsollError:
            return
        self._store.save_endpoint(
            record.replace(status=status, last_modified_time=_now(), **changes)
        )

    def _config_or_none(self, name: str) -> EndpointConfigRecord | None:
        try:
            return self._store.get_endpoint_config(name)
        except PlimsollError:
            return None

    def _reap_orphan(self, endpoint: EndpointRecord) -> EndpointRecord:
        """An endpoint whose serving process died is OutOfService, not InService forever."""
        if endpoint.status in (EndpointStatus.FAILED, EndpointStatus.OUT_OF_SERVICE):
            return endpoint
        with self._lock:
            if endpoint.name in self._live:
                return endpoint  # served here (owner.json below says so too, at a file read)
        try:
            pid = int(json.loads((self._work / endpoint.name / "owner.json").read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return endpoint
        if pid == os.getpid() or pid_alive(pid):
            return endpoint
        orphan = endpoint.replace(
            status=EndpointStatus.OUT_OF_SERVICE,
            failure_reason=f"the Plimsoll process serving this endpoint (pid {pid}) exited",
            last_modified_time=_now(),
        )
        return self._store.save_endpoint(orphan, expected_status=(endpoint.status,)) or endpoint


def _desired_states(config: EndpointConfigRecord) -> tuple[VariantState, ...]:
    return tuple(
        VariantState(
            variant_name=v.variant_name,
            current_weight=v.initial_variant_weight,
            desired_weight=v.initial_variant_weight,
            current_instance_count=0,
            desired_instance_count=v.initial_instance_count,
        )
        for v in config.variants
    )


def _check_capture(spec: DataCaptureSpec) -> None:
    if not 0 <= spec.initial_sampling_percentage <= 100:
        raise ValidationError(
            f"DataCaptureConfig.InitialSamplingPercentage {spec.initial_sampling_percentage} "
            "must be between 0 and 100"
        )
    if not (spec.capture_input or spec.capture_output):
        raise ValidationError("DataCaptureConfig.CaptureOptions must capture Input or Output")
    uri = spec.destination_s3_uri
    if not uri.startswith(("s3://", "file://", "/")):
        raise ValidationError(
            f"DataCaptureConfig.DestinationS3Uri {uri!r} must be an s3:// or file:// URI or an "
            "absolute path"
        )
    if uri.startswith("s3://") and len(uri[5:].split("/", 1)[0]) < 3:
        raise ValidationError(f"DataCaptureConfig.DestinationS3Uri {uri!r}: bucket name too short")
