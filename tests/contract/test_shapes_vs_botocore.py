"""The generated wire shapes match the installed botocore, and its patterns translate right."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "tools" / "gen_shapes.py"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_shapes", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_shapes"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_generated_file_is_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]


def test_check_detects_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "_generated.py"
    stale.write_text("# old\n")
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", "--output", str(stale)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "is stale" in done.stderr


def test_every_pattern_of_the_closure_is_enforced_or_listed(gen: ModuleType) -> None:
    header = (REPO / "src/plimsoll/api/shapes/_generated.py").read_text().split('"""', 1)[0]
    from botocore.loaders import Loader

    model = Loader().load_service_model("sagemaker", "service-2")
    emitter = gen.Emitter(shapes=model["shapes"])
    for op in gen.OPERATIONS:
        for key in ("input", "output"):
            if key in model["operations"][op]:
                emitter.emit(model["operations"][op][key]["shape"])
    for skipped in emitter.skipped:
        assert skipped in header


@pytest.mark.parametrize(
    ("java", "good", "bad"),
    [
        ("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", ["a", "a-b--c"], ["-a", "a-", "a\n", "a_b"]),
        (
            r"arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+",
            ["arn:aws:iam::123456789012:role/x"],
            ["arn:aws:iam::12345678901\u0663:role/x"],
        ),
        (r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", ["caf\u00e9 \u00a0 1_:/=+-@", ""], ["a!b", "a\tb"]),
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*", ["a\t\U0001f600"], ["\n"]),
        (r"arn:[\p{Alnum}\-]+:lambda:x", ["arn:aws-cn:lambda:x"], ["arn:a\u00e9:lambda:x"]),
        # POSIX classes in the runtime service's header patterns
        (r"\p{ASCII}*", ["text/csv; charset=utf-8", ""], ["caf\u00e9"]),
        (r"\A\S[\p{Print}]*\z", ["id-1 with spaces", "x"], [" lead", "a\tb", "a\n", "x\u00e9"]),
        (r"[\p{ASCII}]+", ["a\tb"], ["\u00e9"]),
    ],
)
def test_java_patterns_translate(
    gen: ModuleType, java: str, good: list[str], bad: list[str]
) -> None:
    pattern = re.compile(gen.to_python_pattern(java))
    for text in good:
        assert pattern.match(text), text
    for text in bad:
        assert not pattern.match(text), text


@pytest.mark.parametrize(
    "java", [r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", r"([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,128}"]
)
def test_untranslatable_patterns_are_refused(gen: ModuleType, java: str) -> None:
    with pytest.raises(gen.PatternNotSupported):
        gen.to_python_pattern(java)
