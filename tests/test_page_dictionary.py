"""Lesson 2, the soft dictionary: ci-dessous finds below; one-hot finds nothing."""

from __future__ import annotations

from apptest_helpers import chart, open_lesson, share_link, texts, values

import attention_core as ac
from ui.lessons import DICTIONARY


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
