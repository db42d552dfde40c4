"""One day of captured binary-classifier traffic and its ground truth, written once.

``<cache>/mq-v1-<rows>/capture/<endpoint>/AllTraffic/yyyy/mm/dd/hh/<file>.jsonl``: ``rows``
capture records in 24 hourly files of SageMaker's Data Capture layout, each with an
``inferenceId``, a CSV input of four features and a CSV output holding the positive-class
probability (6 decimals). ``<cache>/mq-v1-<rows>/groundtruth/yyyy/mm/dd/hh/labels.jsonl``: the
labels in SageMaker's ground-truth JSON lines, uploaded the hour after the traffic. 98 % of the
records have a label (drawn from the probability, so AUC is about 0.83); 1,000 labels name ids
that were never captured. Both the merge and the peer must drop those.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from plimsoll.compat.capture_format import ContentTypeRules, object_key, record_line

FORMAT = 1
ENDPOINT = "bench-churn"
HOURS = 24
START = datetime(2024, 5, 1, tzinfo=UTC)
LABELED = 0.98
UNKNOWN_LABELS = 1_000


def data_root(cache: Path, rows: int) -> Path:
    """The folder holding ``capture/`` and ``groundtruth/``, generated on first use."""
    root = cache / f"mq-v{FORMAT}-{rows}"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = np.random.default_rng(7)
    features = rng.normal(size=(rows, 4)).round(4)
    logit = features @ np.array([1.2, -0.8, 0.5, 0.0]) + rng.normal(scale=0.3, size=rows)
    probability = np.round(1.0 / (1.0 + np.exp(-logit)), 6)
    truth = (rng.random(rows) < probability).astype(int)
    labeled = rng.random(rows) < LABELED
    rules = ContentTypeRules.from_lists(["text/csv"], ["text/csv"])
    start = START.timestamp()
    for hour in range(HOURS):
        lo, hi = rows * hour // HOURS, rows * (hour + 1) // HOURS
        first = start + hour * 3600
        lines = []
        labels = []
        for i in range(lo, hi):
            ident = f"inf-{i:08d}"
            lines.append(
                record_line(
                    event_id=str(uuid.UUID(bytes=rng.bytes(16), version=4)),
                    epoch_seconds=first + (i - lo) * 3600 / max(hi - lo, 1),
                    rules=rules,
                    request=(",".join(map(str, features[i])).encode(), "text/csv"),
                    response=(f"{probability[i]:.6f}".encode(), "text/csv; charset=utf-8"),
                    inference_id=ident,
                )
            )
            if labeled[i]:
                labels.append(_label_line(ident, int(truth[i])))
        if hour == HOURS - 1:
            labels.extend(_label_line(f"unknown-{k}", k % 2) for k in range(UNKNOWN_LABELS))
        file_id = str(uuid.UUID(bytes=rng.bytes(16), version=4))
        target = Path(object_key(str(root / "capture"), ENDPOINT, "AllTraffic", first, file_id))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"".join(lines))
        uploaded = datetime.fromtimestamp(first + 3600, UTC)
        truth_file = root / "groundtruth" / f"{uploaded:%Y/%m/%d/%H}" / "labels.jsonl"
        truth_file.parent.mkdir(parents=True, exist_ok=True)
        truth_file.write_bytes(b"".join(labels))
    (root / ".complete").write_text("")
    return root


def _label_line(ident: str, label: int) -> bytes:
    return (
        f'{{"groundTruthData":{{"data":"{label}","encoding":"CSV"}},'
        f'"eventMetadata":{{"eventId":"{ident}"}},"eventVersion":"0"}}\n'
    ).encode()


def capture_files(root: Path) -> list[Path]:
    return sorted((root / "capture").rglob("*.jsonl"))


def ground_truth_files(root: Path) -> list[Path]:
    return sorted((root / "groundtruth").rglob("*.jsonl"))
