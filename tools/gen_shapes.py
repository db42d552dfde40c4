"""Generates src/plimsoll/api/shapes/_generated.py from the installed botocore's SageMaker model.

Usage::

    python tools/gen_shapes.py            # (re)write the generated module
    python tools/gen_shapes.py --check    # exit 1 when the file on disk is stale (CI)

Only the closure of input/output shapes of ``OPERATIONS`` is emitted, as pydantic v2 models
whose field names are the wire's PascalCase names. Adding an operation is one line below.

Constraints carried over from the service model: string min/max length and ``pattern``,
number min/max, list and map min/max length, enums (as ``Literal``), required members.
botocore patterns are Java regular expressions that must match the *whole* value; they are
translated to Python ``re`` (anchored with ``^(?:...)\\Z``). Patterns Python cannot express
are skipped and listed in the generated file's header.
"""

from __future__ import annotations

import argparse
import difflib
import keyword
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OPERATIONS: list[str] = [
    "CreateProcessingJob",
    "DescribeProcessingJob",
    "ListProcessingJobs",
    "StopProcessingJob",
]

GENERATOR_VERSION = "1"
REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT = REPO_ROOT / "src" / "plimsoll" / "api" / "shapes" / "_generated.py"

# Shape name -> (pattern in botocore's syntax, why). Plimsoll accepts local storage wherever
# SageMaker takes an S3 URI: file:// URIs and absolute paths, besides s3:// and https://.
PATTERN_OVERRIDES: dict[str, tuple[str, str]] = {
    "S3Uri": (
        r"(https|s3)://([^/]+)/?(.*)|file://.*|/.*",
        "also accepts file:// URIs and absolute paths (local storage)",
    ),
}

# Java's \p{Z}: every space separator, line separator and paragraph separator (stable set).
_UNICODE_Z = r"\u0020\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_JAVA_SURROGATE_PAIRS = r"\uD800\uDC00-\uDBFF\uDFFF"


class PatternNotSupported(ValueError):
    """A Java pattern that Python ``re`` cannot express faithfully."""


def _translate_class(body: str) -> str:
    """Translates the inside of one ``[...]`` character class."""
    body = body.replace(_JAVA_SURROGATE_PAIRS, r"\U00010000-\U0010FFFF")
    props = set(re.findall(r"\\p\{(\w+)\}", body))
    if props:
        body = re.sub(r"\\p\{(\w+)\}", "", body)
        extra = ""
        if "Alnum" in props:
            extra += "a-zA-Z0-9"
            props.discard("Alnum")
        if "Z" in props:
            extra += _UNICODE_Z
            props.discard("Z")
        if {"L", "N"} <= props and "_" in body:
            # Python's \w is exactly \p{L}\p{N}_ ; the class already holds "_".
            extra += r"\w"
            props -= {"L", "N"}
        if props:
            raise PatternNotSupported(f"Unicode classes {sorted(props)}")
        body = extra + body
    return body.replace(r"\d", "0-9")


def to_python_pattern(java: str) -> str:
    """A Python ``re`` pattern matching exactly the strings the Java pattern matches in full.

    Raises:
        PatternNotSupported: when the pattern uses Java features Python lacks.
    """
    out: list[str] = []
    i = 0
    while i < len(java):
        ch = java[i]
        if ch == "\\":
            esc = java[i : i + 2]
            if esc == r"\p":
                raise PatternNotSupported(r"\p{...} outside a character class")
            out.append("[0-9]" if esc == r"\d" else esc)
            i += 2
        elif ch == "[":
            end = _class_end(java, i)
            out.append("[" + _translate_class(java[i + 1 : end]) + "]")
            i = end + 1
        else:
            out.append(ch)
            i += 1
    translated = "^(?:" + "".join(out) + r")\Z"
    try:
        re.compile(translated)
    except re.error as exc:
        raise PatternNotSupported(str(exc)) from exc
    return translated


def _class_end(pattern: str, start: int) -> int:
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "[":
            raise PatternNotSupported("nested character class")
        if pattern[i] == "]":
            return i
        i += 1
    raise PatternNotSupported("unterminated character class")


