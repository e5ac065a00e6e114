"""The class poll's storage (``classpoll``), on both databases it supports.

Every test that touches a database runs twice: on a SQLite file (the embedded default) and on a
real PostgreSQL server (the ``postgres`` fixture: Debian's package, started once per session in
a temp folder on a unix socket).
"""

from __future__ import annotations

import math
import threading
import time

import pytest
import sqlalchemy as sa

import classpoll
from classpoll import PollStore, PollUnavailable, Round, Saved, codes, store

FIRST = Round(
    lesson="softmax",
    view={"t": "0.5", "s1": "2"},
    prompt="At T = 0.5, which key takes the most weight?",
    options=("sous", "dessus", "no word stands out"),
    right=(0,),
)
SECOND = Round(
    lesson="softmax",
    view={"t": "5"},
    prompt="At T = 5?",
    options=("sous", "dessus", "no word stands out"),
    right=(2,),
)
ANNA, BEN, CHLOE = "anna-0123456789abcdef", "ben-0123456789abcdefg", "chloe-0123456789abcde"

HOSTILE = [
    "",
    " ",
    "x" * 100_000,
    "' OR 1=1 --",
    "1'; DROP TABLE poll_classes; --",
    "K7P4-2QX%",
    "КОД-КЛАСС",  # Cyrillic
    "K7P4\u200b2QXM",  # a zero-width space
    "\x00\x00\x00\x00\x00\x00\x00\x00",
    "../../etc/passwd",
    None,
    12345678,
]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def poll(poll_db_url: str):
    s = PollStore(poll_db_url)
    yield s
    s.dispose()


# ---- codes and keys ----------------------------------------------------------------------------


def test_codes_and_keys_are_random_enough_and_read_forgivingly() -> None:
    assert codes.CODE_BITS >= 40 and codes.KEY_BITS >= 128
    assert len(set(codes.ALPHABET)) == 2**5
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    code = next(iter(made))
    assert codes.parse_code(code) == code
    typed = codes.show_code(code).lower().replace("0", "o").replace("1", "l")
    assert codes.parse_code(f"  {typed} ") == code, "read as a student types it on a phone"
    key = codes.new_key()
    assert len(key) == 22 and codes.parse_key(key) == key
    assert math.log2(len(codes.ALPHABET)) * codes.CODE_SYMBOLS >= 40


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_no_code_and_no_key(text: object) -> None:
    assert codes.parse_code(text) is None
    assert codes.parse_key(text) is None


# ---- the schema ----------------------------------------------------------------------------------


def test_schema_is_created_once_versioned_and_shared(poll_db_url: str) -> None:
    first = PollStore(poll_db_url)
    made = first.create_class(FIRST)
    assert first.schema_version() == classpoll.SCHEMA_VERSION
    second = PollStore(poll_db_url)  # another replica starting on the same database
    assert second.state(made.code).round == FIRST
    assert second.schema_version() == classpoll.SCHEMA_VERSION
    first.dispose()
    second.dispose()


