"""Database connections killed under load (pg_terminate_backend, as a restart or failover
does): API submissions lose nothing and are never duplicated, the clients get retryable 503s,
never a 500; the worker reconnects and finishes the export it was building.

Deterministic: requests (and the export) are first made to wait on a table lock, so that the
kill is known to hit them mid-request; then connections keep being killed while the rest go
on. Bounded: every wait has a timeout. Run with -s to see the figures.
"""

import datetime
import threading
import time
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from approdo.api.actions import create_token
from approdo.core.models import WorkerHeartbeat
from approdo.organizations.models import Membership, Organization, User
from approdo.reports.actions import request_export
from approdo.reports.models import Export
from approdo.surveys import actions
from approdo.surveys.models import SurveyResponse
from approdo.surveys.tests.conftest import MINIMAL_FORM, upload
from tests import processes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kills PostgreSQL connections"),
]

CLIENTS = 50
THREADS_PER_PROCESS = 8
PROCESSES = 2
MAX_ATTEMPTS = 20


@pytest.fixture
def campaign():
    campaign = actions.import_xlsform(
        upload(MINIMAL_FORM.replace("{form_id}", "faults").encode()),
        campaign_slug="faults",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=10),
        many_responses=True,
    )
    organization = Organization.objects.create(name="Cooperativa Resistente", kind="associazione")
    campaign.organizations.add(organization)
    user = User.objects.create_user(email="client@example.org", password=None)
    Membership.objects.create(user=user, organization=organization, role="org_member")
    _token, plaintext = create_token(user, name="faults")
    return campaign, organization, plaintext


def submit_with_retries(port, path, token, body, answers: list) -> None:
    """One client: send until a 2xx, waiting briefly after each 503 (Retry-After, capped)."""
    for _ in range(MAX_ATTEMPTS):
        try:
            status, headers, _data = processes.request(port, "POST", path, body, token)
        except OSError:  # the server closed the connection: send again, as a client would
            answers.append((body["instance_id"], "network"))
            continue
        answers.append((body["instance_id"], status))
        if status != 503:
            return
        assert "Retry-After" in headers
        time.sleep(min(float(headers["Retry-After"]), 0.2))


def test_killed_connections_during_50_concurrent_submissions(campaign, tmp_path):
    campaign, organization, token = campaign
    server, port = processes.start_gunicorn(
        processes.environment(tmp_path), workers=PROCESSES, threads=THREADS_PER_PROCESS
    )
    killer = processes.psycopg_connect()
    locker = processes.psycopg_connect()
    answers: list = []
    path = f"/api/v1/campaigns/{campaign.slug}/responses"
    bodies = [
        {
            "instance_id": str(uuid.uuid4()),
            "organization": organization.pk,
            "answers": {"project": f"Progetto {n}", "people": str(n)},
            "submit": True,
        }
        for n in range(CLIENTS)
    ]
    clients = [
        threading.Thread(target=submit_with_retries, args=(port, path, token, body, answers))
        for body in bodies
    ]
    try:
        # Phase 1: every server thread is inside a submission, waiting on a lock; kill them.
        locker.execute("BEGIN")
        locker.execute(
            f"LOCK TABLE {SurveyResponse._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"  # noqa: S608
        )
        for client in clients:
            client.start()
        # Each process takes its share of the 50 connections; one at least fills its threads.
        blocked = processes.wait_for(
            lambda: (n := processes.lock_waiters(killer)) >= THREADS_PER_PROCESS and n,
            timeout=60,
            what="the server threads to wait on the lock",
        )
        killed = processes.terminate_other_backends(killer)  # the locker's too: lock released
        # Phase 2: keep killing while the clients retry and the rest go through.
        for _ in range(5):
            time.sleep(0.3)
            killed += processes.terminate_other_backends(killer)
        for client in clients:
            client.join(timeout=120)
        assert not any(client.is_alive() for client in clients), "a client is still waiting"
        status_after, _headers, status_body = processes.request(port, "GET", "/api/v1/status")
    finally:
        locker.close()
        processes.terminate_other_backends(killer)
        processes.stop(server)
        killer.close()

    connection.close()  # the test's own connection was killed too
    statuses = [status for _id, status in answers]
    accepted = {instance for instance, status in answers if status in (200, 201)}
    stored = list(
        SurveyResponse.objects.filter(campaign=campaign).values_list("instance_id", flat=True)
    )
    print(
        f"\nfault test: {CLIENTS} clients, {len(answers)} requests, "
        f"{statuses.count(201)} x 201, {statuses.count(200)} x 200, "
        f"{statuses.count(503)} x 503, {statuses.count('network')} network errors, "
        f"other: {sorted({s for s in statuses if s not in (200, 201, 503, 'network')})}; "
        f"{blocked} requests killed while waiting, {killed} connections killed; "
        f"accepted {len(accepted)}, stored {len(stored)}, distinct {len(set(stored))}"
    )
    assert set(statuses) <= {200, 201, 503, "network"}, "no 500, no other error"
    assert statuses.count(503) >= blocked  # each killed mid-request answered a retryable 503
    assert len(accepted) == CLIENTS  # every client got its 2xx in the end
    assert len(stored) == len(set(stored)) == CLIENTS  # no loss, no duplicate
    assert {str(instance) for instance in stored} == accepted
    assert status_after == 200 and status_body["database"] == "ok"  # healthy afterwards


