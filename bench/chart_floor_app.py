"""A second floor for bench/browser.py: the lessons' temperature control and one small chart.

The empty page (``empty_app.py``) draws nothing, so a lesson's step also pays for what no page
with a chart can avoid: Streamlit sending a Plotly figure and the browser redrawing it. This page
pays exactly that and nothing else: five bars, softmax of fixed scores at the slider's
temperature (computed inline, so no app module is imported).
"""

import math

import plotly.graph_objects as go
import streamlit as st

from ui.params import TEMPERATURES, format_number

t = st.select_slider(
    "Temperature", TEMPERATURES, 1.0, key="t", format_func=format_number, bind="query-params"
)
scores = (3.0, 1.5, 1.0, 0.5, -1.0)
top = max(scores)
e = [math.exp((s - top) / t) for s in scores]
weights = [v / sum(e) for v in e]
st.plotly_chart(
    go.Figure(go.Bar(x=["sous", "près", "dans", "sur", "loin"], y=weights)),
    key="floor-chart",
    config={"displayModeBar": False},
)
