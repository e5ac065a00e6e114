"""Lesson 2, the soft dictionary: ci-dessous finds below; one-hot finds nothing."""

from __future__ import annotations

from apptest_helpers import chart, open_lesson, share_link, texts, values

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
