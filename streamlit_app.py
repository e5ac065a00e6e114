"""Spotlight: the attention mechanism of transformers, explained live.

The router: page config, one navigation list over the lessons in story order, and the app-wide
projector switch. Run it with ``streamlit run streamlit_app.py``.
"""

import streamlit as st

from ui import housekeeping, theme
from ui.lessons import LESSONS, PROJECTOR
from ui.params import render

st.set_page_config(
    page_title="Spotlight — attention, explained",
    page_icon=":material/highlight:",
    layout="wide",
)

lesson_pages = [
    st.Page(
        lesson.file,
        title=f"{lesson.number}. {lesson.title}",
        icon=lesson.icon,
        url_path=lesson.url_path,
    )
    for lesson in LESSONS
]


def open_first_lesson() -> None:
    """The app root forwards to lesson 1, link values and all. Streamlit serves its default page
    at ``/`` only, so lesson 1 itself cannot be the default and still open at ``/why``."""
    st.switch_page(
        lesson_pages[0],
        query_params={key: st.query_params.get_all(key) for key in st.query_params},
    )


home = st.Page(
    open_first_lesson, title="Spotlight", url_path="home", default=True, visibility="hidden"
)
navigation = st.navigation([home, *lesson_pages])
housekeeping.start()  # once per process: memory back after a class leaves (ui/housekeeping.py)

with st.sidebar:
    render(PROJECTOR)
    st.caption("Every control is in the link: copy it from **Share this view** on any lesson.")
theme.apply_projector_css()

navigation.run()
