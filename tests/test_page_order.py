"""Lesson 10, word order: shuffling only permutes the refined words until positions (or the
causal mask) come in; every sentence on screen is checked against the core at random settings."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from apptest_helpers import chart, link_notice, open_lesson, open_section, share_link, texts, values
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


def z(at, key: str) -> np.ndarray:
    return values(chart(at, key)["data"][0], "z")


def shown(at, start: str) -> str:
    return next(t for t in texts(at) if t.startswith(start))


def verdict(at) -> str:
    return next(t for t in texts(at) if t.startswith(("**The same", "**Different", "One word")))


def core(at) -> ac.WordOrder:
    """The core's answer for the controls on screen."""
    head = ac.previous_word_head() if at.radio(key="head").value == "previous-word" else None
    return ac.shuffle(
        at.text_input(key="text").value,
        at.slider(key="order").value,
        head=head,
        positions=at.slider(key="pos").value,
        temperature=at.select_slider(key="t").value,
        causal=at.toggle(key="causal").value,
    )


def test_default_man_bites_dog_is_dog_bites_man_permuted() -> None:
    at = open_lesson(ORDER)
    assert not at.exception
    assert "**dog bites man** → shuffled: **man bites dog**" in texts(at)
    assert verdict(at).startswith("**The same vectors, only permuted.**")
    # On screen: the shuffled sentence's rows are the original rows, reordered.
    np.testing.assert_allclose(z(at, "order-shuffled"), z(at, "order-original")[::-1], atol=1e-12)
    assert share_link(at).endswith("/order")  # defaults stay out of the link


@pytest.mark.parametrize(
    ("preset", "same", "reason"),
    [
        ("Blind to order", True, "Without positions or a mask"),
        ("Positions see order", False, "The positions make the difference"),
        ("A reversal fools plain attention", True, "reading backwards keeps every distance"),
        ("Who bit whom?", False, "The positions make the difference"),
        ("Look back only", False, "the causal mask sees order"),
    ],
)
def test_each_preset_shows_its_point(preset: str, same: bool, reason: str) -> None:
    at = open_lesson(ORDER)
    at.button(key=f"preset-order-{preset}").click().run()
    assert not at.exception
    said = verdict(at)
    assert said.startswith("**The same" if same else "**Different") and reason in said, said
    original, shuffled = z(at, "order-original"), z(at, "order-shuffled")
    order = list(core(at).order)
    assert np.allclose(shuffled, original[order], atol=1e-9) == same


def test_who_bit_whom_bites_carries_dog_then_man() -> None:
    at = open_lesson(ORDER)
    at.button(key="preset-order-Who bit whom?").click().run()
    bites = 1  # the middle word in both orders
    original, shuffled = z(at, "order-original"), z(at, "order-shuffled")
    assert original[bites, FEATURE["animal"]] > original[bites, FEATURE["person"]]  # dog bites
    assert shuffled[bites, FEATURE["person"]] > shuffled[bites, FEATURE["animal"]]  # man bites
    # ... because every word after the first looks at the word just before it.
    assert "**Every word after the first gives its largest weight" in " ".join(texts(at))
    weights = z(at, "order-previous")
    assert (np.argmax(weights[1:], axis=1) == np.arange(len(weights) - 1)).all()


def test_shuffle_again_changes_the_shuffle_and_the_link_restores_it() -> None:
    at = open_lesson(ORDER, {"text": "the dog bites the man"})
    before = core(at).shuffled_tokens
    at.button(key="set-order").click().run()
    seed = at.slider(key="order").value
    assert seed == ac.next_shuffle(5, 3, SHUFFLES)
    after = core(at).shuffled_tokens
    assert after != before
    line = f"**the dog bites the man** → shuffled: **{' '.join(after)}**"
    assert line in texts(at)
    link = share_link(at)
    assert f"order={seed}" in link
    again = open_lesson(ORDER, {"text": "the dog bites the man", "order": str(seed)})
    assert line in texts(again) and not link_notice(again)


@pytest.mark.parametrize(
    "bad",
    [
        "abc",
        "1000",
        "-1",
        "2.5",  # the notice and the slider agree: the default, 3 (not 2)
        "nan",
        "",
    ],
)
def test_a_bad_shuffle_number_falls_back_with_a_notice(bad: str) -> None:
    at = open_lesson(ORDER, {"order": bad, "pos": "1"})
    assert not at.exception
    assert at.slider(key="order").value == 3 and at.slider(key="pos").value == 1.0
    assert "**order=" in link_notice(at)


