"""Every lesson, opened the way students open it: from a link, good or hostile.

A link must restore every control exactly; a broken or malicious link must leave the page
working, with defaults for what was bad, the good values kept, and a gentle notice.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from apptest_helpers import (
    charts,
    in_range,
    link_notice,
    open_lesson,
    open_section,
    share_link,
    texts,
    widget,
)

from ui.lessons import LESSONS, PROJECTOR, Lesson
from ui.params import Param, format_number
from ui.safe import md

LESSON_IDS = [lesson.url_path for lesson in LESSONS]

HOSTILE_VALUES: dict[str, Any] = {
    "word": "abc",
    "nan": "nan",
    "inf": "inf",
    "-inf": "-inf",
    "huge": "1e308",
    "underscore": "1_000",
    "arabic-indic": "١٢",
    "empty": "",
    "repeated": ["1", "2"],
    "10kB": "9" * 10_000,
    "too-big": "999",
    "too-small": "-999",
    "markup": "<script>alert(1)</script>",
}


def bound_params(lesson: Lesson) -> list[Param]:
    return [p for p in lesson.params if p.bound]


def other_value(param: Param) -> Any:
    """A valid value of ``param`` that is not its default."""
    if param.kind == "temperature":
        return 0.2
    if param.kind == "grid":
        return next(v for v in param.grid if v != param.default)
    if param.kind == "bool":
        return not param.default
    if param.kind == "choice":
        return next(o for o in param.options if o != param.default)
    if param.kind == "text":
        return "the bank by the river"
    step = param.step or 1
    value = next(v for v in (param.low + 2 * step, param.low + step) if v != param.default)
    return int(value) if param.kind == "int" else round(value, 6)


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_every_lesson_renders_with_a_chart_and_controls(lesson: Lesson) -> None:
    at = open_lesson(lesson)
    assert not at.exception, at.exception
    assert at.title[0].value == lesson.title
    assert charts(at), f"{lesson.title}: no Plotly chart"
    for param in bound_params(lesson):
        assert widget(at, param).value == param.default, f"{param.key} does not start at default"
    assert not link_notice(at)


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_a_link_restores_every_control(lesson: Lesson) -> None:
    values = {p.key: other_value(p) for p in bound_params(lesson)}
    at = open_lesson(
        lesson,
        {
            k: bound_params(lesson)[0].to_url(v) if False else _url(lesson, k, v)
            for k, v in values.items()
        },
    )
    assert not at.exception, at.exception
    for param in bound_params(lesson):
        assert widget(at, param).value == values[param.key], f"{param.key} not restored"
    assert not link_notice(at), link_notice(at)
    # ... and the share box offers the very same link back.
    share = share_link(at)
    for key in values:
        assert f"{key}=" in share, f"share link misses {key}: {share}"


def _url(lesson: Lesson, key: str, value: Any) -> str:
    return lesson.param(key).to_url(value)


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
@pytest.mark.parametrize("name", list(HOSTILE_VALUES))
def test_hostile_link_values_fall_back_to_defaults(lesson: Lesson, name: str) -> None:
    raw = HOSTILE_VALUES[name]
    query = {p.key: raw for p in lesson.params} | {"unknown-key": raw}
    at = open_lesson(lesson, query)
    assert not at.exception, at.exception
    assert charts(at) or name in ("empty",), "the page lost its chart"
    for param in bound_params(lesson):
        try:
            value = widget(at, param).value
        except KeyError:  # lesson 11 with no text draws only its prompt (and section 4)
            assert any(i.icon == ":material/keyboard:" for i in at.info), param.key
            continue
        assert in_range(param, value), f"{param.key}={value!r} out of range after {name}"
        if param.kind != "text" and param.parse(raw if isinstance(raw, str) else "") is None:
            assert value == param.default, f"{param.key} should fall back to its default"
    notice = link_notice(at)
    assert "unknown\\-key" in notice, "the unknown key is not mentioned"
    for param in lesson.params:
        rejected = not isinstance(raw, str) or (param.kind != "text" and param.parse(raw) is None)
        if rejected:
            assert f"**{md(param.key)}" in notice, f"no notice for {param.key}={name}"
    # User text in the notice is escaped, never live markup.
    assert "<script>" not in notice


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_a_good_value_survives_next_to_a_bad_one(lesson: Lesson) -> None:
    params = bound_params(lesson)
    good, bad = params[0], params[-1]
    query = {good.key: _url(lesson, good.key, other_value(good))}
    if bad is not good and bad.kind != "text":
        query[bad.key] = "nan"
    at = open_lesson(lesson, query)
    assert not at.exception
    assert widget(at, good).value == other_value(good)
    if bad is not good and bad.kind != "text":
        assert widget(at, bad).value == bad.default
        assert f"**{md(bad.key)}=nan**" in link_notice(at)


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_every_slider_at_both_ends(lesson: Lesson) -> None:
    at = open_lesson(lesson)
    for end in (0, -1):
        for param in bound_params(lesson):
            w = widget(at, param)
            if w.disabled:  # not for this view (a browser cannot move it); links still set it
                continue
            if param.kind in ("temperature", "grid"):
                w.set_value(param.slider_values[end])
            elif param.kind in ("float", "int"):
                w.set_value(param.low if end == 0 else param.high)
        at.run()
        assert not at.exception, at.exception
        assert charts(at)


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_presets_set_every_control_and_the_link(lesson: Lesson) -> None:
    at = open_lesson(lesson)
    for name, values in lesson.presets.items():
        at.button(key=f"preset-{lesson.url_path}-{name}").click().run()
        assert not at.exception, at.exception
        for param in bound_params(lesson):
            expected = values.get(param.key, param.default)
            assert widget(at, param).value == expected, f"preset {name!r}: {param.key}"
        share = share_link(at)
        for key, value in values.items():
            param = lesson.param(key)
            if param.bound and value != param.default and param.kind != "text":
                assert f"{key}={param.to_url(value)}" in share, f"{name!r}: {share}"


def test_projector_link_turns_projector_mode_on() -> None:
    at = open_lesson(LESSONS[0], {PROJECTOR.key: "true", "t": format_number(0.2)})
    assert not at.exception
    assert at.toggle(key=PROJECTOR.key).value is True
    assert "projector=true" in share_link(at)
    # The projector style sheet is on the page (a style-only st.html).
    assert any("font-size:24px" in str(el.proto) for el in at.get("html"))


def test_notice_texts_are_escaped() -> None:
    at = open_lesson(LESSONS[0], {"[x](javascript:alert(1))": "$\\href{javascript:alert(1)}{x}$"})
    assert not at.exception
    notice = link_notice(at)
    assert "](javascript" not in notice and "\\]\\(javascript" in notice
    assert all("<script" not in t for t in texts(at))


HOSTILE_TEXTS: dict[str, str] = {
    "empty": "",
    "whitespace": "   \t  ",
    "one-word": "bank",
    "100kB": "the river bank " * 7_000,
    "emoji": "🙂 bank 🌊",
    "joined-emoji": "👩‍👩‍👧‍👦 family 🏳️‍🌈",
    "rtl": "مرحبا بالعالم bank שלום",
    "invisible": "ri\u200bver\u200f bank\u202e evil\u2066 \ufeff",
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "link": "<a href=https://example.com>x</a>",
    "md-link": "[x](javascript:alert(1))",
    "latex": "$\\href{javascript:alert(1)}{x}$",
    "directive": ":red[alarm] **bold** `code`",
}
# Live markup: the payload without the backslash escapes that make Markdown show it literally.
RAW_MARKUP = re.compile(r"(?<!\\)<(script|img|a href)|(?<!\\)\]\(javascript|\\href\{|(?<!\\):red\[")


def text_params() -> list[tuple[Lesson, Param]]:
    return [(lesson, p) for lesson in LESSONS for p in lesson.params if p.kind == "text"]


@pytest.mark.parametrize(
    ("lesson", "param"), text_params(), ids=[f"{les.url_path}-{p.key}" for les, p in text_params()]
)
def test_hostile_text_is_shown_literally_and_never_crashes(lesson: Lesson, param: Param) -> None:
    at = open_lesson(lesson)
    for name, text in HOSTILE_TEXTS.items():
        widget(at, param).set_value(text).run()
        assert not at.exception, f"{name}: {at.exception}"
        assert in_range(param, widget(at, param).value)
        for shown in texts(at):
            live = RAW_MARKUP.search(shown)
            assert live is None, f"{name}: {live and live.group()!r} reached: {shown[:120]}"
        for figure in charts(at):
            dumped = str(figure)
            # Plotly renders tags and, between dollar signs, LaTeX; escaped forms are inert.
            for markup in ("<script", "<img", "<a href", "$\\href"):
                assert markup not in dumped, f"{name}: {markup!r} reached a Plotly label"


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_every_closed_section_opens_with_its_content(lesson: Lesson) -> None:
    """Tables, share box and code are built only when opened: opening each one works."""
    at = open_lesson(lesson)
    labels = [e.label for e in at.expander]
    assert "Share this view" in labels and "Show the code that computed this" in labels
    tables = sum(e.icon == ":material/table:" for e in at.expander)
    assert tables >= 1
    for label in labels:
        open_section(at, label)
        assert not at.exception, (label, at.exception)
    # Every numbers table is there (lesson 4 also shows its rankings table all the time).
    assert len(at.dataframe) >= tables
    assert all(len(df.value) > 0 for df in at.dataframe)
    assert any("def " in c.value for c in at.code)


def test_no_code_path_can_render_user_text_as_html() -> None:
    """Markdown and widgets escape user text only while HTML is off: nothing in the app turns it
    on, and the one ``st.html`` is a constant style sheet (projector mode)."""
    root = Path(__file__).resolve().parents[1]
    sources = [root / "streamlit_app.py", *root.glob("lessons/*.py"), *root.glob("ui/**/*.py")]
    assert len(sources) > 10
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for banned in ("unsafe_allow_html", "unsafe_allow_javascript", "use_container_width"):
            assert banned not in text, f"{path.name} uses {banned}"
        if path.name != "theme.py":
            assert "st.html(" not in text, f"{path.name} calls st.html"
    assert "st.html(_PROJECTOR_CSS)" in (root / "ui" / "theme.py").read_text(encoding="utf-8")


def test_lessons_leave_page_state_to_ui_page() -> None:
    """A lesson reads controls, calls the core and draws: the link and the session are
    ``ui.page``'s business, so a new lesson cannot get them subtly wrong."""
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.glob("lessons/*.py")):
        text = path.read_text(encoding="utf-8")
        for banned in ("st.session_state", "st.query_params", "on_change", "st.stop("):
            assert banned not in text, f"{path.name} uses {banned}"
