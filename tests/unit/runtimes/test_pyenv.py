from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from plimsoll.errors import ConfigError
from plimsoll.runtimes._pyenv import PTH_NAME, PythonFacts, build_layer, python_facts


def _facts(tmp_path: Path, *, platlibdir: str = "lib") -> PythonFacts:
    base = tmp_path / "base"
    image = tmp_path / "image"
    for folder in (base / "bin", image / "site", base / "site"):
        folder.mkdir(parents=True)
    (base / "bin" / "python3.11").touch()
    return PythonFacts(
        python=str(image / "bin" / "python"),
        version="3.11.7",
        prefix=str(image),
        base_prefix=str(base),
        base_executable=str(base / "bin" / "python3.11"),
        platlibdir=platlibdir,
        site_packages=(str(image / "site"), str(base / "site")),
        sys_path=(str(image / "site"),),
    )


def test_layer_is_a_venv_over_the_base_interpreter(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    layer = tmp_path / "env"
    build_layer(layer, facts)
    cfg = (layer / "pyvenv.cfg").read_text().splitlines()
    assert f"home = {tmp_path / 'base' / 'bin'}" in cfg
    assert "include-system-site-packages = false" in cfg
    assert "version = 3.11.7" in cfg
    for name in ("python", "python3", "python3.11"):
        assert os.readlink(layer / "bin" / name) == facts.base_executable


def test_pip_wrappers_use_the_in_sandbox_path(tmp_path: Path) -> None:
    layer = tmp_path / "env"
    build_layer(layer, _facts(tmp_path))
    for name in ("pip", "pip3"):
        wrapper = layer / "bin" / name
        assert wrapper.read_text() == '#!/bin/sh\nexec /opt/plimsoll/env/bin/python -m pip "$@"\n'
        assert os.access(wrapper, os.X_OK)


def test_pip_wrapper_follows_the_mount(tmp_path: Path) -> None:
    layer = tmp_path / "env"
    build_layer(layer, _facts(tmp_path), mount=PurePosixPath(layer))
    assert f"exec {layer}/bin/python -m pip" in (layer / "bin" / "pip").read_text()


def test_pth_adds_every_image_site_dir_in_order(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    layer = tmp_path / "env"
    build_layer(layer, facts)
    pth = layer / "lib" / "python3.11" / "site-packages" / PTH_NAME
    assert pth.read_text().splitlines() == [
        f"import site; site.addsitedir({d!r})" for d in facts.site_packages
    ]


def test_building_twice_is_harmless(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    layer = tmp_path / "env"
    build_layer(layer, facts)
    (layer / "lib" / "python3.11" / "site-packages" / "installed.py").touch()
    build_layer(layer, facts)
    assert (layer / "lib" / "python3.11" / "site-packages" / "installed.py").exists()
    assert os.readlink(layer / "bin" / "python3") == facts.base_executable


def test_lib64_points_at_lib_when_the_python_uses_it(tmp_path: Path) -> None:
    layer = tmp_path / "env"
    build_layer(layer, _facts(tmp_path, platlibdir="lib64"))
    assert os.readlink(layer / "lib64") == "lib"


def test_host_paths_cover_the_interpreter_and_its_packages(tmp_path: Path) -> None:
    facts = _facts(tmp_path)
    paths = facts.host_paths()
    assert str(tmp_path / "image" / "bin") in paths
    assert str(tmp_path / "base" / "bin") in paths
    assert all(d in paths for d in facts.site_packages)


def test_a_missing_python_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        python_facts(str(tmp_path / "nope" / "python"))
