"""Lesson 5, notes in class: the question spotlights the right note, and any text is safe."""

from __future__ import annotations

import re

import numpy as np
import pytest
from apptest_helpers import chart, charts, open_lesson, open_section, texts, values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from predict_checks import (
    assert_hidden,
    assert_revealed,
    check_question,
    check_why,
    commit,
    options,
    unescape,
    verdict,
    why,
)
from streamlit.testing.v1 import AppTest

import attention_core as ac
from ui.lessons import CLASSROOM
from ui.params import TEMPERATURES

HOSTILE_QUESTIONS = {
    "empty": "",
    "whitespace": "  \t  ",
    "100kB": "capital of France? " * 5_300,
    "script": "<script>alert(1)</script> capital of France",
    "markdown-link": "[x](javascript:alert(1))",
    "latex-link": "$\\href{javascript:alert(1)}{x}$",
    "directive": ":red[Japan] **language** <b>bold</b>",
}


def ask(at: AppTest, question: str) -> AppTest:
    at.text_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


def grid(at: AppTest) -> tuple[np.ndarray, list[str], list[str]]:
    """The heatmap's weights (countries × topics) with its row and column labels."""
    fig = chart(at, "classroom-notes")
    z = values(fig["data"][0], "z")
    return z, fig["layout"]["yaxis"]["ticktext"], fig["layout"]["xaxis"]["ticktext"]


def brightest_note(at: AppTest) -> str:
    z, countries, topics = grid(at)
    r, c = np.unravel_index(int(np.argmax(z)), z.shape)
    return f"{countries[r]} · {topics[c]}"


def answers(at: AppTest) -> list[str]:
    return [s.value for s in at.success if s.value.startswith("Answer:")]


def no_match(at: AppTest) -> str:
    return next((i.value for i in at.info if i.value.startswith("No clear match")), "")


def test_renders_with_its_chart_and_controls() -> None:
    at = open_lesson(CLASSROOM)
    assert not at.exception, at.exception
    assert charts(at)
    assert at.text_input(key="question").value == ac.EXAMPLE_QUESTIONS[0]
    assert at.select_slider(key="t").value == 1.0
    assert at.button_group(key="question_pick") is not None
    z, countries, topics = grid(at)
    assert z.shape == (10, 3) and topics == ["capital", "language", "currency"]
    assert z.sum() == pytest.approx(1.0)
    # Each cell shows its fact.
    cells = chart(at, "classroom-notes")["data"][0]["text"]
    assert cells[countries.index("Japan")][topics.index("language")] == "Japanese"


def test_the_default_question_answers_paris() -> None:
    at = open_lesson(CLASSROOM)
    assert len(answers(at)) == 1 and "**Paris**" in answers(at)[0]
    assert brightest_note(at) == "France · capital"
    assert any("Keywords recognised:** capital\\, France" in t for t in texts(at))
    assert not no_match(at)


def test_asking_about_japan_answers_japanese() -> None:
    at = ask(open_lesson(CLASSROOM), "Which language do they speak in Japan?")
    assert len(answers(at)) == 1 and "**Japanese**" in answers(at)[0]
    assert brightest_note(at) == "Japan · language"


def test_a_question_about_nothing_in_the_notes_spreads_the_spotlight_evenly() -> None:
    at = ask(open_lesson(CLASSROOM), "What is the weather like today?")
    assert not answers(at)
    assert "mentions no country or topic in the notes" in no_match(at)
    z, _, _ = grid(at)
    assert z == pytest.approx(np.full((10, 3), 1 / 30))
    assert any("Keywords recognised:** none" in t for t in texts(at))


def test_a_vague_question_names_the_tied_notes() -> None:
    at = ask(open_lesson(CLASSROOM), "Tell me about Germany")
    assert not answers(at)
    note = no_match(at)
    for topic in ("capital", "language", "currency"):
        assert f"Germany · {topic}" in note
    assert "tie" in note
    z, countries, _ = grid(at)
    germany = z[countries.index("Germany")]
    assert germany == pytest.approx([germany[0]] * 3)  # the three share equally ...
    assert germany.sum() > 0.95  # ... and hold nearly all of the spotlight


def test_picking_an_example_question_asks_it() -> None:
    at = open_lesson(CLASSROOM)
    at.button_group(key="question_pick").set_value(ac.EXAMPLE_QUESTIONS[2]).run()
    assert not at.exception, at.exception
    assert at.text_input(key="question").value == ac.EXAMPLE_QUESTIONS[2]
    assert "**rupee**" in answers(at)[0]
    assert brightest_note(at) == "India · currency"


def test_temperature_blurs_a_clear_answer() -> None:
    at = open_lesson(CLASSROOM)
    at.select_slider(key="t").set_value(TEMPERATURES[0]).run()
    assert grid(at)[0].max() >= 0.99 and answers(at)
    at.select_slider(key="t").set_value(TEMPERATURES[-1]).run()
    assert not at.exception
    assert grid(at)[0].max() < 0.1
    assert not answers(at) and no_match(at)


@pytest.mark.parametrize("name", list(HOSTILE_QUESTIONS))
def test_any_question_is_shown_only_escaped_and_never_crashes(name: str) -> None:
    at = ask(open_lesson(CLASSROOM), HOSTILE_QUESTIONS[name])
    assert charts(at)
    assert answers(at) or no_match(at)
    shown = texts(at)
    for live in ("<script>", "<b>", "](javascript", "$\\href", ":red["):
        assert not any(live in t for t in shown), f"{live!r} reached the page unescaped"
    if name == "script":
        assert any("\\<script\\>" in t for t in shown)  # shown, as typed, but inert
        assert "**Paris**" in answers(at)[0]


