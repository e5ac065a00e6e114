"""Plotly figure builders: one module per lesson, shared pieces here.

Builders take core results and return ``go.Figure``; they never compute attention themselves.
Everything is ``plotly.graph_objects`` (fast on the hot path of a rerun), every label that may hold
user text goes through ``ui.safe.plot_text``, and categorical axes use positions with tick text so
repeated words ("the ... the") keep their own rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from .. import theme
from ..safe import plot_text


def two_panels(
    titles: tuple[str, str],
    *,
    widths: tuple[float, float] = (0.5, 0.5),
    spacing: float = 0.04,
    shared_y: bool = False,
) -> dict[str, Any]:
    """Layout of two charts side by side (axes x/y left, x2/y2 right), each titled on top.

    The same layout ``plotly.subplots.make_subplots(rows=1, cols=2, ...)`` makes, without its
    cost. Merge each panel's own axis settings into the returned axes.
    """
    room = 1.0 - spacing
    left_end = room * widths[0] / sum(widths)
    domains = ([0.0, left_end], [left_end + spacing, 1.0])
    size = int(14 * theme.scale())
    return {
        "xaxis": {"anchor": "y", "domain": domains[0]},
        "yaxis": {"anchor": "x", "domain": [0.0, 1.0]},
        "xaxis2": {"anchor": "y2", "domain": domains[1]},
        "yaxis2": {"anchor": "x2", "domain": [0.0, 1.0]}
        | ({"matches": "y", "showticklabels": False} if shared_y else {}),
        "annotations": [
            {"text": title, "x": (lo + hi) / 2, "y": 1.0, "xref": "paper", "yref": "paper",
             "xanchor": "center", "yanchor": "bottom", "showarrow": False,
             "font": {"size": size}}
            for title, (lo, hi) in zip(titles, domains, strict=True)
        ],
    }  # fmt: skip


def weight_bars(
    labels: Sequence[str],
    weights: np.ndarray,
    *,
    title: str = "",
    highlight: int | None = None,
    axis_title: str = "attention weight",
    horizontal: bool = False,
    hover_label: str = "weight",
) -> go.Figure:
    """Bars of weights in 0..1 (fixed range), one per label; ``highlight`` is the accent colour."""
    s = theme.scale()
    colors = [theme.OKABE_ITO["blue"]] * len(labels)
    if highlight is not None and 0 <= highlight < len(labels):
        colors[highlight] = theme.OKABE_ITO["orange"]
    positions = np.arange(len(labels))
    ticks = [plot_text(label) for label in labels]
    bar = {
        "type": "bar",
        "x": weights if horizontal else positions,
        "y": positions if horizontal else weights,
        "orientation": "h" if horizontal else "v",
        "marker": {"color": colors, "line": {"width": 0}},
        "text": [f"{w:.2f}" for w in weights],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": ticks,
        "hovertemplate": f"%{{customdata}}<br>{hover_label} %{{{'x' if horizontal else 'y'}:.3f}}"
        "<extra></extra>",
    }
    category_axis = {"tickmode": "array", "tickvals": positions, "ticktext": ticks}
    value_axis = {"range": [0, 1.12], "title": {"text": axis_title}}
    layout = {"title": {"text": title}, "bargap": 0.25 / s, "showlegend": False}
    if horizontal:
        layout |= {"yaxis": {**category_axis, "autorange": "reversed"}, "xaxis": value_axis}
    else:
        layout |= {"xaxis": category_axis, "yaxis": value_axis}
    return theme.figure([bar], layout, height=max(300, 28 * len(labels)) if horizontal else 360)


def weights_heatmap(
    weights: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str = "",
    x_title: str = "keys (the words it looks at)",
    y_title: str = "queries (the word that asks)",
    show_values: bool = True,
    zmin: float = 0.0,
    zmax: float = 1.0,
    colorscale: str = theme.WEIGHTS_SCALE,
    colorbar_title: str = "weight",
    value_format: str = ".2f",
) -> go.Figure:
    """A labelled matrix; rows top-down in reading order, fixed colour range by default."""
    rows = [plot_text(label) for label in row_labels]
    cols = [plot_text(label) for label in col_labels]
    n_rows, n_cols = np.shape(weights)
    heat = {
        "type": "heatmap",
        "z": weights,
        "x": np.arange(n_cols),
        "y": np.arange(n_rows),
        "zmin": zmin,
        "zmax": zmax,
        "colorscale": colorscale,
        "colorbar": {"title": {"text": colorbar_title}},
        "xgap": 1,
        "ygap": 1,
        "textfont": {"size": int(13 * theme.scale())},
        "customdata": [[(r, c) for c in cols] for r in rows],
        "hovertemplate": "%{customdata[0]} → %{customdata[1]}<br>%{z:.3f}<extra></extra>",
    }
    if show_values and n_rows * n_cols <= 400:
        heat["texttemplate"] = f"%{{z:{value_format}}}"
    layout = {
        "title": {"text": title},
        "xaxis": {
            "tickmode": "array",
            "tickvals": np.arange(n_cols),
            "ticktext": cols,
            "title": {"text": x_title},
            "tickangle": -45 if n_cols > 8 else 0,
        },
        "yaxis": {
            "tickmode": "array",
            "tickvals": np.arange(n_rows),
            "ticktext": rows,
            "title": {"text": y_title},
            "autorange": "reversed",
        },
    }
    return theme.figure([heat], layout, height=max(320, 60 + 34 * n_rows))
