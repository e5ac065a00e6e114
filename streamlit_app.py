"""Spotlight: the attention mechanism of transformers, explained live.

The router: page config, one navigation list over the lessons in story order, and the app-wide
projector switch. Run it with ``streamlit run streamlit_app.py``.
"""

import streamlit as st

from ui import theme
from ui.lessons import LESSONS, PROJECTOR
from ui.params import render

st.set_page_config(
    page_title="Spotlight — attention, explained",
    page_icon=":material/highlight:",
    layout="wide",
)

navigation = st.navigation(
    [
        st.Page(
            lesson.file,
            title=f"{lesson.number}. {lesson.title}",
            icon=lesson.icon,
            url_path=lesson.url_path,
            default=lesson.number == 1,
        )
        for lesson in LESSONS
    ]
)

with st.sidebar:
    render(PROJECTOR)
    st.caption("Every control is in the link: copy it from **Share this view** on any lesson.")
theme.apply_projector_css()

navigation.run()
