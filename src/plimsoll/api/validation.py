"""Request validation with SageMaker's ``ValidationException`` messages.

A request that fails its shape raises :class:`~plimsoll.errors.ValidationError` whose message
reads like AWS's, for example::

    1 validation error detected: Value 'bad_name!' at 'processingJobName' failed to satisfy
    constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$

Member paths are camelCase and list items read ``processingInputs.1.member.inputName``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar, get_args, get_origin

import pydantic

from plimsoll.api.shapes import PATTERN_DISPLAY, RUNTIME_PATTERN_DISPLAY, WireShape, unwrap_type
from plimsoll.errors import ValidationError

S = TypeVar("S", bound=WireShape)

_TYPE_NAMES = {
    "string": "a string",
    "int": "an integer",
    "bool": "a boolean",
    "float": "a number",
    "datetime": "a timestamp",
    "list": "a list",
    "dict": "a map",
    "model": "a structure",
    "bytes": "a blob",
}


def parse_request(shape: type[S], params: Mapping[str, Any]) -> S:
    """Validates ``params`` against ``shape``.

    Raises:
        ValidationError: listing every problem, one AWS-style clause each.
    """
    if not isinstance(params, Mapping):
        raise ValidationError(f"Request body must be a JSON object, got {type(params).__name__}")
    try:
        return shape.model_validate(params)
    except pydantic.ValidationError as exc:
        raise ValidationError(describe_errors(shape, exc.errors())) from None


def describe_errors(shape: type[WireShape], errors: Sequence[Any]) -> str:
    """One message for all of pydantic's ``errors`` of a request against ``shape``."""
    clauses = [_clause(shape, err) for err in errors]
    plural = "s" if len(clauses) != 1 else ""
    return f"{len(clauses)} validation error{plural} detected: " + "; ".join(clauses)


def member_path(*names: str | int) -> str:
    """AWS's path for a member: ``("ProcessingInputs", 0, "InputName")`` reads
    ``processingInputs.1.member.inputName``."""
    return ".".join(f"{n + 1}.member" if isinstance(n, int) else _camel(n) for n in names)


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


class _Location:
    """Where an error sits: its AWS path, the type there, and its map context if any."""

    def __init__(self, shape: type[WireShape], loc: Sequence[str | int]) -> None:
        self.segments: list[str] = []
        self.type: Any = shape
        self.parent: Any = None
        self.map_key: str | None = None
        self.is_key = False
        parts = list(loc)
        for index, part in enumerate(parts):
            current = unwrap_type(self.type)
            self.parent = current
            if isinstance(current, type) and issubclass(current, pydantic.BaseModel):
                field = current.model_fields.get(str(part))
                self.segments.append(_camel(str(part)))
                self.type = field.annotation if field is not None else None
            elif get_origin(current) is list and isinstance(part, int):
                self.segments.append(f"{part + 1}.member")
                self.type = get_args(current)[0]
            elif get_origin(current) is dict:
                key_type, value_type = get_args(current)
                self.is_key = index + 1 < len(parts) and parts[index + 1] == "[key]"
                self.map_key = str(part)
                self.type = key_type if self.is_key else value_type
                break
            else:
                self.segments.append(_camel(str(part)) if isinstance(part, str) else str(part))
                self.type = None

    @property
    def path(self) -> str:
        return ".".join(self.segments)


def _clause(shape: type[WireShape], err: Mapping[str, Any]) -> str:
    kind: str = err["type"]
    where = _Location(shape, err["loc"])
    if kind == "extra_forbidden":
        return _unknown_member(where, err["loc"])
    if kind == "missing":
        return f"Value null at '{where.path}' failed to satisfy constraint: Member must not be null"
    constraint = _constraint(kind, err, where)
    if where.map_key is not None:
        side = "keys" if where.is_key else f"value for key '{where.map_key}'"
        constraint = f"Map {side} must satisfy constraint: [{constraint}]"
    value = where.map_key if where.is_key else err.get("input")
    return f"Value {_show(value)} at '{where.path}' failed to satisfy constraint: {constraint}"


def _unknown_member(where: _Location, loc: Sequence[str | int]) -> str:
    name = str(loc[-1])
    parent = ".".join(where.segments[:-1])
    known: list[str] = []
    if isinstance(where.parent, type) and issubclass(where.parent, pydantic.BaseModel):
        known = list(where.parent.model_fields)
    at = f" at '{parent}'" if parent else ""
    return f"Unknown parameter '{name}'{at}, must be one of: {', '.join(known)}"


def _constraint(kind: str, err: Mapping[str, Any], where: _Location) -> str:
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    if kind in ("string_too_long", "bytes_too_long", "too_long"):
        return f"Member must have length less than or equal to {ctx['max_length']}"
    if kind in ("string_too_short", "bytes_too_short", "too_short"):
        return f"Member must have length greater than or equal to {ctx['min_length']}"
    if kind == "string_pattern_mismatch":
        pattern = ctx["pattern"]
        shown = PATTERN_DISPLAY.get(pattern) or RUNTIME_PATTERN_DISPLAY.get(pattern, pattern)
        return f"Member must satisfy regular expression pattern: {shown}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"Member must have value greater than or equal to {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"Member must have value less than or equal to {ctx.get('le', ctx.get('lt'))}"
    if kind == "literal_error":
        target = unwrap_type(where.type)
        values = get_args(target) if get_origin(target) is Literal else ()
        shown = ", ".join(str(v) for v in values) or str(ctx.get("expected", ""))
        return f"Member must satisfy enum value set: [{shown}]"
    if kind == "value_error":
        return f"Member is not valid: {ctx.get('error', err.get('msg', kind))}"
    for prefix, name in _TYPE_NAMES.items():
        if kind.startswith(prefix):
            return f"Member must be {name}"
    return f"Member is not valid: {err.get('msg', kind)}"


def _show(value: Any) -> str:
    if value is None:
        return "null"
    text = _java(value)
    return f"'{text[:253] + '...' if len(text) > 256 else text}'"


def _java(value: Any) -> str:
    """Renders a value as AWS's Java-based messages do (``[a, b]``, ``{k=v}``, ``true``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_java(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_java(v) for v in value) + "]"
    return str(value)
