"""Colours, sizes and projector mode, shared by every chart.

Colour-blind-safe by construction: Viridis for weights (sequential, readable in grey),
Okabe-Ito for categories. Projector mode enlarges text through one root font-size rule, which
Streamlit's rem-based layout and its Plotly theme both follow, and thickens marks and lines here.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

#: Okabe & Ito (2008), the categorical palette readable with every colour-vision deficiency.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "purple": "#CC79A7",
    "grey": "#999999",
}
#: Weights always use the same scale and the same 0..1 range, so colours compare across views.
WEIGHTS_SCALE = "Viridis"
#: Signed scores: a diverging scale that stays readable for colour-blind viewers.
SCORES_SCALE = "RdBu"

BASE_FONT_PX = 16
PROJECTOR_FONT_PX = 24  # 1.5x: legible from the back of a classroom
# Style only, no user text: Streamlit sizes everything in rem, so this one rule scales the page.
_PROJECTOR_CSS = (
    f"<style>html{{font-size:{PROJECTOR_FONT_PX}px}}"
    ".block-container{max-width:100%;padding-left:2rem;padding-right:2rem}</style>"
)


def projector_on() -> bool:
    return bool(st.session_state.get("projector", False))


def scale() -> float:
    """How much bigger marks, lines and chart heights are: 1.5 on a projector."""
    return PROJECTOR_FONT_PX / BASE_FONT_PX if projector_on() else 1.0


def apply_projector_css() -> None:
    if projector_on():
        st.html(_PROJECTOR_CSS)


def is_dark() -> bool:
    try:
        return st.context.theme.type == "dark"
    except Exception:  # no browser context (tests, bare mode)
        return False


def text_color() -> str:
    return "#FAFAFA" if is_dark() else "#31333F"


def finish(fig: go.Figure, *, height: int = 360) -> go.Figure:
    """Common layout: tight margins, scaled height and fonts, readable hover labels."""
    s = scale()
    fig.update_layout(
        height=int(height * s),
        margin={
            "l": 10,
            "r": 10,
            "t": 50 if fig.layout.title.text or fig.layout.annotations else 10,
            "b": 10,
        },
        font={"size": int(14 * s)},
        hoverlabel={"font": {"size": int(14 * s)}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig
