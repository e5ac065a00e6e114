"""Lesson 13's core: one encoder block opened up, sentence vectors, and next-word sampling.

On the tiny random BERT of ``tests/bert_tiny.py`` (always run): every intermediate of every layer
equals ``transformers.BertModel``'s (read with forward hooks, in
``tests/fixtures/block_reference.json``, written by ``tests/fixtures/make_block_reference.py``)
to 1e-9, and the sentence vector equals sentence-transformers' ``Pooling(mean)`` + ``Normalize``.
The real weights are checked in ``tests/test_block_real.py``. Sampling is checked against
``transformers``' temperature, top-k and top-p warpers, and as properties over every setting.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import attention_core as ac
from attention_core import bert, block, sampling, search
from tests import bert_tiny

REFERENCE = json.loads(
    (Path(__file__).parent / "fixtures" / "block_reference.json").read_text(encoding="utf-8")
)
TINY = REFERENCE["tiny"]
CONFIG = bert.BertConfig.from_dict(bert_tiny.CONFIG)
STAGES = ("stream", "attended", "middle", "units", "fed", "output")


@pytest.fixture(scope="module")
def weights64():
    return bert.BertWeights.from_tensors(bert_tiny.tensors(seed=TINY["seed"]), CONFIG, np.float64)


@pytest.fixture(scope="module")
def traced(weights64):
    return block.trace(weights64, CONFIG, TINY["ids"])


def test_the_fixture_is_the_tiny_model_the_tests_write():
    assert TINY["ids"] == [bert_tiny.VOCAB[t] for t in TINY["tokens"]]
    assert len(TINY["output"]) == CONFIG.num_layers


@pytest.mark.parametrize("stage", STAGES)
def test_every_intermediate_equals_bertmodels(traced, stage):
    """Layer input, attention output, add & norm, GELU units, FFN output, add & norm."""
    ours = getattr(traced, stage)
    theirs = np.array(TINY[stage])
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)


def test_shapes_of_the_trace(traced):
    layers, n, h, f = CONFIG.num_layers, len(TINY["ids"]), 8, 16
    assert traced.stream.shape == traced.attended.shape == traced.fed.shape == (layers, n, h)
    assert traced.units.shape == (layers, n, f)
    assert traced.weights.shape == (layers, CONFIG.num_heads, n, n)


def test_the_block_is_the_layer_lesson_11_runs(weights64, traced):
    """The same numbers as ``bert.encode`` (the forward pass of lesson 11), bit for bit."""
    out = bert.encode(weights64, CONFIG, TINY["ids"])
    np.testing.assert_array_equal(traced.output, out.hidden[1:])
    np.testing.assert_array_equal(traced.stream, out.hidden[:-1])
    np.testing.assert_array_equal(traced.weights, out.weights)


def test_each_output_is_the_normalised_sum(traced):
    """Post-LN: middle = LN(stream + attended), output = LN(middle + fed): mean 0, variance 1
    before gain and bias, so the same sums normalised by hand give the same directions."""
    for before, added, after in (("stream", "attended", "middle"), ("middle", "fed", "output")):
        s = getattr(traced, before) + getattr(traced, added)
        z = (s - s.mean(-1, keepdims=True)) / s.std(-1, keepdims=True)
        layer_gain = np.stack(
            [
                getattr(w, "norm1_gain" if after == "middle" else "norm2_gain")
                for w in bert.BertWeights.from_tensors(
                    bert_tiny.tensors(seed=TINY["seed"]), CONFIG, np.float64
                ).layers
            ]
        )[:, None, :]
        bias = getattr(traced, after) - z * layer_gain
        assert np.ptp(bias, axis=1).max() < 1e-9  # the same bias for every token


def test_update_sizes_are_norms_against_the_stream(traced):
    for token in range(len(TINY["ids"])):
        sizes = block.update_sizes(traced, token)
        for layer in range(CONFIG.num_layers):
            a = np.array(TINY["attended"][layer][token])
            x = np.array(TINY["stream"][layer][token])
            f = np.array(TINY["fed"][layer][token])
            m = np.array(TINY["middle"][layer][token])
            assert sizes.attention[layer] == pytest.approx(np.linalg.norm(a) / np.linalg.norm(x))
            assert sizes.feed_forward[layer] == pytest.approx(np.linalg.norm(f) / np.linalg.norm(m))


@given(st.lists(st.floats(-50, 50), min_size=1, max_size=40), st.integers(1, 50))
def test_top_units_are_the_most_active_in_order(units, k):
    top = block.top_units(units, k)
    a = np.array(units)
    assert len(top) == min(k, a.size) and len(set(top.tolist())) == len(top)
    assert (np.diff(a[top]) <= 0).all()  # most active first
    rest = np.setdiff1d(np.arange(a.size), top)
    if rest.size:
        assert a[rest].max() <= a[top].min()


def test_gelu_never_goes_below_its_minimum():
    x = np.linspace(-10, 10, 2_000_001)
    values = ac.gelu(x)
    assert values.min() >= block.GELU_MIN - 1e-12
    assert values.min() == pytest.approx(block.GELU_MIN, abs=1e-10)


# ---- sentence vectors and search -------------------------------------------------------------


def test_the_sentence_vector_is_sentence_transformers(traced):
    vector = search.sentence_vector(traced.output[-1])
    np.testing.assert_allclose(vector, TINY["sentence_vector"], rtol=0, atol=1e-9)
    assert np.linalg.norm(vector) == pytest.approx(1.0)


vectors = st.lists(
    st.lists(st.floats(-10, 10), min_size=3, max_size=3).filter(lambda v: np.linalg.norm(v) > 1e-3),
    min_size=1,
    max_size=8,
)


@given(vectors, st.lists(st.floats(-10, 10), min_size=3, max_size=3).filter(
    lambda v: np.linalg.norm(v) > 1e-3
))  # fmt: skip
def test_search_scores_are_cosines_and_best_is_the_core_tie_rule(notes, query):
    unit = [np.array(v) / np.linalg.norm(v) for v in notes]
    q = np.array(query) / np.linalg.norm(query)
    found = search.search(q, np.array(unit))
    for score, note in zip(found.scores, notes, strict=True):
        cosine = np.dot(note, query) / np.linalg.norm(note) / np.linalg.norm(query)
        assert score == pytest.approx(cosine, abs=1e-9)
        assert -1 - 1e-9 <= score <= 1 + 1e-9
    assert found.best == ac.largest(found.scores)


# ---- next-word sampling ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    REFERENCE["sampling"]["cases"],
    ids=lambda c: f"T{c['temperature']}-k{c['top_k']}-p{c['top_p']}",
)
def test_temperature_top_k_top_p_are_transformers(case):
    assert REFERENCE["sampling"]["logits"] == list(sampling.NEXT_WORD_LOGITS.values())
    got = sampling.next_word(
        list(sampling.NEXT_WORD_LOGITS.values()), case["temperature"], case["top_k"], case["top_p"]
    )
    np.testing.assert_allclose(got.probabilities, case["probabilities"], rtol=0, atol=1e-9)


logits = st.lists(st.floats(-20, 20), min_size=1, max_size=12)
temperatures = st.floats(0.01, 50)


@given(logits, temperatures, st.integers(1, 12), st.floats(0.01, 1.0))
def test_what_top_k_and_top_p_keep(z, t, k, p):
    got = sampling.next_word(z, t, k, p)
    assert got.probabilities.sum() == pytest.approx(1.0)
    assert (got.probabilities[~got.kept] == 0).all()
    assert got.kept[got.softmax == got.softmax.max()].any()  # a likeliest word stays
    assert got.kept.sum() <= (np.array(z) / t >= np.sort(np.array(z) / t)[-min(k, len(z))]).sum()
    # Kept words are the likeliest: nothing dropped is likelier than something kept.
    if (~got.kept).any():
        assert got.softmax[~got.kept].max() <= got.softmax[got.kept].min() + 1e-12
    # Kept words keep their proportions (renormalised, not reshaped).
    kept = got.softmax[got.kept]
    np.testing.assert_allclose(got.probabilities[got.kept], kept / kept.sum(), rtol=1e-9)


@given(logits, temperatures)
def test_no_cut_is_plain_softmax_of_logits_over_t(z, t):
    got = sampling.next_word(z, t)
    assert got.kept.all()
    np.testing.assert_allclose(got.probabilities, ac.softmax(np.array(z) / t), atol=1e-12)
    np.testing.assert_allclose(got.softmax, ac.softmax(z, temperature=t), atol=1e-12)


def test_low_temperature_picks_the_top_word_and_high_evens_out():
    z = list(sampling.NEXT_WORD_LOGITS.values())
    assert sampling.next_word(z, 0.05).probabilities[0] > 0.999
    high = sampling.next_word(z, 1000).probabilities
    assert np.ptp(high) < 0.01


@given(st.integers(0, 999), st.integers(1, 10))
def test_draws_are_reproducible_and_only_from_kept_words(seed, k):
    got = sampling.next_word(list(sampling.NEXT_WORD_LOGITS.values()), 2.0, k)
    draws = sampling.sample(got.probabilities, 20, seed)
    assert draws.shape == (20,)
    assert got.kept[draws].all()
    np.testing.assert_array_equal(draws, sampling.sample(got.probabilities, 20, seed))
