"""Lesson 2, the soft dictionary: ci-dessous finds below; one-hot finds nothing."""

from __future__ import annotations

import numpy as np
from apptest_helpers import chart, charts, open_lesson, open_section, share_link, texts, values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from predict_checks import (
    assert_hidden,
    assert_revealed,
    check_question,
    check_why,
    commit,
    options,
    predict_again,
    verdict,
    why,
)

import attention_core as ac
from ui.lessons import DICTIONARY
from ui.params import TEMPERATURES


def weights(at) -> list[float]:
    return list(values(chart(at, "dictionary-weights")["data"][1], "x"))


def test_default_query_ci_dessous_answers_below_via_sous() -> None:
    at = open_lesson(DICTIONARY)
    assert not at.exception
    assert "Answer: **below**" in at.success[0].value
    assert "*sous*" in at.success[0].value
    w = weights(at)
    assert w[0] == max(w) and w[0] > 0.8  # "sous" is the first key


def test_one_hot_cannot_match_an_unseen_word() -> None:
    at = open_lesson(DICTIONARY, {"enc": "one-hot"})
    assert not at.success
    assert any("No clear match" in w.value for w in at.warning)
    w = weights(at)
    assert max(w) - min(w) < 1e-12


def test_one_hot_still_finds_an_exact_key() -> None:
    at = open_lesson(DICTIONARY, {"enc": "one-hot", "word": "chat"})
    assert "Answer: **cat**" in at.success[0].value


def test_a_suggestion_sets_the_query_and_the_link() -> None:
    at = open_lesson(DICTIONARY)
    at.get("button_group")[0].set_value("chaton").run()
    assert at.text_input(key="word").value == "chaton"
    assert "Answer: **cat**" in at.success[0].value
    assert "word=chaton" in share_link(at)


def test_temperature_turns_a_hard_lookup_into_mush() -> None:
    at = open_lesson(DICTIONARY, {"t": "0.05"})
    assert max(weights(at)) > 0.99
    at.select_slider(key="t").set_value(20.0).run()
    assert max(weights(at)) < 0.2
    assert not at.success


def test_an_unknown_word_is_explained_not_fatal() -> None:
    at = open_lesson(DICTIONARY, {"word": "xyzzy"})
    assert not at.exception
    assert any("no embedding" in t for t in texts(at))


def test_suggestions_come_in_two_labelled_groups_and_each_sets_the_query() -> None:
    at = open_lesson(DICTIONARY)
    groups = at.get("button_group")
    labels = [g.proto.label for g in groups]
    assert labels == [
        "Not in the dictionary (the interesting ones)",
        "In the dictionary (an exact match)",
    ]
    assert [list(g.options) for g in groups] == [list(ac.UNSEEN_WORDS), list(ac.DICTIONARY_KEYS)]
    at.get("button_group")[1].set_value("chat").run()
    assert at.text_input(key="word").value == "chat"
    assert "Answer: **cat**" in at.success[0].value


def test_one_hot_highlights_no_winner_and_shows_its_zero_scores() -> None:
    at = open_lesson(DICTIONARY, {"enc": "one-hot"})
    fig = chart(at, "dictionary-weights")
    scores, weights_bar = fig["data"]
    colors = set(weights_bar["marker"]["color"])
    assert len(colors) == 1, colors  # every weight is 1/16: no bar drawn as the winner
    assert scores["text"] == ["0.00"] * len(ac.DICTIONARY_KEYS)  # the zeros are written
    assert set(scores["textposition"]) == {"outside"}  # where a zero-length bar shows them
    # With a winner, exactly one bar gets the accent.
    at = open_lesson(DICTIONARY)
    colors = chart(at, "dictionary-weights")["data"][1]["marker"]["color"]
    assert len(set(colors)) == 2 and colors.count(colors[0]) == 1  # sous, first, is the one


def test_an_empty_word_shows_one_message() -> None:
    at = open_lesson(DICTIONARY, {"word": ""})
    assert not at.exception
    notice = [*at.info, *at.warning, *at.success, *at.error]
    messages = [m for m in notice if m.icon != ":material/lightbulb:"]  # not the lesson's note
    assert [m.value for m in messages] == ["Type a French word, or pick one of the suggestions."]