def test_a_100kB_question_in_session_state_does_not_crash() -> None:
    # Past the text box's own 200-character cap: the page must still cope.
    at = open_lesson(CLASSROOM)
    at.session_state["question"] = "x" * 100_000
    at.run()
    assert not at.exception, at.exception
    assert charts(at)
    assert all(len(t) < 2_000 for t in texts(at))


@pytest.mark.parametrize("end", [0, -1], ids=["min", "max"])
@pytest.mark.parametrize("question", ["", "x" * 100_000], ids=["empty", "100kB"])
def test_temperature_at_both_ends_with_odd_questions(end: int, question: str) -> None:
    at = open_lesson(CLASSROOM)
    at.select_slider(key="t").set_value(TEMPERATURES[end])
    at.text_input(key="question").set_value(question)
    at.run()
    assert not at.exception, at.exception
    assert grid(at)[0].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("question", ac.EXAMPLE_QUESTIONS)
def test_no_text_names_a_fact_the_question_did_not_find(question: str) -> None:
    """Issue 12, item 12: the intro said "capital of France… Paris" whatever the question."""
    at = open_lesson(CLASSROOM, {"question": question})
    found = ac.ask(question)
    for shown in texts(at):
        if "Paris" in shown:
            assert found.answer == "Paris", shown


def test_cell_texts_fit_the_narrowest_cell() -> None:
    # Issue 12, item 6: on a phone the facts ran into each other; each line now fits a cell.
    from ui.figures.classroom import CELL_CHARS, FACT_LINES

    fig = chart(open_lesson(CLASSROOM), "classroom-notes")
    for row in fig["data"][0]["text"]:
        for cell in row:
            lines = cell.split("<br>")
            assert len(lines) <= FACT_LINES and all(len(line) <= CELL_CHARS for line in lines)


# --- predict, then reveal ------------------------------------------------------------------------

NO_WINNER = "No single note: several tie for the most weight"


def drawn(at: AppTest) -> tuple[list[str], np.ndarray, list[str]]:
    """The revealed grid as a row of notes: labels, weights and facts, country by country."""
    z, countries, topics = grid(at)
    cells = chart(at, "classroom-notes")["data"][0]["customdata"]
    labels = [f"{country} · {topic}" for country in countries for topic in topics]
    facts = [fact for row in cells for (_, _, fact) in row]
    return labels, z.ravel(), facts


def test_predict_mode_hides_the_notes_until_a_prediction() -> None:
    at = open_lesson(CLASSROOM, {"predict": "true"})
    assert_hidden(at)
    assert not no_match(at)
    choices = options(at)
    assert "France · capital" in choices and choices[-1] == NO_WINNER and len(choices) == 8
    commit(at, "France · capital")
    assert_revealed(at)
    assert verdict(at) == (True, [])
    assert answers(at) and "its fact is *Paris*" in why(at)


def test_a_vague_question_has_no_single_winner() -> None:
    at = open_lesson(CLASSROOM, {"predict": "true", "question": "Tell me about Germany"})
    commit(at, "Germany · capital")
    assert verdict(at) == (False, [NO_WINNER])
    assert "*Germany · capital*, *Germany · language* and *Germany · currency* score the same" in (
        why(at)
    )


QUESTIONS = [
    *ac.EXAMPLE_QUESTIONS,
    "capital",
    "Which language do they speak in France or in Japan?",
    "capital language currency France Japan Italy Germany Spain Egypt Brazil Canada India Kenya",
    "",
    "<b>money</b> in [Kenya](javascript:alert(1))",
]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    controls=st.one_of(
        st.sampled_from(list(CLASSROOM.presets.values())),
        st.fixed_dictionaries(
            {"question": st.sampled_from(QUESTIONS), "t": st.sampled_from(TEMPERATURES)}
        ),
    ),
    pick=st.integers(0, 7),
)
def test_the_right_answer_is_what_the_revealed_grid_shows(controls: dict, pick: int) -> None:
    """Over questions and temperatures (and the presets): the notes the page marks right are
    exactly those the grid then shows winning, and the why is true of the grid's numbers."""
    link = {key: CLASSROOM.param(key).to_url(value) for key, value in controls.items()}
    at = open_lesson(CLASSROOM, {"predict": "true", **link})
    assert_hidden(at)
    choices = options(at)
    first = choices[pick % len(choices)]
    commit(at, first)
    labels, weights, facts = drawn(at)
    text = why(at)
    check_why(text, labels, weights)
    fact = re.search(r"its fact is \*((?:[^*\\]|\\.)+)\*", text)
    if fact:  # the fact of the note that wins, as the grid shows it
        assert unescape(fact.group(1)) == facts[int(np.argmax(weights))]
    check_question(at, choices, labels, weights, NO_WINNER, first)


def test_teachers_notes_and_the_misconception_they_answer() -> None:
    at = open_section(open_lesson(CLASSROOM), "Teacher's notes")
    notes = "\n".join(m.value for m in at.markdown)
    assert "**Ask the room**" in notes
    assert "lights the three Germany notes equally" in notes
    assert "lights all 30 notes the same" in notes
    labels, weights, _ = drawn(open_lesson(CLASSROOM, {"question": "Tell me about Germany"}))
    top = [labels[i] for i in np.flatnonzero(weights == weights.max())]
    assert top == ["Germany · capital", "Germany · language", "Germany · currency"]
    _, weights, _ = drawn(open_lesson(CLASSROOM, {"question": ac.EXAMPLE_QUESTIONS[-1]}))
    assert len(weights) == 30 and np.ptp(weights) == 0
