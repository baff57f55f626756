"""`approdo worker`: runs the queue, beats a heartbeat, survives a lost database connection.
Killed connections on a real PostgreSQL: tests/test_faults_postgres.py."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from approdo.core.models import WorkerHeartbeat
from approdo.core.workers import beat, worker_status
from approdo.organizations.tests.factories import make_user
from approdo.reports.actions import request_export, resume_interrupted_export
from approdo.reports.management.commands import worker as worker_command
from approdo.reports.models import Export

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _keep_the_test_transaction(monkeypatch):
    """db_worker closes connections it finds in a transaction between tasks (as Django does
    after a request); here that transaction is the test's own, kept open on PostgreSQL."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


class InlineHeartbeat:
    """The heartbeat thread writes on a connection of its own, outside the test's transaction
    (it is exercised for real in tests/test_faults_postgres.py): here it beats once, inline."""

    def __init__(self, worker_id):
        self.worker_id = worker_id

    def start(self):
        beat(self.worker_id)

    def stop(self):
        pass

    def join(self, timeout=None):
        pass


@pytest.fixture(autouse=True)
def _inline_heartbeat(monkeypatch):
    monkeypatch.setattr(worker_command, "HeartbeatThread", InlineHeartbeat)


BATCH = ["--", "--batch", "--no-startup-delay", "--interval", "0"]


def queued_export(user, django_capture_on_commit_callbacks) -> Export:
    with django_capture_on_commit_callbacks(execute=True):
        return request_export(
            by=user, dataset="survey_responses", fmt="csv", params={"campaign": "reports-test"}
        )


def test_the_worker_builds_queued_exports_and_removes_its_heartbeat_when_it_stops(
    settings, campaign, analyst, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    export = queued_export(analyst, django_capture_on_commit_callbacks)

    call_command("worker", *BATCH)

    export.refresh_from_db()
    assert (export.status, export.row_count) == (Export.Status.DONE, 2)
    assert not WorkerHeartbeat.objects.exists()


def test_a_lost_connection_does_not_stop_the_worker(
    settings, campaign, analyst, monkeypatch, django_capture_on_commit_callbacks
):
    """The first run loses its connection while building an export: the worker waits for the
    database, marks the task failed, queues the export again and builds it."""
    settings.TASKS = DATABASE_TASKS
    export = queued_export(analyst, django_capture_on_commit_callbacks)
    real_run_task = worker_command.Worker.run_task
    lost = []

    def run_task_losing_the_connection_once(self, db_task_result):
        if not lost:
            lost.append(db_task_result.pk)
            Export.objects.filter(pk=export.pk).update(
                status=Export.Status.RUNNING, attempts=1, heartbeat_at=timezone.now()
            )
            raise OperationalError("server closed the connection unexpectedly")
        real_run_task(self, db_task_result)

    monkeypatch.setattr(worker_command.Worker, "run_task", run_task_losing_the_connection_once)
    monkeypatch.setattr(worker_command, "is_lost_connection", lambda error: True)
    monkeypatch.setattr(worker_command, "discard_connection", lambda: None)
    waits = []
    real_wait = worker_command.Command.wait_for_database
    monkeypatch.setattr(
        worker_command.Command,
        "wait_for_database",
        lambda self: waits.append(True) or real_wait(self),
    )

    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction
        call_command("worker", *BATCH)
    assert Export.objects.get(pk=export.pk).status == Export.Status.QUEUED
    call_command("worker", *BATCH)

    export.refresh_from_db()
    assert (export.status, export.row_count, export.attempts) == (Export.Status.DONE, 2, 2)
    assert DBTaskResult.objects.get(pk=lost[0]).status == "FAILED"
    assert len(waits) == 3  # at start-up, after the lost connection, at the second start-up


def test_other_errors_still_stop_the_worker(settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS

    def broken(self):
        raise OperationalError("database is locked")

    monkeypatch.setattr(worker_command.ReconnectingWorker, "run", broken)

    with pytest.raises(OperationalError):
        call_command("worker", *BATCH)


def test_waiting_for_the_database_backs_off_up_to_the_limit(monkeypatch):
    attempts = []

    class Cursor:
        def __enter__(self):
            if len(attempts) < 5:
                attempts.append(True)
                raise OperationalError("connection refused")
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql):
            pass

    monkeypatch.setattr(worker_command, "connection", type("C", (), {"cursor": Cursor})())
    monkeypatch.setattr(worker_command, "discard_connection", lambda: None)
    sleeps = []
    monkeypatch.setattr(worker_command.time, "sleep", sleeps.append)
    command = worker_command.Command()
    command.max_backoff = 3

    command.wait_for_database()

    assert sleeps == [0.5, 1, 2, 3, 3]


def test_resuming_a_finished_export_does_nothing(campaign, analyst):
    export = request_export(
        by=analyst, dataset="survey_responses", fmt="csv", params={"campaign": "reports-test"}
    )
    Export.objects.filter(pk=export.pk).update(status=Export.Status.DONE)

    assert resume_interrupted_export(export.pk) is False


def test_status_reports_the_worker_heartbeat(client):
    body = client.get("/api/v1/status").json()
    assert (body["health"], body["worker"]) == (
        "degraded",
        {"last_seen": None, "ok": False, "running": 0},
    )

    beat("worker-1")
    response = client.get("/api/v1/status")

    assert response.status_code == 200
    body = response.json()
    assert body["health"] == "ok"
    assert body["worker"]["ok"] is True
    assert body["worker"]["running"] == 1
    assert body["worker"]["last_seen"]


def test_a_silent_worker_is_not_running(client):
    beat("worker-1")
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(minutes=5))

    body = client.get("/api/v1/status").json()

    assert worker_status().running == 0
    assert body["worker"]["ok"] is False
    assert body["health"] == "degraded"
    assert body["status"] == 200  # pages still work: the worker does not fail the health check


def test_the_admin_shows_whether_a_worker_is_running(client):
    root = make_user("root@regione.toscana.it", totp=True)
    root.is_staff = root.is_superuser = True
    root.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(root)

    idle = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    beat("worker-1")
    running = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    listing = client.get(reverse("admin:core_workerheartbeat_changelist"))

    assert 'id="worker-status"' in idle
    assert "No background worker is running" in idle
    assert "A background worker is running" in running
    assert listing.status_code == 200
    assert "worker-1" in listing.content.decode()
