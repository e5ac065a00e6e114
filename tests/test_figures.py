"""Every chart is valid Plotly.

Charts are assembled from plain dicts without Plotly's per-property checks (``theme.figure``:
~1 ms instead of ~20 ms per chart, most of a rerun). These tests run the full check on every
builder's output instead, with typical, edge and hostile inputs, in normal and projector size.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from figure_gallery import gallery

from ui import theme

FIGURES = gallery()


def _strictly_checked(fig: go.Figure) -> go.Figure:
    # Building a Figure from the dict runs every validator; an unknown property raises.
    return go.Figure(fig.to_dict())


LOOKS = {
    "normal": theme.NORMAL,
    "projector": theme.PROJECTOR,
    "dark": theme.Look(dark=True),
}


@pytest.mark.parametrize("look", list(LOOKS))
@pytest.mark.parametrize("name", list(FIGURES))
def test_every_chart_passes_plotlys_full_validation(name: str, look: str) -> None:
    projector = look == "projector"
    fig = FIGURES[name](LOOKS[look])
    checked = _strictly_checked(fig)
    # Nothing was changed by the check either (tuples become lists, 1 and 1.0 are equal).
    assert json.loads(checked.to_json()) == json.loads(fig.to_json())
    assert fig.layout.height == int(fig.layout.height)  # a whole number of pixels
    if projector:
        assert fig.layout.font.size == int(14 * theme.PROJECTOR_FONT_PX / theme.BASE_FONT_PX)


def test_the_validation_catches_a_misspelt_property() -> None:
    fig = theme.figure([{"type": "bar", "y": [1, 2], "colour": "red"}], {}, height=300)
    with pytest.raises(ValueError, match="colour"):
        _strictly_checked(fig)
    fig = theme.figure([{"type": "bar", "y": [1, 2]}], {"xaxis": {"tickangel": 45}}, height=300)
    with pytest.raises(ValueError, match="tickangel"):
        _strictly_checked(fig)


def test_layout_overrides_merge_into_the_shared_layout() -> None:
    fig = theme.figure([], {"legend": {"y": -0.2}, "title": {"text": "t"}}, height=300)
    assert fig.layout.legend.y == -0.2
    assert fig.layout.legend.orientation == "h"  # kept from the shared layout
    assert fig.layout.margin.t == 50  # room for the title
    assert theme.figure([], {}, height=300).layout.margin.t == 10


def test_the_look_is_an_input_of_every_builder() -> None:
    """Projector size and dark theme come in as arguments: no Streamlit state is read."""
    fig = FIGURES["query-space[1.0,0.0]"]
    normal, big, dark = (fig(look) for look in LOOKS.values())
    assert big.layout.height == int(normal.layout.height * 1.5)
    keys = next(t for t in dark.data if t.name == "keys")
    assert keys.marker.line.color == theme.Look(dark=True).text_color != theme.NORMAL.text_color
