"""Lesson 10: attention is blind to order; positions *added* to the words make it see; the
previous-word head; the causal mask is writing word by word; numbered shuffles.

The encodings are checked against the paper's formula written as a loop, and against the PyTorch
tutorial's ``PositionalEncoding`` (fixture written by ``tests/fixtures/make_torch_reference.py``),
whose ``forward`` adds them: ``x + pe[:n]``. The issue 22 numbers (a real model sees *man bites
dog*) are checked against the float64 loop reference of ``tests/reference.py``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st

from attention_core import (
    BASE,
    D_MODEL,
    FEATURES,
    HEADS,
    PLACE_DIMS,
    PREVIOUS_WORD_STRENGTH,
    SHOWN_PRECISION,
    SHUFFLES,
    VOCABULARY,
    blurs_place,
    causal_mask,
    embed,
    frequencies,
    generate,
    looks_at_previous,
    next_shuffle,
    numbered_shuffles,
    position_dims,
    positioned,
    previous_word_head,
    previous_word_weights,
    project,
    refine,
    reorder,
    shift_matrix,
    shuffle,
    shuffle_count,
    shuffle_order,
    sinusoidal_positions,
    tokenize,
    with_positions,
)
from ui.lessons import ORDER, ORDER_SENTENCES
from ui.params import TEMPERATURES

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
#: Words with no *nature* or *money*: nothing of theirs lands where the previous-word head reads.
CLEAR = sorted(w for w in VOCABULARY if not blurs_place([w])[0])
NATURE, MONEY = FEATURES.index(PLACE_DIMS[0]), FEATURES.index(PLACE_DIMS[1])


def paper_formula(n: int, d_model: int, base: float = 10_000.0) -> list[list[float]]:
    """PE[pos, 2i] = sin(pos / base^(2i/d)), PE[pos, 2i+1] = cos(pos / base^(2i/d)), by loops."""
    table = []
    for pos in range(n):
        row = []
        for j in range(d_model):
            angle = pos / base ** (2 * (j // 2) / d_model)
            row.append(math.sin(angle) if j % 2 == 0 else math.cos(angle))
        table.append(row)
    return table


# --- the encodings, added ------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "d_model"), [(1, 2), (10, 8), (40, 8), (25, 16), (7, 64)])
def test_positions_match_the_papers_formula(n, d_model):
    pe = sinusoidal_positions(n, d_model)
    assert pe.shape == (n, d_model)
    np.testing.assert_allclose(pe, paper_formula(n, d_model), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "case", FIXTURE["positions"], ids=lambda c: f"{c['max_len']}x{c['d_model']}"
)
def test_positions_match_the_pytorch_tutorial(case):
    pe = sinusoidal_positions(case["max_len"], case["d_model"])
    np.testing.assert_allclose(pe, case["pe"], rtol=0, atol=1e-6)


def test_positions_are_added_to_the_embedding_as_in_the_pytorch_tutorial():
    """Vaswani et al. 3.5 and the tutorial's ``forward``: ``x + pe[:n]``, the same width as the
    embedding (issue 22: the lesson used to put them beside the features, 8 + 8 wide)."""
    table = next(np.array(c["pe"]) for c in FIXTURE["positions"] if c["d_model"] == D_MODEL)
    tokens, x = positioned("dog bites man", strength=1.0)
    words, _ = embed(list(tokens))
    assert x.shape == words.shape == (3, len(FEATURES))
    np.testing.assert_allclose(x, words + table[:3], rtol=0, atol=1e-6)
    # The strength scales what is added; 0 adds nothing at all.
    np.testing.assert_allclose(with_positions(words, 2.5) - words, 2.5 * table[:3], atol=1e-5)
    np.testing.assert_array_equal(with_positions(words, 0.0), words)
    np.testing.assert_array_equal(
        positioned("the river bank", 0.0)[1], refine("the river bank").embeddings
    )


def test_position_dims_and_frequencies():
    assert position_dims(4) == ("sin0", "cos0", "sin1", "cos1")
    assert len(position_dims()) == D_MODEL == len(FEATURES) and BASE == 10_000.0
    np.testing.assert_allclose(frequencies(4), [1.0, 0.01], rtol=1e-15)
    for bad in (0, 3, 7):
        with pytest.raises(ValueError, match="even"):
            frequencies(bad)


@pytest.mark.parametrize("steps", [1, 2, 5])
def test_moving_back_is_one_rotation_for_every_position(steps):
    pe = sinusoidal_positions(30)
    r = shift_matrix(steps=steps)
    np.testing.assert_allclose(pe[steps:] @ r, pe[:-steps], rtol=0, atol=1e-12)
    np.testing.assert_allclose(r @ r.T, np.eye(D_MODEL), atol=1e-15)  # a rotation


@FAST
@given(n=st.integers(2, 40), half=st.integers(1, 8))
def test_two_places_alone_compare_by_distance_only(n, half):
    """PE(i) · PE(j) = Σ cos(ω (i − j)): the encodings alone never tell i − j from j − i
    (Teacher's question 3 of lesson 10)."""
    pe = sinusoidal_positions(n, 2 * half)
    gram = pe @ pe.T  # (n, n)
    for i in range(n):
        for j in range(n):
            assert gram[i, j] == pytest.approx(gram[0, abs(i - j)], abs=1e-9)


@FAST
@given(
    words=st.lists(st.sampled_from(sorted(VOCABULARY)), min_size=2, max_size=9),
    strength=st.sampled_from([0.25, 1.0, 3.0]),
    temperature=st.sampled_from(TEMPERATURES),
)
def test_beside_the_features_a_reversal_would_be_invisible(words, strength, temperature):
    """Why the lesson had to change: with positions *beside* the features (``[X | s·PE]``) and
    Q = K = V, the score of two words is X Xᵀ + s² PE PEᵀ, and a reversal keeps every distance,
    so the refined words are only permuted. Added, the cross terms x_i · PE_j break that."""
    x, _ = embed(words)
    n = len(words)
    pe = strength * sinusoidal_positions(n)
    back = list(range(n))[::-1]

    def refined(inputs):
        return np.array(reference.attention(inputs, inputs, inputs, temperature=temperature)[3])

    beside = refined(np.hstack([x, pe]).tolist())[:, : len(FEATURES)]
    beside_reversed = refined(np.hstack([x[back], pe]).tolist())[:, : len(FEATURES)]
    np.testing.assert_allclose(beside_reversed, beside[back], atol=1e-9)


# --- attention is blind to order; added positions see it ----------------------------------------


def test_dog_bites_man_is_man_bites_dog_without_positions():
    w = reorder("dog bites man", (2, 1, 0))
    assert w.shuffled_tokens == ("man", "bites", "dog")
    assert w.same_up_to_order and w.gap <= 1e-12
    np.testing.assert_allclose(w.shuffled.weights, w.original.weights[::-1, ::-1], atol=1e-15)


def test_a_real_model_sees_man_bites_dog():
    """Issue 22's numbers: positions added (s = 1, T = 1), *dog*'s weights on (dog, bites, man)
    are 0.832/0.094/0.074 in *dog bites man* and 0.892/0.066/0.041 in *man bites dog*."""
    w = reorder("dog bites man", (2, 1, 0), positions=1.0)
    dog_first = w.original.weights[0]  # dog, bites, man
    dog_last = w.shuffled.weights[2][[2, 1, 0]]  # the same words, in that order
    np.testing.assert_allclose(dog_first, [0.832, 0.094, 0.074], atol=5e-4)
    np.testing.assert_allclose(dog_last, [0.892, 0.066, 0.041], atol=5e-4)
    # The same by the loop reference, from X + PE written out by hand.
    x = [list(VOCABULARY[t]) for t in ("dog", "bites", "man")]
    added = [
        [a + b for a, b in zip(row, pe, strict=True)]
        for row, pe in zip(x, paper_formula(3, 8), strict=True)
    ]
    np.testing.assert_allclose(
        reference.attention(added, added, added)[2], w.original.weights, atol=1e-12
    )
    assert not w.same_up_to_order and w.gap > 0.5


@pytest.mark.parametrize("head", [None, "previous-word"])
@pytest.mark.parametrize("temperature", TEMPERATURES)
@pytest.mark.parametrize("strength", [0.25 * k for k in range(1, 13)])
def test_with_positions_added_a_reversal_is_never_only_permuted(strength, temperature, head):
    """Teacher's question 3 and the "Positions see order" preset: at every strength the slider
    allows above 0 and every temperature, *man bites dog* is not *dog bites man* reordered."""
    chosen = previous_word_head() if head else None
    w = reorder(
        "dog bites man", (2, 1, 0), positions=strength, temperature=temperature, head=chosen
    )
    assert not w.same_up_to_order, w.gap
    assert w.without("positions").same_up_to_order  # and the positions are what did it


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


@FAST
@given(
    words=st.lists(st.sampled_from(["dog", "bites", "man", "the", "river", "zorblat"]), max_size=7),
    data=st.data(),
    positions=st.sampled_from([0.0, 0.25, 1.0, 3.0]),
    causal=st.booleans(),
    temperature=st.sampled_from(TEMPERATURES),
    head=st.booleans(),
)
def test_without_a_cause_is_the_same_comparison_with_that_cause_off(
    words, data, positions, causal, temperature, head
):
    """What a page credits: ``without`` computes the comparison again with the positions (or
    the mask) off, everything else the same."""
    order = data.draw(st.permutations(range(len(words))), label="order")
    text = " ".join(words)
    kw = {"head": previous_word_head() if head else None, "temperature": temperature}
    w = reorder(text, order, positions=positions, causal=causal, **kw)
    assert w.causes == (("positions",) if positions else ()) + (("mask",) if causal else ())
    for cause, settings_ in (
        ("positions", {"positions": 0.0, "causal": causal}),
        ("mask", {"positions": positions, "causal": False}),
    ):
        direct = reorder(text, order, **settings_, **kw)
        np.testing.assert_array_equal(w.without(cause).shuffled.output, direct.shuffled.output)
        assert w.without(cause).gap == direct.gap
    if not w.causes:
        assert w.same_up_to_order  # neither cause on: only permuted


def test_the_reported_mask_and_positions_case():
    """Issue 22, 3b: causal mask on, strength 0.25, *dog bites man* → *man bites dog*. Both the
    mask and the positions change the figure: 0.33 with both, 0.23 without the positions, 0.32
    without the mask (the page used to credit the positions alone)."""
    w = reorder("dog bites man", (2, 1, 0), positions=0.25, causal=True)
    assert round(w.gap, 2) == 0.33
    assert round(w.without("positions").gap, 2) == 0.23
    assert round(w.without("mask").gap, 2) == 0.32
    with pytest.raises(ValueError, match="cause must be"):
        w.without("temperature")


def test_reorder_rejects_what_is_not_a_permutation():
    with pytest.raises(ValueError, match=r"permutation of 0\.\.2"):
        reorder("dog bites man", (0, 0, 1))
    with pytest.raises(ValueError, match="named features"):
        reorder(
            "dog bites man", (2, 1, 0), head=HEADS["none"].__class__("x", "y", (), (), (), ("a",))
        )


# --- the previous-word head ---------------------------------------------------------------------


def test_previous_word_head_is_a_head_on_the_added_form():
    """W_Q, W_K, W_V are 8 × 8 and act on X + s·PE: W_Q is the fastest pair's one-place
    rotation, scaled; W_K passes that pair; W_V hands over the whole vector."""
    head = previous_word_head()
    assert head.dims == FEATURES and head.w_q.shape == (D_MODEL, D_MODEL)
    block = [NATURE, MONEY]
    np.testing.assert_allclose(
        head.w_q[np.ix_(block, block)], PREVIOUS_WORD_STRENGTH * shift_matrix()[:2, :2], atol=1e-15
    )
    assert np.count_nonzero(head.w_q) == 4 and np.count_nonzero(head.w_k) == 2
    np.testing.assert_array_equal(head.w_k[np.ix_(block, block)], np.eye(2))
    np.testing.assert_array_equal(head.w_v, np.eye(D_MODEL))
    # For words with nothing in the two dims, the score is strength · s² · cos(p − 1 − j).
    s = 1.5
    p = project("dog bites the man and the cat sat", head, positions=s)
    n = len(p.tokens)
    expected = [
        [PREVIOUS_WORD_STRENGTH * s**2 * math.cos(i - 1 - j) for j in range(n)] for i in range(n)
    ]
    np.testing.assert_allclose(p.attention.scores, expected, atol=1e-9)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("temperature", TEMPERATURES)
@pytest.mark.parametrize("strength", [1.0, 1.5, 2.0, 3.0])
@pytest.mark.parametrize("text", ORDER_SENTENCES)
def test_previous_word_head_finds_the_previous_word_in_the_lessons_sentences(
    text, strength, temperature, causal
):
    """For the lesson's sentences, at the presets' strength (1) and above, at every temperature:
    every word after the first gives its largest weight to the word before it, ahead of every
    other by more than the screen's half a percentage point."""
    p = project(
        text, previous_word_head(), positions=strength, temperature=temperature, causal=causal
    )
    assert looks_at_previous(p.weights, SHOWN_PRECISION).all(), np.round(p.weights, 3)
    np.testing.assert_allclose(p.weights.sum(axis=1), 1.0, atol=1e-12)


@FAST
@given(
    words=st.lists(st.sampled_from(CLEAR), min_size=2, max_size=6),
    strength=st.sampled_from([1.0, 1.25, 2.0, 3.0]),
    temperature=st.sampled_from(TEMPERATURES),
    causal=st.booleans(),
)
def test_previous_word_head_finds_the_previous_word_when_nothing_blurs_it(
    words, strength, temperature, causal
):
    """Up to six words with no *nature* or *money* (less than one turn of the fastest pair)."""
    p = project(" ".join(words), previous_word_head(), positions=strength,
                temperature=temperature, causal=causal)  # fmt: skip
    assert looks_at_previous(p.weights, SHOWN_PRECISION).all(), np.round(p.weights, 3)


def test_words_about_nature_or_money_blur_the_head():
    """The page's simplification: *river* and *bank* put meaning where the head reads a place,
    and it loses the previous word; the same sentence with place words instead finds it."""
    blurred = "I sat on the river bank with my dog"
    assert [
        t for t, b in zip(tokenize(blurred), blurs_place(tokenize(blurred)), strict=True) if b
    ] == ["river", "bank"]
    assert not looks_at_previous(
        project(blurred, previous_word_head(), positions=1.0).weights, SHOWN_PRECISION
    ).all()
    clear = "I sat on the house road with my dog"
    assert not blurs_place(tokenize(clear)).any()
    assert looks_at_previous(
        project(clear, previous_word_head(), positions=1.0).weights, SHOWN_PRECISION
    ).all()
    assert blurs_place(["zorblat"]).all()  # a made-up vector has some of everything


def test_seven_places_back_scores_almost_as_high_as_one():
    """The fastest pair comes round every 2π ≈ 6.3 places: cos 6 ≈ 0.96 of the previous word's
    score (the page's second simplification)."""
    p = project(" ".join(["dog"] * 12), previous_word_head(), positions=1.0)
    scores = p.attention.scores
    for i in range(8, 12):
        assert scores[i, i - 7] / scores[i, i - 1] == pytest.approx(math.cos(6), abs=1e-9)
        assert scores[i, i - 7] / scores[i, i - 1] > 0.95


@pytest.mark.parametrize("text", ORDER_SENTENCES)
def test_previous_word_head_has_no_question_without_positions(text):
    p = project(text, previous_word_head(), positions=0.0)
    assert not p.asks.any()
    np.testing.assert_allclose(p.weights, 1 / len(p.tokens), atol=1e-15)  # an even spread
    assert not looks_at_previous(p.weights, SHOWN_PRECISION).any()


def test_looks_at_previous_reads_the_diagonal_with_a_margin():
    w = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.4, 0.2, 0.4]])
    assert looks_at_previous(w).tolist() == [True, False]  # a tie counts without a margin
    assert looks_at_previous(w, 0.01).tolist() == [False, False]
    np.testing.assert_array_equal(previous_word_weights(w), [0.5, 0.2])
    assert looks_at_previous(np.ones((1, 1))).shape == (0,)


def test_a_features_head_cannot_take_other_widths():
    with pytest.raises(ValueError, match=r"\(n, 8\)"):
        project(np.ones((2, 2 * len(FEATURES))), HEADS["none"])


# --- the causal mask is generation ---------------------------------------------------------------


@pytest.mark.parametrize("temperature", [0.05, 1.0, 20.0])
@pytest.mark.parametrize("positions", [0.0, 0.25, 1.0, 3.0])
@pytest.mark.parametrize("text", SENTENCES)
def test_every_row_of_the_step_through_obeys_the_mask(text, positions, temperature):
    """Issue 22, 3b: "Reading 2 words" showed *dog* looking ahead at *bites* (0.90 / 0.10).
    At every step, every row drawn: nothing above the diagonal, and the row is the same row of
    the whole sentence's causal pattern (a new word changes nothing already written)."""
    g = generate(text, positions=positions, temperature=temperature)
    n = len(tokenize(text))
    assert len(g.steps) == n and g.full.weights.shape == (n, n)
    for t, step in enumerate(g.steps):
        assert step.weights.shape == (t + 1, t + 1)
        assert (np.triu(step.weights, k=1) == 0).all(), (t, step.weights)
        np.testing.assert_allclose(step.weights, g.full.weights[: t + 1, : t + 1], atol=1e-12)
    assert (np.triu(g.full.weights, k=1) == 0).all()
    assert g.gap <= 1e-12 and g.matches_reading
    assert g.steps[0].weights[0, 0] == 1.0


