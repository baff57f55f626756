import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.funding.models import Call, Project
from approdo.funding.tests.factories import make_call

pytestmark = pytest.mark.usefixtures("_pages_in_english")


def _detail(project):
    return reverse("funding:project-detail", args=[project.call.slug, project.pk])


def test_public_sees_opened_calls_only(client, call):
    make_call("futuro", title="Bando futuro", opens_at=timezone.now() + datetime.timedelta(days=5))
    page = client.get(reverse("funding:call-list")).content.decode()
    assert "Bando di prova" in page and "Bando futuro" not in page
    assert client.get(reverse("funding:call-detail", args=["test-call"])).status_code == 200
    assert client.get(reverse("funding:call-detail", args=["futuro"])).status_code == 404
    assert client.get(reverse("funding:call-applications", args=["test-call"])).status_code == 302


def test_applicant_sees_only_own_applications_with_plain_labels(
    client, prato_application, coop_application, prato_member
):
    prato_application.status = "evaluated"
    prato_application.save()
    client.force_login(prato_member)
    page = client.get(reverse("funding:application-list")).content.decode()
    assert "P-PRATO" in page and "P-COOP" not in page
    assert "Under evaluation" in page and "Evaluated" not in page
    assert client.get(_detail(prato_application)).status_code == 200
    assert client.get(_detail(coop_application)).status_code == 404


def test_staff_see_internal_status(client, prato_application, coop_application, analyst):
    client.force_login(analyst)
    page = client.get(reverse("funding:call-applications", args=["test-call"])).content.decode()
    assert "P-PRATO" in page and "P-COOP" in page and "Submitted" in page


def test_coordinator_changes_status_analyst_cannot(
    client, prato_application, anci_coordinator, analyst
):
    url = reverse("funding:project-status", args=["test-call", prato_application.pk])
    client.force_login(analyst)
    assert client.post(url, {"status": "admissible"}).status_code == 403
    client.force_login(anci_coordinator)
    assert client.get(url).status_code == 405
    assert client.post(url, {"status": "admissible", "note": "completa"}).status_code == 302
    prato_application.refresh_from_db()
    assert prato_application.status == "admissible"
    assert HistoryEntry.objects.for_object(prato_application).get().note == "completa"
    client.post(url, {"status": "funded"})  # not offered from admissible
    prato_application.refresh_from_db()
    assert prato_application.status == "admissible"


def test_coordinator_creates_a_call_and_its_setup(client, anci_coordinator, coop_member):
    client.force_login(coop_member)
    assert client.get(reverse("funding:call-create")).status_code == 403
    client.force_login(anci_coordinator)
    data = {
        "slug": "fami-2025",
        "title": "FAMI 2025",
        "funding_source": "FAMI",
        "budget": "100000",
        "opens_at": "2025-01-01T09:00",
        "closes_at": "2024-01-01T09:00",
    }
    page = client.post(reverse("funding:call-create"), data)
    assert page.status_code == 200 and "must come after" in page.content.decode()
    data["closes_at"] = "2025-03-01T12:00"
    assert client.post(reverse("funding:call-create"), data).status_code == 302
    call = Call.objects.get(slug="fami-2025")
    url = reverse("funding:call-setup", args=[call.slug, "criteri"])
    client.post(url, {"title": "Qualità", "weight": "1.5", "max_score": "10", "position": "0"})
    assert call.criteria.get().weight == 1.5
    url = reverse("funding:call-setup", args=[call.slug, "indicatori"])
    client.post(url, {"code": "persone", "name": "Persone", "kind": "output"})
    page = client.post(url, {"code": "persone", "name": "Doppio", "kind": "output"})
    assert "already has an indicator" in page.content.decode()
    url = reverse("funding:call-setup", args=[call.slug, "scadenze"])
    client.post(url, {"title": "Finale", "due_date": "2026-01-31", "is_final": "on"})
    assert call.reporting_deadlines.get().is_final
    assert client.get(reverse("funding:call-setup", args=[call.slug, "altro"])).status_code == 404


def test_reserved_call_codes(client, anci_coordinator):
    client.force_login(anci_coordinator)
    page = client.post(
        reverse("funding:call-create"),
        {"slug": "domande", "title": "X", "opens_at": "2025-01-01T09:00"},
    )
    assert "reserved" in page.content.decode()


def test_coordinator_assigns_reviewer_and_edits_project(
    client, prato_application, anci_coordinator, reviewer
):
    client.force_login(anci_coordinator)
    url = reverse("funding:project-assign", args=["test-call", prato_application.pk])
    client.post(url, {"email": reviewer.email})
    assert prato_application.review_assignments.get().reviewer == reviewer
    client.post(url, {"email": "nessuno@example.org"})
    assert prato_application.review_assignments.count() == 1
    edit = reverse("funding:project-edit", args=["test-call", prato_application.pk])
    data = {
        "title": "Nuovo titolo",
        "progress": "ongoing",
        "lead": prato_application.lead_id,
        "comuni": ["048017"],
        "actions": ["pronto_intervento"],
    }
    assert client.post(edit, data).status_code == 302
    project = Project.objects.get(pk=prato_application.pk)
    assert project.title == "Nuovo titolo"
    assert list(project.zone.values_list("name", flat=True)) == ["Firenze"]
    entry = HistoryEntry.objects.for_object(project).filter(action="updated").get()
    assert entry.changes["title"] == ["Progetto P-PRATO", "Nuovo titolo"]


def test_project_import_page(client, call, anci_coordinator, prato):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(anci_coordinator)
    url = reverse("funding:project-import", args=[call.slug])
    bad = SimpleUploadedFile(
        "p.csv", b"code,title,lead_name,lead_kind,actions\nA,B,Comune di Prato,comune,volare\n"
    )
    page = client.post(url, {"file": bad}).content.decode()
    assert "actions: unknown code “volare”" in page and not Project.objects.exists()
    good = SimpleUploadedFile(
        "p.csv", b"code,title,lead_name,lead_kind\nA,B,Comune di Prato,comune\n"
    )
    assert client.post(url, {"file": good}).status_code == 302
    assert Project.objects.get().lead == prato


def test_application_list_query_count(client, call, prato, analyst, django_assert_max_num_queries):
    from approdo.funding.tests.factories import make_project

    for i in range(20):
        make_project(call, prato, code=f"Q-{i}")
    client.force_login(analyst)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("funding:call-applications", args=[call.slug])).status_code == 200


def test_a_scored_criterion_cannot_be_removed(
    client, call, criteria, prato_application, anci_coordinator, reviewer
):
    from decimal import Decimal

    from approdo.funding import actions

    assignment = actions.assign_reviewer(prato_application, reviewer, by=anci_coordinator)
    actions.declare_no_conflict(assignment, by=reviewer)
    actions.save_scores(
        assignment, by=reviewer, scores={criteria[0].pk: (Decimal(3), "")}, submit=False
    )
    client.force_login(anci_coordinator)
    used = reverse("funding:call-setup-delete", args=[call.slug, "criteri", criteria[0].pk])
    page = client.post(used, follow=True).content.decode()
    assert "in use" in page and call.criteria.count() == 2
    free = reverse("funding:call-setup-delete", args=[call.slug, "criteri", criteria[1].pk])
    client.post(free)
    assert call.criteria.count() == 1
