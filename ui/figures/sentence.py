"""Figures for self-attention over a sentence: who looks at whom, and where each word moves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import attention_core as ac

from .. import theme
from ..formats import token_labels
from ..safe import plot_text
from ..theme import NORMAL, Figure, Look
from . import two_panels

#: Reference words drawn in each 2-D view: which meaning does a word move toward?
LANDMARKS = {
    "nature-money": ("river", "money"),
    "nature-animal": ("river", "dog"),
    "nature-action": ("river", "run"),
    "animal-action": ("dog", "run"),
    "money-person": ("money", "teacher"),
}


def projection_for(refinement: ac.Refinement, view: str) -> ac.Projection:
    """The 2-D view ``view``: two named features ("nature-money"), or "pca" fitted to the
    input and the refined embeddings together (so both fit in the same picture)."""
    if view == "pca":
        return ac.project_2d(np.vstack([refinement.embeddings, refinement.refined]), "pca")
    return ac.project_2d(refinement.embeddings, tuple(view.split("-")))


#: Points closer than this share of the plot's span get one label ("i · on · the"): a label of
#: its own each would print them on top of each other.
SAME_SPOT = 0.04


def shared_labels(points: np.ndarray, labels: Sequence[str], span: float) -> list[str]:
    """One label per spot: ``points (n, 2)`` within ``SAME_SPOT × span`` of a spot's first point
    join its label ("i · on · the", in sentence order, repeats once); the others get ""."""
    out = [""] * len(labels)
    anchors: list[int] = []
    members: dict[int, list[str]] = {}
    for i, point in enumerate(points):
        near = next(
            (a for a in anchors if np.linalg.norm(point - points[a]) <= SAME_SPOT * span), None
        )
        if near is None:
            anchors.append(i)
            members[i] = [labels[i]]
        elif labels[i] not in members[near]:
            members[near].append(labels[i])
    for anchor, words in members.items():
        out[anchor] = " · ".join(words)
    return out


def movement(
    refinement: ac.Refinement,
    projection: ac.Projection,
    *,
    focus: int,
    landmarks: Sequence[str] = (),
    look: Look = NORMAL,
) -> Figure:
    """Each word as an arrow from its input embedding to its refined embedding, in 2-D.

    ``focus`` is drawn boldly; ``landmarks`` are vocabulary words shown as faint reference points
    (e.g. "river" and "money") so students can see which meaning a word moves toward. Refined
    words that land on the same spot share one label (``shared_labels``).
    """
    s = look.scale
    start = projection(refinement.embeddings)  # (n, 2)
    end = projection(refinement.refined)  # (n, 2)
    labels = [plot_text(label) for label in token_labels(refinement)]
    marks = projection(np.array([ac.word_vector(w) for w in landmarks])) if landmarks else None
    drawn = np.vstack([start, end, *([marks] if marks is not None else [])])  # (m, 2)
    span = float(np.ptp(drawn, axis=0).max()) if len(drawn) else 0.0
    traces = []
    if landmarks:
        traces.append(
            {"type": "scatter", "x": marks[:, 0], "y": marks[:, 1], "mode": "markers+text",
             "name": "reference words", "text": [plot_text(w) for w in landmarks],
             "textposition": "bottom center",
             "marker": {"symbol": "diamond-open", "size": 11 * s,
                        "color": theme.OKABE_ITO["grey"], "line": {"width": 2 * s}},
             "hovertemplate": "reference word %{text}<extra></extra>"}
        )  # fmt: skip
    traces += [
        {"type": "scatter", "x": start[:, 0], "y": start[:, 1], "mode": "markers",
         "name": "input embedding",
         "marker": {"size": 9 * s, "color": theme.OKABE_ITO["sky"], "symbol": "circle-open",
                    "line": {"width": 2 * s}},
         "customdata": labels, "hovertemplate": "%{customdata} (input)<extra></extra>"},
        {"type": "scatter", "x": end[:, 0], "y": end[:, 1], "mode": "markers+text",
         "name": "refined embedding", "text": shared_labels(end, labels, span or 1.0),
         "textposition": "top center",
         "marker": {"size": 10 * s, "color": theme.OKABE_ITO["blue"]},
         "customdata": labels, "hovertemplate": "%{customdata} (refined)<extra></extra>"},
    ]  # fmt: skip
    # Arrows as annotations: a word's journey from what it meant alone to what it means here.
    arrows = [
        {"x": end[i, 0], "y": end[i, 1], "ax": start[i, 0], "ay": start[i, 1],
         "xref": "x", "yref": "y", "axref": "x", "ayref": "y", "text": "", "showarrow": True,
         "arrowhead": 3, "arrowsize": 1.2 if i == focus else 1,
         "arrowwidth": (3 if i == focus else 1.2) * s,
         "arrowcolor": theme.OKABE_ITO["vermillion" if i == focus else "grey"],
         "opacity": 1.0 if i == focus else 0.6}
        for i in range(len(labels))
    ]  # fmt: skip
    if len(labels):
        traces.append(
            {"type": "scatter", "x": [end[focus, 0]], "y": [end[focus, 1]], "mode": "markers",
             "name": "inspected word",
             "marker": {"size": 16 * s, "color": theme.OKABE_ITO["vermillion"],
                        "symbol": "star"},
             "customdata": [labels[focus]], "hovertemplate": "%{customdata}<extra></extra>"}
        )  # fmt: skip
    x_title, y_title = projection.axis_labels
    layout = {
        "xaxis": {"title": {"text": plot_text(x_title, 60)}, "zeroline": True},
        "yaxis": {"title": {"text": plot_text(y_title, 60)}, "zeroline": True,
                  "scaleanchor": "x", "scaleratio": 1},
        "title": {"text": "Where each word moves: input → refined"},
        "annotations": arrows,
        # Under the plot: on a phone the legend wraps onto several lines and would hide the title.
        "legend": {"y": -0.15, "yanchor": "top"},
    }  # fmt: skip
    return theme.figure(traces, layout, height=480, look=look)


def depth_curves(depth: ac.Depth, *, look: Look = NORMAL) -> Figure:
    """Two panels over the layers (0 = the embeddings): how alike the words are (mean cosine
    of every pair, 1 = all the same vector) and how long their vectors are (mean and longest,
    on a log scale: without layer norm a residual makes them grow fast)."""
    steps = np.arange(depth.layers + 1)
    norms = depth.norms  # (L + 1, n)
    has_words = norms.shape[1] > 0
    mean_norm = norms.mean(axis=1) if has_words else np.zeros(len(steps))
    longest = norms.max(axis=1) if has_words else np.zeros(len(steps))
    s = look.scale
    line = {"type": "scatter", "mode": "lines+markers", "x": steps}
    traces = [
        line | {"y": depth.mean_cosine, "name": "mean cosine of word pairs", "xaxis": "x",
                "yaxis": "y", "line": {"color": theme.OKABE_ITO["vermillion"], "width": 2 * s},
                "marker": {"size": 6 * s},
                "hovertemplate": "after layer %{x}: mean cosine %{y:.3f}<extra></extra>"},
        line | {"y": mean_norm, "name": "mean length", "xaxis": "x2", "yaxis": "y2",
                "line": {"color": theme.OKABE_ITO["blue"], "width": 2 * s},
                "marker": {"size": 6 * s},
                "hovertemplate": "after layer %{x}: mean length %{y:.2f}<extra></extra>"},
        line | {"y": longest, "name": "longest", "xaxis": "x2", "yaxis": "y2",
                "line": {"color": theme.OKABE_ITO["sky"], "width": 2 * s, "dash": "dot"},
                "marker": {"size": 6 * s},
                "hovertemplate": "after layer %{x}: longest %{y:.2f}<extra></extra>"},
    ]  # fmt: skip
    layout = two_panels(
        # Short: on a phone each panel gets ~170 px for its title.
        ("How alike (1 = the same)", "How long"),
        spacing=0.12,
        look=look,
    )
    positive = longest[longest > 0]
    low, high = (positive.min(), positive.max()) if positive.size else (1.0, 1.0)
    layer_axis = {"title": {"text": "layers applied"}, "dtick": max(1, depth.layers // 6)}
    layout["xaxis"] |= layer_axis
    layout["xaxis2"] |= layer_axis
    layout["yaxis"] |= {"range": [min(-0.05, float(depth.mean_cosine.min()) - 0.05), 1.05]}
    layout["yaxis2"] |= {
        "type": "log",
        "dtick": 1,  # 1, 10, 100: Plotly's in-between "2" and "5" read as values
        "exponentformat": "none",
        "range": [np.log10(low) - 0.1, np.log10(max(high, low * 10)) + 0.1],
    }
    layout["legend"] = {"y": -0.25, "yanchor": "top"}
    return theme.figure(traces, layout, height=360, look=look)
