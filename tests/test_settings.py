"""Start-up refuses bad configuration with a clear message; production settings pass --deploy."""

import os
import subprocess
import sys

import pytest

PRODUCTION = {
    "SECRET_KEY": "a-long-production-secret-" + "x" * 40,
    "DEBUG": "0",
    "ALLOWED_HOSTS": "approdo.example.org",
}


# Variables of the test run itself that a production start-up would not have.
NOT_INHERITED = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_approdo(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run(
        [sys.executable, "-m", "approdo", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_in_production_stops_start_up():
    result = run_approdo("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_unknown_database_scheme_stops_start_up():
    result = run_approdo("check", DATABASE_URL="mysql://root@localhost/approdo", DEBUG="1")
    assert result.returncode != 0
    assert "DATABASE_URL scheme 'mysql' is not supported" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_malformed_boolean_stops_start_up(value):
    result = run_approdo("check", DEBUG=value)
    assert result.returncode != 0
    assert f"DEBUG={value!r} is not a boolean" in result.stderr


def test_deploy_check_is_clean_with_production_variables():
    result = run_approdo("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
