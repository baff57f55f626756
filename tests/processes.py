"""Real application processes (gunicorn, `approdo worker`) on the test database, for the tests
that need several processes or connections that can be killed (PostgreSQL only)."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def database_url() -> str:
    """The URL of the test database pytest-django created (test_<name>)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def psycopg_connect() -> psycopg.Connection:
    """A connection of our own, outside Django (to lock tables, to kill backends)."""
    return psycopg.connect(database_url(), autocommit=True)


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "approdo.settings",
        "SECRET_KEY": "test-only",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "APPRODO_SSL_REDIRECT": "0",
        "APPRODO_API_RATE_LIMIT": str(10**9),
        "APPRODO_DATA_DIR": str(tmp_path),
        "APPRODO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DATABASE_URL": database_url(),
        "APPRODO_LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], *, workers: int = 2, threads: int = 8):
    """gunicorn with threads (each keeps its database connection, as in production).
    Returns (process, port) once /api/v1/status answers 200."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "approdo.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    wait_until_up(process, port)
    return process, port


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "approdo"),
            "worker",
            "--max-backoff",
            "1",
            "--",
            "--no-startup-delay",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_up(process: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if request(port, "GET", "/api/v1/status")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(port: int, method: str, path: str, body=None, token: str = "", timeout=60):
    """(status, headers, parsed JSON or text) of one request on its own connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": "127.0.0.1"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        content_type = response.getheader("Content-Type", "")
        parsed = json.loads(data) if "json" in content_type and data else data.decode()
        return response.status, dict(response.getheaders()), parsed
    finally:
        conn.close()


def wait_for(predicate, *, timeout: float, what: str, every: float = 0.1):
    """Poll `predicate` until it returns a true value (returned); fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def terminate_other_backends(conn: psycopg.Connection) -> int:
    """Kill every other connection to the database, as a restart or failover would."""
    row = conn.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchone()
    return row[0]


def lock_waiters(conn: psycopg.Connection) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    ).fetchone()
    return row[0]
