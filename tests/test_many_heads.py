"""Lesson 9: many heads side by side, concatenated, mixed back by W_O.

Checked three ways: a per-head loop reference, PyTorch's ``nn.MultiheadAttention`` (a fixture
written once by ``tests/fixtures/make_torch_reference.py``; torch is not a dependency), and the
acceptance story: in "I paid money at the bank by the river", *bank* looks most at *river* in one
head and at *money* in another, and one topic head has to split itself between them.
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
    FEATURES,
    HEADS,
    causal_mask,
    many_heads,
    mixing_matrix,
    multi_head_attention,
    project,
)
from tests import reference

FAST = settings(max_examples=30, deadline=None)
modest = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "torch_reference.json").read_text(encoding="utf-8")
)
BANK = "I paid money at the bank by the river"
D = len(FEATURES)


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


# --- named heads ---------------------------------------------------------------------------------


def bank_looks_at(result, head: int) -> str:
    tokens = result.tokens
    return tokens[int(np.argmax(result.weights[head, tokens.index("bank")]))]


def test_two_heads_look_for_two_things():
    r = many_heads(BANK, [HEADS["nature"], HEADS["money"]])
    assert bank_looks_at(r, 0) == "river" and bank_looks_at(r, 1) == "money"
    # Each head is exactly lesson 8's head on its own.
    for i, key in enumerate(["nature", "money"]):
        alone = project(BANK, HEADS[key])
        np.testing.assert_allclose(r.weights[i], alone.weights, atol=1e-15)
        np.testing.assert_allclose(r.head_outputs[i], alone.output, atol=1e-15)


def test_one_topic_head_has_to_split_between_river_and_money():
    p = project(BANK, HEADS["topic"])
    bank = p.tokens.index("bank")
    river, money = (
        p.weights[bank, p.tokens.index("river")],
        p.weights[bank, p.tokens.index("money")],
    )
    assert river == pytest.approx(money, abs=1e-12), (river, money)


def test_shapes_follow_the_lesson():
    r = many_heads(BANK, [HEADS["nature"], HEADS["money"], HEADS["person-action"]])
    n, h = len(r.tokens), 3
    assert r.result.x.shape == (n, D)
    assert r.result.w_q.shape == (D, h * D) and r.result.q.shape == (h, n, D)
    assert r.result.concat.shape == (n, h * D) and r.result.w_o.shape == (h * D, D)
    assert r.output.shape == (n, D)


def test_default_w_o_averages_the_active_heads():
    heads = [HEADS["nature"], HEADS["money"]]
    both = many_heads(BANK, heads)
    np.testing.assert_allclose(both.output, both.head_outputs.mean(axis=0), atol=1e-14)
    only_money = many_heads(BANK, heads, active=[False, True])
    np.testing.assert_allclose(only_money.output, both.head_outputs[1], atol=1e-14)
    np.testing.assert_array_equal(only_money.weights, both.weights)  # off heads still drawn
    none = many_heads(BANK, heads, active=[False, False])
    np.testing.assert_array_equal(none.output, 0.0)


def test_toggling_a_head_moves_the_refined_bank():
    heads = [HEADS["nature"], HEADS["money"]]
    bank = many_heads(BANK, heads).tokens.index("bank")
    nature, money = FEATURES.index("nature"), FEATURES.index("money")
    nature_only = many_heads(BANK, heads, active=[True, False]).output[bank]
    money_only = many_heads(BANK, heads, active=[False, True]).output[bank]
    assert nature_only[nature] > nature_only[money]
    assert money_only[money] > money_only[nature]


def test_mixing_matrix():
    w = mixing_matrix(3, 2, [True, False, True])
    np.testing.assert_array_equal(w, np.vstack([np.eye(2) / 2, np.zeros((2, 2)), np.eye(2) / 2]))
    np.testing.assert_array_equal(mixing_matrix(2, 3), np.vstack([np.eye(3) / 2] * 2))
    with pytest.raises(ValueError, match="one flag per head"):
        mixing_matrix(2, 3, [True])


def test_custom_w_o_and_causal_heads():
    heads = [HEADS["nature"], HEADS["money"]]
    w_o = np.vstack([np.eye(D), np.zeros((D, D))])  # keep head 1 only, unscaled
    r = many_heads(BANK, heads, w_o=w_o, causal=True)
    np.testing.assert_allclose(r.output, r.head_outputs[0], atol=1e-15)
    assert (np.triu(r.weights, k=1) == 0).all()


def test_an_empty_sentence_gives_empty_heads():
    r = many_heads("", [HEADS["nature"], HEADS["money"]])
    assert r.tokens == () and r.weights.shape == (2, 0, 0) and r.output.shape == (0, D)
    assert r.result.concat.shape == (0, 2 * D)


def test_many_heads_needs_heads_in_one_space():
    with pytest.raises(ValueError, match="at least one head"):
        many_heads(BANK, [])
