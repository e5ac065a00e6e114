"""Every chart is valid Plotly.

Charts are assembled from plain dicts without Plotly's per-property checks (``theme.figure``:
~1 ms instead of ~20 ms per chart, most of a rerun). These tests run the full check on every
builder's output instead, with typical, edge and hostile inputs, in normal and projector size.
"""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest
from apptest_helpers import plain
from figure_gallery import gallery

import attention_core as ac
from ui import chart, theme
from ui.figures import heads, weights_heatmap
from ui.formats import word_labels
from ui.lessons import BANK_SENTENCE

FIGURES = gallery()


def sent(spec: theme.Figure) -> dict:
    """The figure as the browser gets it (``ui.chart``'s JSON)."""
    return plain(json.loads(chart.encoded(spec, file="chart", dark=False))["figure"])


def _strictly_checked(spec: theme.Figure) -> go.Figure:
    # Building a Figure from the dict runs every validator; an unknown property raises.
    return go.Figure(sent(spec))


LOOKS = {
    "normal": theme.NORMAL,
    "projector": theme.PROJECTOR,
    "dark": theme.Look(dark=True),
}


@pytest.mark.parametrize("look", list(LOOKS))
@pytest.mark.parametrize("name", list(FIGURES))
def test_every_chart_passes_plotlys_full_validation(name: str, look: str) -> None:
    projector = look == "projector"
    spec = FIGURES[name](LOOKS[look])
    fig = _strictly_checked(spec)
    # Nothing was changed by the check either (tuples become lists, 1 and 1.0 are equal),
    # except the template plotly.py adds; the browser's comes with the chart's code, so the
    # figure sent at every step carries none.
    checked = json.loads(fig.to_json())
    assert checked["layout"].pop("template")
    same = json.dumps(checked, sort_keys=True) == json.dumps(sent(spec), sort_keys=True)
    assert same and "template" not in sent(spec)["layout"]  # (as text: NaN equals NaN)
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
    fig = _strictly_checked(
        theme.figure([], {"legend": {"y": -0.2}, "title": {"text": "t"}}, height=300)
    )
    assert fig.layout.legend.y == -0.2
    assert fig.layout.legend.orientation == "h"  # kept from the shared layout
    assert fig.layout.margin.t == 50  # room for the title
    assert theme.figure([], {}, height=300)["layout"]["margin"]["t"] == 10


def test_the_look_is_an_input_of_every_builder() -> None:
    """Projector size and dark theme come in as arguments: no Streamlit state is read."""
    fig = FIGURES["query-space[1.0,0.0]"]
    normal, big, dark = (_strictly_checked(fig(look)) for look in LOOKS.values())
    assert big.layout.height == int(normal.layout.height * 1.5)
    keys = next(t for t in dark.data if t.name == "keys")
    assert keys.marker.line.color == theme.Look(dark=True).text_color != theme.NORMAL.text_color


# ---- lesson 9's patterns: numbers while they fit, a readable layout for long sentences ---------

LONG_SENTENCE = (
    "I paid money at the bank by the river and then the girl ran to the school by the lake "
    "while the teacher wrote on the board and the students watched the dog run near the old "
    "spring today too"
)


def weight_text_px(look: theme.Look) -> float:
    """What "0.57" takes in Chromium in the app's font (23 px in 13 px letters), 2 px aside."""
    return 23 / 13 * look.px(13) + 4


#: The rows left for a chart on a phone (390 px) and a 1366 x 768 laptop (Streamlit's padding
#: and sidebar off), and the gap between two charts of a row (2rem).
PHONE_ROW, LAPTOP_ROW, GAP = 358, 906, 32


def _pattern(text: str, look: theme.Look, on: bool = True) -> tuple[go.Figure, list[str]]:
    narrow = [ac.NARROW_HEADS[name] for name in ("nature", "money", "topic", "action-place")]
    r = ac.many_heads(text, narrow)
    labels = word_labels(r.tokens, ac.embed(list(r.tokens))[1])
    pattern = heads.head_pattern(r.weights[0], labels, title="Nature", on=on, look=look)
    return _strictly_checked(pattern), labels


def _side_px(labels: list[str], look: theme.Look) -> float:
    """What the chart spends beside the matrix (measured in Chromium): 10 px margins, the y axis
    title's 34 px and the tick's 16 px, scaled, and the longest label."""
    return 20 + 50 * look.scale + heads.label_px(labels, look)


@pytest.mark.parametrize("look", [theme.NORMAL, theme.PROJECTOR], ids=["normal", "projector"])
def test_pattern_writes_the_weights_in_its_cells_when_they_fit(look: theme.Look) -> None:
    fig, labels = _pattern(BANK_SENTENCE, look)  # nine words: the lesson's own sentence
    heat = fig.data[0]
    assert heat.texttemplate == "%{z:.2f}"  # "0.57", as in the numbers table
    assert heat.textfont.size == look.px(13)
    # It fits: the chart is never drawn narrower than its minimum width, where each cell still
    # holds "0.57" in the look's letters, and that width fits the narrowest screen (a phone,
    # or a 1366 px laptop in projector mode) without scrolling.
    size = heads.pattern_size(labels, look)
    cell = (size.min_width - _side_px(labels, look)) / len(labels)
    assert cell >= weight_text_px(look)
    assert size.min_width <= (PHONE_ROW if look.scale == 1 else 790)


