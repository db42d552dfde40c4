"""Java's ``Double.toString`` for the numbers quoted in violation descriptions.

The analyzer is a JVM program, so ``constraint_violations.json`` prints doubles the Java way:
plain notation with at least one decimal for 1e-3 <= |x| < 1e7 (``0.1``, ``123.0``), computerized
scientific notation otherwise (``5.092682820403929E-4``, ``1.0E7``), and ``NaN`` /
``Infinity``. Digits are the shortest that round-trip, as Python's ``repr`` and JDK 19+ give
(older JDKs occasionally printed one more digit). ``json_number`` is the same double as
Jackson writes it into JSON files (NaN and infinities as strings).
"""

from __future__ import annotations

import math
from decimal import Decimal

__all__ = ["format_java_double", "json_number"]


def format_java_double(value: float) -> str:
    """``Double.toString(value)``.

    >>> [format_java_double(v) for v in (0.1, 123.0, 1.0e7, 5.092682820403929e-4)]
    ['0.1', '123.0', '1.0E7', '5.092682820403929E-4']
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if 1e-3 <= abs(value) < 1e7:
        text = repr(float(value))
        return text if "." in text else text + ".0"
    sign, digit_tuple, exponent = Decimal(repr(abs(float(value)))).normalize().as_tuple()
    digits = "".join(str(d) for d in digit_tuple)
    power = len(digits) - 1 + int(exponent)
    mantissa = f"{digits[0]}.{digits[1:] or '0'}"
    return f"{'-' if value < 0 else ''}{mantissa}E{power}"


def json_number(value: float) -> float | str:
    """A double for JSON: finite as is, NaN and infinities as Jackson's strings."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value
