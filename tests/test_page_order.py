"""Lesson 10, word order: shuffling only permutes the refined words until positions (added to
the words, as in Vaswani et al.) or the causal mask come in; every sentence on screen is checked
against the core at random settings, and every credit it gives is checked by taking the cause
away."""

from __future__ import annotations

import math
import random
import re

import numpy as np
import pytest
from apptest_helpers import (
    chart,
    chart_elements,
    link_notice,
    open_lesson,
    open_section,
    share_link,
    texts,
    values,
)
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from predict_helpers import (
    PAGE_SECTIONS,
    again,
    answer,
    hidden_captions,
    prediction,
    prompt,
    why,
)
from predict_helpers import verdict as answered

import attention_core as ac
from ui import questions
from ui.formats import format_number
from ui.lessons import ORDER, SHUFFLES
from ui.params import TEMPERATURES
from ui.safe import md

FEATURE = {name: i for i, name in enumerate(ac.FEATURES)}
#: How the page writes a largest difference: a number to two places, a tiny one, or none at all.
AMOUNT = r"(\d+\.\d\d|less than 0\.01|0 \(exactly the same, up to rounding\))"


def z(at, key: str) -> np.ndarray:
    return values(chart(at, key)["data"][0], "z")


def verdict(at) -> str:
    return next(t for t in texts(at) if t.startswith(("**The same", "**Different", "One word")))


def settings_on_screen(at) -> dict:
    return {
        "text": at.text_input(key="text").value,
        "seed": at.slider(key="order").value,
        "head": ac.previous_word_head() if at.radio(key="head").value == "previous-word" else None,
        "positions": at.slider(key="pos").value,
        "temperature": at.select_slider(key="t").value,
        "causal": at.toggle(key="causal").value,
    }


def core(at, **change) -> ac.WordOrder:
    """The core's answer for the controls on screen (``change``: some settings otherwise)."""
    s = settings_on_screen(at) | change
    return ac.shuffle(
        s["text"], s["seed"], head=s["head"], positions=s["positions"],
        temperature=s["temperature"], causal=s["causal"],
    )  # fmt: skip


def agrees(printed: str, gap: float) -> bool:
    """Is ``printed`` (as the page writes a difference) true of ``gap``?"""
    if printed.startswith("0 (exactly the same"):
        return gap <= 1e-12
    if printed == "less than 0.01":
        return 1e-12 < gap < 0.005
    return gap > 1e-12 and abs(float(printed) - gap) <= 0.005 + 1e-12


def check_credit(said: str, figure, on: set[str], counterfactual) -> None:
    """A sentence that credits a cause of order: the cause whose removal changes the number.

    ``figure``: the number the sentence is about, as printed; ``counterfactual(cause)``: the
    same number computed with that cause switched off (by the test, from the core's ``shuffle``
    with other settings). Each cause that is on must be taken away in the sentence, with the
    number that gives; a cause is named as doing the work exactly when that number, as
    printed, differs from the figure."""
    taken = {
        cause: (verb, number)
        for cause, verb, number in re.findall(
            rf"[Ww]ithout the (positions|mask) it (would be|is still) {AMOUNT}", said
        )
    }
    names = {"positions": "positions", "mask": "mask"}
    assert set(taken) == {names[c] for c in on}, (said, on)
    for cause, (verb, number) in taken.items():
        assert agrees(number, counterfactual(cause)), (cause, number, counterfactual(cause))
        assert (verb == "would be") == (number != figure), (cause, verb, number, figure)
    credited = {c for c, (verb, _) in taken.items() if verb == "would be"}
    if "both make it" in said:
        assert credited == {"positions", "mask"}, said
    if re.search(r"The positions make (it|the difference)", said):
        assert "positions" in credited, said
    if "The causal mask makes it" in said or "the causal mask sees order" in said:
        assert "mask" in credited, said
    if "Either one alone gives it" in said:
        assert not credited, said


# ---- what the page shows by default and at its presets -----------------------------------------


