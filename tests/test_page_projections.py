"""Lesson 8, ask for something else: W_Q lets a word look for something other than itself.

The page's sentences about its numbers (what the inspected word looks at, whether the score
matrix is symmetric) are checked as properties over sentences and every control, against the
core's numbers computed here independently of the page.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from apptest_helpers import chart, chart_elements, open_lesson, share_link, texts, values
from claims import check_looks_most
from hypothesis import given, settings
from hypothesis import strategies as st
from reveal_helpers import (
    looked_at,
    options,
    predict_again,
    prompt,
    reveal,
    verdict,
    why,
)

import attention_core as ac
from ui import claims
from ui.formats import format_number, word_labels
from ui.lessons import LINK_PARAMS, LINK_RANGE, PROJECTIONS, SENTENCE_PRESETS, link_key
from ui.params import TEMPERATURES
from ui.questions import EVENLY

FAST = settings(max_examples=60, deadline=None)
PAGE = settings(max_examples=10, deadline=None)
WORDS = [
    "the",
    "teacher",
    "girl",
    "wrote",
    "ran",
    "on",
    "to",
    "board",
    "school",
    "river",
    "money",
    "bank",
    "paid",
    "lake",
    "by",
    "I",
    "sat",
    "spring",
    "zorblat",
]
SUGGESTED = ["the teacher wrote on the board", "the girl ran to the school",
             *SENTENCE_PRESETS.values()]  # fmt: skip
sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
heads = st.sampled_from(PROJECTION_HEADS := ("none", "person-action", "action-place", "topic"))
strengths = st.floats(LINK_RANGE[0], LINK_RANGE[1]).map(lambda s: round(s, 1))


def head_with(name: str, strength: float | None) -> ac.Head:
    """The head the page builds: its links at ``strength`` (None: their defaults)."""
    head = ac.HEADS[name]
    if name == "none" or strength is None:
        return head
    return head.with_strengths({link.label: strength for link in head.query})


def projected(text: str, name: str, strength=None, t=1.0, scaled=True) -> ac.Projected:
    return ac.project(text, head_with(name, strength), temperature=t, scaled=scaled)


def line_with(at, phrase: str) -> str:
    return next(t for t in texts(at) if phrase in t)


# ---- the registry: every link of every offered head has its slider ---------------------------


def test_every_link_of_every_head_is_a_control_of_the_page():
    assert PROJECTIONS.param("head").options == PROJECTION_HEADS
    for name in PROJECTION_HEADS[1:]:
        for link in ac.HEADS[name].query:
            owner, param = LINK_PARAMS[link_key(link)]
            assert owner == name and param.default == link.strength
            assert param in PROJECTIONS.params


# ---- each preset demonstrates its point, in the core's numbers --------------------------------


def preset_projection(name: str) -> ac.Projected:
    values = PROJECTIONS.presets[name]
    return projected(values["text"], values["head"])


def test_preset_person_looks_for_what_they_did():
    p = preset_projection("Person → action")
    teacher, wrote = p.tokens.index("teacher"), p.tokens.index("wrote")
    assert p.looks_at[teacher] == wrote and p.weights[teacher, wrote] > 0.8
    assert np.argmax(p.plain.weights[teacher]) == teacher
    assert not p.symmetric


def test_preset_no_projection_finds_itself_and_is_symmetric():
    p = preset_projection("No projection")
    meaningful = np.flatnonzero(np.any(p.x != 0, axis=1))
    assert (p.looks_at[meaningful] == meaningful).all()
    assert p.symmetric


def test_preset_an_action_looks_for_where_it_happened():
    p = preset_projection("Action → place")
    assert p.tokens[p.looks_at[p.tokens.index("ran")]] == "school"
    assert not p.symmetric


def test_preset_topic_looks_at_the_river_yet_stays_symmetric():
    p = preset_projection("Topic (still symmetric)")
    assert p.tokens[p.looks_at[p.tokens.index("bank")]] == "river"
    assert not np.array_equal(p.w_q, p.w_k) and p.symmetric


@pytest.mark.parametrize(
    ("preset", "asker", "found", "symmetric"),
    [
        ("Person → action", "teacher", "wrote", "**not symmetric**"),
        ("No projection", "teacher", "teacher", "**symmetric**"),
        ("Action → place", "ran", "school", "**not symmetric**"),
        ("Topic (still symmetric)", "bank", "river", "**still symmetric**"),
    ],
)
def test_each_preset_says_its_point_on_screen(preset, asker, found, symmetric):
    at = open_lesson(PROJECTIONS)
    at.button(key=f"preset-projections-{preset}").click().run()
    assert not at.exception
    line = line_with(at, "With this head")
    target = "itself" if found == asker else f"*{found}*"
    assert line.startswith(f"**With this head:** *{asker}* looks most at {target}"), line
    assert any(symmetric in t for t in texts(at))


# ---- the default view -------------------------------------------------------------------------


def test_default_view_shows_the_head_next_to_lesson_six():
    at = open_lesson(PROJECTIONS)
    assert not at.exception
    head = values(chart(at, "projections-head")["data"][0], "z")
    plain = values(chart(at, "projections-plain")["data"][0], "z")
    tokens = ac.tokenize(PROJECTIONS.param("text").default)
    teacher, wrote = tokens.index("teacher"), tokens.index("wrote")
    assert np.argmax(head[teacher]) == wrote and np.argmax(plain[teacher]) == teacher
    np.testing.assert_allclose(plain, ac.refine(" ".join(tokens)).weights, atol=1e-12)
    # Both patterns on lesson 6's 0..1 scale.
    for key in ("projections-head", "projections-plain"):
        trace = chart(at, key)["data"][0]
        assert (trace["zmin"], trace["zmax"]) == (0.0, 1.0)
    # W_Q and W_K as labelled feature × feature matrices, W_Q with the person → action link.
    w_q = values(chart(at, "projections-wq")["data"][0], "z")
    w_k = values(chart(at, "projections-wk")["data"][0], "z")
    assert w_q[ac.FEATURES.index("person"), ac.FEATURES.index("action")] == 1.0
    np.testing.assert_array_equal(w_k, np.eye(len(ac.FEATURES)))
    assert chart(at, "projections-wq")["layout"]["yaxis"]["ticktext"] == list(ac.FEATURES)
    assert "**not symmetric**" in line_with(at, "score matrix")


def test_only_the_chosen_heads_links_can_move():
    at = open_lesson(PROJECTIONS, {"head": "topic"})
    for key, (owner, _) in LINK_PARAMS.items():
        assert at.slider(key=key).disabled == (owner != "topic"), key
    at = open_lesson(PROJECTIONS, {"head": "none"})
    assert all(at.slider(key=key).disabled for key in LINK_PARAMS)


def test_a_link_restores_the_head_its_strength_and_the_inspected_word():
    query = {"head": "topic", "q_nature_nature": "2.5", "q_money_money": "0", "word": "5"}
    at = open_lesson(PROJECTIONS, {"text": "I sat on the river bank", **query})
    assert not at.exception
    assert at.slider(key="q_nature_nature").value == 2.5
    w_q = values(chart(at, "projections-wq")["data"][0], "z")
    nature, money = ac.FEATURES.index("nature"), ac.FEATURES.index("money")
    assert w_q[nature, nature] == 2.5 and w_q[money, money] == 0
    assert line_with(at, "With this head").startswith("**With this head:** *river*")
    link = share_link(at)
    for key, value in query.items():
        assert f"{key}={value}" in link, link


def test_strength_zero_takes_the_question_away():
    at = open_lesson(PROJECTIONS, {"q_person_action": "0", "word": "2"})
    line = line_with(at, "With this head")
    # teacher has the person feature: the head's one link is at 0 (not "none of the features")
    assert line.startswith("**With this head:** This head's links are all at 0, so *teacher*")
    head = values(chart(at, "projections-head")["data"][0], "z")
    np.testing.assert_allclose(head, 1 / len(head))
    assert "only because it is all zeros" in line_with(at, "symmetric")


@pytest.mark.parametrize("name", PROJECTION_HEADS[1:])
@pytest.mark.parametrize("end", LINK_RANGE)
def test_every_link_at_both_ends(name, end):
    """Only the chosen head's sliders can move; each of them at both ends of its range."""
    query = {"head": name} | {link_key(link): str(end) for link in ac.HEADS[name].query}
    at = open_lesson(PROJECTIONS, query)
    assert not at.exception
    p = projected(PROJECTIONS.param("text").default, name, end)
    np.testing.assert_allclose(
        values(chart(at, "projections-head")["data"][0], "z"), p.weights, atol=1e-12
    )


