import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from approdo.surveys import actions
from approdo.surveys.models import SurveyResponse
from approdo.surveys.tests.conftest import upload

FORMS = Path(__file__).resolve().parent / "forms"
GOOD_PRACTICE = Path(__file__).resolve().parents[1] / "forms" / "buone_pratiche.md"
PDF = b"%PDF-1.4\n%fake\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def open_campaign(path: Path, slug: str, *organizations, closes_in_days: int = 30):
    campaign = actions.import_xlsform(
        upload(path.read_bytes(), path.name),
        campaign_slug=slug,
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=closes_in_days),
    )
    campaign.organizations.add(*organizations)
    return campaign


@pytest.fixture
def every_type(db, prato, prato_member):
    campaign = open_campaign(FORMS / "every_type.md", "every-type", prato)
    return actions.start_response(campaign, organization=prato, by=prato_member)


@pytest.fixture
def practice(db, prato, prato_member):
    campaign = open_campaign(GOOD_PRACTICE, "buone-pratiche", prato)
    return actions.start_response(campaign, organization=prato, by=prato_member)


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages are asserted in their English source text."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def edit_url(response, **query):
    url = reverse("surveys:response-edit", kwargs={"instance_id": response.instance_id})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def post(client, response, data, *, htmx=False, url=None, **extra):
    response.refresh_from_db()
    payload = {"_revision": response.revision, "page": 1, "lang": "en", **data}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url or edit_url(response), payload, **headers, **extra)


# -- the list of questionnaires ------------------------------------------------------------


def test_member_sees_open_campaign_with_deadline_and_start_button(client, prato_member, prato):
    campaign = open_campaign(GOOD_PRACTICE, "buone-pratiche", prato)
    client.force_login(prato_member)

    page = client.get(reverse("surveys:campaign-list-mine"))

    assert page.status_code == 200
    content = page.content.decode()
    assert campaign.title in content
    assert reverse("surveys:response-start", kwargs={"slug": campaign.slug}) in content


def test_start_creates_draft_and_redirects_to_form(client, prato_member, prato):
    campaign = open_campaign(GOOD_PRACTICE, "buone-pratiche", prato)
    client.force_login(prato_member)

    answer = client.post(
        reverse("surveys:response-start", kwargs={"slug": campaign.slug}),
        {"organization": prato.pk},
    )

    response = SurveyResponse.objects.get(campaign=campaign, organization=prato)
    assert response.status == SurveyResponse.Status.DRAFT
    assert answer["Location"] == edit_url(response)


def test_start_for_an_organisation_outside_the_audience_is_refused(
    client, coop_member, prato, coop
):
    campaign = open_campaign(GOOD_PRACTICE, "buone-pratiche", prato)
    client.force_login(coop_member)

    answer = client.post(
        reverse("surveys:response-start", kwargs={"slug": campaign.slug}),
        {"organization": coop.pk},
        follow=True,
    )

    assert "not among the organisations" in answer.content.decode()
    assert not SurveyResponse.objects.filter(campaign=campaign).exists()


def test_start_rejects_get(client, prato_member, prato):
    campaign = open_campaign(GOOD_PRACTICE, "buone-pratiche", prato)
    client.force_login(prato_member)
    url = reverse("surveys:response-start", kwargs={"slug": campaign.slug})
    assert client.get(url).status_code == 405


def test_colleague_sees_and_resumes_the_draft_other_organisation_does_not(
    client, practice, prato, prato_member, coop_member
):
    from approdo.organizations.models import Membership
    from approdo.organizations.tests.factories import make_user

    colleague = make_user("colleague@prato.example")
    Membership.objects.create(user=colleague, organization=prato, role="org_member")
    practice.campaign.organizations.add(coop_member.memberships.get().organization)

    client.force_login(colleague)
    content = client.get(reverse("surveys:campaign-list-mine")).content.decode()
    assert edit_url(practice) in content
    assert client.get(edit_url(practice)).status_code == 200

    client.force_login(coop_member)
    content = client.get(reverse("surveys:campaign-list-mine")).content.decode()
    assert edit_url(practice) not in content
    assert client.get(edit_url(practice)).status_code == 404


def test_list_page_query_count_does_not_grow_with_campaigns(
    client, prato_member, prato, django_assert_max_num_queries
):
    for index in range(4):
        campaign = open_campaign(GOOD_PRACTICE, f"campagna-{index}", prato)
        actions.start_response(campaign, organization=prato, by=prato_member)
    client.force_login(prato_member)

    with django_assert_max_num_queries(11):
        page = client.get(reverse("surveys:campaign-list-mine"))

    assert page.status_code == 200
    assert page.content.decode().count("Continue:") == 4


