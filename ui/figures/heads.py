"""Figures for lessons 8 and 9: a head's matrices, and what several heads found for one word.

The attention patterns themselves are ``weights_heatmap`` (the 0..1 Viridis scale of every
lesson), the signed matrices ``math.matrix_heatmap`` (the diverging scale of lesson 7), so colours
mean the same on every page.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

import attention_core as ac

from .. import theme
from ..safe import plot_text
from ..theme import NORMAL, Look
from . import category_axis, weights_heatmap
from .math import matrix_heatmap, symmetric_limit

#: An off head's pattern is still drawn (what it would look at), faintly.
OFF_OPACITY = 0.3
#: Patterns drawn two to a row write their numbers in the cells up to this many words.
CELL_NUMBERS_UP_TO = 7
#: One colour per head of lesson 9, in the order they are offered (Okabe-Ito).
HEAD_COLORS = ("green", "orange", "purple", "sky")


def projection_matrix(w: np.ndarray, *, title: str, limit: float, look: Look = NORMAL) -> go.Figure:
    """A ``(d, d)`` projection over the named features: row = a word's feature, column = the
    feature of its query (or key, or value) that it feeds."""
    return matrix_heatmap(
        w, ac.FEATURES, ac.FEATURES, title=title, x_title="feeds this feature",
        y_title="a word's feature", limit=limit, colorbar_title="strength", look=look,
    )  # fmt: skip


def matrix_limit(*matrices: np.ndarray) -> float:
    """One colour range for matrices shown side by side (W_Q next to W_K, Q next to K)."""
    return symmetric_limit(*matrices, floor=1.0)


def head_pattern(
    weights: np.ndarray,
    labels: Sequence[str],
    *,
    title: str,
    on: bool = True,
    look: Look = NORMAL,
) -> go.Figure:
    """One head's attention pattern on the shared 0..1 scale; faint when the head is off.

    Patterns share a row with another, so past ``CELL_NUMBERS_UP_TO`` words the numbers are left
    to the hover and the table (on a phone they would run into each other)."""
    crowded = len(labels) > CELL_NUMBERS_UP_TO
    fig = weights_heatmap(weights, labels, labels, title=title, cell_numbers=not crowded, look=look)
    if not on:
        fig.data[0].opacity = OFF_OPACITY
    return fig


def found_by_heads(
    head_rows: np.ndarray,
    mixed: np.ndarray,
    names: Sequence[str],
    active: Sequence[bool],
    *,
    word: str,
    look: Look = NORMAL,
) -> go.Figure:
    """What each head found for one word (``head_rows (h, d)``, the heads' outputs), and the
    refined word ``mixed (d,)`` that W_O makes of them, feature by feature. Off heads are faint."""
    s = look.scale
    positions = np.arange(len(ac.FEATURES))
    traces = [
        {"type": "bar", "x": positions, "y": row,
         "name": plot_text(name + ("" if on else " (off)")),
         "marker": {"color": theme.OKABE_ITO[HEAD_COLORS[i % len(HEAD_COLORS)]],
                    "line": {"width": 0}},
         "opacity": 1.0 if on else OFF_OPACITY,
         "hovertemplate": f"{plot_text(name)}: %{{y:.2f}}<extra></extra>"}
        for i, (row, name, on) in enumerate(zip(head_rows, names, active, strict=True))
    ]  # fmt: skip
    traces.append(
        {"type": "scatter", "x": positions, "y": mixed, "mode": "markers",
         "name": "refined (mixed by W_O)",
         "marker": {"symbol": "diamond", "size": 13 * s, "color": theme.OKABE_ITO["vermillion"],
                    "line": {"width": 1.5 * s, "color": "white"}},
         "hovertemplate": "refined: %{y:.2f}<extra></extra>"}
    )  # fmt: skip
    layout = {
        "title": {"text": f"What each head found for “{plot_text(word, 30)}”, and the mix"},
        "barmode": "group",
        "xaxis": category_axis(ac.FEATURES, tickangle=-45),
        "yaxis": {"title": {"text": "value"}, "zeroline": True},
        "legend": {"y": -0.3, "yanchor": "top"},
    }
    return theme.figure(traces, layout, height=420, look=look)


def concat_heatmap(
    values: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str,
    x_title: str = "head: feature",
    y_title: str = "words of the sentence",
    colorbar_title: str = "value",
    look: Look = NORMAL,
) -> go.Figure:
    """A wide signed matrix with one block per head (the concatenation, or W_O): the colours
    tell the story, the numbers are in the hover and the table (they would not fit the cells)."""
    return matrix_heatmap(
        values, row_labels, col_labels, title=title, x_title=x_title, y_title=y_title,
        limit=symmetric_limit(values), colorbar_title=colorbar_title, cell_numbers=False,
        look=look,
    )  # fmt: skip


def head_columns(names: Sequence[str], d: int) -> list[str]:
    """Column labels of the concatenation: "Nature: nature", ... one block of ``d`` per head."""
    return [f"{name}: {feature}" for name in names for feature in ac.FEATURES[:d]]