def test_hostile_and_long_text():
    at = open_lesson(PROJECTIONS, {"text": "<b>teacher</b> wrote [x](javascript:alert(1))"})
    assert not at.exception
    assert all("<b>" not in t and "](javascript" not in t for t in texts(at))
    at.text_input(key="text").set_value("teacher wrote " * 30).run()
    assert not at.exception
    assert any("first 40 words" in t for t in texts(at))
    at.text_input(key="text").set_value("   ").run()
    assert not at.exception and any("Type a sentence" in t for t in texts(at))


# ---- the sentences are true of the numbers, at every setting ----------------------------------


@FAST
@given(
    text=sentences,
    name=heads,
    strength=strengths,
    t=st.sampled_from(TEMPERATURES),
    scaled=st.booleans(),
    data=st.data(),
)
def test_what_the_page_says_is_true_of_the_numbers(text, name, strength, t, scaled, data):
    p = projected(text, name, strength, t, scaled)
    labels = word_labels(p.tokens, ac.embed(list(p.tokens))[1])
    focus = data.draw(st.integers(0, len(p.tokens) - 1), label="focus")
    check_question_line(p, focus, labels, claims.question_line(p, focus, labels))
    check_symmetry_line(p, labels, claims.symmetry_line(p, labels))
    check_askers_line(p, labels, claims.askers_line(p, labels))