# -- rendering every type ---------------------------------------------------------------------


def test_every_question_type_renders_with_its_widget(client, prato_member, every_type):
    client.force_login(prato_member)

    content = client.get(edit_url(every_type, lang="en")).content.decode()

    assert '<textarea id="q-data-t"' in content  # multiline text
    assert 'name="/data/n" value="2"' in content and 'inputmode="numeric"' in content  # default
    assert 'name="/data/d"' in content and "readonly" in content  # read_only decimal
    assert 'type="date" id="q-data-day"' in content
    assert 'type="time" id="q-data-tm"' in content
    assert 'type="radio" name="/data/z"' in content  # short select_one
    assert "No options yet" in content  # cascading comune before a zona is chosen
    assert 'type="checkbox" name="/data/f" id="q-data-f-0" value="apple"' in content
    assert 'name="/data/f_other"' not in content  # or_other text: only once 'other' is chosen
    assert "Note" in content and 'class="survey-note' in content
    assert 'value="OK"' in content  # acknowledge
    assert 'name="/data/h"' not in content and 'name="/data/calc"' not in content
    assert 'type="radio" name="/data/r" id="q-data-r-4" value="5"' in content  # range 1-5
    assert 'type="file" id="q-data-doc"' in content and 'accept=".csv,' in content
    assert 'type="file" id="q-data-img"' in content and ".png" in content
    assert 'id="q-data-g"' not in content  # group not relevant until apple is chosen
    assert 'aria-required="true"' in content and "(required)" in content
    assert 'id="q-data-t-hint">Aiuto' in content  # a hint only in Italian falls back to it
    assert 'aria-describedby="q-data-t-hint"' in content
    assert "multipart/form-data" in content


def test_labels_in_another_language_through_lang(client, prato_member, every_type):
    client.force_login(prato_member)

    italian = client.get(edit_url(every_type, lang="it")).content.decode()
    english = client.get(edit_url(every_type, lang="en")).content.decode()

    assert "Frutta" in italian and 'lang="it"' in italian and "Aiuto" in italian
    assert "Fruit" in english and "Frutta" not in english
    assert 'hreflang="en"' in italian  # the switch inside the form


