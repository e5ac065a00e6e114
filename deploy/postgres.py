"""A throwaway PostgreSQL server for tests and benchmarks, on Debian's ``postgresql`` package.

``LocalPostgres`` runs ``initdb`` and ``pg_ctl`` from ``/usr/lib/postgresql/*/bin`` on a data
folder in a temporary directory; the server listens only on a unix socket in that directory (no
TCP port at all), and ``stop()`` removes everything. No system service is involved: installing
the package (``.ci/run`` does, with the service kept from starting) is all it needs.

PostgreSQL refuses to run as root; as root (CI, containers) the server runs as the package's
``postgres`` user, which owns the temporary directory.

    with LocalPostgres() as pg:
        url = pg.create_database("poll_test")  # postgresql+psycopg://...?host=/tmp/...
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SUPERUSER = "spotlight"


def find_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (it has initdb and pg_ctl), or None."""
    found = sorted(
        (Path(p) for p in glob.glob(BIN_GLOB) if (Path(p) / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


class LocalPostgres:
    """One PostgreSQL server in a temporary folder, on a unix socket only."""

    def __init__(self, port: int = 5432) -> None:
        self.bin = find_bin()
        if self.bin is None:
            raise FileNotFoundError(
                "PostgreSQL is not installed: apt-get install -y postgresql (its service need "
                "not run; this starts its own server)"
            )
        self.port = port  # only names the socket file (.s.PGSQL.<port>): no TCP port is opened
        self.dir = Path(tempfile.mkdtemp(prefix="spotlight-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self._user = None
        if os.geteuid() == 0:
            self._user = pwd.getpwnam("postgres")
            os.chown(self.dir, self._user.pw_uid, self._user.pw_gid)
        self.running = False

    @property
    def socket_dir(self) -> str:
        return str(self.dir)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this server (psycopg 3, unix socket)."""
        return (
            f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.port}"
        )

    def _run(self, *args: str, timeout: float = 60) -> str:
        result = subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            env={**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"},
            user=self._user.pw_uid if self._user else None,
            group=self._user.pw_gid if self._user else None,
            cwd=self.dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
                + (f"\n{self.log.read_text()[-2000:]}" if self.log.exists() else "")
            )
        return result.stdout

    def start(self) -> LocalPostgres:
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-k {self.socket_dir} -c listen_addresses='' -p {self.port} "
            "-c fsync=off -c max_connections=200 -c shared_buffers=32MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "-t", "60", "start")  # fmt: skip
        self.running = True
        return self

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run fixed SQL (tests' set-up only: never text from a user)."""
        return self._run(
            "psql", "-h", self.socket_dir, "-p", str(self.port), "-U", SUPERUSER,
            "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql,
        )  # fmt: skip

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        if not name.isidentifier():
            raise ValueError(f"not a plain database name: {name!r}")
        self.psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        if self.running:
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.running = False
        for _ in range(3):
            try:
                shutil.rmtree(self.dir)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.2)

    def kill(self) -> None:
        """Stop the server at once (the database "goes down"); ``start_again`` brings it back."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.running = False

    def start_again(self) -> None:
        options = f"-k {self.socket_dir} -c listen_addresses='' -p {self.port} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                  "start")  # fmt: skip
        self.running = True

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
