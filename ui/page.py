"""The one owner of a lesson page's state, like TensorFlow Playground's ``State``.

A lesson opens with ``page.begin``, which reads the link once, drops what is not valid, starts
every control from the link (else its default) on arrival, and draws the title, the intuition
and the presets. The returned ``LessonPage`` then draws each control, keeps page-managed values
(a picked word) in the link, builds the share link and writes the link notices. Every Streamlit
workaround lives here, so a lesson reads like Streamlit's ``hello`` demos:

    run = page.begin(lessons.SOFTMAX, "Scores become probabilities ...")

    @st.fragment  # moving a control reruns this part only, not the header, presets and menu
    def lesson_body() -> None:
        t = run.control("t")
        weights = ac.softmax(scores, temperature=t)  # one core call
        run.chart(figures.softmax.scores_and_weights(..., look=run.look), key="softmax-weights")
        run.numbers(lambda: {"key": labels, "weight": weights})
        run.share()  # last in the fragment: the link changes with every control

    lesson_body()
    run.finish(code=[ac.softmax])

Expanders (numbers, share box, code) are built only while open, so a slider move pays for what
is on screen. A new lesson needs nothing here: its controls come from its ``Lesson`` entry.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import ipaddress
import logging
import socket
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

import attention_core as ac

from . import chart as charts
from . import poll
from .formats import csv_text, distinct, format_number
from .lessons import APP_PARAMS, HIDE, HIDE_PRESETS, LESSONS, PREDICT, PROJECTOR, Lesson
from .params import TEMPERATURES, Param
from .predict import HIDDEN_CHART, ask, revealed
from .questions import Question as Question  # lessons write page.Question(...)
from .questions import how_much as how_much
from .questions import which_wins as which_wins
from .questions import why_it_wins as why_it_wins
from .safe import md, shorten
from .theme import (
    NORMAL,
    PHONE_COLUMN_PX,
    Look,
    apply_chart_row_css,
    apply_dock_css,
    apply_projector_css,
)
from .theme import PROJECTOR as PROJECTOR_LOOK

# Presets set bound widgets through st.session_state, which is the documented way to change them;
# Streamlit still logs a developer warning each time because the widget also has a default.
logging.getLogger("streamlit.elements.lib.policies").setLevel(logging.ERROR)

#: Session-state key of the lesson shown by the previous run.
_SHOWN_LESSON = "_spotlight_shown_lesson"
#: Session-state key of the ``link_to`` links the shown page drew: {target url_path: its query}.
#: One per target: a page may draw several (lesson 6 links to /math and then /projections).
_HANDOFF = "_spotlight_handoff"
#: Session-state key of the last preset applied: what it set, and what it replaced (for Undo).
_LAST_PRESET = "_spotlight_last_preset"
#: Whether Play is on (``LessonPage.player``), and how often it moves its control on.
_PLAYING = "_spotlight_playing"
PLAY_TICK_SECONDS = 0.4
#: Says the one rule of presets on every lesson: a preset is a whole starting view.
PRESETS_CAPTION = "Start over from a preset (it resets every control):"
#: The same, when a teacher's link hides (and so locks) some controls.
PRESETS_CAPTION_LOCKED = "Start over from a preset (it resets every control you can see):"


def begin(lesson: Lesson, intuition: str) -> LessonPage:
    """Title, the plain-words intuition, a slot for link notices, and the lesson's presets."""
    return LessonPage(lesson, intuition)


#: Above charts that a phone scrolls sideways (``LessonPage.chart_row``).
SWIPE_HINT = "Swipe a chart sideways to see all of it: every word keeps its label."


class LessonPage:
    """One run of a lesson page: its link (read once), its controls, its share link, its notices.

    Fragments rerun with the object of the last full run, so page-managed values picked in a
    fragment rerun still reach the share link.
    """

    def __init__(self, lesson: Lesson, intuition: str) -> None:
        self.lesson = lesson
        self._params = {p.key: p for p in lesson.params} | {p.key: p for p in APP_PARAMS}
        # Read the link before any widget runs: bound widgets drop invalid values from the URL.
        link = _with_handoff(lesson, {k: st.query_params.get_all(k) for k in st.query_params})
        # A class poll's link (``class=``): a student whose class has moved on goes there now.
        self._seat = poll.take_seat(lesson, link)
        st.session_state[_HANDOFF] = {}  # this run's ``link_to`` links, and only those
        self._from_link, self._ignored = self._read(link)
        self._unknown = [key for key in link if key not in self._params]
        # Classroom mode: a teacher's link may hide controls (locked at their link values) and
        # ask for a prediction before any chart or number shows.
        self._hide = self._read_hide(self._from_link.get(HIDE.key, ""))
        self._predict = bool(self._from_link.get(PREDICT.key, False))
        if self._seat is not None and self._seat.live:  # the teacher reveals, to everyone
            self._hidden_view = not self._seat.revealed_on(lesson)
        else:
            self._hidden_view = self._predict and lesson.url_path not in revealed()
        self._arrived = self._start_from_link_on_arrival(link)
        self._managed: dict[str, Any] = {}
        self._drawn: set[str] = set()
        self._seen_by_page: dict[str, Any] = {}  # see ``rerun_page_if_changed``
        # On a phone the lesson's main control docks at the bottom of the screen, in sight of
        # whatever chart it moves (see ``theme.dock_css``).
        apply_dock_css(lesson.main_control, _look())
        st.title(lesson.title)
        st.markdown(intuition)
        if self._seat is not None and self._seat.problem:
            st.warning(self._seat.problem, icon=":material/how_to_vote:")
        self._notices = st.empty()
        self._presets()

    # ---- the link, read once ----------------------------------------------------------------

    def _read(self, link: dict[str, list[str]]) -> tuple[dict[str, Any], list[str]]:
        """The valid values of the link, and a plain-words note on each value that was not used.

        Our parser decides, and the widget follows it: Streamlit seeds a bound widget from its
        own reading of the link (2.5 becomes 2 for a whole number, "true " nothing), so every
        value is handed to the widget the way we read it (``_settle_link``), and a rejected one
        not at all: the control starts at its default, which the notice names.
        """
        valid: dict[str, Any] = {}
        notes = []
        for key, values in link.items():
            name = md(shorten(key, 30), limit=40)
            param = self._params.get(key)
            if param is None:
                notes.append(f"**{name}** is not a setting of this page")
                continue
            value = param.parse(values[0]) if len(values) == 1 else None
            if value is None:
                notes.append(_rejected(name, param, values))
                if param in APP_PARAMS:  # not a widget here: just drop it from the URL
                    if param is not PROJECTOR:  # the router draws that one, before this
                        st.query_params.pop(key, None)
                else:
                    if param.bound:
                        st.session_state[key] = param.default
                    _settle_link(key, None)
                    # A value bound by a previous run cannot be popped; then nothing to fix.
                    with contextlib.suppress(StreamlitAPIException):
                        st.query_params.pop(key, None)
                continue
            valid[key] = value
            if param not in APP_PARAMS:
                _settle_link(key, param.to_url(value))
            cap = param.max_chars if param.kind == "text" else None
            if cap and len(values[0]) > cap:
                notes.append(f"**{name}** was longer than {cap:,} characters and was cut")
        return valid, notes

    def _read_hide(self, text: str) -> frozenset[str]:
        """The controls a teacher's ``hide=`` list names; a name this page does not have is
        ignored, with a notice that lists the names it does have."""
        names = [name.strip() for name in text.split(",") if name.strip()]
        known = {p.key for p in self.lesson.params}
        if self.lesson.presets:
            known.add(HIDE_PRESETS)
        unknown = [name for name in dict.fromkeys(names) if name not in known]
        if unknown:
            self._ignored.append(
                f"**{HIDE.key}** named "
                + ", ".join(f"**{md(shorten(name, 30), limit=40)}**" for name in unknown[:5])
                + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
                + ", not a control of this page (it has: "
                + ", ".join(sorted(known))
                + ")"
            )
        return frozenset(name for name in names if name in known)

    def _start_from_link_on_arrival(self, link: dict[str, list[str]]) -> bool:
        """On arrival at a lesson, every control starts from the link, else from its default.

        Streamlit carries a widget's state over a page switch when both pages have the same
        widget (same key and parameters, like most lessons' temperature), but only once the
        session has rerun: the same link then opened with the previous lesson's temperature after
        an interaction and with the default in a new tab. Returns whether this run arrived.
        """
        if st.session_state.get(_SHOWN_LESSON) == self.lesson.url_path:
            return False
        st.session_state[_SHOWN_LESSON] = self.lesson.url_path
        st.session_state[_PLAYING] = False  # Play never follows a student to another lesson
        for param in self.lesson.params:
            if param.bound and param.key not in link:
                st.session_state[param.key] = param.default
        return True

    # ---- controls ---------------------------------------------------------------------------

    def control(
        self,
        key: str,
        *,
        container: Any = st,
        suggestions: Sequence[str] | Mapping[str, Sequence[str]] = (),
        suggestions_label: str = "",
        suggestions_container: Any = None,
        disabled: bool = False,
    ) -> Any:
        """Draw the control ``key`` of this lesson, bound to the link, and return its value.

        A text box may come with ``suggestions``: a row of pills (in ``suggestions_container``,
        else under the box) that copy the clicked one into the box, and so into the link. A
        mapping of ``{label: suggestions}`` draws one labelled row per group.
        A ``disabled`` control keeps its value (and its place in the link) but cannot move: a
        control that does not apply to the current view, drawn so its value is not lost.
        """
        param = self.lesson.param(key)
        if key in self._hide:  # a teacher's link hid it: it keeps its link value, unseen
            return self._locked(param)
        value = draw(param, container=container, disabled=disabled)
        self._drawn.add(key)
        groups = (
            suggestions if isinstance(suggestions, Mapping) else {suggestions_label: suggestions}
        )
        for i, (label, words) in enumerate(groups.items()):
            if not words:
                continue
            pick = f"{key}_pick" if i == 0 else f"{key}_pick{i + 1}"
            (suggestions_container or container).pills(
                label,
                list(words),
                key=pick,
                on_change=_take_suggestion,
                args=(key, pick),
                # Wrapped, not a strip that scrolls sideways: on a phone that strip showed 3
                # of 24 words with no visible scrollbar.
                wrap=True,
                width="stretch",
            )
        return value

    def set_button(
        self,
        key: str,
        value: Any,
        *,
        label: str,
        icon: str,
        container: Any = st,
        name: str = "",
        help: str | None = None,
    ) -> None:
        """A button that sets the control ``key`` to ``value``, and so the link (e.g. lesson
        10's "Shuffle again": the shuffle itself is a control, so a link keeps it). Hidden with
        its control: a locked control does not move. ``name`` tells apart several buttons of
        one control (lesson 12's "+1", "+10" and "+100 steps")."""
        if key in self._hide:
            return
        container.button(
            label,
            key=f"set-{key}{'-' + name if name else ''}",
            on_click=_set_control,
            args=(key, value),
            icon=icon,
            help=help,
        )

    # ---- Play: a control that moves on by itself (lesson 12's training steps) -----------------

    @property
    def playing(self) -> bool:
        """Whether Play is on (a setting of this browser session, never of a link)."""
        return bool(st.session_state.get(_PLAYING, False))

    def fragment(self, body: Callable[[], Any]) -> Callable[[], Any]:
        """``body`` as the lesson's fragment: rerun alone when its controls move, and every
        ``PLAY_TICK_SECONDS`` while Play is on (``player``)."""
        return st.fragment(body, run_every=PLAY_TICK_SECONDS if self.playing else None)

    def player(
        self, key: str, *, stride: Callable[[int], int], end: int, container: Any = st
    ) -> bool:
        """A Play / Pause button for the whole-number control ``key``; True while playing.

        Call it in the lesson's fragment (``fragment``) before drawing ``key``: while playing,
        every run moves ``key`` on by ``stride(value)`` (so the link follows), up to ``end``,
        where Play stops by itself. Starting or stopping reruns the whole page, which starts or
        stops the fragment's timer. Hidden, and never playing, when the link locks ``key``.
        """
        if key in self._hide:
            return False
        playing = self.playing
        if playing:
            value = int(self.value(key))
            after = min(value + max(stride(value), 1), end)
            if after == value:  # at the end: stop
                st.session_state[_PLAYING] = playing = False
            else:
                st.session_state[key] = after
        container.button(
            "Pause" if playing else "Play",
            key=f"play-{key}",
            on_click=_set_playing,
            args=(not playing,),  # idempotent: a click applied twice still means this
            icon=":material/pause:" if playing else ":material/play_arrow:",
            type="primary",
            help=f"Train on by itself, step after step (up to {end:,})",
        )
        self.rerun_page_if_changed("playing", playing)  # start or stop the fragment's timer
        return playing

    def stop_playing(self) -> None:
        """Stop Play (e.g. training cannot go on); the whole page reruns if it was on."""
        if self.playing:
            st.session_state[_PLAYING] = False
            st.rerun()

    def _locked(self, param: Param) -> Any:
        """The value of a control hidden by the link: the link's value, else its default."""
        return self._from_link.get(param.key, param.default)

    def rerun_page_if_changed(self, name: str, value: Any) -> None:
        """Rerun the whole page when ``value``, drawn inside the lesson's fragment, is not what
        the last whole-page run saw: something outside the fragment shows it too (lesson 8's
        W_Q links move the patterns inside it and draw W_Q outside it), and must not go stale.

        A fragment reruns with this object of the last whole-page run, so what that run saw is
        kept right here; a temperature step leaves ``value`` alone and stays a fragment rerun.
        """
        if self._seen_by_page.setdefault(name, value) != value:
            st.rerun()

    def hidden(self, key: str) -> bool:
        """Whether the link hides the control ``key`` (a lesson may skip its caption too)."""
        return key in self._hide

    def value(self, key: str) -> Any:
        """The value of the control ``key`` before it is drawn (for work done once per run)."""
        if key in self._hide:
            return self._locked(self.lesson.param(key))
        # Until a control is first drawn, the session may still hold another page's value.
        if self._arrived and key not in self._drawn and key in self._from_link:
            return self._from_link[key]
        return st.session_state.get(key, self._from_link.get(key, self.lesson.param(key).default))

    def pick(self, key: str, labels: Sequence[str], *, default: int, container: Any = None) -> int:
        """A page-managed choice of one of ``labels`` (a row of pills); returns its index.

        It lives in the link as a 1-based position under ``key`` (clamped to the labels), left
        out when it is ``default``. New labels (a new sentence) start from the default again:
        the old position means nothing there, and the pills start fresh. ``container``: where
        the pills go (default: here).
        """
        param = self.lesson.param(key)
        if key in self._hide:  # locked by the link: its position (clamped), else the default
            at = self._from_link.get(key)
            self._managed[key] = min(at, len(labels)) if at else None
            return min(at, len(labels)) - 1 if at else default
        seen, labels = f"_spotlight_pick:{self.lesson.url_path}:{key}", list(labels)
        if st.session_state.get(seen, labels) != labels:
            st.query_params.pop(key, None)
        st.session_state[seen] = labels
        from_link = param.parse(st.query_params.get(key, ""))
        shown = distinct(labels)
        chosen = (container or st).pills(
            param.label,
            list(range(len(labels))),
            # Told apart by place when repeated ("the (word 5)"): pills match the chosen option
            # by its text, so two identical labels would always pick the last one.
            format_func=lambda i: md(shown[i], limit=40),
            default=min(from_link, len(labels)) - 1 if from_link else default,
            required=True,
            key=f"{key}-{zlib.crc32(chr(31).join(labels).encode())}",
        )
        self._managed[key] = None if chosen == default else chosen + 1
        if self._managed[key] is None:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = str(self._managed[key])
        return chosen

    def _presets(self) -> None:
        """One button per named starting point; each sets EVERY control (and so the link).

        One rule on every lesson: a preset is a whole starting view, so it always shows its
        point. What it does not name goes back to its default; the caption says so, each
        button's help lists what it sets, and after a preset has reset something you had
        changed, a line names it with an Undo.
        """
        # A teacher's link locks what it hides: a preset that would move a locked control could
        # not show its point, so it is not offered.
        presets = {
            name: values
            for name, values in self.lesson.presets.items()
            if not set(values) & self._hide
        }
        if not presets or HIDE_PRESETS in self._hide:
            return
        row = st.container(horizontal=True, gap="small", vertical_alignment="center")
        row.caption(PRESETS_CAPTION if not self._hide else PRESETS_CAPTION_LOCKED)
        for name, values in presets.items():
            row.button(
                name,
                key=f"preset-{self.lesson.url_path}-{name}",
                on_click=_apply_preset,
                args=(self.lesson, name, values, self._hide),
                type="tertiary",
                icon=":material/bookmark:",
                help=preset_help(self.lesson, values, locked=self._hide),
            )
        self._preset_undo()

    def _preset_undo(self) -> None:
        """Name what the last preset reset beyond what it names, with an Undo button."""
        last = st.session_state.get(_LAST_PRESET)
        if not last or last["lesson"] != self.lesson.url_path:
            return
        now = {key: st.session_state.get(key) for key in last["applied"]}
        if now != last["applied"]:  # the view moved on since: the note would be stale
            st.session_state.pop(_LAST_PRESET, None)
            return
        lost = [
            f"{md(self.lesson.param(key).label)} ({_shown(self.lesson.param(key), before)} → "
            f"{_shown(self.lesson.param(key), last['applied'][key])})"
            for key, before in last["before"].items()
            if key not in last["named"]
        ]
        if not lost:
            return
        line = st.container(horizontal=True, gap="small", vertical_alignment="center")
        line.caption(
            f":material/restart_alt: **{md(last['name'])}** also reset: " + ", ".join(lost) + "."
        )
        line.button(
            "Undo",
            key=f"preset-undo-{self.lesson.url_path}",
            on_click=_undo_preset,
            icon=":material/undo:",
            type="secondary",
        )

    # ---- what every lesson draws ------------------------------------------------------------

    @property
    def look(self) -> Look:
        """How this viewer's charts are drawn: projector size, dark or light theme."""
        return _look()

    @property
    def shown(self) -> bool:
        """Whether this run shows its answers: False in predict mode until the student has
        committed a prediction. Charts, numbers and notes check it themselves; a lesson guards
        any other text that gives the answer away (a metric, a verdict) with it."""
        return not self._hidden_view

    def chart(self, figure: Any, *, key: str, container: Any = st) -> None:
        """A lesson chart (a plain Plotly dict from ``ui.figures``): full width, keyed (tests
        and benchmarks find it by key), redrawn in place at every step (``ui.chart``), with a
        button under it that saves it as a PNG for slides. In predict mode, hidden until the
        student commits a prediction."""
        if self._hidden_view:
            container.caption(HIDDEN_CHART)
            return
        charts.draw(
            figure,
            key=key,
            file=f"spotlight-{self.lesson.url_path}-{key}",
            dark=self.look.dark,
            container=container,
        )

    def chart_row(self, key: str, count: int, *, min_width: int, basis: int) -> list[Any]:
        """``count`` places for charts (``chart(..., container=place)``) at least ``min_width``
        px wide: side by side while two of ``basis`` px fit the row, else one per row. A phone
        scrolls a chart wider than its screen sideways, and then says so above the charts
        (``theme.chart_row_css``); wider screens never see the hint."""
        apply_chart_row_css(key, min_width=min_width, basis=basis)
        row = st.container(horizontal=True, gap="medium", key=key)
        if min_width > PHONE_COLUMN_PX and not self._hidden_view:
            row.container(key=f"{key}-hint").caption(SWIPE_HINT)
        return [row.container(key=f"{key}-{i + 1}") for i in range(count)]

    def note(self, text: str) -> None:
        """The "what to notice" callout (it quotes the numbers: hidden until a prediction)."""
        if self._hidden_view:
            return
        st.info(text, icon=":material/lightbulb:")

    def predict(self, question: Callable[[], Question]) -> bool:
        """In predict mode, ask ``question()`` here; True once the answers may show.

        Until the student commits an answer, every chart, numbers table and note of the page
        stays hidden. Then the page shows them with the verdict (right or not, from the core's
        answer) and why. Outside predict mode this draws nothing, returns True and builds no
        question (every rerun is a hot path): hence a function, not a question.
        """
        if self._seat is not None and self._seat.live:  # a class poll: everyone answers it
            return poll.ask(self, self._seat, question)
        if not self.student:  # the share box's "Start a class poll" asks this question
            poll.start_if_requested(self, question)
        if not self._predict:
            return True
        return ask(self.lesson, question())

    def expander(self, label: str, *, icon: str) -> Any:
        """An expander whose content the page builds only while it is open (check ``.open``).

        Streamlit runs a plain expander's content on every rerun, open or not. Tracking its
        state (``on_change="rerun"``) makes a toggle rerun the page and tells whether it is
        open, so closed tables, QR codes and listings cost nothing while a slider moves.
        """
        return st.expander(label, icon=icon, key=f"open: {label}", on_change="rerun")

    def tabs(self, labels: Sequence[str], *, key: str) -> Sequence[Any]:
        """Tabs whose content the page builds only while open (check each tab's ``.open``):
        switching tabs reruns the page, like ``expander``."""
        return st.tabs(list(labels), key=key, on_change="rerun")

    def link_to(self, lesson: Lesson, label: str, **values: Any) -> None:
        """A link to another lesson, opening with ``values`` (empty ones left out).

        Streamlit drops from a page link every value bound to a control of the page it leaves
        (``t`` and ``scaled`` here are both pages' controls), so the link is also handed over in
        the session and ``begin`` on the target puts the dropped values back (``_with_handoff``).
        """
        query = {
            key: lesson.param(key).to_url(v)
            for key, v in values.items()
            if v is not None and v != ""
        }
        st.session_state.setdefault(_HANDOFF, {})[lesson.url_path] = query
        st.page_link(lesson.file, label=label, icon=lesson.icon, query_params=query or None)

    def numbers(
        self,
        table: Callable[[], Mapping[str, Any]],
        *,
        title: str = "The numbers behind the chart",
    ) -> None:
        """Every chart's text alternative: its numbers as a table, built when the reader opens it.

        ``table`` returns the columns by name. Not a DataFrame: pandas takes ~0.7 s to import,
        and a visitor who never opens a table should not wait for it.
        """
        if self._hidden_view:
            return
        box = self.expander(title, icon=":material/table:")
        if box.open:
            columns = table()
            box.dataframe(columns, width="stretch", hide_index=True)
            box.download_button(
                "Download as CSV",
                data=csv_text(columns),
                file_name=f"spotlight-{self.lesson.url_path}-{_slug(title)}.csv",
                mime="text/csv",
                on_click="ignore",
                icon=":material/download:",
                key=f"csv: {title}",
            )

    # ---- the share link -------------------------------------------------------------------

    def view_query(self) -> dict[str, str]:
        """The lesson's controls as link values: only those that differ from their defaults."""
        query = {}
        for param in self.lesson.params:
            if param.key in self._hide:
                value = self._locked(param)
            elif param.bound:
                value = st.session_state.get(param.key, param.default)
            else:
                value = self._managed.get(param.key)
            if value is not None and value != param.default:
                query[param.key] = param.to_url(value)
        return query

    def share_link(self, *, hide: Iterable[str] | None = None, predict: bool | None = None) -> str:
        """The full link of the current view: only values that differ from their defaults.

        It keeps the view's classroom settings (hidden controls, predict first); a student link
        passes its own ``hide`` and ``predict`` instead, and leaves projector mode out (it is
        for phones). A class poll's code and teacher key never go in it.
        """
        student = hide is not None or predict is not None
        query = self.view_query()
        hide = set(self._hide if hide is None else hide)
        if hide:
            named = [p.key for p in self.lesson.params] + [HIDE_PRESETS]
            query[HIDE.key] = ",".join(key for key in named if key in hide)
        if self._predict if predict is None else predict:
            query[PREDICT.key] = "true"
        if projector_on() and not student:
            query[PROJECTOR.key] = "true"
        try:
            base = st.context.url
        except Exception:  # no browser context (tests, bare mode)
            base = None
        base = base or f"http://localhost:8501/{self.lesson.url_path}"
        return base + ("?" + urlencode(query, quote_via=quote) if query else "")

    @property
    def student(self) -> bool:
        """Whether this is a student's view: a teacher's link that asks first (``predict``) or
        locks controls (``hide``). It never shows the Teacher's notes, nor the student-link
        maker; the share box and the code wait, like the charts, for a committed answer."""
        return self._predict or bool(self._hide)

    def share(self) -> None:
        """The link of this exact view, ready to copy, and a QR code for the classroom.

        It goes last in a lesson's fragment: the link changes with every control. The copy
        button is always visible (a phone has no hover), the QR code opens large for the back
        of the room, and every link meant for other devices (the QR codes, the student link)
        uses this computer's network address when the page was opened on its own loopback
        name (127.0.0.1, localhost), with a warning that says so.
        """
        st.divider()
        if self._hidden_view:  # a student who has not answered yet: the link quotes the view
            return
        box = self.expander("Share this view", icon=":material/share:")
        if not box.open:
            return
        link = self.share_link()
        with box:
            st.caption(
                "Copy this link or scan the code: it opens this page with every control as it "
                "is now."
            )
            scan = _offer(link, key="share-copy", label="Copy link", own=True)
            if scan is None:
                st.caption("This link is too long for a QR code; shorten the text to get one.")
            else:
                caption = "Scan to open this view" + (
                    " (on the network address)" if scan != link else ""
                )
                st.image(qr_png(scan), caption=caption, width=220)
                if st.button(
                    "Show the QR code large",
                    key="share-qr-large",
                    icon=":material/fullscreen:",
                    help="Fills the screen, for the back of the room.",
                ):
                    _qr_dialog(scan)
            if not self.student:
                self._student_link()
                if self._seat is None or not self._seat.live:
                    poll.start_button(self.lesson)

    def _student_link(self) -> None:
        """The teacher's student link: this view, some controls hidden, predict first.

        It is meant for the students' phones, so it is always the address a phone can open:
        the network address when this page was opened on loopback."""
        st.markdown("**Student link**: the same view for the class, with what you choose here.")
        names = [p.key for p in self.lesson.params] + (
            [HIDE_PRESETS] if self.lesson.presets else []
        )
        labels = {p.key: f"{p.label} ({p.key})" for p in self.lesson.params}
        labels[HIDE_PRESETS] = "the presets row (presets)"
        hide = st.multiselect(
            "Hide these controls",
            names,
            default=[name for name in names if name in self._hide],
            format_func=lambda name: labels[name],
            key="student-hide",
            help="Hidden controls keep the values they have now: students see the view you "
            "set, and only the controls you leave.",
        )
        predict = st.toggle(
            "Predict first",
            value=True,
            key="student-predict",
            help="Students answer the lesson's question before the chart and numbers appear.",
        )
        # Hidden controls are locked at their link values: a control at its default is not in
        # the link and stays at its default.
        link = self.share_link(hide=hide, predict=predict)
        scan = _offer(link, key="share-copy-student", label="Copy the student link", own=False)
        if scan is not None and st.button(
            "Show its QR code large", key="share-qr-student", icon=":material/qr_code_2:"
        ):
            _qr_dialog(scan)

    # ---- the end of the page ----------------------------------------------------------------

    def finish(
        self, *, code: Iterable[Callable[..., Any]] = (), teacher: TeacherNotes | None = None
    ) -> None:
        """The teacher's notes, the code that ran, the previous and next lessons, and a gentle
        note about link values that were ignored."""
        if teacher is not None and not self.student:  # never in a student's link
            box = self.expander("Teacher's notes", icon=":material/school:")
            if box.open:
                box.markdown("**Ask the room**")
                box.markdown("\n".join(f"{i}. {q}" for i, q in enumerate(teacher.ask, 1)))
                box.markdown(f"**The misconception this lesson answers**: {teacher.misconception}")
        if code and not self._hidden_view:  # the code prints the numbers: after the answer
            box = self.expander("Show the code that computed this", icon=":material/code:")
            if box.open:
                for fn in code:
                    box.code(_source_of(fn.__module__, fn.__qualname__), language="python")
        self._previous_and_next()
        poll.forget_start_request()  # asked for on a view with no question: say so
        if self._ignored:
            self._notices.warning(
                "Some values in the link were ignored: " + "; ".join(self._ignored) + ".",
                icon=":material/link_off:",
            )
        # Unknown keys would ride along in every share link; remove them from the URL.
        for key in self._unknown:
            st.query_params.pop(key, None)

    def _previous_and_next(self) -> None:
        """Previous / Next lesson, for a presenter: only projector mode goes along (it is a
        setting of the whole app, in the sidebar), never this lesson's values."""
        at = LESSONS.index(self.lesson)
        before = LESSONS[at - 1] if at > 0 else None
        after = LESSONS[at + 1] if at + 1 < len(LESSONS) else LESSONS[0]
        st.divider()
        left, right = st.columns(2)
        if before is not None:
            left.page_link(
                before.file,
                label=f"Previous: {before.number}. {before.title}",
                icon=":material/arrow_back:",
            )
        right.page_link(
            after.file,
            label=(
                f"Next: {after.number}. {after.title}"
                if after is not LESSONS[0]
                else f"That was the last lesson. Back to {after.number}. {after.title}"
            ),
            icon=":material/arrow_forward:" if after is not LESSONS[0] else ":material/replay:",
        )