def test_default_man_bites_dog_is_dog_bites_man_permuted() -> None:
    at = open_lesson(ORDER)
    assert not at.exception
    assert "**dog bites man** → shuffled: **man bites dog**" in texts(at)
    # Issue 22, 3b: "the largest difference is 1.1e-16 (rounding)" said for a 16-year-old.
    said = verdict(at)
    assert said.startswith("**The same vectors, only permuted.**")
    assert "exactly the same (up to rounding)" in said and not re.search(r"\de-\d", said)
    # On screen: the shuffled sentence's rows are the original rows, reordered.
    np.testing.assert_allclose(z(at, "order-shuffled"), z(at, "order-original")[::-1], atol=1e-12)
    assert share_link(at).endswith("/order")  # defaults stay out of the link


def test_positions_are_added_to_the_words_and_a_real_model_sees_the_reversal() -> None:
    """Issue 22, section 2: at s = 1 (the paper's mix) *man bites dog* is not *dog bites man*
    reordered; the page shows X + s·PE, 8 numbers a word, and says the positions did it."""
    at = open_lesson(ORDER, {"pos": "1"})
    assert not at.exception
    said = verdict(at)
    assert said.startswith("**Different, not just permuted.**"), said
    assert "The positions make the difference" in said
    inputs = z(at, "order-inputs")
    words, _ = ac.embed(["dog", "bites", "man"])
    np.testing.assert_allclose(inputs, words + ac.sinusoidal_positions(3), atol=1e-12)
    assert inputs.shape == (3, len(ac.FEATURES))
    check_claims(at)
    formulas = " ".join(f.value for f in at.latex)
    assert r"\tilde X = X + s\,PE" in formulas
    assert "512" in " ".join(texts(at))  # MiniLM's learned positions, for comparison


PRESETS = [
    ("Blind to order", True, "Without positions or a mask"),
    ("Positions see order", False, "The positions make the difference"),
    ("Who bit whom?", False, "The positions make the difference"),
    ("Look back only", False, "the causal mask sees order"),
]


def test_the_presets_are_the_lessons_presets() -> None:
    assert [name for name, _, _ in PRESETS] == list(ORDER.presets)


@pytest.mark.parametrize(("preset", "same", "reason"), PRESETS)
def test_each_preset_shows_its_point(preset: str, same: bool, reason: str) -> None:
    at = open_lesson(ORDER)
    at.button(key=f"preset-order-{preset}").click().run()
    assert not at.exception
    said = verdict(at)
    assert said.startswith("**The same" if same else "**Different") and reason in said, said
    original, shuffled = z(at, "order-original"), z(at, "order-shuffled")
    order = list(core(at).order)
    assert np.allclose(shuffled, original[order], atol=1e-9) == same
    check_claims(at)


def test_the_note_is_true_at_the_presets_it_names() -> None:
    """The "what to notice" callout walks the presets; each of its claims, at its preset."""
    at = open_lesson(ORDER)
    note = next(i.value for i in at.info if i.value.startswith("Start from **Blind to order**"))
    for preset in ORDER.presets:
        assert f"**{preset}**" in note
    at.button(key="preset-order-Blind to order").click().run()
    w = core(at)
    assert w.same_up_to_order and not w.positions and w.shuffled_tokens == ("man", "bites", "dog")
    # "now the two orders give different refined words, although reading backwards keeps
    # every distance between words"
    at.button(key="preset-order-Positions see order").click().run()
    w = core(at)
    assert not w.same_up_to_order and w.is_reversal and w.positions > 0 and w.head is None
    # "*bites* gives most of its weight to *dog* in one order and to *man* in the other"
    at.button(key="preset-order-Who bit whom?").click().run()
    w = core(at)
    bites = w.tokens.index("bites")
    assert w.tokens[np.argmax(w.original.weights[bites])] == "dog"
    assert w.original.weights[bites].max() > 0.5
    slot = w.order.index(bites)
    assert w.shuffled_tokens[np.argmax(w.shuffled.weights[slot])] == "man"
    assert w.shuffled.weights[slot].max() > 0.5
    # "with no positions at all, the mask alone gives order away"
    at.button(key="preset-order-Look back only").click().run()
    w = core(at)
    assert w.causal and not w.positions and not w.same_up_to_order


def test_who_bit_whom_looks_back_and_says_so() -> None:
    at = open_lesson(ORDER)
    at.button(key="preset-order-Who bit whom?").click().run()
    weights = z(at, "order-previous")
    assert (np.argmax(weights[1:], axis=1) == np.arange(len(weights) - 1)).all()
    assert "**Every word after the first gives its largest weight" in " ".join(texts(at))
    check_claims(at)


# ---- 3b: the mask and the positions, credited ---------------------------------------------------


def test_mask_and_positions_at_0_25_credit_what_changes_the_number() -> None:
    """Issue 22, 3b: with the mask on and strength 0.25 the page said "differ by up to 0.52.
    The positions make the difference", and 0.52 was the mask's figure alone."""
    at = open_lesson(ORDER, {"causal": "true", "pos": "0.25"})
    said = verdict(at)
    assert said.startswith("**Different"), said
    figure = re.search(rf"differ by up to {AMOUNT}", said)[1]
    assert agrees(figure, core(at).gap)
    check_credit(
        said,
        figure,
        {"positions", "mask"},
        lambda cause: (
            core(at, **({"positions": 0.0} if cause == "positions" else {"causal": False})).gap
        ),
    )


# ---- 3b: the shuffle number ---------------------------------------------------------------------


def shown_order(at) -> str:
    line = next(t for t in texts(at) if "→ shuffled:" in t)
    return line.split("→ shuffled: ", 1)[1]


def test_shuffle_again_shows_every_order_once_and_the_link_restores_it() -> None:
    """Issue 22, 3b: "Shuffle again" repeated orders (3 words: 5 shuffles, numbers 0–999)."""
    at = open_lesson(ORDER)
    seen = [shown_order(at)]
    for _ in range(4):
        at.button(key="set-order").click().run()
        assert not at.exception
        seen.append(shown_order(at))
    assert len(set(seen)) == 5 == math.factorial(3) - 1, seen
    assert "**dog bites man**" not in seen
    seed = at.slider(key="order").value
    link = share_link(at)
    line = next(t for t in texts(at) if "→ shuffled:" in t)
    if seed != ORDER.param("order").default:
        assert f"order={seed}" in link
    again_ = open_lesson(ORDER, {"order": str(seed)})
    assert line in texts(again_) and not link_notice(again_)


@pytest.mark.parametrize(
    ("text", "number", "line"),
    [
        ("dog bites man", 1, "3 words have 6 orders: the sentence and 5 shuffles. The numbers go "
         "round every 5: this is shuffle 2 of 5."),
        ("dog bites man", 999, "this is shuffle 5 of 5."),
        ("the dog bites the man", 0, "5 words have 120 orders: the sentence and 119 shuffles."),
        ("dog bites", 4, "Two words have one other order: every shuffle number gives it."),
        ("a b c d e f g", 7, "7 words have 5,040 orders: the numbers 0 to 999 are 1,000 "
         "different shuffles of them."),
        ("dog " * 20, 3, "20 words have more than a million orders"),
    ],
)  # fmt: skip
def test_the_page_says_how_many_shuffles_the_sentence_has(text, number, line) -> None:
    """Old links keep working: every number 0–999 is a shuffle, and the page says which."""
    at = open_lesson(ORDER, {"text": text, "order": str(number)})
    assert not at.exception and not link_notice(at)
    assert any(line in c.value for c in at.caption), [c.value for c in at.caption]
    n = len(ac.tokenize(text))
    count = math.factorial(n) - 1
    if 2 <= count < SHUFFLES:  # "shuffle k of count", and k is the order on screen
        k = int(re.search(r"this is shuffle (\d+) of", " ".join(c.value for c in at.caption))[1])
        assert k == number % count + 1
        assert core(at).order == ac.shuffle_order(n, k - 1)
    assert bool([b for b in at.button if b.key == "set-order"]) == (count >= 2)


@pytest.mark.parametrize("bad", ["abc", "1000", "-1", "2.5", "nan", ""])
def test_a_bad_shuffle_number_falls_back_with_a_notice(bad: str) -> None:
    at = open_lesson(ORDER, {"order": bad, "pos": "1"})
    assert not at.exception
    assert at.slider(key="order").value == ORDER.param("order").default
    assert at.slider(key="pos").value == 1.0
    assert "**order=" in link_notice(at)


# ---- 3b: the causal step-through ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["dog bites man", "the dog bites the man"])
@pytest.mark.parametrize("pos", ["0", "1"])
def test_every_row_of_the_step_through_obeys_the_mask(text: str, pos: str) -> None:
    """Issue 22, 3b: "Reading 2 words" showed *dog*'s row as 0.90 / 0.10, looking ahead at
    *bites*, beside the causal chart's 1.00 / 0.00. At every step, every row drawn: exactly 0
    above the diagonal, and the same as that row of the whole causal pattern."""
    n = len(ac.tokenize(text))
    pages = [
        open_lesson(ORDER, {"text": text, "step": str(k), "pos": pos}) for k in range(1, n + 1)
    ]
    for k, at in enumerate(pages, start=1):
        step, masked = z(at, "order-step"), z(at, "order-causal")
        assert step.shape == (k, k)
        assert (np.triu(step, k=1) == 0).all(), step
        np.testing.assert_allclose(step, masked[:k, :k], atol=1e-12)
    for at in pages:  # and what the page says about them
        assert "masked" in chart(at, "order-step")["layout"]["title"]["text"]
        check_claims(at)


def test_the_generation_step_comes_from_the_link_and_is_checked() -> None:
    at = open_lesson(ORDER, {"text": "the dog bites the man", "step": "2"})
    assert z(at, "order-step").shape == (2, 2)
    assert "step=2" in share_link(at)
    at = open_lesson(ORDER, {"step": "99"})
    assert "**step=99**" in link_notice(at) and z(at, "order-step").shape == (3, 3)


# ---- formulas, odd inputs ------------------------------------------------------------------------


def test_the_formulas_on_screen_match_the_core() -> None:
    at = open_lesson(ORDER, {"head": "previous-word", "causal": "true"})
    shown = " ".join(f.value for f in at.latex)
    assert r"\tilde X = X + s\,PE" in shown and "W_{Q,\\,K,\\,V}" in shown and "M_{ij}" in shown
    sharp = format_number(ac.PREVIOUS_WORD_STRENGTH)
    assert rf"q_p = {sharp}\,(\tilde x_{{p,0}},\,\tilde x_{{p,1}})\,R_1" in shown
    assert r"k_j = (\tilde x_{j,0},\,\tilde x_{j,1})" in shown and r"v_j = \tilde x_j" in shown
    # The head's matrices are what the formula says: W_Q = 8 R₁ on dims 0, 1; W_K passes them.
    head = ac.previous_word_head()
    np.testing.assert_allclose(
        head.w_q[:2, :2], ac.PREVIOUS_WORD_STRENGTH * ac.shift_matrix()[:2, :2]
    )
    np.testing.assert_array_equal(head.w_k[:2, :2], np.eye(2))
    np.testing.assert_array_equal(head.w_v, np.eye(len(ac.FEATURES)))
    assert ac.FEATURES[:2] == ("nature", "money")  # "Dims 0 and 1 are *nature* and *money*"
    # R₁ turns the fastest pair back one place: (sin p, cos p) R₁ = (sin(p − 1), cos(p − 1)).
    pe = ac.sinusoidal_positions(6)
    np.testing.assert_allclose(pe[1:, :2] @ ac.shift_matrix()[:2, :2], pe[:-1, :2], atol=1e-12)


@pytest.mark.parametrize(
    ("pos", "said"),
    [
        ("1", "*river* and *bank* have some *nature* or *money*, where this head reads a place"),
        ("0", "**No positions:** its only questions come from *river* and *bank*, whose"),
    ],
)
def test_words_that_blur_the_previous_word_head_are_named(pos: str, said: str) -> None:
    """The head's simplification, on screen: words with nature or money blur its question."""
    at = open_lesson(
        ORDER, {"text": "I sat on the river bank with my dog", "pos": pos, "head": "previous-word"}
    )
    assert said in " ".join(texts(at))
    check_claims(at)
    assert any("Built by hand, and simpler than a learned head" in c.value for c in at.caption)


def test_unknown_words_are_named_literally() -> None:
    at = open_lesson(ORDER, {"text": "zorblat bites [x](javascript:alert(1))"})
    assert not at.exception
    named = next(c.value for c in at.caption if c.value.startswith("Not in our vocabulary"))
    assert "zorblat" in named and "](javascript" not in named


def test_empty_one_and_two_word_sentences() -> None:
    at = open_lesson(ORDER, {"text": "   "})
    assert not at.exception and any("Type a sentence" in i.value for i in at.info)
    at = open_lesson(ORDER, {"text": "dog"})
    assert not at.exception and verdict(at).startswith("One word")
    assert "needs at least two words" in " ".join(texts(at))
    at = open_lesson(ORDER, {"text": "dog bites", "pos": "1", "head": "previous-word"})
    assert not at.exception
    check_claims(at)


# ---- every sentence, at random settings ---------------------------------------------------------

SENTENCES = [
    "dog bites man",
    "the dog bites the man",
    "the the the",
    "dog bites",
    "I sat on the river bank with my dog",
    "zorblat bites man",
    "dog " * 45,
]


def check_claims(at) -> None:
    """Every sentence about the numbers is true of the core's numbers for these controls."""
    w = core(at)
    said = verdict(at)
    pos, causal = at.slider(key="pos").value, at.toggle(key="causal").value
    on = ({"positions"} if pos else set()) | ({"mask"} if causal else set())
    original, shuffled = z(at, "order-original"), z(at, "order-shuffled")
    assert not re.search(r"\de-\d", said), said  # no scientific notation for a 16-year-old
    if said.startswith("**The same"):
        assert w.same_up_to_order
        np.testing.assert_allclose(shuffled, original[list(w.order)], atol=1e-9)
        assert "exactly the same (up to rounding)" in said
    elif said.startswith("**Different"):
        assert not w.same_up_to_order
        assert not np.allclose(shuffled, original[list(w.order)], atol=1e-9)
        figure = re.search(rf"differ by up to {AMOUNT}", said)[1]
        assert agrees(figure, w.gap), (figure, w.gap)
        check_credit(
            said, figure, on,
            lambda cause: core(
                at, **({"positions": 0.0} if cause == "positions" else {"causal": False})
            ).gap,
        )  # fmt: skip
    else:
        assert len(w.tokens) < 2
    if "Without positions or a mask" in said:
        assert pos == 0 and not causal
    if "the causal mask sees order" in said:
        assert causal and pos == 0

    text = at.text_input(key="text").value
    p = ac.project(
        text, ac.previous_word_head(), positions=pos, causal=causal,
        temperature=at.select_slider(key="t").value,
    )  # fmt: skip
    everything = " ".join(texts(at))
    weights = z(at, "order-previous")
    np.testing.assert_allclose(weights, p.weights, atol=1e-12)
    n = len(weights)
    back = np.diag(weights, k=-1)
    # "Largest" on screen: ahead of every other weight of the row by half a point or more.
    clear = [
        all(back[i - 1] >= weights[i, j] + 0.005 for j in range(n) if j != i - 1)
        for i in range(1, n)
    ]
    if "**Every word after the first gives its largest weight" in everything:
        assert all(clear)
        low, high = re.search(r"before it\*\* \(([0-9.]+) to ([0-9.]+)\)", everything).groups()
        assert float(low) == pytest.approx(back.min(), abs=0.006)
        assert float(high) == pytest.approx(back.max(), abs=0.006)
    partial = re.search(r"\*\*(\d+) of the (\d+) words after the first\*\*", everything)
    if partial:
        assert int(partial[1]) == sum(clear) < len(clear) == int(partial[2])
    none = re.search(r"\*\*None of the (\d+) words after the first\*\*", everything)
    if none:
        assert not any(clear) and int(none[1]) == n - 1
    if "**The second word gives its largest weight to the first**" in everything:
        assert n == 2 and clear == [True]
    if "**The second word does not give its largest weight to the first.**" in everything:
        assert n == 2 and clear == [False]
    if n >= 2:
        assert (
            sum(
                s in everything
                for s in ("**Every word after", "words after the first**", "**The second word")
            )
            == 1
        )  # one head sentence, always
    if "with the causal mask it can only look at itself" in everything:
        assert weights[0, 0] == 1.0 and causal
    words = ac.embed(list(p.tokens))[0]
    if "**No positions, no question:**" in everything:
        assert pos == 0 and not p.asks.any()
        for row in weights:
            seen = row[row > 0]
            np.testing.assert_allclose(seen, seen[0], atol=1e-12)  # even over what it may see
    blurred = re.search(r"(?:come from|first\.|itself\.|look\.) ((?:\*[^*]+\*(?:, | and )?)+)"
                        r"(?:,? whose| ha(?:s|ve) some)", everything)  # fmt: skip
    if blurred:
        named = re.findall(r"\*([^*]+)\*", blurred[1])
        distinct = questions.distinct(list(p.tokens))
        for name in named:
            i = distinct.index(name.replace("\\", ""))
            assert words[i, :2].any(), name  # it has nature or money (or a made-up vector)
        if "come from" in blurred[0]:
            assert pos == 0 and p.asks.any()
            np.testing.assert_array_equal(p.asks, words[:, :2].any(axis=1))

    if len(w.tokens):
        step, masked = z(at, "order-step"), z(at, "order-causal")
        assert (np.triu(step, k=1) == 0).all() and (np.triu(masked, k=1) == 0).all()
        if "top-left corner of the masked matrix" in everything:
            np.testing.assert_allclose(step, masked[: len(step), : len(step)], atol=1e-12)
        if "Row 1 is the first word: with the mask it can only look at itself." in everything:
            assert step.shape == (1, 1) and step[0, 0] == 1.0


def test_every_claim_on_screen_is_true_at_random_settings() -> None:
    rng = random.Random(10)
    at = open_lesson(ORDER)
    check_claims(at)
    for _ in range(40):
        at.text_input(key="text").set_value(rng.choice(SENTENCES))
        at.slider(key="order").set_value(rng.choice([0, 1, 3, rng.randrange(SHUFFLES)]))
        at.slider(key="pos").set_value(rng.choice([0.0, 0.0, 0.25, 1.0, 2.0, 3.0]))
        at.radio(key="head").set_value(rng.choice(["plain", "previous-word"]))
        at.toggle(key="causal").set_value(rng.random() < 0.5)
        at.select_slider(key="t").set_value(rng.choice(TEMPERATURES))
        at.run()
        assert not at.exception, at.exception
        check_claims(at)


# ---- predict, then reveal ---------------------------------------------------------------------

SAME, CHANGED = "No: the same vector", "Yes: a different vector"


def test_predict_mode_hides_the_comparison_until_the_student_commits() -> None:
    at = open_lesson(ORDER, {"predict": "true"})
    assert not at.exception
    assert not chart_elements(at) and hidden_captions(at) >= 7
    assert {e.label for e in at.expander} <= PAGE_SECTIONS  # no numbers table
    everything = " ".join(texts(at))
    for answer_text in ("**The same", "**Different", "largest weight", "exactly the same"):
        assert answer_text not in everything, answer_text
    # The setup stays: what was shuffled into what.
    assert "**dog bites man** → shuffled: **man bites dog**" in texts(at)
    assert prediction(at).options == [md(SAME), md(CHANGED)]
    asked = prompt(at)
    assert "*bites* stays in place 2" in asked and "position strength 0" in asked
    assert "plain attention" in asked
    assert "causal mask off" in asked

    answer(at, 0)
    assert answered(at) == (True, set())
    assert why(at).startswith(
        "Before and after the shuffle, the refined vectors of *bites* are exactly the same "
        "(up to rounding)"
    )
    assert "the same vector, in the same place" in why(at)  # the middle of a reversal
    assert "Without positions or a mask" in why(at)
    assert len(chart_elements(at)) >= 7
    assert verdict(at).startswith("**The same")


def test_who_bit_whom_changes_bites_and_a_wrong_guess_is_told_so() -> None:
    at = open_lesson(ORDER, {"predict": "true", "pos": "1", "head": "previous-word"})
    assert "the previous-word head" in prompt(at) and "position strength 1" in prompt(at)
    answer(at, 0)
    assert answered(at) == (False, {md(CHANGED)})
    # *bites* keeps place 2; *dog* and *man* swap places around it.
    assert "*bites* keeps its place, but the words around it now carry other places" in why(at)
    again(at)
    answer(at, 1)
    assert answered(at)[0]


