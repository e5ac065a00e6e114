"""Figures for softmax and temperature: the scores you set, and the weights made of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import theme
from ..params import format_number
from ..safe import plot_text

#: The score sliders' range, so the scores panel never rescales while you drag.
SCORE_RANGE = (-5.0, 5.0)

# Reference temperatures in the overlay, each with its own Okabe-Ito colour; the chosen one is blue.
_REFERENCE_COLORS = ("vermillion", "green", "sky", "purple", "yellow")


def temperature_name(t: float, *, chosen: bool = False) -> str:
    """The legend name of a temperature's bars: "T = 0.1", "T = 1 (yours)"."""
    return f"T = {format_number(t)}" + (" (yours)" if chosen else "")


def scores_and_weights(
    labels: Sequence[str],
    scores: np.ndarray,
    weights_by_t: Mapping[float, np.ndarray],
    chosen: float,
) -> go.Figure:
    """Left: the raw scores. Right: softmax weights at the chosen temperature (and any others).

    ``weights_by_t`` maps each temperature to its weights ``(n,)``; with more than one entry the
    bars are grouped, one colour per temperature, so the sharpening is visible side by side.
    """
    s = theme.scale()
    n = len(labels)
    positions = np.arange(n)
    ticks = [plot_text(label) for label in labels]
    fig = make_subplots(
        rows=1, cols=2, column_widths=[0.38, 0.62], horizontal_spacing=0.12,
        subplot_titles=("1. The scores you set", "2. Softmax: the weights (they sum to 1)"),
    )  # fmt: skip
    fig.add_trace(
        go.Bar(
            x=positions, y=scores, name="score", showlegend=False,
            marker={"color": theme.OKABE_ITO["grey"], "line": {"width": 0}},
            text=[f"{v:.1f}" for v in scores], textposition="outside", cliponaxis=False,
            customdata=ticks, hovertemplate="%{customdata}<br>score %{y:.2f}<extra></extra>",
        ),
        row=1, col=1,
    )  # fmt: skip

    comparing = len(weights_by_t) > 1
    # Every key tied for the top weight gets the accent: a tie shares the spotlight.
    top = np.isclose(weights_by_t[chosen], np.max(weights_by_t[chosen]))
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
        fig.add_trace(
            go.Bar(
                x=positions, y=weights, name=temperature_name(t, chosen=is_chosen and comparing),
                marker={"color": colors, "line": {"width": 0}},
                # Numbers only when alone: side by side they shrink to unreadable (hover instead).
                text=None if comparing else [f"{w:.2f}" for w in weights],
                textposition="outside", cliponaxis=False, customdata=ticks,
                hovertemplate=f"%{{customdata}}<br>{temperature_name(t)}: weight %{{y:.3f}}"
                "<extra></extra>",
            ),
            row=1, col=2,
        )  # fmt: skip

    for col in (1, 2):
        fig.update_xaxes(tickmode="array", tickvals=positions, ticktext=ticks,
                         title_text="keys", row=1, col=col)  # fmt: skip
    low, high = SCORE_RANGE
    fig.update_yaxes(range=[low - 1, high + 1], title_text="score", zeroline=True, row=1, col=1)
    fig.update_yaxes(range=[0, 1.15], title_text="weight", row=1, col=2)
    fig.update_layout(showlegend=comparing, barmode="group", bargap=0.25 / s, bargroupgap=0.05)
    fig.update_annotations(font_size=int(14 * s))
    theme.finish(fig, height=380)
    # The subplot titles sit on top, so the legend of temperatures goes underneath the keys.
    fig.update_layout(legend={"y": -0.22, "yanchor": "top"})
    return fig
