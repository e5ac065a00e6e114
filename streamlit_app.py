"""Spotlight: the attention mechanism of transformers, explained live.

The router: page config, one navigation list over the lessons in story order, and the app-wide
projector switch. Run it with ``streamlit run streamlit_app.py``.
"""

import streamlit as st

from ui import housekeeping, page
from ui.lessons import LESSONS

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
    """The app root opens lesson 1 at its own path, link values and all."""
    page.forward(lesson_pages[0])


home = st.Page(
    open_first_lesson, title="Spotlight", url_path="home", default=True, visibility="hidden"
)
navigation = st.navigation([home, *lesson_pages], expanded=True)  # every lesson, no "View more"
housekeeping.start()  # once per process: memory back after a class leaves (ui/housekeeping.py)
page.app_controls()
navigation.run()
