"""Shared setup of the Clarify image tests: data, the image run in-process, models and endpoints."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from plimsoll.images.clarify import run
from tests.integration._models import model_tar, wait_in_service


def unique(stem: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:6]}"


def create_model(boto: Any, folder: Path, name: str, code: str) -> None:
    """An sklearn-image model whose ``inference.py`` is ``code``."""
    tar = model_tar(folder / name, code=code)
    boto.create_model(
        ModelName=name,
        PrimaryContainer={
            "Image": "sklearn",
            "ModelDataUrl": str(tar),
            "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
        },
        ExecutionRoleArn="arn:aws:iam::000000000000:role/test",
    )


@contextmanager
def serving(boto: Any, model: str, endpoint: str) -> Iterator[str]:
    """A one-instance endpoint of ``model``, InService, deleted afterwards."""
    boto.create_endpoint_config(
        EndpointConfigName=endpoint,
        ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": model,
                             "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}],
    )  # fmt: skip
    boto.create_endpoint(EndpointName=endpoint, EndpointConfigName=endpoint)
    found = wait_in_service(lambda n: boto.describe_endpoint(EndpointName=n), endpoint)
    assert found["EndpointStatus"] == "InService", found.get("FailureReason")
    try:
        yield endpoint
    finally:
        boto.delete_endpoint(EndpointName=endpoint)


def adult(rows: int = 300, seed: int = 7) -> dict[str, np.ndarray]:
    """An adult-like table: int age, categorical sex/race, float hours, 0/1 label and prediction."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["Male", "Female"], dtype=object), rows, p=[0.65, 0.35])
    race = rng.choice(np.array(["White", "Black", "Other"], dtype=object), rows)
    age = rng.integers(18, 80, rows)
    hours = np.round(rng.normal(40, 10, rows), 1)
    p = 0.15 + 0.2 * (sex == "Male") + 0.004 * (age - 18)
    income = (rng.random(rows) < p).astype(np.int64)
    predicted = np.where(rng.random(rows) < 0.8, income, 1 - income)
    return {"age": age, "sex": sex, "race": race, "hours": hours, "income": income,
            "predicted": predicted}  # fmt: skip


def write_csv(columns: dict[str, np.ndarray], path: Path, header: bool) -> None:
    lines = [",".join(columns)] if header else []
    lines += [",".join(str(v) for v in row) for row in zip(*columns.values(), strict=True)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def run_image(tmp_path: Path, config: dict[str, Any]) -> tuple[int, str, dict[str, Any] | None]:
    config_dir = tmp_path / "config"
    config_dir.mkdir(exist_ok=True)
    (config_dir / "analysis_config.json").write_text(json.dumps(config))
    output, message = tmp_path / "output", tmp_path / "message"
    code = run(config_dir, tmp_path / "data", output, message)
    analysis = output / "analysis.json"
    return code, message.read_text(), json.loads(analysis.read_text()) if code == 0 else None
