"""The helpers behind lessons 9 and 11's word questions: which words are offered, how repeated
words are told apart, and the explanation's shares (never a runner-up that reads like a winner)."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import attention_core as ac
from ui import questions

FAST = settings(max_examples=200, deadline=None)


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


@FAST
@given(st.lists(st.floats(0, 1), min_size=2, max_size=12), st.integers(0, 11))
def test_the_explanation_names_the_right_words_and_a_runner_up_that_reads_lower(raw, focus):
    row = np.array(raw) + 1e-3
    row /= row.sum()
    focus %= len(row)
    labels = [f"w{i}" for i in range(len(row))]
    right = ac.largest(row)
    said = questions.looks_most(row, labels, focus, right, noun="word")
    if len(right) == len(row):
        assert "spreads its attention evenly" in said
        return
    top, after = said.split(" looks most at ", 1)[1].split(". The next is ", 1)
    assert set(re.findall(r"\*w(\d+)\*", top)) == {str(j) for j in right}
    shares = re.findall(r"\(([^,)]+)", top)
    (runner_share,) = re.findall(r"\(([^,)]+)", after)
    assert runner_share not in shares  # the next one never reads like a right one
    (runner,) = (int(j) for j in re.findall(r"\*w(\d+)\*", after))
    rest = [row[j] for j in range(len(row)) if j not in right]
    assert row[runner] == max(rest)
