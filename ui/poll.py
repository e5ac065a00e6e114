"""The class poll on a lesson page: the teacher's projector panel and the students' phones.

Clicker tools (Peer Instruction, Kahoot) in Spotlight's predict-then-reveal: the teacher starts a
poll from the share box; the projector shows the students' link and QR code, how many have
joined, and a live bar chart of their answers (refreshed every ``REFRESH_S``, never a name);
**Reveal to the class** shows the right answer and the lesson's charts on the projector and on
every phone; **Next question** and **Next lesson** move the whole class on.

Who is who comes from the link alone. ``class=CODE`` makes a student (their link also hides every
control, so the whole class answers the same question); ``class=CODE&teacher=KEY`` the teacher,
when the key matches (``classpoll`` compares it in constant time). A student is a random id kept
in a session cookie of their browser: a reload, or a failover to another replica, finds their
answer again; nothing else about them is stored.

``ui.page.LessonPage`` calls in here at three places: ``take_seat`` when a page begins (a student
whose class moved on is sent to the class's current view), ``ask`` where the lesson asks its
question (``run.predict``), and ``start_button`` in the share box. The lessons need nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import streamlit as st

import classpoll
from classpoll import codes

from .figures import poll as poll_figures
from .lessons import CLASS, HIDE, HIDE_PRESETS, LESSONS, PREDICT, TEACHER, Lesson
from .predict import verdict
from .questions import Question
from .safe import md

if TYPE_CHECKING:
    from classpoll import ClassState, PollStore, Round

    from .page import LessonPage

#: How often the projector's chart and the students' pages look for news.
REFRESH_S = 2.0
#: The browser cookie that keeps a student's random id (a session cookie: gone with the browser).
COOKIE = "spotlight_student"
#: Session-state keys.
_STUDENT = "_spotlight_poll_student"
_START = "_spotlight_poll_start"
_SAVED = "_spotlight_poll_saved"
_PROBLEM = "_spotlight_poll_problem"
_SEEN = "_spotlight_poll_seen"

UNAVAILABLE = (
    "**The class poll is unavailable right now** (its database does not answer). The lesson "
    "works as usual: answer on your own, and the poll comes back when the database does."
)
NO_CLASS = (
    "**No class poll with this code.** It has ended (a poll lasts a day at most), or the link "
    "was mistyped: ask your teacher for the link or the QR code again. Meanwhile the lesson "
    "works on its own."
)
NOT_TEACHER = (
    "**This link's teacher key does not belong to this class poll**, so this page joined it as "
    "a student. The teacher's own link is the one shown when the poll was started."
)
ENDED = "**The class poll has ended.** The lesson works on its own from here."

_log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> PollStore:
    return classpoll.PollStore(url)


def store() -> PollStore:
    """The poll store of this process (SQLite by default, PostgreSQL by URL)."""
    return _store_for(classpoll.url_from_env())


@dataclass
class Seat:
    """This page's place in a class poll: its state, and whether this is the teacher."""

    code: str | None = None
    key: str | None = None
    state: ClassState | None = None
    #: A message instead of the poll (no such class, unavailable, a wrong key), Markdown.
    problem: str | None = None

    @property
    def live(self) -> bool:
        return self.state is not None

    @property
    def teacher(self) -> bool:
        return self.live and self.key is not None

    def revealed_on(self, lesson: Lesson) -> bool:
        """Whether this page may show its answers: the class's question, here, revealed."""
        return bool(
            self.state and self.state.revealed and self.state.round.lesson == lesson.url_path
        )


# ---- who is who --------------------------------------------------------------------------------


def student_query(lesson_path: str, view: Mapping[str, str], code: str) -> dict[str, str]:
    """A student's link to the class's question: its view, every control hidden (locked), predict
    first, and the class code: the whole class answers the same question."""
    lesson = _lesson(lesson_path)
    names = [p.key for p in lesson.params] + ([HIDE_PRESETS] if lesson.presets else [])
    query = dict(view)
    if names:
        query[HIDE.key] = ",".join(names)
    query[PREDICT.key] = "true"
    query[CLASS.key] = code
    return query


