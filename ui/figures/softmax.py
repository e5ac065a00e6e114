"""Figures for softmax and temperature: the scores you set, and the weights made of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

import attention_core as ac

from .. import theme
from ..formats import format_number
from ..lessons import SCORE_RANGE
from ..theme import NORMAL, Figure, Look
from . import category_axis, two_panels

# Reference temperatures in the overlay, each with its own Okabe-Ito colour; the chosen one is blue.
_REFERENCE_COLORS = ("vermillion", "green", "sky", "purple", "yellow")


def temperature_name(t: float, *, chosen: bool = False, verdict: str = "") -> str:
    """The legend name of a temperature's bars: "T = 0.1", "T = 1 (yours)",
    "T = 0.1 (hard lookup)", "T = 1 (yours: soft)"."""
    notes = ", ".join(n for n in ("yours" if chosen else "", verdict) if n)
    if chosen and verdict:
        notes = f"yours: {verdict}"
    return f"T = {format_number(t)}" + (f" ({notes})" if notes else "")


def scores_and_weights(
    labels: Sequence[str],
    scores: np.ndarray,
    weights_by_t: Mapping[float, np.ndarray],
    chosen: float,
    *,
    verdicts: Mapping[float, str] | None = None,
    look: Look = NORMAL,
) -> Figure:
    """Left: the raw scores. Right: softmax weights at the chosen temperature (and any others).

    ``weights_by_t`` maps each temperature to its weights ``(n,)``; with more than one entry the
    bars are grouped, one colour per temperature, so the sharpening is visible side by side.
    ``verdicts`` (a few words per temperature, e.g. "hard lookup") go into the legend.
    """
    verdicts = verdicts or {}
    keys_axis = category_axis(labels, title={"text": "keys"})
    positions, ticks = keys_axis["tickvals"], keys_axis["ticktext"]
    traces = [
        {"type": "bar", "x": positions, "y": scores, "name": "score", "showlegend": False,
         "xaxis": "x", "yaxis": "y",
         "marker": {"color": theme.OKABE_ITO["grey"], "line": {"width": 0}},
         "text": [f"{v:.1f}" for v in scores], "textposition": "outside", "cliponaxis": False,
         "customdata": ticks, "hovertemplate": "%{customdata}<br>score %{y:.2f}<extra></extra>"},
    ]  # fmt: skip

    comparing = len(weights_by_t) > 1
    # Every key tied for the top weight gets the accent: a tie shares the spotlight.
    top = np.zeros(len(weights_by_t[chosen]), dtype=bool)  # the one tie rule: as the sentence
    top[list(ac.largest(weights_by_t[chosen]))] = True
    if top.all():  # every key ties: nothing stands out, so nothing gets the accent
        top[:] = False
    references = iter(_REFERENCE_COLORS)
    for t in sorted(weights_by_t):
        weights = weights_by_t[t]
        is_chosen = t == chosen
        if is_chosen and not comparing:
            # One temperature: the brightest key in orange, as on every other page.
            colors: str | list[str] = [
                theme.OKABE_ITO["orange" if is_top else "blue"] for is_top in top
            ]
        else:
            colors = theme.OKABE_ITO["blue" if is_chosen else next(references)]
        bar = {
            "type": "bar", "x": positions, "y": weights, "xaxis": "x2", "yaxis": "y2",
            "name": temperature_name(
                t, chosen=is_chosen and comparing, verdict=verdicts.get(t, "")
            ),
            "marker": {"color": colors, "line": {"width": 0}},
            "textposition": "outside", "cliponaxis": False, "customdata": ticks,
            "hovertemplate": f"%{{customdata}}<br>{temperature_name(t)}: weight %{{y:.3f}}"
            "<extra></extra>",
        }  # fmt: skip
        if not comparing:  # side by side the numbers shrink to unreadable (hover instead)
            bar["text"] = [f"{w:.2f}" for w in weights]
        traces.append(bar)

    low, high = SCORE_RANGE  # the sliders' range: the scores panel never rescales as you drag
    layout = theme.merged(
        two_panels(
            # Two short lines each: side by side on a phone, longer titles run into each other.
            ("1. The scores<br>you set", "2. Softmax: the weights<br>(they sum to 1)"),
            widths=(0.38, 0.62),
            spacing=0.12,
            look=look,
        ),
        {
            "xaxis": keys_axis,
            "xaxis2": keys_axis,
            "yaxis": {"range": [low - 1, high + 1], "title": {"text": "score"}, "zeroline": True},
            # No axis title between the panels: on a phone it lands on the scores' last bar
            # (the panel's title already says "weights").
            "yaxis2": {"range": [0, 1.15]},
            "showlegend": comparing,
            "barmode": "group",
            "bargap": 0.25 / look.scale,
            "bargroupgap": 0.05,
            # The subplot titles sit on top, so the legend of temperatures goes under the keys.
            "legend": {"y": -0.22, "yanchor": "top"},
        },
    )
    return theme.figure(traces, layout, height=380, look=look)
