"""Generates the wire-shape modules from the installed botocore's SageMaker models.

``src/plimsoll/api/shapes/_generated.py`` holds the ``sagemaker`` operations in ``OPERATIONS``;
``_generated_runtime.py`` the ``sagemaker-runtime`` ones in ``RUNTIME_OPERATIONS`` (it reuses
``WireShape`` from the first, and adds ``HTTP_BINDINGS``: where each member travels in the
REST request or response, since that protocol splits members over path, headers and body).

Usage::

    python tools/gen_shapes.py            # (re)write the generated modules
    python tools/gen_shapes.py --check    # exit 1 when a file on disk is stale (CI)

Only the closure of input/output shapes of the operations is emitted, as pydantic v2 models
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
    "ListTags",
    "CreateModel",
    "DescribeModel",
    "DeleteModel",
    "ListModels",
    "CreateEndpointConfig",
    "DescribeEndpointConfig",
    "DeleteEndpointConfig",
    "ListEndpointConfigs",
    "CreateEndpoint",
    "DescribeEndpoint",
    "UpdateEndpoint",
    "DeleteEndpoint",
    "ListEndpoints",
    "UpdateEndpointWeightsAndCapacities",
    "CreateDataQualityJobDefinition",
    "DescribeDataQualityJobDefinition",
    "DeleteDataQualityJobDefinition",
    "ListDataQualityJobDefinitions",
    "CreateModelQualityJobDefinition",
    "DescribeModelQualityJobDefinition",
    "DeleteModelQualityJobDefinition",
    "ListModelQualityJobDefinitions",
    "CreateModelBiasJobDefinition",
    "DescribeModelBiasJobDefinition",
    "DeleteModelBiasJobDefinition",
    "ListModelBiasJobDefinitions",
    "CreateModelExplainabilityJobDefinition",
    "DescribeModelExplainabilityJobDefinition",
    "DeleteModelExplainabilityJobDefinition",
    "ListModelExplainabilityJobDefinitions",
    "CreateMonitoringSchedule",
    "DescribeMonitoringSchedule",
    "UpdateMonitoringSchedule",
    "StartMonitoringSchedule",
    "StopMonitoringSchedule",
    "DeleteMonitoringSchedule",
    "ListMonitoringSchedules",
    "ListMonitoringExecutions",
]

RUNTIME_OPERATIONS: list[str] = ["InvokeEndpoint"]

GENERATOR_VERSION = "2"
REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT = REPO_ROOT / "src" / "plimsoll" / "api" / "shapes" / "_generated.py"
RUNTIME_OUTPUT = OUTPUT.with_name("_generated_runtime.py")
BASE_MODULE = "plimsoll.api.shapes._generated"
"""Where the runtime module imports ``WireShape`` from."""

# Shape name -> (pattern in botocore's syntax, why). Plimsoll accepts local storage wherever
# SageMaker takes an S3 URI: file:// URIs and absolute paths, besides s3:// and https://.
PATTERN_OVERRIDES: dict[str, tuple[str, str]] = {
    "S3Uri": (
        r"(https|s3)://([^/]+)/?(.*)|file://.*|/.*",
        "also accepts file:// URIs and absolute paths (local storage)",
    ),
    "Url": (
        r"(https|s3)://([^/]+)/?(.*)|file://.*|/.*",
        "also accepts file:// URIs and absolute paths (local storage)",
    ),
    "MonitoringS3Uri": (
        r"(https|s3)://([^/]+)/?(.*)|file://.*|/.*",
        "monitoring outputs and baselines may be local too: file:// URIs and absolute paths",
    ),
    "DestinationS3Uri": (
        r"s3://([^/]+)/?(.*)|file://.*|/.*",
        "s3:// URIs, file:// URIs and absolute paths (local storage); no https://, "
        "which Plimsoll's storage cannot write to",
    ),
}

# Shape name -> {member: why}: members botocore marks required that SageMaker's answers omit.
OPTIONAL_OVERRIDES: dict[str, dict[str, str]] = {
    "DataCaptureConfigSummary": {"KmsKeyId": "DescribeEndpoint omits it when no key is set"},
}

# Java's \p{Z}: every space separator, line separator and paragraph separator (stable set).
_UNICODE_Z = r"\u0020\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_JAVA_SURROGATE_PAIRS = r"\uD800\uDC00-\uDBFF\uDFFF"
# Java's POSIX classes (US-ASCII only, Java's default): \p{ASCII} and \p{Print}.
_POSIX_CLASSES = {"ASCII": r"\x00-\x7F", "Print": r"\x20-\x7E"}


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
        for name in sorted(props & set(_POSIX_CLASSES)):
            extra += _POSIX_CLASSES[name]
            props.discard(name)
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
            posix = re.match(r"\\p\{(\w+)\}", java[i:])
            if posix and posix.group(1) in _POSIX_CLASSES:
                out.append("[" + _POSIX_CLASSES[posix.group(1)] + "]")
                i += posix.end()
                continue
            if esc == r"\p":
                raise PatternNotSupported(r"\p{...} outside a character class")
            out.append({r"\d": "[0-9]", r"\z": r"\Z"}.get(esc, esc))
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
    overridden: set[str] = field(default_factory=set)

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
            self.overridden.add(name)
        if java is not None and java != ".*":  # ".*" would only forbid line breaks
            try:
                python = to_python_pattern(java)
            except PatternNotSupported as exc:
                self.skipped.append(f"{name}: {java!r} ({exc})")
            else:
                self.display[python] = _anchored(java)
                args = ", ".join(a for a in (args, f"pattern={python!r}") if a)
        return args

    def _emit_structure(self, name: str, shape: Mapping[str, Any]) -> None:
        if shape.get("union"):
            raise NotImplementedError(f"shape {name}: unions are not supported yet")
        required = set(shape.get("required", ())) - set(OPTIONAL_OVERRIDES.get(name, ()))
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


def _anchored(java: str) -> str:
    """``java`` as SageMaker's messages show it: between ``^`` and ``$``, unless it already
    anchors itself."""
    start = "" if java.startswith(("^", "\\A")) else "^"
    end = "" if java.endswith(("$", "\\z")) and not java.endswith("\\$") else "$"
    return f"{start}{java}{end}"


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


@dataclass(frozen=True)
class Target:
    """One generated module: a botocore service, its operations and where the file goes."""

    service: str
    title: str  # in the module docstring
    operations: list[str]
    output: Path
    prefix: str  # of the module's tables, so both modules can be star-imported together
    base_module: str | None  # import WireShape from there instead of defining it


TARGETS = (
    Target("sagemaker", "SageMaker", OPERATIONS, OUTPUT, "", None),
    Target(
        "sagemaker-runtime",
        "SageMaker Runtime",
        RUNTIME_OPERATIONS,
        RUNTIME_OUTPUT,
        "RUNTIME_",
        BASE_MODULE,
    ),
)

Bindings = dict[str, dict[str, tuple[str, str]]]


def generate(target: Target = TARGETS[0]) -> str:
    """Source text of ``target``'s generated module for the installed botocore."""
    import botocore
    from botocore.loaders import Loader

    model = Loader().load_service_model(target.service, "service-2")
    emitter = Emitter(shapes=model["shapes"])
    io: list[tuple[str, str | None, str | None]] = []
    bindings: Bindings = {}
    for op in target.operations:
        spec = model["operations"][op]
        names = [spec.get(k, {}).get("shape") for k in ("input", "output")]
        for shape_name in names:
            if shape_name:
                emitter.emit(shape_name)
                if model["metadata"]["protocol"] != "json":
                    bindings[shape_name] = _bindings(model["shapes"][shape_name])
        io.append((op, names[0], names[1]))
    header = Header(
        botocore_version=botocore.__version__,
        service=target.service,
        api=model["metadata"]["apiVersion"],
    )
    return _render(emitter, io, header, target, bindings)