def take_seat(lesson: Lesson, link: Mapping[str, list[str]]) -> Seat | None:
    """The poll this page's link joins (None: no ``class`` in the link).

    A student whose page is not the class's current question (the class moved on, or a link
    was edited) is sent there at once; nothing of this page is drawn first.
    """
    raw_code = (link.get(CLASS.key) or [None])[-1]
    if raw_code is None:
        return None
    code = codes.parse_code(raw_code)
    if code is None:
        return Seat(problem=NO_CLASS)
    raw_key = (link.get(TEACHER.key) or [None])[-1]
    try:
        poll = store()
        state = poll.state(code)
        seen = st.session_state.setdefault(_SEEN, set())
        if state is None:
            return Seat(code=code, problem=ENDED if code in seen else NO_CLASS)
        seen.add(code)
        if raw_key is not None:
            if poll.is_teacher(code, raw_key):
                return Seat(code=code, key=raw_key, state=state)
            st.query_params.pop(TEACHER.key, None)
            st.session_state[_PROBLEM] = NOT_TEACHER
        want = student_query(state.round.lesson, state.round.view, code)
        have = {key: values[-1] for key, values in link.items() if key != TEACHER.key}
        if have != want or state.round.lesson != lesson.url_path:
            st.switch_page(_lesson(state.round.lesson).file, query_params=want)
        poll.join(code, student_id())
    except classpoll.PollUnavailable:
        _log.warning("class poll unavailable", exc_info=True)
        return Seat(code=code, problem=UNAVAILABLE)
    problem = st.session_state.pop(_PROBLEM, None)
    return Seat(code=code, state=state, problem=problem)


def student_id() -> str:
    """This browser's random id: from its cookie, else a new one the cookie then keeps."""
    mine = st.session_state.get(_STUDENT)
    if mine is None:
        mine = classpoll.parse_student(_cookie()) or secrets.token_urlsafe(18)
        st.session_state[_STUDENT] = mine
    return mine


def _cookie() -> str | None:
    """The id this browser sent (the cookie of the request that opened this session)."""
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # no browser (tests, bare mode)
        return None


_REMEMBER_JS = """
export default function ({ data }) {
  const here = document.cookie.split("; ").some((c) => c.startsWith(data.name + "="));
  if (!here) document.cookie = `${data.name}=${data.value}; path=/; SameSite=Lax`;
}
"""
_remember = st.components.v2.component("spotlight_poll_student", html="", js=_REMEMBER_JS)


def _remember_student() -> None:
    """Keep this browser's id in a session cookie (no expiry: it goes with the browser)."""
    if _cookie() != student_id():
        _remember(data={"name": COOKIE, "value": student_id()}, key="poll-student")


# ---- the teacher starts a poll (the share box) ------------------------------------------------


def start_button(lesson: Lesson) -> None:
    """**Start a class poll**: a new class on this lesson's question, this view."""
    st.markdown(
        "**Class poll**: every student answers on their phone; the projector shows how the "
        "class voted, live and anonymous, before you reveal the chart."
    )
    if st.button(
        "Start a class poll",
        key="poll-start",
        icon=":material/how_to_vote:",
        on_click=_request_start,
        args=(lesson.url_path,),
        help="Makes a class code and your own teacher link; students join with the QR code.",
    ):
        st.rerun()  # the whole page: the class is made where the lesson asks its question
    problem = st.session_state.pop(_PROBLEM, None)
    if problem:
        st.warning(problem, icon=":material/cloud_off:")


def _request_start(lesson_path: str) -> None:
    # The class is made where the lesson asks its question (``ask``), which knows it.
    st.session_state[_START] = lesson_path


def start_if_requested(run: LessonPage, question: Callable[[], Question]) -> None:
    """Make the class the share box asked for, and open the teacher's own link."""
    if st.session_state.get(_START) != run.lesson.url_path:
        return
    del st.session_state[_START]
    try:
        made = store().create_class(_round(run, question()))
    except classpoll.PollUnavailable:
        _log.warning("class poll unavailable", exc_info=True)
        st.session_state[_PROBLEM] = UNAVAILABLE
        return
    st.query_params[CLASS.key] = made.code
    st.query_params[TEACHER.key] = made.key
    st.rerun()


def forget_start_request() -> None:
    """A page that asked no question this run cannot start a poll: say so, once."""
    if st.session_state.pop(_START, None) is not None:
        st.session_state[_PROBLEM] = (
            "This view asks no prediction question, so there is nothing to poll: change the "
            "view (a sentence with words, say) and try again."
        )


def _round(run: LessonPage, question: Question) -> Round:
    return classpoll.Round(
        lesson=run.lesson.url_path,
        view=run.view_query(),
        prompt=question.prompt,
        options=tuple(question.options),
        right=tuple(sorted(question.right)),
    )


# ---- the question, on the projector and on the phones -----------------------------------------