@dataclass(frozen=True)
class TeacherNotes:
    """A lesson's notes for the teacher: questions to ask the room, and the common
    misconception the lesson answers."""

    ask: tuple[str, ...]
    misconception: str


def _slug(title: str) -> str:
    """A file-name-safe form of a title: "The numbers behind the chart" → "numbers-behind"."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in title.lower()).split()]
    keep = [w for w in words if w not in {"the", "a", "of", "and", "to", "by"}]
    return "-".join(keep[:4]) or "table"


def _with_handoff(lesson: Lesson, link: dict[str, list[str]]) -> dict[str, list[str]]:
    """``link`` with the values Streamlit dropped from a ``link_to`` link put back.

    Streamlit filters from the URL of a page switch every parameter bound to a widget of the
    page being left. When this run arrives at the lesson a ``link_to`` link pointed at, and what
    survived of the link is exactly that link minus some of its values, the dropped values come
    back (into the URL too, where the controls read them). A sidebar click carries no values,
    so it restores nothing.
    """
    query = st.session_state.get(_HANDOFF, {}).get(lesson.url_path)
    if query is None or st.session_state.get(_SHOWN_LESSON) == lesson.url_path:
        return link
    kept = {k: v for k, v in link.items() if k in query}
    if not kept or set(link) - set(query) or any(v != [query[k]] for k, v in kept.items()):
        return link
    for key, value in query.items():
        if key not in link:
            param = lesson.param(key)
            if param.bound and param.parse(value) is not None:
                st.session_state[key] = param.parse(value)  # the widget follows, and the URL
            # Still bound to the left page's widget (a session that carries the binding over):
            # the URL cannot be set directly, and the widget above writes it back anyway.
            with contextlib.suppress(StreamlitAPIException):
                st.query_params[key] = value
    return {key: [value] for key, value in query.items()}


def _rejected(name: str, param: Param, values: list[str]) -> str:
    # The control starts at its default (``_settle_link``): name it.
    kept = "the default" if param.default is None else md(param.to_url(param.default))
    if len(values) != 1:
        return f"**{name}** was given {len(values)} times; kept {kept}"
    shown = md(shorten(values[0], 20), limit=30) or "(empty)"
    return f"**{name}={shown}** {md(param.why_not(values[0]) or '')}; kept {kept}"


def _settle_link(key: str, text: str | None) -> None:
    """Make the link's ``key`` read ``text`` (None: drop it), for the widget and the URL alike.

    A bound widget first takes its value from a snapshot of the link made before the script
    ran, not from ``st.query_params``; both must change, or the widget reads the raw value its
    own way while the notice says another. Only values still in the snapshot are touched: once
    the widget is bound, Streamlit keeps the URL in step with it.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with ctx.session_state.query_params() as qp:
        seed = qp._initial_query_params  # the snapshot bound widgets start from
        if key not in seed or (text is not None and seed[key] == [text]):
            return
        if text is None:
            seed.pop(key)
            qp.remove_param(key)
        else:
            seed[key] = [text]
            qp.set_with_no_forward_msg(key, text)
            qp._send_query_param_msg()


