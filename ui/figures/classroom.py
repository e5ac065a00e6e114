"""Figures for "notes in class": your notes as a grid of countries × topics, lit by the question."""

from __future__ import annotations

import numpy as np

import attention_core as ac

from .. import theme
from ..safe import plot_text, shorten
from ..theme import NORMAL, Figure, Look
from . import category_axis, heatmap_trace

#: The narrowest cell this chart gets is on a phone (390 px wide: three topics share ~260 px of
#: plot, ~85 px a cell): eleven characters of cell text fit on a line, so longer facts wrap.
CELL_CHARS = 11
#: Lines a cell may hold: two for the fact, one for its weight.
FACT_LINES = 2


def cell_lines(fact: str, width: int = CELL_CHARS, lines: int = FACT_LINES) -> list[str]:
    """``fact`` wrapped at spaces into at most ``lines`` lines of at most ``width`` characters
    ("English and French" -> ["English and", "French"]); what does not fit is shortened with "…"."""
    out: list[str] = []
    for word in fact.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    return [shorten(line, width) for line in out] or [""]


def notes_grid(found: ac.Answer, *, look: Look = NORMAL) -> Figure:
    """A heatmap with one row per country and one column per topic; colour = the note's weight.

    Each cell shows the note's fact (its value, wrapped to fit a phone's narrow cells, see
    ``CELL_CHARS``) and its weight in whole percent, on the fixed 0..1 colour range; the note
    the answer comes from is framed. The colour bar lies under the grid, so the three columns
    get the full width.
    """
    weights = found.weight_grid  # (n_countries, n_topics)
    facts = [
        ["<br>".join(plot_text(line) for line in cell_lines(fact)) for fact in row]
        for row in found.fact_grid
    ]
    heat = heatmap_trace(
        weights, ac.COUNTRIES, ac.TOPICS, zrange=(0, 1), colorscale=theme.WEIGHTS_SCALE,
        colorbar_title="weight", look=look,
        hover="%{customdata[0]} · %{customdata[1]}: %{customdata[2]}<br>weight %{z:.3f}",
        text=facts, texttemplate="%{text}<br>%{z:.0%}", xgap=2, ygap=2,
        textfont={"size": look.px(12)},
        colorbar={"title": {"text": "weight", "side": "right"}, "orientation": "h",
                  "y": -0.02, "yanchor": "top", "thickness": 12 * look.scale, "len": 1},
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
    # Three lines of 12 px text a cell: ~50 px a row (the look scales it with the font), and
    # room under the grid for the colour bar.
    return theme.figure([heat], layout, height=130 + 50 * len(ac.COUNTRIES), look=look)
