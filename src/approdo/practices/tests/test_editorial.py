import pytest
from django.core import mail
from django.utils import timezone, translation

from approdo.core.models import HistoryEntry
from approdo.practices import actions
from approdo.practices.models import Practice, PracticeAttachment, UpdateReport
from approdo.practices.tests.factories import FULL_SCORES, make_draft, make_published, years_ago


@pytest.fixture(autouse=True)
def _english(db):
    with translation.override("en"):
        yield


@pytest.fixture
def draft(prato, anci_coordinator):
    return make_draft(prato, by=anci_coordinator, comuni=["100005"])


def test_zone_follow_the_comuni(draft):
    assert [z.slug for z in draft.zone.all()] == ["pratese"]


def test_code_is_generated_and_stable(draft):
    year = timezone.localdate().year
    assert draft.code == f"BP-{year}-0001"
    draft.title = "Altro"
    draft.save()
    assert Practice.objects.get(pk=draft.pk).code == f"BP-{year}-0001"


@pytest.mark.parametrize(
    "who,status",
    [
        ("anci_coordinator", 200),
        ("regione_admin", 200),
        ("analyst", 200),
        ("prato_member", 403),
        ("zona_officer", 403),
    ],
)
def test_editorial_list_access(client, request, draft, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/buone-pratiche/redazione/").status_code == status


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get("/buone-pratiche/redazione/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_analyst_reads_but_cannot_edit(client, analyst, draft):
    client.force_login(analyst)
    assert client.get(f"/buone-pratiche/redazione/{draft.code}/").status_code == 200
    assert client.get(f"/buone-pratiche/redazione/{draft.code}/modifica/").status_code == 403
    assert client.post(f"/buone-pratiche/redazione/{draft.code}/pubblica/").status_code == 403


def test_publish_needs_a_complete_checklist(client, anci_coordinator, draft):
    client.force_login(anci_coordinator)
    client.post(f"/buone-pratiche/redazione/{draft.code}/pubblica/")
    draft.refresh_from_db()
    assert draft.published_at is None
    scores = {**FULL_SCORES, "sustainability": 0}
    client.post(f"/buone-pratiche/redazione/{draft.code}/criteri/", scores)
    client.post(f"/buone-pratiche/redazione/{draft.code}/pubblica/")
    draft.refresh_from_db()
    assert draft.published_at is None
    client.post(f"/buone-pratiche/redazione/{draft.code}/criteri/", FULL_SCORES)
    client.post(f"/buone-pratiche/redazione/{draft.code}/pubblica/")
    draft.refresh_from_db()
    assert draft.published
    assert draft.assessment.assessed_by == anci_coordinator
    client.post(f"/buone-pratiche/redazione/{draft.code}/ritira/")
    draft.refresh_from_db()
    assert not draft.published
    actions_done = list(
        HistoryEntry.objects.for_object(draft)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )
    assert actions_done == ["created", "assessed", "assessed", "published", "unpublished"]


def test_publish_is_post_only(client, anci_coordinator, draft):
    client.force_login(anci_coordinator)
    assert client.get(f"/buone-pratiche/redazione/{draft.code}/pubblica/").status_code == 405


def test_edit_records_the_changes_in_history(client, anci_coordinator, draft):
    client.force_login(anci_coordinator)
    page = client.get(f"/buone-pratiche/redazione/{draft.code}/modifica/")
    assert page.status_code == 200
    data = {
        "title": "Sportello nuovo",
        "summary": draft.summary,
        "status": "ongoing",
        "lead_organization": draft.lead_organization_id,
        "comuni": ["100005", "048017"],
        "actions": ["orientamento_servizi"],
        "funding_sources": "FAMI\nFondi comunali",
        "links": "Sito | https://example.org/progetto",
        "beneficiaries_total": "120",
        "beneficiaries_women": "50",
        "contact_email": "x@y.example",
        "title_en": "New help desk",
        "summary_en": "A help desk.",
    }
    response = client.post(f"/buone-pratiche/redazione/{draft.code}/modifica/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.title == "Sportello nuovo"
    assert draft.funding_sources == ["FAMI", "Fondi comunali"]
    assert draft.links == [{"title": "Sito", "url": "https://example.org/progetto"}]
    assert {z.slug for z in draft.zone.all()} == {"pratese", "firenze"}
    assert draft.translations.get(language="en").summary == "A help desk."
    assert {r.category: r.count for r in draft.beneficiary_counts.all()} == {
        "total": 120,
        "women": 50,
    }
    entry = HistoryEntry.objects.for_object(draft).filter(action="updated").get()
    assert entry.changes["title"] == ["Sportello orientamento", "Sportello nuovo"]
    assert "comuni" in entry.changes
    detail = client.get(f"/buone-pratiche/redazione/{draft.code}/")
    assert "Sportello nuovo" in detail.content.decode()


def test_edit_form_shows_field_errors(client, anci_coordinator, draft):
    client.force_login(anci_coordinator)
    data = {
        "title": "",
        "status": "ended",
        "lead_organization": draft.lead_organization_id,
        "beneficiaries_total": "5",
        "beneficiaries_women": "9",
        "links": "javascript:alert(1)",
    }
    response = client.post(f"/buone-pratiche/redazione/{draft.code}/modifica/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "end_date", "beneficiaries_women", "links"} <= set(errors)


def test_list_filters(client, anci_coordinator, prato):
    fresh = make_published(prato, title="Fresca")
    old = make_published(prato, title="Vecchia", confirmed_at=years_ago(2))
    draft = make_draft(prato, title="Bozza")
    client.force_login(anci_coordinator)

    def titles(state):
        page = client.get("/buone-pratiche/redazione/", {"state": state}).context["page"]
        return {p.title for p in page}

    assert titles("draft") == {draft.title}
    assert titles("published") == {fresh.title, old.title}
    assert titles("reconfirm") == {old.title}


def test_list_query_count(client, anci_coordinator, prato, django_assert_max_num_queries):
    for number in range(5):
        make_published(prato, title=f"Pratica {number}")
    client.force_login(anci_coordinator)
    client.get("/buone-pratiche/redazione/")
    with django_assert_max_num_queries(14):
        response = client.get("/buone-pratiche/redazione/")
    assert response.status_code == 200


def test_reconfirmation_request_uses_a_campaign(client, anci_coordinator, prato, coop):
    old = make_published(prato, title="Vecchia", confirmed_at=years_ago(2))
    other = make_published(coop, title="Altra", confirmed_at=years_ago(3))
    client.force_login(anci_coordinator)
    response = client.post(
        "/buone-pratiche/redazione/richiedi-conferma/", {"practices": [old.code, other.code]}
    )
    assert response.status_code == 302
    request = old.reconfirmation_requests.get()
    campaign = request.campaign
    assert campaign.is_published and campaign.many_responses
    assert set(campaign.organizations.all()) == {prato, coop}
    draft = campaign.responses.get(organization=prato)
    assert draft.answers["codice_pratica"] == old.code
    assert HistoryEntry.objects.for_object(old).filter(action="reconfirmation_requested").exists()
    # A second request reuses the questionnaire (no new version) in a new campaign.
    client.post("/buone-pratiche/redazione/richiedi-conferma/", {"practices": [old.code]})
    assert old.reconfirmation_requests.count() == 2
    assert campaign.version.questionnaire.versions.count() == 1


def test_validated_confirmation_updates_the_practice(anci_coordinator, prato):
    from approdo.surveys.models import SurveyResponse

    old = make_published(prato, title="Vecchia", confirmed_at=years_ago(2))
    campaign = actions.request_reconfirmation([old], by=anci_coordinator)
    response = campaign.responses.get()
    response.answers = {
        **response.answers,
        "conferma": "modifiche",
        "stato": "concluso",
        "modifiche": "Il progetto è terminato a giugno.",
    }
    response.status = SurveyResponse.Status.VALIDATED
    response.submitted_at = timezone.now()
    response.save()
    confirmed = actions.apply_confirmations(by=anci_coordinator)
    assert confirmed == [old]
    old.refresh_from_db()
    assert old.confirmed_at == timezone.localdate()
    assert old.status == "ended"
    assert UpdateReport.objects.get(practice=old).body.startswith("Il progetto")
    assert actions.apply_confirmations(by=anci_coordinator) == []


def test_attachment_only_public_when_published(client, anci_coordinator, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(anci_coordinator)
    pdf = SimpleUploadedFile("relazione.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(
        f"/buone-pratiche/redazione/{draft.code}/allegati/", {"title": "Relazione", "file": pdf}
    )
    attachment = PracticeAttachment.objects.get()
    url = f"/buone-pratiche/scheda/{draft.code}/allegati/{attachment.pk}/"
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404
    actions.assess_practice(draft, by=None, values=FULL_SCORES)
    actions.publish_practice(draft, by=None)
    assert client.get(url).status_code == 200


def test_attachment_refuses_non_pdf(client, anci_coordinator, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(anci_coordinator)
    exe = SimpleUploadedFile("virus.pdf", b"MZ....", content_type="application/pdf")
    client.post(f"/buone-pratiche/redazione/{draft.code}/allegati/", {"title": "X", "file": exe})
    assert not PracticeAttachment.objects.exists()


def test_update_reports_listed_and_handled(client, anci_coordinator, prato):
    practice = make_published(prato)
    client.post(
        f"/buone-pratiche/scheda/{practice.code}/segnala-aggiornamento/",
        {"body": "Il sito è cambiato.", "email": ""},
    )
    report = UpdateReport.objects.get()
    client.force_login(anci_coordinator)
    assert (
        "Il sito è cambiato."
        in client.get("/buone-pratiche/redazione/segnalazioni/").content.decode()
    )
    client.post(f"/buone-pratiche/redazione/segnalazioni/{report.pk}/gestita/")
    report.refresh_from_db()
    assert report.handled_by == anci_coordinator


def test_unpublished_practice_is_not_reachable_publicly(client, draft):
    for path in ("contatta/", "segnala-aggiornamento/"):
        assert client.get(f"/buone-pratiche/scheda/{draft.code}/{path}").status_code == 404
        assert client.post(f"/buone-pratiche/scheda/{draft.code}/{path}", {}).status_code == 404
    assert len(mail.outbox) == 0


def test_image_needs_a_text_alternative(client, anci_coordinator, draft):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    client.force_login(anci_coordinator)
    base = {
        "title": draft.title,
        "status": "ongoing",
        "lead_organization": draft.lead_organization_id,
    }
    url = f"/buone-pratiche/redazione/{draft.code}/modifica/"
    image = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = client.post(url, {**base, "image": image})
    assert "image_alt" in response.context["form"].errors
    image = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    assert client.post(url, {**base, "image": image, "image_alt": "Logo"}).status_code == 302
    draft.refresh_from_db()
    assert draft.image.name.endswith(".png") and draft.image_alt == "Logo"
    # Saving again without a new upload keeps the image.
    assert client.post(url, {**base, "image_alt": "Logo"}).status_code == 302
    draft.refresh_from_db()
    assert draft.image
