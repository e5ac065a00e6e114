"""Lesson 4, move the query: where the query stands decides which key wins, by dot product."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from apptest_helpers import chart, charts, open_lesson, open_section, texts, values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from predict_checks import (
    assert_hidden,
    assert_revealed,
    check_question,
    check_why,
    commit,
    options,
    verdict,
    why,
)
from streamlit.testing.v1 import AppTest

import attention_core as ac
from ui.lessons import QUERY
from ui.params import TEMPERATURES


def move(at: AppTest, x: float, y: float) -> AppTest:
    at.slider(key="qx").set_value(x)
    at.slider(key="qy").set_value(y)
    at.run()
    assert not at.exception, at.exception
    return at


def bar_weights(at: AppTest) -> dict[str, float]:
    """The weight bars, by key label."""
    fig = chart(at, "query-weights")
    labels = fig["layout"]["xaxis"]["ticktext"]
    return dict(zip(labels, values(fig["data"][0], "y").tolist(), strict=True))


def winner(at: AppTest) -> str:
    weights = bar_weights(at)
    return max(weights, key=weights.get)


def trace(at: AppTest, name: str) -> dict[str, Any]:
    return next(tr for tr in chart(at, "query-space")["data"] if tr.get("name") == name)


def rankings(at: AppTest) -> Any:
    return next(table.value for table in at.table if "rank" in table.value.columns)


def test_renders_with_its_charts_and_controls() -> None:
    at = open_lesson(QUERY)
    assert not at.exception, at.exception
    assert len(charts(at)) >= 2
    assert at.slider(key="qx").value == 1.0 and at.slider(key="qy").value == 0.0
    assert at.select_slider(key="t").value == 1.0
    assert at.toggle(key="scaled").value is True
    assert set(bar_weights(at)) == set(ac.SPACE_KEYS)
    assert sum(bar_weights(at).values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [(-2.0, 1.5, "truck"), (2.5, 2.0, "lion"), (1.4, -2.5, "mouse"), (-1.5, -2.5, "pebble")],
)
def test_where_the_query_stands_decides_which_key_wins(x: float, y: float, expected: str) -> None:
    at = move(open_lesson(QUERY), x, y)
    assert winner(at) == expected
    assert next(m for m in at.metric if m.label == "Brightest key").value == expected
    # The scatter agrees: the winning key is drawn biggest.
    keys = trace(at, "keys")
    sizes = values(keys["marker"], "size")
    assert list(ac.SPACE_KEYS)[int(np.argmax(sizes))] == expected


def test_moving_the_query_moves_the_winner_and_the_output() -> None:
    at = move(open_lesson(QUERY), -2.0, 1.5)
    assert winner(at) == "truck"
    out_truck = np.array([values(trace(at, "output (the blend of values)"), a)[0] for a in "xy"])
    move(at, 2.5, 2.0)
    assert winner(at) == "lion"
    out_lion = np.array([values(trace(at, "output (the blend of values)"), a)[0] for a in "xy"])
    # The output follows the spotlight: near the truck, then near the lion.
    assert np.linalg.norm(out_truck - ac.SPACE_KEYS["truck"]) < 0.5
    assert np.linalg.norm(out_lion - ac.SPACE_KEYS["lion"]) < 0.5


def test_dot_product_ranking_differs_from_distance_near_the_kitten() -> None:
    at = move(open_lesson(QUERY), 1.0, 0.0)
    note = next(w.value for w in at.warning if "wins on dot product" in w.value)
    assert "**lion** wins on dot product although **kitten** is closer" in note
    table = rankings(at)
    assert table.iloc[0, 1].startswith("lion") and table.iloc[0, 2].startswith("kitten")
    assert winner(at) == "lion"  # attention follows the dot product, not the distance


def test_agreeing_rankings_are_said_to_agree() -> None:
    at = move(open_lesson(QUERY), 2.5, 2.0)
    assert not any("wins on dot product" in w.value for w in at.warning)
    assert any("both rankings agree" in s.value for s in at.success)
    table = rankings(at)
    assert table.iloc[0, 1].startswith("lion") and table.iloc[0, 2].startswith("lion")


def test_the_origin_scores_every_key_the_same() -> None:
    at = move(open_lesson(QUERY), 0.0, 0.0)
    assert list(bar_weights(at).values()) == pytest.approx([1 / len(ac.SPACE_KEYS)] * 7)
    assert any("zero vector" in i.value for i in at.info)
    assert next(m for m in at.metric if m.label == "Brightest key").value == "none (all equal)"
    assert "-0.00" not in rankings(at).to_string()


def test_temperature_sharpens_and_flattens_the_spotlight() -> None:
    at = move(open_lesson(QUERY), 1.5, -0.3)
    at.select_slider(key="t").set_value(0.05).run()
    assert max(bar_weights(at).values()) >= 0.99
    at.select_slider(key="t").set_value(20.0).run()
    assert max(bar_weights(at).values()) < 0.2


def test_unscaled_scores_are_sharper() -> None:
    at = open_lesson(QUERY)
    scaled = max(bar_weights(at).values())
    at.toggle(key="scaled").set_value(False).run()
    assert not at.exception
    assert max(bar_weights(at).values()) > scaled


def test_the_picture_does_not_jump_when_the_query_moves() -> None:
    at = open_lesson(QUERY)
    limit = ac.SPACE_LIMIT + 0.5
    for x, y in [(-3.0, -3.0), (3.0, 3.0)]:
        layout = chart(move(at, x, y), "query-space")["layout"]
        assert layout["xaxis"]["range"] == [-limit, limit]
        assert layout["yaxis"]["range"] == [-limit, limit]
        assert layout["yaxis"]["scaleanchor"] == "x"


@pytest.mark.parametrize("end", [0, -1], ids=["min", "max"])
def test_every_control_at_both_ends(end: int) -> None:
    at = open_lesson(QUERY)
    for scaled in (True, False):
        at.slider(key="qx").set_value(-ac.SPACE_LIMIT if end == 0 else ac.SPACE_LIMIT)
        at.slider(key="qy").set_value(-ac.SPACE_LIMIT if end == 0 else ac.SPACE_LIMIT)
        at.select_slider(key="t").set_value(TEMPERATURES[end])
        at.toggle(key="scaled").set_value(scaled)
        at.run()
        assert not at.exception, at.exception
        assert sum(bar_weights(at).values()) == pytest.approx(1.0)
        assert texts(at)


def test_the_ranking_table_has_short_headers_that_fit_a_phone() -> None:
    table = rankings(open_lesson(QUERY))
    assert list(table.columns) == ["rank", "by q · k (attention)", "by distance"]
    assert max(len(str(cell)) for cell in table.to_numpy().ravel()) <= 14


@pytest.mark.parametrize(("x", "y"), [(1.0, 0.0), (2.5, 2.0), (-1.5, -2.5), (0.3, 0.0)])
def test_dot_and_distance_differ_by_half_the_keys_squared_length(x: float, y: float) -> None:
    """The line under the rankings quotes the core's terms for the query on screen."""
    at = move(open_lesson(QUERY), x, y)
    line = next(c.value for c in at.caption if c.value.startswith("Distance and dot product"))
    terms = ac.dot_vs_distance([x, y], list(ac.SPACE_KEYS.values()))
    assert f"½‖q‖² = {terms.half_query_sq:.2f}, the same for every key" in line
    named = re.findall(r"\*(\w+)\* pays ½‖k‖² = (-?\d+\.\d\d)", line)
    assert len(named) == 2
    keys = list(ac.SPACE_KEYS)
    for key, quoted in named:
        assert float(quoted) == pytest.approx(terms.half_key_sq[keys.index(key)], abs=0.005)
    table = rankings(at)
    best_dot, closest = table.iloc[0, 1].split()[0], table.iloc[0, 2].split()[0]
    if best_dot != closest:  # the two keys whose lengths make the rankings differ
        assert [k for k, _ in named] == [best_dot, closest]
    assert terms.identity_gap < 1e-12