def named(line: str) -> list[str]:
    """The words a line names (in *italics*), unescaped."""
    return [w.replace("\\", "") for w in re.findall(r"\*([^*]+)\*", line)]


def check_question_line(p, focus, labels, line):
    row, plain = p.weights[focus], p.plain.weights[focus]
    head_part, plain_part = line.split("**With no projection (Q = K = V = X):**", 1)
    if not p.asks[focus]:  # the reason is the core's, and true of the word and the head
        assert "asks nothing" in head_part and "its query is all zeros" in head_part
        np.testing.assert_allclose(row, 1 / len(row), atol=1e-12)
        why = p.why_silent(focus)
        if "links of W_Q that read its features" in head_part or "links are all at 0" in head_part:
            assert why == "links at 0"
        if "what the other words look *for*" in head_part:
            assert why == "looked for"
        if "none of the features" in head_part:
            assert why == "not asked"
    else:
        check_looks_most(head_part, row, labels, focus)
    check_looks_most(plain_part, plain, labels, focus)


def check_symmetry_line(p, labels, line):
    s = p.attention.scores
    if "**not symmetric**" in line:
        assert not np.allclose(s, s.T)
        i, j = claims.most_asymmetric_pair(s)
        assert s[i, j] > s[j, i]
    else:
        assert ac.is_symmetric(s), line
        if "W_Q = W_K" in line:
            np.testing.assert_array_equal(p.w_q, p.w_k)
        if "W_Q ≠ W_K" in line:
            assert not np.array_equal(p.w_q, p.w_k)
            assert ac.is_symmetric(p.w_q @ p.w_k.T)
        if "all zeros" in line:
            np.testing.assert_array_equal(s, 0)


def check_askers_line(p, labels, line):
    if "No word" in line:
        assert not p.asks.any()
    else:
        asking = [labels[j] for j in np.flatnonzero(p.asks)][:8]
        assert named(line.split(".")[0]) == asking
        for j in np.flatnonzero(~p.asks):
            np.testing.assert_allclose(p.weights[j], 1 / len(p.tokens), atol=1e-12)


@PAGE
@given(text=sentences, name=heads, strength=strengths, scaled=st.booleans())
def test_the_page_prints_what_the_core_computes(text, name, strength, scaled):
    """The same property through the page: its controls, its one core call, its lines."""
    query = {"text": text, "head": name, "scaled": str(scaled).lower()}
    if name != "none":
        query |= {link_key(link): str(strength) for link in ac.HEADS[name].query}
    at = open_lesson(PROJECTIONS, query)
    assert not at.exception
    p = projected(text, name, strength, scaled=scaled)
    np.testing.assert_allclose(
        values(chart(at, "projections-head")["data"][0], "z"), p.weights, atol=1e-12
    )
    labels = word_labels(p.tokens, ac.embed(list(p.tokens))[1])
    assert claims.symmetry_line(p, labels) in texts(at)
    focus = claims.inspect_first(p)
    assert claims.question_line(p, focus, labels) in texts(at)


# ---- predict, then reveal (issue 15) ----------------------------------------------------------


