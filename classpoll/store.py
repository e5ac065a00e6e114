"""Where a class poll lives: SQLAlchemy Core over SQLite (one machine) or PostgreSQL (several).

Three tables, nothing personal in them: a class (the hash of its code and of its teacher key, the
current round: which lesson, which view, which question, revealed or not), who joined (a random
id per browser, never a name) and one answer per student per round (answering again replaces
it). Everything of a class is deleted 24 h after it was made, or when the teacher ends it.

SQLite is the embedded default: one file, in WAL mode so several replicas on one machine read
while one writes, with a busy timeout so writers queue instead of failing. PostgreSQL is chosen by
URL (``SPOTLIGHT_DATABASE_URL``), for replicas on several machines. Every statement is built by
SQLAlchemy with bound parameters: no SQL text is ever made from what a link or a student sent.

Any database trouble (down, unreachable, locked for too long, a schema from a newer Spotlight)
becomes ``PollUnavailable``: the lesson goes on without the poll. After a failure the store
answers "unavailable" at once for ``RETRY_AFTER_S`` instead of making every student's page wait
for a connection timeout.
"""

from __future__ import annotations

import collections
import contextlib
import enum
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from . import codes

#: The schema this code writes; older ones are migrated on start, newer ones refused.
SCHEMA_VERSION = 1
#: Migrations, each from its key to key + 1 (none yet: version 1 is the first).
MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {}
#: How long a class lives.
TTL_S = 24 * 3600.0
#: Answers a student may send per ``RATE_WINDOW_S`` (changing one's mind a few times is fine;
#: a script hammering the button is not).
RATE_LIMIT = 6
RATE_WINDOW_S = 10.0
#: After a database failure, answer "unavailable" at once for this long.
RETRY_AFTER_S = 5.0
#: How often expired classes are swept (besides at every new class).
PURGE_EVERY_S = 600.0

DATABASE_URL_ENV = "SPOTLIGHT_DATABASE_URL"
DATA_DIR_ENV = "SPOTLIGHT_DATA_DIR"
SQLITE_FILE = "spotlight.db"

_STUDENT = re.compile(r"[A-Za-z0-9_-]{16,64}")

metadata = sa.MetaData()
schema_info = sa.Table(
    "spotlight_schema",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)
