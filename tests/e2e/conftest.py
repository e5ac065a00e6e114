"""The browser harness: real Streamlit servers driven by Debian's Chromium through Playwright.

Everything in tests/e2e is marked ``e2e``. Skip the browser tests with ``pytest -m "not e2e"``.

Chromium comes from Debian (``apt-get install -y chromium``), not from ``playwright install``,
which cannot download browsers on this project's machines. Without it the browser tests are
skipped on a laptop but fail in CI (``CI=true``), so a broken CI machine never passes silently.

Typical test::

    from .conftest import assert_no_streamlit_exception, wait_for_app


    def test_home_page_renders(app_url, page):
        page.goto(app_url)
        wait_for_app(page)
        assert_no_streamlit_exception(page)
        assert page.errors == []
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCRIPT = "streamlit_app.py"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The flags checked on this project's machines (see DESIGN.md, "Browser").
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
VIEWPORT = {"width": 1366, "height": 768}  # a typical classroom laptop / projector

# Streamlit's frontend mirrors its state on the app root (Streamlit 1.67, App.tsx):
#   data-test-connection-state: INITIAL, CONNECTING, CONNECTED, DISCONNECTED_FOREVER, ...
#   data-test-script-state: initial (no run yet), running, rerunRequested, stopRequested,
#                           notRunning, compilationError
APP_ROOT = "[data-testid='stApp']"
APP_CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
SCRIPT_FINISHED = (
    "[data-testid='stApp'][data-test-script-state='notRunning'],"
    "[data-testid='stApp'][data-test-script-state='compilationError']"
)


def pytest_configure(config: pytest.Config) -> None:
    # Registered here, not in pyproject.toml, so tests/e2e stays self-contained. Slow tests
    # still run by default (and in CI); deselect them locally with ``-m "not slow"``.
    config.addinivalue_line(
        "markers", "slow: browser tests that start extra servers or take many screenshots"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e as ``e2e`` (this hook sees the whole session's items)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


# --------------------------------------------------------------------------------------------
# Streamlit servers
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class ServerHandle:
    """A running ``streamlit run`` process on 127.0.0.1. Stop it with ``stop()`` (idempotent)."""

    process: subprocess.Popen[bytes]
    port: int
    script: Path
    log_path: Path
    _log_file: IO[bytes] = field(repr=False)
    _final_log: str | None = field(default=None, repr=False)
    #: Seconds from starting the process to the first healthy answer.
    startup_seconds: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        """Everything the server printed so far (stdout and stderr, interleaved)."""
        if self._final_log is not None:
            return self._final_log
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate, then kill if needed; always reap the process so no zombie is left.

        The log file is removed; ``log()`` still returns what the server printed."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self._final_log is None:
            self._final_log = self.log()
            self._log_file.close()
            self.log_path.unlink(missing_ok=True)
        _live_servers.discard(self)

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


_live_servers: set[ServerHandle] = set()


@atexit.register
def _stop_leftover_servers() -> None:
    # Fixtures stop their servers; this only catches an interrupted run.
    for server in list(_live_servers):
        server.stop()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:]) or "(nothing)"


class _PortTaken(RuntimeError):
    pass


def start_server(
    port: int | None = None,
    extra_args: Sequence[str] = (),
    script: str | os.PathLike[str] = DEFAULT_SCRIPT,
    timeout: float = 30.0,
    *,
    module: str = "streamlit",
    extra_env: Mapping[str, str] | None = None,
    poll: float = 0.2,
    cwd: Path = REPO_ROOT,
    head: Sequence[str] | None = None,
) -> ServerHandle:
    """Start ``streamlit run SCRIPT`` from the repo root and wait until /_stcore/health says ok.

    ``port=None`` picks a free loopback port (and retries with another one if it was taken in
    the meantime). ``script`` is relative to the repo root unless absolute. The caller stops the
    server: ``with start_server() as server: ...`` or ``server.stop()``. The benchmarks run the
    same command through another ``module`` (a timing hook), with ``extra_env`` added to our
    environment (never replacing it: these machines set ``OPENBLAS_*`` on purpose), and
    poll health more often (``poll`` seconds) so ``startup_seconds`` is not rounded up.
    ``cwd`` serves another checkout from its own folder (its config and modules); ``head``
    replaces ``python -m MODULE`` in the command.
    """
    attempts = 3 if port is None else 1
    for attempt in range(1, attempts + 1):
        try:
            return _start_server_once(
                port or _free_port(),
                extra_args,
                script,
                timeout,
                head or (sys.executable, "-m", module),
                extra_env or {},
                poll,
                Path(cwd),
            )
        except _PortTaken:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _start_server_once(
    port: int,
    extra_args: Sequence[str],
    script: str | os.PathLike[str],
    timeout: float,
    head: Sequence[str],
    extra_env: Mapping[str, str],
    poll: float,
    cwd: Path,
) -> ServerHandle:
    script_path = (cwd / script).resolve()
    command = [
        *head,
        "run",
        str(script_path),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        *extra_args,
    ]
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 -- closed by ServerHandle.stop()
        prefix=f"streamlit-{port}-", suffix=".log", delete=False
    )
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **extra_env}
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    server = ServerHandle(process, port, script_path, Path(log_file.name), log_file)
    _live_servers.add(server)

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            server.stop()
            log = server.log()
            # Streamlit 1.67 says "Port N is not available"; older ones "... is already in use".
            taken = any(f"Port {port} is {word}" in log for word in ("not available", "already"))
            raise (_PortTaken if taken else RuntimeError)(
                f"Streamlit exited with code {process.returncode} before it was healthy.\n"
                f"Command: {' '.join(command)}\nOutput:\n{_tail(log)}"
            )
        if _is_healthy(server.url):
            server.startup_seconds = time.perf_counter() - start
            return server
        time.sleep(poll)

    server.stop()
    raise RuntimeError(
        f"Streamlit did not answer {server.url}/_stcore/health with 'ok' within {timeout:.0f} s.\n"
        f"Command: {' '.join(command)}\nOutput:\n{_tail(server.log())}"
    )


@pytest.fixture(scope="session")
def app_server() -> Iterator[ServerHandle]:
    """One server for the real app, shared by the whole session."""
    with start_server() as server:
        yield server


@pytest.fixture(scope="session")
def app_url(app_server: ServerHandle) -> str:
    """Base URL of the shared app server, e.g. ``http://127.0.0.1:41234`` (no trailing slash)."""
    return app_server.url