@dataclass
class Emitter:
    """Walks the shape closure and writes Python source in dependency order."""

    shapes: Mapping[str, Any]
    lines: list[str] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    classes: list[str] = field(default_factory=list)
    display: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def emit(self, name: str) -> None:
        if name in self.done:
            return
        self.done.add(name)
        shape = self.shapes[name]
        for dep in _dependencies(shape):
            self.emit(dep)
        if shape["type"] == "structure":
            self._emit_structure(name, shape)
        else:
            self.lines.append(f"_{name} = {self._type_expr(name, shape)}")

    def _type_expr(self, name: str, shape: Mapping[str, Any]) -> str:
        kind = shape["type"]
        if kind == "string":
            if "enum" in shape:
                values = ", ".join(repr(v) for v in shape["enum"])
                return f"_Literal[{values}]"
            args = self._string_constraints(name, shape)
            return f"_Annotated[str, _StringConstraints({args})]" if args else "str"
        if kind in ("integer", "long", "float", "double"):
            base = "int" if kind in ("integer", "long") else "float"
            args = _bounds(shape, "ge", "le", skip_zero_min=False)
            return f"_Annotated[{base}, _Field({args})]" if args else base
        if kind == "boolean":
            return "bool"
        if kind == "timestamp":
            return "_Annotated[_datetime, _BeforeValidator(_epoch_seconds)]"
        if kind == "blob":
            args = _bounds(shape, "min_length", "max_length")
            return f"_Annotated[bytes, _Field({args})]" if args else "bytes"
        if kind == "document":
            return "_Any"
        if kind == "list":
            inner = f"list[_{shape['member']['shape']}]"
        elif kind == "map":
            inner = f"dict[_{shape['key']['shape']}, _{shape['value']['shape']}]"
        else:
            raise NotImplementedError(f"shape {name}: type {kind!r} is not supported")
        args = _bounds(shape, "min_length", "max_length")
        return f"_Annotated[{inner}, _Field({args})]" if args else inner

    def _string_constraints(self, name: str, shape: Mapping[str, Any]) -> str:
        args = _bounds(shape, "min_length", "max_length")
        java = shape.get("pattern")
        if name in PATTERN_OVERRIDES:
            java = PATTERN_OVERRIDES[name][0]
        if java is not None and java != ".*":  # ".*" would only forbid line breaks
            try:
                python = to_python_pattern(java)
            except PatternNotSupported as exc:
                self.skipped.append(f"{name}: {java!r} ({exc})")
            else:
                self.display[python] = f"^{java}$"
                args = ", ".join(a for a in (args, f"pattern={python!r}") if a)
        return args

    def _emit_structure(self, name: str, shape: Mapping[str, Any]) -> None:
        if shape.get("union"):
            raise NotImplementedError(f"shape {name}: unions are not supported yet")
        required = set(shape.get("required", ()))
        self.lines += ["", "", f"class {name}(WireShape):", f'    """``{name}``."""', ""]
        for member, ref in shape.get("members", {}).items():
            if not member.isidentifier() or keyword.iskeyword(member):
                raise NotImplementedError(f"shape {name}: member {member!r} is not an identifier")
            annotation = f"_{ref['shape']}"
            if member in required:
                self.lines.append(f"    {member}: {annotation}")
            else:
                self.lines.append(f"    {member}: {annotation} | None = None")
        self.lines += ["", "", f"_{name} = {name}"]
        self.classes.append(name)


def _bounds(shape: Mapping[str, Any], low: str, high: str, *, skip_zero_min: bool = True) -> str:
    parts = []
    if "min" in shape and not (skip_zero_min and shape["min"] == 0):
        parts.append(f"{low}={shape['min']!r}")
    if "max" in shape:
        parts.append(f"{high}={shape['max']!r}")
    return ", ".join(parts)


def _dependencies(shape: Mapping[str, Any]) -> Iterator[str]:
    for ref in shape.get("members", {}).values():
        yield ref["shape"]
    for key in ("member", "key", "value"):
        if key in shape:
            yield shape[key]["shape"]


