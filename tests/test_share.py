"""The share box works for a classroom: a copy button that is always there (a phone has no
hover), a warning when the link names this computer's loopback address (students' phones
cannot open 127.0.0.1 or localhost) with the address to use instead, and a QR code that opens
large for the back of the room. Issue 12, items 9 and 10.
"""

from __future__ import annotations

import pytest
from apptest_helpers import open_lesson, open_section

from ui.lessons import LESSONS
from ui.page import ShareAdvice, is_loopback, share_advice

LOOPBACK = [
    "127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "localhost.", "::1", "[::1]",
    "app.localhost", "0:0:0:0:0:0:0:1",
]  # fmt: skip
REACHABLE = ["192.168.1.20", "10.0.0.5", "spotlight.streamlit.app", "example.org", "::2", ""]


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_hosts_are_recognised(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", REACHABLE)
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(
    "link",
    ["http://127.0.0.1:8501/why?t=0.2", "http://localhost:8501/query", "http://[::1]:8501/math"],
)
def test_a_loopback_link_warns_and_offers_the_network_address(link: str) -> None:
    advice = share_advice(link, "192.168.1.20", None)
    assert advice.warning and "cannot open this link" in advice.warning
    assert "192\\.168\\.1\\.20" in advice.warning  # named, as Markdown
    assert advice.reachable is not None
    assert advice.reachable.startswith("http://192.168.1.20:8501/")
    # Everything but the host is kept: the same view, on an address phones can open.
    assert advice.reachable.split(":8501", 1)[1] == link.split(":8501", 1)[1]


def test_a_loopback_link_without_a_network_address_points_to_the_network_url() -> None:
    advice = share_advice("http://localhost:8501/why", None, None)
    assert advice.warning and "Network URL" in advice.warning
    assert advice.reachable is None


def test_a_server_listening_on_loopback_only_is_told_how_to_open_up() -> None:
    advice = share_advice("http://127.0.0.1:8501/why", "10.0.0.5", "127.0.0.1")
    assert advice.warning and "--server.address 0.0.0.0" in advice.warning
    assert advice.reachable is None  # that address would not answer yet


def test_an_ipv6_network_address_is_bracketed() -> None:
    advice = share_advice("http://localhost:8501/why?t=2", "fd00::5", None)
    assert advice.reachable == "http://[fd00::5]:8501/why?t=2"


@pytest.mark.parametrize(
    "link", ["https://spotlight.streamlit.app/why?t=0.2", "http://192.168.1.20:8501/why"]
)
def test_a_reachable_link_gets_no_warning(link: str) -> None:
    assert share_advice(link, "192.168.1.20", None) == ShareAdvice()


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.url_path for lesson in LESSONS])
def test_every_share_box_has_a_copy_button_the_warning_and_a_large_qr_code(lesson) -> None:
    # AppTest has no browser URL: the share link falls back to localhost, a loopback address.
    at = open_lesson(lesson)
    open_section(at, "Share this view")
    assert not at.exception, at.exception
    copy = [el for el in at.get("bidi_component") if getattr(el, "key", None) == "share-copy"]
    assert copy, "no copy button in the share box"
    assert any("cannot open this link" in w.value for w in at.warning)
    at.button(key="share-qr-large").click().run()
    assert not at.exception, at.exception


# ---- links meant for other devices use the network address (issue 21, item 1) --------------


def _qr_links(at) -> list[str]:
    """What every QR code on the page (and in an open dialog) decodes to."""
    import base64
    import io

    import zxingcpp
    from PIL import Image

    found = []
    for element in at.get("image"):
        for img in element.proto.imgs:
            head, _, data = img.url.partition(",")
            assert head == "data:image/png;base64", head
            picture = Image.open(io.BytesIO(base64.b64decode(data)))
            found += [code.text for code in zxingcpp.read_barcodes(picture)]
    return found


@pytest.fixture
def on_a_network(monkeypatch: pytest.MonkeyPatch) -> str:
    """The teacher's laptop is on the classroom Wi-Fi as 192.168.1.20."""
    import ui.page

    monkeypatch.setattr(ui.page, "network_address", lambda: "192.168.1.20")
    return "http://192.168.1.20:8501/"


@pytest.mark.parametrize("lesson", [LESSONS[2], LESSONS[8]], ids=["temperature", "heads"])
def test_the_student_link_and_every_qr_code_use_the_network_address(
    lesson, on_a_network: str
) -> None:
    # AppTest has no browser URL: the page was "opened" on localhost:8501, a loopback address.
    at = open_lesson(lesson, {"t": "0.5"})
    open_section(at, "Share this view")
    at.multiselect(key="student-hide").set_value(["presets"]).run()
    links = [c.value for c in at.code]
    student = [link for link in links if "predict=true" in link]
    assert student == [f"{on_a_network}{lesson.url_path}?t=0.5&hide=presets&predict=true"]
    # The teacher's own link stays (it works on this laptop), with the network one under it.
    assert links.count(f"http://localhost:8501/{lesson.url_path}?t=0.5") == 1
    warnings = [w.value for w in at.warning if "cannot open this link" in w.value]
    assert len(warnings) == 2, "the student link comes with the same warning"
    assert _qr_links(at) == [f"{on_a_network}{lesson.url_path}?t=0.5"]
    at.button(key="share-qr-student").click().run()
    assert not at.exception, at.exception
    assert student[0] in _qr_links(at), "the large student QR code encodes a loopback link"


def test_without_a_network_address_the_student_link_says_what_to_do(monkeypatch) -> None:
    import ui.page

    monkeypatch.setattr(ui.page, "network_address", lambda: None)
    at = open_lesson(LESSONS[0])
    open_section(at, "Share this view")
    student = [c.value for c in at.code if "predict=true" in c.value]
    assert student == ["http://localhost:8501/why?predict=true"]
    assert sum("Network URL" in w.value for w in at.warning) == 2
