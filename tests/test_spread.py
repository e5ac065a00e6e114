"""Every verdict the lessons print about a row of weights is true of that row.

``describe_spread`` (lesson 3's "even / hard lookup / tie / soft"), the noisy room's summary
(lesson 1) and ``Lookup.leader`` (which key the charts accent) are checked against the plain
meaning of their words (``tests/claims.py``) over every setting the controls allow.
"""

from __future__ import annotations

import numpy as np
import pytest
from claims import check_room, check_spread
from hypothesis import given, settings
from hypothesis import strategies as st

import attention_core as ac
from ui.lessons import SCORE_RANGE
from ui.params import TEMPERATURES
from ui.questions import room_summary, spread_headline

LABELS = ["sous", "près", "dans", "sur", "loin"]
#: The score sliders' grid: -5 to 5 in steps of 0.1 (as integers of tenths, so ties happen).
slider_scores = st.lists(
    st.integers(int(SCORE_RANGE[0] * 10), int(SCORE_RANGE[1] * 10)), min_size=5, max_size=5
).map(lambda tenths: [x / 10 for x in tenths])


@settings(max_examples=400, deadline=None)
@given(scores=slider_scores)
def test_every_verdict_is_true_at_every_temperature(scores: list[float]) -> None:
    for t in TEMPERATURES:
        weights = ac.softmax(scores, temperature=t)
        check_spread(spread_headline(ac.describe_spread(weights), LABELS), LABELS, weights)


@pytest.mark.parametrize(
    ("scores", "t", "kind"),
    [
        ([3, 1.5, 1, 0.5, -1], 4.0, "soft"),  # the walkthrough's "even" at 0.31 vs 0.12
        ([3, 1.5, 1, 0.5, -1], 20.0, "even"),
        ([3, 1.5, 1, 0.5, -1], 0.05, "hard"),
        ([2, 2, 0, -1, -2], 0.1, "tie"),  # the tie preset: 50% each is no arg-max
        ([1, 1, 1, 1, 1], 0.05, "even"),
        ([3, 2.9, 1, 0.5, -1], 0.05, "soft"),  # the smallest gap: 88% even at T = 0.05
    ],
)
def test_the_walkthrough_cases(scores: list[float], t: float, kind: str) -> None:
    weights = ac.softmax(scores, temperature=t)
    verdict = ac.describe_spread(weights)
    assert verdict.kind == kind
    check_spread(spread_headline(verdict, LABELS), LABELS, weights)


def test_describe_spread_rejects_what_is_not_a_row_of_weights() -> None:
    for bad in ([], [[0.5, 0.5]], [0.5, np.nan], [1.5, -0.5]):
        with pytest.raises(ValueError, match="weights"):
            ac.describe_spread(bad)


def test_the_rooms_summary_is_true_for_every_room_and_temperature() -> None:
    for n in range(ac.MIN_VOICES, ac.MAX_VOICES + 1):
        for t in TEMPERATURES:
            room = ac.listen(n, temperature=t)
            check_room(room_summary(room), room.weights)


def test_the_default_room_does_not_claim_most_of_the_attention() -> None:
    room = ac.listen(12, temperature=1.0)
    assert room.friend_share < 0.5  # 42% vs 58% chatter (the walkthrough's case)
    assert "most of your attention" not in room_summary(room)
    assert "more than any other voice" in room_summary(room)


def test_a_flat_lookup_has_no_leader() -> None:
    one_hot = ac.lookup("ci-dessous", encoding="one_hot")
    assert np.ptp(one_hot.weights) < 1e-12
    assert one_hot.leader is None
    assert ac.lookup("ci-dessous").leader == ac.DICTIONARY_KEYS.index("sous")
    assert ac.probe(0.0, 0.0).leader is None


@settings(max_examples=200, deadline=None)
@given(
    word=st.sampled_from([*ac.KNOWN_WORDS, "xyzzy", ""]),
    encoding=st.sampled_from(ac.ENCODINGS),
    t=st.sampled_from(TEMPERATURES),
    scaled=st.booleans(),
)
def test_a_leader_is_the_one_largest_weight(word, encoding, t, scaled) -> None:
    found = ac.lookup(word, encoding=encoding, temperature=t, scaled=scaled)
    w = found.weights
    if found.leader is None:
        assert np.sum(np.isclose(w, w.max(), rtol=1e-9, atol=0)) > 1
    else:
        assert (np.delete(w, found.leader) < w[found.leader]).all()
