import datetime

import pytest
from django.urls import reverse

from approdo.core.models import HistoryEntry
from approdo.governance import actions, pipeline
from approdo.governance.models import PipelineEntry
from approdo.territory.models import Comune, ComuneZona, SocietaDellaSalute, UnioneComuni, Zona

S = PipelineEntry.Status

pytestmark = pytest.mark.django_db


def entry_for(code="100005", **fields):
    return PipelineEntry.objects.create(comune=Comune.objects.get(pk=code), **fields)


def history(entry):
    return list(HistoryEntry.objects.for_object(entry).order_by("pk"))


def test_allowed_targets_follow_the_chain():
    assert pipeline.allowed_targets(S.NOT_CONTACTED) == [
        S.CONTACTED,
        S.INTERESTED,
        S.DESIGNING,
        S.APPLICATION_SUBMITTED,
        S.ACTIVE,
        S.NOT_INTERESTED,
    ]
    assert pipeline.allowed_targets(S.APPLICATION_SUBMITTED) == [S.ACTIVE, S.NOT_INTERESTED]
    assert pipeline.allowed_targets(S.ACTIVE) == [S.NOT_INTERESTED]
    assert pipeline.allowed_targets(S.NOT_INTERESTED) == [S.CONTACTED]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.CONTACTED, S.NOT_CONTACTED),
        (S.DESIGNING, S.INTERESTED),
        (S.ACTIVE, S.CONTACTED),
        (S.NOT_INTERESTED, S.ACTIVE),
        (S.CONTACTED, S.CONTACTED),
        (S.CONTACTED, "bogus"),
    ],
)
def test_refused_moves_change_nothing(start, target):
    entry = entry_for(status=start)
    with pytest.raises(pipeline.TransitionError):
        actions.move_pipeline_entry(entry, target)
    entry.refresh_from_db()
    assert entry.status == start
    assert history(entry) == []


def test_moves_date_each_status_and_record_history(regione_admin):
    entry = entry_for()
    actions.move_pipeline_entry(entry, S.CONTACTED, by=regione_admin, day=datetime.date(2025, 2, 3))
    actions.move_pipeline_entry(
        entry, S.NOT_INTERESTED, by=regione_admin, day=datetime.date(2025, 3, 1)
    )
    actions.move_pipeline_entry(entry, S.CONTACTED, by=regione_admin, day=datetime.date(2025, 9, 1))
    actions.move_pipeline_entry(entry, S.DESIGNING, by=regione_admin, note="Giunta favorevole")
    entry.refresh_from_db()
    assert entry.status == S.DESIGNING
    assert entry.status_dates[S.CONTACTED] == "2025-09-01"  # updated on re-contact
    assert entry.status_dates[S.NOT_INTERESTED] == "2025-03-01"
    rows = history(entry)
    assert [r.changes["status"] for r in rows] == [
        ["not_contacted", "contacted"],
        ["contacted", "not_interested"],
        ["not_interested", "contacted"],
        ["contacted", "designing"],
    ]
    assert rows[-1].actor == regione_admin
    assert rows[-1].note == "Giunta favorevole"


def test_entry_needs_exactly_one_body():
    from django.db import IntegrityError, transaction

    comune = Comune.objects.get(pk="100005")
    sds = SocietaDellaSalute.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PipelineEntry.objects.create(comune=comune, sds=sds)
    with pytest.raises(IntegrityError), transaction.atomic():
        PipelineEntry.objects.create()


def test_start_survey_for_zona_is_idempotent(regione_admin):
    zona = Zona.objects.get(slug="pratese")
    comuni = ComuneZona.objects.valid_on().filter(zona=zona).count()
    unioni = (
        UnioneComuni.objects.filter(
            members__in=ComuneZona.objects.valid_on().filter(zona=zona).values("comune")
        )
        .distinct()
        .count()
    )
    sds = SocietaDellaSalute.objects.filter(zona=zona).count()
    entry_for("100005", status=S.ACTIVE)
    created = actions.start_survey_for_zona(zona, by=regione_admin)
    assert created == comuni + unioni + sds - 1
    assert actions.start_survey_for_zona(zona, by=regione_admin) == 0
    assert PipelineEntry.objects.get(comune="100005").status == S.ACTIVE
    created_entry = PipelineEntry.objects.exclude(comune="100005").first()
    assert history(created_entry)[0].action == "created"


