"""Lesson 8: named links build W_Q, W_K, W_V; ``project`` attends with them.

The acceptance tests of issue 13: with "a person looks for what they did", the person word's
largest weight is on the action word, not itself; with no projection the diagonal dominates; the
score matrix is not symmetric once W_Q ≠ W_K (and the core can say which).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attention_core import (
    FEATURES,
    HEADS,
    Head,
    Link,
    causal_mask,
    embed,
    identity_links,
    inputs,
    is_symmetric,
    link_matrix,
    project,
    refine,
    tokenize,
)
from tests import reference

FAST = settings(max_examples=30, deadline=None)
modest = st.floats(-3, 3, allow_nan=False, allow_infinity=False)

TEACHER = "the teacher wrote on the board"


def matmul_by_hand(a, b) -> np.ndarray:
    """``a @ b`` with loops and exactly rounded sums."""
    a, b = np.asarray(a).tolist(), np.asarray(b).tolist()
    return np.array([[reference.dot(row, col) for col in zip(*b, strict=True)] for row in a])


# --- links ---------------------------------------------------------------------------------------


def test_a_link_is_one_entry_of_the_matrix():
    w = link_matrix([Link("person", "action", 2.5)])
    expected = np.zeros((len(FEATURES), len(FEATURES)))
    expected[FEATURES.index("person"), FEATURES.index("action")] = 2.5
    np.testing.assert_array_equal(w, expected)
    # Q = X W: the person feature of a word feeds the action feature of its query.
    x = np.zeros(len(FEATURES))
    x[FEATURES.index("person")] = 3.0
    q = x @ w
    assert q[FEATURES.index("action")] == 7.5 and np.count_nonzero(q) == 1


def test_identity_links_are_the_identity_and_repeats_add_up():
    np.testing.assert_array_equal(link_matrix(identity_links(FEATURES)), np.eye(len(FEATURES)))
    w = link_matrix([Link("money", "money", 1.0), Link("money", "money", 0.5)])
    assert w[FEATURES.index("money"), FEATURES.index("money")] == 1.5


def test_unknown_feature_and_bad_strength_name_the_fix():
    with pytest.raises(ValueError, match="colour") as err:
        link_matrix([Link("colour", "action")])
    assert all(f in str(err.value) for f in FEATURES)
    with pytest.raises(ValueError, match="finite"):
        link_matrix([Link("person", "action", math.nan)])


def test_link_labels_and_strength_sliders():
    head = HEADS["person-action"]
    assert head.strengths == {"person → action": 1.0}
    stronger = head.with_strengths({"person → action": 2.0})
    assert stronger.strengths == {"person → action": 2.0} and head.strengths["person → action"] == 1
    assert stronger.w_q[FEATURES.index("person"), FEATURES.index("action")] == 2.0
    np.testing.assert_array_equal(stronger.w_k, head.w_k)
    with pytest.raises(ValueError, match="person → action"):
        head.with_strengths({"action → place": 1.0})


@pytest.mark.parametrize("key", list(HEADS))
def test_every_head_is_square_over_the_features_and_asks_a_question(key):
    head = HEADS[key]
    d = len(FEATURES)
    assert head.w_q.shape == head.w_k.shape == head.w_v.shape == (d, d)
    assert head.question and head.name and head.query
    assert head.dims == FEATURES


# --- project -------------------------------------------------------------------------------------


def test_person_looks_for_what_they_did():
    p = project(TEACHER, HEADS["person-action"])
    teacher, wrote = p.tokens.index("teacher"), p.tokens.index("wrote")
    assert p.looks_at[teacher] == wrote, f"teacher looks at {p.tokens[p.looks_at[teacher]]}"
    assert p.weights[teacher, wrote] > 0.5 > p.weights[teacher, teacher]
    # Lesson 6's Q = K = V = X on the same sentence: the teacher finds itself.
    assert np.argmax(p.plain.weights[teacher]) == teacher
    np.testing.assert_array_equal(p.plain.weights, refine(TEACHER).weights)


def test_an_action_looks_for_where_it_happened():
    p = project(TEACHER, HEADS["action-place"])
    assert p.looks_at[p.tokens.index("wrote")] == p.tokens.index("board")


def test_a_word_looks_for_its_topic():
    p = project("I sat on the river bank", HEADS["topic"])
    assert p.tokens[p.looks_at[p.tokens.index("bank")]] == "river"
    p = project("I paid the money into the bank", HEADS["topic"])
    assert p.tokens[p.looks_at[p.tokens.index("bank")]] == "money"


@pytest.mark.parametrize(
    "text", [TEACHER, "I sat on the river bank", "the dog ate bread in the kitchen"]
)
def test_no_projection_is_lesson_six_and_the_diagonal_dominates(text):
    p = project(text, HEADS["none"])
    np.testing.assert_array_equal(p.weights, refine(text).weights)
    np.testing.assert_array_equal(p.q, p.x)
    assert p.symmetric and is_symmetric(p.plain.scores)
    # Every word with a meaning gives itself its largest weight.
    meaningful = np.flatnonzero(np.any(p.x != 0, axis=1))
    assert (p.looks_at[meaningful] == meaningful).all(), p.weights


@pytest.mark.parametrize("key", ["person-action", "action-place"])
def test_the_score_matrix_is_not_symmetric_once_w_q_differs_from_w_k(key):
    p = project(TEACHER, HEADS[key])
    assert not np.array_equal(p.w_q, p.w_k)
    assert not p.symmetric, "the page would claim an asymmetry that is not there"
    assert is_symmetric(p.plain.scores), "Q = K = X must give symmetric scores"
    teacher, wrote = p.tokens.index("teacher"), p.tokens.index("wrote")
    if key == "person-action":
        assert p.attention.scores[teacher, wrote] > 0 == p.attention.scores[wrote, teacher]


def test_w_q_differing_from_w_k_is_not_enough_for_asymmetry():
    """The topic head asks for nature and offers nature: W_Q W_K^T is diagonal, so its scores
    stay symmetric although W_Q ≠ W_K. A page must print the property, not assume it."""
    p = project("I sat on the river bank", HEADS["topic"])
    assert not np.array_equal(p.w_q, p.w_k)
    assert p.symmetric and is_symmetric(p.w_q @ p.w_k.T)


def test_words_without_a_question_spread_evenly():
    p = project(TEACHER, HEADS["person-action"])
    assert p.asks.tolist() == [t == "teacher" for t in p.tokens]
    n = len(p.tokens)
    np.testing.assert_allclose(p.weights[~p.asks], 1 / n, atol=1e-15)


def test_is_symmetric():
    assert is_symmetric(np.array([[1.0, 2.0], [2.0, 5.0]]))
    assert not is_symmetric(np.array([[1.0, 2.0], [2.1, 5.0]]))
    assert not is_symmetric(np.ones((2, 3)))
    assert is_symmetric(np.zeros((0, 0)))


@FAST
@given(
    data=st.data(),
    n=st.integers(1, 6),
    scaled=st.booleans(),
    temperature=st.sampled_from([0.3, 1.0, 4.0]),
    causal=st.booleans(),
)
def test_project_matches_the_loop_reference(data, n, scaled, temperature, causal):
    d = len(FEATURES)
    x = data.draw(arrays(np.float64, (n, d), elements=modest), label="x")
    links = [
        tuple(
            Link(a, b, s)
            for a, b, s in data.draw(
                st.lists(
                    st.tuples(st.sampled_from(FEATURES), st.sampled_from(FEATURES), modest),
                    max_size=6,
                ),
                label=name,
            )
        )
        for name in ("query", "key", "value")
    ]
    head = Head("random", "a random question", *links)
    p = project(x, head, temperature=temperature, scaled=scaled, causal=causal)
    q, k, v = (matmul_by_hand(x, w) for w in (head.w_q, head.w_k, head.w_v))
    for ours, theirs in ((p.q, q), (p.k, k), (p.v, v)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    mask = causal_mask(n).tolist() if causal else None
    parts = reference.attention(
        q.tolist(), k.tolist(), v.tolist(), temperature=temperature, scaled=scaled, mask=mask
    )
    for name, theirs in zip(("scores", "scaled_scores", "weights", "output"), parts, strict=True):
        np.testing.assert_allclose(
            getattr(p.attention, name), np.array(theirs).reshape(n, -1), rtol=0, atol=1e-12
        )
    np.testing.assert_allclose(p.weights.sum(axis=1), 1.0, atol=1e-12)
    assert p.tokens == ()


def test_project_with_a_mask_and_causal_combined():
    n = len(tokenize(TEACHER))
    only_first = np.zeros((n, n), dtype=bool)
    only_first[:, 0] = True
    p = project(TEACHER, HEADS["none"], mask=only_first, causal=True)
    np.testing.assert_array_equal(p.weights[:, 0], 1.0)
    np.testing.assert_array_equal(p.attention.mask, only_first & causal_mask(n))


def test_inputs_embed_text_or_take_an_array():
    tokens, x = inputs(TEACHER)
    assert tokens == tuple(tokenize(TEACHER))
    np.testing.assert_array_equal(x, embed(list(tokens))[0])
    with pytest.raises(ValueError, match=r"\(n, 8\)"):
        inputs(np.ones((3, 5)))
    with pytest.raises(ValueError, match="cannot embed"):
        inputs(TEACHER, ("nature", "money"))


def test_empty_sentence_projects_to_empty_results():
    p = project("", HEADS["person-action"])
    assert p.tokens == () and p.weights.shape == (0, 0) and p.output.shape == (0, len(FEATURES))