classes = sa.Table(
    "poll_classes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("lesson", sa.String(64), nullable=False),
    sa.Column("view", sa.Text, nullable=False),  # JSON: the link values of the view
    sa.Column("prompt", sa.Text, nullable=False),
    sa.Column("options", sa.Text, nullable=False),  # JSON list of strings
    sa.Column("right_options", sa.Text, nullable=False),  # JSON list of indices
    sa.Column("revealed", sa.Boolean, nullable=False),
)
members = sa.Table(
    "poll_members",
    metadata,
    sa.Column("class_id", sa.Integer, primary_key=True),
    sa.Column("student", sa.String(64), primary_key=True),
    sa.Column("joined_at", sa.Float, nullable=False),
)
answers = sa.Table(
    "poll_answers",
    metadata,
    sa.Column("class_id", sa.Integer, primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("student", sa.String(64), primary_key=True),
    sa.Column("choice", sa.Integer, nullable=False),
    sa.Column("answered_at", sa.Float, nullable=False),
)


class PollUnavailable(RuntimeError):
    """The database cannot be reached or used; the message says why, in plain words."""


class Saved(enum.Enum):
    """What became of an answer."""

    SAVED = "saved"
    #: The teacher has revealed this round (or moved on): answers are closed.
    CLOSED = "closed"
    #: Too many answers in a short time from this student.
    RATE_LIMITED = "rate limited"
    #: No such class (ended, expired, or a wrong code), or not a choice of the question.
    REFUSED = "refused"


@dataclass(frozen=True)
class Round:
    """What the whole class is asked: a lesson's question at one view."""

    lesson: str
    view: Mapping[str, str]
    prompt: str
    options: tuple[str, ...]
    right: tuple[int, ...]


@dataclass(frozen=True)
class ClassState:
    """A class as the pages see it: the current round, and whether it is revealed."""

    code: str
    number: int  # the round's number, 1 for the first question
    round: Round
    revealed: bool
    expires_at: float


@dataclass(frozen=True)
class Tally:
    """How the class answered the current round: ``counts[i]`` chose option i."""

    joined: int
    counts: tuple[int, ...]

    @property
    def answered(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class NewClass:
    code: str
    key: str


def parse_student(text: object) -> str | None:
    """A student id as the app makes them (random, URL-safe), or None."""
    if isinstance(text, str) and text.isascii() and _STUDENT.fullmatch(text):
        return text
    return None


def url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The database to use: ``SPOTLIGHT_DATABASE_URL``, else a SQLite file in
    ``SPOTLIGHT_DATA_DIR`` (default: ``data/`` beside the app)."""
    env = os.environ if environ is None else environ
    url = env.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    folder = Path(env.get(DATA_DIR_ENV, "").strip() or Path(__file__).parent.parent / "data")
    return f"sqlite:///{folder.resolve() / SQLITE_FILE}"


def describe(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(an unreadable database URL)"


class PollStore:
    """The class polls of one database. Thread-safe: one per process is enough."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self._clock = clock
        self._lock = threading.Lock()
        self._ready = False
        self._down_until = 0.0
        self._next_purge = 0.0
        self._recent: dict[tuple[int, str], collections.deque[float]] = {}
        try:
            self.engine = _engine(url)
        except Exception as error:  # a malformed URL, a missing driver
            raise PollUnavailable(f"cannot use the database {describe(url)}: {error}") from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PollStore:
        return cls(url_from_env(environ))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # ---- connections, schema -------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sa.Connection]:
        """A transaction, the schema made sure of; database errors become PollUnavailable."""
        if time.monotonic() < self._down_until:
            raise PollUnavailable("the database did not answer a moment ago")
        try:
            if not self._ready:
                self._ensure_schema()
            with self.engine.begin() as connection:
                yield connection
        except SQLAlchemyError as error:
            self._down_until = time.monotonic() + RETRY_AFTER_S
            raise PollUnavailable(
                f"the database {describe(self.url)} is unavailable ({type(error).__name__})"
            ) from error

    def _ensure_schema(self) -> None:
        """Create the tables on first start, migrate an older schema, refuse a newer one."""
        with self._lock:
            if self._ready:
                return
            if self.dialect == "sqlite":
                path = self.engine.url.database
                if path and path != ":memory:":
                    with contextlib.suppress(OSError):  # unwritable: connecting says so
                        Path(path).parent.mkdir(parents=True, exist_ok=True)
            for attempt in range(3):  # two replicas starting at once may race to create
                try:
                    with self.engine.begin() as connection:
                        self._create_or_migrate(connection)
                    break
                except IntegrityError:
                    if attempt == 2:
                        raise
                except SQLAlchemyError as error:
                    if attempt == 2 or "exist" not in str(error).lower():
                        raise
                time.sleep(0.2)
            self._ready = True

    def _create_or_migrate(self, connection: sa.Connection) -> None:
        metadata.create_all(connection, checkfirst=True)
        version = connection.scalar(
            sa.select(schema_info.c.version).where(schema_info.c.name == "classpoll")
        )
        if version is None:
            connection.execute(
                schema_info.insert().values(name="classpoll", version=SCHEMA_VERSION)
            )
            return
        if version > SCHEMA_VERSION:
            raise PollUnavailable(
                f"the database holds poll schema version {version}, made by a newer Spotlight "
                f"(this one knows version {SCHEMA_VERSION}): upgrade this replica"
            )
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](connection)
            version += 1
            connection.execute(
                schema_info.update()
                .where(schema_info.c.name == "classpoll")
                .values(version=version)
            )

    def schema_version(self) -> int:
        with self._connect() as connection:
            return int(
                connection.scalar(
                    sa.select(schema_info.c.version).where(schema_info.c.name == "classpoll")
                )
            )

    # ---- the teacher ---------------------------------------------------------------------

    def create_class(self, first: Round) -> NewClass:
        """A new class asking ``first``: its code (for students) and key (for the teacher)."""
        now = self._clock()
        self.purge_expired()
        for _ in range(5):  # a clash of 40-bit codes is rare; try again if it happens
            code, key = codes.new_code(), codes.new_key()
            try:
                with self._connect() as connection:
                    connection.execute(
                        classes.insert().values(
                            code_hash=codes.digest(code),
                            key_hash=codes.digest(key),
                            created_at=now,
                            expires_at=now + TTL_S,
                            round=1,
                            revealed=False,
                            **_round_values(first),
                        )
                    )
                return NewClass(code, key)
            except PollUnavailable as error:
                if not isinstance(error.__cause__, IntegrityError):
                    raise
                self._down_until = 0.0
        raise PollUnavailable("could not make a unique class code")

    def is_teacher(self, code: object, key: object) -> bool:
        """Whether ``key`` is the teacher key of the live class ``code`` (constant-time)."""
        return self._teacher_row(code, key) is not None

    def reveal(self, code: object, key: object, number: int) -> bool:
        """Reveal round ``number`` to the class; False for a wrong key or another round."""
        row = self._teacher_row(code, key)
        if row is None:
            return False
        with self._connect() as connection:
            done = connection.execute(
                classes.update()
                .where(classes.c.id == row.id, classes.c.round == number)
                .values(revealed=True)
            )
        return done.rowcount == 1

    def next_round(self, code: object, key: object, question: Round) -> int | None:
        """Move the whole class on to ``question``; its round number, or None (wrong key)."""
        row = self._teacher_row(code, key)
        if row is None:
            return None
        with self._connect() as connection:
            connection.execute(
                classes.update()
                .where(classes.c.id == row.id)
                .values(round=classes.c.round + 1, revealed=False, **_round_values(question))
            )
            return int(connection.scalar(sa.select(classes.c.round).where(classes.c.id == row.id)))

    def end(self, code: object, key: object) -> bool:
        """Delete the class and everything of it; False for a wrong key."""
        row = self._teacher_row(code, key)
        if row is None:
            return False
        with self._connect() as connection:
            _delete_classes(connection, [row.id])
        return True

    def _teacher_row(self, code: object, key: object) -> Any | None:
        code, key = codes.parse_code(code), codes.parse_key(key)
        if code is None or key is None:
            return None
        row = self._class_row(code)
        if row is None or not codes.same(key, row.key_hash):
            return None
        return row

    # ---- everyone ------------------------------------------------------------------------

    def state(self, code: object) -> ClassState | None:
        """The live class ``code`` (None: no such class, ended, expired or not a code)."""
        code = codes.parse_code(code)
        if code is None:
            return None
        if self._clock() >= self._next_purge:
            self.purge_expired()
        row = self._class_row(code)
        if row is None:
            return None
        return ClassState(
            code=code,
            number=row.round,
            round=Round(
                lesson=row.lesson,
                view=json.loads(row.view),
                prompt=row.prompt,
                options=tuple(json.loads(row.options)),
                right=tuple(json.loads(row.right_options)),
            ),
            revealed=bool(row.revealed),
            expires_at=row.expires_at,
        )

    def _class_row(self, code: str) -> Any | None:
        with self._connect() as connection:
            row = connection.execute(
                sa.select(classes).where(
                    classes.c.code_hash == codes.digest(code),
                    classes.c.expires_at > self._clock(),
                )
            ).first()
        # The lookup went by the code's hash; compare the code itself in constant time too.
        return row if row is not None and codes.same(code, row.code_hash) else None

    def tally(self, code: object) -> Tally | None:
        """Who joined, and how the current round was answered (no ids, only counts)."""
        code = codes.parse_code(code)
        row = None if code is None else self._class_row(code)
        if row is None:
            return None
        with self._connect() as connection:
            joined = connection.scalar(
                sa.select(sa.func.count()).select_from(members).where(members.c.class_id == row.id)
            )
            by_choice = dict(
                connection.execute(
                    sa.select(answers.c.choice, sa.func.count())
                    .where(answers.c.class_id == row.id, answers.c.round == row.round)
                    .group_by(answers.c.choice)
                ).all()
            )
        n_options = len(json.loads(row.options))
        return Tally(int(joined or 0), tuple(int(by_choice.get(i, 0)) for i in range(n_options)))

    # ---- a student -----------------------------------------------------------------------

    def join(self, code: object, student: object) -> bool:
        """Count ``student`` in the class (once, however often they reload)."""
        code, student = codes.parse_code(code), parse_student(student)
        row = None if code is None or student is None else self._class_row(code)
        if row is None:
            return False
        with self._connect() as connection:
            connection.execute(
                self._insert(members)
                .values(class_id=row.id, student=student, joined_at=self._clock())
                .on_conflict_do_nothing()
            )
        return True

    def answer(self, code: object, number: int, student: object, choice: int) -> Saved:
        """Save ``student``'s ``choice`` for round ``number`` (replacing an earlier one)."""
        code, student = codes.parse_code(code), parse_student(student)
        row = None if code is None or student is None else self._class_row(code)
        if row is None or not 0 <= choice < len(json.loads(row.options)):
            return Saved.REFUSED
        if row.round != number or row.revealed:
            return Saved.CLOSED
        if not self._allow(row.id, student):
            return Saved.RATE_LIMITED
        now = self._clock()
        with self._connect() as connection:
            connection.execute(
                self._insert(members)
                .values(class_id=row.id, student=student, joined_at=now)
                .on_conflict_do_nothing()
            )
            insert = self._insert(answers).values(
                class_id=row.id, round=number, student=student, choice=choice, answered_at=now
            )
            connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[answers.c.class_id, answers.c.round, answers.c.student],
                    set_={"choice": insert.excluded.choice, "answered_at": now},
                )
            )
        return Saved.SAVED

    def my_answer(self, code: object, number: int, student: object) -> int | None:
        """What ``student`` answered in round ``number``, if anything."""
        code, student = codes.parse_code(code), parse_student(student)
        row = None if code is None or student is None else self._class_row(code)
        if row is None:
            return None
        with self._connect() as connection:
            return connection.scalar(
                sa.select(answers.c.choice).where(
                    answers.c.class_id == row.id,
                    answers.c.round == number,
                    answers.c.student == student,
                )
            )

    def _allow(self, class_id: int, student: str) -> bool:
        """The per-student rate limit: ``RATE_LIMIT`` answers per ``RATE_WINDOW_S``."""
        now = time.monotonic()
        with self._lock:
            recent = self._recent.setdefault((class_id, student), collections.deque())
            while recent and recent[0] <= now - RATE_WINDOW_S:
                recent.popleft()
            if len(recent) >= RATE_LIMIT:
                return False
            recent.append(now)
            if len(self._recent) > 50_000:  # forget students who have gone quiet
                self._recent = {k: v for k, v in self._recent.items() if v and v[-1] > now - 60}
            return True

    # ---- housekeeping --------------------------------------------------------------------

    def purge_expired(self) -> int:
        """Delete every class past its 24 h, with its members and answers; how many."""
        now = self._clock()
        self._next_purge = now + PURGE_EVERY_S
        with self._connect() as connection:
            ids = list(
                connection.scalars(sa.select(classes.c.id).where(classes.c.expires_at <= now))
            )
            _delete_classes(connection, ids)
        return len(ids)

    def count_rows(self) -> dict[str, int]:
        """Rows per table (tests: nothing is left of an ended or expired class)."""
        with self._connect() as connection:
            return {
                table.name: int(connection.scalar(sa.select(sa.func.count()).select_from(table)))
                for table in (classes, members, answers)
            }

    def _insert(self, table: sa.Table) -> Any:
        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)

    def dispose(self) -> None:
        self.engine.dispose()


def _round_values(question: Round) -> dict[str, Any]:
    return {
        "lesson": question.lesson,
        "view": json.dumps(dict(question.view), sort_keys=True),
        "prompt": question.prompt,
        "options": json.dumps(list(question.options)),
        "right_options": json.dumps(sorted(question.right)),
    }


def _delete_classes(connection: sa.Connection, ids: Sequence[int]) -> None:
    if not ids:
        return
    for table in (answers, members):
        connection.execute(table.delete().where(table.c.class_id.in_(ids)))
    connection.execute(classes.delete().where(classes.c.id.in_(ids)))


def _engine(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed, connect_args={"timeout": 15})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL: readers never wait for the writer, and replicas on one machine share the
            # file; NORMAL is durable across a crash of the app (fsync at checkpoints).
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return sa.create_engine(
            parsed,
            pool_pre_ping=True,  # a restarted server: reconnect instead of failing once
            pool_size=5,
            max_overflow=10,
            pool_timeout=10,
            connect_args={"connect_timeout": 3},
        )
    raise PollUnavailable(f"{parsed.get_backend_name()} is not supported: use SQLite or PostgreSQL")
