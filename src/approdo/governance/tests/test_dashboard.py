import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from approdo.governance.models import FollowUpAction, Meeting, PipelineEntry
from approdo.territory.models import ASL, Zona

pytestmark = pytest.mark.django_db


def make_meeting(title, days, *, zona=None, asl=None):
    meeting = Meeting.objects.create(
        type="conferenza_zonale",
        title=title,
        starts_at=timezone.now() + datetime.timedelta(days=days),
    )
    if zona:
        meeting.zone.add(Zona.objects.get(slug=zona))
    if asl:
        meeting.asls.add(ASL.objects.get(slug=asl))
    return meeting


def test_asl_dashboard_shows_zone_coverage_pipeline_meetings_and_overdue(client, analyst):
    PipelineEntry.objects.create(comune_id="100005", status="interested")
    PipelineEntry.objects.create(comune_id="048017", status="active")
    PipelineEntry.objects.create(comune_id="050026", status="contacted")  # Pisa: nord ovest
    past = make_meeting("Conferenza pratese", -10, zona="pratese")
    make_meeting("Direttori SdS centro", 12, asl="centro")
    make_meeting("Conferenza pisana", 5, zona="pisana")
    FollowUpAction.objects.create(
        meeting=past,
        description="Scheda di ricognizione",
        due_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    client.force_login(analyst)
    response = client.get(reverse("governance:asl-dashboard", args=["centro"]))
    assert response.status_code == 200
    context = response.context
    zone = set(Zona.objects.filter(asl__slug="centro").values_list("slug", flat=True))
    assert {row.key for row in context["zona_rows"]} == zone
    assert context["asl_row"].key == "centro"
    counts = {status: n for status, _label, n in context["counts"]}
    assert counts["interested"] == 1 and counts["active"] == 1 and counts["contacted"] == 0
    assert [m.title for m in context["recent"]] == ["Conferenza pratese"]
    assert [m.title for m in context["upcoming"]] == ["Direttori SdS centro"]
    assert [a.description for a in context["overdue"]] == ["Scheda di ricognizione"]
    html = response.content.decode()
    assert "Conferenza pisana" not in html
    assert "<caption>" in html


def test_territory_officer_sees_own_asl_only(client, zona_officer):
    client.force_login(zona_officer)
    assert client.get(reverse("governance:asl-dashboard", args=["centro"])).status_code == 200
    assert client.get(reverse("governance:asl-dashboard", args=["sud-est"])).status_code == 403
    assert client.get(reverse("governance:asl-dashboard", args=["nowhere"])).status_code == 404
    index = client.get(reverse("governance:asl-index"))
    assert [card["asl"].slug for card in index.context["cards"]] == ["centro"]


def test_index_lists_the_three_asl_for_staff(client, anci_coordinator, prato_member):
    client.force_login(anci_coordinator)
    index = client.get(reverse("governance:asl-index"))
    assert len(index.context["cards"]) == 3
    client.force_login(prato_member)
    assert client.get(reverse("governance:asl-index")).status_code == 403
