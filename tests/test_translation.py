"""Lesson 14's core: cross-attention between two sentences, key padding masks, the n² cost.

Checked against the float64 loop reference (``tests/reference.py``) and PyTorch's
``nn.MultiheadAttention(key_padding_mask=...)`` (fixture written by
``tests/fixtures/make_cross_reference.py``), and as properties over sentences and controls.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st

import attention_core as ac
from ui.params import TEMPERATURES

FAST = settings(max_examples=40, deadline=None)
FIXTURE_PATH = Path(__file__).parent / "fixtures" / "cross_reference.json"
FRENCH_WORDS = sorted(ac.FRENCH)
ENGLISH_WORDS = sorted(ac.ENGLISH)
#: Sentences of toy words, unknown words (made-up vectors), and things typed that are no words.
french = st.lists(st.sampled_from([*FRENCH_WORDS, "table", "xyz"]), min_size=1, max_size=14)
english = st.lists(st.sampled_from([*ENGLISH_WORDS, "table", "chat"]), min_size=1, max_size=14)
strengths = st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0])
temperatures = st.sampled_from(TEMPERATURES)


def test_a_word_and_its_translation_share_one_vector():
    for fr, en in [("chat", "cat"), ("ci-dessous", "below"), ("rouge", "red"), ("le", "the")]:
        assert ac.FRENCH[fr] == ac.ENGLISH[en]
    assert ac.FRENCH["ci-dessous"] != ac.FRENCH["chat"]
    assert all(len(v) == len(ac.BILINGUAL_FEATURES) == 8 for v in ac.FRENCH.values())


@FAST
@given(french, english, strengths, temperatures)
def test_cross_attention_is_english_rows_over_french_columns(fr, en, s, t):
    tr = ac.translate(" ".join(fr), " ".join(en), positions=s, temperature=t)
    n_fr, n_en = min(len(fr), ac.MAX_WORDS), min(len(en), ac.MAX_WORDS)
    assert tr.shape == (n_en, n_fr) == tr.weights.shape
    np.testing.assert_allclose(tr.weights.sum(axis=1), 1.0, atol=1e-12)
    assert tr.cross.mask is None  # no causal mask across the two sentences
    # The float64 loop reference, with the same queries (English) and keys/values (French).
    _, _, weights, output = reference.attention(
        tr.x_target.tolist(), tr.x_source.tolist(), tr.x_source.tolist(), temperature=t
    )
    np.testing.assert_allclose(tr.weights, weights, rtol=0, atol=1e-12)
    np.testing.assert_allclose(tr.cross.output, output, rtol=0, atol=1e-12)


@FAST
@given(english, strengths, temperatures)
def test_the_decoder_looks_back_only(en, s, t):
    tr = ac.translate("le chat", " ".join(en), positions=s, temperature=t)
    w = tr.decoder.weights  # (n_en, n_en)
    n = len(tr.target)
    assert w.shape == (n, n)
    assert np.all(w[np.triu_indices(n, 1)] == 0.0)  # exactly: after the word is not written yet
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
    mask = [[j <= i for j in range(n)] for i in range(n)]
    x = tr.x_target.tolist()
    _, _, weights, _ = reference.attention(x, x, x, temperature=t, mask=mask)
    np.testing.assert_allclose(w, weights, rtol=0, atol=1e-12)


def test_the_story_word_finds_its_translation():
    """*below* looks most at *ci-dessous*, *red* at *rouge* although it is written before *cat*:
    row i and column i are different words."""
    tr = ac.translate("le chat rouge dort ci-dessous", "the red cat is sleeping below")
    assert tr.shape == (6, 5)
    look = tr.weights.argmax(axis=1)
    assert tr.source[look[tr.target.index("below")]] == "ci-dessous"
    assert tr.source[look[tr.target.index("red")]] == "rouge"
    assert tr.source[look[tr.target.index("cat")]] == "chat"
    assert tr.target.index("red") != tr.source.index("rouge")


def test_without_positions_reordering_the_french_only_reorders_the_columns():
    a = ac.translate("le chat rouge dort", "the red cat", positions=0.0)
    b = ac.translate("dort rouge le chat", "the red cat", positions=0.0)
    order = [a.source.index(w) for w in b.source]
    np.testing.assert_allclose(b.weights, a.weights[:, order], atol=1e-12)
    c = ac.translate("dort rouge le chat", "the red cat", positions=1.0)
    assert not np.allclose(c.weights, a.weights[:, order], atol=1e-3)


def test_long_sentences_are_cut_and_say_so():
    tr = ac.translate(" ".join(["chat"] * 20), "cat")
    assert len(tr.source) == ac.MAX_WORDS and tr.cut
    assert not ac.translate("le chat", "the cat").cut
    assert ac.translate("le chat", "the zorg").unknown_words == ("zorg",)


def test_empty_sentences_give_empty_matrices_not_errors():
    tr = ac.translate("", "")
    assert tr.shape == (0, 0)
    tr = ac.translate("le chat", "")
    assert tr.shape == (0, 2)


# ---- padding ---------------------------------------------------------------------------------


def test_the_padding_mask_marks_the_places_after_each_sentence():
    mask = ac.key_padding_mask([2, 4, 1])
    assert mask.tolist() == [
        [False, False, True, True],
        [False, False, False, False],
        [False, True, True, True],
    ]
    assert ac.pad([("a",), ("b", "c")]) == (("a", ac.PAD), ("b", "c"))


@FAST
@given(french, english, french, english, strengths, temperatures)
def test_with_the_mask_no_english_word_gives_padding_any_weight(fr1, en1, fr2, en2, s, t):
    pairs = [(" ".join(fr1), " ".join(en1)), (" ".join(fr2), " ".join(en2))]
    on = ac.padded_batch(pairs, masked=True, positions=s, temperature=t)
    off = ac.padded_batch(pairs, masked=False, positions=s, temperature=t)
    assert np.all(on.cross.weights[np.broadcast_to(on.padding[:, None, :], on.cross.weights.shape)]
                  == 0.0)  # fmt: skip
    np.testing.assert_allclose(on.cross.weights.sum(axis=-1), 1.0, atol=1e-12)
    assert not ac.leaks(on.on_padding)
    # Masked, each pair's real rows are exactly what that pair alone gives: padding changes
    # nothing. Without the mask the padded pair's rows differ: weight leaks onto padding.
    for i, (fr, en) in enumerate(pairs):
        alone = ac.translate(fr, en, positions=s, temperature=t)
        n_en, n_fr = alone.shape
        np.testing.assert_allclose(on.cross.weights[i, :n_en, :n_fr], alone.weights, atol=1e-12)
        padded = bool(on.padding[i].any())
        if not padded:
            assert not ac.leaks(off.leak(i))
        elif t >= 1:  # far colder, the padding's share underflows to (nearly) 0
            assert np.all(off.leak(i) > 0) and ac.leaks(off.leak(i))


def test_the_batch_mate_always_has_another_length():
    for text in ["", "le", "le chat dort", "le chat rouge dort ci-dessous", "le " * 12]:
        mate = ac.batch_mate(text)
        assert len(ac.translate(mate[0], "x").source) != len(ac.translate(text, "x").source)


def fixture_cases():
    if not FIXTURE_PATH.exists():
        return []
    return json.loads(FIXTURE_PATH.read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda c: f"lengths{c['lengths']}")
def test_padding_matches_pytorch_key_padding_mask(case):
    y, x = np.array(case["y"]), np.array(case["x"])
    padding = ac.key_padding_mask(case["lengths"])
    assert padding.tolist() == case["padding"]
    for name, mask in (("masked", padding), ("unmasked", None)):
        got = ac.cross_attention(y, x, key_padding_mask=mask)
        np.testing.assert_allclose(got.weights, case[name]["weights"], rtol=0, atol=1e-12)
        np.testing.assert_allclose(got.output, case[name]["output"], rtol=0, atol=1e-12)


def test_the_pytorch_fixture_is_committed():
    assert len(fixture_cases()) >= 3


# ---- the cost --------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [8, 64, 256])
def test_the_cost_counts_n_squared_weights_in_float32(n):
    cost = ac.attention_cost(n, repeats=1)
    assert cost.weights == n * n
    assert cost.weight_bytes == 4 * n * n and cost.dtype == "float32"
    assert cost.held_bytes == 3 * 4 * n * n  # scores, scaled scores, weights
    assert cost.seconds > 0


def test_the_sizes_double_from_8_to_4096():
    assert ac.COST_SIZES[0] == 8 and ac.COST_SIZES[-1] == 4096
    assert all(b == 2 * a for a, b in zip(ac.COST_SIZES, ac.COST_SIZES[1:], strict=False))
