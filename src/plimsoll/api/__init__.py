"""The SageMaker wire contract: request/response shapes, validation, dispatch to services.

Submodules: ``shapes`` (generated wire models), ``validation`` (AWS-style messages),
``dispatch`` (operation name -> handler), ``handlers`` (shape <-> entity), ``wire_errors``
(error code <-> HTTP status) and ``wiring`` (builds the service graph). Nothing is imported
here, so that importing a light submodule (``shapes``, ``wire_errors``) stays light.
"""

from __future__ import annotations

__all__: list[str] = []
