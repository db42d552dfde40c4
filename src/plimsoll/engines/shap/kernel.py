"""Kernel SHAP as Clarify runs it (spec §3.1), vectorised over records and coalitions.

The game is interventional: coalition S keeps the record's values for the features in S and
takes each baseline row's values for the others, and v(S) is the mean model output over the
baseline rows. Attributions come from the Shapley-kernel weighted least squares with the
constraint ``sum(phi) = link(f(x)) - link(E f(baseline))``; the last feature is eliminated
through the constraint, as shap does, so the constraint holds to rounding.

Speed comes from the shape of the work, not from tricks in the maths: one coalition set per
job (see :mod:`.coalitions`), every perturbed row of ``batch_size`` records built with one
``np.where`` and sent to the model in ONE call, and one multi-right-hand-side least-squares
solve per group of records that share the same varying features. ``predict`` is any callable
``rows -> outputs``; the Clarify image wraps an endpoint in it.

Assumptions recorded here (spec §7): features outside ``features_to_explain`` stay at the
record's value in every coalition and in the "empty" coalition too, so their effect is not
attributed and ``base_values`` (per record) may differ from ``expected_value`` (global);
features whose value equals the baseline in every baseline row get exactly 0 (shap's rule).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from plimsoll.engines.shap.coalitions import Coalitions, default_num_samples, sample_coalitions
from plimsoll.errors import EngineError

__all__ = ["KernelShapConfig", "PredictFn", "ShapResult", "kernel_shap"]

PredictFn = Callable[[np.ndarray], np.ndarray]
FloatArray = NDArray[np.float64]

# Upper bound on cells (rows x features) per model call when batch_size is not given.
_AUTO_CELLS_PER_CALL = 2**23
_LOGIT_EPS = 1e-12


@dataclass(frozen=True, slots=True, kw_only=True)
class KernelShapConfig:
    """Engine form of Clarify's ``SHAPConfig`` (minus the baseline, given separately).

    ``num_samples=None`` means the spec's default ``min(2M + 2048, 2^M - 2)``.
    ``batch_size`` is the number of records whose perturbed rows go into one model call;
    ``None`` picks the largest batch under about 8M cells per call.
    ``features_to_explain`` holds column indices of the instance rows.
    """

    num_samples: int | None = None
    use_logit: bool = False
    seed: int | None = None
    features_to_explain: Sequence[int] | None = None
    batch_size: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ShapResult:
    """Local attributions, all in link space (log-odds under ``use_logit``).

    ``shap_values[i, j, k]``: record i, explained feature j (column ``feature_indices[j]``),
    model output k. ``shap_values[i].sum(0) + base_values[i] == predictions[i]``.
    ``expected_value[k]`` = link(mean over baseline rows of output k).
    ``scalar_output`` is True when the model returned a 1-D array (one output).
    """

    shap_values: FloatArray
    expected_value: FloatArray
    base_values: FloatArray
    predictions: FloatArray
    feature_indices: tuple[int, ...]
    num_coalitions: int
    exact: bool
    scalar_output: bool


def kernel_shap(
    predict: PredictFn,
    instances: np.ndarray,
    baseline: np.ndarray,
    config: KernelShapConfig | None = None,
) -> ShapResult:
    """Explain ``instances`` (rows x features) against ``baseline`` rows with Kernel SHAP.

    Example::

        >>> import numpy as np
        >>> w = np.array([1.0, -2.0, 0.5])
        >>> res = kernel_shap(lambda rows: rows @ w, np.ones((2, 3)), np.zeros((1, 3)))
        >>> res.shap_values[0, :, 0].round(6).tolist()
        [1.0, -2.0, 0.5]
    """
    config = config or KernelShapConfig()
    x = _as_rows(instances, "instances")
    base = _as_rows(baseline, "baseline")
    if x.shape[1] == 0:
        raise EngineError("the records to explain have no feature columns")
    if base.shape[0] == 0:
        raise EngineError("the SHAP baseline has no rows")
    if base.shape[1] != x.shape[1]:
        raise EngineError(
            f"the baseline has {base.shape[1]} columns but the records have {x.shape[1]}"
        )
    explained = _explained_indices(config.features_to_explain, x.shape[1])
    coalitions = _coalitions(len(explained), config)
    model = _Model(predict, config.use_logit)
    f_base = model(base).mean(axis=0)
    expected = model.link(f_base)
    batch = _batch_size(config.batch_size, coalitions, base.shape[0], x.shape[1])
    parts = [
        _explain_batch(model, x[start : start + batch], base, explained, coalitions, f_base)
        for start in range(0, x.shape[0], batch)
    ]
    n_out = expected.shape[0]
    m = len(explained)

    def _cat(i: int, width: tuple[int, ...]) -> FloatArray:
        return np.concatenate([p[i] for p in parts]) if parts else np.zeros((0, *width))

    return ShapResult(
        shap_values=_cat(0, (m, n_out)),
        expected_value=expected,
        base_values=_cat(1, (n_out,)),
        predictions=_cat(2, (n_out,)),
        feature_indices=tuple(explained),
        num_coalitions=int(coalitions.masks.shape[0]),
        exact=coalitions.exact,
        scalar_output=bool(model.scalar_output),
    )


def _as_rows(data: np.ndarray, what: str) -> np.ndarray:
    rows = np.asarray(data)
    if rows.ndim == 1:
        rows = rows[None, :]
    if rows.ndim != 2:
        raise EngineError(f"{what} must be a 2-D table of rows, got {rows.ndim} dimensions")
    return rows


def _explained_indices(features: Sequence[int] | None, width: int) -> list[int]:
    if features is None:
        return list(range(width))
    chosen = [int(i) for i in features]
    bad = [i for i in chosen if not 0 <= i < width]
    if bad or len(set(chosen)) != len(chosen) or not chosen:
        raise EngineError(f"features_to_explain {chosen} is not a set of columns of 0..{width - 1}")
    return sorted(chosen)


def _coalitions(m: int, config: KernelShapConfig) -> Coalitions:
    budget = default_num_samples(m) if config.num_samples is None else config.num_samples
    if budget < 1 and m > 1:
        raise EngineError(f"num_samples must be positive, got {budget}")
    return sample_coalitions(m, budget, config.seed)


def _batch_size(given: int | None, coalitions: Coalitions, n_base: int, width: int) -> int:
    if given is not None:
        if given < 1:
            raise EngineError(f"batch_size must be positive, got {given}")
        return given
    rows_per_record = (coalitions.masks.shape[0] + 1) * n_base + 1
    return max(1, _AUTO_CELLS_PER_CALL // (int(rows_per_record) * max(width, 1)))


class _Model:
    """The caller's predict function with shape checks and the link applied on demand."""

    def __init__(self, predict: PredictFn, use_logit: bool) -> None:
        self._predict = predict
        self._use_logit = use_logit
        self.scalar_output: bool | None = None
        self.n_outputs: int | None = None

    def __call__(self, rows: np.ndarray) -> FloatArray:
        out = np.asarray(self._predict(rows), dtype=np.float64)
        scalar = out.ndim == 1
        if scalar:
            out = out[:, None]
        if out.ndim != 2 or out.shape[0] != rows.shape[0]:
            raise EngineError(
                f"the model returned {out.shape} for {rows.shape[0]} rows; expected one "
                "prediction (or one vector of scores) per row"
            )
        if self.n_outputs is None:
            self.scalar_output, self.n_outputs = scalar, out.shape[1]
        elif out.shape[1] != self.n_outputs:
            raise EngineError(f"the model returned {out.shape[1]} outputs, then {self.n_outputs}")
        if not np.all(np.isfinite(out)):
            raise EngineError("the model returned NaN or infinite predictions")
        if self._use_logit and (out.min() < 0.0 or out.max() > 1.0):
            raise EngineError("use_logit needs model outputs that are probabilities in [0, 1]")
        return out

    def link(self, values: FloatArray) -> FloatArray:
        """Identity, or logit (clipped away from 0 and 1) under ``use_logit``."""
        if not self._use_logit:
            return values
        p = np.clip(values, _LOGIT_EPS, 1.0 - _LOGIT_EPS)
        return np.asarray(np.log(p / (1.0 - p)), dtype=np.float64)


