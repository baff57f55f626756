import pytest
from django.core import mail
from django.utils import translation

from approdo.practices import actions
from approdo.practices.models import ContactMessage, UpdateReport
from approdo.practices.tasks import send_contact_message
from approdo.practices.tests.factories import make_published

SECRET = "referente.segreta@progetto.example"


@pytest.fixture(autouse=True)
def _english(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
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


def contact_url(practice) -> str:
    return f"/buone-pratiche/scheda/{practice.code}/contatta/"


def report_url(practice) -> str:
    return f"/buone-pratiche/scheda/{practice.code}/segnala-aggiornamento/"


def test_both_addresses_show_one_form_with_their_choice_preset(client, practice):
    presets = ((contact_url(practice), "contact", 0), (report_url(practice), "update", 1))
    for url, preset, index in presets:
        page = client.get(url)
        assert page.status_code == 200
        form = page.context["form"]
        assert [value for value, _label in form.fields["kind"].choices] == ["contact", "update"]
        assert f'value="{preset}" id="id_kind_{index}" checked>' in page.content.decode()


def test_an_update_report_sent_from_the_contact_address(client, practice):
    data = {"kind": "update", "body": "Nuova sede", "email": ""}
    response = client.post(contact_url(practice), data, REMOTE_ADDR="10.5.0.1")
    assert response.status_code == 302
    assert UpdateReport.objects.get().body == "Nuova sede"
    assert not ContactMessage.objects.exists() and mail.outbox == []


def test_a_message_sent_from_the_report_address(
    client, practice, django_capture_on_commit_callbacks
):
    data = {"kind": "contact", "name": "Giulia", "email": "giulia@example.org", "body": "Ciao"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(practice), data)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[SECRET]]
    assert not UpdateReport.objects.exists()


def test_writing_to_the_contact_needs_a_name_and_an_address(client, practice):
    response = client.post(report_url(practice), {"kind": "contact", "body": "Ciao"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "email"}
    assert not ContactMessage.objects.exists() and not UpdateReport.objects.exists()


def test_without_a_contact_only_the_report_is_offered(client, prato):
    practice = make_published(prato, contact_email="")
    page = client.get(report_url(practice))
    assert [value for value, _label in page.context["form"].fields["kind"].choices] == ["update"]
    data = {"kind": "contact", "name": "Giulia", "email": "giulia@example.org", "body": "Ciao"}
    response = client.post(report_url(practice), data)
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not ContactMessage.objects.exists()


def test_the_message_is_e_mailed_only_once_the_transaction_commits(
    practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = actions.relay_contact_message(
            practice, name="Giulia", email="giulia@example.org", body="Ciao", ip_hash="h"
        )
    assert len(callbacks) == 1 and mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.relayed


def test_a_relayed_message_is_not_sent_twice(practice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = actions.relay_contact_message(
            practice, name="Giulia", email="giulia@example.org", body="Ciao", ip_hash="h"
        )
    send_contact_message.enqueue(message.pk)
    assert len(mail.outbox) == 1
