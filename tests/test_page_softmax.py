"""Lesson 3, softmax and temperature: the dial from hard lookup to even average."""

from __future__ import annotations

import math

import numpy as np
import pytest
from apptest_helpers import (
    chart,
    charts,
    numbers_table,
    open_lesson,
    texts,
    values,
    widget,
)
from streamlit.testing.v1 import AppTest

from ui.lessons import SOFTMAX
from ui.params import TEMPERATURES

WORDS = ["sous", "près", "dans", "sur", "loin"]
SCORE_KEYS = [f"s{i}" for i in range(1, 6)]


def weights_at(at: AppTest, t: float) -> np.ndarray:
    """The weight bars drawn for temperature ``t`` (the chosen one or an overlay)."""
    fig = chart(at, "softmax-weights")
    name = f"T = {t:g}"
    trace = next(tr for tr in fig["data"] if tr.get("name", "").split(" (")[0] == name)
    return values(trace, "y")


def set_temperature(at: AppTest, t: float) -> AppTest:
    at.select_slider(key="t").set_value(t).run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    return "\n".join(texts(at))


def test_renders_with_its_chart_and_controls() -> None:
    at = open_lesson(SOFTMAX)
    assert not at.exception, at.exception
    assert charts(at)
    assert [at.slider(key=k).label for k in SCORE_KEYS] == WORDS
    assert at.select_slider(key="t").value == 1.0
    assert at.toggle(key="compare").value is False
    # The raw scores are drawn next to the weights.
    scores = values(chart(at, "softmax-weights")["data"][0], "y")
    assert scores.tolist() == [at.slider(key=k).value for k in SCORE_KEYS]
    assert "Soft lookup" in page_text(at)


def test_lowest_temperature_is_a_hard_lookup_on_the_best_score() -> None:
    at = set_temperature(open_lesson(SOFTMAX), TEMPERATURES[0])
    weights = weights_at(at, 0.05)
    assert weights.sum() == pytest.approx(1.0)
    assert weights[WORDS.index("sous")] >= 0.99  # sous has the highest score, 3.0
    assert "Hard lookup (arg-max): only the best score counts" in page_text(at)
    assert "Even average" not in page_text(at)


def test_highest_temperature_spreads_the_weight_evenly() -> None:
    at = set_temperature(open_lesson(SOFTMAX), TEMPERATURES[-1])
    weights = weights_at(at, 20)
    assert weights.max() < 0.35
    assert weights.min() > 0.1  # even loin, the worst match, gets a real share
    assert "Even average: every key counts the same" in page_text(at)
    assert "Hard lookup" not in page_text(at)
    entropy = float(next(m for m in at.metric if m.label.startswith("Spread")).value.split()[0])
    assert entropy >= 0.95 * math.log2(5)


def test_raising_the_temperature_lowers_the_top_weight_step_by_step() -> None:
    at = open_lesson(SOFTMAX)
    tops = [weights_at(set_temperature(at, t), t).max() for t in (0.05, 0.5, 1.0, 5.0, 20.0)]
    assert tops == sorted(tops, reverse=True) and tops[0] > tops[-1]
    # The entropy metric moves the other way, and its maximum is shown: log2(5) bits.
    assert any(m.value == f"{math.log2(5):.2f} bits" for m in at.metric)


def test_dragging_a_score_up_makes_that_key_win() -> None:
    at = set_temperature(open_lesson(SOFTMAX), 0.05)
    at.slider(key="s5").set_value(5.0).run()
    assert not at.exception
    weights = weights_at(at, 0.05)
    assert weights[WORDS.index("loin")] >= 0.99
    assert weights[WORDS.index("sous")] < 0.01


def test_a_tie_at_the_top_shares_the_spotlight() -> None:
    at = open_lesson(SOFTMAX)
    at.button(key="preset-temperature-A tie at the top").click().run()
    assert not at.exception
    weights = weights_at(at, 0.1)
    assert weights[0] == pytest.approx(weights[1])
    assert weights[0] == pytest.approx(0.5, abs=1e-3)
    text = page_text(at)
    assert "A tie at the top" in text and "*sous* and *près*" in text
    assert "Hard lookup" in text  # the two best keys hold all the weight between them


def test_compare_overlays_the_reference_temperatures() -> None:
    at = open_lesson(SOFTMAX, {"t": "0.5"})
    at.toggle(key="compare").set_value(True).run()
    assert not at.exception
    names = [tr.get("name") for tr in chart(at, "softmax-weights")["data"][1:]]
    assert names == ["T = 0.1", "T = 0.5 (yours)", "T = 1", "T = 10"]
    # Colder is sharper: the best key's weight falls as T grows.
    tops = [weights_at(at, t)[0] for t in (0.1, 0.5, 1, 10)]
    assert tops == sorted(tops, reverse=True)
    assert chart(at, "softmax-weights")["layout"]["showlegend"] is True


def test_numbers_table_follows_the_formula() -> None:
    at = open_lesson(SOFTMAX, {"t": "2"})
    table = numbers_table(at)
    assert list(table.columns) == ["key", "score", "score / T", "e^(score / T)", "weight"]
    assert table["weight"].sum() == pytest.approx(1.0)
    expected = table["e^(score / T)"] / table["e^(score / T)"].sum()
    assert table["weight"].to_numpy() == pytest.approx(expected.to_numpy())
    assert table["score / T"].to_numpy() == pytest.approx(table["score"].to_numpy() / 2)


@pytest.mark.parametrize("end", [0, -1], ids=["min", "max"])
@pytest.mark.parametrize("compare", [False, True], ids=["single", "compare"])
def test_every_control_at_both_ends(end: int, compare: bool) -> None:
    at = open_lesson(SOFTMAX)
    for param in SOFTMAX.params:
        if param.kind == "float":
            widget(at, param).set_value(param.low if end == 0 else param.high)
    at.select_slider(key="t").set_value(TEMPERATURES[end])
    at.toggle(key="compare").set_value(compare)
    at.run()
    assert not at.exception, at.exception
    # Five equal scores: every key gets a fifth, at any temperature.
    assert weights_at(at, TEMPERATURES[end]) == pytest.approx([0.2] * 5)
    assert "Even average" in page_text(at)