def _take_suggestion(key: str, pick: str | None = None) -> None:
    # Copy the clicked suggestion into the bound text box (and so into the link).
    pick = pick or f"{key}_pick"
    if st.session_state.get(pick):
        st.session_state[key] = st.session_state[pick]
    st.session_state[pick] = None


def _set_control(key: str, value: Any) -> None:
    st.session_state[key] = value


def _set_playing(on: bool) -> None:
    st.session_state[_PLAYING] = on


def preset_help(
    lesson: Lesson, values: Mapping[str, Any], *, locked: frozenset[str] = frozenset()
) -> str:
    """A preset button's help: what it sets, and that everything else goes to its default
    (but the controls a teacher's link hides, which keep their values)."""
    named = [
        f"{md(lesson.param(key).label)} = {_shown(lesson.param(key), value)}"
        for key, value in values.items()
    ]
    others = (
        "Every other control you can see goes back to its default; the hidden ones keep the "
        "teacher's values."
        if locked
        else "Every other control goes back to its default."
    )
    return "Sets " + "; ".join(named) + ". " + others


def _shown(param: Param, value: Any) -> str:
    """A control's value in a sentence, escaped for Markdown (a student's text included)."""
    if param.kind == "bool":
        return "on" if value else "off"
    if value is None:
        return "default"
    return md(param.to_url(value), limit=24)


