"""Per-column profile state: Deequ type inference, completeness, moments, KLL and strings.

Decisions (SageMaker/Deequ behaviour we cannot see is documented here):

* Missing = null or the empty string (Spark reads an empty CSV cell as null). NaN in a
  typed float column is missing too (Deequ would read the string ``"NaN"`` as a String).
* Types follow Deequ 2.0.2 ``DataType``: anchored regexes on the string form; typed Arrow
  integer columns are Integral, floating columns Fractional, booleans Boolean.
* Numeric moments are merged with Chan's parallel algorithm (count, mean, M2), so
  ``std_dev`` is the population standard deviation as SageMaker reports it.
* Quantiles use ``datasketches.kll_doubles_sketch`` with k=2048 (Deequ's sketch size). Its
  compaction differs from Deequ's ``QuantileNonSample``, so compacted levels differ.
* Strings: exact value counts while the union of distinct values is at most
  ``STRING_VALUE_CAP``; beyond it the counts are dropped (``overflowed``) and the distinct
  count comes from an HLL sketch (lg_k 12, about 1.6 % relative error). Overflow depends only
  on the union of values, so merging stays associative.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass, replace
from enum import StrEnum

import datasketches
import pyarrow as pa
import pyarrow.compute as pc

logger = logging.getLogger(__name__)

__all__ = [
    "KLL_K",
    "STRING_VALUE_CAP",
    "ColumnState",
    "InferredType",
    "NumericState",
    "StringState",
    "column_state",
    "merge_columns",
]

KLL_K = 2048
HLL_LG_K = 12
STRING_VALUE_CAP = 1000

_FRACTIONAL = r"^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$"
_INTEGRAL = r"^(-|\+)? ?\d+$"
_BOOLEAN = r"^(true|false)$"
_STATE_VERSION = 1


class InferredType(StrEnum):
    """The ``inferred_type`` values SageMaker writes."""

    INTEGRAL = "Integral"
    FRACTIONAL = "Fractional"
    STRING = "String"
    UNKNOWN = "Unknown"


def _empty_kll() -> bytes:
    return bytes(datasketches.kll_doubles_sketch(KLL_K).serialize())


def _empty_hll() -> bytes:
    return bytes(datasketches.hll_sketch(HLL_LG_K).serialize_compact())


@dataclass(frozen=True, slots=True, kw_only=True)
class NumericState:
    """Mergeable moments and quantile sketch of the values that parse as numbers."""

    count: int = 0
    total: float = 0.0
    mean: float = 0.0
    m2: float = 0.0
    minimum: float = float("inf")
    maximum: float = float("-inf")
    kll: bytes = b""

    def sketch(self) -> datasketches.kll_doubles_sketch:
        """The KLL sketch (a fresh object; mutating it does not change the state)."""
        if not self.kll:
            return datasketches.kll_doubles_sketch(KLL_K)
        return datasketches.kll_doubles_sketch.deserialize(self.kll)

    def to_bytes(self) -> bytes:
        """Versioned serialization: header (version, count, moments, bounds) then KLL bytes."""
        head = struct.pack(
            "<Bqddddd",
            _STATE_VERSION,
            self.count,
            self.total,
            self.mean,
            self.m2,
            self.minimum,
            self.maximum,
        )
        return head + self.kll

    @classmethod
    def from_bytes(cls, raw: bytes) -> NumericState:
        """Inverse of :meth:`to_bytes`; raises ``ValueError`` on an unknown version."""
        size = struct.calcsize("<Bqddddd")
        version, count, total, mean, m2, lo, hi = struct.unpack("<Bqddddd", raw[:size])
        if version != _STATE_VERSION:
            raise ValueError(f"unsupported numeric state version {version}")
        return cls(
            count=count,
            total=total,
            mean=mean,
            m2=m2,
            minimum=lo,
            maximum=hi,
            kll=bytes(raw[size:]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StringState:
    """Distinct-count sketch plus exact value counts (until the cap overflows)."""

    hll: bytes = b""
    counts: tuple[tuple[str, int], ...] = ()
    overflowed: bool = False

    def to_bytes(self) -> bytes:
        """Versioned serialization: version, flag, counts, then HLL bytes."""
        parts = [struct.pack("<B?I", _STATE_VERSION, self.overflowed, len(self.counts))]
        for value, count in self.counts:
            encoded = value.encode("utf-8")
            parts.append(struct.pack("<Iq", len(encoded), count) + encoded)
        parts.append(self.hll)
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, raw: bytes) -> StringState:
        """Inverse of :meth:`to_bytes`; raises ``ValueError`` on an unknown version."""
        version, overflowed, n = struct.unpack_from("<B?I", raw, 0)
        if version != _STATE_VERSION:
            raise ValueError(f"unsupported string state version {version}")
        pos = struct.calcsize("<B?I")
        counts = []
        for _ in range(n):
            length, count = struct.unpack_from("<Iq", raw, pos)
            pos += struct.calcsize("<Iq")
            counts.append((raw[pos : pos + length].decode("utf-8"), count))
            pos += length
        return cls(hll=bytes(raw[pos:]), counts=tuple(counts), overflowed=overflowed)


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnState:
    """Everything one column contributes to a profile; merge with :func:`merge_columns`."""

    name: str
    missing: int = 0
    integral: int = 0
    fractional: int = 0
    boolean: int = 0
    string: int = 0
    numeric: NumericState = NumericState()
    strings: StringState | None = None

    @property
    def present(self) -> int:
        """Number of non-missing values."""
        return self.integral + self.fractional + self.boolean + self.string

    @property
    def inferred_type(self) -> InferredType:
        """Deequ's column type; Boolean (absent from SageMaker's schema) reports as String."""
        if self.present == 0:
            return InferredType.UNKNOWN
        if self.string or self.boolean:
            return InferredType.STRING
        if self.fractional:
            return InferredType.FRACTIONAL
        return InferredType.INTEGRAL


def _numeric_from(values: pa.Array) -> NumericState:
    """Moments and sketch of a float64 array without nulls."""
    n = len(values)
    if n == 0:
        return NumericState()
    # nanobind wants a writable float64 ndarray; Arrow hands out read-only views.
    array = values.to_numpy(zero_copy_only=False).astype("float64", copy=True)
    total = float(array.sum())
    mean = total / n
    centred = array - mean
    sketch = datasketches.kll_doubles_sketch(KLL_K)
    sketch.update(array)
    return NumericState(
        count=n,
        total=total,
        mean=mean,
        m2=float(centred @ centred),
        minimum=float(array.min()),
        maximum=float(array.max()),
        kll=bytes(sketch.serialize()),
    )


def _strings_from(values: pa.Array, *, numbers: pa.Array | None) -> StringState:
    """Value counts and HLL of a string array without nulls.

    Distinct values are found first (one hash pass): above the cap only they feed the HLL,
    and the per-value counts, which would be dropped, are never built. A block whose values
    are all numbers with more distinct values than the cap gets no HLL at all: its column
    can only report a distinct count if other blocks make it a String column, and then
    those numbers are left out of that (approximate) count (docs/compat.md).

    Args:
        values: The non-empty strings.
        numbers: Their float64 values when every one is a number, else None.
    """
    if numbers is not None and len(pc.unique(numbers)) > STRING_VALUE_CAP:
        # Every value is a number: more distinct numbers means more distinct strings, and
        # hashing doubles is four times cheaper than hashing their text.
        return StringState(overflowed=True)
    hll = datasketches.hll_sketch(HLL_LG_K)
    distinct = pc.unique(values)
    if len(distinct) > STRING_VALUE_CAP:
        if numbers is not None:
            return StringState(overflowed=True)
        for value in distinct.to_pylist():
            hll.update(value)
        return StringState(hll=bytes(hll.serialize_compact()), overflowed=True)
    counted = pc.value_counts(values)
    pairs = [
        (str(v), int(c))
        for v, c in zip(
            counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True
        )
    ]
    for value, _ in pairs:
        hll.update(value)
    return StringState(hll=bytes(hll.serialize_compact()), counts=tuple(sorted(pairs)))


def _typed_counts(values: pa.Array) -> tuple[int, int, int, pa.Array]:
    """``(integral, fractional, boolean, numbers as float64)`` of non-empty strings.

    Each pattern runs only on what the previous ones left (the sets are disjoint), so an
    all-integer column takes one regex pass; the rare ``"+ 3"`` / ``" 3"`` forms are
    normalised only when present.
    """
    is_int = pc.match_substring_regex(values, _INTEGRAL)
    rest = values.filter(pc.invert(is_int))
    is_frac = pc.match_substring_regex(rest, _FRACTIONAL)
    others = rest.filter(pc.invert(is_frac))
    n_bool = (
        int(pc.sum(pc.match_substring_regex(others, _BOOLEAN)).as_py() or 0) if len(others) else 0
    )
    numeric = pa.concat_arrays([values.filter(is_int), rest.filter(is_frac)])
    spaced = pc.or_(
        pc.starts_with(numeric, " "),
        pc.or_(pc.starts_with(numeric, "- "), pc.starts_with(numeric, "+ ")),
    )
    if pc.any(spaced).as_py():
        # Deequ's patterns allow one space after an optional sign; float parsing does not.
        numeric = pc.replace_substring_regex(numeric, r"^([-+]?) ", r"\1")
    n_int = int(pc.sum(is_int).as_py() or 0)
    n_frac = len(numeric) - n_int
    return n_int, n_frac, n_bool, pc.cast(numeric, pa.float64())


def column_state(name: str, column: pa.Array | pa.ChunkedArray) -> ColumnState:
    """Profiles one Arrow column (string or typed) into a :class:`ColumnState`."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        floats = pc.cast(column, pa.float64())
        valid = pc.and_(pc.is_valid(floats), pc.invert(pc.is_nan(floats)))
        values = floats.filter(pc.fill_null(valid, False))
        n = len(values)
        integral = n if pa.types.is_integer(kind) else 0
        return ColumnState(
            name=name,
            missing=len(column) - n,
            integral=integral,
            fractional=n - integral,
            numeric=_numeric_from(values),
        )
    if pa.types.is_null(kind):
        return ColumnState(name=name, missing=len(column))
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        column = pc.cast(column, pa.string())
    # Spark's CSV reader yields null for an empty cell; values are not trimmed (Deequ).
    present = pc.fill_null(pc.not_equal(column, ""), False)
    values = column.filter(present)
    n_int, n_frac, n_bool, numeric = _typed_counts(values)
    return ColumnState(
        name=name,
        missing=len(column) - len(values),
        integral=n_int,
        fractional=n_frac,
        boolean=n_bool,
        string=len(values) - n_int - n_frac - n_bool,
        numeric=_numeric_from(numeric),
        strings=_strings_from(values, numbers=numeric if n_int + n_frac == len(values) else None),
    )


