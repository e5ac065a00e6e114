"""The choices of "where does this word look most?" (lessons 6 and 8): the right ones are the
words the row gives its largest weight, ties on screen included, and always among the choices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import attention_core as ac
from ui.formats import listed
from ui.look_question import (
    EVENLY,
    MAX_WORD_OPTIONS,
    asker,
    looked,
    named,
    shares,
    where_it_looks,
)

WORDS = ["the", "river", "bank", "money", "i", "sat", "on", "paid", "into", "cave", "bat"]


def test_a_clear_winner_is_the_one_right_word() -> None:
    choice = where_it_looks(["i", "sat", "on", "the", "river", "bank"], [0, 0, 0, 0, 0.7, 0.3])
    assert choice.options == ("i", "sat", "on", "the", "river", "bank", EVENLY)
    assert choice.right == {4} and choice.top == (4,) and not choice.even


def test_a_tie_on_screen_makes_both_right_and_a_repeated_word_one_choice() -> None:
    choice = where_it_looks(["the", "bank", "the", "river"], [0.1, 0.448, 0.1, 0.452])
    assert choice.options == ("the", "bank", "river", EVENLY)
    assert {choice.options[i] for i in choice.right} == {"bank", "river"}
    choice = where_it_looks(["the", "bank", "the"], [0.45, 0.1, 0.45])
    assert {choice.options[i] for i in choice.right} == {"the"}


def test_an_even_row_is_every_word_alike_and_a_single_word_is_itself() -> None:
    choice = where_it_looks(["the", "river", "bank"], [1 / 3] * 3)
    assert choice.even and {choice.options[i] for i in choice.right} == {EVENLY}
    choice = where_it_looks(["bank", "bank"], [0.5, 0.5])  # all one word: that word, too
    assert {choice.options[i] for i in choice.right} == {"bank", EVENLY}
    choice = where_it_looks(["bank"], [1.0])
    assert choice.options == ("bank",) and choice.right == {0} and not choice.even


def test_a_long_sentence_offers_its_heaviest_words_in_sentence_order() -> None:
    labels = [f"w{i}" for i in range(20)]
    row = np.full(20, 0.01)
    row[[3, 17, 9]] = (0.3, 0.297, 0.2)
    choice = where_it_looks(labels, row / row.sum())
    assert len(choice.options) == MAX_WORD_OPTIONS + 1 and choice.options[-1] == EVENLY
    words = list(choice.options[:-1])
    assert words == sorted(words, key=lambda w: int(w[1:]))  # sentence order
    assert {"w3", "w9", "w17"} <= set(words)
    assert {choice.options[i] for i in choice.right} == {"w3", "w17"}  # a tie on screen


def test_a_long_word_is_shortened_and_stays_one_choice() -> None:
    long = "x" * 100
    choice = where_it_looks([long, "bank"], [0.9, 0.1])
    assert choice.options[0] == "x" * 29 + "…" and choice.right == {0}


def test_names_and_shares_read_as_sentences() -> None:
    labels = ["the", "river", "bank", "the"]
    assert named(labels, [1]) == "*river*"
    assert named(labels, [0, 3, 2]) == "*the* and *bank*"
    assert named([f"w{i}" for i in range(6)], range(6)) == "*w0*, *w1*, *w2*, *w3* and 2 more"
    row = np.array([0.25, 0.25, 0.25, 0.25])
    assert shares(row, labels, [0, 3]) == "25%"  # one word, twice
    assert shares(row, labels, [1, 2]) == "25% each"
    assert shares(np.array([0.404, 0.407]), ["a", "b"], [0, 1]) == "40% to 41%"


def test_listed_names_words_as_a_sentence_and_escapes_them() -> None:
    assert listed(["river"]) == "*river*"
    assert listed(["river", "bank"]) == "*river* and *bank*"
    assert listed(["a", "b", "c"]) == "*a*, *b* and *c*"
    assert listed([str(i) for i in range(9)], limit=6) == "*0*, *1*, *2*, *3*, *4*, *5* and 3 more"
    assert listed(["*bold*"]) == r"*\*bold\**"  # typed text never becomes Markdown


def test_looked_says_where_the_word_looks_as_the_row_shows() -> None:
    labels = ["the", "teacher", "wrote", "the"]
    row = np.array([0.1, 0.2, 0.6, 0.1])
    said = looked(labels, row, where_it_looks(labels, row), 1)
    assert said == "*teacher* looks most at *wrote*: 60%. It gives itself 20%."
    row = np.array([0.1, 0.7, 0.1, 0.1])
    assert looked(labels, row, where_it_looks(labels, row), 1) == (
        "*teacher* looks most at itself: 70%."
    )
    row = np.array([0.1, 0.1, 0.398, 0.402])  # a tie on screen, between different words
    assert looked(labels, row, where_it_looks(labels, row), 1).endswith(
        "looks most at *wrote* and *the*: 40% each, a tie on screen (within half a "
        "percentage point). It gives itself 10%."
    )
    even = np.full(4, 0.25)
    choice = where_it_looks(labels, even)
    assert looked(labels, even, choice, 0) == (
        "*the* (word 1) spreads its attention evenly: every word gets 25% each."
    )
    assert looked(labels, even, choice, 0, silent="It asks nothing") == (
        "It asks nothing, so every word gets the same weight, 25%."
    )
    assert asker(labels, 3) == "*the* (word 4)" and asker(labels, 2) == "*wrote*"


def test_mismatched_or_empty_rows_are_refused() -> None:
    with pytest.raises(ValueError):
        where_it_looks(["a", "b"], [1.0])
    with pytest.raises(ValueError):
        where_it_looks([], [])


@settings(max_examples=200, deadline=None)
@given(
    labels=st.lists(st.sampled_from(WORDS), min_size=1, max_size=40),
    data=st.data(),
)
def test_the_right_choices_are_the_largest_weights_and_always_offered(labels, data) -> None:
    raw = data.draw(
        st.lists(st.floats(0, 10), min_size=len(labels), max_size=len(labels)), label="raw"
    )
    t = data.draw(st.sampled_from([0.05, 1.0, 20.0]), label="t")
    row = ac.softmax(raw, temperature=t)
    choice = where_it_looks(labels, row)
    assert 1 <= len(choice.options) <= MAX_WORD_OPTIONS + 1
    assert len(set(choice.options)) == len(choice.options)
    top = [j for j in range(len(row)) if row[j] >= row.max() - ac.SHOWN_PRECISION]
    assert list(choice.top) == top
    rights = {choice.options[i] for i in choice.right}
    if len(labels) > 1 and len(top) == len(labels):
        assert choice.even and EVENLY in rights
        assert rights - {EVENLY} == ({labels[0]} if len(set(labels)) == 1 else set())
    else:
        found = {labels[j] for j in top}
        assert not choice.even
        if len(found) <= MAX_WORD_OPTIONS:
            assert rights == found
        else:  # more words share the top than a phone can list: every offered word is right
            assert rights <= found and len(rights) == MAX_WORD_OPTIONS
    if not choice.even:  # a wrong word's weight is visibly below the largest
        wrong = set(choice.options) - rights - {EVENLY}
        for w in wrong:
            assert max(row[j] for j in range(len(row)) if labels[j] == w) < row.max() - 0.005
