"""The boolean inputs every bias metric reads, counted once per facet group.

Metrics are defined on counts (group sizes, confusion cells), so the whole row-level work is
one ``bincount`` per facet group; each metric is then O(1) except CDD (one ``bincount`` over the
group variable) and the flip test (nearest neighbours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from plimsoll.errors import EngineError

__all__ = ["INFINITY", "BiasInputs", "Confusion", "MetricError", "divide", "make_inputs"]

INFINITY = float("inf")

BoolArray = npt.NDArray[np.bool_]


class MetricError(EngineError):
    """One metric cannot be computed; the report records its message and goes on."""

    code = "EngineError"


def divide(p: float, q: float) -> float:
    """smclarify's ``divide``: 0/0 is 0, x/0 is +-infinity by the sign of x."""
    if q == 0:
        if p == 0:
            return 0.0
        return -INFINITY if p < 0 else INFINITY
    return p / q


@dataclass(frozen=True, slots=True, kw_only=True)
class Confusion:
    """Confusion-matrix cells of one side (a = complement, d = sensitive facet)."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def positives(self) -> int:
        """Rows with a positive true label."""
        return self.tp + self.fn

    @property
    def predicted_positives(self) -> int:
        return self.tp + self.fp


@dataclass(frozen=True, slots=True, kw_only=True)
class BiasInputs:
    """Masks and counts for one sensitive group.

    ``facet`` marks the sensitive group d (its complement is a), ``label`` the positive true
    labels, ``predicted`` the positive predictions (``None`` before training). ``groups`` holds
    the group variable as dense integer codes (for CDDL/CDDPL) and ``features`` the numeric
    matrix the flip test fits on (``None`` when not given, or ``str`` holding why it is unusable).
    """

    facet: BoolArray
    label: BoolArray
    predicted: BoolArray | None
    groups: npt.NDArray[np.intp] | None
    features: npt.NDArray[np.float64] | str | None
    a: Confusion
    d: Confusion


def _confusion(cells: npt.NDArray[np.intp], offset: int) -> Confusion:
    # code = facet*4 + label*2 + predicted: per side [tn, fp, fn, tp]
    tn, fp, fn, tp = (int(c) for c in cells[offset : offset + 4])
    return Confusion(tp=tp, fp=fp, fn=fn, tn=tn)


def make_inputs(
    *,
    facet: BoolArray,
    label: BoolArray,
    predicted: BoolArray | None = None,
    groups: npt.NDArray[np.intp] | None = None,
    features: npt.NDArray[np.float64] | str | None = None,
) -> BiasInputs:
    """Count the confusion cells of both sides in one pass.

    Before training (``predicted is None``) the label stands in for the prediction, so the
    ``positives`` and ``n`` counts are right and the other cells are simply unused.
    """
    pred = label if predicted is None else predicted
    code = facet.astype(np.intp) * 4 + label.astype(np.intp) * 2 + pred.astype(np.intp)
    cells = np.bincount(code, minlength=8)
    return BiasInputs(
        facet=facet,
        label=label,
        predicted=predicted,
        groups=groups,
        features=features,
        a=_confusion(cells, 0),
        d=_confusion(cells, 4),
    )