def test_default_language_is_the_interface_language(client, prato_member, every_type):
    client.force_login(prato_member)
    content = client.get(edit_url(every_type), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Frutta" in content


def test_relevance_shows_group_and_repeat_count_sets_entries(client, prato_member, every_type):
    client.force_login(prato_member)

    page = post(client, every_type, {"/data/f": ["", "apple"], "/data/n": "3"}, htmx=True)

    content = page.content.decode()
    assert 'id="q-data-g"' in content
    assert content.count('name="/data/g/rep[') == 3  # repeat_count = n
    assert "Add:" not in content  # a counted repeat has no add button
    assert page["Vary"] and "HX-Request" in page["Vary"]
    assert "<html" not in content  # the partial only


def test_cascading_choices_follow_the_zona(client, prato_member, every_type):
    client.force_login(prato_member)

    content = post(client, every_type, {"/data/z": "z1"}, htmx=True).content.decode()

    assert 'value="c1"' in content and 'value="c2"' not in content


def test_or_other_text_appears_when_other_is_chosen(client, prato_member, practice):
    client.force_login(prato_member)

    content = post(
        client, practice, {"page": 2, "/data/progetto/fonti": ["", "other"]}, htmx=True
    ).content.decode()

    assert 'name="/data/progetto/fonti_other"' in content


# -- errors at their field ------------------------------------------------------------------


def test_constraint_error_at_field_with_aria_and_summary(client, prato_member, practice):
    client.force_login(prato_member)

    content = post(
        client, practice, {"/data/organizzazione/referente_email": "not-an-address"}, htmx=True
    ).content.decode()

    field = re.search(r'<input[^>]*id="q-data-organizzazione-referente-email"[^>]*>', content)
    assert 'aria-invalid="true"' in field.group(0)
    assert "q-data-organizzazione-referente-email-error" in field.group(0)
    assert 'id="q-data-organizzazione-referente-email-error">Not a valid e-mail address.' in content
    assert 'href="#q-data-organizzazione-referente-email"' in content  # the error summary
    assert "An answer is required." not in content  # missing answers wait for "Next"


def test_next_with_missing_answers_shows_required_errors_and_stays(client, prato_member, practice):
    client.force_login(prato_member)

    content = post(client, practice, {"_action": "next"}).content.decode()

    assert "An answer is required." in content
    assert 'name="page" value="1"' in content
    assert "There are 4 problems to fix" in content


def test_page_navigation_without_javascript(client, prato_member, practice):
    client.force_login(prato_member)
    first_page = {
        "/data/organizzazione/org_nome": "Comune di Prato",
        "/data/organizzazione/org_tipo": "comune",
        "/data/organizzazione/referente_nome": "Anna Rossi",
        "/data/organizzazione/referente_email": "anna@example.org",
    }

    answer = post(client, practice, {**first_page, "_action": "next"})

    assert answer.status_code == 302
    assert answer["Location"] == edit_url(practice) + "?page=2&lang=en"
    content = client.get(answer["Location"]).content.decode()
    assert "Step 2 of 9" in content and "The project" in content
    back = post(client, practice, {"page": 2, "_action": "prev"})
    assert back["Location"].endswith("?page=1&lang=en")


# -- autosave and concurrent edits ---------------------------------------------------------------


def test_every_post_saves_the_draft(client, prato_member, practice):
    client.force_login(prato_member)
    revision = practice.revision

    post(client, practice, {"/data/organizzazione/org_nome": "Comune"}, htmx=True)

    practice.refresh_from_db()
    assert practice.answers["org_nome"] == "Comune"
    assert practice.revision == revision + 1
    assert practice.status == SurveyResponse.Status.DRAFT


def test_stale_revision_is_shown_and_not_saved(client, prato_member, practice):
    client.force_login(prato_member)
    stale = practice.revision
    actions.save_draft(practice, answers={"org_nome": "Theirs"}, revision=stale, by=prato_member)

    page = client.post(
        edit_url(practice),
        {"_revision": stale, "page": 1, "/data/organizzazione/org_nome": "Mine"},
        HTTP_HX_REQUEST="true",
    )

    practice.refresh_from_db()
    assert practice.answers["org_nome"] == "Theirs"
    content = page.content.decode()
    assert "Someone else saved this questionnaire on" in content
    assert "Reload the latest version" in content


# -- repeats ----------------------------------------------------------------------------------


def test_repeat_entries_are_added_and_removed(client, prato_member, practice):
    client.force_login(prato_member)
    repeat = "/data/partenariato/partner"

    content = post(
        client, practice, {"page": 5, "/data/partenariato/ha_partner": "si"}, htmx=True
    ).content.decode()
    assert f"add:{repeat}" in content
    post(client, practice, {"page": 5, "_action": f"add:{repeat}"}, htmx=True)
    content = post(client, practice, {"page": 5, "_action": f"add:{repeat}"}, htmx=True)
    content = content.content.decode()
    assert f'name="{repeat}[2]/partner_nome"' in content
    post(
        client,
        practice,
        {"page": 5, f"{repeat}[1]/partner_nome": "Uno", f"{repeat}[2]/partner_nome": "Due"},
        htmx=True,
    )

    post(client, practice, {"page": 5, "_action": f"remove:{repeat}[1]"}, htmx=True)

    practice.refresh_from_db()
    assert [entry["partner_nome"] for entry in practice.answers["partner"]] == ["Due"]


def test_repeat_hidden_until_relevant(client, prato_member, practice):
    client.force_login(prato_member)
    content = client.get(edit_url(practice, page=5, lang="en")).content.decode()
    assert "add:/data/partenariato/partner" not in content


# -- files ------------------------------------------------------------------------------------


def test_file_upload_is_stored_and_downloaded_by_members_only(
    client, prato_member, coop_member, anci_coordinator, every_type
):
    client.force_login(prato_member)

    post(client, every_type, {"/data/doc": SimpleUploadedFile("relazione finale.pdf", PDF)})

    every_type.refresh_from_db()
    stored = every_type.answers["doc"]
    assert stored.startswith(f"surveys/responses/{every_type.instance_id}/")
    name = stored.rsplit("/", 1)[1]
    url = reverse(
        "surveys:response-file", kwargs={"instance_id": every_type.instance_id, "name": name}
    )
    assert url in client.get(edit_url(every_type)).content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "relazione-finale.pdf" in download["Content-Disposition"]
    client.force_login(anci_coordinator)
    assert client.get(url).status_code == 404  # a draft's files stay with the organisation
    SurveyResponse.objects.filter(pk=every_type.pk).update(status="submitted")
    assert client.get(url).status_code == 200
    client.force_login(coop_member)
    assert client.get(url).status_code == 404


def test_file_of_a_wrong_type_or_too_large_is_refused(client, prato_member, every_type, settings):
    client.force_login(prato_member)
    settings.APPRODO_SURVEY_UPLOAD_MAX_BYTES = 100

    wrong = post(client, every_type, {"/data/doc": SimpleUploadedFile("x.exe", b"MZ")}).content
    large = post(client, every_type, {"/data/img": SimpleUploadedFile("a.png", PNG * 10)})
    fake = post(client, every_type, {"/data/img": SimpleUploadedFile("b.png", b"GIF89a")})

    assert "This kind of file is not accepted" in wrong.decode()
    assert "larger than the" in large.content.decode()
    assert "does not match its name" in fake.content.decode()
    every_type.refresh_from_db()
    assert "doc" not in every_type.answers and "img" not in every_type.answers


def test_unknown_file_name_is_404(client, prato_member, every_type):
    client.force_login(prato_member)
    url = reverse(
        "surveys:response-file",
        kwargs={"instance_id": every_type.instance_id, "name": "other.pdf"},
    )
    assert client.get(url).status_code == 404


# -- submission --------------------------------------------------------------------------------


def filled_practice(response):
    return {
        "org_nome": "Comune di Prato",
        "org_tipo": "comune",
        "referente_nome": "Anna Rossi",
        "referente_email": "anna@example.org",
        "titolo": "Casa comune",
        "stato": "in_corso",
        "data_inizio": "2024-01-10",
        "fonti": "fondi_comunali",
        "zona": "pratese",
        "comuni": "100005",
        "destinatari": "richiedenti_asilo",
        "azioni": "lingua_italiana",
        "descrizione": "Accoglienza diffusa.",
        "ha_partner": "no",
        "beneficiari_totale": "12",
        "risultati": "Buoni.",
        "evidenze": "nessuna",
        "metodo_valutazione": "nessuna",
        "sostenibilita_dopo": "no",
        "parti_pubblicabili": "nessuna",
        "dichiarazione": "OK",
    }


def submit_url(response):
    return reverse("surveys:response-submit", kwargs={"instance_id": response.instance_id})


def test_submit_with_errors_shows_them_and_does_not_submit(client, prato_member, practice):
    client.force_login(prato_member)

    page = post(client, practice, {"page": 9}, url=submit_url(practice))

    practice.refresh_from_db()
    assert practice.status == SurveyResponse.Status.DRAFT
    assert page.status_code == 200
    content = page.content.decode()
    assert "problems to fix" in content
    assert 'name="page" value="1"' in content  # the page of the first error
    assert 'aria-invalid="true"' in content


def test_submit_sends_receipt_with_pdf_and_is_idempotent(
    client, settings, prato_member, practice, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(prato_member)
    practice.answers = filled_practice(practice)
    practice.save()

    with django_capture_on_commit_callbacks(execute=True):
        answer = post(client, practice, {"page": 9}, url=submit_url(practice))
        again = post(client, practice, {"page": 9}, url=submit_url(practice))

    receipt = reverse("surveys:response-receipt", kwargs={"instance_id": practice.instance_id})
    assert answer.status_code == 302 and answer["Location"] == receipt
    assert again["Location"] == receipt
    practice.refresh_from_db()
    assert practice.status == SurveyResponse.Status.SUBMITTED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [prato_member.email]
    assert str(practice.instance_id) in message.body and "Casa comune" in message.body
    html = message.alternatives[0]
    assert "Casa comune" in html[0] and html[1] == "text/html"
    ((name, content, mimetype),) = message.attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    page = client.get(receipt).content.decode()
    assert "Receipt" in page and str(practice.instance_id) in page
    assert "Casa comune" in page and "Asylum seekers" in page  # labels in the page's language
    pdf = client.get(
        reverse("surveys:response-receipt-pdf", kwargs={"instance_id": practice.instance_id})
    )
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_submit_with_htmx_redirects_the_browser(client, prato_member, practice):
    client.force_login(prato_member)
    practice.answers = filled_practice(practice)
    practice.save()

    answer = post(client, practice, {"page": 9}, url=submit_url(practice), htmx=True)

    assert answer["HX-Redirect"].endswith("/ricevuta/")


def test_submit_rejects_get_and_other_organisation(client, prato_member, coop_member, practice):
    client.force_login(prato_member)
    assert client.get(submit_url(practice)).status_code == 405
    client.force_login(coop_member)
    assert post(client, practice, {}, url=submit_url(practice)).status_code == 404


def test_receipt_of_a_draft_is_404(client, prato_member, practice):
    client.force_login(prato_member)
    url = reverse("surveys:response-receipt", kwargs={"instance_id": practice.instance_id})
    assert client.get(url).status_code == 404


# -- closed campaigns and the read-only detail ---------------------------------------------------


def test_closed_campaign_is_read_only(client, prato_member, practice):
    client.force_login(prato_member)
    campaign = practice.campaign
    campaign.opens_at = timezone.now() - datetime.timedelta(days=10)
    campaign.closes_at = timezone.now() - datetime.timedelta(days=1)
    campaign.save()
    practice.answers = {"org_nome": "Comune di Prato"}
    practice.save()

    content = client.get(edit_url(practice)).content.decode()
    answer = post(client, practice, {"/data/organizzazione/org_nome": "Changed"})

    assert "This questionnaire is closed" in content and "The campaign closed on" in content
    assert '<form method="post" action="' + edit_url(practice) not in content
    assert "Comune di Prato" in content
    practice.refresh_from_db()
    assert practice.answers["org_nome"] == "Comune di Prato"
    assert answer.status_code == 200


def test_response_sent_back_for_changes_is_editable_after_the_deadline(
    client, prato_member, practice
):
    client.force_login(prato_member)
    campaign = practice.campaign
    campaign.opens_at = timezone.now() - datetime.timedelta(days=10)
    campaign.closes_at = timezone.now() - datetime.timedelta(days=1)
    campaign.save()
    SurveyResponse.objects.filter(pk=practice.pk).update(
        status=SurveyResponse.Status.CHANGES_REQUESTED
    )

    post(client, practice, {"/data/organizzazione/org_nome": "Changed"}, htmx=True)

    practice.refresh_from_db()
    assert practice.answers["org_nome"] == "Changed"


def test_detail_for_members_regional_roles_and_territory(
    client, prato_member, coop_member, anci_coordinator, zona_officer, practice
):
    url = reverse("surveys:response-detail", kwargs={"instance_id": practice.instance_id})
    practice.answers = {"org_nome": "Comune di Prato"}
    practice.save()
    client.force_login(prato_member)
    assert "Comune di Prato" in client.get(url).content.decode()
    client.force_login(anci_coordinator)
    assert client.get(url).status_code == 404  # drafts stay with the organisation
    client.force_login(coop_member)
    assert client.get(url).status_code == 404
    client.force_login(zona_officer)
    assert client.get(url).status_code == 404
    SurveyResponse.objects.filter(pk=practice.pk).update(status="submitted")
    assert client.get(url).status_code == 200
    client.force_login(anci_coordinator)
    assert client.get(url).status_code == 200


def test_edit_rejects_other_methods(client, prato_member, practice):
    client.force_login(prato_member)
    assert client.put(edit_url(practice)).status_code == 405


def test_regional_roles_cannot_edit(client, anci_coordinator, practice):
    client.force_login(anci_coordinator)
    assert client.get(edit_url(practice)).status_code == 404


def test_labelled_calculation_is_shown_and_minimal_select_is_a_dropdown(
    client, prato_member, prato
):
    from approdo.surveys.tests.conftest import md_form

    rows = """
| | type | name | label | appearance | calculation |
| | integer | adults | Adults | | |
| | integer | minors | Minors | | |
| | calculate | people | People in all | | ${adults} + ${minors} |
| | select_one yn | ok | All right? | minimal | |
"""
    choices = """
| | list_name | name | label |
| | yn | y | Yes |
| | yn | n | No |
"""
    campaign = actions.import_xlsform(
        upload(md_form(rows, choices=choices, form_id="calc_form")),
        campaign_slug="calc",
        opens_at=timezone.now() - datetime.timedelta(days=1),
    )
    campaign.organizations.add(prato)
    response = actions.start_response(campaign, organization=prato, by=prato_member)
    client.force_login(prato_member)

    content = post(client, response, {"/data/adults": "2", "/data/minors": "3"}, htmx=True)

    content = content.content.decode()
    assert 'aria-labelledby="q-data-people-label">5</output>' in content
    assert '<select id="q-data-ok" name="/data/ok"' in content
    assert 'name="/data/people"' not in content  # calculations are never posted


def test_long_choice_list_is_a_dropdown(client, prato_member, practice):
    client.force_login(prato_member)
    content = client.get(edit_url(practice, page=2)).content.decode()
    assert '<select id="q-data-progetto-zona" name="/data/progetto/zona"' in content


def test_error_summary_names_the_repeat_entry(client, prato_member, practice):
    client.force_login(prato_member)
    post(client, practice, {"page": 5, "/data/partenariato/ha_partner": "si"}, htmx=True)
    post(client, practice, {"page": 5, "_action": "add:/data/partenariato/partner"}, htmx=True)

    content = post(client, practice, {"page": 5, "_action": "next"}).content.decode()

    assert "Partner name (Partner 1): An answer is required." in content
    assert 'href="#q-data-partenariato-partner-1-partner-ruolo-0"' in content