# --- predict, then reveal ------------------------------------------------------------------------

NO_WINNER = "No single word: several tie for the most weight"


def drawn(at) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The keys, weights and scores the revealed chart draws."""
    fig = chart(at, "dictionary-weights")
    labels = [label.split(" → ")[0] for label in fig["layout"]["yaxis"]["ticktext"]]
    return labels, values(fig["data"][1], "x"), values(fig["data"][0], "x")


def prompt(at) -> str:
    return next(m.value for m in at.markdown if "**Predict first.**" in m.value)


def test_predict_mode_hides_the_lookup_until_a_prediction() -> None:
    at = open_lesson(DICTIONARY, {"predict": "true"})
    assert_hidden(at)
    assert not any("No clear match" in w.value for w in at.warning)
    assert "Looking up *ci\\-dessous* with embeddings at temperature 1:" in prompt(at)
    choices = options(at)
    assert "sous" in choices and choices[-1] == NO_WINNER and len(choices) == 8
    commit(at, "sous")
    assert_revealed(at)
    assert verdict(at) == (True, [])
    assert any("Answer: **below**" in s.value for s in at.success)
    assert "*sous* (score" in why(at) and "similar meanings, similar vectors" in why(at)


def test_a_wrong_prediction_names_the_word_that_wins() -> None:
    at = open_lesson(DICTIONARY, {"predict": "true"})
    commit(at, next(o for o in options(at) if o not in ("sous", NO_WINNER)))
    assert verdict(at) == (False, ["sous"])
    assert charts(at)


def test_with_one_hot_no_word_wins_and_the_question_says_so() -> None:
    at = open_lesson(DICTIONARY, {"predict": "true", "enc": "one-hot"})
    assert "with one-hot vectors" in prompt(at)
    commit(at, "sous")
    assert verdict(at) == (False, [NO_WINNER])
    assert "its one-hot slot is its own" in why(at)
    commit(predict_again(at), NO_WINNER)
    assert verdict(at) == (True, [])


def _link(settings: dict) -> dict[str, str]:
    return {key: DICTIONARY.param(key).to_url(value) for key, value in settings.items()}


CONTROLS = st.one_of(
    st.sampled_from(list(DICTIONARY.presets.values())),
    st.fixed_dictionaries(
        {
            "word": st.sampled_from([*ac.UNSEEN_WORDS, *ac.DICTIONARY_KEYS, "xyzzy", " Sous "]),
            "enc": st.sampled_from(["embedding", "one-hot"]),
            "t": st.sampled_from(TEMPERATURES),
            "scaled": st.booleans(),
        }
    ),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(controls=CONTROLS, pick=st.integers(0, 7))
def test_the_right_answer_is_what_the_revealed_chart_shows(controls: dict, pick: int) -> None:
    """Over the controls (and the presets): the words the page marks right are exactly those the
    chart then shows winning, and the why under the verdict is true of the chart's numbers."""
    at = open_lesson(DICTIONARY, {"predict": "true", **_link(controls)})
    assert_hidden(at)
    choices = options(at)
    first = choices[pick % len(choices)]
    commit(at, first)
    labels, weights, scores = drawn(at)
    assert labels == list(ac.DICTIONARY_KEYS)
    check_why(why(at), labels, weights, scores=scores)
    if "every other key scores exactly 0" in why(at):
        assert np.count_nonzero(scores) == 1, scores
    check_question(at, choices, labels, weights, NO_WINNER, first)


def test_teachers_notes_and_the_misconception_they_answer() -> None:
    at = open_section(open_lesson(DICTIONARY), "Teacher's notes")
    notes = "\n".join(m.value for m in at.markdown)
    assert "**Ask the room**" in notes and "one-hot" in notes
    assert "matches all 16 keys equally (each gets 1/16)" in notes
    # True of the numbers: one-hot spreads ci-dessous evenly, embeddings land on sous.
    _, weights, _ = drawn(open_lesson(DICTIONARY, {"enc": "one-hot"}))
    assert len(weights) == 16 and np.ptp(weights) == 0 and weights[0] == 1 / 16
    labels, weights, _ = drawn(open_lesson(DICTIONARY))
    assert labels[int(np.argmax(weights))] == "sous"