def test_predict_mode_hides_every_answer_until_a_prediction():
    at = open_lesson(PROJECTIONS, {"predict": "true"})
    assert not at.exception
    assert not chart_elements(at)
    assert not any("table" in e.label for e in at.expander)
    shown = " ".join(texts(at))
    for answer in ("With this head", "score matrix", "Words with a question", "Start from"):
        assert answer not in shown, answer  # question line, symmetry, askers, note
    question = prompt(at)
    assert "With the head **Person → action** (W_Q person → action = 1)" in question
    assert "where does *teacher* look most?" in question and "temperature 1" in question
    assert options(at) == ["the", "teacher", "wrote", "on", "board", EVENLY]


def test_a_right_prediction_is_confirmed_and_a_wrong_one_corrected():
    at = open_lesson(PROJECTIONS, {"predict": "true"})
    words = options(at)
    reveal(at, words.index("wrote"))
    assert not at.exception
    assert verdict(at) == (True, set())
    for key in ("projections-head", "projections-plain", "projections-wq", "projections-wk"):
        chart(at, key)  # every chart is back
    assert any(t.startswith("**With this head:** *teacher* looks most at") for t in texts(at))
    line = why(at, "With no projection (Q = K = V = X)")
    # The misconception the notes name: with no projection teacher looks most at itself.
    assert "*teacher* looks most at *wrote*" in line
    assert "**With no projection (Q = K = V = X):** *teacher* looks most at itself" in line
    predict_again(at)
    assert not chart_elements(at)
    reveal(at, words.index("teacher"))  # what lesson 6 would say
    assert verdict(at) == (False, {"wrote"})


def test_a_word_without_a_question_spreads_evenly():
    at = open_lesson(PROJECTIONS, {"predict": "true", "q_person_action": "0"})
    reveal(at, options(at).index("wrote"))
    assert verdict(at) == (False, {EVENLY})
    line = why(at, "With no projection (Q = K = V = X)")
    # The head asks nothing because its only link is at 0 (teacher does have the person
    # feature): the reason says so, not "teacher has none of the features".
    assert "This head's links are all at 0" in line and "is all zeros" in line
    assert "none of the features" not in line and "17%" in line  # 1/6 to each of six places


@PAGE
@given(
    text=st.one_of(st.sampled_from(SUGGESTED), sentences),
    name=heads,
    strength=strengths,
    t=st.sampled_from(TEMPERATURES),
    scaled=st.booleans(),
    word=st.integers(1, 8),
    pick=st.integers(0, 7),
)
def test_the_answer_marked_right_is_what_the_revealed_pattern_shows(
    text, name, strength, t, scaled, word, pick
):
    query = {"predict": "true", "text": text, "head": name, "t": format_number(t),
             "scaled": str(scaled).lower(), "word": str(word)}  # fmt: skip
    if name != "none":
        query |= {link_key(link): str(strength) for link in ac.HEADS[name].query}
    at = open_lesson(PROJECTIONS, query)
    words = options(at)
    assert len(words) <= 8
    choice = pick % len(words)
    reveal(at, choice)
    assert not at.exception
    pattern = chart(at, "projections-head")
    labels = pattern["layout"]["yaxis"]["ticktext"]
    focus = min(word, len(labels)) - 1
    row = values(pattern["data"][0], "z")[focus]
    shown = looked_at(labels, row, EVENLY)
    assert shown <= set(words)
    right, named_right = verdict(at)
    assert right == (words[choice] in shown)
    if not right:
        assert named_right == shown
    line, before = why(at, "With no projection (Q = K = V = X)").split("With no projection")
    if len(labels) == 1:
        assert "100%" in line
    elif EVENLY in shown:
        assert "every word gets" in line or "no word gets more than" in line
    else:
        assert "looks most at" in line
        assert all(f"*{w}*" in line or "itself" in line for w in shown if len(shown) <= 4)
    plain = values(chart(at, "projections-plain")["data"][0], "z")[focus]
    check_looks_most(before.split(":**", 1)[1], plain, labels, focus)


def test_every_head_offered_keeps_its_keys_as_the_words():
    # The why says each key is the word itself (W_K = identity) for every head of the page.
    for name in PROJECTION_HEADS:
        np.testing.assert_array_equal(ac.HEADS[name].w_k, np.eye(len(ac.FEATURES)))


def test_picking_the_first_of_a_repeated_word_keeps_it():
    # Pills send the picked text back on every rerun: two "the" once sent the first one's
    # pick to the second (word=1 became word=5 at the next move of any control).
    at = open_lesson(PROJECTIONS, {"word": "1"})
    at.slider(key="q_person_action").set_value(2.0).run()
    assert "word=1" in share_link(at)
    assert line_with(at, "With this head").startswith("**With this head:** *the* (word 1) has no")
