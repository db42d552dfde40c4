"""``smspark-submit``: Plimsoll's stand-in for SageMaker's Spark processing container.

The SDK's PySparkProcessor and SparkJarProcessor run ``smspark-submit [options] app args``
(see :mod:`plimsoll.images._spark_options`). Every host of the job reads the job's config
files and ``configuration.json`` (:mod:`plimsoll.images._spark_configuration`), then:

* **one host**: runs ``$SPARK_HOME/bin/spark-submit --master local[*] ...``;
* **N hosts**: a Spark standalone cluster (:mod:`plimsoll.images._spark_cluster`). The
  primary starts the master and its worker, waits until all N workers are ALIVE, runs
  ``spark-submit --master spark://<primary>:<port> --deploy-mode client ...``, then stops its
  worker and the master. Every other host waits for the master, starts its worker and exits 0
  once the master is gone (as SageMaker's workers follow the primary's status server); a
  worker that dies while the master still runs fails its host, and with it the job.

With ``PLIMSOLL_SPARK_MASTER`` in the job's environment (a documented extension: the
processors' ``env`` parameter sets it) the app is submitted to that existing master instead
(``spark://...``, ``k8s://...``, ``yarn``) from the primary in client mode, and the other hosts
have nothing to do.

Spark's output streams to the host's log. On failure the host exits 1 and writes why to
``/opt/ml/output/message`` (at most 1024 bytes: the tail of Spark's own error, e.g. the
Python traceback's last lines or ``Error: Failed to load class ...``). Every process started
here runs in its own process group and is ended before the host exits, also on SIGTERM.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType

from plimsoll.compat.container_paths import MAX_MESSAGE_BYTES, OUTPUT_MESSAGE
from plimsoll.errors import ValidationError
from plimsoll.images._job_hosts import JobHosts, read_job_hosts
from plimsoll.images._spark_cluster import (
    DRIVER_SLOT,
    DRIVER_UI_SLOT,
    Cluster,
    exit_failure,
    start_master,
    start_worker,
)
from plimsoll.images._spark_configuration import (
    CONFIGURATION_FILE,
    SparkSettings,
    load_configuration,
)
from plimsoll.images._spark_environment import (
    SparkInstall,
    find_spark,
    host_environment,
    scratch_dir,
)
from plimsoll.images._spark_event_logs import EventLogCopier, event_log_confs
from plimsoll.images._spark_failure import SparkJobFailed, error_summary, fit
from plimsoll.images._spark_options import SubmitOptions, parse_arguments
from plimsoll.images._spark_process import SparkProcess

__all__ = ["main", "run"]

logger = logging.getLogger("smspark-submit")

POLL_SECONDS = 0.5
FOLLOW_SECONDS = 1.0
MASTER_GONE_POLLS = 3  # consecutive unanswered status polls that mean the master is gone
EXTERNAL_MASTER_VARIABLE = "PLIMSOLL_SPARK_MASTER"


class _Terminated(Exception):
    """SIGTERM or SIGINT arrived: stop every Spark process and exit."""


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(run(sys.argv[1:], os.environ))  # noqa: TID251 - the container contract is its env


def run(
    argv: Sequence[str],
    environ: Mapping[str, str],
    message_file: Path = Path(OUTPUT_MESSAGE),
    configuration: Path = CONFIGURATION_FILE,
) -> int:
    """Runs the Spark application ``argv`` describes; returns the process exit code."""
    previous = {sig: signal.signal(sig, _terminate) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        options = parse_arguments(argv)
        settings = load_configuration(configuration)
        for note in settings.notes:
            logger.info("configuration.json: %s", note)
        hosts = read_job_hosts()
        install = find_spark(environ)
        logger.info("SPARK_HOME=%s JAVA_HOME=%s", install.spark_home, install.java_home)
        job = _Job(options, settings, install, hosts, environ)
        job.run()
    except (ValidationError, SparkJobFailed) as exc:
        logger.error("%s", exc)
        _write_message(message_file, str(exc))
        return 1
    except _Terminated:
        logger.warning("terminated: the Spark processes of this host were stopped")
        return 128 + signal.SIGTERM
    except Exception as exc:  # an unexpected failure still ends with a message, as SageMaker's
        logger.exception("smspark-submit failed")
        _write_message(message_file, fit(f"smspark-submit failed: {type(exc).__name__}: {exc}"))
        return 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


class _Job:
    def __init__(
        self,
        options: SubmitOptions,
        settings: SparkSettings,
        install: SparkInstall,
        hosts: JobHosts,
        environ: Mapping[str, str],
    ) -> None:
        self.options = options
        self.settings = settings
        self.install = install
        self.hosts = hosts
        self.external_master = environ.get(EXTERNAL_MASTER_VARIABLE) or None
        own_cluster = len(hosts.hosts) > 1 and self.external_master is None
        self.cluster = Cluster(hosts) if own_cluster else None
        host = hosts.current if self.cluster is not None else None
        self.env = host_environment(install, settings, host, environ)
        self.events_target = _event_logs_target(options)

    def run(self) -> None:
        if self.external_master is not None and not self.hosts.is_primary:
            logger.info(
                "%s=%s: %s submits the app; this host has nothing to do",
                EXTERNAL_MASTER_VARIABLE, self.external_master, self.hosts.primary,
            )  # fmt: skip
        elif self.cluster is None:
            self._submit([])
        elif self.hosts.is_primary:
            self._run_primary(self.cluster)
        else:
            self._follow_primary(self.cluster)

    def _run_primary(self, cluster: Cluster) -> None:
        master = start_master(self.install, self.env, cluster)
        worker: SparkProcess | None = None
        try:
            cluster.wait_for_master([master])
            worker = start_worker(self.install, self.env, cluster, self.settings)
            cluster.wait_for_workers([master, worker])
            logger.info(
                "all %d Spark workers are ALIVE at %s", len(self.hosts.hosts), cluster.master_url
            )
            self._submit([master, worker])
        finally:
            if worker is not None:
                worker.stop()
            master.stop()

    def _follow_primary(self, cluster: Cluster) -> None:
        logger.info("waiting for the Spark master at %s", cluster.master_url)
        cluster.wait_for_master()
        worker = start_worker(self.install, self.env, cluster, self.settings)
        try:
            unanswered = 0
            while True:
                code = worker.poll()
                unanswered = unanswered + 1 if cluster.status() is None else 0
                if unanswered >= MASTER_GONE_POLLS:
                    break
                if code is not None and unanswered == 0:
                    raise exit_failure(worker, code)
                time.sleep(FOLLOW_SECONDS)
            logger.info("the Spark master is gone: the job is over on this host")
        finally:
            worker.stop()

    def _submit(self, daemons: Sequence[SparkProcess]) -> None:
        copier = None
        if self.events_target is not None:
            copier = EventLogCopier(scratch_dir("spark-events"), self.events_target)
            copier.start()
        submit = SparkProcess("spark-submit", self._command(), self.env)
        try:
            code = _supervise(submit, daemons)
        finally:
            submit.stop()
            if copier is not None:
                copier.stop()
        if code != 0:
            detail = error_summary(submit.tail())
            raise SparkJobFailed(
                fit(f"spark-submit exited with code {code}: {detail or 'see the job log'}")
            )
        logger.info("spark-submit completed")

    def _command(self) -> list[str]:
        confs = {
            "spark.ui.port": str(self.hosts.port(DRIVER_UI_SLOT)),
            "spark.driver.port": str(self.hosts.port(DRIVER_SLOT)),
        }
        argv = [self.install.script("spark-submit")]
        if self.external_master is not None:
            # The cluster's executors connect back to the driver: by address, since the job's
            # host names resolve only inside its hosts (a spark-defaults value wins).
            confs["spark.driver.host"] = socket.gethostbyname(self.hosts.current)
            argv += ["--master", self.external_master, "--deploy-mode", "client"]
        elif self.cluster is None:
            argv += ["--master", "local[*]"]
        else:
            confs["spark.driver.host"] = self.hosts.current
            # The cluster has a fixed size: start work once every worker's executor is there.
            confs["spark.scheduler.minRegisteredResourcesRatio"] = "1.0"
            argv += ["--master", self.cluster.master_url, "--deploy-mode", "client"]
        confs.update(self.settings.confs)
        if self.events_target is not None:
            confs.update(event_log_confs(scratch_dir("spark-events")))
        for key, value in confs.items():
            argv += ["--conf", f"{key}={value}"]
        argv += self.options.spark_submit_options()
        return [*argv, self.options.app, *self.options.app_arguments]


def _supervise(submit: SparkProcess, daemons: Sequence[SparkProcess]) -> int:
    """Waits for spark-submit; a daemon that dies first ends it and fails the job."""
    while True:
        code = submit.poll()
        if code is not None:
            return submit.wait()
        for daemon in daemons:
            ended = daemon.poll()
            if ended is not None:
                submit.stop()
                raise exit_failure(daemon, ended)
        time.sleep(POLL_SECONDS)


def _event_logs_target(options: SubmitOptions) -> Path | None:
    """Where event logs are copied (``--local-spark-event-logs-dir``), or None."""
    local = options.local_event_logs_dir
    if options.event_logs_s3_uri:
        if not local:
            raise SparkJobFailed(
                f"--spark-event-logs-s3-uri {options.event_logs_s3_uri}: writing Spark event "
                "logs straight to S3 needs the s3a file system (the hadoop-aws jar and the AWS "
                "SDK bundle), which this image does not carry. Pass "
                "--local-spark-event-logs-dir as well (PySparkProcessor's "
                "spark_event_logs_s3_uri does), or add those jars with submit_jars and set "
                "spark.eventLog.enabled, spark.eventLog.dir and spark.hadoop.fs.s3a.* in the "
                "spark-defaults classification"
            )
        logger.warning(
            "--spark-event-logs-s3-uri %s needs s3a (the hadoop-aws jar), which this image does "
            "not carry: event logs go to %s, which the job uploads continuously",
            options.event_logs_s3_uri,
            local,
        )
    return Path(local) if local else None


def _write_message(message_file: Path, message: str) -> None:
    try:
        message_file.parent.mkdir(parents=True, exist_ok=True)
        data = message.encode("utf-8")[:MAX_MESSAGE_BYTES]
        message_file.write_bytes(data.decode("utf-8", "ignore").encode("utf-8"))
    except OSError as exc:
        logger.error("cannot write %s: %s", message_file, exc)


def _terminate(signum: int, frame: FrameType | None) -> None:
    del frame
    for sig in (signal.SIGTERM, signal.SIGINT):  # the cleanup that follows runs uninterrupted
        signal.signal(sig, signal.SIG_IGN)
    raise _Terminated(signal.Signals(signum).name)


if __name__ == "__main__":
    main()
