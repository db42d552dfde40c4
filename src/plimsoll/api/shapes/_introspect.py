"""Reading the types of shape fields: what sits behind ``Optional`` and ``Annotated``."""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin


def unwrap_type(annotation: Any) -> Any:
    """The type behind ``Annotated[...]`` and ``X | None`` wrappers (``list[X]`` is kept)."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
            continue
        if origin is Union or origin is types.UnionType:
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation
