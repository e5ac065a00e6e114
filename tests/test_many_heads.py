"""Lesson 9: many heads side by side, each d_model / h wide, concatenated, written back by W_O.

Checked three ways: a per-head loop reference, PyTorch's ``nn.MultiheadAttention`` (a fixture
written once by ``tests/fixtures/make_torch_reference.py``, and live when torch happens to be
installed; torch is not a dependency), and the acceptance story: in "I paid money at the bank by
the river", *bank* looks most at *river* in one head and at *money* in another, and carries both
at full strength, which no single head can give it at any temperature.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attention_core import (
    D_HEAD,
    FEATURES,
    NARROW_HEADS,
    both_at_once,
    causal_mask,
    many_heads,
    multi_head_attention,
    write_back,
)
from tests import reference
from ui.params import TEMPERATURES

FAST = settings(max_examples=30, deadline=None)
modest = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "torch_reference.json").read_text(encoding="utf-8")
)
BANK = "I paid money at the bank by the river"
D = len(FEATURES)
NAMES = ("nature", "money", "topic", "action-place")
HEADS = [NARROW_HEADS[name] for name in NAMES]
TWO, TOPIC = [True, True, False, False], [False, False, True, False]


def case_id(case: dict) -> str:
    return f"{case['kind']}-h{case['n_heads']}-{'causal' if case['causal'] else 'full'}"


@pytest.mark.parametrize("case", FIXTURE["mha"], ids=case_id)
def test_matches_pytorch_multihead_attention(case):
    a = {k: np.array(case[k]) for k in ("x", "w_q", "w_k", "w_v", "w_o", "output", "weights")}
    n = len(a["x"])
    mask = causal_mask(n) if case["causal"] else None
    r = multi_head_attention(
        a["x"], a["w_q"], a["w_k"], a["w_v"], a["w_o"], case["n_heads"], mask=mask
    )
    np.testing.assert_allclose(r.output, a["output"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(r.weights, a["weights"], rtol=0, atol=1e-6)


def test_fixture_covers_both_shapes_and_masks():
    kinds = {(c["kind"], c["causal"]) for c in FIXTURE["mha"]}
    assert kinds == {("square", False), ("square", True), ("named", False), ("named", True)}
    assert FIXTURE["torch"].startswith("2.")


@st.composite
def wide_inputs(draw):
    n_heads, d_head = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    d_model, d_out, n = draw(st.integers(1, 5)), draw(st.integers(1, 4)), draw(st.integers(1, 5))
    x = draw(arrays(np.float64, (n, d_model), elements=modest))
    ws = [draw(arrays(np.float64, (d_model, n_heads * d_head), elements=modest)) for _ in range(3)]
    w_o = draw(arrays(np.float64, (n_heads * d_head, d_out), elements=modest))
    return x, ws, w_o, n_heads


@FAST
@given(inputs=wide_inputs(), causal=st.booleans(), scaled=st.booleans())
def test_multi_head_matches_a_loop_per_head(inputs, causal, scaled):
    x, (w_q, w_k, w_v), w_o, n_heads = inputs
    n, d_head = x.shape[0], w_q.shape[1] // n_heads
    mask = causal_mask(n) if causal else None
    r = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=mask, scaled=scaled)
    assert r.q.shape == r.k.shape == r.v.shape == (n_heads, n, d_head)
    assert r.weights.shape == (n_heads, n, n) and r.concat.shape == (n, n_heads * d_head)
    assert r.output.shape == (n, w_o.shape[1])
    outputs = []
    for h in range(n_heads):
        cols = slice(h * d_head, (h + 1) * d_head)
        q, k, v = ((x @ w)[:, cols].tolist() for w in (w_q, w_k, w_v))
        m = None if mask is None else mask.tolist()
        _, _, weights, out = reference.attention(q, k, v, scaled=scaled, mask=m)
        np.testing.assert_allclose(r.weights[h], weights, rtol=0, atol=1e-12)
        outputs.append(np.array(out).reshape(n, d_head))
    concat = np.concatenate(outputs, axis=1)
    np.testing.assert_allclose(r.concat, concat, rtol=0, atol=1e-11)
    np.testing.assert_allclose(r.output, concat @ w_o, rtol=0, atol=1e-10)
    np.testing.assert_allclose(r.weights.sum(axis=-1), 1.0, atol=1e-12)


def test_multi_head_shape_errors_say_what_to_pass():
    x, w = np.ones((3, 4)), np.ones((4, 6))
    with pytest.raises(ValueError, match="w_k"):
        multi_head_attention(x, w, np.ones((4, 4)), w, np.ones((6, 4)), 2)
    with pytest.raises(ValueError, match="divisible"):
        multi_head_attention(x, w, w, w, np.ones((6, 4)), 4)
    with pytest.raises(ValueError, match="w_o"):
        multi_head_attention(x, w, w, w, np.ones((4, 4)), 2)
    with pytest.raises(ValueError, match="n_heads"):
        multi_head_attention(x, w, w, w, np.ones((6, 4)), 0)


# --- PyTorch, live (skipped: torch is not installed here, nor a dependency) --------------------


def test_named_heads_match_torch_multihead_attention_when_torch_is_installed():
    torch = pytest.importorskip("torch")
    r = many_heads(BANK, HEADS)
    m = r.result
    mha = torch.nn.MultiheadAttention(D, len(HEADS), bias=False, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.from_numpy(np.hstack([m.w_q, m.w_k, m.w_v]).T))
        mha.out_proj.weight.copy_(torch.from_numpy(m.w_o.T))
        x = torch.from_numpy(m.x)[None]
        out, weights = mha(x, x, x, average_attn_weights=False)
    np.testing.assert_allclose(out[0].numpy(), r.output, atol=1e-12)
    np.testing.assert_allclose(weights[0].numpy(), r.weights, atol=1e-12)


# --- named heads: d_model / h wide, a real W_O --------------------------------------------------


def bank_looks_at(result, head: int) -> str:
    tokens = result.tokens
    return tokens[int(np.argmax(result.weights[head, tokens.index("bank")]))]


def test_heads_share_the_width_as_in_a_real_model():
    """Fails on the old toy: every head was d_model = 8 wide (four heads, 32 columns)."""
    r = many_heads(BANK, HEADS)
    n, h = len(r.tokens), len(HEADS)
    assert h * D_HEAD == D == 8
    assert r.result.w_q.shape == (D, h * D_HEAD) == (D, D)
    assert r.result.q.shape == r.result.v.shape == (h, n, D_HEAD)
    assert r.result.concat.shape == (n, D) and r.result.w_o.shape == (D, D)
    assert r.output.shape == (n, D)
    assert r.result.attention.d_k == D_HEAD  # each head scales by √2, MiniLM's by √32


def test_heads_that_do_not_share_the_width_are_refused():
    with pytest.raises(ValueError, match="h · d_head = d_model"):
        many_heads(BANK, HEADS[:2])


def test_two_heads_look_for_two_things():
    r = many_heads(BANK, HEADS, active=TWO)
    assert bank_looks_at(r, 0) == "river" and bank_looks_at(r, 1) == "money"


def test_one_topic_head_splits_exactly_between_river_and_money():
    r = many_heads(BANK, HEADS, active=TOPIC)
    row = r.weights[2, r.tokens.index("bank")]
    assert row[r.tokens.index("river")] == pytest.approx(row[r.tokens.index("money")], abs=1e-12)


def test_w_o_is_a_named_write_back_not_an_average():
    """Fails on the old toy: W_O was I / (number of heads on) per block."""
    w = write_back(HEADS)
    nature, money, place = (FEATURES.index(f) for f in ("nature", "money", "place"))
    expected = np.zeros((D, D))
    expected[0, nature] = 1  # Nature head, slot "nature" -> nature
    expected[2, money] = 1  # Money head, slot "money" -> money
    expected[4, nature] = expected[5, money] = 1  # Topic head: both
    expected[6, place] = 1  # Action -> place head, slot "place" -> place
    np.testing.assert_array_equal(w, expected)
    off = write_back(HEADS, TWO)
    np.testing.assert_array_equal(off[4:], 0.0)
    np.testing.assert_array_equal(off[:4], w[:4])
    with pytest.raises(ValueError, match="one flag per head"):
        write_back(HEADS, [True])


def test_the_output_is_the_sum_of_what_each_head_writes():
    r = many_heads(BANK, HEADS, active=[True, False, True, True])
    np.testing.assert_allclose(r.written.sum(axis=0), r.output, atol=1e-12)
    np.testing.assert_array_equal(r.written[1], 0.0)  # off: its block of W_O is zero
    np.testing.assert_array_equal(many_heads(BANK, HEADS, active=[False] * 4).output, 0.0)


def test_each_value_reads_out_what_its_question_is_about():
    for name, feature in (("nature", "nature"), ("money", "money"), ("action-place", "place")):
        head = NARROW_HEADS[name]
        assert np.flatnonzero(head.w_v[:, 0]).tolist() == [FEATURES.index(feature)]
        assert not head.w_q[:, 1].any() and not head.w_v[:, 1].any()  # its unused column


def test_two_heads_give_bank_both_meanings_at_full_strength():
    """The lesson's point, at the preset (T = 1). Fails on the old toy, where W_O averaged the
    heads and the refined bank got (1.04, 1.16), against the topic head's (0.97, 1.23)."""
    bank = BANK.split().index("bank")
    two = both_at_once(many_heads(BANK, HEADS, active=TWO), bank)
    one = both_at_once(many_heads(BANK, HEADS, active=TOPIC), bank)
    assert two.one_head_most == one.one_head_most == 3.0  # river's nature, money's money
    assert np.round(two.amounts, 2).tolist() == [2.80, 2.70]
    assert np.round(one.amounts, 2).tolist() == [1.25, 1.44]
    assert two.beyond_one_head and not one.beyond_one_head
    assert min(two.amounts) > one.one_head_most / 2 >= min(one.amounts)


