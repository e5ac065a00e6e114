"""Figures for "why √d_k": how the spread of q · k grows with d_k, and one sample's weights."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import attention_core as ac

from .. import theme
from ..theme import NORMAL, Figure, Look
from . import category_axis

#: The spread axis's ticks.
POWERS = (0.5, 1, 2, 4, 8, 16, 32)


def spread_by_d_k(every: ac.ScoreSpread, here: ac.ScoreSpread, *, look: Look = NORMAL) -> Figure:
    """The standard deviation of q · k per d_k (log axes), unscaled and scaled, next to √d_k;
    ``here`` (one d_k, the slider's) is marked on both curves."""
    s = look.scale
    d_k = every.d_k.tolist()
    traces = [
        {"type": "scatter", "x": d_k, "y": every.sqrt_d_k, "mode": "lines", "name": "√d_k",
         "line": {"color": theme.OKABE_ITO["grey"], "width": 2 * s, "dash": "dash"},
         "hovertemplate": "d_k = %{x}<br>√d_k = %{y:.2f}<extra></extra>"},
        {"type": "scatter", "x": d_k, "y": every.std_unscaled, "mode": "lines+markers",
         "name": "q · k (unscaled)", "line": {"color": theme.OKABE_ITO["vermillion"],
                                                "width": 2 * s},
         "marker": {"size": 7 * s},
         "hovertemplate": "d_k = %{x}<br>spread of q · k: %{y:.2f}<extra></extra>"},
        {"type": "scatter", "x": d_k, "y": every.std_scaled, "mode": "lines+markers",
         "name": "q · k / √d_k (scaled)", "line": {"color": theme.OKABE_ITO["blue"],
                                                     "width": 2 * s},
         "marker": {"size": 7 * s},
         "hovertemplate": "d_k = %{x}<br>spread of q · k / √d_k: %{y:.2f}<extra></extra>"},
        {"type": "scatter", "x": [int(here.d_k[0])] * 2,
         "y": [float(here.std_unscaled[0]), float(here.std_scaled[0])], "mode": "markers",
         "name": "your d_k", "marker": {"size": 14 * s, "symbol": "circle-open",
                                         "color": look.text_color, "line": {"width": 2 * s}},
         "hovertemplate": "d_k = %{x}<br>spread %{y:.2f}<extra></extra>"},
    ]  # fmt: skip
    layout = {
        "title": {"text": "How far the scores spread (standard deviation)"},
        "xaxis": {"type": "log", "title": {"text": "d_k (dimensions)"}, "tickvals": d_k,
                  "ticktext": [str(d) for d in d_k]},
        # Powers of two only: Plotly's own log ticks crowd into an unreadable column.
        "yaxis": {"type": "log", "title": {"text": "spread"}, "tickvals": POWERS,
                  "ticktext": [f"{v:g}" for v in POWERS]},
        "legend": {"y": -0.25, "yanchor": "top"},
    }  # fmt: skip
    return theme.figure(traces, layout, height=380, look=look)


def sample_weights(sample: ac.ScoreSample, keys: Sequence[str], *, look: Look = NORMAL) -> Figure:
    """One random query's softmax weights over its keys, unscaled and scaled, side by side."""
    axis = category_axis(keys, title={"text": "keys"})
    positions = axis["tickvals"]
    traces = []
    for name, result, color in (
        ("unscaled", sample.unscaled, "vermillion"),
        ("scaled by √d_k", sample.scaled, "blue"),
    ):
        traces.append(
            {"type": "bar", "x": positions, "y": np.asarray(result.weights), "name": name,
             "marker": {"color": theme.OKABE_ITO[color], "line": {"width": 0}},
             "customdata": axis["ticktext"],
             "hovertemplate": f"%{{customdata}}<br>{name}: weight %{{y:.3f}}<extra></extra>"}
        )  # fmt: skip
    layout = {
        "title": {"text": f"One random query at d_k = {sample.d_k}: the weights"},
        "xaxis": axis,
        "yaxis": {"range": [0, 1.05], "title": {"text": "weight"}},
        "barmode": "group",
        "legend": {"y": -0.25, "yanchor": "top"},
    }
    return theme.figure(traces, layout, height=380, look=look)
