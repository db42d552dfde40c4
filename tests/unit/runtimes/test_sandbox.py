from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from plimsoll.runtimes._sandbox import (
    EXEC_WRAPPER,
    SandboxMounts,
    bwrap_argv,
    hidden_paths,
    hosts_file,
    outermost,
)


def _argv(extra: tuple[str, ...] = ()) -> list[str]:
    mounts = SandboxMounts(
        opt_ml=Path("/srv/job/algo-2/ml"),
        tmp=Path("/srv/job/algo-2/tmp"),
        env_dir=Path("/srv/job/algo-2/env"),
        env_mount=PurePosixPath("/opt/plimsoll/env"),
        read_only_extra=extra,
    )
    return bwrap_argv(
        "/usr/bin/bwrap",
        host="algo-2",
        mounts=mounts,
        hosts_fd=7,
        info_fd=8,
        command=["python3", "-c", "pass"],
    )


def _pairs(argv: list[str], flag: str) -> list[tuple[str, str]]:
    return [(argv[i + 1], argv[i + 2]) for i, a in enumerate(argv) if a == flag]


def test_hosts_file_maps_every_host_to_loopback() -> None:
    text = hosts_file(["algo-1", "algo-2"]).decode()
    assert "127.0.0.1\tlocalhost\n" in text
    assert "127.0.0.1\talgo-1\n" in text
    assert "127.0.0.1\talgo-2\n" in text


def test_outermost_keeps_only_top_folders_in_order() -> None:
    assert outermost(["/tmp/a/b", "/tmp/a", "/tmp/ab", "/tmp/a/"]) == ["/tmp/a", "/tmp/ab"]


def test_hidden_paths_are_those_under_tmp() -> None:
    found = hidden_paths(["/usr/lib", "/tmp/venv/lib", "/tmp/venv", "/tmpx", "/tmp"])
    assert found == ("/tmp/venv",)


def test_command_runs_through_the_exec_wrapper_after_the_options() -> None:
    argv = _argv()
    assert argv[0] == "/usr/bin/bwrap"
    tail = argv[argv.index("--") + 1 :]
    assert tail == [*EXEC_WRAPPER, "python3", "-c", "pass"]


def test_root_is_read_only_and_tmp_is_bound_before_everything_else() -> None:
    argv = _argv(extra=("/tmp/venv",))
    assert argv[1:4] == ["--ro-bind", "/", "/"]
    assert argv[4:7] == ["--bind", "/srv/job/algo-2/tmp", "/tmp"]
    assert argv[7:10] == ["--ro-bind", "/tmp/venv", "/tmp/venv"]


def test_opt_is_a_read_only_tmpfs_with_ml_and_the_layer_writable() -> None:
    argv = _argv()
    tmpfs = argv.index("--tmpfs")
    assert argv[tmpfs + 1] == "/opt"
    binds = _pairs(argv, "--bind")
    assert ("/srv/job/algo-2/ml", "/opt/ml") in binds
    assert ("/srv/job/algo-2/env", "/opt/plimsoll/env") in binds
    remount = argv.index("--remount-ro")
    assert argv[remount + 1] == "/opt"
    assert remount > max(i for i, a in enumerate(argv) if a == "--bind")
    ro = dict(_pairs(argv, "--ro-bind"))
    links = dict((dest, target) for target, dest in _pairs(argv, "--symlink"))
    for entry in os.listdir("/opt") if os.path.isdir("/opt") else []:
        if entry in ("ml", "plimsoll"):
            continue
        path = f"/opt/{entry}"
        assert ro.get(path) == path or path in links
        assert argv.index(path) > tmpfs


def test_namespaces_capabilities_and_hosts() -> None:
    argv = _argv()
    for flag in (
        "--unshare-pid",
        "--unshare-uts",
        "--unshare-ipc",
        "--die-with-parent",
        "--new-session",
    ):
        assert flag in argv
    assert "--unshare-net" not in argv
    assert argv[argv.index("--hostname") + 1] == "algo-2"
    assert argv[argv.index("--cap-drop") + 1] == "ALL"
    assert argv[argv.index("--chdir") + 1] == "/"
    assert _pairs(argv, "--ro-bind-data") == [("7", "/etc/hosts")]
    assert argv[argv.index("--info-fd") + 1] == "8"
    assert ("/proc/sys", "/proc/sys") in _pairs(argv, "--ro-bind-try")
