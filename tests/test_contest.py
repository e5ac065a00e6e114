"""Who wins a lookup, as a student reads the weights: the answers of lessons 2, 4 and 5's
"which key wins?" questions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import attention_core as ac
from ui.params import TEMPERATURES
from ui.questions import contest_options

LABELS = tuple("abcdefghijklmnopqrstuvwxyz0123")


def test_one_clear_leader_wins_alone() -> None:
    race = ac.contest(np.array([0.1, 0.6, 0.3]))
    assert race.top == (1,) and race.close == () and not race.tie
    assert race.winners == {1}
    assert contest_options(race, ("a", "b", "c"), "tie") == (("a", "b", "c", "tie"), frozenset({1}))


def test_an_exact_tie_has_no_winner_and_only_the_tie_is_right() -> None:
    race = ac.contest(np.full(16, 1 / 16))
    assert race.tie and race.winners == frozenset() and len(race.top) == 16
    options, right = contest_options(race, LABELS[:16], "tie")
    assert options == (*LABELS[:7], "tie") and right == {7}


def test_keys_that_look_tied_on_screen_all_win_and_so_does_the_tie() -> None:
    race = ac.contest(np.array([0.300, 0.298, 0.200, 0.202]))  # 30% and 29.8%: both "30%"
    assert race.top == (0,) and race.close == (1,)
    assert contest_options(race, LABELS[:4], "tie")[1] == {0, 1, 4}


def test_the_heaviest_keys_are_offered_in_key_order() -> None:
    w = ac.softmax(np.arange(10.0)[::-1] % 7)  # scores 2, 1, 0, 6, 5, 4, 3, 2, 1, 0
    race = ac.contest(w, offer=3)
    assert race.offered == (3, 4, 5)  # the three largest scores, in key order
    assert race.winners == {3}


def test_the_worlds_of_the_lessons() -> None:
    assert ac.contest(ac.lookup("ci-dessous").weights).winners == {0}  # sous
    flat = ac.contest(ac.lookup("ci-dessous", encoding="one_hot").weights)
    assert flat.winners == frozenset() and len(flat.top) == len(ac.DICTIONARY_KEYS)
    germany = ac.contest(ac.ask("Tell me about Germany").weights)
    assert [ac.NOTE_LABELS[i] for i in germany.top] == [
        "Germany · capital",
        "Germany · language",
        "Germany · currency",
    ]
    assert ac.contest(ac.probe(0.0, 0.0).weights).winners == frozenset()
    assert ac.contest(ac.probe(1.0, 0.0).weights).winners == {1}  # lion, not kitten


def test_a_probe_knows_how_long_each_key_is_and_a_lookup_its_heaviest_keys() -> None:
    found = ac.probe(1.0, 0.0)
    assert found.lengths[found.keys.index("lion")] == pytest.approx(np.hypot(2.6, 1.8))
    assert found.keys[found.by_weight[0]] == "lion"
    assert list(found.weights[found.by_weight]) == sorted(found.weights, reverse=True)


@given(
    scores=st.lists(st.integers(-20, 20), min_size=1, max_size=30),
    t=st.sampled_from(TEMPERATURES),
)
def test_the_right_options_are_the_largest_weights_on_screen(scores: list[int], t: float) -> None:
    w = ac.softmax(np.array(scores) / 4, temperature=t)
    race = ac.contest(w)
    options, right = contest_options(race, LABELS[: len(w)], "tie")
    assert right and len(options) <= 8
    offered = [LABELS.index(o) for o in options[:-1]]
    # Every key not offered weighs no more than any key offered: the argmax is always there.
    rest = [w[i] for i in range(len(w)) if i not in offered]
    assert not rest or max(rest) <= min(w[offered])
    exact = np.flatnonzero(np.isclose(w, w.max(), rtol=1e-9, atol=0))
    if len(exact) > 1:
        assert right == {len(options) - 1}
    else:
        shown = {i for i in range(len(w)) if w[i] >= w.max() - ac.SHOWN_PRECISION}
        assert {offered[i] for i in right if i < len(offered)} == shown & set(offered)
        assert (len(options) - 1 in right) == (len(shown) > 1)
