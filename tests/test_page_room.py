"""Lesson 1, the noisy room: the focus dial decides how much you hear your friend."""

from __future__ import annotations

from apptest_helpers import chart, open_lesson, texts, values
from claims import check_room, pct_matches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import attention_core as ac
from ui.lessons import LESSONS, ROOM
from ui.params import TEMPERATURES


def friend_share(at) -> float:
    return values(chart(at, "room-chart")["data"][0], "x")[0]  # your friend is the first voice


def test_default_room_shows_every_voice_and_the_friend_leads() -> None:
    at = open_lesson(ROOM)
    assert not at.exception
    shares = values(chart(at, "room-chart")["data"][0], "x")
    assert len(shares) == 12
    assert shares[0] == max(shares)
    assert abs(sum(shares) - 1) < 1e-9
    assert at.metric[0].value == f"{shares[0]:.0%}"


def test_focus_sharpens_and_blurs_the_friends_share() -> None:
    at = open_lesson(ROOM)
    at.select_slider(key="t").set_value(0.05).run()
    assert friend_share(at) > 0.99 and at.metric[0].value == "nearly 100%"  # not a false 100%
    at.select_slider(key="t").set_value(20.0).run()
    assert friend_share(at) < 0.15
    assert float(at.metric[2].value.split()[0]) > 3.5  # nearly log2(12) = 3.58 bits


def test_more_voices_means_more_bars_and_less_for_the_friend() -> None:
    at = open_lesson(ROOM)
    before = friend_share(at)
    at.slider(key="voices").set_value(40).run()
    assert len(values(chart(at, "room-chart")["data"][0], "x")) == 40
    assert friend_share(at) < before


def test_the_home_page_links_every_other_lesson() -> None:
    at = open_lesson(ROOM)
    labels = [el.proto.label for el in at.get("page_link")]
    listed = [label for label in labels if not label.startswith(("Next:", "Previous:"))]
    assert len(listed) == len(LESSONS) - 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(ac.MIN_VOICES, ac.MAX_VOICES), t=st.sampled_from(TEMPERATURES))
def test_every_sentence_is_true_of_the_shares_drawn(n: int, t: float) -> None:
    """The intuition, the summary and the note hold for the room on screen, at any setting."""
    at = open_lesson(ROOM, {"voices": str(n), "t": f"{t:g}"})
    assert not at.exception, at.exception
    shares = values(chart(at, "room-chart")["data"][0], "x")
    text = "\n".join(texts(at))
    assert "most of it to the voice that matters" not in text
    assert "gets more than any other" in text and shares[0] == shares.max()
    assert pct_matches(at.metric[0].value, shares[0])
    assert pct_matches(at.metric[1].value, shares[1:].sum())
    summary = next(c.value for c in at.caption if c.value.startswith("Your friend gets"))
    check_room(summary, shares)
    note = next(i.value for i in at.info if "Lower the temperature" in i.value)
    cold = ac.listen(n, temperature=TEMPERATURES[0]).weights
    hot = ac.listen(n, temperature=TEMPERATURES[-1]).weights
    friend_cold = note.split("your friend gets ", 1)[1].split(":", 1)[0]
    assert pct_matches(friend_cold, cold[0]), note
    low, high = note.split("every voice gets between ", 1)[1].split(":", 1)[0].split(" and ")
    assert pct_matches(low, hot.min()) and pct_matches(high, hot.max()), note


def test_the_temperature_is_said_to_be_a_teaching_dial_once() -> None:
    at = open_lesson(ROOM)
    text = "\n".join(texts(at))
    assert "this dial, learned" not in text
    assert text.count("teaching dial") == 1
    assert "T = 1" in text and "W_Q and W_K" in text and "output" in text
