"""Standalone cluster sizing and ports (no Spark started)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from plimsoll.images._job_hosts import JobHosts
from plimsoll.images._spark_cluster import Cluster, start_master, worker_resources
from plimsoll.images._spark_configuration import SparkSettings
from plimsoll.images._spark_environment import SparkInstall
from plimsoll.images._spark_failure import SparkJobFailed


def test_workers_fit_the_executors_the_configuration_asks_for() -> None:
    assert worker_resources(SparkSettings(), 1) == (max(os.cpu_count() or 1, 1), "1024m")
    big = SparkSettings(confs={"spark.executor.memory": "2g", "spark.executor.cores": "3"})
    assert worker_resources(big, 64) == (3, "2048m")
    env = SparkSettings(environment={"SPARK_WORKER_CORES": "2", "SPARK_WORKER_MEMORY": "3g"})
    assert worker_resources(env, 2) == (2, "3g")
    with pytest.raises(SparkJobFailed, match="not a memory size"):
        worker_resources(SparkSettings(confs={"spark.executor.memory": "lots"}), 1)


def test_a_master_port_taken_by_another_job_fails_before_spark_starts() -> None:
    hosts = JobHosts(job_name="collide", current="localhost", hosts=("localhost", "zz-other"))
    cluster = Cluster(hosts)
    assert cluster.master_url == f"spark://localhost:{hosts.port(0)}"
    install = SparkInstall(
        spark_home=Path("/nowhere"), java_home=Path("/nowhere"), python=sys.executable
    )
    with socket.socket() as taken:
        taken.bind(("localhost", hosts.port(0)))
        taken.listen()
        with pytest.raises(SparkJobFailed, match=f"port {hosts.port(0)} of the Spark master"):
            start_master(install, {}, cluster)
