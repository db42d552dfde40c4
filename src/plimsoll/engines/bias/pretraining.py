"""Pre-training bias metrics, as smclarify 0.5 computes them (spec clarify.md §2.2).

Every function takes ``BiasInputs`` and returns a float, or raises ``MetricError`` with
smclarify's own message so that ``analysis.json`` carries the same ``error`` text.
The KL family compares the distributions of the *binarised* label in a and d, keeping only the
outcomes with non-zero probability in both groups and not renormalising (so KL can be negative
when one group is all-positive).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from plimsoll.engines.bias.inputs import BiasInputs, MetricError, divide

__all__ = ["CDD", "CDDL", "CI", "DPL", "JS", "KL", "KS", "LP", "TVD", "difference_in_proportions"]


def CI(inputs: BiasInputs) -> float:
    """Class Imbalance (CI): (n_a - n_d) / (n_a + n_d)."""
    n_a, n_d = inputs.a.n, inputs.d.n
    if n_a == 0:
        raise MetricError(
            "CI: negated facet set is empty. Check that x[~facet] has non-zero length."
        )
    if n_d == 0:
        raise MetricError("CI: facet set is empty. Check that x[facet] has non-zero length.")
    return float(n_a - n_d) / (n_a + n_d)


def difference_in_proportions(n_a: int, pos_a: int, n_d: int, pos_d: int) -> float:
    """q_a - q_d with smclarify's empty-group messages (shared by DPL and DPPL)."""
    if n_a == 0:
        raise MetricError("Negative facet set is empty.")
    if n_d == 0:
        raise MetricError("Facet set is empty.")
    return pos_a / n_a - pos_d / n_d


def DPL(inputs: BiasInputs) -> float:
    """Difference in Positive Proportions in Labels (DPL): q_a - q_d."""
    a, d = inputs.a, inputs.d
    return difference_in_proportions(a.n, a.positives, d.n, d.positives)


def _aligned(inputs: BiasInputs) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """P_a and P_d over outcomes (False, True) that are non-zero in both groups."""
    a, d = inputs.a, inputs.d
    pa = [(a.n - a.positives) / a.n, a.positives / a.n] if a.n else [0.0, 0.0]
    pd_ = [(d.n - d.positives) / d.n, d.positives / d.n] if d.n else [0.0, 0.0]
    keep = [k for k in (0, 1) if pa[k] != 0 and pd_[k] != 0]
    if not keep:
        raise MetricError("No instance of common facet found, dataset may be too small")
    return np.array([pa[k] for k in keep]), np.array([pd_[k] for k in keep])


def KL(inputs: BiasInputs) -> float:
    """Kullback-Liebler Divergence (KL): sum P_a ln(P_a / P_d)."""
    pa, pd_ = _aligned(inputs)
    return float(np.sum(pa * np.log(pa / pd_)))


def JS(inputs: BiasInputs) -> float:
    """Jensen-Shannon Divergence (JS): half the KL of each side to their mean."""
    pa, pd_ = _aligned(inputs)
    mean = 1 / 2 * (pa + pd_)
    return float(0.5 * (np.sum(pa * np.log(pa / mean)) + np.sum(pd_ * np.log(pd_ / mean))))


def LP(inputs: BiasInputs) -> float:
    """L-p Norm (LP): the Euclidean norm of P_a - P_d."""
    pa, pd_ = _aligned(inputs)
    return float(np.linalg.norm(pa - pd_, 2))


def TVD(inputs: BiasInputs) -> float:
    """Total Variation Distance (TVD): half the L1 norm of P_a - P_d."""
    pa, pd_ = _aligned(inputs)
    return float(0.5 * np.linalg.norm(pa - pd_, 1))


def KS(inputs: BiasInputs) -> float:
    """Kolmogorov-Smirnov Distance (KS): the largest |P_a - P_d|."""
    pa, pd_ = _aligned(inputs)
    return float(np.linalg.norm(pa - pd_, np.inf))


def CDD(facet: npt.NDArray[np.bool_], outcome: npt.NDArray[np.bool_], groups: object) -> float:
    """Conditional demographic disparity of ``outcome`` across the group variable codes.

    For each group i: D_i - A_i, the facet's share of negatives minus its share of positives
    (each 0 when its denominator is 0), weighted by group size. The facet may be empty.
    """
    if groups is None:
        raise MetricError("Group variable is empty or not provided")
    codes = np.asarray(groups)
    if codes.size == 0:
        raise MetricError("Group variable is empty or not provided")
    positives = int(np.count_nonzero(outcome))
    if positives == 0:
        raise MetricError("No positive labels in set")
    if positives == outcome.size:
        raise MetricError("No negative labels in set")
    bins = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=bins).astype(np.float64)
    pos = np.bincount(codes, weights=outcome, minlength=bins)
    neg = counts - pos
    pos_d = np.bincount(codes, weights=outcome & facet, minlength=bins)
    neg_d = np.bincount(codes, weights=~outcome & facet, minlength=bins)
    with np.errstate(divide="ignore", invalid="ignore"):
        accepted = np.where(pos != 0, pos_d / np.where(pos != 0, pos, 1), 0.0)
        rejected = np.where(neg != 0, neg_d / np.where(neg != 0, neg, 1), 0.0)
    present = counts > 0
    disparity = (rejected - accepted)[present]
    return divide(float(np.sum(counts[present] * disparity)), float(np.sum(counts[present])))


def CDDL(inputs: BiasInputs) -> float:
    """Conditional Demographic Disparity in Labels (CDDL)."""
    return CDD(inputs.facet, inputs.label, inputs.groups)
