"""The floor of this stack for bench/rerun.py: the lessons' temperature control, nothing else."""

import streamlit as st

from ui.params import TEMPERATURES, format_number

st.select_slider(
    "Temperature", TEMPERATURES, 1.0, key="t", format_func=format_number, bind="query-params"
)
