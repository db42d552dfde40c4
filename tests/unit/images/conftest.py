from __future__ import annotations

import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

WriteScript = Callable[[str], str]


@pytest.fixture
def write_script(tmp_path: Path) -> Iterator[WriteScript]:
    """Writes an inference script under a unique module name into ``tmp_path/code``;
    returns its file name. Imported modules and sys.path entries are removed afterwards."""
    code_dir = tmp_path / "code"
    code_dir.mkdir(exist_ok=True)
    names: list[str] = []
    saved_path = list(sys.path)

    def write(source: str) -> str:
        name = f"inference_{uuid.uuid4().hex}"
        (code_dir / f"{name}.py").write_text(textwrap.dedent(source))
        names.append(name)
        return f"{name}.py"

    yield write
    sys.path[:] = saved_path
    for name in [*names, "inference", "helper_for_tests"]:
        sys.modules.pop(name, None)