def test_the_generation_step_comes_from_the_link_and_is_checked() -> None:
    at = open_lesson(ORDER, {"text": "the dog bites the man", "step": "2"})
    step = z(at, "order-step")
    assert step.shape == (2, 2)
    np.testing.assert_allclose(step[-1], z(at, "order-causal")[1, :2], atol=1e-12)
    assert "step=2" in share_link(at)
    at = open_lesson(ORDER, {"step": "99"})
    assert "**step=99**" in link_notice(at) and z(at, "order-step").shape == (3, 3)


def test_the_formulas_on_screen_match_the_core() -> None:
    at = open_lesson(ORDER, {"head": "previous-word", "causal": "true"})
    shown = " ".join(f.value for f in at.latex)
    assert r"q_p = 3s\,PE_{p-1}" in shown and "W_{Q,\\,K,\\,V}" in shown and "M_{ij}" in shown
    # "q_p = 3s PE_{p-1}": the head's W_Q is three times the one-place rotation.
    d = len(ac.FEATURES)
    np.testing.assert_allclose(ac.previous_word_head().w_q[d:, d:], 3 * ac.shift_matrix())


def test_unknown_words_are_named_literally() -> None:
    at = open_lesson(ORDER, {"text": "zorblat bites [x](javascript:alert(1))"})
    assert not at.exception
    named = next(c.value for c in at.caption if c.value.startswith("Not in our vocabulary"))
    assert "zorblat" in named and "](javascript" not in named


def test_empty_and_one_word_sentences() -> None:
    at = open_lesson(ORDER, {"text": "   "})
    assert not at.exception and any("Type a sentence" in i.value for i in at.info)
    at = open_lesson(ORDER, {"text": "dog"})
    assert not at.exception and verdict(at).startswith("One word")
    assert "needs at least two words" in " ".join(texts(at))


SENTENCES = [
    "dog bites man",
    "the dog bites the man",
    "the the the",
    "I sat on the river bank with my dog",
    "zorblat bites man",
    "dog " * 45,
]
NUMBER = r"([0-9.]+e[-+][0-9]+|[0-9]+\.[0-9]{2}|0)"


def check_claims(at) -> None:
    """Every sentence about the numbers is true of the core's numbers for these controls."""
    w = core(at)
    said = verdict(at)
    pos, causal = at.slider(key="pos").value, at.toggle(key="causal").value
    plain = at.radio(key="head").value == "plain"
    original, shuffled = z(at, "order-original"), z(at, "order-shuffled")
    if said.startswith("**The same"):
        assert w.same_up_to_order
        np.testing.assert_allclose(shuffled, original[list(w.order)], atol=1e-9)
    elif said.startswith("**Different"):
        assert not w.same_up_to_order
        assert not np.allclose(shuffled, original[list(w.order)], atol=1e-9)
    else:
        assert len(w.tokens) < 2
    for printed in re.findall(rf"(?:difference is|differ by up to) {NUMBER}", said):
        assert abs(float(printed) - w.gap) <= max(0.005, w.gap * 0.06), (printed, w.gap)
    if "Without positions or a mask" in said:
        assert pos == 0 and not causal
    if "reading backwards keeps every distance" in said:
        assert w.is_reversal and plain and not causal and pos > 0
    if "the causal mask sees order" in said:
        assert causal and pos == 0
    if "The positions make the difference" in said:
        assert pos > 0

    p = ac.project(
        at.text_input(key="text").value,
        ac.previous_word_head(),
        positions=pos,
        causal=causal,
        temperature=at.select_slider(key="t").value,
    )
    everything = " ".join(texts(at))
    weights = z(at, "order-previous")
    np.testing.assert_allclose(weights, p.weights, atol=1e-12)
    if "No positions, no question" in everything:
        assert not p.asks.any()
        for row in weights:
            seen = row[row > 0]
            np.testing.assert_allclose(seen, seen[0], atol=1e-12)  # even over what it may see
    found = ac.looks_at_previous(weights)
    back = np.diag(weights, k=-1)
    if "**Every word after the first gives its largest weight" in everything:
        assert found.all()
        low, high = re.search(r"\(([0-9.]+) to ([0-9.]+)\)", everything).groups()
        assert float(low) == pytest.approx(back.min(), abs=0.006)
        assert float(high) == pytest.approx(back.max(), abs=0.006)
    partial = re.search(r"\*\*(\d+) of the (\d+) words after the first\*\*", everything)
    if partial:
        assert int(partial[1]) == found.sum() < len(found) == int(partial[2])
    if "it can only look at itself" in everything:
        assert weights[0, 0] == 1.0
    if "the same holds for every row" in everything:
        step = z(at, "order-step")
        masked = z(at, "order-causal")
        np.testing.assert_allclose(step[-1], masked[len(step) - 1, : len(step)], atol=1e-12)
        assert (np.triu(masked, k=1) == 0).all()


