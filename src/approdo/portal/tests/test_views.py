import pytest
from django.core.management import call_command

from approdo.organizations.models import Membership, Organization, User
from approdo.portal.models import FeedbackReport

pytestmark = pytest.mark.django_db


def test_anonymous_sees_the_public_landing(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "portal/home_public.html" in [t.name for t in response.templates]
    assert response.context["comuni_count"] == 273


def test_coordinator_sees_the_coordination_dashboard(client, anci_coordinator, prato):
    client.force_login(anci_coordinator)
    response = client.get("/")
    assert "portal/home_coordinator.html" in [t.name for t in response.templates]
    assert response.context["organization_count"] == Organization.objects.count()
    assert response.context["public_count"] >= 1


def test_member_sees_only_their_organisations(client, prato_member, coop):
    client.force_login(prato_member)
    response = client.get("/")
    assert "portal/home_organization.html" in [t.name for t in response.templates]
    assert [o.name for o in response.context["organizations"]] == ["Comune di Prato"]


def test_zona_officer_sees_their_zona(client, zona_officer):
    client.force_login(zona_officer)
    response = client.get("/")
    assert [z.slug for z in response.context["zone"]] == ["pratese"]


def test_home_page_query_count_is_bounded(client, anci_coordinator, django_assert_max_num_queries):
    client.force_login(anci_coordinator)
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200


def test_reader_report_is_stored_with_its_date(client):
    response = client.post(
        "/segnalazioni/nuova/",
        {"page_url": "/territorio/", "message": "La mappa non si legge", "is_accessibility": "on"},
    )
    assert response.status_code == 302
    report = FeedbackReport.objects.get()
    assert report.is_accessibility
    assert report.created_at is not None
    assert report.language == "it"


def test_report_without_message_is_a_field_error(client):
    response = client.post("/segnalazioni/nuova/", {"page_url": "/", "message": ""})
    assert response.status_code == 200
    assert "message" in response.context["form"].errors
    assert not FeedbackReport.objects.exists()


def test_report_filling_the_trap_field_is_refused(client):
    response = client.post("/segnalazioni/nuova/", {"message": "buy now", "leave_empty": "spam"})
    assert response.status_code == 200
    assert not FeedbackReport.objects.exists()


def test_invalid_email_in_report_is_a_field_error(client):
    response = client.post("/segnalazioni/nuova/", {"message": "x", "email": "not-an-email"})
    assert "email" in response.context["form"].errors


def test_feedback_list_is_for_regional_roles(client, anci_coordinator, coop_member):
    FeedbackReport.objects.create(message="Contrasto insufficiente")
    client.force_login(coop_member)
    assert client.get("/segnalazioni/").status_code == 403
    client.force_login(anci_coordinator)
    response = client.get("/segnalazioni/")
    assert response.status_code == 200
    assert b"Contrasto insufficiente" in response.content


def test_feedback_list_rejects_post(client, anci_coordinator):
    client.force_login(anci_coordinator)
    assert client.post("/segnalazioni/").status_code == 405


def test_legal_pages_are_public(client):
    for path in ["/privacy/", "/note-legali/"]:
        assert client.get(path).status_code == 200


def test_pages_carry_the_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_arabic_pages_are_right_to_left(client):
    client.cookies["django_language"] = "ar"
    content = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in content


def test_unknown_page_answers_404_inside_the_shell(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"main-content" in response.content


def test_demo_twice_changes_nothing():
    call_command("demo", boundaries="")
    counts = (User.objects.count(), Organization.objects.count(), Membership.objects.count())
    call_command("demo", boundaries="")
    assert (
        User.objects.count(),
        Organization.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "regional_admin",
        "coordinator",
        "analyst",
        "org_manager",
        "org_member",
        "territory_viewer",
    }
