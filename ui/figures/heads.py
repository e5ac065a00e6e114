"""Figures for lessons 8 and 9: a head's matrices, and what several heads found for one word.

The attention patterns themselves are ``weights_trace`` (the 0..1 Viridis scale of every
lesson), the signed matrices ``math.matrix_heatmap`` (the diverging scale of lesson 7), so colours
mean the same on every page.

A pattern is sized from its words and the look (``pattern_size``): cells stay square-ish and
never thinner than a word label, every word keeps its label, and the weights are written in the
cells while they fit the narrowest screen. Long sentences give each head a row of its own, and a
phone scrolls a long pattern sideways rather than squeeze 40 words into 260 pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import attention_core as ac

from .. import theme
from ..safe import plot_text, shorten
from ..theme import BASE_FONT_PX, NORMAL, PHONE_COLUMN_PX, Figure, Look
from . import MAX_LABELLED_CELLS, WEIGHT_NUMBERS, category_axis, number_cell_px, weights_trace
from .math import matrix_heatmap, symmetric_limit

#: An off head's pattern is still drawn (what it would look at), faintly.
OFF_OPACITY = 0.3
#: One colour per head of lesson 9, in the order they are offered (Okabe-Ito).
HEAD_COLORS = ("green", "orange", "purple", "sky")


def projection_matrix(w: np.ndarray, *, title: str, limit: float, look: Look = NORMAL) -> Figure:
    """A ``(d, d)`` projection over the named features: row = a word's feature, column = the
    feature of its query (or key, or value) that it feeds."""
    return matrix_heatmap(
        w, ac.FEATURES, ac.FEATURES, title=title, x_title="feeds this feature",
        y_title="a word's feature", limit=limit, colorbar_title="strength", look=look,
    )  # fmt: skip


def matrix_limit(*matrices: np.ndarray) -> float:
    """One colour range for matrices shown side by side (W_Q next to W_K, Q next to K)."""
    return symmetric_limit(*matrices, floor=1.0)


# ---- how big a pattern is drawn ---------------------------------------------------------------
# Measured in Chromium on this app (Streamlit 1.67's Plotly theme, Source Sans): tick labels are
# 12 px letters on 16 px lines, 1.5 times that in projector mode. Sizes below are px at normal
# size; ``pattern_size`` multiplies them by ``look.scale``.

#: A word's row and column are never thinner than this: a label's 16 px line and 2 px of air,
#: so upright labels under the columns do not touch, and neither do the rows' labels.
MIN_CELL_PX = 18
#: ... nor taller than this: a three-word pattern stays a pattern, not a wall of colour.
MAX_CELL_PX = 44
#: The narrowest row a pattern with the weights written in must fit without scrolling: a
#: phone's column; in projector mode a 1366 px laptop's (its 20rem sidebar and 2rem padding
#: at 24 px leave 790 px). Longer sentences leave the numbers to the hover and the table.
NUMBERS_ROW_PX = {"normal": PHONE_COLUMN_PX, "projector": 790}
#: The screen the cells are made square for: the classroom laptop (1366 x 768, a 906 px row)
#: and in projector mode the 1920 x 1080 projector (1344 px).
REFERENCE_ROW_PX = {"normal": 906, "projector": 1344}
#: Between two patterns of a row (and two rows): Streamlit's "medium" gap, 2rem.
GAP_REM = 2
#: A tick label's letters are at most this wide on average (12 px font; "money" is 35 px).
LETTER_PX = 7
# Around the matrix, as Chromium draws it (measured): the chart's 10 px margins (not scaled);
# beside it the y axis title (34 px) and, between the labels and the cells, a tick and its gap
# (16 px); above it the title and then the colour scale, laid flat so it takes no width (86 px);
# under the labels the x axis title (40 px). A -45 degree label hangs 0.72 of its length and
# 12 px of letter below its tick, an upright one its length, a flat one 16 px.
_MARGINS_PX, _AXIS_TITLE_PX, _TICK_PX, _TOP_PX, _BOTTOM_PX = 20, 34, 16, 86, 40


@dataclass(frozen=True)
class PatternSize:
    """How one head's pattern is drawn for a sentence and a look (px, already scaled).

    A pattern is never narrower than ``min_width`` (below that a phone scrolls it sideways),
    takes ``basis`` when it can, and shares a row with the next while two bases fit (on the
    reference screen: ``per_row``). ``cell`` is a column's width at ``basis``, ``row`` a row's
    height; ``numbers`` says whether each weight is written in its cell; ``tickangle`` turns
    the column labels when they do not fit flat."""

    min_width: int
    basis: int
    per_row: int
    cell: float
    row: float
    numbers: bool
    tickangle: int
    height: int


def _screen(look: Look) -> str:
    return "normal" if look.scale == 1 else "projector"


def label_px(labels: Sequence[str], look: Look = NORMAL) -> float:
    """How far the longest word label reaches from its axis (as drawn: cut at 40 letters)."""
    return max((len(shorten(label, 40)) for label in labels), default=0) * LETTER_PX * look.scale


def pattern_size(labels: Sequence[str], look: Look = NORMAL) -> PatternSize:
    """The size of a pattern of ``labels`` (its words, queries and keys alike) at ``look``.

    Each word gets a column of at least ``MIN_CELL_PX``, or of a written weight ("0.57") when
    a pattern that holds them fits the narrowest row: that is the chart's minimum width. Two
    patterns share a row while both fit it at a phone column's width or more, and get a row
    each past that (on the classroom laptop, past ~17 short words); where even a whole row is
    too narrow (40 words on a phone) the chart keeps its width and scrolls, so no label is
    dropped or run into the next. Rows are as tall as the columns are wide on the reference
    screen, within 1.5 times the narrowest column: square cells there, square-ish elsewhere.
    """
    s, n, screen = look.scale, max(len(labels), 1), _screen(look)
    reach = label_px(labels, look)
    side = _MARGINS_PX + (_AXIS_TITLE_PX + _TICK_PX) * s + reach
    number_cell = number_cell_px(look)
    fits = side + n * number_cell <= NUMBERS_ROW_PX[screen]
    numbers = fits and len(labels) ** 2 <= MAX_LABELLED_CELLS
    min_width = int(np.ceil(side + n * max(MIN_CELL_PX * s, number_cell if numbers else 0.0)))
    # No pattern shares a row if that makes it narrower than a phone's column, at the look's
    # scale: a tablet shows one per row.
    basis = max(min_width, int(PHONE_COLUMN_PX * s))
    reference, gap = REFERENCE_ROW_PX[screen], GAP_REM * BASE_FONT_PX * s
    per_row = 2 if 2 * basis + gap <= reference else 1
    cell = (basis - side) / n
    wide = (max((reference - gap) / 2 if per_row == 2 else reference, basis) - side) / n
    row = min(max(wide, cell), 1.5 * cell, MAX_CELL_PX * s)
    # Flat labels when the longest fits its column; slanted while slanted lines stay 16 px
    # apart (a column of 24 px); else upright.
    tickangle = 0 if reach + 4 * s <= cell else -45 if cell >= 24 * s else -90
    drop = {0: 16 * s, -45: 0.72 * reach + 12 * s, -90: reach}[tickangle]
    height = int((_TOP_PX + _TICK_PX + _BOTTOM_PX) * s + drop + n * row)
    return PatternSize(min_width, basis, per_row, cell, row, numbers, tickangle, height)


def head_pattern(
    weights: np.ndarray,
    labels: Sequence[str],
    *,
    title: str,
    on: bool = True,
    look: Look = NORMAL,
) -> Figure:
    """One head's attention pattern on the shared 0..1 scale; faint when the head is off.

    Sized by ``pattern_size``: every word labelled, the weights in the cells while they fit
    (else in the hover and the table), the colour scale laid flat above the matrix so the
    matrix gets the width (on a phone that is what lets "0.57" fit nine words)."""
    size = pattern_size(labels, look)
    s = look.scale
    colorbar = {
        "title": {"text": "weight"},
        "orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
        "ypad": 6 * s, "len": 180 * s, "lenmode": "pixels", "thickness": 10 * s,
        "tickvals": [0, 0.5, 1],
    }  # fmt: skip
    heat = weights_trace(weights, labels, labels, look=look, colorbar=colorbar)
    if size.numbers and on:  # faded, an off head's numbers would be unreadable: see the table
        heat["texttemplate"] = WEIGHT_NUMBERS
    if not on:
        heat["opacity"] = OFF_OPACITY
    layout = {
        # The title sits over the plot, above the colour scale (which takes ~44 px).
        "title": {"text": title, "y": 1.0, "yref": "paper", "yanchor": "bottom",
                  "pad": {"b": 44 * s}},
        "margin": {"t": int(_TOP_PX * s)},
        "xaxis": category_axis(labels, title={"text": "keys (the words it looks at)"},
                               tickangle=size.tickangle, fixedrange=True),
        "yaxis": category_axis(labels, title={"text": "queries (the word that asks)"},
                               autorange="reversed", fixedrange=True),
        # Nothing to zoom (every cell is readable), and a finger on the chart must scroll the
        # page, or the chart sideways on a phone: Plotly's zoom-by-drag would swallow it.
        "dragmode": False,
    }  # fmt: skip
    # The height is already the look's (``pattern_size`` scaled it); ``figure`` scales again.
    return theme.figure([heat], layout, height=round(size.height / s), look=look)


def found_by_heads(
    head_rows: np.ndarray,
    mixed: np.ndarray,
    names: Sequence[str],
    active: Sequence[bool],
    *,
    word: str,
    look: Look = NORMAL,
) -> Figure:
    """What each head writes into one word (``head_rows (h, d_model)``: each head's output
    through its block of W_O), and the refined word ``mixed (d_model,)``, their sum, feature by
    feature. Off heads are faint (and write zeros)."""
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
         "name": "refined (the sum through W_O)",
         "marker": {"symbol": "diamond", "size": 13 * s, "color": theme.OKABE_ITO["vermillion"],
                    "line": {"width": 1.5 * s, "color": "white"}},
         "hovertemplate": "refined: %{y:.2f}<extra></extra>"}
    )  # fmt: skip
    layout = {
        "title": {"text": f"What each head writes into “{plot_text(word, 30)}”, and the sum"},
        "barmode": "group",
        "xaxis": category_axis(ac.FEATURES, tickangle=-45),
        "yaxis": {"title": {"text": "amount in the word"}, "zeroline": True},
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
) -> Figure:
    """A wide signed matrix with one block per head (the concatenation, or W_O): the colours
    tell the story, the numbers are in the hover and the table (they would not fit the cells)."""
    return matrix_heatmap(
        values, row_labels, col_labels, title=title, x_title=x_title, y_title=y_title,
        limit=symmetric_limit(values), colorbar_title=colorbar_title, cell_numbers=False,
        look=look,
    )  # fmt: skip


def head_columns(heads: Sequence[ac.NarrowHead]) -> list[str]:
    """Column labels of the concatenation (and rows of W_O): "Nature: nature", "Nature:
    unused", ... one block of ``d_head`` named numbers per head."""
    return [f"{head.name}: {slot}" for head in heads for slot in head.slots]


def w_o_rows(heads: Sequence[ac.NarrowHead]) -> list[str]:
    """Row labels of W_O: the same named numbers as the concatenation's columns."""
    return head_columns(heads)
