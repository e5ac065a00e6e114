"""Lesson 9, many heads: one head cannot look for two things at once; two heads can.

What the page says about its heads (where the inspected word looks in each, whether two heads
found two things or one head had to split, the shapes) is checked as a property over sentences,
switches and controls, against the core's numbers computed here independently of the page.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from apptest_helpers import chart, charts, open_lesson, share_link, texts, values
from hypothesis import given, settings
from hypothesis import strategies as st

import attention_core as ac
from ui import claims
from ui.formats import word_labels
from ui.lessons import BANK_SENTENCE, HEADS_LESSON, MANY_HEADS
from ui.params import TEMPERATURES

FAST = settings(max_examples=60, deadline=None)
PAGE = settings(max_examples=10, deadline=None)
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
