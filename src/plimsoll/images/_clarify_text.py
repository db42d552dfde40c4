"""The Clarify image's text explainability: Kernel SHAP over units of text (spec §3.2-§3.4).

With ``methods.shap.text_config`` every string-valued feature column is a text feature (an
assumption: the container's own rule is not visible). Its value is cut into units by
``granularity``, and each unit is one player of the Shapley game; every other feature column
is one player too, so M = non-text features + text units (spec §3.1). A coalition keeps a
unit or replaces it by the text column's value in the baseline row (the replacement string,
e.g. ``"<UNK>"``; ``""`` when no baseline is given, which drops the unit, as AWS's NLP page
says), then the text is re-joined with its original separators and sent to the model.

Units (:func:`segment`), language-independent rules kept deliberately simple:

* ``token``: a run of word characters (letters, digits, ``_``), or one punctuation mark; a
  CJK ideograph or kana is a token by itself, since those scripts have no spaces;
* ``sentence``: text up to and including ``.``, ``!``, ``?`` or ``…`` (with closing quotes
  or brackets) followed by whitespace or the end, or up to ``。！？``;
* ``paragraph``: text between blank lines.

``language`` is validated by the config parser (the SDK's 62 languages) but not used: the
container picks a tokenizer by language (spec §3.3); this image has no per-language ones.

Each record is its own game (its M differs), solved by the engine's ``kernel_shap`` on a
code matrix (record row ``1..M``, baseline row ``b`` all ``-(b+1)``, or the record's code
where it equals the baseline so that player gets 0) that :class:`_Game` decodes into feature
rows; all perturbed rows of one record go to the model in one batched call.

Outputs: ``explanations.kernel_shap.<label>`` holds ``global_shap_values`` (non-text features
only, aggregated by ``agg_method``), ``expected_value`` (mean over records of the prediction
with every player at the baseline, link space) and ``global_top_shap_text`` ({text feature:
{unit: aggregated value}}, the ``max_top_tokens`` (default 50) units with the largest
magnitude). The spec names no local file for text (units differ per record, so ``out.csv``
cannot hold them): each record is one line of ``explanations_shap/out.jsonl``, in the layout
of Clarify's online (endpoint) explanations, an assumption: ``{"explanations":
[{"feature_name", "data_type", "attributions": [{"attribution": [one value per label],
"description": {"partial_text", "start_idx"}}]}]}`` (``description`` for text units only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from plimsoll.compat.clarify_analysis_config import ShapMethod
from plimsoll.engines.shap import (
    KernelShapConfig,
    aggregate_shap,
    kernel_shap,
    label_names,
    resolve_baseline,
)
from plimsoll.errors import ValidationError

__all__ = ["DEFAULT_MAX_TOP_TOKENS", "TextExplanation", "explain_text", "segment"]

DEFAULT_MAX_TOP_TOKENS = 50
Span = tuple[int, int]
Predict = Callable[[np.ndarray], NDArray[np.float64]]

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|[^\w\s]")
_SENTENCE = re.compile(r"\S.*?(?:[.!?…]+[\"'”’)\]]*(?=\s|\Z)|[。！？]+|\Z)", re.S)
_PARAGRAPH = re.compile(r"\S.*?(?=\n[ \t]*\n|\Z)", re.S)
_PATTERNS = {"token": _TOKEN, "sentence": _SENTENCE, "paragraph": _PARAGRAPH}


def segment(text: str, granularity: str) -> list[Span]:
    """The ``(start, end)`` character spans of ``text``'s units, in order.

    >>> t = "Good film. Bad end!"
    >>> [t[a:b] for a, b in segment(t, "token")]
    ['Good', 'film', '.', 'Bad', 'end', '!']
    >>> [t[a:b] for a, b in segment(t, "sentence")]
    ['Good film.', 'Bad end!']
    """
    pattern = _PATTERNS.get(granularity)
    if pattern is None:
        raise ValidationError(f"text granularity must be one of {list(_PATTERNS)}")
    spans = []
    for match in pattern.finditer(text):
        start, end = match.start(), match.start() + len(match.group().rstrip())
        if end > start:
            spans.append((start, end))
    return spans


def _rejoin(text: str, spans: Sequence[Span], replaced: Sequence[str | None]) -> str:
    """``text`` with unit i replaced by ``replaced[i]`` (``None`` keeps it)."""
    out, cursor = [], 0
    for (start, end), new in zip(spans, replaced, strict=True):
        out.append(text[cursor:start])
        out.append(text[start:end] if new is None else new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Player:
    column: int
    span: Span | None  # None: the whole (non-text) feature


@dataclass(frozen=True, slots=True)
class _Game:
    """One record's players, and the decoding of code rows into feature rows."""

    record: np.ndarray
    baseline: np.ndarray
    players: list[_Player]
    spans: dict[int, list[Span]]

    def codes(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Record and baseline code rows; one dummy non-varying code when M = 0."""
        m = len(self.players)
        if m == 0:
            return np.ones((1, 1)), np.ones((len(self.baseline), 1))
        x = np.arange(1, m + 1, dtype=np.float64)
        base = np.repeat(-np.arange(1, len(self.baseline) + 1, dtype=np.float64)[:, None], m, 1)
        for j, p in enumerate(self.players):
            for b, row in enumerate(self.baseline):
                value = self.record[p.column] if p.span is None else self.unit(p)
                if value == row[p.column]:
                    base[b, j] = x[j]
        return x[None, :], base

    def unit(self, player: _Player) -> str:
        assert player.span is not None
        return str(self.record[player.column])[player.span[0] : player.span[1]]

    def decode(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty((rows.shape[0], self.record.shape[0]), dtype=object)
        for r, codes in enumerate(rows):
            source = [-int(c) - 1 if c < 0 else None for c in codes]
            row = list(self.record)
            for column, spans in self.spans.items():
                if not spans:
                    continue
                first = next(j for j, p in enumerate(self.players) if p.column == column)
                picks = source[first : first + len(spans)]
                row[column] = _rejoin(
                    str(self.record[column]), spans,
                    [None if b is None else str(self.baseline[b][column]) for b in picks],
                )  # fmt: skip
            for j, p in enumerate(self.players):
                b = source[j]
                if p.span is None and b is not None:
                    row[p.column] = self.baseline[b][p.column]
            out[r] = row
        return out


def _is_text(column: np.ndarray) -> bool:
    found = [v for v in column if v is not None]
    return column.dtype == object and bool(found) and all(isinstance(v, str) for v in found)


def _baseline_rows(shap: ShapMethod, data: np.ndarray, text: list[bool]) -> np.ndarray:
    """Baseline rows over every feature column; text cells are replacement strings."""
    width = data.shape[1]
    if shap.baseline is None:
        other = [c for c in range(width) if not text[c]]
        found = np.zeros((1, 0))
        if other:
            numeric = data[:, other].astype(np.float64)
            found = resolve_baseline(numeric, num_clusters=shap.num_clusters, seed=shap.seed or 0)
        rows = np.full((found.shape[0], width), "", dtype=object)
        rows[:, other] = found
        return rows
    if shap.num_clusters is not None:
        raise ValidationError("give either shap baseline or num_clusters, not both")
    if isinstance(shap.baseline, (str, dict)):
        raise ValidationError(
            "shap baseline as an S3 URI or an object is not supported yet; give rows inline"
        )
    rows_in = [r.get("features") if isinstance(r, dict) else r for r in shap.baseline]
    if any(not isinstance(r, list) or len(r) != width for r in rows_in):
        raise ValidationError(f"shap baseline rows must hold {width} feature values")
    table = np.asarray(rows_in, dtype=object).reshape(len(rows_in), width)
    for c in np.flatnonzero(text):
        if not all(isinstance(v, str) for v in table[:, c]):
            raise ValidationError(f"the baseline of text column {c} must be a string, e.g. <UNK>")
    return table


@dataclass(frozen=True, slots=True, kw_only=True)
class TextExplanation:
    """``explanations.kernel_shap`` for text, and the local records of ``out.jsonl``."""

    section: dict[str, dict[str, Any]]
    local: list[dict[str, Any]] = field(default_factory=list)

    def to_jsonl(self) -> str:
        return "".join(json.dumps(record) + "\n" for record in self.local)


def explain_text(
    shap: ShapMethod,
    data: np.ndarray,
    names: Sequence[str],
    predict: Predict,
    *,
    label_headers: Sequence[str] | None = None,
    ids: Sequence[Any] | None = None,
    id_column: str | None = None,
) -> TextExplanation:
    """Kernel SHAP with text units as features, one game per record of ``data``."""
    assert shap.text_config is not None
    if shap.features_to_explain is not None:
        raise ValidationError("features_to_explain cannot be combined with text_config")
    granularity = shap.text_config.granularity
    table = np.array(data, dtype=object)
    text = [_is_text(table[:, c]) for c in range(table.shape[1])]
    for c in np.flatnonzero(text):
        table[:, c] = ["" if v is None else v for v in table[:, c]]
    if not any(text):
        raise ValidationError(f"text_config is set but no feature column holds text ({names})")
    baseline = _baseline_rows(shap, data, text)
    logit, seed = bool(shap.use_logit), shap.seed
    settings = KernelShapConfig(num_samples=shap.num_samples, use_logit=logit, seed=seed)
    local: list[tuple[_Game, NDArray[np.float64]]] = []
    base_values = []
    for record in table:
        spans = {c: segment(record[c], granularity) for c in range(len(text)) if text[c]}
        players = [
            p for c in range(len(text))
            for p in ([_Player(c, s) for s in spans[c]] if text[c] else [_Player(c, None)])
        ]  # fmt: skip
        game = _Game(record, baseline, players, spans)
        phi, base_value = _explain_record(game, predict, settings)
        local.append((game, phi))
        base_values.append(base_value)
    n_out = len(base_values[0])
    headers = None if label_headers is None or len(label_headers) != n_out else label_headers
    labels = label_names(n_out, headers)
    expected = np.mean(base_values, axis=0)
    section = _section(shap, local, names, text, labels, expected)
    records = [_local_record(g, phi, names) for g, phi in local]
    if ids is not None and id_column is not None:
        records = [{id_column: i, **r} for i, r in zip(ids, records, strict=True)]
    return TextExplanation(section=section, local=records)


def _explain_record(
    game: _Game, predict: Predict, settings: KernelShapConfig
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """phi ``(M, outputs)`` and the all-baseline value (link space) of one record."""
    x, base = game.codes()
    result = kernel_shap(lambda rows: predict(game.decode(rows)), x, base, settings)
    return result.shap_values[0, : len(game.players)], result.base_values[0]


def _section(
    shap: ShapMethod, local: list[tuple[_Game, NDArray[np.float64]]], names: Sequence[str],
    text: list[bool], labels: list[str], expected: NDArray[np.float64],
) -> dict[str, dict[str, Any]]:  # fmt: skip
    assert shap.text_config is not None
    top = shap.text_config.max_top_tokens or DEFAULT_MAX_TOP_TOKENS

    def agg(values: list[float]) -> float:
        return float(aggregate_shap(np.asarray(values), shap.agg_method or "mean_abs"))

    out: dict[str, dict[str, Any]] = {}
    for k, label in enumerate(labels):
        tabular: dict[str, list[float]] = {}
        units: dict[str, dict[str, list[float]]] = {names[c]: {} for c, t in enumerate(text) if t}
        for game, phi in local:
            for j, p in enumerate(game.players):
                key = names[p.column] if p.span is None else game.unit(p)
                into = tabular if p.span is None else units[names[p.column]]
                into.setdefault(key, []).append(float(phi[j, k]))
        ranked = {f: sorted(((u, agg(v)) for u, v in found.items()),
                            key=lambda kv: (-abs(kv[1]), kv[0]))[:top]
                  for f, found in units.items()}  # fmt: skip
        out[label] = {
            "global_shap_values": {f: agg(v) for f, v in tabular.items()},
            "expected_value": float(expected[k]),
            "global_top_shap_text": {f: dict(best) for f, best in ranked.items()},
        }
    return out


def _local_record(game: _Game, phi: NDArray[np.float64], names: Sequence[str]) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    for column, value in enumerate(game.record):
        numeric = isinstance(value, (int, float, np.number))
        kind = "free_text" if column in game.spans else "numerical" if numeric else "categorical"
        items = [
            {"attribution": [float(v) for v in phi[j]]}
            | ({} if p.span is None else {"description": {"partial_text": game.unit(p),
                                                          "start_idx": p.span[0]}})
            for j, p in enumerate(game.players) if p.column == column
        ]  # fmt: skip
        features.append({"feature_name": names[column], "data_type": kind, "attributions": items})
    return {"explanations": features}
