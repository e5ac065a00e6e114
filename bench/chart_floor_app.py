"""A second floor for bench/browser.py: the lessons' temperature control and one small chart.

The empty page (``empty_app.py``) draws nothing, so a lesson's step also pays for what no page
with a chart can avoid: Streamlit sending a figure and the browser redrawing it. This page pays
exactly that and nothing else: five bars, softmax of fixed scores at the slider's temperature
(computed inline), drawn as the lessons draw their charts, through ``ui.chart`` (one element
that keeps its Plotly graph and redraws it in place with ``Plotly.react``).

``ui.chart`` loads ``static/chart.js`` and ``static/plotly.min.js`` from Streamlit's static
serving, which serves the folder ``static/`` next to the *main script*: here ``bench/static``,
a symlink to the repository's ``static/`` (Streamlit follows it). The server needs
``server.enableStaticServing``, which the repository's ``.streamlit/config.toml`` sets (the
benchmark servers run from the repository root).
"""

import math

import streamlit as st

from ui.chart import draw
from ui.params import TEMPERATURES, format_number

t = st.select_slider(
    "Temperature", TEMPERATURES, 1.0, key="t", format_func=format_number, bind="query-params"
)
scores = (3.0, 1.5, 1.0, 0.5, -1.0)
top = max(scores)
e = [math.exp((s - top) / t) for s in scores]
weights = [v / sum(e) for v in e]
draw(
    {
        "data": [{"type": "bar", "x": ["sous", "près", "dans", "sur", "loin"], "y": weights}],
        "layout": {},
    },
    key="floor-chart",
    file="floor-chart",
    dark=False,
)
