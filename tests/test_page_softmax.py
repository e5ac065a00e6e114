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
    share_link,
    texts,
    values,
    widget,
)
from claims import check_spread, pct_matches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import attention_core as ac
from ui.lessons import SOFTMAX
from ui.params import TEMPERATURES
from ui.questions import spread_headline

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
    assert shown_verdict(at).startswith("Soft lookup: *sous* leads with 69%")


def test_lowest_temperature_is_a_hard_lookup_on_the_best_score() -> None:
    at = set_temperature(open_lesson(SOFTMAX), TEMPERATURES[0])
    weights = weights_at(at, 0.05)
    assert weights.sum() == pytest.approx(1.0)
    assert weights[WORDS.index("sous")] >= 0.99  # sous has the highest score, 3.0
    assert shown_verdict(at).startswith("Hard lookup (arg-max): *sous* takes nearly 100%")


def test_highest_temperature_spreads_the_weight_evenly() -> None:
    at = set_temperature(open_lesson(SOFTMAX), TEMPERATURES[-1])
    weights = weights_at(at, 20)
    assert weights.max() < 0.35
    assert weights.min() > 0.1  # even loin, the worst match, gets a real share
    assert shown_verdict(at).startswith("Even average: every key counts about the same")
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
    assert "A tie at the top: *sous* and *près* get the same weight" in text
    assert "(50% each, 100% together)" in text
    assert shown_verdict(at).startswith("A tie at the top")  # 50% is not an arg-max
    assert next(m for m in at.metric if m.label == "Top weight").value == "50%"


def test_compare_overlays_the_reference_temperatures() -> None:
    at = open_lesson(SOFTMAX, {"t": "0.5"})
    at.toggle(key="compare").set_value(True).run()
    assert not at.exception
    names = [tr.get("name") for tr in chart(at, "softmax-weights")["data"][1:]]
    assert names == [
        "T = 0.1 (hard lookup)",
        "T = 0.5 (yours: soft)",
        "T = 1 (soft)",
        "T = 10 (soft)",  # 0.27 vs 0.18: not yet even
    ]
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


def shown_verdict(at: AppTest) -> str:
    """The verdict line under the formula, without its icon and bold."""
    line = next(m.value for m in at.markdown if m.value.startswith(":material/"))
    return line.split(": **", 1)[1].rstrip(".*").rstrip(".")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tenths=st.lists(st.integers(-50, 50), min_size=5, max_size=5),
    t=st.sampled_from(TEMPERATURES),
    compare=st.booleans(),
)
def test_every_sentence_is_true_of_the_weights_drawn(tenths, t, compare) -> None:
    """Over the whole control range (scores -5..5 in steps of 0.1, every temperature, with and
    without the overlay), the verdict, the legend of every overlaid temperature, the top weight
    and the note at both ends of the dial are true of the bars they describe."""
    scores = [x / 10 for x in tenths]
    link = {key: f"{v:g}" for key, v in zip(SCORE_KEYS, scores, strict=True)}
    at = open_lesson(SOFTMAX, {**link, "t": f"{t:g}", "compare": str(compare).lower()})
    assert not at.exception, at.exception
    drawn = weights_at(at, t)
    check_spread(shown_verdict(at), WORDS, drawn)
    top = next(m for m in at.metric if m.label == "Top weight").value
    assert pct_matches(top, drawn.max()), (top, drawn)
    for trace in chart(at, "softmax-weights")["data"][1:]:
        name = trace["name"]
        if "(" in name:  # the overlay's legend: "T = 0.1 (hard lookup)"
            words = name.split("(", 1)[1].rstrip(")").removeprefix("yours: ")
            kind = {"hard lookup": "Hard", "even": "Even", "tie": "A tie", "soft": "Soft"}[words]
            w = values(trace, "y")
            check_spread(spread_headline(ac.describe_spread(w), WORDS), WORDS, w)
            assert spread_headline(ac.describe_spread(w), WORDS).startswith(kind)
    note = next(i.value for i in at.info if "Drag the temperature to its lowest" in i.value)
    cold = note.split("these scores give: ", 1)[1].split(". To its highest", 1)[0]
    hot = note.split(f"To its highest, {TEMPERATURES[-1]:g}: ", 1)[1].split(". The closer", 1)[0]
    check_spread(cold, WORDS, reference_softmax(scores, TEMPERATURES[0]))
    check_spread(hot, WORDS, reference_softmax(scores, TEMPERATURES[-1]))


def reference_softmax(scores: list[float], t: float) -> np.ndarray:
    z = np.array(scores) / t
    e = np.exp(z - z.max())
    return e / e.sum()


def test_the_intuition_claims_nothing_the_defaults_contradict() -> None:
    """The defaults give *sous* 69%: the page must not promise "a weight close to 1"."""
    at = open_lesson(SOFTMAX)
    text = page_text(at)
    assert "close to 1" not in text and "whatever the gap" not in text
    assert weights_at(at, 1.0).max() == pytest.approx(0.69, abs=0.01)


# --- why √d_k ------------------------------------------------------------------------------------


def test_why_sqrt_d_k_shows_the_spread_growing_and_scaling_undoing_it() -> None:
    at = open_lesson(SOFTMAX, {"dk": "256"})
    assert not at.exception, at.exception
    metric = {m.label: float(m.value) for m in at.metric if "q · k" in m.label}
    assert metric["Spread of q · k"] == pytest.approx(16, rel=0.15)  # √256
    assert metric["Spread of q · k / √d_k"] == pytest.approx(1, rel=0.15)
    spread = chart(at, "scaling-spread")
    by_name = {tr["name"]: tr for tr in spread["data"]}
    assert values(by_name["your d_k"], "x").tolist() == [256, 256]
    unscaled = values(by_name["q · k (unscaled)"], "y")
    assert unscaled[-1] / unscaled[0] == pytest.approx(16, rel=0.2)  # 512 vs 2 dims: √256
    sample = chart(at, "scaling-sample")
    raw, scaled = (values(tr, "y") for tr in sample["data"])
    assert raw.max() > 0.99 and scaled.max() < 0.9  # one winner unscaled, not scaled
    text = page_text(at)
    assert "Unscaled: Hard lookup (arg-max)" in text


def test_the_d_k_sentences_are_true_at_every_d_k() -> None:
    """The sample's verdicts and the numbers quoted match what the charts draw, at each end."""
    at = open_lesson(SOFTMAX)
    keys = [f"k{i}" for i in range(1, 9)]
    for d_k in (2, 3, 64, 511, 512):
        at.slider(key="dk").set_value(d_k).run()
        assert not at.exception, at.exception
        raw, scaled = (values(tr, "y") for tr in chart(at, "scaling-sample")["data"])
        line = next(m.value for m in at.markdown if m.value.startswith("One of those queries"))
        unscaled_text = line.split("Unscaled: ", 1)[1].split(". Scaled: ", 1)[0]
        scaled_text = line.split(". Scaled: ", 1)[1].rstrip(".")
        check_spread(unscaled_text, keys, raw)
        check_spread(scaled_text, keys, scaled)


def test_d_k_is_in_the_share_link_and_a_link_restores_it() -> None:
    at = open_lesson(SOFTMAX)
    at.slider(key="dk").set_value(256).run()
    assert "dk=256" in share_link(at)
    at = open_lesson(SOFTMAX, {"dk": "8"})
    assert at.slider(key="dk").value == 8
    assert "At d_k = 8, √d_k = 2.83." in page_text(at)