def ask(run: LessonPage, seat: Seat, question: Callable[[], Question]) -> bool:
    """The class poll where the lesson asks ``question``; True once the answers may show."""
    if seat.teacher:
        return _projector(run, seat, question())
    return _phone(run, seat, question)


def _projector(run: LessonPage, seat: Seat, question: Question) -> bool:
    poll, here = store(), _round(run, question)
    state = seat.state
    assert state is not None and seat.code and seat.key
    if state.round.lesson != run.lesson.url_path:  # arrived by "Next lesson": ask this one
        try:
            poll.next_round(seat.code, seat.key, here)
            state = poll.state(seat.code) or state
        except classpoll.PollUnavailable:
            st.warning(UNAVAILABLE, icon=":material/cloud_off:")
            return False
        seat.state = state
    asked = state.round
    box = st.container(border=True, key="poll-box")
    box.markdown(
        f":material/how_to_vote: **Class poll {codes.show_code(seat.code)}**, question "
        f"{state.number}. {asked.prompt}"
    )
    # Stacked, not side by side: the lesson may draw this box in a narrow column.
    with box:
        _live_votes(seat.code, asked, state.revealed, run)
        _join_here(run, state)
    if state.revealed:
        right = " or ".join(f"*{md(asked.options[i])}*" for i in asked.right)
        box.success(f"**The answer:** {right}.", icon=":material/check_circle:")
        if asked == here:
            box.markdown(question.why)
    if asked != here:
        box.caption(
            ":material/sync_problem: You changed the view since this question: **Next "
            "question** asks the class about the view on screen now."
        )
    row = box.container(horizontal=True, gap="small")
    # Each action is done by its callback; then the whole page reruns (the buttons sit in the
    # lesson's fragment, whose rerun alone would not show the reveal or the new question).
    clicked = False
    clicked |= row.button(
        "Reveal to the class",
        key="poll-reveal",
        type="primary",
        icon=":material/visibility:",
        disabled=state.revealed,
        on_click=_teacher_act,
        args=("reveal", seat.code, seat.key, state.number),
    )
    clicked |= row.button(
        "Next question",
        key="poll-next",
        icon=":material/skip_next:",
        on_click=_teacher_act,
        args=("next", seat.code, seat.key, here),
        help="Ask the class about the view on your screen now (move a control first).",
    )
    following = _next_lesson(run.lesson)
    if row.button(
        "Next lesson",
        key="poll-next-lesson",
        icon=":material/arrow_forward:",
        help=f"Move the whole class on to {following.number}. {following.title}.",
    ):
        st.switch_page(following.file, query_params={CLASS.key: seat.code, TEACHER.key: seat.key})
    clicked |= row.button(
        "End the poll",
        key="poll-end",
        icon=":material/stop_circle:",
        on_click=_teacher_act,
        args=("end", seat.code, seat.key, None),
        help="Deletes the class and every answer now (otherwise they go after 24 h).",
    )
    if clicked:
        st.rerun()
    problem = st.session_state.pop(_PROBLEM, None)
    if problem:
        box.warning(problem, icon=":material/cloud_off:")
    return state.revealed


def _teacher_act(action: str, code: str, key: str, arg: Any) -> None:
    try:
        poll = store()
        if action == "reveal":
            poll.reveal(code, key, arg)
        elif action == "next":
            poll.next_round(code, key, arg)
        elif action == "end" and poll.end(code, key):
            st.query_params.pop(CLASS.key, None)
            st.query_params.pop(TEACHER.key, None)
            st.session_state[_PROBLEM] = None
    except classpoll.PollUnavailable:
        st.session_state[_PROBLEM] = UNAVAILABLE


def _join_here(run: LessonPage, state: ClassState) -> None:
    """The students' way in: the QR code, the link (a phone's address), the code to type."""
    from .page import _offer, qr_png  # the share box's own link helpers

    link = student_link(state)
    st.markdown(f"Students: scan, or open the link. Class code **{codes.show_code(state.code)}**")
    scan = _offer(link, key="poll-copy-student", label="Copy the student link", own=False)
    if scan is not None:
        st.image(qr_png(scan), caption="Scan to join the class poll", width=280)


def student_link(state: ClassState) -> str:
    """The students' link to the class's current question, on this server."""
    try:
        base = st.context.url
    except Exception:  # no browser context (tests, bare mode)
        base = None
    lesson = _lesson(state.round.lesson)
    base = (base or f"http://localhost:8501/{lesson.url_path}").split("?", 1)[0]
    base = base.rsplit("/", 1)[0] + "/" + lesson.url_path
    query = student_query(state.round.lesson, state.round.view, state.code)
    return base + "?" + urlencode(query, quote_via=quote)


