"""Plotly figure builders: one module per lesson, shared pieces here.

Builders take core results and return plain Plotly dicts (``theme.Figure``, what plotly.js
draws, checked against Plotly's schema by tests/test_figures.py); they never compute attention
themselves. Every label that may hold user text goes through ``ui.safe.plot_text``, and
categorical axes use positions with tick text so repeated words ("the ... the") keep their own
rows. Builders are pure functions of their inputs:
how the viewer sees charts (projector size, dark theme) comes in as ``look``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import theme
from ..safe import plot_text
from ..theme import NORMAL, Figure, Look

#: Above this many cells the numbers no longer fit in the cells; hover still shows them.
MAX_LABELLED_CELLS = 400
#: A weight written in a cell ("0.25") needs ~28 px; a phone, the narrowest screen, gives a
#: matrix ~230 px, so past seven columns the numbers would run into each other. Then hover and
#: the numbers table below the chart show them. (A projector's letters are bigger, but its
#: charts are several times wider.) Charts that know how wide they are drawn ask
#: ``number_cell_px`` instead.
MAX_LABELLED_COLUMNS = 7
#: The font of the numbers written in heatmap cells (px at normal size).
CELL_FONT_PX = 13
#: How a weight is written in its cell: two decimals, "0.57", as in every numbers table.
WEIGHT_NUMBERS = "%{z:.2f}"
#: "0.57" is 1.8 font sizes wide in the app's font (23 px at 13 px, measured in Chromium).
NUMBER_EMS = 1.8
#: ... and keeps 2 px of its cell's colour on each side, so neighbours never touch.
CELL_PAD_PX = 4


def two_panels(
    titles: tuple[str, str],
    *,
    widths: tuple[float, float] = (0.5, 0.5),
    spacing: float = 0.04,
    shared_y: bool = False,
    look: Look = NORMAL,
) -> dict[str, Any]:
    """Layout of two charts side by side (axes x/y left, x2/y2 right), each titled on top.

    The same layout ``plotly.subplots.make_subplots(rows=1, cols=2, ...)`` makes, without its
    cost. Merge each panel's own axis settings into the returned axes.
    """
    room = 1.0 - spacing
    left_end = room * widths[0] / sum(widths)
    domains = ([0.0, left_end], [left_end + spacing, 1.0])
    return {
        "xaxis": {"anchor": "y", "domain": domains[0]},
        "yaxis": {"anchor": "x", "domain": [0.0, 1.0]},
        "xaxis2": {"anchor": "y2", "domain": domains[1]},
        "yaxis2": {"anchor": "x2", "domain": [0.0, 1.0]}
        | ({"matches": "y", "showticklabels": False} if shared_y else {}),
        "annotations": [
            {"text": title, "x": (lo + hi) / 2, "y": 1.0, "xref": "paper", "yref": "paper",
             "xanchor": "center", "yanchor": "bottom", "showarrow": False,
             "font": {"size": look.px(14)}}
            for title, (lo, hi) in zip(titles, domains, strict=True)
        ],
    }  # fmt: skip


def category_axis(labels: Sequence[str], **settings: Any) -> dict[str, Any]:
    """An axis of named positions: one tick per label (escaped), so repeated words keep their
    own place. ``settings`` add to it (title, direction, angle)."""
    ticks = [plot_text(label) for label in labels]
    return {"tickmode": "array", "tickvals": np.arange(len(ticks)), "ticktext": ticks, **settings}


def heatmap_trace(
    z: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    zrange: tuple[float, float],
    colorscale: Any,
    colorbar_title: str,
    hover: str,
    look: Look,
    **settings: Any,
) -> dict[str, Any]:
    """A matrix as a heatmap on fixed positions (pair with ``category_axis``).

    ``hover`` is the text after the cell's row and column labels (``customdata[0]`` and
    ``[1]``), e.g. ``"%{customdata[0]} → %{customdata[1]}<br>%{z:.3f}"``. ``settings`` add to
    or replace the trace's properties (cell text, gaps, zmid).
    """
    rows = [plot_text(label) for label in row_labels]
    cols = [plot_text(label) for label in col_labels]
    n_rows, n_cols = np.shape(z)
    return {
        "type": "heatmap",
        "z": z,
        "x": np.arange(n_cols),
        "y": np.arange(n_rows),
        "zmin": zrange[0],
        "zmax": zrange[1],
        "colorscale": colorscale,
        "colorbar": {"title": {"text": plot_text(colorbar_title)}},
        "xgap": 1,
        "ygap": 1,
        "textfont": {"size": look.px(CELL_FONT_PX)},
        "customdata": [[(r, c) for c in cols] for r in rows],
        "hovertemplate": hover + "<extra></extra>",
        **settings,
    }


def weight_bars(
    labels: Sequence[str],
    weights: np.ndarray,
    *,
    title: str = "",
    highlight: int | None = None,
    axis_title: str = "attention weight",
    horizontal: bool = False,
    hover_label: str = "weight",
    look: Look = NORMAL,
) -> Figure:
    """Bars of weights in 0..1 (fixed range), one per label; ``highlight`` is the accent colour."""
    colors = [theme.OKABE_ITO["blue"]] * len(labels)
    if highlight is not None and 0 <= highlight < len(labels):
        colors[highlight] = theme.OKABE_ITO["orange"]
    positions = np.arange(len(labels))
    # Left to itself, Plotly slants crowded labels by 30° and then hides the last one, which
    # sticks out of the chart ("hide past div"). Upright labels never stick out sideways.
    crowded = len(labels) > 8 or sum(map(len, labels)) * look.scale > 36
    category = category_axis(labels, tickangle=0 if horizontal or not crowded else -90)
    bar = {
        "type": "bar",
        "x": weights if horizontal else positions,
        "y": positions if horizontal else weights,
        "orientation": "h" if horizontal else "v",
        "marker": {"color": colors, "line": {"width": 0}},
        "text": [f"{w:.2f}" for w in weights],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": category["ticktext"],
        "hovertemplate": f"%{{customdata}}<br>{hover_label} %{{{'x' if horizontal else 'y'}:.3f}}"
        "<extra></extra>",
    }
    value_axis = {"range": [0, 1.12], "title": {"text": axis_title}}
    layout = {"title": {"text": title}, "bargap": 0.25 / look.scale, "showlegend": False}
    if horizontal:
        layout |= {"yaxis": {**category, "autorange": "reversed"}, "xaxis": value_axis}
    else:
        layout |= {"xaxis": category, "yaxis": value_axis}
    height = max(300, 28 * len(labels)) if horizontal else 360
    return theme.figure([bar], layout, height=height, look=look)


def number_cell_px(look: Look = NORMAL) -> float:
    """The narrowest cell (px) a weight written in it ("0.57") fits at this look's font: a
    projector's letters are 1.5 times bigger, so it needs 1.5 times the room."""
    return NUMBER_EMS * look.px(CELL_FONT_PX) + CELL_PAD_PX


