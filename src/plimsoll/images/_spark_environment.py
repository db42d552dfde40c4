"""Where Spark and Java are, and the environment every Spark process of a host gets.

``SPARK_HOME`` is the installed ``pyspark`` package folder (it carries ``bin/`` and
``jars/``), ``PYSPARK_PYTHON`` this interpreter, ``JAVA_HOME`` the one set or the machine's
``java`` on PATH. Each host gets its own writable ``SPARK_CONF_DIR`` (log4j2 and metrics
files from the configuration), worker dir and local dirs below its temporary folder.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from plimsoll.images._spark_configuration import SparkSettings
from plimsoll.images._spark_failure import SparkJobFailed

__all__ = ["SparkInstall", "find_spark", "host_environment", "scratch_dir"]

DAEMON_MEMORY = "512m"
# Spark's own console logging (its log4j2-defaults), which spark-log4j properties override.
_LOG4J2_DEFAULTS = {
    "rootLogger.level": "info",
    "rootLogger.appenderRef.stdout.ref": "console",
    "appender.console.type": "Console",
    "appender.console.name": "console",
    "appender.console.target": "SYSTEM_ERR",
    "appender.console.layout.type": "PatternLayout",
    "appender.console.layout.pattern": "%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SparkInstall:
    spark_home: Path
    java_home: Path
    python: str

    def script(self, name: str) -> str:
        """``$SPARK_HOME/bin/<name>``."""
        return str(self.spark_home / "bin" / name)


def find_spark(environ: Mapping[str, str]) -> SparkInstall:
    """Spark from the ``pyspark`` package and the machine's Java.

    Raises:
        SparkJobFailed: pyspark is not installed, or there is no Java.
    """
    try:
        import pyspark
    except ImportError:
        raise SparkJobFailed(
            "pyspark is not installed in this image's Python: install plimsoll[spark]"
        ) from None
    spark_home = Path(pyspark.__file__).resolve().parent
    return SparkInstall(spark_home=spark_home, java_home=_java_home(environ), python=sys.executable)


def scratch_dir(name: str) -> Path:
    """``<tmp>/<name>`` (``/tmp`` in the sandbox, private to the host), created."""
    path = Path(tempfile.gettempdir()) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def host_environment(
    install: SparkInstall, settings: SparkSettings, host: str | None, base: Mapping[str, str]
) -> dict[str, str]:
    """The environment of this host's Spark processes; writes its ``SPARK_CONF_DIR`` files.

    ``host`` is the name Spark processes advertise (cluster mode); None on one host.
    """
    conf_dir = scratch_dir("spark-conf")
    _write_properties(conf_dir / "log4j2.properties", {**_LOG4J2_DEFAULTS, **settings.log4j})
    if settings.metrics:
        _write_properties(conf_dir / "metrics.properties", settings.metrics)
    env = dict(base)
    env.update(
        {
            "SPARK_HOME": str(install.spark_home),
            "JAVA_HOME": str(install.java_home),
            "PYSPARK_PYTHON": install.python,
            "PYSPARK_DRIVER_PYTHON": install.python,
            "SPARK_CONF_DIR": str(conf_dir),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_LOCAL_DIRS": str(scratch_dir("spark-local")),
            "SPARK_WORKER_DIR": str(scratch_dir("spark-work")),
            "SPARK_DAEMON_MEMORY": DAEMON_MEMORY,
        }
    )
    if host is not None:
        env["SPARK_LOCAL_HOSTNAME"] = host
    env.update(settings.environment)
    return env


def _java_home(environ: Mapping[str, str]) -> Path:
    configured = environ.get("JAVA_HOME")
    if configured and (Path(configured) / "bin" / "java").is_file():
        return Path(configured)
    java = shutil.which("java", path=environ.get("PATH"))
    if java is None:
        raise SparkJobFailed(
            "Java is not installed: Spark needs a JDK or JRE 17 ('java' on PATH or JAVA_HOME)"
        )
    return Path(java).resolve().parent.parent


def _write_properties(path: Path, properties: Mapping[str, str]) -> None:
    lines = [f"{key} = {value}" for key, value in properties.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