def _apply_preset(
    lesson: Lesson, name: str, values: dict[str, Any], locked: frozenset[str] = frozenset()
) -> None:
    before, applied = {}, {}
    for param in lesson.params:
        if param.key in locked:  # hidden by a teacher's link: it keeps the link's value
            continue
        if param.bound:
            new = values.get(param.key, param.default)
            old = st.session_state.get(param.key, param.default)
            if old != new:
                before[param.key] = old
            applied[param.key] = new
            st.session_state[param.key] = new
        else:  # page-managed state: forget the override, the page falls back to its default
            st.session_state.pop(param.key, None)
            st.query_params.pop(param.key, None)
    st.session_state[_LAST_PRESET] = {
        "lesson": lesson.url_path,
        "name": name,
        "named": set(values),
        "before": before,
        "applied": applied,
    }


def _undo_preset() -> None:
    last = st.session_state.pop(_LAST_PRESET, None)
    if last:
        for key, value in last["before"].items():
            st.session_state[key] = value


# ---- sharing: the copy button, loopback links, the large QR code ------------------------------

#: A visible "Copy link" button (a phone has no hover, and st.code's copy icon appears on hover
#: only). The link arrives as data and is set as a field's value, never parsed as HTML. The
#: clipboard API needs a secure page (https or this computer); on a plain-http network address
#: the button falls back to selecting the text and the browser's copy command.
_COPY_HTML = (
    '<div class="spotlight-copy"><button type="button">Copy link</button>'
    '<span class="status" role="status" aria-live="polite"></span></div>'
)
_COPY_CSS = """
.spotlight-copy { display: flex; align-items: center; gap: .75rem; flex-wrap: wrap; }
.spotlight-copy button {
  min-height: 44px; min-width: 44px; padding: .4rem 1rem; font: inherit; cursor: pointer;
  border: 0; border-radius: .5rem;
  background: var(--st-primary-color, #0072B2); color: var(--st-background-color, #FFFFFF);
}
.spotlight-copy .status { color: var(--st-text-color, #31333F); }
"""
_COPY_JS = """
export default function ({ parentElement, data }) {
  const button = parentElement.querySelector("button");
  const status = parentElement.querySelector(".status");
  button.textContent = data.label;
  button.onclick = async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(data.link);
      copied = true;
    } catch (error) {
      const field = document.createElement("textarea");
      field.value = data.link;
      field.setAttribute("readonly", "");
      field.style.position = "fixed";
      field.style.opacity = "0";
      document.body.appendChild(field);
      field.select();
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      field.remove();
    }
    status.textContent = copied
      ? "Copied: paste it anywhere."
      : "Your browser blocked copying: press and hold the link above, then Copy.";
  };
}
"""
_copy_component = st.components.v2.component(
    "spotlight_copy_link", html=_COPY_HTML, css=_COPY_CSS, js=_COPY_JS
)