@pytest.mark.parametrize("look", [theme.NORMAL, theme.PROJECTOR], ids=["normal", "projector"])
def test_pattern_leaves_the_weights_to_the_hover_when_they_do_not_fit(look: theme.Look) -> None:
    fig, labels = _pattern(LONG_SENTENCE, look)
    assert len(labels) == 40
    assert "texttemplate" not in fig.data[0].to_plotly_json()
    # 40 numbers of 27 px would not fit a phone, nor a laptop in projector mode.
    assert _side_px(labels, look) + 40 * weight_text_px(look) > (
        PHONE_ROW if look.scale == 1 else 790
    )
    # The hover still names the query and the key and gives the weight.
    assert "%{z:.3f}" in fig.data[0].hovertemplate


def test_twelve_words_get_numbers_on_a_projector_but_not_on_a_phone() -> None:
    text = "the girl ran to the school by the river and sat down"
    normal, labels = _pattern(text, theme.NORMAL)
    big, _ = _pattern(text, theme.PROJECTOR)
    assert len(labels) == 12
    assert "texttemplate" not in normal.data[0].to_plotly_json()  # 12 x 27 px > a phone's row
    assert big.data[0].texttemplate == "%{z:.2f}"  # the projector's 790 px row holds them


def test_an_off_head_is_faint_and_writes_no_numbers() -> None:
    """Faded to 30 %, white numbers on pale cells would be unreadable: the table has them."""
    fig, _ = _pattern(BANK_SENTENCE, theme.NORMAL, on=False)
    assert fig.data[0].opacity == heads.OFF_OPACITY
    assert "texttemplate" not in fig.data[0].to_plotly_json()


@pytest.mark.parametrize("look", [theme.NORMAL, theme.PROJECTOR], ids=["normal", "projector"])
def test_forty_words_each_head_has_its_own_row_and_room_for_every_word(look: theme.Look) -> None:
    fig, labels = _pattern(LONG_SENTENCE, look)
    size = heads.pattern_size(labels, look)
    # Two patterns cannot share a 1366 px laptop's row (nor a 1920 projector's): one per row.
    assert size.per_row == 1
    assert 2 * size.basis + GAP * look.scale > (LAPTOP_ROW if look.scale == 1 else 1344)
    # At least 18 px per word both ways (a 12 px label's 16 px line and air), scaled with the
    # letters: the chart is never narrower, and its height gives every row as much.
    per_word = 18 * look.scale
    assert (size.min_width - _side_px(labels, look)) / 40 >= per_word
    assert fig.layout.height >= 40 * per_word + 100 * look.scale
    assert size.row >= per_word
    # Square-ish: a row is never more than 1.5 times as tall as a column is wide, or less.
    assert size.cell / 1.5 <= size.row <= size.cell * 1.5
    # Every word labelled on both axes, none thinned out, upright under the columns.
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert list(axis.tickvals) == list(range(40))
        assert list(axis.ticktext) == labels
    assert fig.layout.xaxis.tickangle == -90


def test_short_sentences_put_two_heads_side_by_side_with_square_ish_cells() -> None:
    for text in ("the river bank", BANK_SENTENCE, "the girl ran to the school by the river"):
        fig, labels = _pattern(text, theme.NORMAL)
        size = heads.pattern_size(labels, theme.NORMAL)
        assert size.per_row == 2 and 2 * size.basis + GAP <= LAPTOP_ROW
        # On the laptop each gets half the row; its columns and rows differ by at most 1.5x.
        column = ((LAPTOP_ROW - GAP) / 2 - _side_px(labels, theme.NORMAL)) / len(labels)
        assert column / 1.5 <= size.row <= column * 1.5 or size.row == heads.MAX_CELL_PX
        assert fig.layout.height >= len(labels) * size.row


def test_a_pattern_is_drawn_from_its_inputs_only() -> None:
    """The same words and look give the same figure: no screen size or session is read."""
    a, _ = _pattern(LONG_SENTENCE, theme.PROJECTOR)
    b, _ = _pattern(LONG_SENTENCE, theme.PROJECTOR)
    assert a.to_json() == b.to_json()


def test_other_lessons_keep_their_seven_column_rule_for_weights_in_cells() -> None:
    """Lessons 6, 7, 10 and 11 still write weights up to seven columns, at any look."""
    for look in (theme.NORMAL, theme.PROJECTOR):
        for n, written in ((7, True), (8, False)):
            fig = _strictly_checked(
                weights_heatmap(np.full((n, n), 1 / n), ["w"] * n, ["w"] * n, look=look)
            )
            assert ("texttemplate" in fig.data[0].to_plotly_json()) == written


def test_the_chart_row_css_keeps_the_width_and_scrolls_instead_of_squeezing() -> None:
    css = theme.chart_row_css("heads-patterns", min_width=811, basis=811)
    assert "min-width:811px" in css and "overflow-x:auto" in css and "flex:1 1 811px" in css
    assert "@container (min-width:811px)" in css  # the swipe hint hides where it fits
    with pytest.raises(AssertionError):
        theme.chart_row_css("x{}</style><script>", min_width=1, basis=1)
