"""A lost database connection: reads run again once, other requests get a retryable 503.
The real thing (connections killed on PostgreSQL) is in tests/test_faults_postgres.py."""

from types import SimpleNamespace

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, OperationalError
from django.test import Client

from approdo.core import faults
from approdo.core.tests import fault_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("approdo.core.tests.fault_urls")]


@pytest.fixture(autouse=True)
def _simulated_loss(monkeypatch):
    """SQLite has no connection to kill: the test views raise LostConnection, and dropping
    the connection is counted instead of done (the test's transaction lives on it)."""
    fault_urls.CALLS.clear()
    dropped = []
    monkeypatch.setattr(
        faults, "is_lost_connection", lambda error: isinstance(error, fault_urls.LostConnection)
    )
    monkeypatch.setattr(faults, "discard_connection", lambda: dropped.append(True))
    return dropped


def test_a_read_that_lost_its_connection_is_run_again_once(client, _simulated_loss):
    response = client.get("/once/")

    assert response.status_code == 200
    assert response.content == b"answered"
    assert fault_urls.CALLS == ["GET", "GET"]
    assert _simulated_loss == [True]


def test_a_read_that_fails_twice_gets_a_plain_503_page(client):
    response = client.get("/always/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert b"<h1>" in response.content
    assert fault_urls.CALLS == ["GET", "GET"]


def test_a_write_is_never_run_again_and_gets_a_retryable_503(client):
    response = client.post("/once/", {"name": "value"})

    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    assert fault_urls.CALLS == ["POST"]


def test_the_api_answers_problem_json(client):
    response = client.post("/api/v1/once/", {}, content_type="application/json")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"]
    body = response.json()
    assert body["status"] == 503
    assert body["instance"] == "/api/v1/once/"


def test_a_lost_connection_in_a_middleware_is_a_503_too(settings):
    """Raised outside the view (here by a middleware after it), seen through Django's
    got_request_exception signal."""
    settings.MIDDLEWARE = [
        "approdo.core.faults.DatabaseFaultMiddleware",
        "approdo.core.tests.test_faults.FailingMiddleware",
    ]
    client = Client(raise_request_exception=False)

    assert client.post("/once/").status_code == 503
    assert client.get("/once/").status_code == 503  # the middleware fails every time


class FailingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise fault_urls.LostConnection("terminating connection due to administrator command")


def test_other_database_errors_are_not_hidden(client):
    with pytest.raises(OperationalError):
        client.get("/locked/")


class FakeConnection(SimpleNamespace):
    def is_usable(self):
        return self.usable


@pytest.mark.parametrize(
    ("error", "wrapper", "lost"),
    [
        (OperationalError("closed"), FakeConnection(connection=None, usable=True), True),
        (OperationalError("closed"), FakeConnection(connection=object(), usable=False), True),
        (OperationalError("locked"), FakeConnection(connection=object(), usable=True), False),
        (IntegrityError("duplicate"), FakeConnection(connection=None, usable=False), False),
        (DatabaseError("other"), FakeConnection(connection=None, usable=False), False),
        (ValueError("not a database error"), FakeConnection(connection=None, usable=False), False),
    ],
)
def test_is_lost_connection(monkeypatch, error, wrapper, lost):
    monkeypatch.undo()  # the real function
    monkeypatch.setattr(faults, "connection", wrapper)

    assert faults.is_lost_connection(error) is lost


def from_psycopg(cause: Exception) -> OperationalError:
    """Django's wrapper of a psycopg error, as DatabaseErrorWrapper raises it."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("cause", "lost"),
    [
        (psycopg.errors.AdminShutdown("terminating connection"), True),  # pg_terminate_backend
        (psycopg.OperationalError("consuming input failed: server closed the connection"), True),
        (psycopg.errors.ConnectionFailure("connection failure"), True),
        (psycopg.errors.LockNotAvailable("lock timeout"), False),
        (psycopg.errors.QueryCanceled("statement timeout"), False),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
    ],
)
def test_psycopg_errors_say_whether_the_connection_was_lost(monkeypatch, cause, lost):
    """Leaving `atomic` after a killed connection opens a new one: the error decides."""
    monkeypatch.undo()
    monkeypatch.setattr(faults, "connection", FakeConnection(connection=object(), usable=True))

    assert faults.is_lost_connection(from_psycopg(cause)) is lost
