"""Two application processes on one PostgreSQL answer alike at once: a practice published
through one is listed and found by the other's API without delay, and withdrawn through the
second it disappears from the first (no per-process cache hides a change). This is what the
two application servers of compose.yaml rely on."""

import http.client
import secrets

import pytest
from django.db import connection
from django.test import Client

from approdo.organizations.tests.factories import make_organization, make_user
from approdo.practices import actions
from approdo.practices.tests.factories import FULL_SCORES, make_draft
from tests import processes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two servers share a PostgreSQL database"
    ),
]

WORD = "Zatterafluviale"


def codes(port: int, query: str = "") -> set[str]:
    status, _headers, body = processes.request(port, "GET", f"/api/v1/practices{query}")
    assert status == 200, body
    return {item["code"] for item in body["items"]}


def post_as(port: int, path: str, session: str) -> int:
    """A signed-in form POST (session cookie, CSRF cookie and header), without following."""
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            body=b"",
            headers={
                "Host": "127.0.0.1",
                "Cookie": f"sessionid={session}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_a_practice_published_through_one_process_is_found_through_the_other(tmp_path):
    anci = make_organization("ANCI Toscana", "associazione", tax_code="94008150487")
    coordinator = make_user(
        "coordinatore@ancitoscana.it", organization=anci, role="coordinator", totp=True
    )
    lead = make_organization("Cooperativa del Fiume", "cooperativa_sociale")
    practice = make_draft(lead, title=f"{WORD} per l'orientamento", by=coordinator)
    actions.assess_practice(practice, by=coordinator, values=FULL_SCORES)
    client = Client()
    client.force_login(coordinator)
    session = client.cookies["sessionid"].value

    env = processes.environment(tmp_path)
    first, first_port = processes.start_gunicorn(env, workers=1, threads=2)
    second, second_port = processes.start_gunicorn(env, workers=1, threads=2)
    try:
        # Both processes have answered (and built whatever they keep) before the change.
        for port in (first_port, second_port):
            assert practice.code not in codes(port)
            assert practice.code not in codes(port, f"?q={WORD}")

        published = post_as(
            first_port, f"/buone-pratiche/redazione/{practice.code}/pubblica/", session
        )
        listed_by_second = codes(second_port)
        found_by_second = codes(second_port, f"?q={WORD}")

        withdrawn = post_as(
            second_port, f"/buone-pratiche/redazione/{practice.code}/ritira/", session
        )
        listed_by_first = codes(first_port)
        found_by_first = codes(first_port, f"?q={WORD}")
    finally:
        processes.stop(first)
        processes.stop(second)

    assert published == 302
    assert practice.code in listed_by_second
    assert found_by_second == {practice.code}
    assert withdrawn == 302
    assert practice.code not in listed_by_first
    assert found_by_first == set()
