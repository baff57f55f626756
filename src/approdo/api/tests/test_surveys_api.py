import csv
import datetime
import io
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from approdo.api.tests.conftest import bearer
from approdo.reports.models import Export
from approdo.surveys import actions
from approdo.surveys.models import QuestionnaireVersion, SurveyResponse
from approdo.surveys.tests.conftest import md_form, upload

FORM = md_form(
    """
| | type | name | label::Italiano (it) | label::English (en) | required | constraint | relevant |
| | begin group | main | Progetto | Project | | | |
| | text | project | Titolo | Title | yes | | |
| | integer | people | Persone | People | | . >= 0 | |
| | select_multiple fund | funds | Fonti | Funds | | | |
| | end group | | | | | | |
| | begin repeat | partner | Partner | Partner | | | |
| | text | partner_name | Nome | Name | yes | | |
| | end repeat | | | | | | |
""",
    choices="""
| | list_name | name | label::Italiano (it) | label::English (en) |
| | fund | fami | FAMI | AMIF |
| | fund | own | Fondi propri | Own funds |
""",
    form_id="api_form",
)
pytestmark = pytest.mark.django_db

GOOD = {"project": "Sportello", "people": 4, "funds": "fami", "partner": [{"partner_name": "A"}]}


@pytest.fixture(autouse=True)
def _english_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(db, prato, coop):
    campaign = actions.import_xlsform(
        upload(FORM),
        campaign_slug="api-campaign",
        title="API campaign",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    campaign.organizations.add(prato, coop)
    return campaign


def url(name, slug="api-campaign"):
    return reverse(f"api:{name}", kwargs={"slug": slug})


def post(client, body, slug="api-campaign"):
    return client.post(
        url("campaign-responses", slug),
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def body(organization, answers=None, *, instance_id=None, submit=True):
    return {
        "instance_id": str(instance_id or uuid.uuid4()),
        "organization": organization.pk,
        "answers": GOOD if answers is None else answers,
        "submit": submit,
    }


# -- GET /campaigns/{slug} --------------------------------------------------------------------


def test_campaign_detail_gives_the_form_structure_to_invited_members(client, campaign, coop_member):
    client.force_login(coop_member)
    response = client.get(url("campaign-detail"))
    assert response.status_code == 200
    data = response.json()
    assert data["slug"] == "api-campaign" and data["is_open"] is True
    assert data["closed_reason"] == ""
    form = data["form"]
    assert form["version"] == 1
    group = form["children"][0]
    assert group["type"] == "group"
    project, people, funds = group["children"]
    assert project["required"] == "true()"
    assert project["labels"] == {"Italiano (it)": "Titolo", "English (en)": "Title"}
    assert people["constraint"] == ". >= 0"
    assert [c["name"] for c in funds["choices"]] == ["fami", "own"]
    assert form["children"][1]["type"] == "repeat"


def test_campaign_detail_with_a_token(client, campaign, coop_token):
    _token, plaintext = coop_token
    assert client.get(url("campaign-detail"), **bearer(plaintext)).status_code == 200


def test_campaign_detail_is_hidden_from_organisations_not_invited(
    client, campaign, other_coop_member, analyst, anci_coordinator
):
    assert client.get(url("campaign-detail")).status_code == 401
    client.force_login(other_coop_member)
    response = client.get(url("campaign-detail"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client.get(url("campaign-detail", "missing")).status_code == 404
    for staff in (analyst, anci_coordinator):
        client.force_login(staff)
        assert client.get(url("campaign-detail")).status_code == 200


# -- POST /campaigns/{slug}/responses ---------------------------------------------------------


def test_submission_creates_then_the_same_payload_answers_200(client, campaign, coop, coop_member):
    client.force_login(coop_member)
    payload = body(coop)
    first = post(client, payload)
    assert first.status_code == 201
    data = first.json()
    assert data["instance_id"] == payload["instance_id"]
    assert data["status"] == "submitted" and data["submitted_at"]
    again = post(client, payload)
    assert again.status_code == 200
    assert again.json() == data
    assert SurveyResponse.objects.count() == 1


def test_submission_emails_the_receipt_with_its_pdf_once(
    client, campaign, coop, coop_member, django_capture_on_commit_callbacks
):
    client.force_login(coop_member)
    payload = body(coop)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, payload).status_code == 201
        assert post(client, payload).status_code == 200

    (message,) = mail.outbox
    assert message.to == [coop_member.email]
    assert message.subject.endswith("Receipt: API campaign")
    assert payload["instance_id"] in message.body and "Sportello" in message.body
    ((name, content, mimetype),) = message.attachments
    assert name == f"ricevuta-{payload['instance_id']}.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_a_cached_schema_is_never_served_for_another_upload(client, campaign, coop_member):
    """The schema is read through the shared cache, keyed by the version and its upload time:
    another upload stored under the same key (SQLite reuses the keys of deleted rows) is
    served its own schema."""
    client.force_login(coop_member)
    assert client.get(url("campaign-detail")).status_code == 200
    other = {**campaign.version.schema, "title": "Another upload"}
    QuestionnaireVersion.objects.filter(pk=campaign.version.pk).update(
        schema=other, created_at=timezone.now() + datetime.timedelta(seconds=1)
    )

    response = client.get(url("campaign-detail"))

    assert response.status_code == 200
    assert response.json()["form"]["title"] == "Another upload"


def test_same_instance_id_with_different_answers_is_a_conflict(client, campaign, coop, coop_member):
    client.force_login(coop_member)
    payload = body(coop)
    assert post(client, payload).status_code == 201
    changed = {**payload, "answers": {**GOOD, "project": "Altro"}}
    response = post(client, changed)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert SurveyResponse.objects.get().answers["project"] == "Sportello"


def test_invalid_answers_give_422_with_one_entry_per_field(client, campaign, coop, coop_member):
    client.force_login(coop_member)
    answers = {"people": -1, "partner": [{"partner_name": "A"}, {"partner_name": ""}]}
    response = post(client, body(coop, answers))
    assert response.status_code == 422
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    fields = {entry["field"]: entry for entry in problem["errors"]}
    assert set(fields) == {"project", "people", "partner.1.partner_name"}
    assert fields["partner.1.partner_name"]["pointer"] == "#/answers/partner/1/partner_name"
    assert not SurveyResponse.objects.exists()


def test_malformed_body_gives_422(client, campaign, coop_member):
    client.force_login(coop_member)
    response = post(client, {"instance_id": "not-a-uuid", "answers": []})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "instance_id",
        "organization",
        "answers",
    }


def test_closed_campaign_gives_409(client, campaign, coop, coop_member):
    campaign.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    campaign.opens_at = timezone.now() - datetime.timedelta(days=2)
    campaign.save()
    client.force_login(coop_member)
    response = post(client, body(coop))
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_organisation_outside_the_audience_gets_403_with_the_reason(
    client, campaign, other_coop, other_coop_member
):
    client.force_login(other_coop_member)
    response = post(client, body(other_coop))
    assert response.status_code == 403
    assert "not among the organisations" in response.json()["detail"]


def test_only_members_may_respond_for_an_organisation(
    client, campaign, prato, coop_member, anci_coordinator, zona_officer
):
    for user in (coop_member, anci_coordinator, zona_officer):
        client.force_login(user)
        assert post(client, body(prato)).status_code == 403
    client.logout()
    assert post(client, body(prato)).status_code == 401
    assert not SurveyResponse.objects.exists()


def test_unknown_campaign_is_404(client, campaign, coop, coop_member):
    client.force_login(coop_member)
    assert post(client, body(coop), slug="missing").status_code == 404


def test_draft_then_submit(client, campaign, coop, coop_member):
    client.force_login(coop_member)
    instance_id = uuid.uuid4()
    draft = post(client, body(coop, {"project": ""}, instance_id=instance_id, submit=False))
    assert draft.status_code == 201
    assert draft.json()["status"] == "draft"
    revision = draft.json()["revision"]
    again = post(client, body(coop, {"project": "Spo"}, instance_id=instance_id, submit=False))
    assert again.status_code == 200
    assert again.json()["revision"] == revision + 1
    sent = post(client, body(coop, instance_id=instance_id))
    assert sent.status_code == 200
    assert sent.json()["status"] == "submitted"
    assert SurveyResponse.objects.get().answers["project"] == "Sportello"
    late = post(client, body(coop, {"project": "x"}, instance_id=instance_id, submit=False))
    assert late.status_code == 409


def test_instance_id_of_another_organisation_is_a_conflict(
    client, campaign, prato, coop, coop_member, prato_member
):
    client.force_login(prato_member)
    payload = body(prato)
    assert post(client, payload).status_code == 201
    client.force_login(coop_member)
    response = post(client, {**payload, "organization": coop.pk})
    assert response.status_code == 409
    assert "Sportello" not in response.content.decode()


def test_wrong_method_is_405(client, campaign, coop_member):
    client.force_login(coop_member)
    assert client.get(url("campaign-responses")).status_code == 405
    assert client.post(url("campaign-detail")).status_code == 405


# -- Exports ------------------------------------------------------------------------------------


@pytest.fixture
def submitted(campaign, coop, prato):
    for organization in (coop, prato):
        actions.submit_response(
            campaign, organization=organization, instance_id=uuid.uuid4(), answers=GOOD, by=None
        )


def test_csv_export_is_streamed_to_staff(client, submitted, analyst):
    client.force_login(analyst)
    response = client.get(url("campaign-responses-csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3
    assert "funds/fami" in rows[0]


def test_csv_export_accepts_a_text_csv_accept_header(client, submitted, anci_coordinator):
    client.force_login(anci_coordinator)
    response = client.get(url("campaign-responses-csv"), HTTP_ACCEPT="text/csv")
    assert response.status_code == 200


def test_exports_are_refused_to_members_and_hidden_from_others(
    client, submitted, coop_member, other_coop_member
):
    for name in ("campaign-responses-csv", "campaign-responses-xlsx"):
        client.logout()
        assert client.get(url(name)).status_code == 401
        client.force_login(coop_member)  # invited: knows the campaign, may not export
        assert client.get(url(name)).status_code == 403
        client.force_login(other_coop_member)
        assert client.get(url(name)).status_code == 404


def test_small_xlsx_export_is_answered_directly(client, submitted, regione_admin):
    client.force_login(regione_admin)
    response = client.get(url("campaign-responses-xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["api-campaign", "partner"]


def test_large_xlsx_export_becomes_a_job(client, settings, submitted, analyst):
    settings.APPRODO_EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(analyst)
    response = client.get(url("campaign-responses-xlsx"))
    assert response.status_code == 202
    export = Export.objects.get()
    assert response.json()["export"] == export.pk
    assert response["Location"].endswith(reverse("reports:export-detail", kwargs={"pk": export.pk}))
    assert export.requested_by == analyst and export.fmt == "xlsx"


def test_openapi_documents_the_survey_endpoints(client):
    document = client.get(reverse("api:openapi")).json()
    paths = document["paths"]
    assert "/api/v1/campaigns/{slug}" in paths
    assert "422" in paths["/api/v1/campaigns/{slug}/responses"]["post"]["responses"]
