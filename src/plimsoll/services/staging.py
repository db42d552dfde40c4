"""Moving bytes between storage and a job's hosts: input staging and output upload."""

from __future__ import annotations

import gzip
import logging
import os
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from plimsoll.compat.container_paths import relative_to_opt_ml
from plimsoll.compat.distribution import parse_manifest, shard
from plimsoll.errors import ValidationError
from plimsoll.metadata.entities import ProcessingInputSpec, ProcessingOutputSpec
from plimsoll.storage.base import ObjectInfo
from plimsoll.storage.registry import StorageRouter

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelPlan:
    """What one input channel puts on each host: (object uri, path below its LocalPath)."""

    input_name: str
    local_path: str
    gzip: bool
    objects_by_host: tuple[tuple[ObjectInfo, ...], ...]


def list_channel(storage: StorageRouter, item: ProcessingInputSpec) -> list[ObjectInfo]:
    """Every object an input names, or ValidationError naming the input and its source."""
    assert item.s3_input is not None
    s3 = item.s3_input
    where = f"ProcessingInputs[{item.input_name}].S3Input.S3Uri"
    try:
        backend = storage.for_uri(s3.s3_uri)
        if s3.s3_data_type == "ManifestFile":
            entries = parse_manifest(backend.read_bytes(s3.s3_uri), manifest_uri=s3.s3_uri)
            objects = []
            for entry in entries:
                found = storage.for_uri(entry.uri).list_prefix(entry.uri)
                match = [o for o in found if o.uri.rstrip("/") == entry.uri.rstrip("/")]
                if not match:
                    raise ValidationError(
                        f"{where}: manifest {s3.s3_uri} lists {entry.uri}, which does not exist"
                    )
                objects.append(
                    ObjectInfo(uri=match[0].uri, relative=entry.relative, size=match[0].size)
                )
            return objects
        objects = backend.list_prefix(s3.s3_uri)
    except FileNotFoundError as exc:
        raise ValidationError(f"{where}: {s3.s3_uri!r} does not exist") from exc
    except ValueError as exc:
        raise ValidationError(f"{where}: {exc}") from exc
    except OSError as exc:
        raise ValidationError(f"{where}: cannot read {s3.s3_uri!r}: {exc}") from exc
    if not objects:
        raise ValidationError(f"{where}: {s3.s3_uri!r} does not exist (no object under it)")
    return objects


def plan_channel(
    item: ProcessingInputSpec, objects: Sequence[ObjectInfo], host_count: int
) -> ChannelPlan:
    assert item.s3_input is not None and item.s3_input.local_path is not None
    ordered = sorted(objects, key=lambda o: o.uri)
    if item.s3_input.s3_data_distribution_type == "ShardedByS3Key":
        per_host = tuple(
            tuple(shard(ordered, host_index=i, host_count=host_count)) for i in range(host_count)
        )
    else:
        per_host = tuple(tuple(ordered) for _ in range(host_count))
    return ChannelPlan(
        input_name=item.input_name,
        local_path=item.s3_input.local_path,
        gzip=item.s3_input.s3_compression_type == "Gzip",
        objects_by_host=per_host,
    )


def _target(opt_ml: Path, local_path: str, relative: str, gzipped: bool) -> Path:
    rel = PurePosixPath(relative)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValidationError(f"object path {relative!r} escapes the input folder {local_path}")
    if gzipped and rel.suffix == ".gz":
        rel = rel.with_suffix("")
    return opt_ml / relative_to_opt_ml(local_path) / rel


def stage_channel(storage: StorageRouter, plan: ChannelPlan, host_dirs: Sequence[Path]) -> int:
    """Downloads a channel into every host's /opt/ml; returns the bytes staged.

    A fully replicated channel is downloaded once, to the first host, then copied locally
    to the others. Gzip channels are decompressed as they land (``x.csv.gz`` -> ``x.csv``).
    """
    total = 0
    first_copy: dict[str, Path] = {}
    for host_dir, objects in zip(host_dirs, plan.objects_by_host, strict=True):
        fetch: list[tuple[str, Path]] = []
        copies: list[tuple[Path, Path]] = []
        for obj in objects:
            dest = _target(host_dir, plan.local_path, obj.relative, plan.gzip)
            if obj.uri in first_copy:
                copies.append((first_copy[obj.uri], dest))
            else:
                fetch.append((obj.uri, dest.with_name(dest.name + ".gz") if plan.gzip else dest))
                first_copy[obj.uri] = dest
            total += obj.size
        for _, dest in fetch:
            dest.parent.mkdir(parents=True, exist_ok=True)
        if fetch:
            storage.for_uri(fetch[0][0]).download(fetch)
        if plan.gzip:
            for _, packed in fetch:
                _gunzip(packed)
        _copy_all(copies)
    return total


def _gunzip(packed: Path) -> None:
    with gzip.open(packed, "rb") as src, packed.with_suffix("").open("wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    packed.unlink()


def _copy_all(pairs: Sequence[tuple[Path, Path]]) -> None:
    if not pairs:
        return
    for _, dest in pairs:
        dest.parent.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda p: shutil.copyfile(p[0], p[1]), pairs))


@dataclass(slots=True)
class OutputFiles:
    """Files found under one output's LocalPath on every host, by destination URI."""

    uploads: dict[str, Path]


def collect_output(output: ProcessingOutputSpec, host_dirs: Sequence[Path]) -> OutputFiles:
    """Destination URI -> local file for one output, over all hosts.

    Hosts are visited in order, so when two hosts write the same relative name the later
    host wins ("last writer wins", as on SageMaker). Symlinks are not followed.
    """
    assert output.s3_output is not None and output.s3_output.local_path is not None
    base = output.s3_output.s3_uri.rstrip("/")
    uploads: dict[str, Path] = {}
    for host_dir in host_dirs:
        root = host_dir / relative_to_opt_ml(output.s3_output.local_path)
        for path in _walk_files(root):
            uploads[f"{base}/{path.relative_to(root).as_posix()}"] = path
    return OutputFiles(uploads=uploads)


def _walk_files(root: Path) -> list[Path]:
    found: list[Path] = []
    if not root.is_dir() or root.is_symlink():
        return found
    stack = [root]
    while stack:
        folder = stack.pop()
        try:  # a running job creates and deletes folders (Spark's block managers) as we walk
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        found.append(Path(entry.path))
        except (FileNotFoundError, NotADirectoryError):
            continue
    return sorted(found)


def upload_files(storage: StorageRouter, uploads: dict[str, Path]) -> int:
    """Uploads destination->file pairs grouped by backend; returns the bytes sent."""
    if not uploads:
        return 0
    pairs = [(path, uri) for uri, path in uploads.items()]
    storage.for_uri(pairs[0][1]).upload(pairs)
    return sum(path.stat().st_size for path, _ in pairs)


def tree_size(root: Path) -> int:
    """Bytes of regular files below ``root`` (symlinks not followed)."""
    total = 0
    for path in _walk_files(root):
        try:
            total += path.stat().st_size
        except FileNotFoundError:  # deleted since the walk saw it
            continue
    return total
