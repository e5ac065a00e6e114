"""The class poll in the app (AppTest): the teacher's projector and the students' pages.

Each test gets its own SQLite database (``SPOTLIGHT_DATA_DIR`` in a temp folder); the storage
itself is tested on SQLite and PostgreSQL in test_poll_store.py. A "browser" here is an AppTest
session plus the id its cookie would carry (AppTest cannot send cookies, so ``ui.poll._cookie``
answers for it); the real cookie is checked in Chromium (tests/e2e/test_class_poll.py).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from apptest_helpers import chart, charts, open_lesson, open_section, texts
from streamlit.testing.v1 import AppTest

import ui.poll
from classpoll import PollStore, codes, url_from_env
from ui.lessons import CLASS, LESSONS, PREDICT, SOFTMAX, TEACHER, Lesson

LESSON_IDS = [lesson.url_path for lesson in LESSONS]


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch: pytest.MonkeyPatch) -> PollStore:
    monkeypatch.setenv("SPOTLIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SPOTLIGHT_DATABASE_URL", raising=False)
    return PollStore(url_from_env())


class Browsers:
    """Which browser's cookie the next run sends."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.current: str | None = None
        monkeypatch.setattr(ui.poll, "_cookie", lambda: self.current)

    def run(self, at: AppTest, student: str | None) -> AppTest:
        self.current = student
        return at.run()

    def open(self, lesson: Lesson, query: dict[str, str], student: str | None) -> AppTest:
        self.current = student
        return open_lesson(lesson, query)


@pytest.fixture
def browsers(monkeypatch: pytest.MonkeyPatch) -> Browsers:
    return Browsers(monkeypatch)


def start_poll(lesson: Lesson = SOFTMAX, query: dict[str, str] | None = None) -> AppTest:
    """A teacher opens ``lesson``, opens the share box and starts a class poll."""
    at = open_lesson(lesson, query)
    open_section(at, "Share this view")
    at.button(key="poll-start").click().run()
    assert not at.exception, at.exception
    return at


def code_and_key(teacher: AppTest) -> tuple[str, str]:
    return teacher.query_params[CLASS.key], teacher.query_params[TEACHER.key]


def student_query(teacher: AppTest) -> dict[str, str]:
    """The query of the student link the projector shows."""
    link = next(c.value for c in teacher.code if f"{CLASS.key}=" in c.value)
    return dict(parse_qsl(urlsplit(link).query))


def poll_box_text(at: AppTest) -> str:
    return "\n".join(t for t in texts(at))


def answer(at: AppTest, choice: int) -> AppTest:
    radio = next(r for r in at.radio if r.label == "Your answer")
    return radio.set_value(choice).run()


def votes(teacher: AppTest) -> list[int]:
    return list(chart(teacher, "poll-votes")["data"][0]["x"])


def lesson_charts(at: AppTest) -> list[dict]:
    return [
        c for c in charts(at) if c["data"][0].get("hovertemplate") != "%{x} students<extra></extra>"
    ]


# ---- the teacher starts a poll -------------------------------------------------------------------


def test_start_a_class_poll_shows_the_projector_view() -> None:
    teacher = start_poll()
    code, key = code_and_key(teacher)
    assert codes.parse_code(code) == code and codes.parse_key(key) == key
    text = poll_box_text(teacher)
    assert f"Class poll {codes.show_code(code)}" in text
    assert "**0** joined" in text and "**0** answered" in text
    assert teacher.get("image"), "the QR code for the students"
    query = student_query(teacher)
    assert query[CLASS.key] == code and query[PREDICT.key] == "true"
    assert set(query["hide"].split(",")) >= {p.key for p in SOFTMAX.params}, "every control locked"
    assert key not in repr(teacher.code) and TEACHER.key not in query, "the key stays the teacher's"
    assert votes(teacher) == [0] * len(votes(teacher))
    assert not lesson_charts(teacher), "the lesson's chart waits for the reveal"
    labels = [b.label for b in teacher.button]
    for label in ("Reveal to the class", "Next question", "Next lesson", "End the poll"):
        assert label in labels


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_every_lesson_can_start_a_poll_and_a_student_can_answer(
    lesson: Lesson, browsers: Browsers
) -> None:
    teacher = start_poll(lesson)
    assert any("Class poll" in t for t in texts(teacher)), "no projector panel"
    phone = browsers.open(lesson, student_query(teacher), "phone-0000000000000001")
    assert not phone.exception, phone.exception
    answer(phone, 0)
    assert any("Answer saved" in t for t in texts(phone))
    browsers.run(teacher, None)
    assert votes(teacher)[0] == 1


# ---- students answer, the projector counts -------------------------------------------------------


