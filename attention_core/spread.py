"""What a row of attention weights looks like, in words that are true of the numbers.

A page that says "even average" or "hard lookup" next to a chart must be right about the chart:
"even" when the weights are nearly equal, "hard lookup" when one key holds (almost) everything.
``describe_spread`` decides which, by thresholds on the weights themselves, and returns the
numbers its sentence quotes, so the words are true by construction at every setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .predict import largest as largest_

#: "Even": the largest weight is at most this many times the smallest.
EVEN_RATIO = 1.25
#: "Hard lookup": one key (or the keys tied at the top, together) holds at least this much.
HARD_WEIGHT = 0.99

SpreadKind = Literal["even", "hard", "tie", "soft"]


@dataclass(frozen=True)
class Spread:
    """The verdict on one row of weights ``(n,)``, with the numbers it rests on.

    ``kind``:
        "even"  every weight is within ``EVEN_RATIO`` of every other (``ratio <= EVEN_RATIO``)
        "hard"  one key alone holds at least ``HARD_WEIGHT`` of the weight (an arg-max)
        "tie"   two or more keys share the largest weight, as the screen shows it (within
                ``SHOWN_PRECISION``: the app's one tie rule)
        "soft"  one key leads, the others still get a real share
    ``top`` are the indices holding the largest weight (several on a tie), ``top_weight`` the
    largest weight and ``top_low`` the smallest of the tied ones, ``top_share`` their total,
    ``ratio`` largest / smallest weight. The words are ``ui.questions.spread_headline``'s.
    """

    kind: SpreadKind
    top: tuple[int, ...]
    top_weight: float
    top_share: float
    smallest: float
    top_low: float
    ratio: float

    @property
    def leader(self) -> int | None:
        """The one key with the largest weight, or None when no single key leads."""
        return self.top[0] if len(self.top) == 1 and self.kind != "even" else None

    @property
    def short(self) -> str:
        """A few words for a legend: "hard lookup", "even", "tie", "soft"."""
        return {"even": "even", "hard": "hard lookup", "tie": "tie", "soft": "soft"}[self.kind]


def describe_spread(weights: ArrayLike) -> Spread:
    """Say how spread ``weights (n,)`` are: even, a hard lookup, a tie at the top, or soft.

    Even comes first: when every key ties, the "top" holds everything, yet nothing stands out.
    """
    w = np.asarray(weights, dtype=np.float64)  # (n,)
    if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"need a non-empty row of non-negative weights, got shape {w.shape}")
    largest, smallest = float(w.max()), float(w.min())
    top = tuple(sorted(largest_(w)))
    share = float(w[list(top)].sum())
    ratio = largest / smallest if smallest > 0 else float("inf")
    kind: SpreadKind
    if ratio <= EVEN_RATIO:
        kind = "even"
    elif len(top) > 1:
        kind = "tie"
    elif largest >= HARD_WEIGHT:
        kind = "hard"
    else:
        kind = "soft"
    return Spread(kind, top, largest, share, smallest, float(w[list(top)].min()), ratio)


def _pct(x: float) -> str:
    """A share as a percentage that never rounds a claim into a lie (99.6% is not "100%")."""
    text = f"{100 * x:.0f}%"
    if text == "100%" and x < 1.0:
        return f"{100 * x:.1f}%" if x < 0.9995 else "nearly 100%"
    if text == "0%" and x > 0:
        return "under 1%"
    return text


def percent(x: float) -> str:
    """How the lessons write a share: "42%", "under 1%", "nearly 100%" (never a false 100%)."""
    return _pct(x)


__all__ = ["EVEN_RATIO", "HARD_WEIGHT", "Spread", "describe_spread", "percent"]
