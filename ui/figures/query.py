"""Figures for "move the query": the 2-D space of keys, lit by where the query stands."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

import attention_core as ac

from .. import theme
from ..safe import plot_text
from ..theme import NORMAL, Look


def _rays(points: np.ndarray) -> tuple[list[float | None], list[float | None]]:
    """One line from the origin to each point, as a single trace (None breaks the line)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x, y in points:
        xs += [0.0, float(x), None]
        ys += [0.0, float(y), None]
    return xs, ys


def space(found: ac.Probe, *, look: Look = NORMAL) -> go.Figure:
    """The keys as labelled points (bigger and bolder with more weight), the query and the output.

    The axes never move (equal aspect, fixed to the sliders' range plus a margin), so dragging
    the query moves the query, not the picture.
    """
    s = look.scale
    limit = ac.SPACE_LIMIT + 0.5
    weights = found.weights
    labels = [plot_text(label) for label in found.keys]
    qx, qy = (float(v) for v in found.query_vector)
    ox, oy = (float(v) for v in found.output)
    # Faint arrows from the origin: a dot product compares directions *and* lengths.
    ray_x, ray_y = _rays(found.keys_matrix)
    traces = [
        {"type": "scatter", "x": ray_x, "y": ray_y, "mode": "lines", "name": "key vectors",
         "hoverinfo": "skip", "showlegend": False,
         "line": {"color": theme.OKABE_ITO["grey"], "width": 1 * s, "dash": "dot"}},
        {"type": "scatter", "x": [0.0, qx], "y": [0.0, qy], "mode": "lines",
         "name": "query vector", "hoverinfo": "skip", "showlegend": False,
         "line": {"color": theme.OKABE_ITO["vermillion"], "width": 1.5 * s, "dash": "dot"}},
        {"type": "scatter", "x": found.keys_matrix[:, 0], "y": found.keys_matrix[:, 1],
         "mode": "markers+text", "name": "keys",
         "marker": {
             "size": (10 + 38 * weights) * s,
             "opacity": 0.3 + 0.7 * weights,
             "color": weights, "cmin": 0, "cmax": 1, "colorscale": theme.WEIGHTS_SCALE,
             "colorbar": {"title": {"text": "weight"}, "len": 0.6, "y": 0.3},
             "line": {"width": 1, "color": look.text_color},
         },
         "text": [f"{label} {w:.0%}" for label, w in zip(labels, weights, strict=True)],
         "textposition": "top center", "textfont": {"size": int(13 * s)},
         "customdata": [
             [label, float(score), float(d)]
             for label, score, d in zip(labels, found.scores, found.distances, strict=True)
         ],
         "hovertemplate": "%{customdata[0]}<br>weight %{marker.color:.3f}<br>"
         "q · k = %{customdata[1]:.2f}<br>distance %{customdata[2]:.2f}<extra></extra>"},
        {"type": "scatter", "x": [qx], "y": [qy], "mode": "markers", "name": "query (you)",
         "marker": {"symbol": "x", "size": 16 * s, "color": theme.OKABE_ITO["vermillion"],
                    "line": {"width": 1, "color": look.text_color}},
         "hovertemplate": "query (%{x:.1f}, %{y:.1f})<extra></extra>"},
        {"type": "scatter", "x": [ox], "y": [oy], "mode": "markers",
         "name": "output (the blend of values)",
         "marker": {"symbol": "diamond", "size": 15 * s, "color": theme.OKABE_ITO["orange"],
                    "line": {"width": 1.5, "color": look.text_color}},
         "hovertemplate": "output (%{x:.2f}, %{y:.2f})<extra></extra>"},
    ]  # fmt: skip
    # The arrow from where you ask to what you get back.
    arrow = {
        "x": ox, "y": oy, "ax": qx, "ay": qy, "xref": "x", "yref": "y", "axref": "x",
        "ayref": "y", "showarrow": True, "arrowhead": 3, "arrowsize": 1.2,
        "arrowwidth": 1.5 * s, "arrowcolor": theme.OKABE_ITO["orange"], "standoff": 8 * s,
        "text": "",
    }  # fmt: skip
    axis = {"range": [-limit, limit], "zeroline": True, "fixedrange": True, "dtick": 1}
    layout = {
        "xaxis": {**axis, "title": {"text": ac.SPACE_AXES[0]}},
        "yaxis": {**axis, "title": {"text": ac.SPACE_AXES[1]}, "scaleanchor": "x",
                  "scaleratio": 1},
        "showlegend": True,
        "annotations": [arrow],
        # Under the plot: on a phone the legend wraps onto several lines over the chart.
        "legend": {"y": -0.15, "yanchor": "top"},
    }  # fmt: skip
    return theme.figure(traces, layout, height=520, look=look)
