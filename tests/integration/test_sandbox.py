"""The local runtime: what only it does (the Python layer, bubblewrap's limits).

The behaviour every runtime shares (exit codes, environment, logs, signals, hosts) is the
runtime conformance suite (tests/conformance/runtime_suite.py), run on local and on Ray.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import site
import sys
import tempfile
import textwrap
import venv
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

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


# -- what only the bubblewrap sandbox gives ---------------------------------------------------


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
