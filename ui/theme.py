"""Colours, sizes and projector mode, shared by every chart.

Colour-blind-safe by construction: Viridis for weights (sequential, readable in grey),
Okabe-Ito for categories. Projector mode enlarges text through one root font-size rule, which
Streamlit's rem-based layout and its Plotly theme both follow, and thickens marks and lines here.
"""

from __future__ import annotations

from typing import Any

# pandas before any chart, on purpose (~0.7 s, once per process, under the import lock).
# Plotly checks ``isinstance(v, pd.Series)`` on every figure through ``sys.modules["pandas"]``
# without importing it; while another session's thread is still importing pandas (the first
# st.dataframe on a server, e.g. lesson 4 or any opened table), that is a half-initialised
# module and the chart fails with "partially initialized module 'pandas' has no attribute
# 'Series'". Seen by bench/school.py: a fresh replica taking many sessions at once (a class
# opening the link, or students reconnecting after a failover) showed exceptions.
import pandas  # noqa: F401
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import get_colorscale

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
# Colour scales as explicit stops: a name would reach plotly.js unexpanded (charts skip Plotly's
# validation, see ``figure``), and plotly.js's own "RdBu" runs the other way round.
#: Weights always use the same scale and the same 0..1 range, so colours compare across views.
WEIGHTS_SCALE = get_colorscale("Viridis")
#: Signed scores: a diverging scale that stays readable for colour-blind viewers.
SCORES_SCALE = get_colorscale("RdBu")

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


def base_layout(*, height: int, titled: bool) -> dict[str, Any]:
    """What every chart shares: tight margins, scaled height and fonts, legend on top."""
    s = scale()
    return {
        "height": int(height * s),
        "margin": {"l": 10, "r": 10, "t": 50 if titled else 10, "b": 10},
        "font": {"size": int(14 * s)},
        "hoverlabel": {"font": {"size": int(14 * s)}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    }


def figure(traces: list[dict[str, Any]], layout: dict[str, Any], *, height: int) -> go.Figure:
    """A chart from plain trace and layout dicts, on top of ``base_layout``.

    Plotly checks every property as a figure is built, which cost 10-20 ms per chart, most of a
    rerun; here the dicts go in unchecked (~1 ms). tests/test_figures.py checks every builder's
    output against Plotly's full schema instead, so a typo still fails, in CI rather than live.
    """
    titled = bool(layout.get("title", {}).get("text") or layout.get("annotations"))
    spec = {"data": traces, "layout": merged(base_layout(height=height, titled=titled), layout)}
    return go.Figure(spec, _validate=False)


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` on top of ``base``, nested dicts merged key by key."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out
