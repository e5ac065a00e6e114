"""Lesson 9, many heads: one head cannot look for two things at once; two heads can.

What the page says about its heads (where the inspected word looks in each, whether two heads
found two things or one head had to split, the shapes) is checked as a property over sentences,
switches and controls, against the core's numbers computed here independently of the page.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from apptest_helpers import chart, charts, open_lesson, open_section, share_link, texts, values
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from predict_helpers import (
    PAGE_SECTIONS,
    again,
    answer,
    has_question,
    hidden_captions,
    prediction,
    prompt,
    verdict,
    why,
)

import attention_core as ac
from ui import claims, questions
from ui.formats import format_number, word_labels
from ui.lessons import BANK_SENTENCE, HEADS_LESSON, MANY_HEADS
from ui.page import SWIPE_HINT
from ui.params import TEMPERATURES
from ui.safe import md

FAST = settings(max_examples=60, deadline=None)
PAGE = settings(max_examples=10, deadline=None)
#: The prediction property: AppTest examples are slow to shrink, so a failure is shown as found.
PREDICT = settings(PAGE, phases=(Phase.explicit, Phase.reuse, Phase.generate))
HEADS = [ac.HEADS[name] for name in MANY_HEADS]
WORDS = "I paid money at the bank by river lake girl ran to school sat spring zorblat".split()  # noqa: SIM905
sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=9).map(" ".join)
switches = st.lists(st.booleans(), min_size=len(HEADS), max_size=len(HEADS))


def run_heads(text: str, active, t: float = 1.0, scaled: bool = True) -> ac.NamedHeads:
    return ac.many_heads(text, HEADS, active=active, temperature=t, scaled=scaled)


def preset_heads(name: str) -> ac.NamedHeads:
    values = HEADS_LESSON.presets[name]
    active = [values.get(key, on) for key, on in MANY_HEADS.items()]
    return run_heads(values["text"], active)


def looks_at(r: ac.NamedHeads, head: int, word: str) -> str:
    row = r.weights[head, r.tokens.index(word)]
    return r.tokens[int(np.argmax(row))]


# ---- each preset demonstrates its point, in the core's numbers --------------------------------


def test_preset_two_heads_look_for_two_things():
    r = preset_heads("Two heads, two things")
    assert r.active == (True, True, False, False)
    assert looks_at(r, 0, "bank") == "river" and looks_at(r, 1, "bank") == "money"
    bank = r.output[r.tokens.index("bank")]
    nature, money = ac.FEATURES.index("nature"), ac.FEATURES.index("money")
    assert bank[nature] > 0.5 and bank[money] > 0.5  # the mix carries both


def test_preset_one_topic_head_has_to_split():
    r = preset_heads("One topic head")
    assert r.active == (False, False, True, False)
    row = r.weights[2, r.tokens.index("bank")]
    tops = [r.tokens[j] for j in claims.tops(row)]
    assert sorted(tops) == ["money", "river"]


def test_preset_only_the_nature_head_pulls_bank_to_the_river():
    r = preset_heads("Only the nature head")
    bank = r.tokens.index("bank")
    assert ac.nearest_words(r.output[bank], exclude=("bank",))[0][0] == "river"
    both = preset_heads("Two heads, two things")
    assert ac.nearest_words(both.output[bank], exclude=("bank",))[0][0] != "river"


def test_preset_all_four_heads_show_both_the_two_things_and_the_split():
    r = preset_heads("All four heads")
    assert all(r.active)
    verdict = claims.heads_verdict(r, r.tokens.index("bank"), list(r.tokens))
    assert "Two heads, two things" in verdict and "One head, one question" in verdict


@pytest.mark.parametrize(
    ("preset", "says"),
    [
        ("Two heads, two things", "Two heads, two things: *bank* looks most at *river*"),
        ("One topic head", "**Topic** has to split *bank* evenly between *money* and *river*"),
        ("Only the nature head", "after the heads and W_O, closest to *river*"),
        ("All four heads", "One head, one question"),
    ],
)
def test_each_preset_says_its_point_on_screen(preset, says):
    at = open_lesson(HEADS_LESSON)
    at.button(key=f"preset-heads-{preset}").click().run()
    assert not at.exception
    assert any(says in t for t in texts(at)), texts(at)


# ---- the page ---------------------------------------------------------------------------------


def test_default_view_each_head_side_by_side_on_one_scale():
    at = open_lesson(HEADS_LESSON)
    assert not at.exception
    r = run_heads(BANK_SENTENCE, list(MANY_HEADS.values()))
    for i, head in enumerate(HEADS):
        figure = chart(at, f"heads-head-{i + 1}")
        trace = figure["data"][0]
        np.testing.assert_allclose(values(trace, "z"), r.weights[i], atol=1e-12)
        assert (trace["zmin"], trace["zmax"]) == (0.0, 1.0)
        off = not MANY_HEADS[list(MANY_HEADS)[i]]
        title = figure["layout"]["title"]["text"]
        assert title == f"{head.name}{' (off)' if off else ''}: {head.question}"
        assert (trace.get("opacity", 1) < 1) == off


LONG_SENTENCE = (
    "I paid money at the bank by the river and then the girl ran to the school by the lake "
    "while the teacher wrote on the board and the students watched the dog run near the old "
    "spring today too"
)


def test_the_patterns_write_their_weights_for_the_lessons_sentence():
    at = open_lesson(HEADS_LESSON)
    for i, on in enumerate(MANY_HEADS.values()):
        trace = chart(at, f"heads-head-{i + 1}")["data"][0]
        assert (trace.get("texttemplate") == "%{z:.2f}") == on  # an off head is faint: none
    assert SWIPE_HINT not in texts(at)  # nine words fit a phone: nothing to swipe


def test_a_forty_word_sentence_gets_tall_patterns_with_every_word_and_a_swipe_hint():
    at = open_lesson(HEADS_LESSON, {"text": LONG_SENTENCE})
    assert not at.exception
    for i in range(len(HEADS)):
        figure = chart(at, f"heads-head-{i + 1}")
        assert "texttemplate" not in figure["data"][0]  # 40 numbers would not fit a phone
        assert figure["layout"]["height"] >= 40 * 18
        assert len(figure["layout"]["xaxis"]["ticktext"]) == 40
    assert SWIPE_HINT in texts(at)  # shown by the browser only where the row is too narrow


def test_shapes_are_the_arrays_shapes():
    at = open_lesson(HEADS_LESSON)
    line = next(t for t in texts(at) if t.startswith("**Shapes:**"))
    n = len(ac.tokenize(BANK_SENTENCE))
    assert f"X is {n} × 8" in line and f"4 × {n} × 8" in line
    assert f"{n} × 32" in line and "W_O (32 × 8)" in line and line.count(f"{n} × 8") >= 3


def test_switching_heads_moves_the_refined_word():
    at = open_lesson(HEADS_LESSON)

    def mixed() -> np.ndarray:
        found = chart(at, "heads-found")
        return values(next(t for t in found["data"] if t["type"] == "scatter"), "y")

    both = mixed()
    at.toggle(key="money").set_value(False).run()
    nature_only = mixed()
    assert not np.allclose(both, nature_only)
    nature, money = ac.FEATURES.index("nature"), ac.FEATURES.index("money")
    assert nature_only[nature] > nature_only[money]
    at.toggle(key="nature").set_value(False).run()
    assert not at.exception
    np.testing.assert_array_equal(mixed(), 0.0)
    assert any("Every head is off" in t for t in texts(at))
    assert len(charts(at)) >= 4  # the patterns are still drawn, faintly


def test_a_link_restores_switches_and_the_inspected_word():
    at = open_lesson(HEADS_LESSON, {"nature": "false", "topic": "true", "word": "9"})
    assert not at.exception
    assert not at.toggle(key="nature").value and at.toggle(key="topic").value
    title = chart(at, "heads-found")["layout"]["title"]["text"]
    assert "“river”" in title
    link = share_link(at)
    for part in ("nature=false", "topic=true", "word=9"):
        assert part in link, link


def test_hostile_and_long_text():
    at = open_lesson(HEADS_LESSON, {"text": "<img src=x> bank [x](javascript:alert(1))"})
    assert not at.exception
    assert all("<img" not in t and "](javascript" not in t for t in texts(at))
    at.text_input(key="text").set_value("bank river " * 30).run()
    assert not at.exception and any("first 40 words" in t for t in texts(at))
    at.text_input(key="text").set_value("").run()
    assert not at.exception and any("Type a sentence" in t for t in texts(at))


# ---- the sentences are true of the numbers, at every setting ----------------------------------


def bold(line: str) -> list[str]:
    return re.findall(r"\*\*([^*]+)\*\*", line)


def italics(line: str) -> list[str]:
    return [w.replace("\\", "") for w in re.findall(r"(?<!\*)\*([^*]+)\*(?!\*)", line)]


@FAST
@given(
    text=sentences,
    active=switches,
    t=st.sampled_from(TEMPERATURES),
    scaled=st.booleans(),
    data=st.data(),
)
def test_what_the_page_says_is_true_of_the_numbers(text, active, t, scaled, data):
    r = run_heads(text, active, t, scaled)
    labels = word_labels(r.tokens, ac.embed(list(r.tokens))[1])
    focus = data.draw(st.integers(0, len(r.tokens) - 1), label="focus")
    names = [h.name for h in HEADS]

    for i, line in enumerate(claims.head_lines(r, focus, labels)):
        row = r.weights[i, focus]
        assert line.startswith(f"**{names[i]}**" + ("" if active[i] else " (off)"))
        if "even spread" in line:
            assert claims.is_even(row)
        else:
            said = italics(line.split("looks most at", 1)[1])
            assert said == [labels[j] for j in claims.tops(row)], (line, row)

    verdict = claims.heads_verdict(r, focus, labels)
    on = [i for i in range(len(HEADS)) if active[i]]
    assert ("Every head is off" in verdict) == (not on)
    rows = {i: r.weights[i, focus] for i in on if not claims.is_even(r.weights[i, focus])}
    singles = {i: claims.tops(row) for i, row in rows.items() if len(claims.tops(row)) == 1}
    if "Two heads, two things" in verdict:
        part = verdict.split("Two heads, two things", 1)[1].split("W_O mixes")[0]
        h1, h2 = (names.index(b) for b in bold(part))
        w1, w2 = italics(part)[1:3]
        assert h1 in singles and h2 in singles and active[h1] and active[h2]
        assert labels[singles[h1][0]] == w1 and labels[singles[h2][0]] == w2 and w1 != w2
    else:
        assert len({tuple(v) for v in singles.values()}) < 2
    split = [i for i, row in rows.items() if len(claims.tops(row)) > 1]
    assert ("has to split" in verdict) == bool(split)
    # When every head is off, the refined words are all zeros, as the verdict says.
    if not on:
        np.testing.assert_array_equal(r.output, 0.0)

    closest = claims.closest_line(r, focus, labels)
    alone, after = closest.split(";", 1)
    for part, vector in ((alone, r.result.x[focus]), (after, r.output[focus])):
        if "closest to" in part:
            nearest = ac.nearest_words(vector, exclude=(r.tokens[focus],))
            assert italics(part.split("closest to", 1)[1]) == [w for w, _ in nearest]
            assert np.any(vector)
        else:
            np.testing.assert_array_equal(vector, 0.0)

    m = r.result
    assert claims.shapes_line(r).startswith(f"X is {m.x.shape[0]} × {m.x.shape[1]}")


@PAGE
@given(text=sentences, active=switches, scaled=st.booleans())
def test_the_page_prints_what_the_core_computes(text, active, scaled):
    query = {"text": text, "scaled": str(scaled).lower()}
    query |= {key: str(on).lower() for key, on in zip(MANY_HEADS, active, strict=True)}
    at = open_lesson(HEADS_LESSON, query)
    assert not at.exception
    r = run_heads(text, active, scaled=scaled)
    labels = word_labels(r.tokens, ac.embed(list(r.tokens))[1])
    focus = ac.focus_word(r.tokens)
    assert claims.heads_verdict(r, focus, labels) in texts(at)
    for i in range(len(HEADS)):
        z = values(chart(at, f"heads-head-{i + 1}")["data"][0], "z")
        np.testing.assert_allclose(z, r.weights[i], atol=1e-12)


# ---- predict, then reveal ---------------------------------------------------------------------


def option_names(text: str) -> list[str]:
    """Every word as the question offers it (repeated words told apart), Markdown-escaped."""
    r = run_heads(text, list(MANY_HEADS.values()))
    return [md(n) for n in questions.distinct(word_labels(r.tokens, ac.embed(list(r.tokens))[1]))]


def test_predict_mode_hides_the_patterns_and_what_they_show_until_the_student_commits():
    at = open_lesson(HEADS_LESSON, {"predict": "true"})
    assert not at.exception
    assert not charts(at) and hidden_captions(at) >= 5
    assert {e.label for e in at.expander} <= PAGE_SECTIONS  # no numbers table
    shown = " ".join(texts(at))
    for answer_text in ("looks most at", "Two heads, two things:", "closest to", "Switch the"):
        assert answer_text not in shown, answer_text
    assert "**Nature** head" in prompt(at) and "*bank*" in prompt(at)
    names = option_names(BANK_SENTENCE)
    options = prediction(at).options
    assert len(options) == 8 and set(options) <= set(names)
    assert {"river", "money", "bank", md("the (word 5)")} <= set(options)

    answer(at, options.index("river"))
    assert not at.exception
    assert verdict(at) == (True, set())
    assert len(charts(at)) >= 5
    assert why(at).startswith("In **Nature**, *bank* looks most at *river* (")
    assert any(t.startswith("Two heads, two things") for t in texts(at))

    again(at)
    assert not charts(at) and has_question(at)
    answer(at, prediction(at).options.index("money"))
    assert verdict(at) == (False, {"river"})
    assert charts(at)


def test_one_topic_head_makes_both_words_right_and_says_why():
    at = open_lesson(
        HEADS_LESSON, {"predict": "true", "nature": "false", "money": "false", "topic": "true"}
    )
    assert "**Topic** head" in prompt(at)
    options = prediction(at).options
    answer(at, options.index("paid"))
    assert verdict(at) == (False, {"money", "river"})
    said = why(at)
    assert "*money* (" in said and "*river* (" in said and "a tie on screen" in said
    assert "One head, one question" in said
    again(at)
    answer(at, prediction(at).options.index("river"))
    assert verdict(at)[0]


def test_with_every_head_off_the_question_is_about_the_first_head_still_drawn():
    query = {key: "false" for key in MANY_HEADS} | {"predict": "true"}
    at = open_lesson(HEADS_LESSON, query)
    assert "**Nature** head" in prompt(at) and "switched off" in prompt(at)
    answer(at, 0)
    assert "This head is off" in why(at)


def test_the_misconception_in_the_teacher_notes_is_true_of_the_numbers():
    topic = preset_heads("One topic head")
    bank = topic.tokens.index("bank")
    row = topic.weights[2, bank]
    money, river = topic.tokens.index("money"), topic.tokens.index("river")
    assert row[money] == pytest.approx(row[river], abs=1e-12) and row[money] < 0.5
    assert set(claims.tops(row)) == {money, river}
    both = preset_heads("Two heads, two things")
    assert looks_at(both, 0, "bank") == "river" and looks_at(both, 1, "bank") == "money"
    at = open_section(open_lesson(HEADS_LESSON), "Teacher's notes")
    notes = " ".join(texts(at))
    assert "One head can look for two things at once" in notes and "Ask the room" in notes


def expected_right(row: np.ndarray) -> set[int]:
    """What the revealed pattern shows: the largest weight, and any within half a hundredth
    of it (the cells show two decimals)."""
    return {j for j in range(len(row)) if row[j] >= row.max() - 0.005}


@PREDICT
@given(
    text=sentences,
    active=switches,
    t=st.sampled_from(TEMPERATURES),
    scaled=st.booleans(),
    data=st.data(),
)
def test_the_right_words_are_what_the_revealed_pattern_shows(text, active, t, scaled, data):
    n = len(ac.tokenize(text))
    focus = data.draw(st.integers(0, n - 1), label="focus")
    query = {"text": text, "scaled": str(scaled).lower(), "t": format_number(t)}
    query["word"] = str(focus + 1)
    query |= {key: str(on).lower() for key, on in zip(MANY_HEADS, active, strict=True)}
    at = open_lesson(HEADS_LESSON, query | {"predict": "true"})
    assert not at.exception and not charts(at)
    k = next((i for i, on in enumerate(active) if on), 0)
    names = option_names(text)
    assert f"**{HEADS[k].name}** head" in prompt(at) and f"*{names[focus]}*" in prompt(at)
    options = list(prediction(at).options)
    assert 1 <= len(options) <= 8 and len(set(options)) == len(options)
    assert set(options) <= set(names)

    answer(at, 0)
    ok, named = verdict(at)
    row = values(chart(at, f"heads-head-{k + 1}")["data"][0], "z")[focus]
    right = expected_right(row)
    offered_right = {names[j] for j in right} & set(options)
    assert offered_right, (options, row)
    assert len(offered_right) == min(len(right), 8)
    if len(right) < 8:
        assert names[focus] in options  # the asking word is offered (it may look at itself)
    assert ok == (options[0] in offered_right)
    if not ok:
        assert named == offered_right

    # The explanation is true of the same numbers.
    said = why(at)
    if len(right) == n:
        assert "spreads its attention evenly" in said
    else:
        top, after = said.split(" looks most at ", 1)[1].split(". The next is ", 1)
        assert {j for j in range(n) if f"*{names[j]}* (" in top} == right
        runner = after.split(" (", 1)[0].strip("*")
        rest = [row[j] for j in range(n) if j not in right]
        assert row[names.index(runner)] == pytest.approx(max(rest), abs=1e-12)
        assert ("One head, one question" in said) == (len(right) > 1)
    assert ("This head is off" in said) == (not active[k])

    # A word the pattern does not show as the largest is "Not quite", naming exactly the right.
    wrong = [i for i, option in enumerate(options) if option not in offered_right]
    if ok and wrong:
        again(at)
        answer(at, wrong[0])
        assert verdict(at) == (False, offered_right)
    elif not ok:
        again(at)
        answer(at, options.index(sorted(offered_right)[0]))
        assert verdict(at)[0]


def test_a_repeated_word_stays_picked_across_reruns():
    """Pills tell their options apart by text: the first *the* must not become the second."""
    at = open_lesson(HEADS_LESSON, {"word": "5"})  # the first "the" of the bank sentence
    at.toggle(key="topic").set_value(True).run()
    assert not at.exception
    assert "What each head found for word 5, and the mix" in [e.label for e in at.expander]
    assert "word=5" in share_link(at)
