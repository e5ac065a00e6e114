"""One voice for every sentence about the numbers (issue 22, section 4): ``ui.questions``.

"Where does a word look most?" is worded once (``looks_most``) and asked once
(``where_it_looks``); both read the core's one tie rule (``ac.largest``, ``ac.is_even``), so a
prediction marked right always agrees with the sentence printed beside it. Checked as properties
over random rows, and at the rows that broke it.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from claims import top_named
from hypothesis import given, settings
from hypothesis import strategies as st

import attention_core as ac
from ui import questions
from ui.questions import (
    EVENLY,
    MAX_WORD_OPTIONS,
    asker,
    listed,
    looks_most,
    named,
    shares,
    where_it_looks,
)

FAST = settings(max_examples=200, deadline=None)
WORDS = ["the", "river", "bank", "money", "I", "sat", "on", "paid", "into", "cave", "bat"]


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def named_in(sentence: str) -> set[str]:
    """The words a "looks most at" sentence names as the top (before "The next is")."""
    return top_named(sentence)


# ---- the pure module ------------------------------------------------------------------------


def test_the_module_imports_without_streamlit() -> None:
    code = (
        "import sys; sys.modules['streamlit'] = None\n"  # any import of it now fails
        "import ui.questions, ui.claims, ui.readings\n"
        "assert 'streamlit' not in [m for m in sys.modules if sys.modules[m] is not None]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- where does a word look? ----------------------------------------------------------------


def test_looks_most_says_where_the_word_looks_as_the_row_shows() -> None:
    labels = ["the", "teacher", "wrote", "the"]
    said = looks_most([0.1, 0.2, 0.6, 0.1], labels, asking=asker(labels, 1), itself=1)
    assert said == "*teacher* looks most at *wrote*: 60%. The next is itself (20%)."
    said = looks_most([0.1, 0.7, 0.1, 0.1], labels, asking="*teacher*", itself=1)
    assert said == "*teacher* looks most at itself: 70%. The next is *the* (word 1) (10%)."
    said = looks_most([0.1, 0.1, 0.398, 0.402], labels, asking="*teacher*", itself=1)
    assert said == (
        "*teacher* looks most at *wrote* and *the* (word 4): 39.8% to 40.2%, a tie on screen "
        "(within half a percentage point). The next is *the* (word 1) (10.0%). It gives itself "
        "10%."
    ) or said.startswith("*teacher* looks most at *wrote* and *the* (word 4): 40% each, a tie")
    even = np.full(4, 0.25)
    assert looks_most(even, labels, asking=asker(labels, 0), itself=0) == (
        "*the* (word 1) spreads its attention evenly: every word gets 25%."
    )
    assert looks_most(even, labels, asking="*the*", silent="It asks nothing") == (
        "It asks nothing, so every word gets the same weight, 25%."
    )
    # A repeated word: itself named as such in a tie, the other told apart by its place.
    said = looks_most([0.1, 0.45, 0.0, 0.45], labels, asking=asker(labels, 3), itself=3)
    assert said.startswith("*the* (word 4) looks most at *teacher* and itself: 45% each, an exact")
    assert asker(labels, 3) == "*the* (word 4)" and asker(labels, 2) == "*wrote*"


def test_the_reported_near_tie_names_both_words_as_the_prediction_does() -> None:
    """[0.451, 0.449, 0.1]: lesson 9 marked both words right while its sentence named one."""
    labels, row = ["river", "money", "bank"], np.array([0.451, 0.449, 0.1])
    choice = where_it_looks(labels, row)
    rights = {choice.options[i] for i in choice.right}
    said = looks_most(row, labels, asking="*bank*", itself=2)
    assert rights == {"river", "money"} == named_in(said)
    assert "a tie on screen" in said


def test_an_even_spread_is_never_called_looking_most() -> None:
    """ "poems? looks most at 3? (0.14)" where an even split over 7 words is 0.143."""
    row = np.array([0.1442, 0.1425, 0.1427, 0.1426, 0.1428, 0.1426, 0.1426])
    labels = [f"w{i}" for i in range(7)]
    said = looks_most(row, labels, asking="*poems?*", itself=0)
    assert "spreads its attention" in said and "looks most" not in said
    assert {where_it_looks(labels, row).options[i] for i in where_it_looks(labels, row).right} == {
        EVENLY
    }
    # 45 words, the top a fraction of a point above an even share (2.2%): about evenly.
    row = np.full(45, 1.0)
    row[[3, 9]], row[[20, 21, 22]] = 1.15, 0.5
    row /= row.sum()
    said = looks_most(row, [f"w{i}" for i in range(45)], asking="*long?*", itself=0)
    assert said.startswith("*long?* spreads its attention about evenly"), said


def test_between_two_sentences_no_key_is_itself() -> None:
    """Cross-attention: the query *bank* looks at another sentence's words, one of them also
    spelled *bank*. It is not "itself": only the same token of the same sequence is."""
    keys = ["la", "banque", "bank"]
    said = looks_most([0.1, 0.2, 0.7], keys, asking="*bank*")
    assert said == "*bank* looks most at *bank*: 70%. The next is *banque* (20%)."
    said = looks_most([0.1, 0.7, 0.2], keys, asking="*bank*")
    assert "itself" not in said


@FAST
@given(
    labels=st.lists(st.sampled_from(WORDS), min_size=1, max_size=40),
    data=st.data(),
)
def test_the_sentence_and_the_prediction_agree_on_every_row(labels, data) -> None:
    """The one property of the one voice: the words the sentence names as the top are the
    right words of the question beside it; "spreads" exactly when "no word stands out" is right."""
    raw = data.draw(st.lists(st.floats(0, 10), min_size=len(labels), max_size=len(labels)))
    t = data.draw(st.sampled_from([0.05, 0.3, 1.0, 5.0, 20.0]), label="t")
    focus = data.draw(st.integers(0, len(labels) - 1), label="focus")
    row = ac.softmax(raw, temperature=t)
    choice = where_it_looks(labels, row)
    said = unescaped(looks_most(row, labels, asking=asker(labels, focus), itself=focus))
    rights = {choice.options[i] for i in choice.right}
    if choice.even:
        assert "spreads its attention" in said and EVENLY in rights
        return
    assert "spreads" not in said and EVENLY not in rights
    top = {labels[j] for j in choice.top}
    names = {labels[focus] if name == "itself" else name for name in named_in(said)}
    if len(choice.top) <= 4:  # a sentence lists four places, then "and N more"
        assert names == top == rights, (said, rights)
    else:  # more than a sentence lists: "a, b, c, d and 3 more"
        assert names <= top and rights <= top


@FAST
@given(st.lists(st.floats(0, 1), min_size=2, max_size=12), st.integers(0, 11))
def test_the_runner_up_never_reads_like_a_winner(raw, focus):
    row = np.array(raw) + 1e-3
    row /= row.sum()
    focus %= len(row)
    labels = [f"w{i}" for i in range(len(row))]
    said = looks_most(row, labels, asking="*x*")
    if ac.is_even(row):
        assert "spreads its attention" in said
        return
    top, after = said.split(" looks most at ", 1)[1].split(". The next is ", 1)
    if len(ac.largest(row)) <= 4:  # a sentence lists four words, then "and N more"
        assert set(re.findall(r"\*w(\d+)\*", top)) == {str(j) for j in ac.largest(row)}
    top_shares = re.findall(r"(\d+(?:\.\d+)?%|under 1%)", top)
    (runner_share,) = re.findall(r"\(([^,)]+)\)", after)
    assert runner_share not in top_shares  # the next one never reads like a right one
    (runner,) = (int(j) for j in re.findall(r"\*w(\d+)\*", after))
    rest = [row[j] for j in range(len(row)) if j not in ac.largest(row)]
    assert row[runner] == max(rest)


def test_mismatched_or_empty_rows_are_refused() -> None:
    with pytest.raises(ValueError):
        where_it_looks(["a", "b"], [1.0])
    with pytest.raises(ValueError):
        where_it_looks([], [])
    with pytest.raises(ValueError):
        looks_most([0.5, 0.5], ["a"], asking="*a*")


# ---- the choices of "where does it look most?" ---------------------------------------------


def test_a_clear_winner_is_the_one_right_word() -> None:
    choice = where_it_looks(["I", "sat", "on", "the", "river", "bank"], [0, 0, 0, 0, 0.7, 0.3])
    assert choice.options == ("I", "sat", "on", "the", "river", "bank", EVENLY)
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


# ---- words in a sentence: one joiner ---------------------------------------------------------


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


# ---- questions whose options are the words on screen ----------------------------------------


@FAST
@given(n=st.integers(1, 60), data=st.data())
def test_offered_keeps_every_right_word_and_at_most_eight(n, data):
    right = data.draw(st.sets(st.integers(0, n - 1), min_size=1), label="right")
    first = data.draw(st.lists(st.integers(-2, n + 2), max_size=5), label="first")
    shown = questions.offered(n, right, first=first)
    assert shown == sorted(set(shown)) and all(0 <= i < n for i in shown)
    assert len(shown) == min(n, questions.MAX_OPTIONS)
    assert set(shown) >= set(sorted(right)[: questions.MAX_OPTIONS])
    wanted = [i for i in first if 0 <= i < n]
    if len(right | set(wanted)) <= questions.MAX_OPTIONS:
        assert set(wanted) <= set(shown)


def test_distinct_tells_repeated_words_apart_by_place():
    assert questions.distinct(["the", "dog", "the"]) == ["the (word 1)", "dog", "the (word 3)"]
    assert questions.distinct(["[CLS]", "a", "[SEP]"], noun="token") == ["[CLS]", "a", "[SEP]"]
