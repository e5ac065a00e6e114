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
import io
import logging
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from .formats import format_number
from .lessons import PROJECTOR, Lesson
from .params import TEMPERATURES, Param
from .safe import md, shorten
from .theme import NORMAL, Look, apply_projector_css
from .theme import PROJECTOR as PROJECTOR_LOOK

# Presets set bound widgets through st.session_state, which is the documented way to change them;
# Streamlit still logs a developer warning each time because the widget also has a default.
logging.getLogger("streamlit.elements.lib.policies").setLevel(logging.ERROR)

#: Session-state key of the lesson shown by the previous run.
_SHOWN_LESSON = "_spotlight_shown_lesson"
#: Plotly's own toolbar (zoom, pan, download) sits on the chart's title on touch screens and
#: offers nothing a lesson needs; Streamlit's full-screen button stays.
CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}


def begin(lesson: Lesson, intuition: str) -> LessonPage:
    """Title, the plain-words intuition, a slot for link notices, and the lesson's presets."""
    return LessonPage(lesson, intuition)


class LessonPage:
    """One run of a lesson page: its link (read once), its controls, its share link, its notices.

    Fragments rerun with the object of the last full run, so page-managed values picked in a
    fragment rerun still reach the share link.
    """

    def __init__(self, lesson: Lesson, intuition: str) -> None:
        self.lesson = lesson
        self._params = {p.key: p for p in lesson.params} | {PROJECTOR.key: PROJECTOR}
        # Read the link before any widget runs: bound widgets drop invalid values from the URL.
        link = {k: st.query_params.get_all(k) for k in st.query_params}
        self._from_link, self._ignored = self._read(link)
        self._unknown = [key for key in link if key not in self._params]
        self._arrived = self._start_from_link_on_arrival(link)
        self._managed: dict[str, Any] = {}
        self._drawn: set[str] = set()
        st.title(lesson.title)
        st.markdown(intuition)
        self._notices = st.empty()
        self._presets()

    # ---- the link, read once ----------------------------------------------------------------

    def _read(self, link: dict[str, list[str]]) -> tuple[dict[str, Any], list[str]]:
        """The valid values of the link, and a plain-words note on each value that was not used.

        A value our parser rejects is removed before its widget sees it: Streamlit ignores most
        bad values, but not all the same way (an empty choice becomes "nothing selected", 2.5
        becomes 2); pinning the default keeps every control and the notice honest.
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
                if param is not PROJECTOR:  # the router draws that one, before this
                    if param.bound:
                        st.session_state[key] = param.default
                    # A value bound by a previous run cannot be popped; then nothing to fix.
                    with contextlib.suppress(StreamlitAPIException):
                        st.query_params.pop(key, None)
                continue
            valid[key] = value
            cap = param.max_chars if param.kind == "text" else None
            if cap and len(values[0]) > cap:
                notes.append(f"**{name}** was longer than {cap:,} characters and was cut")
        return valid, notes

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
        suggestions: Sequence[str] = (),
        suggestions_label: str = "",
        suggestions_container: Any = None,
    ) -> Any:
        """Draw the control ``key`` of this lesson, bound to the link, and return its value.

        A text box may come with ``suggestions``: a row of pills (in ``suggestions_container``,
        else under the box) that copy the clicked one into the box, and so into the link.
        """
        param = self.lesson.param(key)
        value = draw(param, container=container)
        self._drawn.add(key)
        if suggestions:
            (suggestions_container or container).pills(
                suggestions_label,
                list(suggestions),
                key=f"{key}_pick",
                on_change=_take_suggestion,
                args=(key,),
            )
        return value

    def value(self, key: str) -> Any:
        """The value of the control ``key`` before it is drawn (for work done once per run)."""
        # Until a control is first drawn, the session may still hold another page's value.
        if self._arrived and key not in self._drawn and key in self._from_link:
            return self._from_link[key]
        return st.session_state.get(key, self._from_link.get(key, self.lesson.param(key).default))

    def pick(self, key: str, labels: Sequence[str], *, default: int) -> int:
        """A page-managed choice of one of ``labels`` (a row of pills); returns its index.

        It lives in the link as a 1-based position under ``key`` (clamped to the labels), left
        out when it is ``default``. New labels (a new sentence) start from the default again:
        the old position means nothing there, and the pills start fresh.
        """
        param = self.lesson.param(key)
        seen, labels = f"_spotlight_pick:{self.lesson.url_path}:{key}", list(labels)
        if st.session_state.get(seen, labels) != labels:
            st.query_params.pop(key, None)
        st.session_state[seen] = labels
        from_link = param.parse(st.query_params.get(key, ""))
        chosen = st.pills(
            param.label,
            list(range(len(labels))),
            format_func=lambda i: md(labels[i], limit=30),
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
        """One button per named starting point; each sets every control (and so the link)."""
        if not self.lesson.presets:
            return
        row = st.container(horizontal=True, gap="small")
        row.caption("Start from:")
        for name, values in self.lesson.presets.items():
            row.button(
                name,
                key=f"preset-{self.lesson.url_path}-{name}",
                on_click=_apply_preset,
                args=(self.lesson, values),
                type="tertiary",
                icon=":material/bookmark:",
            )

    # ---- what every lesson draws ------------------------------------------------------------

    @property
    def look(self) -> Look:
        """How this viewer's charts are drawn: projector size, dark or light theme."""
        return _look()

    def chart(self, figure: Any, *, key: str, container: Any = st) -> None:
        """A lesson chart: full width, keyed (tests and benchmarks find it by key)."""
        container.plotly_chart(figure, width="stretch", key=key, config=CHART_CONFIG)

    def note(self, text: str) -> None:
        """The "what to notice" callout."""
        st.info(text, icon=":material/lightbulb:")

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
        """A link to another lesson, opening with ``values`` (empty ones left out)."""
        query = {key: lesson.param(key).to_url(v) for key, v in values.items() if v}
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
        box = self.expander(title, icon=":material/table:")
        if box.open:
            box.dataframe(table(), width="stretch", hide_index=True)

    # ---- the share link -------------------------------------------------------------------

    def share_link(self) -> str:
        """The full link of the current view: only values that differ from their defaults."""
        query = {}
        for param in self.lesson.params:
            if param.bound:
                value = st.session_state.get(param.key, param.default)
            else:
                value = self._managed.get(param.key)
            if value is not None and value != param.default:
                query[param.key] = param.to_url(value)
        if projector_on():
            query[PROJECTOR.key] = "true"
        try:
            base = st.context.url
        except Exception:  # no browser context (tests, bare mode)
            base = None
        base = base or f"http://localhost:8501/{self.lesson.url_path}"
        return base + ("?" + urlencode(query, quote_via=quote) if query else "")

    def share(self) -> None:
        """The link of this exact view, ready to copy, and a QR code for the classroom.

        It goes last in a lesson's fragment: the link changes with every control.
        """
        st.divider()
        box = self.expander("Share this view", icon=":material/share:")
        if not box.open:
            return
        link = self.share_link()
        with box:
            st.caption(
                "Copy this link (button on the right) or scan the code: it opens this page "
                "with every control as it is now."
            )
            st.code(link, language=None, wrap_lines=True)
            png = qr_png(link)
            if png is None:
                st.caption("This link is too long for a QR code; shorten the text to get one.")
            else:
                st.image(png, caption="Scan to open this view", width=220)

    # ---- the end of the page ----------------------------------------------------------------

    def finish(self, *, code: Iterable[Callable[..., Any]] = ()) -> None:
        """The code that ran, and a gentle note about link values that were ignored."""
        if code:
            box = self.expander("Show the code that computed this", icon=":material/code:")
            if box.open:
                for fn in code:
                    box.code(_source_of(fn.__module__, fn.__qualname__), language="python")
        if self._ignored:
            self._notices.warning(
                "Some values in the link were ignored: " + "; ".join(self._ignored) + ".",
                icon=":material/link_off:",
            )
        # Unknown keys would ride along in every share link; remove them from the URL.
        for key in self._unknown:
            st.query_params.pop(key, None)


