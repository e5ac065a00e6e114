"""The chart element (ui/chart.py): what a step sends, and the files the browser gets once."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly
import pytest
from apptest_helpers import chart_elements, figure_of, open_lesson, values

from ui import chart
from ui.lessons import HEADS_LESSON, LESSONS


def _strict(data: bytes) -> dict:
    """JSON as a browser's JSON.parse reads it: NaN or Infinity would be a syntax error."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(data, parse_constant=refuse)


def test_plotly_js_is_the_pinned_plotlys_own_copy() -> None:
    """static/plotly.min.js must be the plotly.js the Python package validates figures
    against. After upgrading Plotly: cp .venv/lib/python3*/site-packages/plotly/package_data/
    plotly.min.js static/"""
    pinned = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert chart.PLOTLY_JS.read_bytes() == pinned.read_bytes()


def test_a_step_is_plain_json_whatever_numpy_holds() -> None:
    grid = np.arange(12, dtype=float).reshape(3, 4)
    grid[1, 2] = np.nan  # an empty cell (lesson 11's head grid)
    figure = {
        "data": [
            {"type": "heatmap", "z": grid.T, "x": np.arange(3), "text": np.array(["a", "<b>"])},
            {"type": "bar", "y": grid[:, ::2], "marker": {"size": np.float32(3.5)}},
            {"type": "scatter", "x": np.array([1, None], dtype=object), "y": [np.int64(2)]},
        ],
        "layout": {"height": np.int64(300), "title": {"text": "I"}},
    }
    step = _strict(chart.encoded(figure, file="spotlight-x-y", dark=True))
    assert step["file"] == "spotlight-x-y" and step["theme"] == "dark"
    heat, bar, dots = step["figure"]["data"]
    # Numbers travel as plotly.js's typed arrays, exactly (an empty cell's NaN included).
    assert heat["z"]["dtype"] == "f8" and heat["z"]["shape"] == "4,3"
    np.testing.assert_array_equal(values(heat, "z"), grid.T)
    assert heat["x"]["dtype"] == "i4" and list(values(heat, "x")) == [0, 1, 2]
    assert heat["text"] == ["a", "<b>"]
    np.testing.assert_array_equal(values(bar, "y"), grid[:, ::2])
    assert bar["marker"]["size"] == 3.5
    assert dots["x"] == [1, None] and dots["y"] == [2]
    assert step["figure"]["layout"]["height"] == 300


def test_what_cannot_be_drawn_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="set"):
        chart.encoded({"data": [{"x": {1, 2}}], "layout": {}}, file="f", dark=False)


def _long_number_lists(node: object) -> list[int]:
    """Lengths of every list of more than 50 plain numbers in ``node`` (decimal text)."""
    if isinstance(node, dict):
        return [n for value in node.values() for n in _long_number_lists(value)]
    if isinstance(node, list):
        flat = len(node) > 50 and all(type(v) in (int, float) for v in node)
        return [len(node)] * flat + [n for value in node for n in _long_number_lists(value)]
    return []


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_a_step_sends_the_figures_numbers_not_a_chart(lesson) -> None:
    """Per chart and step: the figure and a few hundred bytes of element (its HTML, style and a
    loader for chart.js), never plotly.js, the chart's code or a theme template."""
    at = open_lesson(lesson)
    elements = chart_elements(at)
    assert elements or lesson.url_path == "real"  # lesson 11 without the model has no chart
    for element in elements:
        proto = element.proto
        assert len(proto.js_content) + len(proto.html_content) + len(proto.css_content) < 1500
        assert "/app/static/chart.js?v=" in proto.js_content
        figure = figure_of(element)
        assert set(figure) == {"data", "layout"} and "template" not in figure["layout"]
        assert not _long_number_lists(figure), element.key  # numbers go as typed arrays


def test_the_lesson_9_charts_are_the_figures_the_builders_made() -> None:
    at = open_lesson(HEADS_LESSON)
    keys = [element.key for element in chart_elements(at)]
    assert keys[:4] == [f"heads-head-{i}" for i in range(1, 5)]
    assert len(set(keys)) == len(keys)  # one element per chart, kept by its key


def test_the_version_in_the_urls_changes_with_the_files(tmp_path, monkeypatch) -> None:
    code = tmp_path / "chart.js"
    code.write_text("export function draw() {}")
    monkeypatch.setattr(chart, "CHART_JS", code)
    first = chart._version()
    code.write_text("export function draw() { /* fixed */ }")
    assert chart._version() != first
