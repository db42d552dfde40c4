"""The hand-checkable 12-row dataset of spec clarify.md §2.4, shared by the bias tests."""

from __future__ import annotations

import numpy as np

_F = [
    ("yes", "yes", 1, 0.5),
    ("no", "yes", 1, 1.0),
    ("no", "no", 2, 2.0),
    ("yes", "no", 2, 3.5),
    ("no", "no", 2, 4.0),
]
_M = [
    ("yes", "yes", 1, 0.7),
    ("yes", "yes", 1, 1.2),
    ("no", "yes", 2, 2.2),
    ("yes", "no", 2, 3.1),
    ("no", "no", 1, 4.4),
    ("yes", "yes", 2, 5.0),
    ("no", "no", 1, 0.1),
]
ROWS = [("F", *r) for r in _F] + [("M", *r) for r in _M]

SEX = np.array([r[0] for r in ROWS], dtype=object)
Y = np.array([r[1] for r in ROWS], dtype=object)
Y_HAT = np.array([r[2] for r in ROWS], dtype=object)
GRP = np.array([r[3] for r in ROWS])
X = np.array([r[4] for r in ROWS])
