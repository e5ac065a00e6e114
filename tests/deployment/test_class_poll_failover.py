"""A class poll survives a replica killed mid-poll (issue 26), on SQLite and on PostgreSQL.

Two replicas behind nginx (``deploy.school``), a class of 24 simulated students (the browser's
websocket protocol, each with its id cookie: ``bench/class_poll.py``, which runs the same with
300). Once half have answered, the replica serving half the class is killed; its students
reconnect through nginx, as Streamlit's frontend does. No answer is lost, and every page that
had answered comes back showing "Answer saved". Without nginx (or PostgreSQL) these tests skip
locally and fail in CI, like the other deployment tests.
"""

from __future__ import annotations

import os

import pytest

from bench.class_poll import class_poll
from deploy.school import School
from tests.deployment import run_in_own_loop


@pytest.mark.parametrize("db", ["sqlite", "postgresql"])
def test_killing_a_replica_mid_poll_loses_no_answer(db: str, nginx: str, tmp_path, request) -> None:
    if db == "postgresql":
        url = request.getfixturevalue("postgres").create_database(f"failover_{os.getpid()}")
        replicas_env = {**os.environ, "SPOTLIGHT_DATABASE_URL": url}
    else:
        url = f"sqlite:///{tmp_path / 'spotlight.db'}"
        replicas_env = {**os.environ, "SPOTLIGHT_DATA_DIR": str(tmp_path)}
    with School(2, replica_env=replicas_env, debug_headers=False) as school:
        figures = run_in_own_loop(class_poll(school, url, n=24, window=6.0, kill=True))
    assert figures["joined"] == 24
    assert figures["answers_acknowledged"] == 24
    assert figures["answers_lost"] == 0, figures
    assert figures["reconnected"] > 0, "the kill moved no student: it tested nothing"
    assert figures["came_back_with_answer"] == figures["reconnected_having_answered"], figures
