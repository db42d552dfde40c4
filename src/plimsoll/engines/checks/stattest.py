"""Registry of drift statistical tests: a pure function plus its descriptor, keyed by id.

As in evidently's ``stattests``, each test lives in its own module and registers a
:class:`StatTest` at import time; engine-specific implementations (Spark) may register
under the same id. ``higher_is_drift`` tells whether the value is a distance (drift when
above the threshold) or a p-value (drift when below).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from plimsoll.engines.checks.types import ComparisonMethod
from plimsoll.engines.profile import InferredType

logger = logging.getLogger(__name__)

__all__ = ["StatTest", "get_stattest", "register_stattest", "stattest_ids"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class StatTest(Generic[T]):
    """Descriptor of one drift test over two distributions of type ``T``.

    Attributes:
        id: Registry key.
        column_types: Baseline feature types the test applies to.
        default_threshold: Threshold used when the constraints do not set one.
        higher_is_drift: ``True`` for distances, ``False`` for p-values.
        func: ``func(baseline, current, method)`` -> distance or p-value (NaN = no result).
    """

    id: str
    column_types: frozenset[InferredType]
    default_threshold: float
    higher_is_drift: bool
    func: Callable[[T, T, ComparisonMethod], float]

    def drifted(self, value: float, threshold: float) -> bool:
        """Whether ``value`` is a violation of ``threshold`` (NaN never is)."""
        if value != value:  # NaN
            return False
        return value > threshold if self.higher_is_drift else value < threshold


_REGISTRY: dict[str, StatTest[Any]] = {}


def register_stattest(test: StatTest[T]) -> StatTest[T]:
    """Registers (or replaces) ``test`` under its id and returns it."""
    _REGISTRY[test.id] = test
    return test


def get_stattest(test_id: str) -> StatTest[Any]:
    """The test registered under ``test_id``; ``KeyError`` when unknown."""
    return _REGISTRY[test_id]


def stattest_ids() -> tuple[str, ...]:
    """Ids of all registered tests, sorted."""
    return tuple(sorted(_REGISTRY))