def test_the_misconception_in_the_teacher_notes_is_true_of_the_numbers() -> None:
    w = ac.shuffle("dog bites man", ORDER.param("order").default)
    assert w.shuffled_tokens == ("man", "bites", "dog") and w.same_up_to_order
    np.testing.assert_allclose(w.shuffled.output, w.original.output[::-1], atol=1e-12)
    # Positions added to the words, or the causal mask, make order count.
    assert not ac.shuffle("the dog bites the man", 0, positions=1.0).same_up_to_order
    assert not ac.shuffle("dog bites man", 1, positions=1.0).same_up_to_order  # a reversal too
    assert not ac.shuffle("dog bites man", 1, causal=True).same_up_to_order
    at = open_section(open_lesson(ORDER), "Teacher's notes")
    notes = " ".join(texts(at))
    assert "Self-attention alone knows word order" in notes
    # "Try the previous-word head on *I sat on the river bank with my dog*: what goes wrong?"
    assert "I sat on the river bank with my dog" in notes
    p = ac.project("I sat on the river bank with my dog", ac.previous_word_head(), positions=1.0)
    assert not ac.looks_at_previous(p.weights, ac.SHOWN_PRECISION).all()
    assert "512 positions" in notes and ac.BertConfig().max_positions == 512
    # "with positions added, *man bites dog* is not *dog bites man* reordered"
    assert "is not *dog bites man* reordered" in notes


@settings(max_examples=14, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(
    text=st.sampled_from([*SENTENCES, "dog"]),
    seed=st.sampled_from([0, 1, 3, 7, 998]),
    pos=st.sampled_from([0.0, 0.0, 0.25, 1.0, 2.0, 3.0]),
    head=st.sampled_from(["plain", "previous-word"]),
    causal=st.booleans(),
    t=st.sampled_from(TEMPERATURES),
)
def test_the_right_answer_is_what_the_revealed_charts_show(text, seed, pos, head, causal, t):
    query = {"text": text, "order": str(seed), "pos": format_number(pos), "head": head}
    query |= {"causal": str(causal).lower(), "t": format_number(t), "predict": "true"}
    at = open_lesson(ORDER, query)
    assert not at.exception and not chart_elements(at)
    asked = prompt(at)
    assert f"position strength {format_number(pos)}," in asked
    assert f"causal mask {'on' if causal else 'off'}" in asked
    answer(at, 0)
    ok, named = answered(at)

    original, shuffled = z(at, "order-original"), z(at, "order-shuffled")
    n = len(original)
    ticks = chart(at, "order-shuffled")["layout"]["yaxis"]["ticktext"]
    was = [int(re.search(r"\(was (\d+)\)$", tick)[1]) - 1 for tick in ticks]
    word = (n - 1) // 2
    slot = was.index(word)

    def gap_of(shuffled_rows: np.ndarray, original_rows: np.ndarray) -> float:
        return float(np.max(np.abs(shuffled_rows[slot] - original_rows[word])))

    gap = gap_of(shuffled, original)
    changed = gap > 1e-12
    assert ok == (not changed)
    if not ok:
        assert named == {md(CHANGED)}

    said = why(at)
    assert not re.search(r"\de-\d", said), said
    name = questions.distinct(list(core(at).tokens))[word]
    goes = (
        f"moves from place {word + 1} to {slot + 1}"
        if slot != word
        else f"stays in place {word + 1}"
    )
    assert f"*{md(name, 40)}* {goes}." in asked
    if n < 2:
        assert said.startswith("One word has nothing to shuffle")
        return
    if changed:
        figure = re.search(rf"differ by up to {AMOUNT}", said)[1]
        assert agrees(figure, gap), (figure, gap)

        def without(cause: str) -> float:
            other = core(at, **({"positions": 0.0} if cause == "positions" else {"causal": False}))
            return other.word_gap(word)

        on = ({"positions"} if pos else set()) | ({"mask"} if causal else set())
        check_credit(said, figure, on, without)
    else:
        assert "are exactly the same (up to rounding)" in said
    if "Without positions or a mask" in said:
        assert pos == 0 and not causal
    if "the causal mask sees order" in said:
        assert causal and pos == 0 and changed
    if "keeps its place" in said:
        assert slot == word and pos > 0
    if "carries another place" in said:
        assert slot != word and pos > 0