def test_near_the_kitten_the_names_are_lion_and_kitten() -> None:
    at = move(open_lesson(QUERY), 1.0, 0.0)
    line = next(c.value for c in at.caption if c.value.startswith("Distance and dot product"))
    assert "*lion* pays ½‖k‖² = 5.00 and *kitten* pays ½‖k‖² = 0.50" in line


# --- predict, then reveal ------------------------------------------------------------------------

NO_WINNER = "No single key: several tie for the most weight"


def drawn(at: AppTest) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The revealed charts' keys, weights (bars), and from the map: q · k, distances, positions."""
    weights = bar_weights(at)
    keys = trace(at, "keys")
    labels = [row[0] for row in keys["customdata"]]
    assert labels == list(weights)
    scores = np.array([row[1] for row in keys["customdata"]])
    distances = np.array([row[2] for row in keys["customdata"]])
    positions = np.stack([values(keys, "x"), values(keys, "y")], axis=1)
    return labels, np.array(list(weights.values())), scores, distances, positions


def test_predict_mode_hides_the_spotlight_until_a_prediction() -> None:
    at = open_lesson(QUERY, {"predict": "true"})
    assert_hidden(at)
    assert not at.metric and not at.table  # the brightest key and the rankings name the winner
    assert not any("wins on dot product" in w.value for w in at.warning)
    # Without the map, the student still knows where every key stands.
    assert any("*lion* (2.6, 1.8)" in c.value for c in at.caption)
    assert options(at) == [*ac.SPACE_KEYS, NO_WINNER]
    commit(at, "kitten")  # the nearest key: the misconception this lesson answers
    assert verdict(at) == (False, ["lion"])
    assert_revealed(at)
    assert at.metric and at.table
    assert "The closest key is *kitten*" in why(at) and "*lion* is longer" in why(at)


