"""Figures for the soft dictionary: scores and weights per key, and the vectors behind them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import attention_core as ac

from .. import theme
from ..formats import two_places
from ..theme import NORMAL, Figure, Look
from . import category_axis, heatmap_trace, two_panels


def scores_and_weights(lookup: ac.Lookup, *, look: Look = NORMAL) -> Figure:
    """Left: how well the query matches each key. Right: the softmax weights, key → value."""
    n = len(lookup.keys)
    rows = np.arange(n)
    axis = category_axis(
        [f"{k} → {v}" for k, v in zip(lookup.keys, lookup.values, strict=True)],
        autorange="reversed", title={"text": "keys → values (French → English)"},
    )  # fmt: skip
    labels = axis["ticktext"]
    colors = [theme.OKABE_ITO["blue"]] * n
    if lookup.leader is not None:  # no accent when no key won (a flat row, a tie)
        colors[lookup.leader] = theme.OKABE_ITO["orange"]
    scores = lookup.scaled_scores
    span = max(1.0, float(np.max(np.abs(scores))) * 1.1)
    # A number inside a long bar, outside a short one: a zero score still shows its "0.00".
    score_text_at = ["inside" if abs(v) > 0.4 * span else "outside" for v in scores]
    traces = [
        {"type": "bar", "x": scores, "y": rows, "orientation": "h", "xaxis": "x", "yaxis": "y",
         "marker": {"color": theme.OKABE_ITO["sky"]},
         "text": [two_places(v) for v in scores], "textposition": score_text_at,
         "cliponaxis": False, "customdata": labels,
         "hovertemplate": "%{customdata}<br>score %{x:.3f}<extra></extra>"},
        {"type": "bar", "x": lookup.weights, "y": rows, "orientation": "h", "xaxis": "x2",
         "yaxis": "y2", "marker": {"color": colors},
         "text": [f"{w:.2f}" for w in lookup.weights], "textposition": "outside",
         "cliponaxis": False, "customdata": labels,
         "hovertemplate": "%{customdata}<br>weight %{x:.3f}<extra></extra>"},
    ]  # fmt: skip
    layout = theme.merged(
        two_panels(("1. Score q · k", "2. Softmax: weight"), spacing=0.1, shared_y=True, look=look),
        {
            "xaxis": {"range": [min(0.0, -span), span], "title": {"text": "score (q · k)"}},
            "xaxis2": {"range": [0, 1.15], "title": {"text": "weight"}},
            "yaxis": axis,
            "showlegend": False,
            "bargap": 0.2 / look.scale,
        },
    )
    return theme.figure(traces, layout, height=120 + 26 * n, look=look)


def vectors_heatmap(
    lookup: ac.Lookup, feature_labels: Sequence[str], *, encoding: str, look: Look = NORMAL
) -> Figure:
    """The query vector on top of every key vector: where they share a feature, they match."""
    matrix = np.vstack([lookup.query_vector, lookup.keys_matrix])  # (1 + n_keys, d)
    labels = [f"query: {lookup.query}", *lookup.keys]
    limit = float(np.max(np.abs(matrix))) or 1.0
    heat = heatmap_trace(
        matrix, labels, feature_labels, zrange=(-limit, limit), colorscale=theme.SCORES_SCALE,
        colorbar_title="value", hover="%{customdata[0]}, %{customdata[1]}: %{z:.2f}", look=look,
    )  # fmt: skip
    title = (
        "Embeddings: meaning in named features"
        if encoding == "embedding"
        else "One-hot: every word its own column, so different words never overlap"
    )
    layout = {
        "title": {"text": title},
        "xaxis": category_axis(feature_labels, tickangle=-45),
        "yaxis": category_axis(labels, autorange="reversed"),
    }
    return theme.figure([heat], layout, height=140 + 22 * len(labels), look=look)