def test_generate_empty_text():
    g = generate("")
    assert g.steps == () and g.gap == 0.0 and g.full.weights.shape == (0, 0)


def test_the_causal_mask_alone_sees_order():
    """The mask belongs to the slots: "dog" first sees only itself, "man" first only itself."""
    w = reorder("dog bites man", (2, 1, 0), causal=True)
    assert w.causal and not w.same_up_to_order and w.gap > 0.1, w.gap
    np.testing.assert_array_equal(np.triu(w.shuffled.weights, k=1), 0.0)
    assert reorder("dog bites man", (0, 1, 2), causal=True).same_up_to_order  # no shuffle
    np.testing.assert_array_equal(causal_mask(3), np.tril(np.ones((3, 3), dtype=bool)))


# --- numbered shuffles ------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(0, 9))
def test_every_shuffle_number_below_the_count_is_a_different_order(n):
    """Issue 22, 3b: numbers 0–999 gave a 3-word sentence its 5 shuffles over and over. Now
    the first min(n! − 1, 1000) numbers are different orders, none the sentence itself, and
    the numbers go round after that."""
    count = shuffle_count(n)
    assert count == (math.factorial(n) - 1 if n >= 2 else 0)
    shown = min(count, SHUFFLES)
    orders = [shuffle_order(n, k) for k in range(shown)]
    assert len(set(orders)) == shown == len(numbered_shuffles(n))
    assert all(sorted(o) == list(range(n)) and o != tuple(range(n)) for o in orders)
    if 0 < count < SHUFFLES:
        for k in (0, 1, count - 1, SHUFFLES - 1):
            assert shuffle_order(n, k) == shuffle_order(n, k % count)
    if n < 2:
        assert shuffle_order(n, 7) == tuple(range(n))