def copy_button(link: str, *, key: str, label: str = "Copy link") -> None:
    """A always-visible button that copies ``link`` to the clipboard."""
    _copy_component(data={"link": link, "label": label}, key=key)


def _offer(link: str, *, key: str, label: str, own: bool) -> str | None:
    """Show ``link`` with its copy button; return the link a QR code should carry (None when
    it is too long for one).

    On a loopback address (127.0.0.1, localhost) other devices cannot open it: a warning says
    so, and the same link on this computer's network address is offered when there is one. The
    teacher's ``own`` link stays as it is (it works on this computer) with the network one
    under it; a link meant only for others (the student link) is shown on the network address
    alone. Either way the QR code, which only another device scans, carries the network one.
    """
    advice = share_advice(link, network_address(), _server_address())
    reachable = advice.reachable
    if own or reachable is None:
        st.code(link, language=None, wrap_lines=True)
        copy_button(link, key=key, label=label)
    if advice.warning:
        st.warning(advice.warning, icon=":material/wifi_off:")
    if reachable is not None:
        st.code(reachable, language=None, wrap_lines=True)
        copy_button(reachable, key=f"{key}-network", label="Copy this one" if own else label)
    scan = reachable or link
    return scan if qr_png(scan) is not None else None


#: Host names that mean "this computer" (besides 127.0.0.0/8 and ::1).
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` names the computer it is typed on (so another device cannot use it)."""
    if not host:
        return False
    host = host.strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ShareAdvice:
    """What the share box adds to a link: a ``warning`` (Markdown) when students' devices
    cannot open it, and the ``reachable`` link they can open, when there is one."""

    warning: str | None = None
    reachable: str | None = None


def share_advice(link: str, network_ip: str | None, server_address: str | None) -> ShareAdvice:
    """Advice on sharing ``link``: nothing for an address other devices can reach; for a
    loopback one (127.0.0.1, localhost, ::1), a warning, and the same link on ``network_ip``
    (this computer's address on its network) if the server listens beyond loopback."""
    parts = urlsplit(link)
    if not is_loopback(parts.hostname):
        return ShareAdvice()
    here = md(parts.hostname or "")
    warning = (
        f"**Students' phones cannot open this link:** *{here}* means “this computer”, so on "
        "a phone it points at the phone itself. "
    )
    hosted = "or share the link of the hosted app (Streamlit Community Cloud) instead."
    if network_ip and server_address is not None and is_loopback(server_address):
        return ShareAdvice(
            warning + f"This computer is on the network as *{md(network_ip)}*, but the app "
            "only listens to itself: restart it with `--server.address 0.0.0.0` and use "
            f"*{md(network_ip)}* instead of *{here}*, " + hosted
        )
    if network_ip:
        host = f"[{network_ip}]" if ":" in network_ip else network_ip
        netloc = host + (f":{parts.port}" if parts.port else "")
        reachable = urlunsplit(parts._replace(netloc=netloc))
        return ShareAdvice(
            warning + "On the same network (the classroom Wi-Fi), use this computer's network "
            f"address, *{md(network_ip)}*: the link below (and the QR code) use it; " + hosted,
            reachable,
        )
    return ShareAdvice(
        warning + "Use the *Network URL* that `streamlit run` prints in the terminal, " + hosted
    )


@st.cache_data(ttl=60, show_spinner=False)
def network_address() -> str | None:
    """This computer's address on its local network (None when offline or unknown).

    Connecting a UDP socket sends nothing: it only asks the system which of its addresses
    would carry traffic out, which is the address other devices on the Wi-Fi can reach.
    """
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if is_loopback(address) or address == "0.0.0.0" else address


def _server_address() -> str | None:
    """The address the server listens on, if it was told one (``--server.address``)."""
    try:
        return st.get_option("server.address") or None
    except Exception:  # no such option in bare mode
        return None


@st.dialog("Scan to open this view", width="large")
def _qr_dialog(link: str) -> None:
    png = qr_png(link)
    if png is not None:
        st.image(png, width="stretch")
    st.caption(md(shorten(link, 120)))


@st.cache_data(max_entries=128, show_spinner=False)
def qr_png(link: str) -> str | None:
    """A QR code of ``link`` as a PNG ``data:`` URI, or None when the link is too long for one.

    A data URI, not PNG bytes: ``st.image`` serves bytes from the media store of the process
    that ran the script, and behind several replicas (deploy/) a browser's later requests may
    reach another one; a data URI travels inside the page itself."""
    import segno  # only when a share box is open

    try:
        qr = segno.make(link, error="m", micro=False)
    except segno.DataOverflowError:
        return None
    # The standard quiet zone, 4 modules of white around the code: phones' scanners need it.
    return qr.png_data_uri(scale=6, border=4)


@st.cache_data(max_entries=64, show_spinner=False)
def _source_of(module: str, qualname: str) -> str:
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return inspect.getsource(obj)


# ---- every control's widget ------------------------------------------------------------------


def draw(param: Param, *, container: Any = st, disabled: bool = False) -> Any:
    """Draw ``param`` as a widget bound to the URL and return its current value."""
    common = {"key": param.key, "bind": "query-params", "help": param.help, "disabled": disabled}
    if param.kind == "temperature":
        return container.select_slider(
            param.label, options=TEMPERATURES, value=param.default,
            format_func=format_number, **common,
        )  # fmt: skip
    if param.kind == "grid":
        return container.select_slider(
            param.label, options=param.grid, value=param.default,
            format_func=param.to_url, **common,
        )  # fmt: skip
    if param.kind in ("float", "int"):
        kind = float if param.kind == "float" else int
        return container.slider(
            param.label, kind(param.low), kind(param.high), kind(param.default),
            kind(param.step or 1), **common,
        )  # fmt: skip
    if param.kind == "bool":
        return container.toggle(param.label, value=param.default, **common)
    if param.kind == "choice":
        # Options are shown as they are written in the link, so a link is readable. A radio,
        # not a segmented control: the latter turns an empty link value into "no selection".
        return container.radio(
            param.label, param.options, index=param.options.index(param.default),
            horizontal=True, **common,
        )  # fmt: skip
    text = container.text_input(
        param.label, value=param.default, max_chars=param.max_chars, **common
    )
    if param.max_chars and len(text) >= param.max_chars:
        # The box stops at the cap (a paste of 100 kB arrives cut); say so instead of hiding it.
        container.caption(
            f":material/content_cut: Capped at {param.max_chars:,} characters; the rest was cut."
        )
    return text


# ---- app-wide: projector mode, theme, the home page ------------------------------------------


def projector_on() -> bool:
    return bool(st.session_state.get(PROJECTOR.key, False))


def _look() -> Look:
    try:
        dark = st.context.theme.type == "dark"
    except Exception:  # no browser context (tests, bare mode)
        dark = False
    base = PROJECTOR_LOOK if projector_on() else NORMAL
    return Look(scale=base.scale, dark=dark, high_contrast=base.high_contrast)


def app_controls() -> None:
    """The sidebar of every page: projector mode, and the share-link hint."""
    with st.sidebar:
        draw(PROJECTOR)
        st.caption("Every control is in the link: copy it from **Share this view** on any lesson.")
        charts.preload()
    apply_projector_css(projector_on(), _look())


def forward(target: Any) -> None:
    """Open ``target`` (an ``st.Page``) with every value of the current link.

    The app root forwards to lesson 1 this way: Streamlit serves its default page at ``/``
    only, so lesson 1 itself cannot be the default and still open at ``/why``.
    """
    st.switch_page(target, query_params={k: st.query_params.get_all(k) for k in st.query_params})


# ---- notices several lessons share -------------------------------------------------------------


def answer_notice(found: Any, *, source: str) -> None:
    """The answer a lookup found, and the ``source`` ("key", "note") it comes from."""
    st.success(
        f"Answer: **{md(found.answer)}** (from the {source} *{md(found.top_key)}*: its weight, "
        f"{ac.percent(found.weights.max())}, makes its value most of the output)",
        icon=":material/check_circle:",
    )


@dataclass(frozen=True)
class _Read:
    """What ``text_notice`` needs to know of a text a lesson read."""

    tokens: tuple[str, ...]
    n_words: int
    truncated: bool
    unknown_words: tuple[str, ...] = ()


def words_or_prompt(tokens: Sequence[str], text: str, *, empty: str, container: Any = st) -> bool:
    """The start of a sentence lesson: False, with ``empty`` said, when the text has no word;
    else True, saying when only the first words are used (``text_notice``)."""
    if not tokens:
        container.info(empty, icon=":material/keyboard:")
        return False
    n_words = len(ac.tokenize(text))
    with container:
        text_notice(_Read(tuple(tokens), n_words, n_words > len(tokens)), cut="used")
    return True


def text_notice(refinement: Any, *, cut: str = "", unknown: str = "") -> None:
    """Notices about the text a lesson read: with ``cut`` ("used", "refined"), that only its
    first words were; with ``unknown`` (how they are marked and treated), the words outside
    the vocabulary."""
    if cut and refinement.truncated:
        st.info(
            f"Only the first {len(refinement.tokens)} words are {cut} "
            f"(your text has {refinement.n_words:,}).",
            icon=":material/content_cut:",
        )
    if unknown and refinement.unknown_words:
        _unknown_caption(refinement.unknown_words, unknown)


def made_up_notice(tokens: Sequence[str], known: Sequence[bool]) -> None:
    """Say once which words are outside the toy vocabulary: each gets a small made-up vector,
    so where it looks (or who looks at it) is noise, not a finding."""
    words = [token for token, k in zip(tokens, known, strict=True) if not k]
    if words:
        _unknown_caption(
            words, "marked with ?; each gets a small made-up vector, so what it does is noise"
        )


def _unknown_caption(words: Sequence[str], how: str) -> None:
    st.caption(
        f"Not in our vocabulary ({how}): "
        + ", ".join(md(w, limit=30) for w in dict.fromkeys(words))
    )
