"""The right answers of the lessons' "predict, then reveal" questions, read off the numbers.

A prediction question asks a student to commit before the chart appears. Its answer is never
typed in: it is computed here from the same arrays the chart then draws, so it is right at every
setting a control allows. Shares are shown as whole percents, so two shares that a student
cannot tell apart on screen (within ``SHOWN_PRECISION``) are both right answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

#: Half a percentage point: shares closer than this look the same on screen (shown as "34%").
#: The one tie rule of the app: predictions and the sentences beside them both use it.
SHOWN_PRECISION = 0.005

#: The edges of the "roughly how much?" bands: under a quarter, up to half, up to three
#: quarters, more (``ui.questions.BAND_NAMES`` words them).
SHARE_BANDS: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)

#: Two numbers this close (relative) are the same number, up to float rounding: an exact tie
#: (equal scores give equal weights), which is not the same claim as "a tie on screen".
ROUNDING = 1e-9


def largest(
    values: Sequence[float] | np.ndarray, *, tolerance: float = SHOWN_PRECISION
) -> frozenset[int]:
    """The indices whose value is the largest, or within ``tolerance`` of it (a tie on screen).

    values: (n,) → a non-empty set of indices into ``values``.
    """
    v = np.asarray(values, dtype=np.float64)
    return frozenset(np.flatnonzero(v >= v.max() - tolerance).tolist())


def bands(
    share: float, edges: Sequence[float] = SHARE_BANDS, *, tolerance: float = SHOWN_PRECISION
) -> frozenset[int]:
    """The bands ``[edges[i], edges[i + 1]]`` that hold ``share``, give or take ``tolerance``.

    A share on an edge (or shown as one: 49.8 % reads "50%") belongs to both bands around it.
    share: a number in [edges[0], edges[-1]] → a non-empty set of band indices.
    """
    return frozenset(
        i
        for i, (low, high) in enumerate(itertools.pairwise(edges))
        if low - tolerance <= share <= high + tolerance
    )


def is_even(weights: Sequence[float] | np.ndarray, *, tolerance: float = SHOWN_PRECISION) -> bool:
    """Whether a row of attention weights ``(n,)`` (summing to 1) reads as an even spread: no
    weight is more than ``tolerance`` above the even share ``1 / n``, so no word stands out on
    screen. Every row whose weights all tie (``largest``) is even; so is a long row whose top
    is a fraction of a point above 1/n while a few words get less."""
    w = np.asarray(weights, dtype=np.float64)
    return bool(w.size) and float(w.max()) <= 1.0 / w.size + tolerance
