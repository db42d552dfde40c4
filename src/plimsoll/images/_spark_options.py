"""The command line of ``smspark-submit``, parsed as SageMaker's Spark container parses it.

``smspark-submit [--class C] [--jars J] [--py-files P] [--files F]
[--spark-event-logs-s3-uri U] [--local-spark-event-logs-dir D] [-v] app [app args...]``:
options come before ``app``; everything after it goes to the application unchanged. Other
spark-submit options (``--conf``, memory, ...) are not offered: Spark is configured through
``configuration.json``. ``--jars``, ``--py-files`` and ``--files`` take a comma list whose
local items must be absolute and exist; a directory stands for its top-level files (and must
hold at least one); ``s3://`` and ``s3a://`` items are kept as they are.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from plimsoll.errors import ValidationError

__all__ = ["SubmitOptions", "expand_files", "parse_arguments"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitOptions:
    app: str
    app_arguments: tuple[str, ...] = ()
    main_class: str | None = None
    jars: str | None = None
    py_files: str | None = None
    files: str | None = None
    event_logs_s3_uri: str | None = None
    local_event_logs_dir: str | None = None
    verbose: bool = False

    def spark_submit_options(self) -> list[str]:
        """The spark-submit options these stand for (file lists expanded)."""
        options: list[str] = []
        if self.main_class:
            options += ["--class", self.main_class]
        for flag, value in (("--jars", self.jars), ("--py-files", self.py_files)):
            if value:
                options += [flag, expand_files(value, flag)]
        if self.files:
            options += ["--files", expand_files(self.files, "--files")]
        if self.verbose:
            options.append("--verbose")
        return options


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise ValidationError(f"smspark-submit: {message}")


def parse_arguments(argv: Sequence[str]) -> SubmitOptions:
    """``argv`` (without the program name) as options.

    Raises:
        ValidationError: An unknown option, or no ``app``.
    """
    parser = _Parser(prog="smspark-submit", add_help=False, allow_abbrev=False)
    parser.add_argument("--class", dest="main_class")
    parser.add_argument("--jars")
    parser.add_argument("--py-files")
    parser.add_argument("--files")
    parser.add_argument("--spark-event-logs-s3-uri")
    parser.add_argument("--local-spark-event-logs-dir")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("app")
    parser.add_argument("app_arguments", nargs=argparse.REMAINDER)
    parsed = parser.parse_args(list(argv))
    return SubmitOptions(
        app=parsed.app,
        app_arguments=tuple(parsed.app_arguments),
        main_class=parsed.main_class,
        jars=parsed.jars,
        py_files=parsed.py_files,
        files=parsed.files,
        event_logs_s3_uri=parsed.spark_event_logs_s3_uri,
        local_event_logs_dir=parsed.local_spark_event_logs_dir,
        verbose=parsed.verbose,
    )


def expand_files(value: str, option: str = "--files") -> str:
    """A comma list with each local directory replaced by its top-level files.

    Raises:
        ValidationError: An item is empty, relative, missing, an empty directory or not a
            regular file.
    """
    expanded: list[str] = []
    for item in value.split(","):
        scheme = urlparse(item).scheme
        if scheme in ("s3", "s3a"):
            expanded.append(item)
            continue
        if scheme not in ("", "file"):
            raise ValidationError(f"{option}: unsupported URI scheme in {item!r}")
        raw = urlparse(item).path if scheme == "file" else item
        if not raw:
            raise ValidationError(f"{option}: empty file path in {value!r}")
        path = Path(raw)
        if not path.is_absolute():
            raise ValidationError(
                f"{option}: file path {path} must be an absolute path to a file or directory"
            )
        path = path.resolve()
        if not path.exists():
            raise ValidationError(f"{option}: file path {path} does not exist")
        if path.is_dir():
            files = sorted(str(f) for f in path.iterdir() if f.is_file())
            if not files:
                raise ValidationError(f"{option}: found zero files in {path}")
            expanded.extend(files)
        elif path.is_file():
            expanded.append(str(path))
        else:
            raise ValidationError(f"{option}: {path} is not a regular file or directory")
    return ",".join(expanded)
