"""Every ``PLIMSOLL_*`` environment variable, declared once, and the frozen ``Settings``.

Precedence: explicit argument to ``Settings.load`` > environment variable > config file
(``~/.config/plimsoll/config.toml`` or ``PLIMSOLL_CONFIG_FILE``) > default. Only composition
roots (the server, the CLI and the SDK ``Session``) call ``Settings.load``.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from plimsoll.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EnvVar(Generic[T]):
    """One environment variable: its name, how to parse it, its default and what it does."""

    name: str
    parse: Callable[[str], T]
    doc: str

    def read(self) -> T | None:
        raw = os.environ.get(self.name)
        if raw is None or raw == "":
            return None
        try:
            return self.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{self.name}={raw!r} is not valid: {exc}") from exc


PLIMSOLL_CONFIG_FILE = EnvVar("PLIMSOLL_CONFIG_FILE", Path, "TOML config file to read.")
PLIMSOLL_HOME = EnvVar("PLIMSOLL_HOME", Path, "Where jobs, logs, the SQLite db and local S3 live.")
PLIMSOLL_DATABASE_URL = EnvVar(
    "PLIMSOLL_DATABASE_URL", str, "SQLAlchemy URL of the metadata store (sqlite or postgresql)."
)
PLIMSOLL_S3_ENDPOINT_URL = EnvVar(
    "PLIMSOLL_S3_ENDPOINT_URL", str, "S3 service for s3:// URIs; unset keeps them under HOME/s3."
)
PLIMSOLL_S3_ACCESS_KEY_ID = EnvVar("PLIMSOLL_S3_ACCESS_KEY_ID", str, "Access key for that S3.")
PLIMSOLL_S3_SECRET_ACCESS_KEY = EnvVar(
    "PLIMSOLL_S3_SECRET_ACCESS_KEY", str, "Secret key for that S3."
)
PLIMSOLL_REGION = EnvVar("PLIMSOLL_REGION", str, "Region written into ARNs and job env.")
PLIMSOLL_ACCOUNT_ID = EnvVar("PLIMSOLL_ACCOUNT_ID", str, "12-digit account id used in ARNs.")
PLIMSOLL_DEFAULT_BUCKET = EnvVar(
    "PLIMSOLL_DEFAULT_BUCKET", str, "Session default bucket (default sagemaker-REGION-ACCOUNT)."
)
PLIMSOLL_ENDPOINT_URL = EnvVar(
    "PLIMSOLL_ENDPOINT_URL", str, "URL of a `plimsoll server`; unset runs the service in-process."
)
PLIMSOLL_SANDBOX = EnvVar("PLIMSOLL_SANDBOX", str, "Job sandbox: auto, bwrap or none.")
PLIMSOLL_STOP_GRACE_SECONDS = EnvVar(
    "PLIMSOLL_STOP_GRACE_SECONDS", float, "Seconds between SIGTERM and SIGKILL on stop."
)
PLIMSOLL_CONTINUOUS_UPLOAD_SECONDS = EnvVar(
    "PLIMSOLL_CONTINUOUS_UPLOAD_SECONDS", float, "Sync period of Continuous outputs."
)
PLIMSOLL_MAX_LOG_BYTES = EnvVar(
    "PLIMSOLL_MAX_LOG_BYTES", int, "Bytes of stdout+stderr kept per job host; the rest is cut."
)
PLIMSOLL_SERVER_HOST = EnvVar("PLIMSOLL_SERVER_HOST", str, "Address `plimsoll server` binds.")
PLIMSOLL_SERVER_PORT = EnvVar("PLIMSOLL_SERVER_PORT", int, "Port `plimsoll server` binds.")
PLIMSOLL_RUNTIME = EnvVar("PLIMSOLL_RUNTIME", str, "Runtime that runs job hosts (local).")
PLIMSOLL_RAY_ADDRESS = EnvVar(
    "PLIMSOLL_RAY_ADDRESS", str, "Ray cluster of the ray runtime (host:port); unset: Ray finds it."
)
PLIMSOLL_INVOCATION_TIMEOUT_SECONDS = EnvVar(
    "PLIMSOLL_INVOCATION_TIMEOUT_SECONDS", float, "Seconds a model may take per invocation (60)."
)
PLIMSOLL_ENDPOINT_STARTUP_TIMEOUT_SECONDS = EnvVar(
    "PLIMSOLL_ENDPOINT_STARTUP_TIMEOUT_SECONDS", float, "Seconds for instances to answer /ping."
)
PLIMSOLL_CAPTURE_ROLL_SECONDS = EnvVar(
    "PLIMSOLL_CAPTURE_ROLL_SECONDS", float, "Age at which a capture file is closed and uploaded."
)
PLIMSOLL_CAPTURE_ROLL_BYTES = EnvVar(
    "PLIMSOLL_CAPTURE_ROLL_BYTES", int, "Size at which a capture file is closed and uploaded."
)
PLIMSOLL_CAPTURE_DISK_THRESHOLD = EnvVar(
    "PLIMSOLL_CAPTURE_DISK_THRESHOLD", float, "Disk use fraction above which capture pauses."
)
PLIMSOLL_CAPTURE_MAX_PENDING = EnvVar(
    "PLIMSOLL_CAPTURE_MAX_PENDING", int, "Capture records queued before new ones are dropped."
)
PLIMSOLL_SCHEDULER_INTERVAL_SECONDS = EnvVar(
    "PLIMSOLL_SCHEDULER_INTERVAL_SECONDS",
    float,
    "How often the monitoring scheduler looks for due schedules (30); 0 turns it off.",
)

ALL_ENV_VARS: tuple[EnvVar[Any], ...] = (
    PLIMSOLL_CONFIG_FILE,
    PLIMSOLL_HOME,
    PLIMSOLL_DATABASE_URL,
    PLIMSOLL_S3_ENDPOINT_URL,
    PLIMSOLL_S3_ACCESS_KEY_ID,
    PLIMSOLL_S3_SECRET_ACCESS_KEY,
    PLIMSOLL_REGION,
    PLIMSOLL_ACCOUNT_ID,
    PLIMSOLL_DEFAULT_BUCKET,
    PLIMSOLL_ENDPOINT_URL,
    PLIMSOLL_SANDBOX,
    PLIMSOLL_STOP_GRACE_SECONDS,
    PLIMSOLL_CONTINUOUS_UPLOAD_SECONDS,
    PLIMSOLL_MAX_LOG_BYTES,
    PLIMSOLL_SERVER_HOST,
    PLIMSOLL_SERVER_PORT,
    PLIMSOLL_RUNTIME,
    PLIMSOLL_RAY_ADDRESS,
    PLIMSOLL_INVOCATION_TIMEOUT_SECONDS,
    PLIMSOLL_ENDPOINT_STARTUP_TIMEOUT_SECONDS,
    PLIMSOLL_CAPTURE_ROLL_SECONDS,
    PLIMSOLL_CAPTURE_ROLL_BYTES,
    PLIMSOLL_CAPTURE_DISK_THRESHOLD,
    PLIMSOLL_CAPTURE_MAX_PENDING,
    PLIMSOLL_SCHEDULER_INTERVAL_SECONDS,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageRule:
    """Maps image URIs matching ``pattern`` (fnmatch) to a local Python environment.

    ``python`` is the interpreter whose packages the job sees ("current" = the interpreter
    running Plimsoll). ``entrypoint`` is the image's ENTRYPOINT, used when a job gives none.
    ``platform_api``: the image calls SageMaker's APIs itself (as Clarify's container creates
    shadow endpoints), so its jobs get ``AWS_ENDPOINT_URL_SAGEMAKER`` /
    ``AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME`` pointing at Plimsoll (docs/images.md).
    """

    pattern: str
    python: str = "current"
    entrypoint: tuple[str, ...] | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    platform_api: bool = False

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> ImageRule:
        unknown = set(raw) - {"pattern", "python", "entrypoint", "environment", "platform_api"}
        if unknown or "pattern" not in raw:
            raise ConfigError(f"image rule {dict(raw)!r}: needs 'pattern', got keys {sorted(raw)}")
        entry = raw.get("entrypoint")
        return cls(
            pattern=str(raw["pattern"]),
            python=str(raw.get("python", "current")),
            entrypoint=tuple(str(x) for x in entry) if entry is not None else None,
            environment={str(k): str(v) for k, v in dict(raw.get("environment", {})).items()},
            platform_api=bool(raw.get("platform_api", False)),
        )

    def python_executable(self) -> str:
        return sys.executable if self.python == "current" else self.python


DEFAULT_IMAGE_RULES: tuple[ImageRule, ...] = (
    # SageMaker's built-in Model Monitor analyzer image, by any registry or tag.
    ImageRule(
        pattern="*sagemaker-model-monitor-analyzer*",
        entrypoint=("python3", "-m", "plimsoll.images.model_monitor_analyzer"),
    ),
    ImageRule(
        # The first job of a model-quality execution: captured records joined to ground truth.
        pattern="*sagemaker-model-monitor-groundtruth-merger*",
        entrypoint=("python3", "-m", "plimsoll.images.groundtruth_merger"),
    ),
    ImageRule(
        pattern="*sagemaker-clarify-processing*",
        entrypoint=("python3", "-m", "plimsoll.images.clarify"),
        platform_api=True,  # creates shadow endpoints and invokes models, as Clarify does
    ),
    ImageRule(
        # The SDK's PySparkProcessor/SparkJarProcessor set ContainerEntrypoint
        # ["smspark-submit", ...]: the console script of plimsoll.images.spark_submit.
        pattern="*sagemaker-spark-processing*",
    ),
    ImageRule(pattern="*"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything configurable, resolved once by a composition root."""

    home: Path
    database_url: str
    s3_endpoint_url: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    region: str = "us-east-1"
    account_id: str = "000000000000"
    default_bucket: str | None = None
    endpoint_url: str | None = None
    sandbox: str = "auto"
    stop_grace_seconds: float = 30.0
    continuous_upload_seconds: float = 5.0
    max_log_bytes: int = 256 * 1024 * 1024
    server_host: str = "127.0.0.1"
    server_port: int = 8880
    runtime: str = "local"
    ray_address: str | None = None
    invocation_timeout_seconds: float = 60.0
    endpoint_startup_timeout_seconds: float = 240.0
    capture_roll_seconds: float = 60.0
    capture_roll_bytes: int = 64 * 1024 * 1024
    capture_disk_threshold: float = 0.75
    capture_max_pending: int = 20_000
    scheduler_interval_seconds: float = 30.0
    images: tuple[ImageRule, ...] = DEFAULT_IMAGE_RULES

    @property
    def bucket(self) -> str:
        """The Session default bucket, named as SageMaker names it."""
        return self.default_bucket or f"sagemaker-{self.region}-{self.account_id}"

    def with_overrides(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def load(cls, **overrides: Any) -> Settings:
        """Builds settings from overrides, then env vars, then the config file, then defaults."""
        config_path = (
            PLIMSOLL_CONFIG_FILE.read() or Path("~/.config/plimsoll/config.toml").expanduser()
        )
        config = _read_config(config_path)
        values: dict[str, Any] = {}
        for key, raw in config.items():
            if key == "images":
                continue
            if key not in cls.__dataclass_fields__:
                raise ConfigError(f"{config_path}: unknown setting {key!r}")
            values[key] = Path(raw).expanduser() if key == "home" else raw
        for var in ALL_ENV_VARS:
            if var is PLIMSOLL_CONFIG_FILE:
                continue
            value = var.read()
            if value is not None:
                values[var.name.removeprefix("PLIMSOLL_").lower()] = value
        values.update({k: v for k, v in overrides.items() if v is not None})
        home = Path(values.pop("home", Path("~/.plimsoll").expanduser())).expanduser().resolve()
        database_url = values.pop("database_url", None) or f"sqlite:///{home / 'plimsoll.db'}"
        rules = values.pop("images", None)
        if rules is None:
            rules = tuple(ImageRule.from_mapping(r) for r in config.get("images", []))
            rules = rules + DEFAULT_IMAGE_RULES
        settings = cls(home=home, database_url=database_url, images=tuple(rules), **values)
        if settings.sandbox not in ("auto", "bwrap", "none"):
            raise ConfigError(f"PLIMSOLL_SANDBOX={settings.sandbox!r}: use auto, bwrap or none")
        return settings


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