@pytest.fixture
def fresh_server() -> Iterator[Callable[..., ServerHandle]]:
    """Factory for cold-start tests: each call starts a new server (same arguments as
    ``start_server``); all of them are stopped when the test ends."""
    servers: list[ServerHandle] = []

    def factory(*args: object, **kwargs: object) -> ServerHandle:
        server = start_server(*args, **kwargs)  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


# --------------------------------------------------------------------------------------------
# The browser
# --------------------------------------------------------------------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium: ``$SPOTLIGHT_CHROMIUM`` or /usr/bin/chromium. Skips if missing,
    except in CI, where a missing browser is a failure."""
    path = os.environ.get("SPOTLIGHT_CHROMIUM") or DEFAULT_CHROMIUM
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    if _in_ci():
        pytest.fail(
            f"Chromium not found at {path} and CI={os.environ.get('CI')}: browser tests must run "
            "in CI. Install it with: apt-get install -y chromium (or set SPOTLIGHT_CHROMIUM).",
            pytrace=False,
        )
    pytest.skip(f"Chromium not found at {path}; install it with: sudo apt-get install -y chromium")


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(chromium_path: str, playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path, headless=True, args=list(CHROMIUM_ARGS)
    )
    yield browser
    browser.close()


def recording_page(context: BrowserContext) -> Page:
    """A new page in ``context`` that records what went wrong:

    - ``page.errors``: uncaught JavaScript errors (``pageerror``), as strings;
    - ``page.console_errors``: ``console.error`` messages (informational, Streamlit logs some);
    - ``page.dialogs``: messages of alert/confirm/prompt dialogs, which are dismissed.
    """
    page = context.new_page()
    errors: list[str] = []
    console_errors: list[str] = []
    dialogs: list[str] = []
    page.errors = errors  # type: ignore[attr-defined]
    page.console_errors = console_errors  # type: ignore[attr-defined]
    page.dialogs = dialogs  # type: ignore[attr-defined]

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", on_dialog)
    return page


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own browser context (1366x768); see ``recording_page``."""
    context = browser.new_context(viewport=VIEWPORT)
    yield recording_page(context)
    context.close()


@pytest.fixture(scope="session")
def warm_context(browser: Browser) -> Iterator[BrowserContext]:
    """One 1366x768 context for the whole session, so Streamlit's JavaScript (~20 MB, cached
    as immutable) is fetched and compiled once instead of once per test. Each test still gets
    its own page, hence its own Streamlit session."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.fixture
def warm_page(warm_context: BrowserContext) -> Iterator[Page]:
    """Like ``page`` (a new Streamlit session that records errors and dialogs), but in the
    shared ``warm_context``: use it for every test that does not need its own context."""
    page = recording_page(warm_context)
    yield page
    page.close()


# --------------------------------------------------------------------------------------------
# Helpers for tests
# --------------------------------------------------------------------------------------------


def wait_for_app(page: Page, timeout: float = 30000, settle_ms: int = 300) -> None:
    """Wait until the Streamlit app is connected and its script run has finished.

    Signal: the app root ``[data-testid=stApp]`` carries ``data-test-connection-state`` and
    ``data-test-script-state``; the run is over when the latter is ``notRunning`` (or
    ``compilationError``), and no ``stSkeleton`` placeholder is left. After a widget interaction,
    the rerun may not have started yet when this is called: the short pause at the start
    (as in Streamlit's own e2e helpers) covers that. ``timeout`` (milliseconds) applies to each
    step: on a fresh browser context the lazy-loaded chart code alone can take ~10 s to replace
    its skeletons on a busy 2-core machine.
    """
    page.wait_for_timeout(150)
    page.wait_for_selector(APP_ROOT, state="attached", timeout=timeout)
    page.wait_for_selector(APP_CONNECTED, state="attached", timeout=timeout)
    page.wait_for_selector(SCRIPT_FINISHED, state="attached", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
    if settle_ms:
        page.wait_for_timeout(settle_ms)


def assert_no_streamlit_exception(page: Page) -> None:
    """Fail if the app shows an error: an exception box (``stException``, an uncaught error in
    the script) or the "Script execution error" dialog of a script that does not compile."""
    boxes = page.locator("[data-testid='stException']")
    shown = [boxes.nth(i).inner_text() for i in range(boxes.count()) if boxes.nth(i).is_visible()]
    if page.locator(f"{APP_ROOT}[data-test-script-state='compilationError']").count():
        dialog = page.get_by_role("dialog")
        shown.append(dialog.first.inner_text() if dialog.count() else "compilation error")
    if shown:
        pytest.fail("Streamlit shows an exception:\n\n" + "\n\n---\n\n".join(shown), pytrace=False)