def test_the_worker_finishes_an_export_after_its_connection_is_killed(campaign, tmp_path):
    campaign, organization, _token = campaign
    for n in range(30):
        actions.submit_response(
            campaign,
            organization=organization,
            instance_id=uuid.uuid4(),
            answers={"project": f"Progetto {n}", "people": str(n)},
            by=None,
        )
    analyst = User.objects.create_user(email="analyst@example.org", password=None)
    Membership.objects.create(
        user=analyst,
        organization=Organization.objects.create(name="ANCI Toscana", kind="associazione"),
        role="analyst",
    )
    export = request_export(
        by=analyst, dataset="survey_responses", fmt="csv", params={"campaign": campaign.slug}
    )
    killer = processes.psycopg_connect()
    locker = processes.psycopg_connect()
    env = processes.environment(tmp_path, APPRODO_WORKER_HEARTBEAT_SECONDS="1")
    worker = None
    try:
        # The export starts, then waits on a lock while reading the responses: kill it there.
        locker.execute("BEGIN")
        locker.execute(
            f"LOCK TABLE {SurveyResponse._meta.db_table} IN ACCESS EXCLUSIVE MODE"  # noqa: S608
        )
        worker = processes.start_worker(env)
        processes.wait_for(
            lambda: (
                processes.lock_waiters(killer) >= 1
                and killer.execute(
                    "SELECT status FROM reports_export WHERE id = %s", [export.pk]
                ).fetchone()[0]
                == Export.Status.RUNNING
            ),
            timeout=60,
            what="the export to be running and waiting on the lock",
        )
        killed = processes.terminate_other_backends(killer)
        final = processes.wait_for(
            lambda: (
                (
                    row := killer.execute(
                        "SELECT status, row_count, attempts FROM reports_export WHERE id = %s",
                        [export.pk],
                    ).fetchone()
                )[0]
                in (Export.Status.DONE, Export.Status.FAILED)
                and row
            ),
            timeout=90,
            what="the export to finish",
        )
        still_running = worker.poll() is None
        heartbeat = killer.execute(
            f"SELECT reconnections FROM {WorkerHeartbeat._meta.db_table}"  # noqa: S608
        ).fetchall()
    finally:
        locker.close()
        if worker is not None:
            processes.stop(worker)
            output = worker.stdout.read()
        killer.close()

    connection.close()
    print(f"\nexport fault test: {killed} connections killed; export {final}; worker output:")
    print(output)
    assert final == (Export.Status.DONE, 30, 2)  # built again, completely, on the 2nd attempt
    assert still_running  # the worker did not exit
    assert worker.returncode == 0  # and stops cleanly when asked
    assert heartbeat and heartbeat[0][0] >= 1  # its heartbeat row counts the reconnection
    assert not WorkerHeartbeat.objects.exists()  # removed when it stopped