def test_an_older_schema_is_migrated_and_a_newer_one_refused(
    poll_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = PollStore(poll_db_url)
    setup.schema_version()
    with setup.engine.begin() as connection:
        connection.execute(store.schema_info.update().values(version=0))
    ran = []
    monkeypatch.setitem(store.MIGRATIONS, 0, lambda connection: ran.append(connection))
    migrated = PollStore(poll_db_url)
    assert migrated.schema_version() == classpoll.SCHEMA_VERSION and len(ran) == 1

    with setup.engine.begin() as connection:
        connection.execute(store.schema_info.update().values(version=99))
    newer = PollStore(poll_db_url)
    with pytest.raises(PollUnavailable, match="newer Spotlight"):
        newer.state(codes.new_code())
    for s in (setup, migrated, newer):
        s.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:
    s = PollStore(f"sqlite:///{tmp_path / 'data' / 'poll.db'}")  # the folder is made too
    s.create_class(FIRST)
    with s.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    s.dispose()


def test_the_database_comes_from_the_environment(tmp_path) -> None:
    url = classpoll.url_from_env({classpoll.DATA_DIR_ENV: str(tmp_path)})
    assert url == f"sqlite:///{tmp_path.resolve() / 'spotlight.db'}"
    pg = "postgresql+psycopg://poll@db.school.example/spotlight"
    assert classpoll.url_from_env({classpoll.DATABASE_URL_ENV: pg, "SPOTLIGHT_DATA_DIR": "x"}) == pg


# ---- a class, round by round ---------------------------------------------------------------------


def test_a_class_answers_one_answer_per_student_and_question(poll: PollStore) -> None:
    made = poll.create_class(FIRST)
    assert poll.state(made.code).number == 1
    assert poll.tally(made.code) == classpoll.Tally(0, (0, 0, 0))

    for student in (ANNA, BEN, CHLOE):
        assert poll.join(made.code, student)
    assert poll.join(made.code, ANNA), "a reload joins again without counting twice"
    assert poll.answer(made.code, 1, ANNA, 0) is Saved.SAVED
    assert poll.answer(made.code, 1, BEN, 1) is Saved.SAVED
    assert poll.answer(made.code, 1, BEN, 0) is Saved.SAVED, "changing it replaces it"
    assert poll.tally(made.code) == classpoll.Tally(3, (2, 0, 0))
    assert poll.my_answer(made.code, 1, BEN) == 0
    assert poll.my_answer(made.code, 1, CHLOE) is None

    assert poll.reveal(made.code, made.key, 1)
    assert poll.state(made.code).revealed
    assert poll.answer(made.code, 1, CHLOE, 2) is Saved.CLOSED, "after the reveal, too late"

    assert poll.next_round(made.code, made.key, SECOND) == 2
    now = poll.state(made.code)
    assert (now.number, now.round, now.revealed) == (2, SECOND, False)
    assert poll.tally(made.code) == classpoll.Tally(3, (0, 0, 0)), "a new question, no votes"
    assert poll.answer(made.code, 1, CHLOE, 2) is Saved.CLOSED, "the old question is closed"
    assert poll.answer(made.code, 2, CHLOE, 2) is Saved.SAVED
    assert poll.my_answer(made.code, 1, ANNA) == 0, "earlier answers are kept for the day"


def test_nothing_readable_is_stored_of_codes_keys_or_students(poll: PollStore) -> None:
    made = poll.create_class(FIRST)
    poll.answer(made.code, 1, ANNA, 0)
    with poll.engine.connect() as connection:
        rows = [
            repr(tuple(row))
            for table in (store.classes, store.members, store.answers)
            for row in connection.execute(sa.select(table))
        ]
    dump = "\n".join(rows)
    assert made.code not in dump and made.key not in dump
    assert set(store.members.c.keys()) == {"class_id", "student", "joined_at"}, "no names"


def test_a_student_link_can_never_reveal_or_end_a_poll(poll: PollStore) -> None:
    made = poll.create_class(FIRST)
    other = poll.create_class(SECOND)
    wrong_keys = [None, "", made.code, other.key, made.key[:-1] + "A", made.key + "A", "' OR 1=1"]
    if made.key[-1] == "A":
        wrong_keys[4] = made.key[:-1] + "B"
    for key in wrong_keys:
        assert not poll.is_teacher(made.code, key)
        assert not poll.reveal(made.code, key, 1)
        assert poll.next_round(made.code, key, SECOND) is None
        assert not poll.end(made.code, key)
    assert poll.state(made.code).round == FIRST and not poll.state(made.code).revealed
    assert poll.is_teacher(made.code, made.key) and not poll.is_teacher(other.code, made.key)


def test_hostile_codes_reach_no_class_and_raise_nothing(poll: PollStore) -> None:
    made = poll.create_class(FIRST)
    poll.answer(made.code, 1, ANNA, 0)
    for text in [*HOSTILE, codes.new_code()]:  # the last: well formed, but no such class
        assert poll.state(text) is None
        assert poll.tally(text) is None
        assert not poll.join(text, BEN)
        assert poll.answer(text, 1, BEN, 0) is Saved.REFUSED
        assert poll.my_answer(text, 1, ANNA) is None
        assert not poll.is_teacher(text, made.key)
        assert not poll.end(text, made.key)
    for student in HOSTILE:
        assert poll.answer(made.code, 1, student, 0) is Saved.REFUSED
    for choice in (-1, 3, 10**9):
        assert poll.answer(made.code, 1, BEN, choice) is Saved.REFUSED
    assert poll.tally(made.code) == classpoll.Tally(1, (1, 0, 0))


def test_answers_are_rate_limited_per_student(poll: PollStore, monkeypatch) -> None:
    made = poll.create_class(FIRST)
    saved = [poll.answer(made.code, 1, ANNA, i % 3) for i in range(store.RATE_LIMIT + 3)]
    assert saved[: store.RATE_LIMIT] == [Saved.SAVED] * store.RATE_LIMIT
    assert saved[store.RATE_LIMIT :] == [Saved.RATE_LIMITED] * 3
    assert poll.answer(made.code, 1, BEN, 1) is Saved.SAVED, "another student is not slowed"
    monkeypatch.setattr(store, "RATE_WINDOW_S", 0.0)  # the window has passed
    assert poll.answer(made.code, 1, ANNA, 2) is Saved.SAVED
    assert poll.my_answer(made.code, 1, ANNA) == 2


# ---- deletion ----------------------------------------------------------------------------------


def test_ending_a_poll_deletes_everything_of_that_class_only(poll: PollStore) -> None:
    ended, kept = poll.create_class(FIRST), poll.create_class(SECOND)
    for made in (ended, kept):
        poll.answer(made.code, 1, ANNA, 1)
    assert poll.end(ended.code, ended.key)
    assert poll.state(ended.code) is None and poll.tally(ended.code) is None
    assert poll.count_rows() == {"poll_classes": 1, "poll_members": 1, "poll_answers": 1}
    assert poll.tally(kept.code) == classpoll.Tally(1, (0, 1, 0))
    assert not poll.end(ended.code, ended.key), "ending twice: nothing left to end"


def test_a_class_is_deleted_after_24_hours(poll_db_url: str) -> None:
    clock = Clock()
    poll = PollStore(poll_db_url, clock=clock)
    old = poll.create_class(FIRST)
    poll.answer(old.code, 1, ANNA, 0)
    clock.now += 23.9 * 3600
    assert poll.state(old.code) is not None
    young = poll.create_class(SECOND)
    clock.now += 0.2 * 3600
    assert not poll.reveal(old.code, old.key, 1), "gone at 24 h, even before the sweep"
    assert poll.purge_expired() == 1
    assert poll.state(old.code) is None
    assert poll.count_rows() == {"poll_classes": 1, "poll_members": 0, "poll_answers": 0}
    assert poll.state(young.code) is not None
    poll.dispose()


# ---- concurrency and failure -------------------------------------------------------------------


def test_many_students_answering_at_once_lose_nothing(poll_db_url: str) -> None:
    """Two stores (two replicas) on one database, 16 threads each (the load test is bench/)."""
    replicas = [PollStore(poll_db_url), PollStore(poll_db_url)]
    made = replicas[0].create_class(FIRST)
    students = [f"student-{i:04d}-abcdefghijk" for i in range(120)]
    errors: list[BaseException] = []

    def answer(i: int) -> None:
        try:
            s = replicas[i % 2]
            s.join(made.code, students[i])
            assert s.answer(made.code, 1, students[i], i % 3) is Saved.SAVED
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(len(students))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert replicas[1].tally(made.code) == classpoll.Tally(120, (40, 40, 40))
    for s in replicas:
        s.dispose()


def test_an_unreachable_database_says_unavailable_and_fails_fast(tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    sqlite_down = PollStore(f"sqlite:///{blocker / 'poll.db'}")
    nothing_there = tmp_path / "no-server"
    nothing_there.mkdir()
    pg_down = PollStore(f"postgresql+psycopg://spotlight@/x?host={nothing_there}&port=5999")
    for down in (sqlite_down, pg_down):
        with pytest.raises(PollUnavailable, match="unavailable"):
            down.state(codes.new_code())
        started = time.perf_counter()
        with pytest.raises(PollUnavailable, match="did not answer a moment ago"):
            down.create_class(FIRST)
        assert time.perf_counter() - started < 0.1, "no new wait while it is known down"
    with pytest.raises(PollUnavailable, match="not supported"):
        PollStore("mysql://root@localhost/spotlight")


def test_the_poll_comes_back_when_postgresql_does(postgres, monkeypatch) -> None:
    url = postgres.create_database(f"comeback_{time.time_ns()}")
    poll = PollStore(url)
    made = poll.create_class(FIRST)
    poll.answer(made.code, 1, ANNA, 0)
    monkeypatch.setattr(store, "RETRY_AFTER_S", 0.0)
    postgres.kill()
    try:
        with pytest.raises(PollUnavailable):
            poll.tally(made.code)
    finally:
        postgres.start_again()
    assert poll.tally(made.code) == classpoll.Tally(1, (1, 0, 0)), "nothing lost, reconnected"
    poll.dispose()
