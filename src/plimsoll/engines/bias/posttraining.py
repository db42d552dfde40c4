"""Post-training bias metrics, as smclarify 0.5 computes them (spec clarify.md §2.3).

Each function takes ``BiasInputs`` (with ``predicted`` set) and returns a float or raises
``MetricError`` with smclarify's message. Ratios go through ``divide`` (0/0 = 0, x/0 = +-inf);
when both sides of a difference are +inf the difference is 0, as smclarify special-cases it.
Orientation matters and is smclarify's: DCA, RD, DAR, AD are a - d; DCR, SD, DRR, TE are d - a.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from plimsoll.engines.bias.flip_test import flip_test
from plimsoll.engines.bias.inputs import INFINITY, BiasInputs, Confusion, MetricError, divide
from plimsoll.engines.bias.pretraining import CDD, difference_in_proportions

__all__ = ["AD", "CDDPL", "DAR", "DCA", "DCR", "DI", "DPPL", "DRR", "FT", "GE", "RD", "SD", "TE"]


def _predicted(inputs: BiasInputs) -> npt.NDArray[np.bool_]:
    if inputs.predicted is None:
        raise MetricError("Predicted labels are required for post-training metrics")
    return inputs.predicted


def _sides(
    inputs: BiasInputs, prefix: str, negated: str = "Negated Facet set is empty"
) -> tuple[Confusion, Confusion]:
    _predicted(inputs)
    if inputs.d.n == 0:
        raise MetricError(f"{prefix}Facet set is empty")
    if inputs.a.n == 0:
        raise MetricError(f"{prefix}{negated}")
    return inputs.a, inputs.d


def _difference(first: float, second: float) -> float:
    """first - second, but 0 when both are +inf (smclarify's guard against inf - inf)."""
    if first == second == INFINITY:
        return 0.0
    return first - second


def DPPL(inputs: BiasInputs) -> float:
    """Difference in Positive Proportions in Predicted Labels (DPPL): q^_a - q^_d."""
    _predicted(inputs)
    a, d = inputs.a, inputs.d
    return difference_in_proportions(a.n, a.predicted_positives, d.n, d.predicted_positives)


def DI(inputs: BiasInputs) -> float:
    """Disparate Impact (DI): q^_d / q^_a."""
    _predicted(inputs)
    a, d = inputs.a, inputs.d
    if a.n == 0:
        raise MetricError("Negated facet set is empty")
    if d.n == 0:
        raise MetricError("Facet set is empty")
    return divide(d.predicted_positives / d.n, a.predicted_positives / a.n)


def DCA(inputs: BiasInputs) -> float:
    """Difference in Conditional Acceptance (DCA): c_a - c_d, c = labelled / predicted positives."""
    a, d = _sides(inputs, "DCO: ", "Negated Facet set is empty")
    return _difference(
        divide(a.positives, a.predicted_positives), divide(d.positives, d.predicted_positives)
    )


def DCR(inputs: BiasInputs) -> float:
    """Difference in Conditional Rejection (DCR): r_d - r_a, r = labelled / predicted negatives."""
    a, d = _sides(inputs, "DCO: ")
    r_a = divide(a.tn + a.fp, a.tn + a.fn)
    r_d = divide(d.tn + d.fp, d.tn + d.fn)
    return _difference(r_d, r_a)


def RD(inputs: BiasInputs) -> float:
    """Recall Difference (RD): recall_a - recall_d."""
    a, d = _sides(inputs, "DLA: ")
    return _difference(divide(a.tp, a.tp + a.fn), divide(d.tp, d.tp + d.fn))


def SD(inputs: BiasInputs) -> float:
    """Specificity Difference (SD): specificity_d - specificity_a."""
    a, d = _sides(inputs, "DLA: ")
    return _difference(divide(d.tn, d.tn + d.fp), divide(a.tn, a.tn + a.fp))


def DAR(inputs: BiasInputs) -> float:
    """Difference in Acceptance Rates (DAR): precision_a - precision_d."""
    a, d = _sides(inputs, "DLR: ")
    return _difference(divide(a.tp, a.tp + a.fp), divide(d.tp, d.tp + d.fp))


def DRR(inputs: BiasInputs) -> float:
    """Difference in Rejection Rates (DRR): TN_d/(TN_d+FN_d) - TN_a/(TN_a+FN_a)."""
    a, d = _sides(inputs, "DLR: ")
    return _difference(divide(d.tn, d.tn + d.fn), divide(a.tn, a.tn + a.fn))


def AD(inputs: BiasInputs) -> float:
    """Accuracy Difference (AD): accuracy_a - accuracy_d."""
    a, d = _sides(inputs, "")
    return _difference(divide(a.tp + a.tn, a.n), divide(d.tp + d.tn, d.n))


def TE(inputs: BiasInputs) -> float:
    """Treatment Equality (TE): FN_d/FP_d - FN_a/FP_a."""
    a, d = _sides(inputs, "")
    tau_a, tau_d = divide(a.fn, a.fp), divide(d.fn, d.fp)
    if tau_a == tau_d == INFINITY:
        return 0.0
    return tau_d - tau_a


def CDDPL(inputs: BiasInputs) -> float:
    """Conditional Demographic Disparity in Predicted Labels (CDDPL)."""
    return CDD(inputs.facet, _predicted(inputs), inputs.groups)


def GE(inputs: BiasInputs) -> float:
    """Generalized Entropy (GE) with alpha = 2 of the benefit b = y^ - y + 1.

    Facet-independent: the same value appears under every facet.
    """
    _predicted(inputs)
    a, d = inputs.a, inputs.d
    total = a.n + d.n
    if total == 0:
        raise MetricError("dataset must be non-empty")
    zero = a.fn + d.fn  # b = 0: missed positives
    two = a.fp + d.fp  # b = 2: false alarms
    one = total - zero - two
    mean = (one + 2 * two) / total
    if mean == 0:
        raise MetricError(
            "All predicted labels are false negatives. "
            "There should be at least one prediction that is not false negative."
        )
    summed = zero * -1.0 + one * ((1 / mean) ** 2 - 1) + two * ((2 / mean) ** 2 - 1)
    return summed / (total * 2 * (2 - 1))


def FT(inputs: BiasInputs) -> float:
    """Flip Test (FT): (flips to positive - flips to negative) / n_d, by kNN on the advantaged."""
    predicted = _predicted(inputs)
    if inputs.d.n == 0:
        raise MetricError("Facet set is empty")
    if inputs.a.n == 0:
        raise MetricError("Negated Facet set is empty")
    if isinstance(inputs.features, str):
        raise MetricError(inputs.features)
    if inputs.features is None:
        raise MetricError("FlipTest needs the feature columns of the dataset")
    if not np.isfinite(inputs.features).all():
        raise MetricError("Input X contains NaN or infinity.")  # scikit-learn refuses them too
    return flip_test(inputs.features, inputs.facet, predicted)
