"""The floor of this stack for bench/coldstart.py: Streamlit drawing one small Plotly chart."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(y=[1, 2, 3])), key="floor")
