"""Classroom mode on every lesson: predict then reveal, teacher links that lock the view, the
presenter's flow (Previous / Next, Teacher's notes) and the downloads for slides.

Each lesson's own page test checks that its question's right answer is what its chart shows;
here every lesson is held to the same contract.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from apptest_helpers import (
    chart_elements,
    charts,
    link_notice,
    open_lesson,
    open_section,
    share_link,
    texts,
    widget,
)

import attention_core as ac
from ui.formats import csv_text
from ui.lessons import HIDE, HIDE_PRESETS, LESSONS, PREDICT, PROJECTOR, Lesson
from ui.params import Param
from ui.predict import HIDDEN_CHART, Question
from ui.questions import BAND_NAMES

LESSON_IDS = [lesson.url_path for lesson in LESSONS]


def bound(lesson: Lesson) -> list[Param]:
    return [p for p in lesson.params if p.bound]


def prediction(at):
    """The "Your prediction" radio of a page in predict mode."""
    found = [r for r in at.radio if r.label == "Your prediction"]
    assert len(found) == 1, "no prediction question on the page"
    return found[0]


def has_notes(at) -> bool:
    return any(i.icon == ":material/lightbulb:" for i in at.info)


def has_tables(at) -> bool:
    return any(e.icon == ":material/table:" for e in at.expander) or len(at.dataframe) > 0


# ---- predict, then reveal ---------------------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_predict_mode_hides_the_answers_until_a_prediction(lesson: Lesson) -> None:
    """Before: no chart, no numbers, no note, a question. After committing: all of them, and a
    verdict that agrees with the right answer the page names."""
    at = open_lesson(lesson, {PREDICT.key: "true"})
    assert not at.exception, at.exception
    assert not charts(at), "a chart shows before the prediction"
    assert not has_tables(at), "a numbers table shows before the prediction"
    assert not has_notes(at), "a note quoting the numbers shows before the prediction"
    assert not at.metric, "a metric gives the answer away"
    assert any(HIDDEN_CHART in c.value for c in at.caption)
    assert any("Predict first." in t for t in texts(at))
    question = prediction(at)
    assert 2 <= len(question.options) <= 12
    assert at.button(key="predict-reveal").disabled, "reveal before choosing anything"

    verdicts = []
    for i in range(len(question.options)):
        prediction(at).set_value(i).run()
        at.button(key="predict-reveal").click().run()
        assert not at.exception, at.exception
        assert charts(at), "no chart after the prediction"
        assert has_tables(at), "no numbers table after the prediction"
        right = [s.value for s in at.success if s.value.startswith("**Right:**")]
        wrong = [w.value for w in at.warning if w.value.startswith("**Not quite:**")]
        assert len(right) + len(wrong) == 1
        verdicts.append((i, bool(right), (right or wrong)[0]))
        at.button(key="predict-again").click().run()
        assert not charts(at), "Predict again hides the chart again"
    rights = [i for i, ok, _ in verdicts if ok]
    assert rights, "no option is right"
    # Every "Not quite" names the same right answer(s): the options judged right.
    said = [text.split("the numbers say ", 1)[1] for _, ok, text in verdicts if not ok]
    named = {re.sub(r"\\(.)", r"\1", text) for text in said}
    assert len(named) <= 1
    for text in named:
        for i in rights:
            option = re.sub(r"\\(.)", r"\1", question.options[i])  # shown escaped
            assert option in text, (option, text)


TEACHER_ONLY = "Teacher's notes"
QUOTES_THE_VIEW = ("Share this view", "Show the code that computed this")


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_a_student_link_keeps_the_answers_hidden_until_the_student_commits(
    lesson: Lesson,
) -> None:
    """Issue 21, item 2: the Teacher's notes (lesson 8's give its question's answer) never
    show in a student's link; the share box and the code wait for the answer, and a student
    gets no student-link maker."""
    at = open_lesson(lesson, {PREDICT.key: "true"})
    assert not at.exception, at.exception
    labels = [e.label for e in at.expander]
    assert TEACHER_ONLY not in labels
    assert not [label for label in labels if label in QUOTES_THE_VIEW], labels
    prediction(at).set_value(0).run()
    at.button(key="predict-reveal").click().run()
    labels = [e.label for e in at.expander]
    assert TEACHER_ONLY not in labels, "the Teacher's notes show in a student's link"
    assert set(QUOTES_THE_VIEW) <= set(labels), labels
    open_section(at, "Share this view")
    assert not at.exception, at.exception
    assert not at.multiselect, "a student is offered the student-link maker"
    assert [c.value for c in at.code if c.value.startswith("http")], "no link to share"


@pytest.mark.parametrize("lesson", [LESSONS[0], LESSONS[7]], ids=["why", "projections"])
def test_a_locked_link_without_predict_is_a_students_too(lesson: Lesson) -> None:
    at = open_lesson(lesson, {HIDE.key: "presets"})
    assert not at.exception, at.exception
    assert TEACHER_ONLY not in [e.label for e in at.expander]
    assert "Share this view" in [e.label for e in at.expander]  # nothing to predict: shown


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_without_predict_the_page_asks_nothing(lesson: Lesson) -> None:
    at = open_lesson(lesson)
    assert not [r for r in at.radio if r.label == "Your prediction"]
    assert charts(at)


@pytest.mark.parametrize("raw", ["yes", "1", "", "TRUE ", "<b>true</b>", ["true", "true"]])
def test_a_bad_predict_value_is_ignored_with_a_notice(raw) -> None:
    lesson = LESSONS[2]
    at = open_lesson(lesson, {PREDICT.key: raw})
    assert not at.exception, at.exception
    if raw == "TRUE ":  # the parser is forgiving about case and spaces, like every bool
        assert not charts(at)
        return
    assert charts(at), "predict mode from a bad value"
    assert f"**{PREDICT.key}" in link_notice(at)


def test_question_needs_a_right_answer_among_its_options() -> None:
    with pytest.raises(ValueError):
        Question("?", ("a", "b"), frozenset(), "")
    with pytest.raises(ValueError):
        Question("?", ("a", "b"), frozenset({2}), "")


def test_core_answers_treat_what_looks_equal_on_screen_as_a_tie() -> None:
    assert ac.largest([0.2, 0.5, 0.3]) == {1}
    assert ac.largest([0.498, 0.5, 0.002]) == {0, 1}  # both read "50%"
    assert ac.largest([1.0, 1.0]) == {0, 1}
    assert ac.bands(0.1) == {0} and ac.bands(0.9) == {3} and ac.bands(1.0) == {3}
    assert ac.bands(0.5) == {1, 2} and ac.bands(0.497) == {1, 2} and ac.bands(0.49) == {1}
    assert len(BAND_NAMES) == len(ac.SHARE_BANDS) - 1


# ---- teacher links that lock the view --------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_hidden_controls_are_gone_and_keep_their_link_values(lesson: Lesson) -> None:
    """Hide every control but the first: only it is drawn; the hidden ones apply their link
    values (the share link proves it) and the presets row goes with ``presets``."""
    from test_links import other_value

    shown, *hidden = bound(lesson)
    values = {p.key: p.to_url(other_value(p)) for p in hidden}
    names = [p.key for p in hidden] + ([HIDE_PRESETS] if lesson.presets else [])
    at = open_lesson(lesson, values | {HIDE.key: ",".join(names)})
    assert not at.exception, at.exception
    assert not link_notice(at), link_notice(at)
    widget(at, shown)  # still there
    for param in hidden:
        with pytest.raises(KeyError):
            widget(at, param)
    assert not [b for b in at.button if (b.key or "").startswith("preset-")]
    link = share_link(at)
    for key, value in values.items():
        assert f"{key}={value}" in link or f"{key}={value.replace(' ', '%20')}" in link, (key, link)
    assert f"{HIDE.key}=" in link, "the share link keeps the teacher's hide list"


@pytest.mark.parametrize(
    "raw",
    [
        "zzz",
        "t,t,t",
        "<script>alert(1)</script>",
        " , ,",
        "projector",
        "hide",
        "x" * 5000,
        "t;voices",
        "T",
    ],
)
def test_hostile_hide_lists_are_validated(raw: str) -> None:
    lesson = LESSONS[0]
    at = open_lesson(lesson, {HIDE.key: raw})
    assert not at.exception, at.exception
    assert charts(at)
    names = {name.strip() for name in raw[: HIDE.max_chars].split(",")} - {""}
    known = {p.key for p in lesson.params} | {HIDE_PRESETS}
    notice = link_notice(at)
    assert "<script>" not in notice
    for param in bound(lesson):
        drawn = True
        try:
            widget(at, param)
        except KeyError:
            drawn = False
        assert drawn == (param.key not in names), (param.key, raw)
    if names - known:
        assert f"**{HIDE.key}** named" in notice, notice
    else:
        assert f"**{HIDE.key}** named" not in notice


def test_a_hidden_control_with_a_bad_value_uses_its_default() -> None:
    lesson = LESSONS[0]
    at = open_lesson(lesson, {"t": "nan", HIDE.key: "t"})
    assert not at.exception
    assert "**t=nan**" in link_notice(at)
    link = share_link(at)
    assert "t=" not in link.split("?", 1)[-1].replace("hide=t", "")


def test_the_share_box_builds_a_student_link() -> None:
    lesson = LESSONS[2]  # /temperature: the README's example
    at = open_lesson(lesson, {"t": "0.1", PROJECTOR.key: "true"})
    open_section(at, "Share this view")
    at.multiselect(key="student-hide").set_value(["s1", "s2", "s3", "s4", "s5"]).run()
    student = next(c.value for c in at.code if "hide=" in c.value)
    query = student.split("?", 1)[1]
    assert "t=0.1" in query
    assert "hide=s1%2Cs2%2Cs3%2Cs4%2Cs5" in query or "hide=s1,s2,s3,s4,s5" in query
    assert "predict=true" in query
    assert "projector" not in query, "a student link is for phones"
    at.toggle(key="student-predict").set_value(False).run()
    student = next(c.value for c in at.code if "hide=" in c.value)
    assert "predict" not in student
    # The student link opens the locked view: temperature only, at 0.1.
    params = dict(p.split("=", 1) for p in student.split("?", 1)[1].split("&"))
    params = {k: v.replace("%2C", ",") for k, v in params.items()}
    opened = open_lesson(lesson, params)
    assert not opened.exception and not link_notice(opened)
    assert opened.select_slider(key="t").value == 0.1
    assert not [p for p in bound(lesson) if p.key.startswith("s") and _drawn(opened, p)]


def _drawn(at, param: Param) -> bool:
    try:
        widget(at, param)
    except KeyError:
        return False
    return True


# ---- a presenter's flow ----------------------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_previous_and_next_lead_through_the_story(lesson: Lesson) -> None:
    at = open_lesson(lesson)
    links = {el.proto.label: el.proto.page for el in at.get("page_link")}
    at_index = LESSONS.index(lesson)
    # The presenter's links name a lesson by number (a lesson's own "Next: ..." links do not).
    previous = [label for label in links if re.match(r"Previous: \d+\. ", label)]
    following = [label for label in links if re.match(r"Next: \d+\. ", label)]
    if at_index == 0:
        assert not previous
    else:
        before = LESSONS[at_index - 1]
        assert previous == [f"Previous: {before.number}. {before.title}"]
        assert links[previous[0]] == before.url_path
    if at_index == len(LESSONS) - 1:
        assert not following
        assert any(label.startswith("That was the last lesson") for label in links)
    else:
        after = LESSONS[at_index + 1]
        assert following == [f"Next: {after.number}. {after.title}"]
        assert links[following[0]] == after.url_path


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_every_lesson_has_teachers_notes(lesson: Lesson) -> None:
    at = open_lesson(lesson)
    assert "Teacher's notes" in [e.label for e in at.expander]
    open_section(at, "Teacher's notes")
    assert not at.exception
    notes = next(e for e in at.expander if e.label == "Teacher's notes")
    body = "\n".join(m.value for m in notes.markdown)
    questions = re.findall(r"^\d+\. ", body, flags=re.M)
    assert 3 <= len(questions) <= 5, body
    assert "The misconception this lesson answers" in body


# ---- for slides: PNG per chart, CSV per table ------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_every_chart_can_be_saved_and_every_table_downloaded(lesson: Lesson) -> None:
    at = open_lesson(lesson)
    # Each chart carries its "Save as PNG" button (pressed in tests/e2e/test_classroom.py),
    # saving under a name that says which lesson and chart it is.
    for element in chart_elements(at):
        assert "Save as PNG</button>" in element.proto.html_content
        file = json.loads(element.proto.bytes)["file"]
        assert file == f"spotlight-{lesson.url_path}-{element.key}"
    labels = [e.label for e in at.expander if e.icon == ":material/table:"]
    assert labels
    for label in labels:
        open_section(at, label)
        assert len(at.get("download_button")) == len(labels[: labels.index(label) + 1]), label


def test_csv_keeps_numbers_exact_and_disarms_formulas() -> None:
    import numpy as np

    text = csv_text(
        {
            "word": ['=HYPERLINK("http://x")', "+1", "-2", "@a", "bank", 'say "hi", ok'],
            "weight": np.array([0.1, 1 / 3, 0.0, 1e-12, 0.5, 2.0]),
        }
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["word", "weight"]
    assert [r[0] for r in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@a",
        "bank",
        'say "hi", ok',
    ]
    assert float(rows[2][1]) == 1 / 3 and float(rows[4][1]) == 1e-12


@pytest.mark.parametrize(
    "lesson", [x for x in LESSONS if x.presets], ids=[x.url_path for x in LESSONS if x.presets]
)
def test_presets_never_move_a_locked_control(lesson: Lesson) -> None:
    """A preset that would move a hidden (locked) control is not offered; the others keep the
    locked value and say so."""
    from test_links import other_value

    param = next(p for p in bound(lesson) if any(p.key in v for v in lesson.presets.values()))
    locked = param.to_url(other_value(param))
    at = open_lesson(lesson, {param.key: locked, HIDE.key: param.key})
    offered = [b for b in at.button if (b.key or "").startswith(f"preset-{lesson.url_path}-")]
    expected = [name for name, values in lesson.presets.items() if param.key not in values]
    assert [b.label for b in offered] == expected
    for button in offered:
        assert "the hidden ones keep the teacher's values" in (button.help or "")
    if offered:
        offered[0].click().run()
        assert not at.exception
        assert f"{param.key}={locked}" in share_link(at).replace("%20", " ")


def test_after_a_control_moves_the_box_explains_the_view_on_screen() -> None:
    """The verdict was for the view at commit time; what the box explains is the view now."""
    lesson = LESSONS[2]  # /temperature
    at = open_lesson(lesson, {PREDICT.key: "true"})
    prediction(at).set_value(2).run()  # "half to three quarters": 69% at the defaults
    at.button(key="predict-reveal").click().run()
    assert any(s.value.startswith("**Right:**") for s in at.success)
    assert any("The largest weight is 69%" in t for t in texts(at))
    at.slider(key="s1").set_value(1.5).run()  # a tie with près: 33% each
    shown = "\n".join(texts(at))
    assert "before you moved a control" in shown
    assert "The largest weight is 69%" not in shown and "The largest weight is 33%" in shown
