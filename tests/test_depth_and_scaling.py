"""Additions to lessons 3, 4 and 6: why √d_k, dot product vs distance, and depth.

Each story the pages will tell is pinned here as numbers: the spread of q·k grows like √d_k and
scaling brings it back to about 1; ``-½‖q−k‖² = q·k − ½‖q‖² − ½‖k‖²``; stacked attention without
a residual makes every word the same vector, a residual keeps them apart but lets them grow, and
layer norm bounds them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attention_core import (
    D_K_CHOICES,
    FEATURES,
    MAX_LAYERS,
    SPACE_KEYS,
    cosine,
    dot_vs_distance,
    layer_norm,
    probe,
    random_queries_and_keys,
    refine,
    refine_deep,
    score_sample,
    score_spread,
)
from tests import reference

FAST = settings(max_examples=40, deadline=None)
modest = st.floats(-5, 5, allow_nan=False, allow_infinity=False)
RIVER = "I sat on the river bank"
MONEY = "I paid the money into the bank"
D = len(FEATURES)


# --- why √d_k ------------------------------------------------------------------------------------


def test_the_spread_of_q_dot_k_grows_like_sqrt_d_k_and_scaling_undoes_it():
    s = score_spread()
    assert s.d_k.tolist() == list(D_K_CHOICES) == [2, 4, 8, 16, 32, 64, 128, 256, 512]
    np.testing.assert_allclose(s.std_unscaled / s.sqrt_d_k, 1.0, atol=0.1)
    np.testing.assert_allclose(s.std_scaled, 1.0, atol=0.1)
    assert s.std_unscaled[-1] > 20 * s.std_unscaled[0] / 2  # 16x the dims, 16x the spread


def test_unscaled_softmax_collapses_to_one_winner_and_scaled_stays_put():
    s = score_spread()
    assert (np.diff(s.top_weight_unscaled) > 0).all(), s.top_weight_unscaled
    assert s.top_weight_unscaled[-1] > 0.9 and s.top_weight_unscaled[0] < 0.5
    assert np.ptp(s.top_weight_scaled) < 0.1 and (s.top_weight_scaled < 0.5).all()
    assert (s.top_weight_unscaled >= s.top_weight_scaled - 0.05).all()


def test_score_spread_matches_a_loop_over_the_same_draws():
    s = score_spread((4, 16), n_keys=3, n_samples=5, seed=7)
    for i, d_k in enumerate((4, 16)):
        q, k = random_queries_and_keys(d_k, 3, 5, seed=7)
        scores = [reference.dot(q[a], k[a, b]) for a in range(5) for b in range(3)]
        mean = math.fsum(scores) / len(scores)
        std = math.sqrt(math.fsum((x - mean) ** 2 for x in scores) / len(scores))
        assert s.std_unscaled[i] == pytest.approx(std, abs=1e-12)
        assert s.std_scaled[i] == pytest.approx(std / math.sqrt(d_k), abs=1e-12)
        rows = [scores[3 * a : 3 * a + 3] for a in range(5)]
        top = math.fsum(max(reference.softmax(r)) for r in rows) / 5
        root = math.sqrt(d_k)
        top_scaled = math.fsum(max(reference.softmax([x / root for x in r])) for r in rows)
        assert s.top_weight_unscaled[i] == pytest.approx(top, abs=1e-12)
        assert s.top_weight_scaled[i] == pytest.approx(top_scaled / 5, abs=1e-12)


def test_score_spread_is_seeded_and_each_d_k_stands_alone():
    a, b = score_spread(), score_spread()
    np.testing.assert_array_equal(a.std_unscaled, b.std_unscaled)
    alone = score_spread((64,))
    assert alone.std_unscaled[0] == a.std_unscaled[D_K_CHOICES.index(64)]
    assert score_spread((64,), seed=1).std_unscaled[0] != alone.std_unscaled[0]


@pytest.mark.parametrize("d_k", [2, 64, 512])
def test_one_sample_both_ways(d_k):
    s = score_sample(d_k)
    assert s.query.shape == (d_k,) and s.keys.shape == (8, d_k)
    np.testing.assert_array_equal(s.scaled.scores, s.unscaled.scores)
    np.testing.assert_allclose(s.scaled.scaled_scores, s.unscaled.scores / math.sqrt(d_k))
    for a in (s.scaled, s.unscaled):
        assert a.weights.sum() == pytest.approx(1.0, abs=1e-12)
    if d_k == 512:
        assert s.unscaled.weights.max() > 0.99 > s.scaled.weights.max()


@pytest.mark.parametrize("d_k", [0, -3, 513])
def test_a_d_k_outside_1_to_512_says_so(d_k):
    with pytest.raises(ValueError, match="from 1 to 512"):
        score_sample(d_k)
    with pytest.raises(ValueError, match="from 1 to 512"):
        score_spread((2, d_k))


def test_a_larger_d_k_adds_dimensions_to_the_same_vectors():
    q8, k8 = random_queries_and_keys(8, n_samples=3)
    q64, k64 = random_queries_and_keys(64, n_samples=3)
    np.testing.assert_array_equal(q64[:, :8], q8)
    np.testing.assert_array_equal(k64[:, :, :8], k8)


# --- dot product vs distance -----------------------------------------------------------------


@FAST
@given(data=st.data(), n=st.integers(1, 6), d=st.integers(1, 5))
def test_distance_is_dot_product_minus_half_the_lengths(data, n, d):
    q = data.draw(arrays(np.float64, (d,), elements=modest), label="q")
    k = data.draw(arrays(np.float64, (n, d), elements=modest), label="k")
    r = dot_vs_distance(q, k)
    for j in range(n):
        assert r.dot[j] == pytest.approx(reference.dot(q, k[j]), abs=1e-12)
        dist = math.fsum((a - b) ** 2 for a, b in zip(q, k[j], strict=True))
        assert r.neg_half_sq_distance[j] == pytest.approx(-0.5 * dist, abs=1e-12)
        assert r.half_key_sq[j] == pytest.approx(0.5 * reference.dot(k[j], k[j]), abs=1e-12)
    assert r.half_query_sq == pytest.approx(0.5 * reference.dot(q, q), abs=1e-12)
    assert r.identity_gap <= 1e-12 * (1 + float(np.abs(k).max(initial=0) + np.abs(q).max()) ** 2)


def test_keys_of_equal_length_rank_the_same_both_ways():
    rng = np.random.default_rng(0)
    for _ in range(50):
        k = rng.standard_normal((6, 3))
        k = 2.0 * k / np.linalg.norm(k, axis=1, keepdims=True)
        r = dot_vs_distance(rng.standard_normal(3), k)
        assert r.equal_lengths
        # The distance ranking sorts the dot products too (ties aside).
        assert (np.diff(r.dot[r.distance_ranking]) <= 1e-12).all()


def test_lesson_4_keys_rank_differently_because_their_lengths_differ():
    keys = np.array(list(SPACE_KEYS.values()))
    labels = list(SPACE_KEYS)
    r = dot_vs_distance([1.0, 0.0], keys)
    assert not r.equal_lengths
    p = probe(1.0, 0.0)
    assert list(r.dot_ranking) == list(p.by_dot)
    assert list(r.distance_ranking) == list(p.by_distance)
    assert labels[r.dot_ranking[0]] == "lion" and labels[r.distance_ranking[0]] == "kitten"


def test_dot_vs_distance_shape_errors():
    with pytest.raises(ValueError, match=r"query \(d,\)"):
        dot_vs_distance([1.0, 2.0], np.ones((3, 3)))


# --- depth -----------------------------------------------------------------------------------


def test_layer_norm_matches_a_loop():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, D)) * 3
    ours = layer_norm(x)
    for row, out in zip(x.tolist(), ours, strict=True):
        mean = math.fsum(row) / D
        var = math.fsum((a - mean) ** 2 for a in row) / D
        expected = [(a - mean) / math.sqrt(var + 1e-5) for a in row]
        np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(layer_norm(np.zeros((2, D))), 0.0)


def test_zero_and_one_layer():
    r = refine(RIVER)
    d0 = refine_deep(RIVER, 0)
    np.testing.assert_array_equal(d0.vectors[0], r.embeddings)
    assert d0.layers == 0 and d0.weights.shape == (0, 6, 6)
    d1 = refine_deep(RIVER, 1)
    np.testing.assert_array_equal(d1.vectors[1], r.refined)
    np.testing.assert_array_equal(d1.weights[0], r.weights)


@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("norm", [False, True])
def test_one_layer_matches_the_loop_reference(residual, norm):
    d = refine_deep(MONEY, 2, residual=residual, layer_norm=norm, temperature=0.7)
    for layer in range(2):
        x = d.vectors[layer].tolist()
        _, _, weights, out = reference.attention(x, x, x, temperature=0.7)
        step = np.array(out) + (np.array(x) if residual else 0.0)
        step = layer_norm(step) if norm else step
        np.testing.assert_allclose(d.weights[layer], weights, rtol=0, atol=1e-12)
        np.testing.assert_allclose(d.vectors[layer + 1], step, rtol=0, atol=1e-11)


@pytest.mark.parametrize("text", [RIVER, MONEY, "the teacher wrote on the board"])
def test_without_a_residual_every_word_becomes_the_same_vector(text):
    d = refine_deep(text, 6)
    assert d.spread[-1] < 1e-3 * d.spread[0], d.spread
    assert d.mean_cosine[-1] > 0.999 and d.mean_cosine[0] < 0.2
    bank_like = d.vectors[-1]
    np.testing.assert_allclose(bank_like, bank_like[:1].repeat(len(bank_like), 0), atol=1e-2)


def test_with_a_residual_words_stay_apart_but_grow():
    bare = refine_deep(RIVER, 12)
    res = refine_deep(RIVER, 12, residual=True)
    mean_norm = res.norms.mean(axis=1)
    assert (np.diff(mean_norm) > 0).all() and mean_norm[-1] > 100 * mean_norm[0]
    assert (res.mean_cosine[1:] < 0.8).all(), res.mean_cosine
    assert (res.spread[2:] > bare.spread[2:]).all()
    # bank keeps river: its vector ends up pointing along river, away from money
    bank = res.tokens.index("bank")
    assert res.similarity(bank, "river")[-1] > 0.99 > 0.1 > res.similarity(bank, "money")[-1]


@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("text", [RIVER, MONEY])
def test_layer_norm_bounds_every_vector(text, residual):
    d = refine_deep(text, MAX_LAYERS, residual=residual, layer_norm=True)
    assert (d.norms[1:] <= math.sqrt(D) + 1e-12).all()
    np.testing.assert_allclose(d.vectors[1:].mean(axis=-1), 0.0, atol=1e-12)


def test_mean_cosine_and_spread_match_loops():
    d = refine_deep("the dog sat by the river bank", 3, residual=True)
    for step, vectors in enumerate(d.vectors):
        pairs = [
            cosine(vectors[a], vectors[b])
            for a in range(len(vectors))
            for b in range(a + 1, len(vectors))
        ]
        assert d.mean_cosine[step] == pytest.approx(math.fsum(pairs) / len(pairs), abs=1e-12)
        centroid = vectors.mean(axis=0)
        spread = math.fsum(math.dist(v, centroid) for v in vectors) / len(vectors)
        assert d.spread[step] == pytest.approx(spread, abs=1e-12)


def test_depth_numbers_have_one_value_per_step():
    d = refine_deep(RIVER, 4, residual=True, layer_norm=True, causal=True)
    n = len(d.tokens)
    assert d.vectors.shape == (5, n, D) and d.weights.shape == (4, n, n)
    assert d.norms.shape == (5, n) and d.mean_cosine.shape == d.spread.shape == (5,)
    assert d.similarity(d.tokens.index("bank"), "river").shape == (5,)
    assert (np.triu(d.weights, k=1) == 0).all()


@pytest.mark.parametrize("layers", [-1, MAX_LAYERS + 1])
def test_layers_out_of_range(layers):
    with pytest.raises(ValueError, match="layers"):
        refine_deep(RIVER, layers)


def test_depth_of_one_word_and_of_nothing():
    one = refine_deep("river", 3)
    assert one.mean_cosine.tolist() == [1.0] * 4
    empty = refine_deep("", 2)
    assert empty.vectors.shape == (3, 0, D) and empty.weights.shape == (2, 0, 0)
    assert empty.spread.tolist() == [0.0] * 3 and empty.norms.shape == (3, 0)
