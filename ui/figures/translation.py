"""Figures for lesson 14: what n² costs, measured (the weights heatmaps are ``weights_heatmap``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attention_core as ac

from .. import theme
from ..theme import NORMAL, Figure, Look
from . import two_panels, weights_heatmap


def cost_chart(costs: Sequence[ac.Cost], *, look: Look = NORMAL) -> Figure:
    """Two log-log panels over the sizes measured: the weight matrix in memory (exact, n² × 4
    bytes) and the time the core's ``attention`` took (measured, so it varies)."""
    s = look.scale
    n = [c.n for c in costs]
    mib = [c.weight_bytes / 2**20 for c in costs]
    ms = [1000 * c.seconds for c in costs]
    line = {"type": "scatter", "mode": "lines+markers", "x": n, "marker": {"size": 7 * s}}
    traces = [
        line | {"y": mib, "name": "weights in memory", "xaxis": "x", "yaxis": "y",
                "line": {"color": theme.OKABE_ITO["blue"], "width": 2 * s},
                "hovertemplate": "n = %{x:,}<br>%{y:.4g} MiB<extra></extra>"},
        line | {"y": ms, "name": "time", "xaxis": "x2", "yaxis": "y2",
                "line": {"color": theme.OKABE_ITO["vermillion"], "width": 2 * s},
                "hovertemplate": "n = %{x:,}<br>%{y:.3g} ms<extra></extra>"},
    ]  # fmt: skip
    layout = two_panels(
        ("Weight matrix (MiB, float32)", "Time of attention (ms, measured)"),
        spacing=0.14, look=look,
    )  # fmt: skip
    ticks = {"type": "log", "tickvals": n[::2], "ticktext": [f"{v:,}" for v in n[::2]],
             "title": {"text": "tokens n"}}  # fmt: skip
    for axis in ("xaxis", "xaxis2"):
        layout[axis] |= ticks
    for axis in ("yaxis", "yaxis2"):
        layout[axis] |= {"type": "log", "exponentformat": "power"}
    layout["showlegend"] = False
    return theme.figure(traces, layout, height=340, look=look)


def narrow_heatmap(
    weights: Any, rows: Sequence[str], cols: Sequence[str], **settings: Any
) -> Figure:
    """``weights_heatmap`` for a chart drawn in half a row: its column labels slanted, since
    numbered words ("5. sleeping") run into each other upright at that width."""
    figure = weights_heatmap(weights, rows, cols, **settings)
    figure["layout"]["xaxis"]["tickangle"] = -45
    return figure
