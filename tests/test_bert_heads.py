"""Named head behaviours and the layer-by-layer cosine (``attention_core.head_roles``), on made-up
attention patterns whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from attention_core.head_roles import (
    BEHAVIOURS,
    behaviour_shares,
    cosine_by_layer,
    head_behaviours,
    heads_that_look,
)

# [CLS] un ##believ ##able bank [SEP]: word 0 has three pieces, word 1 one.
WORD_IDS = np.array([-1, 0, 0, 0, 1, -1])
SPECIAL = np.array([True, False, False, False, False, True])
N = len(WORD_IDS)


def _shift(k: int) -> np.ndarray:
    """Each row puts all its weight k positions away (clamped to the ends)."""
    w = np.zeros((N, N))
    for i in range(N):
        w[i, min(max(i + k, 0), N - 1)] = 1.0
    return w


def _to_special() -> np.ndarray:
    w = np.zeros((N, N))
    w[:, -1] = 1.0  # everyone looks at [SEP]
    return w


def _same_word() -> np.ndarray:
    w = np.zeros((N, N))
    for i in range(N):
        others = [j for j in range(N) if j != i and WORD_IDS[j] == WORD_IDS[i] >= 0]
        w[i, others or [i]] = 1 / max(len(others), 1)
    return w


def _patterns() -> np.ndarray:
    """(layers=2, heads=3, n, n): previous, next, special / same word, uniform, previous."""
    uniform = np.full((N, N), 1 / N)
    return np.array(
        [
            [_shift(-1), _shift(+1), _to_special()],
            [_same_word(), uniform, _shift(-1) * 0.6 + uniform * 0.4],
        ]
    )


def test_every_behaviour_has_a_name_for_the_page():
    assert set(BEHAVIOURS) == {"previous", "next", "special", "same word"}


def test_pure_patterns_get_share_one():
    shares = behaviour_shares(_patterns(), WORD_IDS, SPECIAL)
    assert shares["previous"].shape == (2, 3)
    assert shares["previous"][0, 0] == pytest.approx(1.0)
    assert shares["next"][0, 1] == pytest.approx(1.0)
    assert shares["special"][0, 2] == pytest.approx(1.0)
    assert shares["same word"][1, 0] == pytest.approx(1.0)
    assert shares["special"][1, 1] == pytest.approx(2 / N)  # uniform: 2 of 6 tokens are special


def test_heads_are_named_by_their_largest_share():
    found = head_behaviours(_patterns(), WORD_IDS, SPECIAL)
    labels = {(h.layer, h.head): h.behaviour for h in found.named}
    assert labels == {
        (0, 0): "previous",
        (0, 1): "next",
        (0, 2): "special",
        (1, 0): "same word",
        (1, 2): "previous",  # 0.6 + 0.4 / 6 = 0.67
    }
    assert found.label(1, 1) is None  # the uniform head does no one thing
    assert [h.head for h in found.heads("previous")] == [0, 2]  # strongest first
    assert found.heads("previous")[1].share == pytest.approx(0.6 + 0.4 / N)


def test_threshold_decides_what_mostly_means():
    assert head_behaviours(_patterns(), WORD_IDS, SPECIAL, threshold=0.7).label(1, 2) is None
    everything = head_behaviours(_patterns(), WORD_IDS, SPECIAL, threshold=0.0)
    assert len(everything.named) == 6


def test_no_split_word_means_no_same_word_share():
    words = np.array([-1, 0, 1, 2, 3, -1])
    shares = behaviour_shares(_patterns(), words, SPECIAL)
    assert np.isnan(shares["same word"]).all()
    found = head_behaviours(_patterns(), words, SPECIAL)
    assert not found.heads("same word")


def test_only_special_tokens_still_works():
    w = np.full((1, 2, 2, 2), 0.5)
    found = head_behaviours(w, np.array([-1, -1]), np.array([True, True]))
    assert found.shares["special"][0, 0] == pytest.approx(1.0)
    assert found.named[0].behaviour == "special"


def _looking(asker: int, row: list[float], rest: np.ndarray | None = None) -> np.ndarray:
    """A head in which token ``asker`` reads ``row``; every other row is ``rest`` (uniform)."""
    w = np.full((N, N), 1 / N) if rest is None else rest.copy()
    w[asker] = row
    return w


def test_heads_that_look_keep_heads_where_a_word_reads_another_word_clearest_first():
    """bank (token 4) reads: [CLS] un ##believ ##able bank [SEP]."""
    heads = [
        _looking(4, [0.1, 0.6, 0.1, 0.1, 0.0, 0.1]),  # 0: bank -> un, clear (margin 0.5)
        _looking(4, [0.15, 0.35, 0.2, 0.1, 0.05, 0.15]),  # 1: bank -> un, barely (0.15)
        _looking(4, [0.1, 0.1, 0.1, 0.6, 0.0, 0.1]),  # 2: its neighbour: position
        _looking(4, [0.0, 0.0, 0.0, 0.0, 1.0, 0.0]),  # 3: itself
        _looking(4, [0.0, 0.2, 0.0, 0.0, 0.0, 0.8]),  # 4: [SEP]
        _looking(4, [0.1, 0.6, 0.1, 0.1, 0.0, 0.1], _shift(-1)),  # 5: else a previous head
        _looking(4, [0.1, 0.6, 0.1, 0.1, 0.0, 0.1], _to_special()),  # 6: else resting
    ]
    looks = heads_that_look(np.array([heads]), WORD_IDS, SPECIAL, asker=4)
    assert [(h.layer, h.head, h.target) for h in looks] == [(0, 0, 1), (0, 1, 1)]
    assert looks[0].weight == pytest.approx(0.6) and looks[0].runner_up == pytest.approx(0.1)
    assert looks[0].margin == pytest.approx(0.5) and looks[1].margin == pytest.approx(0.15)


def test_heads_that_look_leave_out_the_pieces_of_the_asker_s_own_word():
    """un (token 1) looking at ##able (token 3) looks at its own word, not another."""
    own = _looking(1, [0.0, 0.1, 0.1, 0.7, 0.0, 0.1])
    other = _looking(1, [0.0, 0.1, 0.1, 0.1, 0.7, 0.0])
    looks = heads_that_look(np.array([[own, other]]), WORD_IDS, SPECIAL, asker=1)
    assert [(h.head, h.target) for h in looks] == [(1, 4)]


def test_cosine_by_layer_matches_a_direct_computation():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4, 5, 3)), rng.standard_normal((4, 7, 3))
    got = cosine_by_layer(a, 2, b, 6)
    expected = [
        a[k, 2] @ b[k, 6] / np.linalg.norm(a[k, 2]) / np.linalg.norm(b[k, 6]) for k in range(4)
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert cosine_by_layer(a, 1, a, 1) == pytest.approx(np.ones(4))
    a[0, 0] = 0
    assert cosine_by_layer(a, 0, b, 0)[0] == 0.0