def test_every_claim_on_screen_is_true_at_random_settings() -> None:
    rng = random.Random(10)
    at = open_lesson(ORDER)
    check_claims(at)
    for _ in range(40):
        at.text_input(key="text").set_value(rng.choice(SENTENCES))
        at.slider(key="order").set_value(rng.choice([0, 3, rng.randrange(SHUFFLES)]))
        at.slider(key="pos").set_value(rng.choice([0.0, 0.0, 0.25, 1.0, 2.0, 3.0]))
        at.radio(key="head").set_value(rng.choice(["plain", "previous-word"]))
        at.toggle(key="causal").set_value(rng.random() < 0.4)
        at.select_slider(key="t").set_value(rng.choice(TEMPERATURES))
        at.run()
        assert not at.exception, at.exception
        check_claims(at)


# ---- predict, then reveal ---------------------------------------------------------------------

SAME, CHANGED = "No: the same vector", "Yes: a different vector"


def test_predict_mode_hides_the_comparison_until_the_student_commits() -> None:
    at = open_lesson(ORDER, {"predict": "true"})
    assert not at.exception
    assert not at.get("plotly_chart") and hidden_captions(at) >= 6
    assert {e.label for e in at.expander} <= PAGE_SECTIONS  # no numbers table
    everything = " ".join(texts(at))
    for answer_text in ("**The same", "**Different", "largest weight", "the largest difference"):
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
    assert why(at).startswith("Before and after the shuffle, the refined vectors of *bites* differ")
    assert "the same vector, in the same place" in why(at)  # the middle of a reversal
    assert "Without positions or a mask" in why(at)
    assert len(at.get("plotly_chart")) >= 6
    assert verdict(at).startswith("**The same")


def test_who_bit_whom_changes_bites_and_a_wrong_guess_is_told_so() -> None:
    at = open_lesson(ORDER, {"predict": "true", "pos": "2", "head": "previous-word"})
    assert "the previous-word head" in prompt(at) and "position strength 2" in prompt(at)
    answer(at, 0)
    assert answered(at) == (False, {md(CHANGED)})
    assert "The positions make the difference" in why(at)
    again(at)
    answer(at, 1)
    assert answered(at)[0]


def test_the_misconception_in_the_teacher_notes_is_true_of_the_numbers() -> None:
    w = ac.shuffle("dog bites man", ORDER.param("order").default)
    assert w.shuffled_tokens == ("man", "bites", "dog") and w.same_up_to_order
    np.testing.assert_allclose(w.shuffled.output, w.original.output[::-1], atol=1e-12)
    # Positions added to the words, or the causal mask, make order count.
    assert not ac.shuffle("the dog bites the man", 0, positions=1.0).same_up_to_order
    assert not ac.shuffle("dog bites man", 3, causal=True).same_up_to_order
    at = open_section(open_lesson(ORDER), "Teacher's notes")
    assert any("Self-attention alone knows word order" in t for t in texts(at))


@settings(max_examples=12, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
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
    assert not at.exception and not at.get("plotly_chart")
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
    gap = float(np.max(np.abs(shuffled[was.index(word)] - original[word])))
    changed = gap > 1e-12
    assert ok == (not changed)
    if not ok:
        assert named == {md(CHANGED)}

    said = why(at)
    name = questions.distinct(list(core(at).tokens))[word]
    slot = was.index(word)
    goes = (
        f"moves from place {word + 1} to {slot + 1}"
        if slot != word
        else f"stays in place {word + 1}"
    )
    assert f"*{md(name, 40)}* {goes}." in asked
    printed = re.search(rf"differ by (?:up to )?{NUMBER}", said)
    if n >= 2:
        assert abs(float(printed[1]) - gap) <= max(0.005, gap * 0.06), (printed[1], gap)
        assert ("differ by up to" in said) == changed
    else:
        assert said.startswith("One word has nothing to shuffle")
    if "Without positions or a mask" in said:
        assert pos == 0 and not causal
    if "reading backwards keeps every distance" in said:
        assert head == "plain" and not causal and pos > 0 and was == list(range(n))[::-1]
    if "the causal mask sees order" in said:
        assert causal and pos == 0 and changed
    if "The positions make the difference" in said:
        assert pos > 0 and not causal and changed