def generate() -> str:
    """Source text of the generated module for the installed botocore."""
    import botocore
    from botocore.loaders import Loader

    model = Loader().load_service_model("sagemaker", "service-2")
    emitter = Emitter(shapes=model["shapes"])
    io: list[tuple[str, str | None, str | None]] = []
    for op in OPERATIONS:
        spec = model["operations"][op]
        names = [spec.get(k, {}).get("shape") for k in ("input", "output")]
        for shape_name in names:
            if shape_name:
                emitter.emit(shape_name)
        io.append((op, names[0], names[1]))
    return _render(emitter, io, botocore.__version__, model["metadata"]["apiVersion"])


def _render(
    emitter: Emitter, io: list[tuple[str, str | None, str | None]], botocore_version: str, api: str
) -> str:
    overrides = [f"#   {k}: {why}" for k, (_, why) in sorted(PATTERN_OVERRIDES.items())]
    skipped = [f"#   {s}" for s in emitter.skipped] or ["#   (none)"]
    table = [f"    {op!r}: ({inp or 'None'}, {out or 'None'})," for op, inp, out in io]
    display = [f"    {k!r}: {v!r}," for k, v in sorted(emitter.display.items())]
    names = ["WireShape", "OPERATION_SHAPES", "PATTERN_DISPLAY", *sorted(emitter.classes)]
    return "\n".join(
        [
            f"# Generated by tools/gen_shapes.py (generator {GENERATOR_VERSION}) from botocore "
            f"{botocore_version},",
            f"# sagemaker {api} service-2.json. DO NOT EDIT: run `python tools/gen_shapes.py`.",
            "# Pattern overrides:",
            *overrides,
            '# Patterns not enforced: ".*" everywhere (it only forbids line breaks), and these,',
            "# which Python re cannot express:",
            *skipped,
            '"""Wire shapes of the supported SageMaker operations (generated; do not edit)."""',
            "",
            "from __future__ import annotations",
            "",
            "from datetime import UTC as _UTC",
            "from datetime import datetime as _datetime",
            "from typing import Annotated as _Annotated",
            "from typing import Any as _Any",
            "from typing import Literal as _Literal",
            "",
            "from pydantic import BaseModel as _BaseModel",
            "from pydantic import BeforeValidator as _BeforeValidator",
            "from pydantic import ConfigDict as _ConfigDict",
            "from pydantic import Field as _Field",
            "from pydantic import StringConstraints as _StringConstraints",
            "",
            "__all__ = [",
            *[f"    {n!r}," for n in names],
            "]",
            "",
            "",
            "class WireShape(_BaseModel):",
            '    """Base of every generated shape: unknown members are errors."""',
            "",
            '    model_config = _ConfigDict(extra="forbid", regex_engine="python-re")',
            "",
            "",
            "def _epoch_seconds(value: _Any) -> _Any:",
            '    """Numbers are epoch seconds on the AWS JSON wire, however large they are."""',
            "    if isinstance(value, int | float) and not isinstance(value, bool):",
            "        try:",
            "            return _datetime.fromtimestamp(value, _UTC)",
            "        except (OverflowError, OSError) as exc:",
            '            raise ValueError(f"timestamp {value} is out of range") from exc',
            "    return value",
            "",
            "",
            *emitter.lines,
            "",
            "",
            "# Operation -> (input shape, output shape).",
            "_OperationShapes = tuple[type[WireShape] | None, type[WireShape] | None]",
            "OPERATION_SHAPES: dict[str, _OperationShapes] = {",
            *table,
            "}",
            "",
            "# Python pattern -> the pattern as SageMaker shows it in error messages.",
            "PATTERN_DISPLAY: dict[str, str] = {",
            *display,
            "}",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="diff against the file on disk")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    source = generate()
    if args.check:
        current = args.output.read_text() if args.output.exists() else ""
        if current == source:
            return 0
        diff = difflib.unified_diff(
            current.splitlines(), source.splitlines(), str(args.output), "regenerated", lineterm=""
        )
        sys.stderr.write("\n".join(list(diff)[:200]) + "\n")
        sys.stderr.write(f"{args.output} is stale: run `python tools/gen_shapes.py`\n")
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
