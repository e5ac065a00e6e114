"""Figures for lesson 10, word order: refined words in two orders, and the position encodings.

Both are signed matrices on lesson 7's diverging scale (``math.matrix_heatmap``), so 0 is white
and one colour range serves the original and the shuffled sentence alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

import attention_core as ac

from ..theme import NORMAL, Look
from .math import matrix_heatmap, symmetric_limit


def word_limit(x: np.ndarray) -> float:
    """One colour range for refined words: each refined feature is a weighted average of that
    feature over the inputs ``x (n, d + d_pos)``, so it never leaves the inputs' range."""
    return symmetric_limit(x[:, : len(ac.FEATURES)], floor=3.0)


def refined_words(
    output: np.ndarray, labels: Sequence[str], *, title: str, limit: float, look: Look = NORMAL
) -> go.Figure:
    """Words × the named features of ``output (n, d + d_pos)`` (the positional dims left out)."""
    return matrix_heatmap(
        output[:, : len(ac.FEATURES)], labels, ac.FEATURES, title=title, x_title="features",
        limit=limit, colorbar_title="value", look=look,
    )  # fmt: skip


def encodings_heatmap(
    pe: np.ndarray, labels: Sequence[str], *, title: str, look: Look = NORMAL
) -> go.Figure:
    """Positions × positional dims: the sinusoidal encodings ``pe (n, d_pos)``, in -1..1."""
    dims = ac.position_dims(pe.shape[1])
    figure = matrix_heatmap(
        pe, labels, dims, title=title, x_title="position dims (fast sin/cos first)",
        y_title="place in the sentence", limit=1.0, colorbar_title="PE", look=look,
    )  # fmt: skip
    # Slanted always: eight "sin0", "cos0", ... side by side run together on a phone.
    return figure.update_layout(xaxis_tickangle=-45, height=figure.layout.height + 20)
