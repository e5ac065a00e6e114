"""Smoke test of the browser harness itself, on a throwaway script instead of the real app.

If this fails, the problem is the machine (Chromium, ports, Streamlit), not a lesson page.
"""

import json
import os
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


ENV_SCRIPT = """\
import json
import os
from pathlib import Path

import streamlit as st

names = ("SPOTLIGHT_TEST_INHERITED", "SPOTLIGHT_TEST_EXTRA", *sorted(
    name for name in os.environ if name.startswith("OPENBLAS_")
))
Path(os.environ["SPOTLIGHT_TEST_OUT"]).write_text(json.dumps({n: os.environ.get(n) for n in names}))
st.write("done")
"""


def test_a_server_inherits_this_machines_environment_and_adds_to_it(
    tmp_path: Path, page: Page, monkeypatch
) -> None:
    """The server a test or benchmark starts sees every variable of ours (these machines set
    ``OPENBLAS_*`` on purpose: dropping them changes float results), plus its ``extra_env``."""
    script = tmp_path / "env_app.py"
    script.write_text(ENV_SCRIPT)
    out = tmp_path / "env.json"
    monkeypatch.setenv("SPOTLIGHT_TEST_INHERITED", "kept")
    monkeypatch.setenv("SPOTLIGHT_TEST_OUT", str(out))
    # At least one OPENBLAS_ variable, whatever this machine sets (0 is OpenBLAS's default).
    monkeypatch.setenv("OPENBLAS_VERBOSE", os.environ.get("OPENBLAS_VERBOSE", "0"))
    ours = {name: value for name, value in os.environ.items() if name.startswith("OPENBLAS_")}

    with start_server(script=script, extra_env={"SPOTLIGHT_TEST_EXTRA": "added"}) as server:
        page.goto(server.url)
        wait_for_app(page)
        expect(page.get_by_text("done")).to_be_visible()

    seen = json.loads(out.read_text())
    assert seen["SPOTLIGHT_TEST_INHERITED"] == "kept"
    assert seen["SPOTLIGHT_TEST_EXTRA"] == "added"
    assert ours and {k: v for k, v in seen.items() if k.startswith("OPENBLAS_")} == ours