def weights_trace(
    weights: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    look: Look,
    **settings: Any,
) -> dict[str, Any]:
    """Attention weights as a heatmap trace: the fixed 0..1 Viridis range of every page (so a
    colour means the same weight everywhere), the query and key named in the hover."""
    return heatmap_trace(
        weights, row_labels, col_labels, zrange=(0.0, 1.0), colorscale=theme.WEIGHTS_SCALE,
        colorbar_title="weight", hover="%{customdata[0]} → %{customdata[1]}<br>%{z:.3f}",
        look=look, **settings,
    )  # fmt: skip


def weights_heatmap(
    weights: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str = "",
    x_title: str = "keys (the words it looks at)",
    y_title: str = "queries (the word that asks)",
    cell_numbers: bool = True,
    look: Look = NORMAL,
) -> Figure:
    """Attention weights as a labelled matrix: rows top-down in reading order, on the fixed
    0..1 colour range every page uses, each cell's weight written in it when the cells are wide
    enough on the narrowest screen (``MAX_LABELLED_COLUMNS``); ``cell_numbers=False`` leaves
    them to the hover and the table."""
    n_rows, n_cols = np.shape(weights)
    heat = weights_trace(weights, row_labels, col_labels, look=look)
    if cell_numbers and n_rows * n_cols <= MAX_LABELLED_CELLS and n_cols <= MAX_LABELLED_COLUMNS:
        heat["texttemplate"] = WEIGHT_NUMBERS
    layout = {
        "title": {"text": title},
        "xaxis": category_axis(
            col_labels, title={"text": x_title}, tickangle=-45 if n_cols > 8 else 0
        ),
        "yaxis": category_axis(row_labels, title={"text": y_title}, autorange="reversed"),
    }
    return theme.figure([heat], layout, height=max(320, 60 + 34 * n_rows), look=look)
