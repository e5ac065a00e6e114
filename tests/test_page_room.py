"""Lesson 1, the noisy room: the focus dial decides how much you hear your friend."""

from __future__ import annotations

from apptest_helpers import chart, open_lesson, values

from ui.lessons import LESSONS, ROOM


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
    assert friend_share(at) > 0.99 and at.metric[0].value == "100%"
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
    links = [el.proto.page for el in at.get("page_link")]
    assert len(links) == len(LESSONS) - 1