words = st.sampled_from(
    [
        "I",
        "paid",
        "money",
        "at",
        "the",
        "bank",
        "by",
        "the",
        "river",
        "lake",
        "sea",
        "cash",
        "coin",
        "dog",
        "ran",
        "school",
        "bank",
        "spring",
        "walked",
        "to",
        "garden",
        "teller",
        "shop",
        "fished",
        "zzz",
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    sentence=st.lists(words, min_size=1, max_size=12).map(" ".join),
    only=st.integers(0, 3),
    causal=st.booleans(),
    scaled=st.booleans(),
)
def test_one_head_never_carries_more_than_one_word_has_at_any_temperature(
    sentence, only, causal, scaled
):
    """The core property behind the page's sentence: a head hands over a weighted average of
    its words' values, so with one head on no word ever passes ``one_head_most``."""
    active = [i == only for i in range(len(HEADS))]
    for t in TEMPERATURES:
        r = many_heads(sentence, HEADS, active=active, temperature=t, scaled=scaled, causal=causal)
        for focus in range(len(r.tokens)):
            both = both_at_once(r, focus)
            assert both.together <= both.one_head_most + 1e-9
            assert not both.beyond_one_head
            np.testing.assert_allclose(both.by_head.sum(axis=0), both.amounts, atol=1e-12)


@pytest.mark.parametrize("t", TEMPERATURES)
def test_two_heads_beat_one_exactly_where_the_numbers_say(t):
    """At every temperature: the topic head stays within one head's limit; nature + money go
    beyond it while their weights on river and money stay above half."""
    bank = BANK.split().index("bank")
    one = both_at_once(many_heads(BANK, HEADS, active=TOPIC, temperature=t), bank)
    assert not one.beyond_one_head and min(one.amounts) <= 1.5 + 1e-9
    r = many_heads(BANK, HEADS, active=TWO, temperature=t)
    two = both_at_once(r, bank)
    assert two.beyond_one_head == (two.together > 3.0 + 1e-9)
    if t <= 2.0:
        assert two.beyond_one_head
    if t >= 3.0:
        assert not two.beyond_one_head  # spread too thin: the page must not claim it


def test_causal_heads_look_only_back():
    r = many_heads(BANK, HEADS, causal=True)
    assert (np.triu(r.weights, k=1) == 0).all()


def test_an_empty_sentence_gives_empty_heads():
    r = many_heads("", HEADS)
    assert r.tokens == () and r.weights.shape == (4, 0, 0) and r.output.shape == (0, D)
    assert r.result.concat.shape == (0, D)
