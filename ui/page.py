"""The shape every lesson page shares: title, intuition, presets, share box, link notices, code.

A page reads like a description of its UI:

    run = page.begin(lessons.SOFTMAX, "Scores become probabilities ...")

    @st.fragment  # moving a control reruns this part only, not the header, presets and menu
    def lesson_body() -> None:
        t = page.control(lessons.SOFTMAX.param("t"))
        ...
        page.chart(figure, key="softmax-weights")
        page.numbers(lambda: {"key": labels, "weight": weights})
        page.share_box(run)  # last in the fragment: the link changes with every control

    lesson_body()
    page.finish(run, code=[softmax])

Expanders (numbers, share box, code) are built only while open, so a slider move pays for what
is on screen.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import segno
import streamlit as st
from streamlit.errors import StreamlitAPIException

from . import theme
from .lessons import PROJECTOR, Lesson
from .params import Param, render
from .safe import md, shorten

# Presets set bound widgets through st.session_state, which is the documented way to change them;
# Streamlit still logs a developer warning each time because the widget also has a default.
logging.getLogger("streamlit.elements.lib.policies").setLevel(logging.ERROR)


@dataclass
class PageRun:
    """One run of a lesson page: the link it was opened with and where notices go."""

    lesson: Lesson
    link: dict[str, list[str]]
    notices: Any
    extra_values: dict[str, Any] = field(default_factory=dict)


def begin(lesson: Lesson, intuition: str) -> PageRun:
    """Title, the plain-words intuition, a slot for link notices, and the lesson's presets."""
    # Read the link before any widget runs: bound widgets drop invalid values from the URL.
    link = {k: st.query_params.get_all(k) for k in st.query_params}
    _drop_invalid_link_values(lesson, link)
    _start_from_link_on_arrival(lesson, link)
    st.title(lesson.title)
    st.markdown(intuition)
    run = PageRun(lesson, link, st.empty())
    presets(lesson)
    return run


#: Session-state key of the lesson shown by the previous run.
_SHOWN_LESSON = "_spotlight_shown_lesson"


def _start_from_link_on_arrival(lesson: Lesson, link: dict[str, list[str]]) -> None:
    """On arrival at a lesson, every control starts from the link, else from its default.

    Streamlit carries a widget's state over a page switch when both pages have the same widget
    (same key and parameters, like most lessons' temperature), but only once the session has
    rerun: the same link ("See the math for this sentence", the sidebar) then opened with the
    previous lesson's temperature after an interaction and with the default in a new tab.
    """
    if st.session_state.get(_SHOWN_LESSON) == lesson.url_path:
        return
    st.session_state[_SHOWN_LESSON] = lesson.url_path
    for param in lesson.params:
        if param.bound and param.key not in link:
            st.session_state[param.key] = param.default


def _drop_invalid_link_values(lesson: Lesson, link: dict[str, list[str]]) -> None:
    """Remove link values our parser rejects before their widgets see them.

    Streamlit already ignores most bad values, but not all the same way (an empty choice
    becomes "nothing selected", 2.5 becomes 2); pinning the default first gives every control
    its default and keeps the notice honest. Only the first run of a link carries such values.
    """
    for param in lesson.params:
        values = link.get(param.key)
        if values is not None and (len(values) != 1 or param.parse(values[0]) is None):
            if param.bound:
                st.session_state[param.key] = param.default
            # A value bound by a previous run cannot be popped; then there is nothing to fix.
            with contextlib.suppress(StreamlitAPIException):
                st.query_params.pop(param.key, None)


def control(param: Param, *, container: Any = st) -> Any:
    """The widget for ``param``, bound to the URL; returns its value."""
    return render(param, container=container)


def _apply_preset(lesson: Lesson, values: dict[str, Any]) -> None:
    for param in lesson.params:
        value = values.get(param.key, param.default)
        if param.bound:
            st.session_state[param.key] = value
        else:  # page-managed state: forget the override, the page falls back to its default
            st.session_state.pop(param.key, None)
            st.query_params.pop(param.key, None)


def presets(lesson: Lesson) -> None:
    """One button per named starting point; each sets every control (and so the link)."""
    if not lesson.presets:
        return
    row = st.container(horizontal=True, gap="small")
    row.caption("Start from:")
    for name, values in lesson.presets.items():
        row.button(
            name,
            key=f"preset-{lesson.url_path}-{name}",
            on_click=_apply_preset,
            args=(lesson, values),
            type="tertiary",
            icon=":material/bookmark:",
        )


#: Plotly's own toolbar (zoom, pan, download) sits on the chart's title on touch screens and
#: offers nothing a lesson needs; Streamlit's full-screen button stays.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}


def chart(figure: Any, *, key: str, container: Any = st) -> None:
    """A lesson chart: full width, keyed (tests and benchmarks find it by key)."""
    container.plotly_chart(figure, width="stretch", key=key, config=CHART_CONFIG)


def intuition_note(text: str) -> None:
    """The "what to notice" callout."""
    st.info(text, icon=":material/lightbulb:")


def lazy_expander(label: str, *, icon: str) -> Any:
    """An expander whose content the page builds only while it is open (check ``.open``).

    Streamlit runs a plain expander's content on every rerun, open or not. Tracking its state
    (``on_change="rerun"``) makes a toggle rerun the page and tells whether it is open, so closed
    tables, QR codes and listings cost nothing while a slider moves.
    """
    return st.expander(label, icon=icon, key=f"open: {label}", on_change="rerun")


