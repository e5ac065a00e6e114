"""Lesson 10: attention is blind to order; sinusoidal positions make it see; the previous-word head.

The encodings are checked against the paper's formula written as a loop, and against the PyTorch
tutorial's ``PositionalEncoding`` (fixture written by ``tests/fixtures/make_torch_reference.py``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention_core import (
    BASE,
    D_POS,
    FEATURES,
    HEADS,
    VOCABULARY,
    frequencies,
    generate,
    looks_at_previous,
    next_shuffle,
    position_dims,
    positioned,
    previous_word_head,
    previous_word_weights,
    project,
    refine,
    reorder,
    shift_matrix,
    shuffle,
    shuffle_order,
    sinusoidal_positions,
    tokenize,
    with_positions,
)

FAST = settings(max_examples=30, deadline=None)
FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "torch_reference.json").read_text(encoding="utf-8")
)
SENTENCES = [
    "the teacher wrote on the board",
    "I sat on the river bank with my dog",
    "dog bites man",
    "the girl gave the bread to the old horse in the field by the river at night",
]


def paper_formula(n: int, d_pos: int, base: float = 10_000.0) -> list[list[float]]:
    """PE[pos, 2i] = sin(pos / base^(2i/d)), PE[pos, 2i+1] = cos(pos / base^(2i/d)), by loops."""
    table = []
    for pos in range(n):
        row = []
        for j in range(d_pos):
            angle = pos / base ** (2 * (j // 2) / d_pos)
            row.append(math.sin(angle) if j % 2 == 0 else math.cos(angle))
        table.append(row)
    return table


# --- the encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "d_pos"), [(1, 2), (10, 8), (40, 8), (25, 16), (7, 64)])
def test_positions_match_the_papers_formula(n, d_pos):
    pe = sinusoidal_positions(n, d_pos)
    assert pe.shape == (n, d_pos)
    np.testing.assert_allclose(pe, paper_formula(n, d_pos), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "case", FIXTURE["positions"], ids=lambda c: f"{c['max_len']}x{c['d_model']}"
)
def test_positions_match_the_pytorch_tutorial(case):
    pe = sinusoidal_positions(case["max_len"], case["d_model"])
    np.testing.assert_allclose(pe, case["pe"], rtol=0, atol=1e-6)


def test_position_dims_and_frequencies():
    assert position_dims(4) == ("sin0", "cos0", "sin1", "cos1")
    assert len(position_dims()) == D_POS and BASE == 10_000.0
    np.testing.assert_allclose(frequencies(4), [1.0, 0.01], rtol=1e-15)
    for bad in (0, 3, 7):
        with pytest.raises(ValueError, match="even"):
            frequencies(bad)


@pytest.mark.parametrize("steps", [1, 2, 5])
def test_moving_back_is_one_rotation_for_every_position(steps):
    pe = sinusoidal_positions(30)
    r = shift_matrix(steps=steps)
    np.testing.assert_allclose(pe[steps:] @ r, pe[:-steps], rtol=0, atol=1e-12)
    np.testing.assert_allclose(r @ r.T, np.eye(D_POS), atol=1e-15)  # a rotation


def test_with_positions_appends_scaled_dims():
    tokens, x = positioned("the river bank", strength=2.0)
    assert tokens == ("the", "river", "bank") and x.shape == (3, len(FEATURES) + D_POS)
    np.testing.assert_array_equal(x[:, : len(FEATURES)], refine("the river bank").embeddings)
    np.testing.assert_allclose(x[:, len(FEATURES) :], 2.0 * sinusoidal_positions(3), atol=0)
    np.testing.assert_array_equal(with_positions(np.ones((2, 3)), 0.0)[:, 3:], 0.0)


# --- attention is blind to order -----------------------------------------------------------------


def test_dog_bites_man_is_man_bites_dog_without_positions():
    w = reorder("dog bites man", (2, 1, 0))
    assert w.shuffled_tokens == ("man", "bites", "dog")
    assert w.same_up_to_order and w.gap <= 1e-12
    np.testing.assert_allclose(w.shuffled.weights, w.original.weights[::-1, ::-1], atol=1e-15)


@pytest.mark.parametrize("strength", [0.5, 1.0, 2.0])
def test_with_positions_order_changes_the_result(strength):
    w = reorder("the dog bites the man", (3, 4, 2, 0, 1), positions=strength)
    assert w.shuffled_tokens == ("the", "man", "bites", "the", "dog")
    assert not w.same_up_to_order and w.gap > 0.01, w.gap


@pytest.mark.parametrize("strength", [0.5, 1.0, 2.0])
def test_plain_attention_with_positions_sees_distance_not_direction(strength):
    """Reversal keeps every distance, so Q = K = V = X with positions still only permutes."""
    w = reorder("dog bites man", (2, 1, 0), positions=strength)
    assert w.same_up_to_order, w.gap


@pytest.mark.parametrize("strength", [1.0, 2.0])
def test_the_previous_word_head_knows_who_bit_whom(strength):
    w = reorder("dog bites man", (2, 1, 0), head=previous_word_head(), positions=strength)
    assert not w.same_up_to_order and w.gap > 0.5, w.gap
    bites, animal, person = 1, FEATURES.index("animal"), FEATURES.index("person")
    assert w.original.output[bites, animal] > w.original.output[bites, person]  # dog bites
    assert w.shuffled.output[bites, person] > w.shuffled.output[bites, animal]  # man bites
    blind = reorder("dog bites man", (2, 1, 0), head=previous_word_head(), positions=0.0)
    assert blind.same_up_to_order


@FAST
@given(
    words=st.lists(st.sampled_from(sorted(VOCABULARY)), min_size=1, max_size=10),
    data=st.data(),
    temperature=st.sampled_from([0.2, 1.0, 5.0]),
    scaled=st.booleans(),
)
def test_self_attention_is_permutation_equivariant(words, data, temperature, scaled):
    order = data.draw(st.permutations(range(len(words))), label="order")
    w = reorder(" ".join(words), order, temperature=temperature, scaled=scaled)
    assert w.same_up_to_order, f"gap {w.gap}"
    np.testing.assert_allclose(w.shuffled.weights.sum(axis=1), 1.0, atol=1e-12)


def test_reorder_rejects_what_is_not_a_permutation():
    with pytest.raises(ValueError, match=r"permutation of 0\.\.2"):
        reorder("dog bites man", (0, 0, 1))


@pytest.mark.parametrize("n", [0, 1, 2, 5, 40])
def test_shuffle_order_is_a_seeded_permutation_that_moves(n):
    order = shuffle_order(n, seed=3)
    assert sorted(order) == list(range(n)) and order == shuffle_order(n, seed=3)
    if n >= 2:
        assert order != tuple(range(n))


# --- the previous-word head ---------------------------------------------------------------------


@pytest.mark.parametrize("text", SENTENCES)
def test_previous_word_head_finds_the_previous_word_once_positions_exist(text):
    p = project(text, previous_word_head(), positions=2.0)
    n = len(p.tokens)
    assert (p.looks_at[1:] == np.arange(n - 1)).all(), f"{p.looks_at} for {p.tokens}"
    np.testing.assert_allclose(p.weights.sum(axis=1), 1.0, atol=1e-12)
    assert (np.diag(p.weights, k=-1) > 0.3).all(), np.diag(p.weights, k=-1)


@pytest.mark.parametrize("text", SENTENCES)
def test_previous_word_head_is_blind_without_positions(text):
    p = project(text, previous_word_head(), positions=0.0)
    n = len(p.tokens)
    np.testing.assert_allclose(p.weights, 1 / n, atol=1e-15)  # no question, even spread
    if n > 2:
        assert not (p.looks_at[1:] == np.arange(n - 1)).all()


def test_previous_word_head_for_every_length_up_to_the_cap():
    words = ["river", "money", "dog", "teacher", "sat", "bread", "night", "house"] * 5
    p = project(" ".join(words), previous_word_head(), positions=1.0)
    assert len(p.tokens) == 40 and (p.looks_at[1:] == np.arange(39)).all()


def test_previous_word_head_is_built_from_the_rotation():
    head = previous_word_head(strength=1.5)
    d = len(FEATURES)
    np.testing.assert_allclose(head.w_q[d:, d:], 1.5 * shift_matrix(), atol=1e-15)
    assert not head.w_q[:d].any() and not head.w_q[:, :d].any()
    np.testing.assert_array_equal(head.w_k[d:, d:], np.eye(D_POS))
    np.testing.assert_array_equal(head.w_v[:d, :d], np.eye(d))
    assert head.dims == FEATURES + position_dims()


def test_a_features_head_cannot_take_position_dims():
    with pytest.raises(ValueError, match=r"\(n, 8\)"):
        project(with_positions(np.ones((2, len(FEATURES)))), HEADS["none"])


# --- the causal mask is generation ---------------------------------------------------------------


@pytest.mark.parametrize("positions", [0.0, 1.0])
@pytest.mark.parametrize("text", SENTENCES)
def test_causal_attention_is_reading_word_by_word(text, positions):
    g = generate(text, positions=positions)
    n = len(tokenize(text))
    assert len(g.steps) == n and g.full.weights.shape == (n, n)
    assert g.gap <= 1e-12, g.gap
    assert g.matches_reading
    for t, step in enumerate(g.steps):
        assert step.weights.shape == (t + 1, t + 1)
    assert (np.triu(g.full.weights, k=1) == 0).all()
    assert g.steps[0].weights[0, 0] == 1.0


def test_generate_empty_text():
    g = generate("")
    assert g.steps == () and g.gap == 0.0 and g.full.weights.shape == (0, 0)


# --- what lesson 10's page asks of the core -----------------------------------------------------


def test_the_causal_mask_alone_sees_order():
    """The mask belongs to the slots: "dog" first sees only itself, "man" first only itself."""
    w = reorder("dog bites man", (2, 1, 0), causal=True)
    assert w.causal and not w.same_up_to_order and w.gap > 0.5, w.gap
    np.testing.assert_array_equal(np.triu(w.shuffled.weights, k=1), 0.0)
    assert reorder("dog bites man", (0, 1, 2), causal=True).same_up_to_order  # no shuffle


def test_row_gaps_and_reversal():
    w = reorder("the dog bites the man", (3, 4, 2, 0, 1), positions=1.0)
    assert w.row_gaps.shape == (5,) and w.gap == w.row_gaps.max() and not w.is_reversal
    assert reorder("dog bites man", (2, 1, 0)).is_reversal
    assert not reorder("dog", (0,)).is_reversal and reorder("dog", (0,)).gap == 0.0
    assert reorder("zorblat bites man", (2, 1, 0)).unknown_words == ("zorblat",)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 40])
@pytest.mark.parametrize("seed", [0, 3, 998, 999])
def test_next_shuffle_changes_the_order_when_it_can(n, seed):
    nxt = next_shuffle(n, seed)
    assert 0 <= nxt < 1000 and nxt != seed
    if n >= 3:
        assert shuffle_order(n, nxt) != shuffle_order(n, seed)


def test_looks_at_previous_allows_ties_and_reads_the_diagonal():
    w = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.4, 0.2, 0.4]])
    assert looks_at_previous(w).tolist() == [True, False]
    np.testing.assert_array_equal(previous_word_weights(w), [0.5, 0.2])
    assert looks_at_previous(np.ones((1, 1))).shape == (0,)
    p = project("dog bites man", previous_word_head(), positions=2.0)
    assert looks_at_previous(p.weights).all()


def test_shuffle_is_reorder_by_shuffle_number():
    w = shuffle("dog bites man", 3, positions=1.0)
    assert w.order == shuffle_order(3, 3) == (2, 1, 0) and w.positions == 1.0
    assert shuffle("", 5).tokens == () and shuffle("", 5).gap == 0.0
    assert len(shuffle("dog " * 50, 1).order) == 40  # the words the core refines


ORDER_WORDS = ("dog", "bites", "man", "the", "river")


def test_word_gap_follows_one_word_wherever_the_shuffle_put_it():
    """Lesson 10's question: after the shuffle, did *this* word's refined vector change?"""
    blind = reorder("dog bites man", (2, 1, 0))
    assert [blind.changed(i) for i in range(3)] == [False, False, False]
    # The previous-word head: *bites* carries *dog* in one order and *man* in the other.
    w = reorder("dog bites man", (2, 1, 0), head=previous_word_head(), positions=2.0)
    assert w.changed(1) and w.word_gap(1) > 0.5
    # The causal mask alone: *man* last sees every word; *man* first sees only itself.
    masked = reorder("dog bites man", (2, 1, 0), causal=True)
    assert masked.changed(2) and masked.changed(0)
    with pytest.raises(ValueError, match="word must be an index"):
        w.word_gap(3)


@FAST
@given(
    words=st.lists(st.sampled_from(ORDER_WORDS), min_size=1, max_size=7),
    data=st.data(),
    positions=st.sampled_from([0.0, 0.5, 2.0]),
    causal=st.booleans(),
)
def test_word_gap_is_the_moved_rows_difference(words, data, positions, causal):
    order = data.draw(st.permutations(range(len(words))), label="order")
    w = reorder(" ".join(words), order, positions=positions, causal=causal)
    d = len(FEATURES)
    for i in range(len(words)):
        slot = list(order).index(i)
        direct = np.max(np.abs(w.shuffled.output[slot, :d] - w.original.output[i, :d]))
        assert w.word_gap(i) == pytest.approx(direct, abs=1e-15)
        assert w.changed(i) == (direct > 1e-12)
    assert w.same_up_to_order == (not any(w.changed(i) for i in range(len(words))))
