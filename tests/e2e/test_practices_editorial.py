"""Good-practice editorial side in Chromium: a reader sends the contact form with the keyboard
only (the address of the contact never appears); axe finds nothing on the editorial pages
(list, practice, edit form, criteria checklist, mapping) and the public forms."""

import pytest
from django.core import mail

from tests.e2e.conftest import run_axe
from tests.e2e.test_accessibility import sign_in
from tests.e2e.test_survey_respond import tab_to

SECRET = "referente.nascosta@progetto.example"


def no_violations(page, path: str) -> None:
    response = page.goto(path)
    assert response.status < 400, f"{path} answered {response.status}"
    violations = run_axe(page)
    assert violations == [], f"{page.url}: {violations}"


@pytest.fixture
def practices(tuscany, prato):
    from approdo.practices.tests.factories import make_draft, make_published

    published = make_published(prato, title="Sportello aperto", contact_email=SECRET)
    draft = make_draft(prato, title="Bozza in lavorazione", comuni=["100005"])
    return published, draft


@pytest.mark.django_db(transaction=True)
def test_send_the_contact_form_by_keyboard(page, live_server, practices, settings):
    from approdo.practices.models import ContactMessage

    # The relay is a task: run it in the server's thread as soon as the message is committed.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    published, _draft = practices
    page.goto(f"/buone-pratiche/scheda/{published.code}/contatta/")
    assert SECRET not in page.content()
    tab_to(page, "id_name")
    page.keyboard.type("Giulia Rossi")
    page.keyboard.press("Tab")
    page.keyboard.type("giulia@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Vorrei sapere come replicare lo sportello nel mio comune.")
    # The honeypot is out of the tab order: the next stop is the submit button.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert SECRET not in page.content()
    assert ContactMessage.objects.get().sender_name == "Giulia Rossi"
    assert [message.to for message in mail.outbox] == [[SECRET]]


@pytest.mark.django_db(transaction=True)
def test_editorial_pages_pass_axe(page, live_server, client, practices, anci_coordinator):
    import io

    from approdo.surveys.actions import import_xlsform

    form = (
        b"| survey |\n| | type | name | label |\n| | text | titolo | Titolo |\n"
        b"| | select_multiple parti | parti | Parti |\n"
        b"| choices |\n| | list_name | name | label |\n| | parti | risultati | Risultati |\n"
        b"| settings |\n| | form_id | form_title |\n| | e2e_mapping | E2E |\n"
    )
    import_xlsform(io.BytesIO(form), filename="e2e.md", campaign_slug="e2e-mapping")
    published, draft = practices
    sign_in(page, live_server, client, anci_coordinator)
    for path in [
        "/buone-pratiche/redazione/",
        "/buone-pratiche/redazione/?state=reconfirm",
        f"/buone-pratiche/redazione/{draft.code}/",
        f"/buone-pratiche/redazione/{draft.code}/modifica/",
        f"/buone-pratiche/redazione/{draft.code}/criteri/",
        "/buone-pratiche/redazione/segnalazioni/",
        "/buone-pratiche/redazione/mappature/",
        "/buone-pratiche/redazione/mappature/e2e_mapping/",
        f"/buone-pratiche/scheda/{published.code}/contatta/",
        f"/buone-pratiche/scheda/{published.code}/segnala-aggiornamento/",
    ]:
        no_violations(page, path)
