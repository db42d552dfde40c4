"""The container file layout of a processing job: ``/opt/ml/...`` and its config files."""

from __future__ import annotations

from pathlib import PurePosixPath

OPT_ML = PurePosixPath("/opt/ml")
PROCESSING_ROOT = OPT_ML / "processing"
CONFIG_DIR = OPT_ML / "config"
PROCESSING_JOB_CONFIG = CONFIG_DIR / "processingjobconfig.json"
RESOURCE_CONFIG = CONFIG_DIR / "resourceconfig.json"
OUTPUT_MESSAGE = OPT_ML / "output" / "message"
CLOUDWATCH_METRICS = OPT_ML / "output" / "metrics" / "cloudwatch"
CODE_DIR = PROCESSING_ROOT / "input" / "code"
ENTRYPOINT_DIR = PROCESSING_ROOT / "input" / "entrypoint"
MAX_MESSAGE_BYTES = 1024


def host_names(instance_count: int) -> list[str]:
    """``algo-1`` … ``algo-N``: the names SageMaker gives a job's hosts."""
    return [f"algo-{i}" for i in range(1, instance_count + 1)]


def is_processing_path(local_path: str) -> bool:
    """True when ``local_path`` lies strictly below ``/opt/ml/processing/``."""
    if not local_path.startswith(f"{PROCESSING_ROOT}/"):
        return False
    parts = PurePosixPath(local_path).parts
    return ".." not in parts and len(parts) > len(PROCESSING_ROOT.parts)


def relative_to_opt_ml(container_path: str) -> PurePosixPath:
    """``/opt/ml/processing/input`` -> ``processing/input`` (a path under a host's /opt/ml)."""
    return PurePosixPath(container_path).relative_to(OPT_ML)


def resource_config(current_host: str, hosts: list[str]) -> dict[str, object]:
    return {"current_host": current_host, "hosts": list(hosts)}