def _rejected(name: str, param: Param, values: list[str]) -> str:
    if len(values) != 1:
        return f"**{name}** was given {len(values)} times; kept the default"
    shown = md(shorten(values[0], 20), limit=30) or "(empty)"
    kept = "the default" if param.default is None else md(param.to_url(param.default))
    return f"**{name}={shown}** is not valid ({md(param.describe_range())}); kept {kept}"


def _take_suggestion(key: str) -> None:
    # Copy the clicked suggestion into the bound text box (and so into the link).
    if st.session_state.get(f"{key}_pick"):
        st.session_state[key] = st.session_state[f"{key}_pick"]
    st.session_state[f"{key}_pick"] = None


def _apply_preset(lesson: Lesson, values: dict[str, Any]) -> None:
    for param in lesson.params:
        if param.bound:
            st.session_state[param.key] = values.get(param.key, param.default)
        else:  # page-managed state: forget the override, the page falls back to its default
            st.session_state.pop(param.key, None)
            st.query_params.pop(param.key, None)


@st.cache_data(max_entries=128, show_spinner=False)
def qr_png(link: str) -> bytes | None:
    """A QR code of ``link`` as PNG bytes, or None when the link is too long for one."""
    import segno  # only when a share box is open

    try:
        qr = segno.make(link, error="m", micro=False)
    except segno.DataOverflowError:
        return None
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


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
    return Look(scale=base.scale, dark=dark)


def app_controls() -> None:
    """The sidebar of every page: projector mode, and the share-link hint."""
    with st.sidebar:
        draw(PROJECTOR)
        st.caption("Every control is in the link: copy it from **Share this view** on any lesson.")
    apply_projector_css(projector_on())


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
        f"Answer: **{md(found.answer)}** (from the {source} *{md(found.top_key)}*, "
        f"weight {found.weights.max():.0%})",
        icon=":material/check_circle:",
    )


def cut_text_notice(refinement: Any, *, verb: str) -> None:
    """Say that only the first words of a long text were ``verb`` ("used", "refined")."""
    if refinement.truncated:
        st.info(
            f"Only the first {len(refinement.tokens)} words are {verb} "
            f"(your text has {refinement.n_words:,}).",
            icon=":material/content_cut:",
        )


def unknown_words_notice(refinement: Any, *, how: str) -> None:
    """Name the words outside the vocabulary; ``how`` says how they are marked and treated."""
    if refinement.unknown_words:
        st.caption(
            f"Not in our vocabulary ({how}): "
            + ", ".join(md(w, limit=30) for w in dict.fromkeys(refinement.unknown_words))
        )
