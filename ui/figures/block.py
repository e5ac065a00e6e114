"""Lesson 13's charts: what each sublayer adds to one token, the feed-forward's units, a semantic
search, and the two temperatures side by side. Pure functions of the core's numbers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import attention_core as ac
from attention_core.block import GELU_MIN, UpdateSizes
from attention_core.sampling import NextWord

from .. import theme
from ..safe import plot_text
from ..theme import NORMAL, Figure, Look
from . import category_axis, two_panels

#: The two sublayers, each in its own colour on every chart of the lesson.
SUBLAYER_COLORS = {"attention": "blue", "feed-forward": "vermillion"}


def update_sizes_chart(sizes: UpdateSizes, token: str, *, look: Look = NORMAL) -> Figure:
    """Per layer, two bars: attention's update and the feed-forward's, each as a share of the
    stream it is added to."""
    layers = np.arange(1, len(sizes.attention) + 1)
    traces = [
        {
            "type": "bar",
            "x": layers,
            "y": values,
            "name": name,
            "marker": {"color": theme.OKABE_ITO[SUBLAYER_COLORS[name]], "line": {"width": 0}},
            "text": [ac.percent(v) for v in values],
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": f"layer %{{x}}: {name} adds %{{y:.1%}} of the stream<extra></extra>",
        }
        for name, values in (("attention", sizes.attention), ("feed-forward", sizes.feed_forward))
    ]
    top = float(max(sizes.attention.max(), sizes.feed_forward.max()))
    layout = {
        "title": {"text": f"What each sublayer adds to “{plot_text(token, 24)}”"},
        "xaxis": {"tickmode": "array", "tickvals": layers, "title": {"text": "layer"}},
        "yaxis": {
            "range": [0, top * 1.22 + 0.02],
            "tickformat": ".0%",
            "title": {"text": "update ÷ stream (length)"},
        },
        "barmode": "group",
        "legend": {"y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    }
    return theme.figure(traces, layout, height=360, look=look)


def units_chart(
    units: np.ndarray, top: Sequence[int], layer: int, token: str, *, look: Look = NORMAL
) -> Figure:
    """All of one token's feed-forward units in one layer (``units (f,)``), the ``top`` ones
    marked and numbered (``layer`` counted from 1)."""
    index = np.arange(len(units))
    top = list(top)
    traces = [
        {
            "type": "scattergl", "mode": "markers", "x": index, "y": units, "name": "every unit",
            "marker": {"color": theme.OKABE_ITO["grey"], "size": 3 * look.scale},
            "hovertemplate": "unit %{x}: %{y:.2f}<extra></extra>",
        },
        {
            "type": "scatter", "mode": "markers+text", "x": index[top], "y": units[top],
            "name": f"the {len(top)} most active",
            "marker": {"color": theme.OKABE_ITO["orange"], "size": 9 * look.scale},
            "text": [f"#{i}" for i in top], "textposition": "top center", "cliponaxis": False,
            "hovertemplate": "unit %{x}: %{y:.2f}<extra></extra>",
        },
    ]  # fmt: skip
    high = float(units.max()) if len(units) else 1.0
    layout = {
        "title": {
            "text": f"Layer {layer}: the {len(units):,} units of the feed-forward network for "
            f"“{plot_text(token, 20)}”"
        },
        "xaxis": {"title": {"text": "unit"}, "range": [-20, len(units) + 20]},
        "yaxis": {
            "title": {"text": "activation after GELU"},
            "range": [GELU_MIN - 0.3, high * 1.15 + 0.1],
            "zeroline": True,
        },
        "legend": {"y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"},
    }
    return theme.figure(traces, layout, height=360, look=look)


def search_chart(
    scores: np.ndarray, notes: Sequence[str], best: frozenset[int], *, look: Look = NORMAL
) -> Figure:
    """One bar per note: its cosine similarity with the question; the best note(s) in orange."""
    axis = category_axis([f"{i + 1}. {note}" for i, note in enumerate(notes)], autorange="reversed")
    axis["ticktext"] = [plot_text(f"{i + 1}. {note}", 34) for i, note in enumerate(notes)]
    bar = {
        "type": "bar", "orientation": "h", "y": axis["tickvals"], "x": scores,
        "marker": {
            "color": [theme.OKABE_ITO["orange" if i in best else "blue"]
                      for i in range(len(notes))],
            "line": {"width": 0},
        },
        "text": [f"{s:.2f}" for s in scores], "textposition": "outside", "cliponaxis": False,
        "customdata": axis["ticktext"],
        "hovertemplate": "%{customdata}<br>cosine %{x:.3f}<extra></extra>",
    }  # fmt: skip
    low = min(0.0, float(scores.min()) if len(scores) else 0.0)
    layout = {
        "title": {"text": "Your question against every note: cosine similarity"},
        "yaxis": axis,
        "xaxis": {"range": [low - 0.05, 1.12], "title": {"text": "cosine (1 = same direction)"}},
        "showlegend": False,
    }
    return theme.figure([bar], layout, height=120 + 44 * max(len(notes), 1), look=look)


def two_temperatures(
    keys: Sequence[str],
    attention_weights: np.ndarray,
    t: float,
    words: Sequence[str],
    next_word: NextWord,
    out_t: float,
    *,
    look: Look = NORMAL,
) -> Figure:
    """Left: lesson 3's attention weights at the attention temperature ``t``. Right: the
    chatbot's next-word probabilities at the output temperature ``out_t``, after top-k and
    top-p (cut words shown as an empty outline of their probability before the cut)."""
    left = category_axis(keys, title={"text": "keys (lesson 3)"})
    right = category_axis(words, title={"text": "next word"}, tickangle=-45)
    top = ac.largest(attention_weights)
    traces = [
        {
            "type": "bar", "x": left["tickvals"], "y": attention_weights, "xaxis": "x",
            "yaxis": "y", "name": "attention weight",
            "marker": {"color": [theme.OKABE_ITO["orange" if i in top else "blue"]
                                 for i in range(len(keys))], "line": {"width": 0}},
            "text": [f"{w:.2f}" for w in attention_weights], "textposition": "outside",
            "cliponaxis": False, "customdata": left["ticktext"],
            "hovertemplate": "%{customdata}: weight %{y:.3f}<extra></extra>",
        },
        {
            "type": "bar", "x": right["tickvals"], "y": next_word.softmax, "xaxis": "x2",
            "yaxis": "y2", "name": "before the cut",
            "marker": {"color": "rgba(0,0,0,0)",
                       "line": {"color": theme.OKABE_ITO["grey"], "width": 1.5 * look.scale}},
            "customdata": right["ticktext"],
            "hovertemplate": "%{customdata}: %{y:.3f} before top-k and top-p<extra></extra>",
        },
        {
            "type": "bar", "x": right["tickvals"], "y": next_word.probabilities, "xaxis": "x2",
            "yaxis": "y2", "name": "probability",
            "marker": {"color": theme.OKABE_ITO["vermillion"], "line": {"width": 0}},
            "text": [f"{p:.2f}" if kept else "cut"
                     for p, kept in zip(next_word.probabilities, next_word.kept, strict=True)],
            "textposition": "outside", "cliponaxis": False, "customdata": right["ticktext"],
            "hovertemplate": "%{customdata}: probability %{y:.3f}<extra></extra>",
        },
    ]  # fmt: skip
    layout = theme.merged(
        two_panels(
            (
                f"Inside attention (lessons 1–3)<br>T = {t:g}: weights over keys",
                f"The chatbot's output<br>T = {out_t:g}: next-word probabilities",
            ),
            widths=(0.4, 0.6),
            spacing=0.1,
            look=look,
        ),
        {
            "xaxis": left,
            "xaxis2": right,
            "yaxis": {"range": [0, 1.18]},
            "yaxis2": {"range": [0, 1.18]},
            "barmode": "overlay",
            "showlegend": False,
        },
    )
    return theme.figure(traces, layout, height=370, look=look)
