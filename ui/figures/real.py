"""Lesson 11's charts: one head of the real model, all 72 heads at a glance, a word's drift.

The one-head heatmap is ``weights_heatmap`` (the axes and colours of lessons 6–9). The 6 × 12
grid is ONE heatmap trace: every head's pattern tiled into a single matrix with a blank row and
column between tiles, so the whole model costs one small trace instead of 72 subplots.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import theme
from ..safe import plot_text
from ..theme import NORMAL, Figure, Look
from . import weights_heatmap

#: The grid shows at most this many tokens per head (the first ones): 72 tiles of 128 × 128
#: would be 1.2 million cells for a thumbnail. The big heatmap always shows every token.
GRID_TOKENS = 32
#: Tallest the one-head heatmap gets (before projector scaling): a long text's rows get thin.
MAX_HEATMAP_HEIGHT = 900


def head_heatmap(
    weights: np.ndarray, labels: Sequence[str], *, title: str, look: Look = NORMAL
) -> Figure:
    """One head's ``(n, n)`` weights, as every lesson draws attention; capped in height."""
    fig = weights_heatmap(
        weights,
        labels,
        labels,
        title=title,
        x_title="keys (the tokens it looks at)",
        y_title="queries (the token that asks)",
        look=look,
    )
    cap = int(MAX_HEATMAP_HEIGHT * look.scale)
    fig["layout"]["height"] = min(fig["layout"]["height"], cap)
    return fig


def head_grid(weights: np.ndarray, selected: tuple[int, int], *, look: Look = NORMAL) -> Figure:
    """Every head's pattern, layers down and heads across, ``selected`` (0-based) outlined.

    ``weights (layers, heads, n, n)``; tiles show the first ``GRID_TOKENS`` tokens."""
    n_layers, n_heads, n, _ = weights.shape
    m = min(n, GRID_TOKENS)
    step = m + 1  # a tile and its gap
    z = np.full((n_layers * step - 1, n_heads * step - 1), np.nan)
    for layer in range(n_layers):
        for head in range(n_heads):
            z[layer * step : layer * step + m, head * step : head * step + m] = weights[
                layer, head, :m, :m
            ]
    heat = {
        "type": "heatmap",
        "z": z,
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": theme.WEIGHTS_SCALE,
        "showscale": False,
        "hoverinfo": "skip",
    }
    layer, head = selected
    outline = {
        "type": "rect",
        "x0": head * step - 1.0,
        "x1": head * step + m,
        "y0": layer * step - 1.0,
        "y1": layer * step + m,
        "line": {"color": theme.OKABE_ITO["orange"], "width": 3 * look.scale},
    }
    centres = (m - 1) / 2 + step * np.arange(max(n_layers, n_heads))
    layout = {
        "title": {"text": "The whole model at a glance: 6 layers × 12 heads"},
        "xaxis": {
            "tickmode": "array",
            "tickvals": centres[:n_heads],
            "ticktext": [str(h + 1) for h in range(n_heads)],
            "title": {"text": "head"},
            "showgrid": False,
            "zeroline": False,
        },
        "yaxis": {
            "tickmode": "array",
            "tickvals": centres[:n_layers],
            "ticktext": [str(i + 1) for i in range(n_layers)],
            "title": {"text": "layer"},
            "autorange": "reversed",
            "showgrid": False,
            "zeroline": False,
            "scaleanchor": "x",
            "constrain": "domain",
        },
        "shapes": [outline],
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    return theme.figure([heat], layout, height=320, look=look)


def drift_chart(cosine: np.ndarray, word: str, *, look: Look = NORMAL) -> Figure:
    """Cosine similarity of ``word``'s two vectors at the embeddings (0) and after each layer."""
    layers = np.arange(len(cosine))
    line = {
        "type": "scatter",
        "mode": "lines+markers+text",
        "x": layers,
        "y": cosine,
        "text": [f"{c:.2f}" for c in cosine],
        "textposition": "top center",
        "cliponaxis": False,
        "line": {"color": theme.OKABE_ITO["blue"], "width": 3 * look.scale},
        "marker": {"size": 9 * look.scale},
        "hovertemplate": "after layer %{x}: cosine %{y:.3f}<extra></extra>",
        "name": "cosine",
    }
    low = float(np.nanmin(cosine)) if len(cosine) else 0.0
    layout = {
        "title": {"text": f"“{plot_text(word, 30)}” in the two sentences, layer by layer"},
        "xaxis": {
            "tickmode": "array",
            "tickvals": layers,
            "ticktext": ["embeddings", *(str(k) for k in layers[1:])],
            "title": {"text": "layer"},
        },
        "yaxis": {
            "range": [min(low - 0.08, 0.5), 1.06],
            "title": {"text": "cosine similarity (1 = same direction)"},
        },
        "showlegend": False,
    }
    return theme.figure([line], layout, height=340, look=look)
