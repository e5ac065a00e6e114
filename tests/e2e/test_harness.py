"""Smoke test of the browser harness itself, on a throwaway script instead of the real app.

If this fails, the problem is the machine (Chromium, ports, Streamlit), not a lesson page.
"""

from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import assert_no_streamlit_exception, start_server, wait_for_app

HELLO_SCRIPT = """\
import streamlit as st

st.title("hello")
st.slider("x", 0, 10, 3, key="x", bind="query-params")
"""


def test_harness_serves_a_script_and_restores_a_bound_slider(tmp_path: Path, page: Page) -> None:
    script = tmp_path / "hello_app.py"
    script.write_text(HELLO_SCRIPT)

    with start_server(script=script) as server:
        page.goto(f"{server.url}/?x=7")
        wait_for_app(page)

        expect(page.get_by_role("heading", name="hello")).to_be_visible()
        slider = page.get_by_role("slider")
        expect(slider).to_have_value("7")
        expect(page.get_by_test_id("stSliderThumbValue")).to_have_text("7")
        assert_no_streamlit_exception(page)
        assert page.errors == []  # type: ignore[attr-defined]
        assert page.dialogs == []  # type: ignore[attr-defined]
