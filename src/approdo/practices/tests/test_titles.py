"""A practice's title is one line wherever it comes from, and the contact relay's subject is
one line even for a title stored before that rule."""

import pytest
from django.core import mail
from django.utils import translation

from approdo.practices import actions, importing
from approdo.practices.models import Practice, PracticeTranslation
from approdo.practices.tests.factories import make_published


@pytest.fixture(autouse=True)
def _english(db):
    with translation.override("en"):
        yield


def test_a_title_is_stored_on_one_line(prato):
    practice = make_published(prato, title="Casa\naperta\r\n a Prato\x0b")

    practice.refresh_from_db()
    assert practice.title == "Casa aperta a Prato"
    translation_row = PracticeTranslation.objects.create(
        practice=practice, language="en", title="Open\nhouse", summary="s"
    )
    translation_row.refresh_from_db()
    assert translation_row.title == "Open house"


def test_an_imported_title_is_one_line(prato):
    data = b'title,lead_name,lead_kind\n"Casa\naperta",Comune di Prato,comune\n'

    result = importing.PracticeImport().run(importing.PracticeImport.read(data, "f.csv"))

    assert result.errors == []
    assert Practice.objects.get().title == "Casa aperta"


def test_the_relay_subject_is_one_line_whatever_the_stored_title(
    prato, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    practice = make_published(prato, contact_email="referente@progetto.example")
    Practice.objects.filter(pk=practice.pk).update(title="Casa\naperta")  # stored before
    practice.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        actions.relay_contact_message(
            practice, name="Giulia", email="giulia@example.org", body="Ciao", ip_hash="x"
        )

    [message] = mail.outbox
    assert message.subject == "Message about the practice “Casa aperta”"
    assert message.message()["Subject"]
