"""A class poll of 300 students through nginx and 2 replicas, on SQLite and on PostgreSQL.

``python -m bench.class_poll`` (about 5 minutes): for each database, a school of 2 replicas
behind nginx (``deploy.school``; PostgreSQL: ``deploy.postgres``, a throwaway server), a class
started on lesson 3 (softmax), and

- **load**: 300 simulated students (``bench.stclient``: the browser's websocket protocol, each
  with its own id cookie) open the student link, then all answer within 10 s, while each
  page's 2-s refresh runs as a browser's timer would run it; a simulated projector (the
  teacher's page, its live fragment rerun every 2 s) reads "N answered". Figures: answers
  acknowledged vs. stored (0 lost), and the time from the last answer to the projector showing
  300 (target < 3 s);
- **failover**: the same class size; once half the students have answered, the replica serving
  half of them is killed (SIGKILL). Their pages reconnect through nginx to the survivor with
  the same link and cookie, as Streamlit's frontend does; figures: answers lost (0), pages that
  came back showing the answer they had saved, and the answers after the kill.

Results go to ``bench/results/class_poll.json``; ``bench/RESULTS.md`` quotes them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.stclient import Session
from classpoll import PollStore, Round
from deploy.postgres import LocalPostgres
from deploy.school import School
from ui import poll as poll_ui
from ui.lessons import CLASS, SOFTMAX, TEACHER

RESULTS = Path(__file__).with_name("results") / "class_poll.json"
#: Lesson 3's question at its default view, as the teacher's page asks it (``ui.questions``).
OPTIONS = (
    "less than a quarter",
    "a quarter to a half",
    "half to three quarters",
    "more than three quarters",
)
_ANSWERED = re.compile(r"\*\*(\d+)\*\* answered")


def _first_round() -> Round:
    return Round(
        lesson=SOFTMAX.url_path,
        view={},
        prompt="At temperature 1: how large is the largest weight?",
        options=OPTIONS,
        right=(1,),
    )


@dataclass
class Student:
    sid: str
    choice: int
    answer_at: float  # seconds after the answering window opens
    acked: bool = False
    acked_at: float = 0.0
    reconnected: bool = False
    came_back_with_answer: bool | None = None
    errors: list[str] = field(default_factory=list)


async def _open(url: str, student: Student, query: dict[str, str]) -> Session:
    session = Session(url, timeout=120, cookies={poll_ui.COOKIE: student.sid})
    await session.connect()
    run = await session.open(SOFTMAX.url_path, query)
    if run.exceptions:
        student.errors.extend(run.exceptions)
    return session


async def _student(
    url: str, student: Student, query: dict[str, str], radio: str, go: asyncio.Event,
    t0: list[float], end: float, half: asyncio.Event, n_half: int, counter: list[int],
) -> None:  # fmt: skip
    session = await _open(url, student, query)
    await go.wait()
    next_tick = time.perf_counter() + random.uniform(0, 2)
    while time.perf_counter() < end:
        try:
            now = time.perf_counter()
            if not student.acked and now - t0[0] >= student.answer_at:
                await session.set_radio(radio, student.choice)
                student.acked, student.acked_at = True, time.perf_counter()
                counter[0] += 1
                if counter[0] >= n_half:
                    half.set()
            elif now >= next_tick:
                for fragment in list(session.auto_reruns):
                    await session.rerun_fragment(fragment)
                next_tick = now + 2.0
            else:
                await asyncio.sleep(0.05)
        except Exception as error:  # a killed replica closes the websocket: reconnect
            with_answer = student.acked
            student.errors.append(type(error).__name__)
            await session.close()
            await asyncio.sleep(random.uniform(0.5, 1.5))  # the frontend's backoff
            session = await _open(url, student, query)
            student.reconnected = True
            if with_answer:
                # The last run's texts say whether the page shows the saved answer.
                run = await session.open(SOFTMAX.url_path, query)
                student.came_back_with_answer = any("Answer saved" in t for t in run.texts)
    await session.close()


async def _projector(url: str, query: dict[str, str], seen: list[tuple[float, int]], end: float):
    session = Session(url, timeout=120)
    await session.connect()
    await session.open(SOFTMAX.url_path, query)
    while time.perf_counter() < end:
        await asyncio.sleep(2.0)
        try:
            for fragment in list(session.auto_reruns):
                run = await session.rerun_fragment(fragment)
                for text in run.texts:
                    if found := _ANSWERED.search(text):
                        seen.append((time.perf_counter(), int(found.group(1))))
        except Exception:
            await session.close()
            session = Session(url, timeout=120)
            await session.connect()
            await session.open(SOFTMAX.url_path, query)
    await session.close()


async def class_poll(
    school: School, database_url: str, n: int = 300, window: float = 10.0, kill: bool = False
) -> dict:
    """One class of ``n`` through ``school``; the figures (see the module docstring)."""
    store = PollStore(database_url)
    made = store.create_class(_first_round())
    state = store.state(made.code)
    query = poll_ui.student_query(SOFTMAX.url_path, {}, made.code)
    radio = f"poll-choice-{made.code}-{state.number}"
    rng = random.Random(26)
    students = [
        Student(
            f"bench-{i:04d}-{rng.getrandbits(64):016x}", rng.randrange(4), rng.uniform(0, window)
        )
        for i in range(n)
    ]
    go, half = asyncio.Event(), asyncio.Event()
    t0 = [0.0]
    counter = [0]
    opened = time.perf_counter()
    end = opened + 10**6
    seen: list[tuple[float, int]] = []
    tasks = []
    for student in students:  # arrive over a few seconds, as a class does
        tasks.append(
            asyncio.create_task(
                _student(school.url, student, query, radio, go, t0, end, half, n // 2, counter)
            )
        )
        await asyncio.sleep(0.02)
    while True:
        joined = store.tally(made.code).joined
        if joined >= n or time.perf_counter() - opened > 300:
            break
        await asyncio.sleep(0.5)
    open_s = time.perf_counter() - opened
    teacher_query = {CLASS.key: made.code, TEACHER.key: made.key}
    projector_end = [time.perf_counter() + window + 60]
    projector = asyncio.create_task(_projector(school.url, teacher_query, seen, projector_end[0]))
    await asyncio.sleep(2.5)
    t0[0] = time.perf_counter()
    go.set()
    killed_at = None
    if kill:
        await half.wait()
        killed_at = time.perf_counter() - t0[0]
        school.kill(0)
    deadline = time.perf_counter() + window + 120
    while not all(s.acked for s in students) and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    last_answer = max((s.acked_at for s in students if s.acked), default=time.perf_counter())
    while time.perf_counter() < last_answer + 15 and not any(c >= n for _, c in seen):
        await asyncio.sleep(0.2)
    shown = next((t for t, c in seen if c >= n), None)
    end_now = time.perf_counter()
    for task in tasks:  # each loop ends at ``end``: stop them now
        task.cancel()
    projector.cancel()
    await asyncio.gather(*tasks, projector, return_exceptions=True)
    del end_now
    tally = store.tally(made.code)
    stored = tally.answered
    acked = sum(s.acked for s in students)
    stored_right = sum(
        store.my_answer(made.code, state.number, s.sid) == s.choice for s in students if s.acked
    )
    store.end(made.code, made.key)
    store.dispose()
    reconnected = [s for s in students if s.reconnected]
    return {
        "students": n,
        "joined": tally.joined,
        "open_all_s": round(open_s, 1),
        "answers_acknowledged": acked,
        "answers_stored": stored,
        "answers_stored_as_sent": stored_right,
        "answers_lost": acked - stored_right,
        "answer_window_s": round(last_answer - t0[0], 1),
        "projector_shows_all_after_last_answer_s": None
        if shown is None
        else round(shown - last_answer, 2),
        "killed_at_s": None if killed_at is None else round(killed_at, 1),
        "reconnected": len(reconnected),
        "came_back_with_answer": sum(bool(s.came_back_with_answer) for s in reconnected),
        "reconnected_having_answered": sum(
            s.came_back_with_answer is not None for s in reconnected
        ),
        "errors_seen": sum(len(s.errors) for s in students),
    }


def run(databases: tuple[str, ...] = ("sqlite", "postgresql"), n: int = 300) -> dict:
    results: dict = {}
    for db in databases:
        pg = LocalPostgres().start() if db == "postgresql" else None
        data = tempfile.mkdtemp(prefix="spotlight-poll-bench-")
        url = pg.create_database("classpoll") if pg else f"sqlite:///{data}/spotlight.db"
        database = {"SPOTLIGHT_DATABASE_URL": url} if pg else {"SPOTLIGHT_DATA_DIR": data}
        replicas_env = {**os.environ, **database}  # ours, extended
        try:
            for kind in ("load", "failover"):
                print(f"[class poll] {db}: {kind} with {n} students", file=sys.stderr, flush=True)
                with School(2, replica_env=replicas_env, debug_headers=False) as school:
                    figures = asyncio.run(class_poll(school, url, n=n, kill=kind == "failover"))
                results[f"{db}/{kind}"] = figures
                print(json.dumps(figures), file=sys.stderr, flush=True)
        finally:
            if pg:
                pg.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append")
    args = parser.parse_args()
    results = run(tuple(args.db or ("sqlite", "postgresql")), args.students)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
