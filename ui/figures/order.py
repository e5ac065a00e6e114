"""Figures for lesson 10, word order: words in two orders, and the position encodings.

All are signed matrices on lesson 7's diverging scale (``math.matrix_heatmap``), so 0 is white
and one colour range serves the original and the shuffled sentence alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import attention_core as ac

from ..theme import NORMAL, Figure, Look
from .math import matrix_heatmap, symmetric_limit


def word_limit(*inputs: np.ndarray) -> float:
    """One colour range for words and refined words: each refined word is a weighted average of
    the inputs ``(n, d)`` (words plus places, ``X + s·PE``), so it never leaves their range.
    Pass every input the charts average over: the shuffled words carry other places."""
    return symmetric_limit(*inputs, floor=3.0)


def refined_words(
    output: np.ndarray, labels: Sequence[str], *, title: str, limit: float, look: Look = NORMAL
) -> Figure:
    """Words × the named features of ``output (n, d)``; with positions on, every feature also
    carries a little of the word's place (the encoding is added to the same numbers)."""
    return matrix_heatmap(
        output, labels, ac.FEATURES, title=title, x_title="features",
        limit=limit, colorbar_title="value", look=look,
    )  # fmt: skip


def encoding_labels() -> list[str]:
    """The encoding's dims with the feature each is added to: "sin0 (nature)", ..."""
    return [f"{dim} ({f})" for dim, f in zip(ac.position_dims(), ac.FEATURES, strict=True)]


def encodings_heatmap(
    pe: np.ndarray, labels: Sequence[str], *, title: str, look: Look = NORMAL
) -> Figure:
    """Places × the encoding's dims: the sinusoidal encodings ``pe (n, d)``, in -1..1, each dim
    named with the feature it is added to."""
    figure = matrix_heatmap(
        pe, labels, encoding_labels(), title=title,
        x_title="position dims (fast sin/cos first), added to", y_title="place in the sentence",
        limit=1.0, colorbar_title="PE", look=look,
    )  # fmt: skip
    # Slanted always: eight "sin0 (nature)", ... side by side run together on a phone.
    figure["layout"]["xaxis"]["tickangle"] = -45
    figure["layout"]["height"] += 40
    return figure