def _bindings(shape: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Member -> (where, name): ("uri", path label), ("header", header name), ("payload", "")
    or ("body", member name), for a REST protocol's input or output shape."""
    out: dict[str, tuple[str, str]] = {}
    for member, ref in shape.get("members", {}).items():
        if member == shape.get("payload"):
            out[member] = ("payload", "")
        elif "location" in ref:
            out[member] = (ref["location"], ref.get("locationName", member))
        else:
            out[member] = ("body", member)
    return out


@dataclass(frozen=True)
class Header:
    botocore_version: str
    service: str
    api: str


_IMPORTS = [
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
]

_BASE = [
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
]


def _render(
    emitter: Emitter,
    io: list[tuple[str, str | None, str | None]],
    header: Header,
    target: Target,
    bindings: Bindings,
) -> str:
    used = sorted(emitter.overridden)
    overrides = [f"#   {k}: {PATTERN_OVERRIDES[k][1]}" for k in used] or ["#   (none)"]
    optional = [
        f"#   {shape}.{member}: {why}"
        for shape, members in sorted(OPTIONAL_OVERRIDES.items())
        if shape in emitter.done
        for member, why in sorted(members.items())
    ]
    skipped = [f"#   {s}" for s in emitter.skipped] or ["#   (none)"]
    table = [f"    {op!r}: ({inp or 'None'}, {out or 'None'})," for op, inp, out in io]
    display = [f"    {k!r}: {v!r}," for k, v in sorted(emitter.display.items())]
    pre = target.prefix
    tables = [f"{pre}OPERATION_SHAPES", f"{pre}PATTERN_DISPLAY"]
    if bindings:
        tables.append("HTTP_BINDINGS")
    module = target.base_module
    if module is None:  # this module defines the base
        base_imports, base_definitions = [], [*_BASE, "", ""]
        names = ["WireShape", *tables]
    else:
        base_imports = [
            "",
            f"from {module} import WireShape",
            f"from {module} import _epoch_seconds",
        ]
        base_definitions, names = [], tables
    names += sorted(emitter.classes)
    return "\n".join(
        [
            f"# Generated by tools/gen_shapes.py (generator {GENERATOR_VERSION}) from botocore "
            f"{header.botocore_version},",
            f"# {header.service} {header.api} service-2.json. "
            "DO NOT EDIT: run `python tools/gen_shapes.py`.",
            "# Pattern overrides:",
            *overrides,
            *(
                ["# Members botocore requires that are optional here:", *optional]
                if optional
                else []
            ),
            '# Patterns not enforced: ".*" everywhere (it only forbids line breaks), and these,',
            "# which Python re cannot express:",
            *skipped,
            f'"""Wire shapes of the supported {target.title} operations '
            '(generated; do not edit)."""',
            "",
            "from __future__ import annotations",
            "",
            *_IMPORTS,
            *base_imports,
            "",
            "__all__ = [",
            *[f"    {n!r}," for n in names],
            "]",
            "",
            "",
            *base_definitions,
            *emitter.lines,
            "",
            "",
            "# Operation -> (input shape, output shape).",
            "_OperationShapes = tuple[type[WireShape] | None, type[WireShape] | None]",
            f"{pre}OPERATION_SHAPES: dict[str, _OperationShapes] = {{",
            *table,
            "}",
            "",
            "# Python pattern -> the pattern as SageMaker shows it in error messages.",
            f"{pre}PATTERN_DISPLAY: dict[str, str] = {{",
            *display,
            "}",
            "",
            *(_render_bindings(bindings) if bindings else []),
        ]
    )


def _render_bindings(bindings: Bindings) -> list[str]:
    lines = [
        '# Shape -> member -> where it travels: ("uri", label), ("header", name),',
        '# ("payload", "") for the raw body, or ("body", member) inside a JSON body.',
        "HTTP_BINDINGS: dict[str, dict[str, tuple[str, str]]] = {",
    ]
    for shape, members in bindings.items():
        lines.append(f"    {shape!r}: {{")
        lines += [f"        {m!r}: {where!r}," for m, where in members.items()]
        lines.append("    },")
    return [*lines, "}", ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="diff against the files on disk")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the sagemaker module")
    parser.add_argument(
        "--runtime-output", type=Path, default=RUNTIME_OUTPUT, help="the sagemaker-runtime module"
    )
    args = parser.parse_args(argv)
    outputs = {TARGETS[0].service: args.output, TARGETS[1].service: args.runtime_output}
    stale = 0
    for target in TARGETS:
        path = outputs[target.service]
        source = generate(target)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source)
            continue
        current = path.read_text() if path.exists() else ""
        if current == source:
            continue
        diff = difflib.unified_diff(
            current.splitlines(), source.splitlines(), str(path), "regenerated", lineterm=""
        )
        sys.stderr.write("\n".join(list(diff)[:200]) + "\n")
        sys.stderr.write(f"{path} is stale: run `python tools/gen_shapes.py`\n")
        stale = 1
    return stale


if __name__ == "__main__":
    sys.exit(main())
