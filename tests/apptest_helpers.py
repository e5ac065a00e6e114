"""Shared helpers for AppTest page tests: open a lesson, find its controls, read its charts."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from ui.lessons import Lesson
from ui.params import Param

ENTRY = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def open_lesson(lesson: Lesson, query: dict[str, Any] | None = None) -> AppTest:
    """Open ``lesson`` the way a shared link does: a new session whose first run is its page.

    A browser asks for the page by its URL path, and ``st.Page`` identifies a page by the hash
    of that path. ``AppTest.switch_page`` can only resolve a page after a first run (which would
    land on another page, whose bound parameters Streamlit then filters out of the link), so we
    request the page's hash directly, exactly as the frontend's first message does.
    """
    at = AppTest.from_file(ENTRY, default_timeout=30)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at._page_hash = calc_hash(lesson.url_path)  # the frontend's request for /<url_path>
    at.run()
    return at


def open_section(at: AppTest, label: str) -> AppTest:
    """Open the expander ``label`` as a reader would (its content is built only when open)."""
    at.session_state[f"open: {label}"] = True
    return at.run()


def share_link(at: AppTest) -> str:
    """The link in the "Share this view" box, opened."""
    open_section(at, "Share this view")
    return next(c.value for c in at.code if c.value.startswith("http"))


def numbers_table(at: AppTest, title: str = "The numbers behind the chart") -> Any:
    """The DataFrame in the numbers expander ``title``, opened."""
    open_section(at, title)
    return at.dataframe[0].value


def widget(at: AppTest, param: Param) -> Any:
    """The AppTest element of a bound control."""
    finder = {
        "temperature": at.select_slider,
        "grid": at.select_slider,
        "float": at.slider,
        "int": at.slider,
        "bool": at.toggle,
        "choice": at.radio,
        "text": at.text_input,
    }[param.kind]
    return finder(key=param.key)


def in_range(param: Param, value: Any) -> bool:
    """Is ``value`` a legal value of ``param``?"""
    if param.kind in ("temperature", "grid"):
        return value in param.slider_values
    if param.kind in ("float", "int"):
        return param.low <= value <= param.high
    if param.kind == "bool":
        return isinstance(value, bool)
    if param.kind == "choice":
        return value in param.options
    return isinstance(value, str) and (param.max_chars is None or len(value) <= param.max_chars)


def chart_elements(at: AppTest) -> list[Any]:
    """Every lesson chart on the page (``ui.chart``'s element), in page order."""
    return [el for el in at.get("bidi_component") if el.proto.component_name == "spotlight_chart"]


def figure_of(element: Any) -> dict[str, Any]:
    """The Plotly figure a chart element sends to the browser, as its JSON dict."""
    return json.loads(element.proto.bytes)["figure"]


def plain(node: Any) -> Any:
    """A figure with its typed arrays (``{"dtype", "bdata", "shape"}``) as nested lists, an
    empty cell's NaN as None (what JSON and plotly.py write for it)."""
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            array = values(node, "")
            if array.dtype.kind == "f" and np.isnan(array).any():
                array = np.where(np.isnan(array), None, array)
            return array.tolist()
        return {key: plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(value) for value in node]
    return node


def charts(at: AppTest) -> list[dict[str, Any]]:
    """Every Plotly figure on the page, as its JSON dict."""
    return [figure_of(el) for el in chart_elements(at)]


def chart(at: AppTest, key_fragment: str) -> dict[str, Any]:
    """The Plotly figure whose element id contains ``key_fragment`` (the chart's key)."""
    for el in chart_elements(at):
        if key_fragment in el.proto.id:
            return figure_of(el)
    raise AssertionError(f"no chart with key containing {key_fragment!r}")


def values(trace: dict[str, Any], axis: str) -> np.ndarray:
    """A trace's data along ``axis``, whether Plotly wrote it as a list or as base64 ("bdata")."""
    data = trace[axis] if axis else trace
    if isinstance(data, dict) and "bdata" in data:
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
        return (
            array.reshape([int(n) for n in data["shape"].split(",")]) if "shape" in data else array
        )
    return np.asarray(data, dtype=float)


def texts(at: AppTest) -> list[str]:
    """The text of every Markdown-rendered element (markdown, captions, alerts, titles)."""
    kinds = ("markdown", "caption", "info", "warning", "success", "error", "title", "subheader")
    return [str(el.value) for kind in kinds for el in at.get(kind)]


def link_notice(at: AppTest) -> str:
    """The "values in the link were ignored" notice, or "" when there is none."""
    return next((w.value for w in at.warning if "link were ignored" in w.value), "")