def _live_votes(code: str, asked: Round, revealed: bool, run: LessonPage) -> None:
    """Who joined, who answered, and the bars: redrawn every ``REFRESH_S``, alone."""

    @st.fragment(run_every=REFRESH_S)
    def live() -> None:
        try:
            tally = store().tally(code)
        except classpoll.PollUnavailable:
            st.warning(UNAVAILABLE, icon=":material/cloud_off:")
            return
        if tally is None:
            st.info(ENDED, icon=":material/stop_circle:")
            return
        st.markdown(
            f":material/group: **{tally.joined}** joined · "
            f":material/how_to_vote: **{tally.answered}** answered",
            help="Counts only: the poll never stores or shows a name.",
        )
        from . import chart as charts

        charts.draw(
            poll_figures.votes(
                asked.options, tally.counts, right=asked.right if revealed else None, look=run.look
            ),
            key="poll-votes",
            file=f"spotlight-{run.lesson.url_path}-class-poll",
            dark=run.look.dark,
        )

    live()


def _phone(run: LessonPage, seat: Seat, question: Callable[[], Question]) -> bool:
    state = seat.state
    assert state is not None and seat.code
    asked = state.round
    _remember_student()
    box = st.container(border=True, key="poll-box")
    try:
        mine = store().my_answer(seat.code, state.number, student_id())
    except classpoll.PollUnavailable:
        box.warning(UNAVAILABLE, icon=":material/cloud_off:")
        mine = None
    ours = question()
    why = ours.why if (ours.prompt, tuple(ours.options)) == (asked.prompt, asked.options) else ""
    if not state.revealed:
        box.markdown(f":material/how_to_vote: **Class poll.** {asked.prompt}")
        box.radio(
            "Your answer",
            range(len(asked.options)),
            format_func=lambda i: md(asked.options[i]),
            index=mine,
            key=f"poll-choice-{seat.code}-{state.number}",
            on_change=_save,
            args=(seat.code, state.number, f"poll-choice-{seat.code}-{state.number}"),
        )
        saved = st.session_state.pop(_SAVED, None)
        if saved is classpoll.Saved.RATE_LIMITED:
            box.warning(
                "Too many changes in a few seconds: wait a moment, then pick again.",
                icon=":material/hourglass_top:",
            )
        elif saved is classpoll.Saved.CLOSED:
            box.info("Your teacher has already revealed this question.", icon=":material/lock:")
        elif saved == "unavailable":
            box.warning(UNAVAILABLE, icon=":material/cloud_off:")
        if mine is not None:
            box.success(
                f"**Answer saved:** *{md(asked.options[mine])}*. You can change it until your "
                "teacher reveals the answer.",
                icon=":material/check_circle:",
            )
        else:
            box.caption(
                ":material/visibility_off: Pick your answer: it is saved at once, anonymously. "
                "The chart appears when your teacher reveals it."
            )
    else:
        verdict(box, asked.options, asked.right, mine)
        if why:
            box.markdown(why)
    _follow(seat.code, state)
    return state.revealed


def _save(code: str, number: int, key: str) -> None:
    choice = st.session_state.get(key)
    if choice is None:
        return
    try:
        st.session_state[_SAVED] = store().answer(code, number, student_id(), int(choice))
    except classpoll.PollUnavailable:
        st.session_state[_SAVED] = "unavailable"


def _follow(code: str, seen: ClassState) -> None:
    """Every ``REFRESH_S``: when the teacher reveals, moves on or ends, rerun the whole page
    (which shows the answers, or follows the class to its new question)."""

    @st.fragment(run_every=REFRESH_S)
    def follow() -> None:
        try:
            now = store().state(code)
        except classpoll.PollUnavailable:
            return  # the page stays as it is; the next tick tries again
        if now is None or (now.number, now.revealed) != (seen.number, seen.revealed):
            st.rerun()

    follow()


# ---- helpers ----------------------------------------------------------------------------------


def _lesson(url_path: str) -> Lesson:
    return next((lesson for lesson in LESSONS if lesson.url_path == url_path), LESSONS[0])


def _next_lesson(lesson: Lesson) -> Lesson:
    at = LESSONS.index(lesson)
    return LESSONS[(at + 1) % len(LESSONS)]
