"""Figures for "notes in class": your notes as a grid of countries × topics, lit by the question."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

import attention_core as ac

from .. import theme
from ..safe import plot_text
from ..theme import NORMAL, Look
from . import category_axis, heatmap_trace


def notes_grid(found: ac.Answer, *, look: Look = NORMAL) -> go.Figure:
    """A heatmap with one row per country and one column per topic; colour = the note's weight.

    Each cell shows the note's fact (its value) and its weight, on the fixed 0..1 colour range,
    and the note the answer comes from is framed.
    """
    weights = found.weight_grid  # (n_countries, n_topics)
    facts = [[plot_text(fact, limit=24) for fact in row] for row in found.fact_grid]
    heat = heatmap_trace(
        weights, ac.COUNTRIES, ac.TOPICS, zrange=(0, 1), colorscale=theme.WEIGHTS_SCALE,
        colorbar_title="weight", look=look,
        hover="%{customdata[0]} · %{customdata[1]}: %{customdata[2]}<br>weight %{z:.3f}",
        text=facts, texttemplate="%{text}<br>%{z:.0%}", xgap=2, ygap=2,
        # The hover names the note and its fact in full; the cell shows the fact shortened.
        customdata=[
            [(plot_text(country), plot_text(topic), plot_text(fact))
             for topic, fact in zip(ac.TOPICS, row, strict=True)]
            for country, row in zip(ac.COUNTRIES, found.fact_grid, strict=True)
        ],
    )  # fmt: skip
    layout = {
        "xaxis": category_axis(
            ac.TOPICS, side="top", title={"text": "topic (what the note is about)"}
        ),
        "yaxis": category_axis(
            ac.COUNTRIES, autorange="reversed", title={"text": "country (the note's label)"}
        ),
    }
    if found.answer is not None:
        # Frame the note the answer is read from.
        r, c = np.unravel_index(found.top, weights.shape)
        layout["shapes"] = [
            {"type": "rect", "x0": c - 0.5, "x1": c + 0.5, "y0": r - 0.5, "y1": r + 0.5,
             "line": {"color": theme.OKABE_ITO["orange"], "width": 3 * look.scale}}
        ]  # fmt: skip
    return theme.figure([heat], layout, height=120 + 40 * len(ac.COUNTRIES), look=look)
