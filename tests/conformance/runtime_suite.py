"""The behaviour every ``Runtime`` must show, as abstract test classes.

Subclass :class:`RuntimeSuite` (any isolation) or :class:`SandboxedRuntimeSuite` (hosts run
in the bubblewrap sandbox: own ``/opt/ml``, hostname, ``/etc/hosts``) in a ``Test*`` class
and provide two fixtures:

- ``runtime``: the runtime under test;
- ``sandbox``: the isolation its hosts get, ``"bwrap"`` or ``"none"``.

Hosts run the Python running the tests, as the image's interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from plimsoll.errors import ValidationError
from plimsoll.runtimes import HostLaunch, ImageEnvironment, JobHandle, JobLaunch, Runtime

Launcher = Callable[..., tuple[JobHandle, tuple[HostLaunch, ...]]]


def python_command(code: str) -> list[str]:
    return ["python3", "-c", textwrap.dedent(code)]


def wait_for(path: Path, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def processes_with(token: str) -> list[int]:
    """PIDs on this machine whose argv has ``token`` as one argument."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if token.encode() in cmdline.split(b"\0"):
                found.append(int(entry))
    return found


def unique_token() -> str:
    return f"{os.getpid() % 1000}.{time.monotonic_ns() % 10**9}"


class RuntimeSuite:
    """Conformance tests; subclasses supply the ``runtime`` and ``sandbox`` fixtures."""

    @pytest.fixture
    def runtime(self) -> Runtime:
        raise NotImplementedError

    @pytest.fixture
    def sandbox(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def root(self) -> Iterator[Path]:
        """A scratch folder outside /tmp, so a sandbox shows it (read-only) at its host path."""
        path = Path(tempfile.mkdtemp(prefix="plimsoll-runtime-", dir="/var/tmp"))
        yield path
        shutil.rmtree(path, ignore_errors=True)

    @pytest.fixture
    def launch(self, runtime: Runtime, root: Path) -> Iterator[Launcher]:
        handles: list[JobHandle] = []

        def _launch(
            command: list[str],
            *,
            job: str = "job",
            hosts: int = 1,
            env: Mapping[str, str] | None = None,
            image_env: Mapping[str, str] | None = None,
            max_log_bytes: int = 1 << 20,
        ) -> tuple[JobHandle, tuple[HostLaunch, ...]]:
            folder = root / "jobs" / job
            host_list = tuple(
                HostLaunch(
                    host=f"algo-{i}",
                    opt_ml=folder / f"algo-{i}" / "ml",
                    tmp=folder / f"algo-{i}" / "tmp",
                    env_dir=folder / f"algo-{i}" / "env",
                    log_path=root / "logs" / job / f"algo-{i}.log",
                )
                for i in range(1, hosts + 1)
            )
            handle = runtime.launch(
                JobLaunch(
                    job_name=job,
                    image=ImageEnvironment(
                        image_uri="local/test:1",
                        python=sys.executable,
                        environment=dict(image_env or {}),
                    ),
                    container_entrypoint=tuple(command),
                    container_arguments=None,
                    environment=dict(env or {}),
                    hosts=host_list,
                    max_log_bytes=max_log_bytes,
                )
            )
            handles.append(handle)
            return handle, host_list

        yield _launch
        for handle in handles:
            handle.kill()
            assert handle.wait(30)

    def run(self, launch: Launcher, command: list[str], **kw: object) -> HostLaunch:
        handle, hosts = launch(command, **kw)
        assert handle.wait(60)
        assert handle.poll() == {"algo-1": 0}, hosts[0].log_path.read_text()
        return hosts[0]

    # -- command and exit codes ---------------------------------------------------------------

    def test_exit_code_is_the_commands(self, launch: Launcher) -> None:
        handle, _ = launch(["sh", "-c", "exit 7"], hosts=2)
        assert handle.wait(30)
        assert handle.poll() == {"algo-1": 7, "algo-2": 7}

    def test_unknown_command_exits_127_with_a_message(self, launch: Launcher) -> None:
        handle, hosts = launch(["python9", "-c", "pass"])
        assert handle.wait(30)
        assert handle.poll() == {"algo-1": 127}
        assert "exec: python9: not found" in hosts[0].log_path.read_text()

    def test_no_entrypoint_anywhere_is_a_validation_error(
        self, runtime: Runtime, root: Path
    ) -> None:
        job = JobLaunch(
            job_name="job",
            image=ImageEnvironment(image_uri="my/image:1", python=sys.executable),
            container_entrypoint=None,
            container_arguments=("a",),
            environment={},
            hosts=(
                HostLaunch(
                    host="algo-1",
                    opt_ml=root / "ml",
                    tmp=root / "tmp",
                    env_dir=root / "env",
                    log_path=root / "log",
                ),
            ),
        )
        with pytest.raises(ValidationError, match="image my/image:1 has no entrypoint"):
            runtime.launch(job)
        assert list(root.iterdir()) == []

    # -- environment and files ----------------------------------------------------------------

    def test_environment_is_only_the_documented_one(
        self, sandbox: str, launch: Launcher, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PLIMSOLL_SHOULD_NOT_LEAK", "1")
        code = "import json, os; print(json.dumps(dict(os.environ)))"
        host = self.run(
            launch,
            python_command(code),
            image_env={"FROM_IMAGE": "image", "BOTH": "image"},
            env={"BOTH": "job", "FROM_JOB": "job"},
        )
        seen = json.loads(host.log_path.read_text())
        layer = "/opt/plimsoll/env" if sandbox == "bwrap" else str(host.env_dir)
        tmp = "/tmp" if sandbox == "bwrap" else str(host.tmp)
        expected = {
            "PATH": f"{layer}/bin:{os.path.dirname(sys.executable)}:"
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": "/root",
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "PIP_CACHE_DIR": f"{tmp}/.cache/pip",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "FROM_IMAGE": "image",
            "BOTH": "job",
            "FROM_JOB": "job",
        }
        if sandbox == "none":
            expected |= {"PLIMSOLL_OPT_ML": str(host.opt_ml), "TMPDIR": str(host.tmp)}
        assert seen == expected

    def test_staged_opt_ml_is_seen_and_outputs_land_in_the_host_folder(
        self, launch: Launcher, root: Path
    ) -> None:
        staged = root / "jobs" / "job" / "algo-1" / "ml" / "processing" / "input"
        staged.mkdir(parents=True)
        (staged / "data.txt").write_text("staged input\n")
        script = """
            import os
            ml = os.environ.get("PLIMSOLL_OPT_ML", "/opt/ml")
            text = open(f"{ml}/processing/input/data.txt").read()
            os.makedirs(f"{ml}/processing/output")
            open(f"{ml}/processing/output/result.txt", "w").write(text.upper())
        """
        host = self.run(launch, python_command(script))
        assert (host.opt_ml / "processing/output/result.txt").read_text() == "STAGED INPUT\n"

    def test_working_folder(self, sandbox: str, launch: Launcher) -> None:
        host = self.run(launch, ["pwd"])
        expected = "/" if sandbox == "bwrap" else str(host.opt_ml)
        assert host.log_path.read_text() == expected + "\n"

    def test_python_layer_is_the_prefix(self, sandbox: str, launch: Launcher) -> None:
        host = self.run(launch, python_command("import sys, plimsoll; print(sys.prefix)"))
        layer = "/opt/plimsoll/env" if sandbox == "bwrap" else str(host.env_dir)
        assert host.log_path.read_text() == layer + "\n"

    # -- logs ---------------------------------------------------------------------------------

    def test_stdout_and_stderr_are_interleaved_in_the_log(self, launch: Launcher) -> None:
        host = self.run(launch, ["sh", "-c", "echo one; echo two >&2; echo three"])
        assert host.log_path.read_text() == "one\ntwo\nthree\n"

    def test_log_is_capped_and_the_process_keeps_running(self, launch: Launcher) -> None:
        code = """
            import os, sys
            sys.stdout.buffer.write(bytes(range(256)) * 40)
            sys.stdout.flush()
            sys.stderr.write("more after the cap\\n")
            open(os.path.join(os.environ.get("PLIMSOLL_OPT_ML", "/opt/ml"), "after"), "w").close()
        """
        host = self.run(launch, python_command(code), max_log_bytes=1000)
        data = host.log_path.read_bytes()
        assert (
            data == (bytes(range(256)) * 4)[:1000] + b"\n[plimsoll] log truncated at 1000 bytes\n"
        )
        assert (host.opt_ml / "after").exists()

    # -- signals and leftovers ----------------------------------------------------------------

    def test_terminate_reaches_a_trap_that_can_still_write(self, launch: Launcher) -> None:
        script = """
            ML=${PLIMSOLL_OPT_ML:-/opt/ml}
            trap 'echo bye > "$ML/bye"; exit 3' TERM
            touch "$ML/ready"
            while :; do sleep 0.05; done
        """
        handle, hosts = launch(["sh", "-c", textwrap.dedent(script)])
        wait_for(hosts[0].opt_ml / "ready")
        handle.terminate()
        assert handle.wait(30)
        assert handle.poll() == {"algo-1": 3}
        assert (hosts[0].opt_ml / "bye").read_text() == "bye\n"

    def test_terminate_without_a_trap_reports_the_signal(self, launch: Launcher) -> None:
        script = 'touch "${PLIMSOLL_OPT_ML:-/opt/ml}/ready"; exec sleep 600'
        handle, hosts = launch(["sh", "-c", script])
        wait_for(hosts[0].opt_ml / "ready")
        assert handle.poll() == {"algo-1": None}
        handle.terminate()
        assert handle.wait(30)
        assert handle.poll() == {"algo-1": -15}

    def test_kill_ends_the_whole_process_tree(self, launch: Launcher) -> None:
        token = unique_token()
        script = (
            f'sleep {token} & sleep {token} & touch "${{PLIMSOLL_OPT_ML:-/opt/ml}}/ready"; wait'
        )
        handle, hosts = launch(["sh", "-c", script], hosts=2)
        for host in hosts:
            wait_for(host.opt_ml / "ready")
        deadline = time.monotonic() + 30
        while len(processes_with(token)) < 4:
            assert time.monotonic() < deadline, "the children never started"
            time.sleep(0.02)
        handle.kill()
        assert handle.wait(30)
        assert handle.poll() == {"algo-1": -9, "algo-2": -9}
        assert processes_with(token) == []

    def test_nothing_is_left_after_a_job_ends_by_itself(self, launch: Launcher) -> None:
        token = unique_token()
        script = f'sleep {token} & touch "${{PLIMSOLL_OPT_ML:-/opt/ml}}/ready"; exit 0'
        handle, hosts = launch(["sh", "-c", script], hosts=2)
        assert handle.wait(30)
        assert handle.poll() == {"algo-1": 0, "algo-2": 0}
        assert processes_with(token) == []

    def test_poll_does_not_block_and_wait_times_out(self, launch: Launcher) -> None:
        handle, _ = launch(["sleep", "600"])
        assert handle.poll() == {"algo-1": None}
        assert handle.wait(0.05) is False
        handle.kill()
        assert handle.wait(30)
        assert handle.poll() == {"algo-1": -9}


class SandboxedRuntimeSuite(RuntimeSuite):
    """What hosts in the bubblewrap sandbox add: own places, hostname, names of the others."""

    def test_host_sees_its_own_opt_ml_tmp_hostname_and_hosts_file(self, launch: Launcher) -> None:
        code = """
            import json, socket
            open("/opt/ml/from-job", "w").write("ml")
            open("/tmp/from-job", "w").write("tmp")
            print(json.dumps({
                "hostname": socket.gethostname(),
                "peers": [socket.gethostbyname(f"algo-{i}") for i in (1, 2, 3)],
                "localhost": socket.gethostbyname("localhost"),
            }))
        """
        handle, hosts = launch(python_command(code), hosts=3)
        assert handle.wait(60)
        assert handle.poll() == {"algo-1": 0, "algo-2": 0, "algo-3": 0}
        for host in hosts:
            seen = json.loads(host.log_path.read_text())
            assert seen == {
                "hostname": host.host,
                "peers": ["127.0.0.1"] * 3,  # every host on this machine
                "localhost": "127.0.0.1",
            }
            assert (host.opt_ml / "from-job").read_text() == "ml"
            assert (host.tmp / "from-job").read_text() == "tmp"

    def test_hosts_run_together_and_reach_each_other_by_name(self, launch: Launcher) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        code = f"""
            import socket, time
            if socket.gethostname() == "algo-1":
                with socket.create_server(("algo-1", {port})) as server:
                    conn, _ = server.accept()
                    conn.sendall(b"hello from algo-1")
                    conn.close()
            else:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        conn = socket.create_connection(("algo-1", {port}))
                        break
                    except OSError:
                        assert time.monotonic() < deadline
                        time.sleep(0.05)
                print(conn.recv(100).decode())
        """
        handle, hosts = launch(python_command(code), hosts=2)
        assert handle.wait(60)
        assert handle.poll() == {"algo-1": 0, "algo-2": 0}
        assert hosts[1].log_path.read_text() == "hello from algo-1\n"
