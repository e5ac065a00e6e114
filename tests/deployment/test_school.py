"""The school deployment without a browser: the nginx configuration (``nginx -t``), the systemd
units (``systemd-analyze verify``), and a running school (2 replicas + nginx on loopback):
stickiness by cookie, failover, gzip, the shared secret, and nothing left running or listening
outside 127.0.0.1.

The failover of a real page in Chromium is tests/e2e/test_failover.py. Without nginx these tests
are skipped locally and fail in CI (``CI=true``); ``.ci/run`` installs nginx.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from deploy.school import (
    HERE,
    ROUTE_COOKIE,
    SECRET_ENV,
    School,
    get,
    render_local,
    render_site,
)

SYSTEMD = HERE / "systemd"


# --------------------------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------------------------


def test_site_is_sticky_by_cookie_upgrades_websockets_and_skips_dead_replicas() -> None:
    site = render_site([8501, 8502])
    assert "{{" not in site
    assert re.search(r"^\s*listen 127\.0\.0\.1:8080;", site, re.M), "loopback by default"
    assert "hash $spotlight_route consistent;" in site
    assert f"map $cookie_{ROUTE_COOKIE} $spotlight_route" in site
    assert "ip_hash" not in site.split("upstream")[1], "a school's NAT would pin everyone"
    for port in (8501, 8502):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" in site
    assert "proxy_set_header Upgrade $http_upgrade;" in site
    assert "proxy_set_header Connection $spotlight_connection;" in site
    assert "proxy_read_timeout 1d;" in site
    assert "proxy_next_upstream error timeout" in site
    assert "gzip on;" in site
    assert "X-Upstream" not in site, "debug header off unless asked for"
    assert "X-Upstream" in render_site([8501], debug_headers=True)


def test_committed_site_for_systemd_is_the_rendered_one() -> None:
    committed = (SYSTEMD / "nginx-spotlight.conf").read_text()
    assert committed == render_site([8501, 8502], listen="80"), (
        "deploy/systemd/nginx-spotlight.conf is out of date: regenerate it with "
        "`python -m deploy.school render --ports 8501 8502 --listen 80 "
        "> deploy/systemd/nginx-spotlight.conf`"
    )


def test_nginx_accepts_both_configurations(nginx: str, tmp_path: Path) -> None:
    for name, site in {
        "local": render_site([8501, 8502, 8503], debug_headers=True),
        "systemd": (SYSTEMD / "nginx-spotlight.conf").read_text(),
    }.items():
        prefix = tmp_path / name
        (prefix / "tmp").mkdir(parents=True)
        (prefix / "spotlight.conf").write_text(site)
        (prefix / "nginx.conf").write_text(render_local(prefix))
        result = subprocess.run(
            [nginx, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
             "-e", str(prefix / "error.log")],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert result.returncode == 0, f"{name}: {result.stderr}"
        assert "test is successful" in result.stderr, result.stderr


def test_systemd_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    # The units name the real host's paths; point them at this checkout to verify the rest.
    root = Path(__file__).resolve().parents[2]
    venv_python = Path(sys.executable)
    unit = (SYSTEMD / "spotlight@.service").read_text()
    unit = unit.replace("/opt/spotlight/.venv/bin/python", str(venv_python))
    unit = unit.replace("/opt/spotlight", str(root))
    unit = unit.replace("/etc/spotlight/spotlight.env", str(HERE / "spotlight.env.example"))
    (tmp_path / "spotlight@.service").write_text(unit)
    shutil.copy(SYSTEMD / "spotlight.target", tmp_path)
    result = subprocess.run(
        [analyze, "verify", "spotlight@8501.service", "spotlight.target"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    problems = [line for line in result.stderr.splitlines() if "spotlight" in line]
    assert not problems, problems


# --------------------------------------------------------------------------------------------
# a running school
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def school(nginx: str) -> Iterator[School]:
    with School(2, fail_timeout_s=1) as running:
        yield running
    for replica in running.replicas:
        assert not replica.running()
    assert running.nginx_process is None
    assert not running.dir.exists(), "the private folder was left behind"


def _pids(school: School) -> list[int]:
    assert school.nginx_process is not None
    master = psutil.Process(school.nginx_process.pid)
    return [master.pid, *(c.pid for c in master.children()), *(r.pid for r in school.replicas)]


def test_everything_listens_on_loopback_only(school: School) -> None:
    for pid in _pids(school):
        for conn in psutil.Process(pid).net_connections(kind="inet"):
            if conn.status == psutil.CONN_LISTEN:
                assert conn.laddr.ip == "127.0.0.1", (pid, conn.laddr)


def test_first_response_sets_a_route_cookie_that_pins_the_browser(school: School) -> None:
    status, headers, _ = get(f"{school.url}/")
    assert status == 200
    cookie = headers.get("Set-Cookie", "")
    pattern = rf"{ROUTE_COOKIE}=([0-9a-f]{{32}}); Path=/; .*HttpOnly; SameSite=Lax"
    match = re.fullmatch(pattern, cookie)
    assert match, cookie
    # With the cookie: no new cookie, and always the same replica.
    seen = {school.replica_of(match.group(1)) for _ in range(10)}
    assert len(seen) == 1
    status, headers, _ = get(f"{school.url}/", cookie=match.group(1))
    assert "Set-Cookie" not in headers
    # Different students spread over both replicas (a school behind one NAT address too).
    spread = {school.replica_of(f"{i:032x}") for i in range(40)}
    assert spread == {0, 1}


def test_static_assets_are_compressed(school: School) -> None:
    _, _, page = get(f"{school.url}/")
    script = re.search(rb'src="\.?/?(static/js/[^"]+\.js)"', page)
    assert script, page[:500]
    request = urllib.request.Request(
        f"{school.url}/{script.group(1).decode()}", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers.get("Content-Encoding") == "gzip"
        body = gzip.decompress(response.read())
    assert len(body) > 10_000


def test_replicas_share_one_secret_that_is_nowhere_on_disk(school: School) -> None:
    secrets_seen = {psutil.Process(r.pid).environ().get(SECRET_ENV) for r in school.replicas}
    assert len(secrets_seen) == 1
    (secret,) = secrets_seen
    assert secret and len(secret) >= 32
    for path in school.dir.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path


def test_a_dead_replica_is_skipped_and_rejoins(school: School) -> None:
    cookie = "0" * 32
    pinned = school.replica_of(cookie)
    school.kill(pinned)
    try:
        for _ in range(5):  # every request still answered, by the other replica
            assert school.replica_of(cookie) == 1 - pinned
    finally:
        school.restart(pinned)
    # Passive health checks: nginx tries it again after fail_timeout, and the cookie goes home.
    time.sleep(school.fail_timeout_s + 0.5)
    assert school.replica_of(cookie) == pinned


def test_the_script_polls_replicas_and_restarts_a_dead_one(nginx: str) -> None:
    """Active health checks, which open-source nginx lacks: the school's monitor sees a replica
    go down (its /_stcore/health stops answering) and starts it again on the same port."""
    with School(2, monitor_interval_s=0.5, restart_dead=True, log=lambda _: None) as school:
        pid = school.replicas[1].pid
        school.kill(1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not school.replicas[1].healthy():
            time.sleep(0.2)
        assert school.replicas[1].healthy(), school.replicas[1].log_tail()
        assert school.replicas[1].pid != pid
        messages = [message for _, message in school.events]
        assert any("DOWN" in m for m in messages), messages