def test_move_by_post_redirects_to_the_board_with_the_entry(client, anci_coordinator):
    entry = entry_for()
    client.force_login(anci_coordinator)
    board = reverse("governance:pipeline-board")
    response = client.post(
        reverse("governance:pipeline-move", args=[entry.pk]),
        {f"e{entry.pk}-status": S.CONTACTED, "next": board + "?kind=comune"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{board}?kind=comune&moved={entry.pk}#entry-{entry.pk}"
    entry.refresh_from_db()
    assert entry.status == S.CONTACTED
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'data-moved-entry="entry-{entry.pk}"' in page.content.decode()


def test_move_refused_by_post_changes_nothing(client, anci_coordinator):
    entry = entry_for(status=S.ACTIVE)
    client.force_login(anci_coordinator)
    response = client.post(
        reverse("governance:pipeline-move", args=[entry.pk]),
        {f"e{entry.pk}-status": S.CONTACTED, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:pipeline-board")
    entry.refresh_from_db()
    assert entry.status == S.ACTIVE


def test_readers_cannot_move(client, analyst, zona_officer):
    entry = entry_for()
    for user in (analyst, zona_officer):
        client.force_login(user)
        response = client.post(
            reverse("governance:pipeline-move", args=[entry.pk]),
            {f"e{entry.pk}-status": S.CONTACTED},
        )
        assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == S.NOT_CONTACTED


def test_board_groups_by_status_with_counts_and_a_real_form(client, anci_coordinator):
    prato = entry_for("100005", status=S.INTERESTED)
    firenze = entry_for("048017")
    client.force_login(anci_coordinator)
    html = client.get(reverse("governance:pipeline-board")).content.decode()
    for status in S.values:
        assert f'id="column-{status}"' in html
    assert 'action="/governance/ricognizione/' in html
    assert '<select name="e' in html
    filtered = client.get(reverse("governance:pipeline-board"), {"zona": "pratese"})
    assert f'id="entry-{prato.pk}"' in filtered.content.decode()
    assert f'id="entry-{firenze.pk}"' not in filtered.content.decode()


def test_territory_officer_sees_only_own_territory(client, zona_officer):
    prato = entry_for("100005", notes="Nota interna")
    firenze = entry_for("048017")
    client.force_login(zona_officer)
    html = client.get(reverse("governance:pipeline-list")).content.decode()
    assert prato.get_absolute_url() in html and firenze.get_absolute_url() not in html
    assert client.get(reverse("governance:pipeline-entry", args=[firenze.pk])).status_code == 404
    page = client.get(reverse("governance:pipeline-entry", args=[prato.pk])).content.decode()
    assert "Nota interna" in page
    assert "pipeline-move" not in page  # reads, does not move


def test_body_member_sees_own_entry_without_notes(client, prato_member):
    prato = entry_for("100005", notes="Nota interna")
    firenze = entry_for("048017")
    client.force_login(prato_member)
    page = client.get(reverse("governance:pipeline-entry", args=[prato.pk]))
    assert page.status_code == 200
    assert "Nota interna" not in page.content.decode()
    assert client.get(reverse("governance:pipeline-entry", args=[firenze.pk])).status_code == 404


def test_geojson_carries_status_of_visible_comuni(client, zona_officer, analyst):
    Comune.objects.filter(pk__in=["100005", "048017"]).update(
        geometry={"type": "Polygon", "coordinates": [[[11, 43], [11.1, 43], [11, 43.1], [11, 43]]]}
    )
    entry_for("100005", status=S.CONTACTED)
    entry_for("048017")
    client.force_login(analyst)
    data = client.get(reverse("governance:pipeline-geojson")).json()
    assert {f["properties"]["code"]: f["properties"]["status"] for f in data["features"]} == {
        "100005": "contacted",
        "048017": "not_contacted",
    }
    client.force_login(zona_officer)
    data = client.get(reverse("governance:pipeline-geojson")).json()
    assert [f["properties"]["code"] for f in data["features"]] == ["100005"]
    page = client.get(reverse("governance:pipeline-map")).content.decode()
    assert "<caption>" in page and "Prato" in page


def test_edit_records_history(client, anci_coordinator):
    entry = entry_for()
    client.force_login(anci_coordinator)
    response = client.post(
        reverse("governance:pipeline-edit", args=[entry.pk]),
        {
            "owner": anci_coordinator.pk,
            "next_step": "Telefonare al sindaco",
            "notes": "",
            "next_step_due": "2025-01-10",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.owner == anci_coordinator and entry.next_step_overdue
    assert history(entry)[-1].changes["next_step"] == ["", "Telefonare al sindaco"]
