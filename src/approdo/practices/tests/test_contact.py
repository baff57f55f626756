import pytest
from django.core import mail
from django.utils import translation

from approdo.practices import actions
from approdo.practices.models import ContactMessage
from approdo.practices.tests.factories import make_published

SECRET = "referente.segreta@progetto.example"


@pytest.fixture(autouse=True)
def _english(db):
    with translation.override("en"):
        yield


@pytest.fixture
def practice(prato):
    return make_published(prato, contact_email=SECRET)


def send(client, practice, ip="10.1.1.1", **extra):
    data = {
        "name": "Giulia",
        "email": "giulia@example.org",
        "body": "Vorrei sapere di più.",
        **extra,
    }
    return client.post(f"/buone-pratiche/scheda/{practice.code}/contatta/", data, REMOTE_ADDR=ip)


def test_message_is_relayed_and_logged(client, practice, django_capture_on_commit_callbacks):
    page = client.get(f"/buone-pratiche/scheda/{practice.code}/contatta/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, practice)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [SECRET]
    assert message.reply_to == ["giulia@example.org"]
    assert "Vorrei sapere di più." in message.body
    logged = ContactMessage.objects.get()
    assert logged.relayed and logged.ip_hash and "10.1.1.1" not in logged.ip_hash
    follow = client.get(response["Location"])
    assert SECRET not in follow.content.decode()


def test_honeypot_blocks_bots(client, practice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, practice, leave_empty="http://spam.example")
    assert response.status_code == 200
    assert len(mail.outbox) == 0 and not ContactMessage.objects.exists()


def test_rate_limit_per_address(client, practice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(actions.CONTACT_LIMIT_PER_IP):
            assert send(client, practice).status_code == 302
        blocked = send(client, practice)
    assert blocked.status_code == 429
    assert "Troppi messaggi" in blocked.content.decode()
    assert len(mail.outbox) == actions.CONTACT_LIMIT_PER_IP
    assert send(client, practice, ip="10.9.9.9").status_code == 302


def test_rate_limit_per_practice(client, practice):
    for number in range(actions.CONTACT_LIMIT_PER_PRACTICE):
        assert send(client, practice, ip=f"10.2.0.{number}").status_code == 302
    assert send(client, practice, ip="10.3.0.1").status_code == 429


def test_form_errors_are_shown(client, practice):
    response = send(client, practice, email="not-an-address", body="")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "body"}


def test_update_report_honeypot(client, practice):
    response = client.post(
        f"/buone-pratiche/scheda/{practice.code}/segnala-aggiornamento/",
        {"body": "spam", "leave_empty": "x"},
    )
    assert response.status_code == 200
    assert not practice.update_reports.exists()


def test_update_reports_are_rate_limited(client, practice):
    url = f"/buone-pratiche/scheda/{practice.code}/segnala-aggiornamento/"
    for _ in range(actions.REPORT_LIMIT_PER_IP):
        assert (
            client.post(url, {"body": "Nuovo indirizzo"}, REMOTE_ADDR="10.4.0.1").status_code == 302
        )
    assert client.post(url, {"body": "Ancora"}, REMOTE_ADDR="10.4.0.1").status_code == 429
    assert practice.update_reports.count() == actions.REPORT_LIMIT_PER_IP