def test_students_answer_once_each_and_the_projector_counts(browsers: Browsers) -> None:
    teacher = start_poll()
    query = student_query(teacher)
    phones = {
        f"student-{i}-0123456789abcdef": browsers.open(
            SOFTMAX, query, f"student-{i}-0123456789abcdef"
        )
        for i in range(3)
    }
    browsers.run(teacher, None)
    assert "**3** joined" in poll_box_text(teacher)
    for i, (sid, phone) in enumerate(phones.items()):
        browsers.current = sid
        answer(phone, i % 2)
        assert not phone.exception, phone.exception
        assert any("Answer saved" in t for t in texts(phone))
        assert not lesson_charts(phone), "the chart waits for the teacher"
    sid, phone = next(iter(phones.items()))
    browsers.current = sid
    answer(phone, 1)  # changing it replaces it
    browsers.run(teacher, None)
    assert "**3** answered" in poll_box_text(teacher)
    assert votes(teacher)[:2] == [1, 2], "anna changed 0 → 1: one answer each, three in all"
    shown = poll_box_text(teacher) + "".join(str(e.proto) for e in teacher.get("bidi_component"))
    assert not any(sid in shown for sid in phones), "no student's id reaches the projector"


def test_a_reload_or_late_join_lands_on_the_question_with_the_answer_kept(
    browsers: Browsers,
) -> None:
    teacher = start_poll()
    query = student_query(teacher)
    first = browsers.open(SOFTMAX, query, "anna-0123456789abcdef")
    answer(first, 1)
    again = browsers.open(SOFTMAX, query, "anna-0123456789abcdef")  # a reload: a new session
    radio = next(r for r in again.radio if r.label == "Your answer")
    assert radio.value == 1
    assert any("Answer saved" in t for t in texts(again))
    late = browsers.open(SOFTMAX, {CLASS.key: query[CLASS.key]}, "ben-0123456789abcdefg")
    # A bare code (typed by hand) opens the class's current view, every control locked.
    assert not late.exception
    assert any(r.label == "Your answer" and r.value is None for r in late.radio)
    browsers.run(teacher, None)
    assert "**2** joined" in poll_box_text(teacher) and "**1** answered" in poll_box_text(teacher)


# ---- reveal, next question, next lesson, end -----------------------------------------------------


def test_reveal_shows_the_answer_on_the_projector_and_every_phone(browsers: Browsers) -> None:
    teacher = start_poll()
    query = student_query(teacher)
    right = browsers.open(SOFTMAX, query, "right-0123456789abcdef")
    wrong = browsers.open(SOFTMAX, query, "wrong-0123456789abcdef")
    silent = browsers.open(SOFTMAX, query, "quiet-0123456789abcdef")
    code, _ = code_and_key(teacher)
    state = PollStore(url_from_env()).state(code)
    good = state.round.right[0]
    bad = next(i for i in range(len(state.round.options)) if i not in state.round.right)
    browsers.current = "right-0123456789abcdef"
    answer(right, good)
    browsers.current = "wrong-0123456789abcdef"
    answer(wrong, bad)

    browsers.current = None
    teacher.button(key="poll-reveal").click().run()
    assert lesson_charts(teacher), "the projector shows the chart"
    assert any("The answer:" in t for t in texts(teacher))
    assert (
        chart(teacher, "poll-votes")["data"][0]["marker"]["color"][good]
        != chart(teacher, "poll-votes")["data"][0]["marker"]["color"][bad]
    ), "the right answer stands out after the reveal"
    assert teacher.button(key="poll-reveal").disabled

    for sid, phone, verdict in (
        ("right-0123456789abcdef", right, "**Right:**"),
        ("wrong-0123456789abcdef", wrong, "**Not quite:**"),
        ("quiet-0123456789abcdef", silent, "You did not answer"),
    ):
        browsers.run(phone, sid)
        assert not phone.exception, phone.exception
        assert any(verdict in t for t in texts(phone)), verdict
        assert lesson_charts(phone), "each phone shows the chart"
        assert not any(r.label == "Your answer" for r in phone.radio), "answers are closed"