def _merge_numeric(a: NumericState, b: NumericState) -> NumericState:
    if b.count == 0:
        return a
    if a.count == 0:
        return b
    n = a.count + b.count
    delta = b.mean - a.mean
    sketch = a.sketch()
    sketch.merge(b.sketch())
    return NumericState(
        count=n,
        total=a.total + b.total,
        mean=a.mean + delta * b.count / n,
        m2=a.m2 + b.m2 + delta * delta * a.count * b.count / n,
        minimum=min(a.minimum, b.minimum),
        maximum=max(a.maximum, b.maximum),
        kll=bytes(sketch.serialize()),
    )


def _merge_strings(a: StringState | None, b: StringState | None) -> StringState | None:
    if a is None or b is None:
        return a if b is None else b
    union = datasketches.hll_union(HLL_LG_K)
    for state in (a, b):
        if state.hll:
            union.update(datasketches.hll_sketch.deserialize(state.hll))
    hll = bytes(union.get_result().serialize_compact())
    if a.overflowed or b.overflowed:
        return StringState(hll=hll, overflowed=True)
    merged = dict(a.counts)
    for value, count in b.counts:
        merged[value] = merged.get(value, 0) + count
    if len(merged) > STRING_VALUE_CAP:
        return StringState(hll=hll, overflowed=True)
    return StringState(hll=hll, counts=tuple(sorted(merged.items())))


def merge_columns(a: ColumnState, b: ColumnState) -> ColumnState:
    """Associative merge of two states of the same column."""
    return replace(
        a,
        missing=a.missing + b.missing,
        integral=a.integral + b.integral,
        fractional=a.fractional + b.fractional,
        boolean=a.boolean + b.boolean,
        string=a.string + b.string,
        numeric=_merge_numeric(a.numeric, b.numeric),
        strings=_merge_strings(a.strings, b.strings),
    )
