"""Figures for "move the query": the 2-D space of keys, lit by where the query stands."""

from __future__ import annotations

from typing import Any

import numpy as np

import attention_core as ac

from .. import theme
from ..safe import plot_text
from ..theme import NORMAL, Figure, Look


def _rays(points: np.ndarray) -> tuple[list[float | None], list[float | None]]:
    """One line from the origin to each point, as a single trace (None breaks the line)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x, y in points:
        xs += [0.0, float(x), None]
        ys += [0.0, float(y), None]
    return xs, ys


#: Where a key's label may go, in order of preference (Plotly's ``textposition`` names).
LABEL_SPOTS = ("top center", "bottom center", "middle right", "middle left")
#: Pixels per data unit the space may be drawn at: a narrow phone (~25) to a projector (~100).
#: Densely: whether a label reaches the query is not monotonic in the scale.
PX_PER_UNIT = tuple(float(p) for p in range(24, 104, 4))
#: From this scale up (a laptop), labels also keep off each other where they can.
LABELS_APART_FROM = 35.0
#: A character's width, as a share of the font size (generous, so the estimate is a bound).
CHAR_WIDTH = 0.65


def label_box(
    x: float, y: float, spot: str, text: str, *, font_px: float, marker_px: float, ppu: Any
) -> tuple[Any, Any, Any, Any]:
    """The box ``(x0, y0, x1, y1)``, in data units, a label ``text`` at ``spot`` around a
    marker of diameter ``marker_px`` at ``(x, y)`` takes when one unit is ``ppu`` pixels
    (a number, or an array of them: then each coordinate is an array too)."""
    w, h = len(text) * font_px * CHAR_WIDTH / ppu, font_px * 1.3 / ppu
    gap = (marker_px / 2 + 3) / ppu
    if spot == "top center":
        return (x - w / 2, y + gap, x + w / 2, y + gap + h)
    if spot == "bottom center":
        return (x - w / 2, y - gap - h, x + w / 2, y - gap)
    if spot == "middle right":
        return (x + gap, y - h / 2, x + gap + w, y + h / 2)
    return (x - gap - w, y - h / 2, x - gap, y + h / 2)


def overlaps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Do the boxes ``a`` and ``b`` (``(..., 4)``: x0, y0, x1, y1) overlap? Elementwise."""
    return (
        (a[..., 0] < b[..., 2]) & (a[..., 2] > b[..., 0])
        & (a[..., 1] < b[..., 3]) & (a[..., 3] > b[..., 1])
    )  # fmt: skip


def label_spots(
    points: np.ndarray,
    texts: list[str],
    marker_px: np.ndarray,
    avoid: list[tuple[float, float, float]],
    *,
    font_px: float,
) -> list[str]:
    """Each key's label spot, one of ``LABEL_SPOTS``, at every size the chart is drawn
    (``PX_PER_UNIT``): clear of the markers in ``avoid`` (``x, y, radius in px``; the first, the
    query, must stay clear) and of the labels placed before it, where it can be; the query
    never hides a key's name."""
    ppu = np.array(PX_PER_UNIT)  # (p,)
    apart = ppu >= LABELS_APART_FROM  # (p,)
    # Each avoided marker as a square box at every scale: (m, p, 4).
    markers = np.array(
        [np.stack([ax - r / ppu, ay - r / ppu, ax + r / ppu, ay + r / ppu], -1)
         for ax, ay, r in avoid]
    )  # fmt: skip
    placed: list[np.ndarray] = []  # each placed label's box at every scale: (p, 4)
    spots = []
    for (x, y), text, size in zip(points, texts, marker_px, strict=True):
        boxes = np.array(
            [
                np.stack(label_box(x, y, spot, text, font_px=font_px, marker_px=size, ppu=ppu), -1)
                for spot in LABEL_SPOTS
            ]
        )  # fmt: skip  (spots, p, 4)
        hits_marker = overlaps(boxes[:, None], markers[None]).any(axis=2)  # (spots, m)
        hits_label = (
            (overlaps(boxes[:, None], np.array(placed)[None]) & apart).any(axis=(1, 2))
            if placed
            else np.zeros(len(LABEL_SPOTS), dtype=bool)
        )  # (spots,)
        # Most careful first; the query stays clear whatever else must give.
        tiers = (
            ~hits_marker.any(axis=1) & ~hits_label,
            ~hits_marker[:, 0] & ~hits_label,
            ~hits_marker[:, 0],
        )
        choice = next((int(np.argmax(ok)) for ok in tiers if ok.any()), 0)
        spots.append(LABEL_SPOTS[choice])
        placed.append(boxes[choice])
    return spots


def space(found: ac.Probe, *, look: Look = NORMAL) -> Figure:
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
    texts = [f"{label} {w:.0%}" for label, w in zip(labels, weights, strict=True)]
    marker_px = (10 + 38 * weights) * s
    # Labels step aside for the query's cross (and the output's diamond) wherever they stand.
    spots = label_spots(
        found.keys_matrix, [f"{k} {w:.0%}" for k, w in zip(found.keys, weights, strict=True)],
        marker_px, [(qx, qy, 8 * s + 2), (ox, oy, 7.5 * s + 2)], font_px=13 * s,
    )  # fmt: skip
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
             "size": marker_px,
             "opacity": 0.3 + 0.7 * weights,
             "color": weights, "cmin": 0, "cmax": 1, "colorscale": theme.WEIGHTS_SCALE,
             "colorbar": {"title": {"text": "weight"}, "len": 0.6, "y": 0.3},
             "line": {"width": 1, "color": look.text_color},
         },
         "text": texts, "textposition": spots, "textfont": {"size": int(13 * s)},
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