@pytest.mark.parametrize("n", [3, 4, 5])
@pytest.mark.parametrize("start", [0, 1, 998, 999])
def test_shuffle_again_shows_every_shuffle_before_one_comes_back(n, start):
    count = shuffle_count(n)
    number, seen = start, [shuffle_order(n, start)]
    for _ in range(count - 1):
        number = next_shuffle(n, number)
        assert 0 <= number < SHUFFLES
        seen.append(shuffle_order(n, number))
    assert len(set(seen)) == count, seen


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 40])
@pytest.mark.parametrize("number", [0, 3, 998, 999])
def test_next_shuffle_changes_the_order_when_it_can(n, number):
    nxt = next_shuffle(n, number)
    assert 0 <= nxt < SHUFFLES and nxt != number
    if shuffle_count(n) >= 2:
        assert shuffle_order(n, nxt) != shuffle_order(n, number)


def test_long_sentences_keep_the_shuffles_of_old_links():
    """Ten words or more: number k is still the k-th seeded shuffle, as links made before the
    shuffles were numbered by distinct orders (issue 22) expect."""
    for n in (10, 40):
        for k in (0, 3, 500, 999):
            old = tuple(int(i) for i in np.random.default_rng(k).permutation(n))
            assert shuffle_order(n, k) == old


