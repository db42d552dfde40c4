"""``_HistoryServer``: Spark's own history server, from pyspark, over event logs in storage.

SageMaker's SDK runs the Spark image's ``smspark-history-server`` in Docker. Plimsoll runs
``$SPARK_HOME/bin/spark-class org.apache.spark.deploy.history.HistoryServer`` (SPARK_HOME is
the installed ``pyspark`` package) on a local copy of the event logs, which it downloads
through the session's storage (embedded disk or any S3 service) and refreshes while the
server runs.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from plimsoll.sdk import s3

if TYPE_CHECKING:
    from plimsoll.sdk.session import Session

__all__ = ["spark_home"]

logger = logging.getLogger(__name__)

HISTORY_SERVER_CLASS = "org.apache.spark.deploy.history.HistoryServer"
BIND_ADDRESS = "127.0.0.1"
REFRESH_SECONDS = 5.0
_STOP_TIMEOUT_S = 10.0

# Only one history server runs at a time, as the SDK's single "history_server" container.
_current: _HistoryServer | None = None
_current_lock = threading.Lock()


def spark_home() -> Path:
    """The installed ``pyspark`` package folder, which is a complete SPARK_HOME.

    Raises:
        ImportError: pyspark is not installed.
    """
    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the Spark history server needs pyspark: pip install 'plimsoll[spark]'")
    return Path(next(iter(spec.submodule_search_locations)))


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As Jetty binds: a port whose old connections linger in TIME_WAIT is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((BIND_ADDRESS, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((BIND_ADDRESS, 0))
        port: int = sock.getsockname()[1]
    return port


class _HistoryServer:
    """One running Spark history server over the event logs below ``event_logs_s3_uri``.

    Args:
        event_logs_s3_uri: Where the job's event logs are (any URI the session reads).
        sagemaker_session: The session whose storage holds the logs.
        port: The preferred port (SageMaker's 15050); another free port when it is taken.
    """

    def __init__(self, event_logs_s3_uri: str, sagemaker_session: Session, port: int) -> None:
        self.event_logs_s3_uri = event_logs_s3_uri
        self.sagemaker_session = sagemaker_session
        self.port = port if _port_is_free(port) else _free_port()
        self._workdir = Path(tempfile.mkdtemp(prefix="plimsoll-spark-history-"))
        self.event_logs_dir = self._workdir / "events"
        self.log_file = self._workdir / "history-server.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The server's address on this machine."""
        return f"http://localhost:{self.port}"

    def run(self) -> None:
        """Stops any other history server, downloads the logs and starts this one."""
        global _current
        with _current_lock:
            previous, _current = _current, self
        if previous is not None:
            previous.down()
        logger.info("Starting history server...")
        self.event_logs_dir.mkdir(parents=True, exist_ok=True)
        self._download()
        with self.log_file.open("wb") as log:
            self._process = subprocess.Popen(
                self._command(),
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: down() ends the JVM
            )
        self._refresher = threading.Thread(
            target=self._refresh, name="spark-history-refresh", daemon=True
        )
        self._refresher.start()
        atexit.register(self.down)

    def down(self) -> None:
        """Stops the server and the refresh, and removes the local copy of the logs."""
        global _current
        self._stop.set()
        process, self._process = self._process, None
        if process is not None:
            _end_group(process)
            logger.info("History server terminated")
        if self._refresher is not None and self._refresher is not threading.current_thread():
            self._refresher.join(timeout=_STOP_TIMEOUT_S)
        shutil.rmtree(self._workdir, ignore_errors=True)
        atexit.unregister(self.down)
        with _current_lock:
            if _current is self:
                _current = None

    def is_started(self) -> bool:
        """True once the server answers ``GET /`` with 200."""
        try:
            with urllib.request.urlopen(self.url, timeout=2) as response:
                return bool(response.status == 200)
        except Exception:  # noqa: BLE001 - any failure means "not up yet", as in the SDK
            return False

    def has_exited(self) -> bool:
        """True when the server process ended (for example, it could not start)."""
        return self._process is None or self._process.poll() is not None

    def log_tail(self, limit: int = 2000) -> str:
        """The end of the server's output."""
        try:
            return self.log_file.read_text(errors="replace")[-limit:]
        except OSError:
            return ""

    def _command(self) -> list[str]:
        home = spark_home()
        properties = self._workdir / "history.properties"
        properties.write_text(
            f"spark.history.fs.logDirectory={self.event_logs_dir.as_uri()}\n"
            f"spark.history.ui.port={self.port}\n"
            "spark.history.fs.update.interval=2s\n"
        )
        spark_class = home / "bin" / "spark-class"
        return [str(spark_class), HISTORY_SERVER_CLASS, "--properties-file", str(properties)]

    def _environment(self) -> dict[str, str]:
        # The JVM needs the user's environment (PATH, JAVA_HOME); Spark's own variables
        # make it bind to this machine only and leave the user's Spark config aside.
        env = dict(os.environ)  # noqa: TID251 - the child process inherits the user's env
        env["SPARK_HOME"] = str(spark_home())
        env["SPARK_LOCAL_IP"] = BIND_ADDRESS
        env["SPARK_CONF_DIR"] = str(self._workdir)
        env.pop("SPARK_HISTORY_OPTS", None)
        return env

    def _download(self) -> None:
        try:
            s3.S3Downloader.download(
                self.event_logs_s3_uri,
                str(self.event_logs_dir),
                sagemaker_session=self.sagemaker_session,
            )
        except (OSError, ValueError) as exc:
            logger.warning(
                "Could not download Spark event logs from %s: %s", self.event_logs_s3_uri, exc
            )

    def _refresh(self) -> None:
        while not self._stop.wait(REFRESH_SECONDS):
            self._download()


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL when it lingers; always reaps the process."""
    for sig, timeout in ((signal.SIGTERM, _STOP_TIMEOUT_S), (signal.SIGKILL, _STOP_TIMEOUT_S)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_until_started(server: _HistoryServer, ping_timeout: float = 40) -> bool:
    """Polls the server once a second for up to ``ping_timeout`` seconds (the SDK's 40)."""
    deadline = time.monotonic() + ping_timeout
    while True:
        if server.is_started():
            return True
        if server.has_exited() or time.monotonic() > deadline:
            return False
        time.sleep(1)
