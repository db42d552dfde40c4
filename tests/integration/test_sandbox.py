"""The local runtime running real host processes, with bubblewrap and without a sandbox."""

from __future__ import annotations

import errno
import json
import os
import shutil
import site
import socket
import sys
import tempfile
import textwrap
import time
import venv
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from plimsoll.errors import ValidationError
from plimsoll.runtimes import HostLaunch, ImageEnvironment, JobHandle, JobLaunch
from plimsoll.runtimes.local import LocalRuntime

PY = "/opt/plimsoll/env/bin/python3"  # what `python3` is on the job's PATH under bwrap


@pytest.fixture(scope="session")
def bwrap_runtime() -> LocalRuntime:
    return LocalRuntime(sandbox="bwrap")


@pytest.fixture(scope="session")
def plain_runtime() -> LocalRuntime:
    return LocalRuntime(sandbox="none")


@pytest.fixture(params=[pytest.param("bwrap", marks=pytest.mark.sandbox), "none"])
def runtime(request: pytest.FixtureRequest) -> LocalRuntime:
    fixture = "bwrap_runtime" if request.param == "bwrap" else "plain_runtime"
    runtime: LocalRuntime = request.getfixturevalue(fixture)
    return runtime


@pytest.fixture
def root() -> Iterator[Path]:
    """A scratch folder outside /tmp, so the sandbox shows it (read-only) at its host path."""
    path = Path(tempfile.mkdtemp(prefix="plimsoll-sandbox-", dir="/var/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


Launcher = Callable[..., tuple[JobHandle, tuple[HostLaunch, ...]]]


@pytest.fixture
def launch(root: Path) -> Iterator[Launcher]:
    handles: list[JobHandle] = []

    def _launch(
        runtime: LocalRuntime,
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
                    image_uri="local/test:1", python=sys.executable, environment=image_env or {}
                ),
                container_entrypoint=tuple(command),
                container_arguments=None,
                environment=env or {},
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


def run(launch: Launcher, runtime: LocalRuntime, command: list[str], **kw: object) -> HostLaunch:
    handle, hosts = launch(runtime, command, **kw)
    assert handle.wait(60)
    assert handle.poll() == {"algo-1": 0}, hosts[0].log_path.read_text()
    return hosts[0]


def python_command(code: str) -> list[str]:
    return ["python3", "-c", textwrap.dedent(code)]


def wait_for(path: Path, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def opt_ml(runtime: LocalRuntime, host: HostLaunch) -> Path:
    """Where the job sees its /opt/ml."""
    return Path("/opt/ml") if runtime.sandbox == "bwrap" else host.opt_ml


# -- command and exit codes -------------------------------------------------------------------


def test_exit_code_is_the_commands(runtime: LocalRuntime, launch: Launcher) -> None:
    handle, _ = launch(runtime, ["sh", "-c", "exit 7"], hosts=2)
    assert handle.wait(30)
    assert handle.poll() == {"algo-1": 7, "algo-2": 7}


def test_unknown_command_exits_127_with_a_message(runtime: LocalRuntime, launch: Launcher) -> None:
    handle, hosts = launch(runtime, ["python9", "-c", "pass"])
    assert handle.wait(30)
    assert handle.poll() == {"algo-1": 127}
    assert "exec: python9: not found" in hosts[0].log_path.read_text()


def test_no_entrypoint_anywhere_is_a_validation_error(plain_runtime: LocalRuntime) -> None:
    job = JobLaunch(
        job_name="job",
        image=ImageEnvironment(image_uri="my/image:1", python=sys.executable),
        container_entrypoint=None,
        container_arguments=("a",),
        environment={},
        hosts=(),
    )
    with pytest.raises(ValidationError, match="image my/image:1 has no entrypoint"):
        plain_runtime.launch(job)


# -- environment ------------------------------------------------------------------------------


def test_environment_is_only_the_documented_one(
    runtime: LocalRuntime, launch: Launcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLIMSOLL_SHOULD_NOT_LEAK", "1")
    code = "import json, os; print(json.dumps(dict(os.environ)))"
    host = run(
        launch,
        runtime,
        python_command(code),
        image_env={"FROM_IMAGE": "image", "BOTH": "image"},
        env={"BOTH": "job", "FROM_JOB": "job"},
    )
    seen = json.loads(host.log_path.read_text())
    layer = "/opt/plimsoll/env" if runtime.sandbox == "bwrap" else str(host.env_dir)
    tmp = "/tmp" if runtime.sandbox == "bwrap" else str(host.tmp)
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
    if runtime.sandbox == "none":
        expected |= {"PLIMSOLL_OPT_ML": str(host.opt_ml), "TMPDIR": str(host.tmp)}
    assert seen == expected


def test_working_folder(runtime: LocalRuntime, launch: Launcher) -> None:
    host = run(launch, runtime, ["pwd"])
    expected = "/" if runtime.sandbox == "bwrap" else str(host.opt_ml)
    assert host.log_path.read_text() == expected + "\n"


# -- the Python layer -------------------------------------------------------------------------


def test_python_layer_is_the_prefix_and_sees_the_image_packages(
    runtime: LocalRuntime, launch: Launcher
) -> None:
    code = "import sys, pydantic, plimsoll; print(sys.prefix)"
    host = run(launch, runtime, python_command(code))
    layer = "/opt/plimsoll/env" if runtime.sandbox == "bwrap" else str(host.env_dir)
    assert host.log_path.read_text() == layer + "\n"


def _tiny_wheel(folder: Path) -> Path:
    folder.mkdir(parents=True)
    wheel = folder / "tinypkg-0.1-py3-none-any.whl"
    files = {
        "tinypkg/__init__.py": "VALUE = 42\n",
        "tinypkg-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: tinypkg\nVersion: 0.1\n",
        "tinypkg-0.1.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{name},,\n" for name in files) + "tinypkg-0.1.dist-info/RECORD,,\n"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
        zf.writestr("tinypkg-0.1.dist-info/RECORD", record)
    return folder


def _listing(folder: str) -> list[str]:
    return sorted(os.listdir(folder))


def test_pip_installs_into_the_layer_and_leaves_the_image_alone(
    runtime: LocalRuntime, launch: Launcher, root: Path
) -> None:
    wheels = _tiny_wheel(root / "wheels")
    image_site = [d for d in site.getsitepackages() if os.path.isdir(d)]
    before = {d: _listing(d) for d in image_site}
    script = (
        f"pip install --no-index --find-links {wheels} tinypkg && "
        "python3 -c 'import tinypkg; print(tinypkg.VALUE, tinypkg.__file__)'"
    )
    host = run(launch, runtime, ["sh", "-c", script])
    layer = "/opt/plimsoll/env" if runtime.sandbox == "bwrap" else str(host.env_dir)
    last = host.log_path.read_text().splitlines()[-1]
    assert last == f"42 {layer}/lib/python3.{sys.version_info[1]}/site-packages/tinypkg/__init__.py"
    assert (host.env_dir / f"lib/python3.{sys.version_info[1]}/site-packages/tinypkg").is_dir()
    assert {d: _listing(d) for d in image_site} == before


# -- logs -------------------------------------------------------------------------------------


def test_stdout_and_stderr_are_interleaved_in_the_log(
    runtime: LocalRuntime, launch: Launcher
) -> None:
    host = run(launch, runtime, ["sh", "-c", "echo one; echo two >&2; echo three"])
    assert host.log_path.read_text() == "one\ntwo\nthree\n"


def test_log_is_capped_and_the_process_keeps_running(
    runtime: LocalRuntime, launch: Launcher
) -> None:
    code = """
        import os, sys
        sys.stdout.buffer.write(bytes(range(256)) * 40)
        sys.stdout.flush()
        sys.stderr.write("more after the cap\\n")
        open(os.path.join(os.environ.get("PLIMSOLL_OPT_ML", "/opt/ml"), "after"), "w").close()
    """
    host = run(launch, runtime, python_command(code), max_log_bytes=1000)
    data = host.log_path.read_bytes()
    assert data == (bytes(range(256)) * 4)[:1000] + b"\n[plimsoll] log truncated at 1000 bytes\n"
    assert (host.opt_ml / "after").exists()


# -- signals ----------------------------------------------------------------------------------


def test_terminate_reaches_a_trap_that_can_still_write(
    runtime: LocalRuntime, launch: Launcher
) -> None:
    script = """
        ML=${PLIMSOLL_OPT_ML:-/opt/ml}
        trap 'echo bye > "$ML/bye"; exit 3' TERM
        touch "$ML/ready"
        while :; do sleep 0.05; done
    """
    handle, hosts = launch(runtime, ["sh", "-c", textwrap.dedent(script)])
    wait_for(hosts[0].opt_ml / "ready")
    handle.terminate()
    assert handle.wait(30)
    assert handle.poll() == {"algo-1": 3}
    assert (hosts[0].opt_ml / "bye").read_text() == "bye\n"


def test_terminate_without_a_trap_reports_the_signal(
    runtime: LocalRuntime, launch: Launcher
) -> None:
    script = 'touch "${PLIMSOLL_OPT_ML:-/opt/ml}/ready"; exec sleep 600'
    handle, hosts = launch(runtime, ["sh", "-c", script])
    wait_for(hosts[0].opt_ml / "ready")
    assert handle.poll() == {"algo-1": None}
    handle.terminate()
    assert handle.wait(30)
    assert handle.poll() == {"algo-1": -15}


def _processes_with(token: str) -> list[int]:
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


def _zombie_children() -> list[int]:
    zombies = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if state == "Z" and int(ppid) == os.getpid():
                zombies.append(int(entry))
    return zombies


def test_kill_ends_the_whole_process_tree(runtime: LocalRuntime, launch: Launcher) -> None:
    token = f"{os.getpid() % 1000}.{time.monotonic_ns() % 10**6}"
    script = f'sleep {token} & sleep {token} & touch "${{PLIMSOLL_OPT_ML:-/opt/ml}}/ready"; wait'
    handle, hosts = launch(runtime, ["sh", "-c", script], hosts=2)
    for host in hosts:
        wait_for(host.opt_ml / "ready")
    deadline = time.monotonic() + 30
    while len(_processes_with(token)) < 4:
        assert time.monotonic() < deadline, "the children never started"
        time.sleep(0.02)
    handle.kill()
    assert handle.wait(30)
    assert handle.poll() == {"algo-1": -9, "algo-2": -9}
    assert _processes_with(token) == []
    assert _zombie_children() == []


def test_poll_does_not_block_and_wait_times_out(runtime: LocalRuntime, launch: Launcher) -> None:
    handle, _ = launch(runtime, ["sleep", "600"])
    assert handle.poll() == {"algo-1": None}
    assert handle.wait(0.05) is False
    handle.kill()
    assert handle.wait(30)


# -- what only the bubblewrap sandbox gives ---------------------------------------------------


@pytest.mark.sandbox
def test_host_sees_its_own_opt_ml_tmp_hostname_and_hosts_file(
    bwrap_runtime: LocalRuntime, launch: Launcher
) -> None:
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
    handle, hosts = launch(bwrap_runtime, python_command(code), hosts=3)
    assert handle.wait(60)
    assert handle.poll() == {"algo-1": 0, "algo-2": 0, "algo-3": 0}
    for host in hosts:
        seen = json.loads(host.log_path.read_text())
        assert seen == {
            "hostname": host.host,
            "peers": ["127.0.0.1"] * 3,
            "localhost": "127.0.0.1",
        }
        assert (host.opt_ml / "from-job").read_text() == "ml"
        assert (host.tmp / "from-job").read_text() == "tmp"


@pytest.mark.sandbox
def test_hosts_run_together_and_reach_each_other_by_name(
    bwrap_runtime: LocalRuntime, launch: Launcher
) -> None:
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
    handle, hosts = launch(bwrap_runtime, python_command(code), hosts=2)
    assert handle.wait(60)
    assert handle.poll() == {"algo-1": 0, "algo-2": 0}
    assert hosts[1].log_path.read_text() == "hello from algo-1\n"


@pytest.mark.sandbox
def test_job_cannot_write_outside_its_own_places(
    bwrap_runtime: LocalRuntime, launch: Launcher, root: Path
) -> None:
    home = root / "home"  # stands for the host's PLIMSOLL_HOME
    home.mkdir()
    _, other_hosts = launch(bwrap_runtime, ["true"], job="other")
    other = other_hosts[0].opt_ml
    targets = [
        "/probe",
        "/usr/probe",
        "/root/probe",
        "/home/probe",
        "/etc/probe",
        "/opt/probe",
        "/opt/plimsoll/probe",
        "/proc/sys/vm/swappiness",
        str(home / "probe"),
        str(other / "probe"),
        str(root / "jobs" / "job" / "algo-1" / "ml" / "probe-by-host-path"),
    ]
    code = f"""
        import errno, json
        result = {{}}
        for target in {targets!r}:
            try:
                open(target, "w").close()
                result[target] = "written"
            except OSError as exc:
                result[target] = errno.errorcode[exc.errno]
        print(json.dumps(result))
        open("/opt/ml/ok", "w").close()
        open("/tmp/ok", "w").close()
        open("/opt/plimsoll/env/ok", "w").close()
    """
    host = run(launch, bwrap_runtime, python_command(code))
    result = json.loads(host.log_path.read_text())
    allowed = {errno.errorcode[errno.EROFS], errno.errorcode[errno.EACCES]}
    assert {t: r for t, r in result.items() if r not in allowed} == {}
    assert [t for t in targets if os.path.lexists(t) and not t.startswith("/proc/")] == []
    assert (host.opt_ml / "ok").exists()
    assert (host.tmp / "ok").exists()
    assert (host.env_dir / "ok").exists()


@pytest.mark.sandbox
def test_describe_names_the_sandbox(bwrap_runtime: LocalRuntime) -> None:
    assert bwrap_runtime.sandbox == "bwrap"
    assert bwrap_runtime.describe().startswith("local (bubblewrap ")


@pytest.mark.sandbox
def test_an_image_python_under_the_hosts_tmp_stays_visible(
    bwrap_runtime: LocalRuntime, root: Path
) -> None:
    """The job's /tmp hides the host's; an image environment living there is re-bound."""
    env_dir = Path(tempfile.mkdtemp(prefix="image-venv-", dir="/tmp"))
    try:
        venv.create(env_dir, with_pip=False, symlinks=True)
        site_dir = env_dir / "lib" / f"python3.{sys.version_info[1]}" / "site-packages"
        (site_dir / "marker_mod.py").write_text("VALUE = 'from the tmp venv'\n")
        folder = root / "h"
        host = HostLaunch(
            host="algo-1",
            opt_ml=folder / "ml",
            tmp=folder / "tmp",
            env_dir=folder / "env",
            log_path=folder / "log",
        )
        handle = bwrap_runtime.launch(
            JobLaunch(
                job_name="tmp-venv",
                image=ImageEnvironment(image_uri="x", python=str(env_dir / "bin" / "python")),
                container_entrypoint=(
                    "python3",
                    "-c",
                    "import marker_mod; print(marker_mod.VALUE)",
                ),
                container_arguments=None,
                environment={},
                hosts=(host,),
            )
        )
        assert handle.wait(60)
        assert handle.poll() == {"algo-1": 0}, host.log_path.read_text()
        assert host.log_path.read_text() == "from the tmp venv\n"
    finally:
        shutil.rmtree(env_dir, ignore_errors=True)