def test_the_lesson_opens_on_man_bites_dog():
    default = ORDER.param("order").default
    assert shuffle_order(3, default) == (2, 1, 0)
    w = shuffle("dog bites man", default, positions=1.0)
    assert w.shuffled_tokens == ("man", "bites", "dog") and w.is_reversal and w.positions == 1.0
    assert shuffle("", 5).tokens == () and shuffle("", 5).gap == 0.0
    assert len(shuffle("dog " * 50, 1).order) == 40  # the words the core refines


# --- what lesson 10's page asks of the core -----------------------------------------------------


def test_row_gaps_and_reversal():
    w = reorder("the dog bites the man", (3, 4, 2, 0, 1), positions=1.0)
    assert w.row_gaps.shape == (5,) and w.gap == w.row_gaps.max() and not w.is_reversal
    assert reorder("dog bites man", (2, 1, 0)).is_reversal
    assert not reorder("dog", (0,)).is_reversal and reorder("dog", (0,)).gap == 0.0
    assert reorder("zorblat bites man", (2, 1, 0)).unknown_words == ("zorblat",)


def test_word_gap_follows_one_word_wherever_the_shuffle_put_it():
    """Lesson 10's question: after the shuffle, did *this* word's refined vector change?"""
    blind = reorder("dog bites man", (2, 1, 0))
    assert [blind.changed(i) for i in range(3)] == [False, False, False]
    # The previous-word head: *bites* looks at *dog* in one order and *man* in the other.
    w = reorder("dog bites man", (2, 1, 0), head=previous_word_head(), positions=1.0)
    assert w.changed(1) and w.word_gap(1) > 0.5
    assert np.argmax(w.original.weights[1]) == 0 and np.argmax(w.shuffled.weights[1]) == 0
    # The causal mask alone: *man* last sees every word; *man* first sees only itself.
    masked = reorder("dog bites man", (2, 1, 0), causal=True)
    assert masked.changed(2) and masked.changed(0)
    with pytest.raises(ValueError, match="word must be an index"):
        w.word_gap(3)


ORDER_WORDS = ("dog", "bites", "man", "the", "river")


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
    for i in range(len(words)):
        slot = list(order).index(i)
        direct = np.max(np.abs(w.shuffled.output[slot] - w.original.output[i]))
        assert w.word_gap(i) == pytest.approx(direct, abs=1e-15)
        assert w.changed(i) == (direct > 1e-12)
    assert w.same_up_to_order == (not any(w.changed(i) for i in range(len(words))))