def numbers(
    table: Callable[[], Mapping[str, Any]], *, title: str = "The numbers behind the chart"
) -> None:
    """Every chart's text alternative: its numbers as a table, built when the reader opens it.

    ``table`` returns the columns by name. Not a DataFrame: pandas takes ~0.7 s to import, and
    a visitor who never opens a table should not wait for it (Streamlit imports it on demand).
    """
    box = lazy_expander(title, icon=":material/table:")
    if box.open:
        box.dataframe(table(), width="stretch", hide_index=True)


def link_values(run: PageRun) -> dict[str, Any]:
    """Current value of every control of the lesson (from widget state), for the share link."""
    values = {}
    for param in run.lesson.params:
        if param.key in run.extra_values:
            values[param.key] = run.extra_values[param.key]
        else:
            values[param.key] = st.session_state.get(param.key, param.default)
    return values


def share_link(run: PageRun) -> str:
    """The full link of the current view: only values that differ from their defaults."""
    query = {
        p.key: p.to_url(v)
        for p in run.lesson.params
        if (v := link_values(run)[p.key]) is not None and v != p.default
    }
    if theme.projector_on():
        query[PROJECTOR.key] = "true"
    base = None
    try:
        base = st.context.url
    except Exception:  # no browser context (tests, bare mode)
        base = None
    base = base or f"http://localhost:8501/{run.lesson.url_path}"
    return base + ("?" + urlencode(query, quote_via=quote) if query else "")


@st.cache_data(max_entries=128, show_spinner=False)
def qr_png(link: str) -> str | None:
    """A QR code of ``link`` as a PNG ``data:`` URI, or None when the link is too long for one.

    A data URI, not PNG bytes: ``st.image`` serves bytes from the media store of the process
    that ran the script, and behind several replicas (deploy/) a browser's later requests may
    reach another one; a data URI travels inside the page itself."""
    try:
        qr = segno.make(link, error="m", micro=False)
    except segno.DataOverflowError:
        return None
    return qr.png_data_uri(scale=6, border=2)


def share_box(run: PageRun) -> None:
    """The link of this exact view, ready to copy, and a QR code for the classroom.

    It goes last in a lesson's fragment: the link changes with every control.
    """
    st.divider()
    box = lazy_expander("Share this view", icon=":material/share:")
    if not box.open:
        return
    link = share_link(run)
    with box:
        st.caption(
            "Copy this link (button on the right) or scan the code: it opens this page "
            "with every control as it is now."
        )
        st.code(link, language=None, wrap_lines=True)
        png = qr_png(link)
        if png is None:
            st.caption("This link is too long for a QR code; shorten the text to get one.")
        else:
            st.image(png, caption="Scan to open this view", width=220)


def _describe_ignored(run: PageRun) -> list[str]:
    """Plain-words notes on link values that were not used, and why."""
    notes = []
    known = {p.key: p for p in run.lesson.params} | {PROJECTOR.key: PROJECTOR}
    for key, values in run.link.items():
        name = md(shorten(key, 30), limit=40)
        param = known.get(key)
        if param is None:
            notes.append(f"**{name}** is not a setting of this page")
            continue
        if len(values) != 1:
            notes.append(f"**{name}** was given {len(values)} times; kept the default")
            continue
        raw = values[0]
        value = param.parse(raw)
        if value is None:
            shown = md(shorten(raw, 20), limit=30) or "(empty)"
            kept = "the default" if param.default is None else md(param.to_url(param.default))
            allowed = md(param.describe_range())
            notes.append(f"**{name}={shown}** is not valid ({allowed}); kept {kept}")
        elif param.kind == "text" and param.max_chars and len(raw) > param.max_chars:
            notes.append(f"**{name}** was longer than {param.max_chars:,} characters and was cut")
    return notes


def _drop_unknown_link_keys(run: PageRun) -> None:
    """Unknown keys would ride along in every share link; remove them from the URL."""
    known = {p.key for p in run.lesson.params} | {PROJECTOR.key}
    for key in run.link:
        if key not in known:
            st.query_params.pop(key, None)


def show_code(functions: Iterable[Callable[..., Any]]) -> None:
    """The source of the core functions that computed this page, as students should read it."""
    box = lazy_expander("Show the code that computed this", icon=":material/code:")
    if box.open:
        for fn in functions:
            box.code(_source(fn), language="python")


@st.cache_data(max_entries=64, show_spinner=False)
def _source_of(module: str, qualname: str) -> str:
    import importlib

    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return inspect.getsource(obj)


def _source(fn: Callable[..., Any]) -> str:
    return _source_of(fn.__module__, fn.__qualname__)


def finish(run: PageRun, *, code: Iterable[Callable[..., Any]] = ()) -> None:
    """The code that ran, and a gentle note about link values that were ignored."""
    if code:
        show_code(code)
    ignored = _describe_ignored(run)
    if ignored:
        run.notices.warning(
            "Some values in the link were ignored: " + "; ".join(ignored) + ".",
            icon=":material/link_off:",
        )
    _drop_unknown_link_keys(run)