def test_next_question_and_next_lesson_move_the_whole_class(browsers: Browsers) -> None:
    teacher = start_poll()
    phone = browsers.open(SOFTMAX, student_query(teacher), "anna-0123456789abcdef")
    answer(phone, 0)
    browsers.current = None
    teacher.select_slider(key="t").set_value(0.1).run()
    assert any("You changed the view" in t for t in texts(teacher))
    teacher.button(key="poll-next").click().run()
    assert any("question 2." in t for t in texts(teacher))
    assert votes(teacher) == [0] * len(votes(teacher)), "a new question starts empty"

    browsers.run(phone, "anna-0123456789abcdef")  # its refresh noticed: the page follows
    assert phone.query_params["t"] == "0.1", "the student moved to the new view"
    assert next(r for r in phone.radio if r.label == "Your answer").value is None

    following = LESSONS[LESSONS.index(SOFTMAX) + 1]
    browsers.current = None
    teacher.button(key="poll-next-lesson").click().run()
    assert not teacher.exception, teacher.exception
    assert any(following.title in t for t in texts(teacher))
    assert any("question 3." in t for t in texts(teacher))
    browsers.run(phone, "anna-0123456789abcdef")
    assert any(following.title in t for t in texts(phone)), "the phone followed"
    assert any(r.label == "Your answer" for r in phone.radio)


def test_end_the_poll_deletes_it_and_students_go_on_alone(
    browsers: Browsers, database: PollStore
) -> None:
    teacher = start_poll()
    phone = browsers.open(SOFTMAX, student_query(teacher), "anna-0123456789abcdef")
    answer(phone, 0)
    browsers.current = None
    teacher.button(key="poll-end").click().run()
    assert CLASS.key not in teacher.query_params and TEACHER.key not in teacher.query_params
    assert database.count_rows() == {"poll_classes": 0, "poll_members": 0, "poll_answers": 0}
    assert lesson_charts(teacher), "the teacher's lesson is back to normal"
    browsers.run(phone, "anna-0123456789abcdef")
    assert not phone.exception
    assert any("class poll has ended" in t for t in texts(phone))
    assert any(r.label == "Your prediction" for r in phone.radio), "predict-then-reveal, alone"


# ---- hostile links, a student's link, the database down ------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["", " ", "x" * 5000, "' OR 1=1 --", "1'; DROP TABLE poll_classes; --", "КОД", "<b>hi</b>"],
    ids=["empty", "blank", "huge", "sql", "sql-drop", "unicode", "html"],
)
def test_a_hostile_class_code_gets_a_clear_message(code: str, browsers: Browsers) -> None:
    phone = browsers.open(SOFTMAX, {CLASS.key: code, PREDICT.key: "true"}, "anna-0123456789abcdef")
    assert not phone.exception, phone.exception
    assert any("No class poll with this code" in t for t in texts(phone))
    assert not any(r.label == "Your answer" for r in phone.radio)
    assert any(r.label == "Your prediction" for r in phone.radio), "the lesson works alone"


def test_a_student_link_or_a_wrong_key_can_never_reveal_or_end(browsers: Browsers) -> None:
    teacher = start_poll()
    _, key = code_and_key(teacher)
    other = start_poll()
    _, other_key = code_and_key(other)
    for wrong in ("", "x" * 500, other_key, key[:-2], "' OR 1=1 --", "ключ"):
        phone = browsers.open(
            SOFTMAX, {**student_query(teacher), TEACHER.key: wrong}, "mallory-0123456789abcd"
        )
        assert not phone.exception, phone.exception
        labels = [b.label for b in phone.button]
        assert "Reveal to the class" not in labels and "End the poll" not in labels
        assert any(r.label == "Your answer" for r in phone.radio), "joined as a student"
    assert any("does not belong to this class poll" in t for t in texts(phone))
    browsers.current = None
    teacher.run()
    assert not lesson_charts(teacher), "nothing was revealed"


def test_with_the_database_down_the_lesson_works_and_the_poll_says_unavailable(
    tmp_path, monkeypatch: pytest.MonkeyPatch, browsers: Browsers
) -> None:
    nowhere = tmp_path / "no-server"
    nowhere.mkdir()
    monkeypatch.setenv("SPOTLIGHT_DATABASE_URL", f"postgresql://x@/x?host={nowhere}&port=5999")
    phone = browsers.open(
        SOFTMAX, {CLASS.key: codes.new_code(), PREDICT.key: "true"}, "anna-0123456789abcdef"
    )
    assert not phone.exception, phone.exception
    assert any("class poll is unavailable" in t for t in texts(phone))
    assert any(r.label == "Your prediction" for r in phone.radio), "the lesson works alone"

    teacher = open_lesson(SOFTMAX)
    open_section(teacher, "Share this view")
    teacher.button(key="poll-start").click().run()
    assert not teacher.exception, teacher.exception
    assert CLASS.key not in teacher.query_params
    assert any("class poll is unavailable" in t for t in texts(teacher))
    assert lesson_charts(teacher)


def test_a_page_without_a_poll_never_imports_the_database_layer() -> None:
    """SQLAlchemy takes ~0.3 s to import: a server whose visitors never start a poll (its cold
    start included) must not pay for it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys, ui.page, ui.poll; print('sqlalchemy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ},
    )
    assert done.stdout.strip() == "False", done.stderr
