"""A link notice tells the truth: the value it says a control kept is the value the control has.

Streamlit reads a bound widget's link value its own way (``voices=2.5`` became 2 while the
notice said "kept 12"); ``ui.page`` must hand every widget the value its notice names. Checked
for every control of every lesson (from the registry) over hostile and near-miss values, and
over generated number-like text.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from apptest_helpers import link_notice, open_lesson, widget
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ui.lessons import LESSONS, ROOM, SOFTMAX, Lesson
from ui.safe import md

LESSON_IDS = [lesson.url_path for lesson in LESSONS]

#: Values our parser rejects but Streamlit would read (2.5 -> 2, "True " -> default), values
#: both accept in different spellings, and plain garbage.
NEAR_MISSES = [
    "2.5", "7.9", " 3 ", "+2", ".5", "1e1", "0.20", "-0", "7.0",
    "TRUE", "True ", "yes", "1", "0", "one-hot ", "PCA",
    "nan", "inf", "", "abc", "1_000", "999", "-999", "<b>x</b>", "9" * 2_000,
]  # fmt: skip


def _kept(notice: str, key: str) -> str | None:
    """What the notice says the control ``key`` kept ("12", "the default"), or None."""
    match = re.search(
        rf"\*\*{re.escape(md(key))}(?:=(?:[^*\\]|\\.)*)?\*\*[^*]*?; kept (.+?)(?:; \*\*|\.$)",
        notice,
    )
    return re.sub(r"\\(.)", r"\1", match.group(1)) if match else None


def assert_notice_matches_widget(lesson: Lesson, query: dict[str, Any]) -> None:
    at = open_lesson(lesson, query)
    assert not at.exception, at.exception
    notice = link_notice(at)
    for param in (p for p in lesson.params if p.bound and p.key in query):
        try:
            raw, value = query[param.key], widget(at, param).value
        except KeyError:  # lesson 11 with no text draws only its prompt (and section 4)
            assert any(i.icon == ":material/keyboard:" for i in at.info), param.key
            continue
        kept = _kept(notice, param.key)
        where = f"{lesson.url_path}?{param.key}={raw!r:.40}"
        if kept is not None:
            # The notice names what the control holds.
            named = param.default if kept == "the default" else param.parse(kept)
            assert named == param.default, f"{where}: the notice keeps {kept!r}, not the default"
            assert value == named, f"{where}: notice says kept {kept!r}, control holds {value!r}"
        else:
            # No complaint: the control holds the link's value, as our parser reads it.
            parsed = param.parse(raw) if isinstance(raw, str) else None
            assert parsed is not None, f"{where}: rejected without a notice ({notice!r})"
            assert value == parsed, f"{where}: read as {parsed!r}, control holds {value!r}"


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
@pytest.mark.parametrize("raw", NEAR_MISSES, ids=[repr(v)[:12] for v in NEAR_MISSES])
def test_the_notice_names_the_value_every_control_ends_up_with(lesson: Lesson, raw: str) -> None:
    assert_notice_matches_widget(lesson, {p.key: raw for p in lesson.params if p.bound})


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_a_repeated_value_keeps_the_default_it_names(lesson: Lesson) -> None:
    # Streamlit would take the last of repeated values; the notice says the default.
    query = {p.key: ["3", "5"] for p in lesson.params if p.bound}
    at = open_lesson(lesson, query)
    notice = link_notice(at)
    for param in (p for p in lesson.params if p.bound):
        assert widget(at, param).value == param.default, param.key
        assert f"**{md(param.key)}** was given 2 times; kept " in notice, notice


def test_the_reported_case_voices_2_5() -> None:
    at = open_lesson(ROOM, {"voices": "2.5"})
    assert widget(at, ROOM.param("voices")).value == 12
    assert "kept 12" in link_notice(at)
    assert "voices" not in at.query_params  # the link no longer says 2.5 (nor 2)


def _number_like() -> st.SearchStrategy[str]:
    digits = st.text("0123456789", min_size=1, max_size=3)
    return st.one_of(
        st.builds(lambda a, b: f"{a}.{b}", digits, digits),
        st.builds(lambda s, a: f"{s}{a}", st.sampled_from(["", "-", "+", " "]), digits),
        st.sampled_from(["true", "false", "TRUE", " true", "0.05", "20", "0.050", "1.", "e"]),
        st.text(max_size=6),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=_number_like(), which=st.sampled_from([ROOM, SOFTMAX]))
def test_generated_link_values_notice_and_control_agree(raw: str, which: Lesson) -> None:
    assert_notice_matches_widget(which, {p.key: raw for p in which.params if p.bound})


# ---- every notice names why (issue 21, item 6) ------------------------------------------------


def _reason(notice: str, key: str) -> str:
    """The reason the notice gives for ``key``'s value: what follows ``**key=value**``."""
    match = re.search(rf"\*\*{re.escape(md(key))}=(?:[^*\\]|\\.)*\*\* ([^*;]+); kept ", notice)
    assert match, f"no reason for {key} in {notice!r}"
    return re.sub(r"\\(.)", r"\1", match.group(1))


def _true_of(reason: str, raw: str, low: float | None, high: float | None) -> bool:
    """Whether ``reason`` is true of ``raw``, checked from the text itself (not the parser)."""
    text = raw.strip()
    try:
        number = float(text)
    except ValueError:
        number = None
    if reason == "is empty":
        return not text
    if reason.startswith("is below the lowest value"):
        return number is not None and number < low
    if reason.startswith("is above the highest value"):
        return number is not None and number > high
    if reason.startswith("is not a whole number"):
        return number is not None and low <= number <= high and not number.is_integer()
    if reason.startswith("is not a plain number"):
        plain = re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text)
        return not plain or number is None or number != number or abs(number) == float("inf")
    if reason.startswith("is not a temperature on the slider"):
        return number is not None
    return reason in ("is not true or false",) or reason.startswith("is not one of ")


@pytest.mark.parametrize("lesson", [ROOM, SOFTMAX], ids=["why", "temperature"])
@pytest.mark.parametrize("raw", NEAR_MISSES[:-1], ids=[repr(v)[:12] for v in NEAR_MISSES[:-1]])
def test_every_notice_says_truly_why_a_value_was_not_used(lesson: Lesson, raw: str) -> None:
    query = {p.key: raw for p in lesson.params if p.bound}
    notice = link_notice(open_lesson(lesson, query))
    assert "is not valid" not in notice, notice  # a reason, not a verdict
    for param in (p for p in lesson.params if p.bound and p.parse(raw) is None):
        reason = _reason(notice, param.key)
        assert _true_of(reason, raw, param.low, param.high), (param.key, raw, reason)


def test_voices_2_5_is_in_range_but_not_whole() -> None:
    notice = re.sub(r"\\(.)", r"\1", link_notice(open_lesson(ROOM, {"voices": "2.5"})))
    assert "**voices=2.5** is not a whole number (2 to 40); kept 12" in notice, notice
    notice = re.sub(r"\\(.)", r"\1", link_notice(open_lesson(ROOM, {"voices": "99"})))
    assert "**voices=99** is above the highest value, 40; kept 12" in notice, notice
