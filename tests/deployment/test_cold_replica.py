"""A freshly started server taking a whole class at once: a class opening the teacher's link
on a server that just woke up, or students reconnecting to a replica restarted after a crash.
No session may see an exception (the first st.dataframe used to import pandas while other
sessions' charts looked at the half-imported module: see ui/theme.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.common import LessonInfo, lessons, move
from bench.stclient import Session
from deploy.school import Replica, free_port, shared_environment
from tests.deployment import run_in_own_loop

SESSIONS = 28  # two or three per lesson, all opening within a second


async def _open_all(url: str) -> list[str]:
    async def student(info: LessonInfo) -> list[str]:
        async with Session(url, timeout=60) as session:
            run = await session.open(info.url_path)
            if info.control not in session.widgets:
                # Lesson 11 without its weights on disk offers to fetch them: no slider yet.
                return run.exceptions
            # One step of the slider that moves the lesson's chart (the temperature on most).
            grid = info.temperatures
            step = grid[(grid.index(info.t_default) + 1) % len(grid)]
            run2 = await move(session, info, step)
            return run.exceptions + run2.exceptions

    infos = lessons()
    results = await asyncio.gather(*(student(infos[i % len(infos)]) for i in range(SESSIONS)))
    return [e for r in results for e in r]


def test_a_cold_server_serves_a_whole_class_at_once_without_errors(tmp_path: Path) -> None:
    replica = Replica(free_port(), tmp_path / "server.log", shared_environment())
    replica.start()
    try:
        replica.wait_healthy(60)
        exceptions = run_in_own_loop(_open_all(replica.url))
        log = replica.log_path.read_text(errors="replace")
    finally:
        replica.stop()
    assert exceptions == [], exceptions[:3]
    assert "Traceback" not in log, log[log.find("Traceback") :][:3000]