def _explain_batch(
    model: _Model,
    x: np.ndarray,
    base: np.ndarray,
    explained: list[int],
    coalitions: Coalitions,
    f_base: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One model call for the whole batch, then one solve per varying-feature pattern."""
    n, width = x.shape
    n_base = base.shape[0]
    k = coalitions.masks.shape[0]
    keep = np.ones((k, width), dtype=bool)
    keep[:, explained] = coalitions.masks
    pieces = [np.where(keep[None, :, None, :], x[:, None, None, :], base[None, None, :, :])]
    outside = np.ones(width, dtype=bool)
    outside[explained] = False
    subset = bool(outside.any())
    if subset:
        pieces.append(np.where(outside[None, None, :], x[:, None, :], base[None, :, :]))
    pieces.append(x)
    rows = np.concatenate([p.reshape(-1, width) for p in pieces])
    out = model(rows)
    n_out = out.shape[1]
    ey = out[: n * k * n_base].reshape(n, k, n_base, n_out).mean(axis=2)
    fx = out[-n:]
    if subset:
        start = n * k * n_base
        f_empty = out[start : start + n * n_base].reshape(n, n_base, n_out).mean(axis=1)
    else:
        f_empty = np.broadcast_to(f_base, (n, n_out))
    link_empty = model.link(f_empty)
    y = model.link(ey) - link_empty[:, None, :]
    delta = model.link(fx) - link_empty
    varying = (x[:, None, explained] != base[None, :, explained]).any(axis=1)
    phi = _solve_by_pattern(coalitions, y, delta, np.asarray(varying, dtype=bool))
    return phi, link_empty, model.link(fx)


def _solve_by_pattern(
    coalitions: Coalitions, y: FloatArray, delta: FloatArray, varying: NDArray[np.bool_]
) -> FloatArray:
    """phi ``(n, M, O)``; records sharing a varying pattern share one least-squares solve."""
    n, _, n_out = y.shape
    m = varying.shape[1]
    phi = np.zeros((n, m, n_out))
    patterns, inverse = np.unique(varying, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    for g, pattern in enumerate(patterns):
        rec = np.flatnonzero(inverse == g)
        cols = np.flatnonzero(pattern)
        if cols.size == 0:
            continue
        rhs = y[rec].transpose(1, 0, 2).reshape(y.shape[1], rec.size * n_out)
        solved = _constrained_wls(
            coalitions.masks[:, cols].astype(np.float64),
            coalitions.weights,
            rhs,
            delta[rec].reshape(-1),
        )
        phi[rec[:, None], cols[None, :], :] = solved.reshape(cols.size, rec.size, n_out).transpose(
            1, 0, 2
        )
    return phi


def _constrained_wls(
    z: FloatArray, weights: FloatArray, y: FloatArray, delta: FloatArray
) -> FloatArray:
    """Minimise sum_k w_k (y_k - z_k.phi)^2 subject to sum(phi) = delta, per column of y.

    The last feature is eliminated (phi_M = delta - sum of the others), leaving an
    unconstrained least squares in M-1 unknowns, solved by ``lstsq`` on sqrt(w)-scaled rows.
    """
    m = z.shape[1]
    if m == 1:
        return delta[None, :]
    last = z[:, -1:]
    design = z[:, :-1] - last
    target = y - last * delta[None, :]
    root = np.sqrt(weights)[:, None]
    head, *_ = np.linalg.lstsq(design * root, target * root, rcond=None)
    return np.vstack([head, delta[None, :] - head.sum(axis=0, keepdims=True)])
