"""A whole school on one link: N Streamlit replicas behind nginx, started and stopped together.

One Streamlit process runs every session's script on one core; a school needs more processes.
Streamlit keeps a session in the process that holds its websocket, so nginx pins each browser
to one replica with a cookie of its own (deploy/nginx/spotlight.conf.in says why a cookie, not
the client address) and skips a replica that is down. Every view lives in its URL, so a student
whose replica dies reconnects to another one and gets the same view back.

    python -m deploy.school --replicas 2 --port 8080   # serve on 127.0.0.1:8080; Ctrl-C stops all
    python -m deploy.school render --ports 8501 8502 --listen 80 > spotlight.conf   # a real host
    python -m deploy.school env-file > spotlight.env   # a fresh shared cookie secret

From Python (tests, benchmarks)::

    with School(replicas=2) as school:
        school.url  # http://127.0.0.1:<port>, nginx
        school.replica_of(cookie)  # which replica a browser's cookie is pinned to
        school.kill(0)
        school.restart(0)

Everything listens on 127.0.0.1 unless told otherwise; nginx runs in the foreground (no daemon)
with its pid, logs and temp files in a private folder that ``stop()`` removes. The replicas share
the settings that must agree (``server.cookieSecret`` through ``STREAMLIT_SERVER_COOKIE_SECRET``,
generated at random when the environment has none: it is never written to disk or printed).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
SITE_TEMPLATE = HERE / "nginx" / "spotlight.conf.in"
LOCAL_TEMPLATE = HERE / "nginx" / "local.conf.in"

#: The cookie nginx sets to pin a browser to a replica (a random id, not a secret).
ROUTE_COOKIE = "spotlight_replica"
#: Streamlit's environment variable for ``server.cookieSecret`` (STREAMLIT_ + the option in
#: snake case, as Streamlit's config_option.py builds every option's variable).
SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
#: Options every replica gets on its command line (the app's own .streamlit/config.toml still
#: applies for the rest). No file watcher: a server is not a development machine.
REPLICA_ARGS = (
    "--server.headless=true",
    "--browser.gatherUsageStats=false",
    "--server.fileWatcherType=none",
)
#: Added to each replica's environment. The allocator settings let a replica give memory back
#: after a class leaves (with ui/housekeeping.py's gc + malloc_trim; bench/RESULTS.md, "A whole
#: school"): Python objects in glibc malloc instead of pymalloc's 1 MiB arenas, which stay
#: pinned by a few live objects, and two malloc arenas instead of one per thread.
REPLICA_ENV = {"PYTHONUNBUFFERED": "1", "PYTHONMALLOC": "malloc", "MALLOC_ARENA_MAX": "2"}
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
MIME_TYPES_CANDIDATES = ("/etc/nginx/mime.types", "/usr/local/nginx/conf/mime.types")


class NginxMissingError(RuntimeError):
    """nginx is not installed (Debian: ``apt-get install -y nginx``)."""


def find_nginx() -> str | None:
    """The nginx binary (``$SPOTLIGHT_NGINX``, then PATH, then /usr/sbin/nginx), or None."""
    for name in (os.environ.get("SPOTLIGHT_NGINX"), *NGINX_CANDIDATES):
        if name and (path := shutil.which(name)):
            return path
    return None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def get(url: str, *, cookie: str | None = None, timeout: float = 2.0) -> tuple[int, dict, bytes]:
    """GET ``url`` (with our route cookie if given): (status, headers, body); status 0 when
    nothing answered."""
    request = urllib.request.Request(url)
    if cookie is not None:
        request.add_header("Cookie", f"{ROUTE_COOKIE}={cookie}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, {}, b""


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    status, _, body = get(f"{url}/_stcore/health", timeout=timeout)
    return status == 200 and body.decode(errors="replace").strip() == "ok"


def shared_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The replicas' environment: ours, with ``extra`` and REPLICA_ENV on top (never instead:
    these machines set OPENBLAS_* on purpose), and a cookie secret shared by all of them (the
    one in the environment, else a new random one)."""
    env = {**os.environ, **(extra or {}), **REPLICA_ENV}
    if not env.get(SECRET_ENV):
        env[SECRET_ENV] = secrets.token_hex(32)
    return env


# --------------------------------------------------------------------------------------------
# nginx configuration
# --------------------------------------------------------------------------------------------


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    if "{{" in template:
        start = template.index("{{")
        raise ValueError(f"unfilled placeholder {template[start : start + 30]!r}")
    return template


def render_site(
    ports: Sequence[int],
    *,
    listen: str = "127.0.0.1:8080",
    replica_host: str = "127.0.0.1",
    max_fails: int = 1,
    fail_timeout_s: int = 10,
    debug_headers: bool = False,
) -> str:
    """The nginx site (an ``http {}`` block's content) for replicas on ``ports``.

    ``listen`` is nginx's ``listen`` argument (``80``, ``127.0.0.1:8080``, ...).
    ``debug_headers`` adds ``X-Upstream: <replica address>`` to every HTTP response: the tests
    use it to see where a browser is pinned; leave it off on a public host."""
    if not ports:
        raise ValueError("at least one replica port")
    servers = "\n".join(
        f"    server {replica_host}:{port} max_fails={max_fails} fail_timeout={fail_timeout_s}s;"
        for port in ports
    )
    debug = (
        "    # Which replica answered (tests and debugging; off on a public host).\n"
        "    add_header X-Upstream $upstream_addr always;\n"
        if debug_headers
        else ""
    )
    return _fill(
        SITE_TEMPLATE.read_text(),
        {
            "replicas": str(len(ports)),
            "cookie": ROUTE_COOKIE,
            "upstream_servers": servers,
            "listen": listen,
            "debug_headers": debug.rstrip("\n"),
        },
    )


def render_local(prefix: Path, *, workers: int = 1, access_log: bool = False) -> str:
    """The main nginx.conf for a foreground nginx whose every file is under ``prefix``."""
    mime = next((p for p in MIME_TYPES_CANDIDATES if os.path.exists(p)), None)
    if mime is None:  # a minimal table: Streamlit sends its own Content-Type anyway
        (prefix / "mime.types").write_text(
            "types { text/html html; text/css css; application/javascript js; }\n"
        )
        mime = str(prefix / "mime.types")
    # As root, nginx's workers switch to `nobody`: they get the temp folders, nothing else.
    user = "user nobody nogroup;" if os.geteuid() == 0 else "# (not root: workers run as us)"
    return _fill(
        LOCAL_TEMPLATE.read_text(),
        {
            "user": user,
            "workers": str(workers),
            "prefix": str(prefix),
            "mime_types": mime,
            "access_log": f"{prefix}/access.log" if access_log else "off",
        },
    )


def check_config(nginx: str, conf: Path, prefix: Path) -> str:
    """``nginx -t`` on ``conf``; returns its output, raises with it when the test fails."""
    result = subprocess.run(
        [nginx, "-t", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{output}")
    return output


# --------------------------------------------------------------------------------------------
# processes
# --------------------------------------------------------------------------------------------


def _stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10.0):
    """Signal the process's own group (it was started in a session of its own), wait, and
    SIGKILL the group if it has not gone; always reap it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)


@dataclass(eq=False)
class Replica:
    """One ``streamlit run`` on ``host:port``; ``start()`` again after ``kill()`` restarts it."""

    port: int
    log_path: Path
    env: dict[str, str]
    args: Sequence[str] = ()
    host: str = "127.0.0.1"
    script: str = "streamlit_app.py"
    #: ``-m`` module that runs Streamlit's CLI (benchmarks pass ``bench.timed_server``)
    module: str = "streamlit"
    process: subprocess.Popen | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def healthy(self) -> bool:
        return self.running() and is_healthy(self.url)

    def start(self) -> None:
        if self.running():
            return
        command = [
            sys.executable, "-m", self.module, "run", str(REPO_ROOT / self.script),
            f"--server.address={self.host}", f"--server.port={self.port}",
            *REPLICA_ARGS, *self.args,
        ]  # fmt: skip
        if self._log is None:
            self._log = open(self.log_path, "ab")  # noqa: SIM115 -- closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop the replicas in order
        )

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"replica {self.address} exited:\n{self.log_tail()}")
            if is_healthy(self.url, timeout=1.0):
                return
            time.sleep(0.1)
        raise RuntimeError(f"replica {self.address} not healthy in {timeout:.0f} s")

    def kill(self) -> None:
        """SIGKILL: a crash, as the kernel's OOM killer or a pulled plug would do it."""
        if self.process is not None:
            _stop_process(self.process, signal.SIGKILL, timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            _stop_process(self.process)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


class School:
    """N replicas + nginx on one host. ``with School(2) as school: ...`` stops all of them."""

    def __init__(
        self,
        replicas: int = 2,
        *,
        port: int | None = None,
        listen_host: str = "127.0.0.1",
        first_replica_port: int | None = None,
        replica_args: Sequence[str] = (),
        replica_module: str = "streamlit",
        replica_env: dict[str, str] | None = None,
        debug_headers: bool = True,
        fail_timeout_s: int = 10,
        nginx_workers: int = 1,
        access_log: bool = False,
        monitor_interval_s: float | None = None,
        restart_dead: bool = False,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.nginx = find_nginx()
        if self.nginx is None:
            raise NginxMissingError("nginx not found: install it with `apt-get install -y nginx`")
        self.listen_host = listen_host
        self.port = port or free_port(listen_host)
        self.dir = Path(tempfile.mkdtemp(prefix="spotlight-school-"))
        env = shared_environment(replica_env)
        ports = (
            [first_replica_port + i for i in range(replicas)]
            if first_replica_port
            else [free_port() for _ in range(replicas)]
        )
        self.replicas = [
            Replica(p, self.dir / f"replica-{p}.log", env, replica_args, module=replica_module)
            for p in ports
        ]
        self.debug_headers = debug_headers
        self.fail_timeout_s = fail_timeout_s
        self.nginx_workers = nginx_workers
        self.access_log = access_log
        self.monitor_interval_s = monitor_interval_s
        self.restart_dead = restart_dead
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.nginx_process: subprocess.Popen | None = None
        self.events: list[tuple[float, str]] = []  # what the monitor saw: (time, message)
        self._halt = threading.Event()
        self._monitor: threading.Thread | None = None

    # ---- addresses ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.listen_host}:{self.port}"

    @property
    def conf(self) -> Path:
        return self.dir / "nginx.conf"

    def index_of(self, address: str) -> int:
        """The replica at ``host:port`` (nginx's ``$upstream_addr``; with several tries,
        ``a, b``, the last one answered)."""
        last = address.split(",")[-1].strip()
        for i, replica in enumerate(self.replicas):
            if replica.address == last:
                return i
        raise KeyError(f"{address!r} is none of {[r.address for r in self.replicas]}")

    def replica_of(self, cookie: str | None) -> int:
        """The replica nginx sends a browser with this route cookie to, right now (asked
        through nginx itself, with the X-Upstream debug header)."""
        status, headers, _ = get(f"{self.url}/_stcore/health", cookie=cookie)
        upstream = headers.get("X-Upstream")
        if status != 200 or not upstream:
            raise RuntimeError(f"nginx answered {status} without X-Upstream: {headers}")
        return self.index_of(upstream)

    # ---- life cycle ----------------------------------------------------------------------

    def write_config(self) -> Path:
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # the workers run as nobody: they may write their temp files
            for path in (self.dir / "tmp", *(self.dir / "tmp").iterdir()):
                shutil.chown(path, "nobody", "nogroup")
        (self.dir / "spotlight.conf").write_text(
            render_site(
                [r.port for r in self.replicas],
                listen=f"{self.listen_host}:{self.port}",
                fail_timeout_s=self.fail_timeout_s,
                debug_headers=self.debug_headers,
            )
        )
        self.conf.write_text(
            render_local(self.dir, workers=self.nginx_workers, access_log=self.access_log)
        )
        check_config(self.nginx, self.conf, self.dir)
        return self.conf

    def start(self, timeout: float = 90.0) -> School:
        try:
            for replica in self.replicas:
                replica.start()
            self.write_config()
            self.nginx_process = subprocess.Popen(
                [self.nginx, "-p", str(self.dir), "-c", str(self.conf),
                 "-e", str(self.dir / "error.log")],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=open(self.dir / "nginx.stderr", "ab"),  # noqa: SIM115 -- child keeps it
                start_new_session=True,
            )  # fmt: skip
            for replica in self.replicas:
                replica.wait_healthy(timeout)
            self._wait_nginx(timeout)
        except BaseException:
            self.stop()
            raise
        if self.monitor_interval_s:
            self._monitor = threading.Thread(target=self._watch, daemon=True, name="school")
            self._monitor.start()
        return self

    def _wait_nginx(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.nginx_process is None or self.nginx_process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{self.nginx_log()}")
            if is_healthy(self.url, timeout=1.0):
                return
            time.sleep(0.1)
        raise RuntimeError(f"nginx not answering on {self.url}:\n{self.nginx_log()}")

    def nginx_log(self) -> str:
        parts = []
        for name in ("nginx.stderr", "error.log"):
            with contextlib.suppress(FileNotFoundError):
                parts.append((self.dir / name).read_text(errors="replace")[-4000:])
        return "\n".join(parts) or "(empty)"

    def kill(self, index: int) -> None:
        """Crash replica ``index`` (SIGKILL)."""
        self.replicas[index].kill()

    def restart(self, index: int, timeout: float = 60.0) -> None:
        """Start replica ``index`` again on its port and wait until it is healthy."""
        replica = self.replicas[index]
        replica.start()
        replica.wait_healthy(timeout)

    def _watch(self) -> None:
        """Active health checks, which open-source nginx does not do: poll every replica's
        /_stcore/health, note every change, and restart a replica whose process is gone."""
        state = {r.port: True for r in self.replicas}
        while not self._halt.wait(self.monitor_interval_s):
            for replica in self.replicas:
                healthy = replica.healthy()
                if healthy != state[replica.port]:
                    message = f"replica {replica.address} {'healthy' if healthy else 'DOWN'}"
                    self.events.append((time.monotonic(), message))
                    self.log(message)
                    state[replica.port] = healthy
                if not healthy and self.restart_dead and not replica.running():
                    self.log(f"restarting replica {replica.address}")
                    replica.start()

    def stop(self) -> None:
        """Stop nginx and every replica (idempotent), and remove the private folder."""
        self._halt.set()
        if self._monitor is not None:
            self._monitor.join(timeout=10)
        if self.nginx_process is not None:
            _stop_process(self.nginx_process, signal.SIGQUIT)  # graceful: let workers finish
            self.nginx_process = None
        for replica in self.replicas:
            replica.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> School:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    school = School(
        args.replicas,
        port=args.port,
        listen_host=args.host,
        first_replica_port=args.first_replica_port,
        debug_headers=False,
        monitor_interval_s=2.0,
        restart_dead=True,
        access_log=args.access_log,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    school.start()
    addresses = ", ".join(r.address for r in school.replicas)
    print(f"Spotlight on {school.url} ({args.replicas} replicas: {addresses}); Ctrl-C stops")
    try:
        stop.wait()
    finally:
        print("stopping nginx and the replicas", file=sys.stderr)
        school.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.school",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--replicas", type=int, default=2, help="Streamlit processes (2)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (8080)")
    parser.add_argument("--host", default="127.0.0.1", help="nginx's address (127.0.0.1)")
    parser.add_argument(
        "--first-replica-port",
        type=int,
        default=None,
        help="replica ports from here on (default: free loopback ports)",
    )
    parser.add_argument("--access-log", action="store_true", help="keep nginx's access log")
    sub = parser.add_subparsers(dest="command")
    render = sub.add_parser("render", help="print the nginx site for a real host")
    render.add_argument("--ports", type=int, nargs="+", default=[8501, 8502])
    render.add_argument("--listen", default="80")
    render.add_argument("--debug-headers", action="store_true")
    sub.add_parser("env-file", help="print an environment file with a new cookie secret")
    args = parser.parse_args(argv)
    if args.command == "render":
        print(render_site(args.ports, listen=args.listen, debug_headers=args.debug_headers), end="")
        return 0
    if args.command == "env-file":
        print("# Shared by every Spotlight replica; keep it private (chmod 600).")
        print(f"{SECRET_ENV}={secrets.token_hex(32)}")
        return 0
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