def test_the_right_prediction_is_praised_and_the_origin_has_no_winner() -> None:
    at = commit(open_lesson(QUERY, {"predict": "true"}), "lion")
    assert verdict(at) == (True, [])
    at = commit(open_lesson(QUERY, {"predict": "true", "qx": "0", "qy": "0"}), "kitten")
    assert verdict(at) == (False, [NO_WINNER])
    assert "The query is the zero vector" in why(at)


def check_distance_sentence(text: str, labels, weights, distances, positions) -> None:
    """The last sentence of the why: the closest key, and why a farther one wins."""
    lead = int(np.argmax(weights))
    nearest = int(np.argmin(distances))
    found = re.search(
        r"The closest key is \*(\w+)\* \(distance ([\d.]+), against ([\d.]+)\), but \*(\w+)\* is "
        r"longer \(‖k‖ = ([\d.]+), against ([\d.]+)\)",
        text,
    )
    if found is None:
        assert f"*{labels[lead]}* is also the closest key" in text, text
        assert distances[lead] <= distances.min() + 1e-12
        return
    close, d_close, d_lead, winner, len_lead, len_close = found.groups()
    assert (close, winner) == (labels[nearest], labels[lead]), text
    lengths = np.linalg.norm(positions, axis=1)
    assert distances[nearest] < distances[lead] and lengths[lead] > lengths[nearest]
    for quoted, true in (
        (d_close, distances[nearest]),
        (d_lead, distances[lead]),
        (len_lead, lengths[lead]),
        (len_close, lengths[nearest]),
    ):
        assert abs(float(quoted) - true) <= 0.005 + 1e-9, (text, quoted, true)


TENTHS = st.one_of(st.just(0), st.integers(-30, 30))
CONTROLS = st.one_of(
    st.sampled_from(list(QUERY.presets.values())),
    st.fixed_dictionaries(
        {
            "qx": TENTHS.map(lambda n: n / 10),
            "qy": TENTHS.map(lambda n: n / 10),
            "t": st.sampled_from(TEMPERATURES),
            "scaled": st.booleans(),
        }
    ),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(controls=CONTROLS, pick=st.integers(0, 7))
def test_the_right_answer_is_what_the_revealed_charts_show(controls: dict, pick: int) -> None:
    """Over the whole plane, every temperature, scaled or not (and the presets): the keys the
    page marks right are exactly those the charts then show winning, and the why under the
    verdict is true of the charts' numbers."""
    link = {key: QUERY.param(key).to_url(value) for key, value in controls.items()}
    at = open_lesson(QUERY, {"predict": "true", **link})
    assert_hidden(at)
    choices = options(at)
    first = choices[pick % len(choices)]
    commit(at, first)
    labels, weights, scores, distances, positions = drawn(at)
    text = why(at)
    check_why(text, labels, weights, scores=scores)
    if weights.max() - np.sort(weights)[-2] > 1e-9 * weights.max():  # one key leads
        check_distance_sentence(text, labels, weights, distances, positions)
    check_question(at, choices, labels, weights, NO_WINNER, first)


def test_teachers_notes_and_the_misconception_they_answer() -> None:
    at = open_section(open_lesson(QUERY), "Teacher's notes")
    notes = "\n".join(m.value for m in at.markdown)
    assert "**Ask the room**" in notes
    assert (
        "with the query at (1, 0), next to *kitten* at (0.8, −0.6), *lion* gets the most "
        "weight, at every temperature" in notes
    )
    for t in (TEMPERATURES[0], 1.0, TEMPERATURES[-1]):
        for scaled in ("true", "false"):
            at = open_lesson(QUERY, {"qx": "1", "qy": "0", "t": f"{t:g}", "scaled": scaled})
            labels, weights, _, distances, _ = drawn(at)
            assert labels[int(np.argmax(weights))] == "lion"
            assert labels[int(np.argmin(distances))] == "kitten"
