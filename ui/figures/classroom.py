"""Figures for "notes in class": your notes as a grid of countries × topics, lit by the question."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

import attention_core as ac

from .. import theme
from ..safe import plot_text

#: How a note's label joins its country and topic ("France · capital").
LABEL_SEPARATOR = " · "


def notes_grid(found: ac.Lookup) -> go.Figure:
    """A heatmap with one row per country and one column per topic; colour = the note's weight.

    Each cell shows the note's fact (its value) and its weight, on the fixed 0..1 colour range,
    and the note the answer comes from is framed.
    """
    s = theme.scale()
    # Rows and columns in the notes' own order, read off their labels ("France · capital").
    parts = [label.split(LABEL_SEPARATOR, 1) for label in found.keys]
    countries = list(dict.fromkeys(country for country, _ in parts))
    topics = list(dict.fromkeys(topic for _, topic in parts))
    weights = np.zeros((len(countries), len(topics)))  # (n_countries, n_topics)
    facts = [[""] * len(topics) for _ in countries]
    hover = [[""] * len(topics) for _ in countries]
    for (country, topic), fact, label, w in zip(
        parts, found.values, found.keys, found.weights, strict=True
    ):
        r, c = countries.index(country), topics.index(topic)
        weights[r, c] = w
        facts[r][c] = plot_text(fact, limit=24)
        hover[r][c] = f"{plot_text(label)}: {plot_text(fact)}"

    heat = {
        "type": "heatmap", "z": weights, "x": np.arange(len(topics)),
        "y": np.arange(len(countries)), "zmin": 0, "zmax": 1,
        "colorscale": theme.WEIGHTS_SCALE, "colorbar": {"title": {"text": "weight"}},
        "text": facts, "texttemplate": "%{text}<br>%{z:.0%}", "textfont": {"size": int(13 * s)},
        "customdata": hover, "hovertemplate": "%{customdata}<br>weight %{z:.3f}<extra></extra>",
        "xgap": 2, "ygap": 2,
    }  # fmt: skip
    layout = {
        "xaxis": {"tickmode": "array", "tickvals": np.arange(len(topics)),
                  "ticktext": [plot_text(t) for t in topics], "side": "top",
                  "title": {"text": "topic (what the note is about)"}},
        "yaxis": {"tickmode": "array", "tickvals": np.arange(len(countries)),
                  "ticktext": [plot_text(c) for c in countries], "autorange": "reversed",
                  "title": {"text": "country (the note's label)"}},
    }  # fmt: skip
    if found.answer is not None:
        # Frame the note the answer is read from.
        r, c = np.unravel_index(int(np.argmax(weights)), weights.shape)
        layout["shapes"] = [
            {"type": "rect", "x0": c - 0.5, "x1": c + 0.5, "y0": r - 0.5, "y1": r + 0.5,
             "line": {"color": theme.OKABE_ITO["orange"], "width": 3 * s}}
        ]  # fmt: skip
    return theme.figure([heat], layout, height=120 + 40 * len(countries))
