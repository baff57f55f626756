import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from approdo.core.models import HistoryEntry
from approdo.governance.models import CalendarFeedToken, FollowUpAction, Meeting, PipelineEntry
from approdo.reports.actions import request_export
from approdo.reports.datasets import DatasetError
from approdo.reports.tasks import build_export
from approdo.territory.models import ASL, Zona

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def meeting(title="Conferenza zonale pratese", days=10, zona="pratese", **fields):
    item = Meeting.objects.create(
        type=fields.pop("type", Meeting.Type.CONFERENZA_ZONALE),
        title=title,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        agenda=fields.pop("agenda", "1. Attivazione SAI"),
        minutes=fields.pop("minutes", "Verbale riservato"),
        **fields,
    )
    if zona:
        item.zone.add(Zona.objects.get(slug=zona))
    return item


def form_data(**overrides):
    data = {
        "type": "giunta_unione",
        "title": "Giunta dell'Unione Val di Bisenzio",
        "starts_at": "2025-05-06T10:00",
        "ends_at": "2025-05-06T12:00",
        "mode": "mixed",
        "place": "Vaiano, sede dell'Unione",
        "zone": [Zona.objects.get(slug="pratese").pk],
        "participants": "Presidente dell'Unione; assessori al sociale",
        "agenda": "Proposta di adesione al SAI",
        "minutes": "La Giunta discute la proposta.",
        "decisions": "Avviare la progettazione",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
        "actions-0-description": "Inviare lo schema di progetto",
        "actions-0-owner_name": "ANCI Toscana",
        "actions-0-due_date": "2025-05-20",
        "actions-0-status": "open",
        "actions-1-description": "Delibera di Giunta",
        "actions-1-owner_name": "Segreteria dell'Unione",
        "actions-1-due_date": "2099-06-30",
        "actions-1-status": "open",
        "actions-2-status": "open",
    }
    data.update(overrides)
    return data


def test_create_meeting_with_two_follow_up_actions(client, anci_coordinator):
    client.force_login(anci_coordinator)
    response = client.post(reverse("governance:meeting-create"), form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Meeting.objects.get()
    assert response["Location"] == created.get_absolute_url()
    assert created.created_by == anci_coordinator
    actions = list(created.actions.order_by("due_date"))
    assert [a.description for a in actions] == [
        "Inviare lo schema di progetto",
        "Delibera di Giunta",
    ]
    assert actions[0].overdue and not actions[1].overdue
    entry = HistoryEntry.objects.for_object(created).get()
    assert entry.action == "created"
    assert "La Giunta" not in str(entry.changes)  # minutes never copied into history

    # Edit: mark one done, delete the other; repeated submission does not duplicate.
    first, second = actions
    edit = form_data(
        **{
            "actions-INITIAL_FORMS": "2",
            "actions-0-id": first.pk,
            "actions-0-status": "done",
            "actions-1-id": second.pk,
            "actions-1-DELETE": "on",
            "title": "Giunta dell'Unione (aggiornato)",
        }
    )
    url = reverse("governance:meeting-edit", args=[created.pk])
    assert client.post(url, edit).status_code == 302
    created.refresh_from_db()
    assert created.title == "Giunta dell'Unione (aggiornato)"
    assert list(created.actions.values_list("status", flat=True)) == ["done"]
    assert created.actions.get().completed_at is not None
    assert Meeting.objects.count() == 1
    detail = client.get(created.get_absolute_url()).content.decode()
    assert "La Giunta discute la proposta." in detail


def test_meeting_form_errors(client, anci_coordinator):
    client.force_login(anci_coordinator)
    response = client.post(
        reverse("governance:meeting-create"),
        form_data(ends_at="2025-05-06T08:00", **{"actions-0-due_date": "not a date"}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "invalid-feedback" in html
    assert Meeting.objects.count() == 0


def test_overdue_logic():
    item = meeting()
    yesterday = TODAY - datetime.timedelta(days=1)
    overdue = FollowUpAction.objects.create(meeting=item, description="a", due_date=yesterday)
    due_today = FollowUpAction.objects.create(meeting=item, description="b", due_date=TODAY)
    done = FollowUpAction.objects.create(
        meeting=item, description="c", due_date=yesterday, status="done"
    )
    no_date = FollowUpAction.objects.create(meeting=item, description="d")
    assert overdue.overdue and not due_today.overdue and not done.overdue and not no_date.overdue
    assert list(FollowUpAction.objects.overdue()) == [overdue]


def test_list_highlights_overdue_and_mark_done(client, anci_coordinator):
    item = meeting()
    action = FollowUpAction.objects.create(
        meeting=item,
        description="Scrivere alla Prefettura",
        due_date=TODAY - datetime.timedelta(days=3),
    )
    client.force_login(anci_coordinator)
    html = client.get(reverse("governance:meeting-list")).content.decode()
    assert "governance-overdue" in html and "Scrivere alla Prefettura" in html
    response = client.post(reverse("governance:action-done", args=[action.pk]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at
    html = client.get(reverse("governance:meeting-list")).content.decode()
    assert "governance-overdue" not in html


def test_filters_by_type_asl_and_date(client, analyst):
    meeting("Pratese", days=5)
    meeting("Regionale", days=40, zona=None, type=Meeting.Type.CONFERENZA_REGIONALE)
    nord_ovest = meeting("Nord Ovest", days=5, zona=None)
    nord_ovest.asls.add(ASL.objects.get(slug="nord-ovest"))
    client.force_login(analyst)
    url = reverse("governance:meeting-list")

    def titles(**params):
        page = client.get(url, params).context["page"]
        return {m.title for m in page.object_list}

    assert titles() == {"Pratese", "Regionale", "Nord Ovest"}
    assert titles(type="conferenza_regionale") == {"Regionale"}
    assert titles(asl="centro") == {"Pratese"}
    assert titles(zona="pratese") == {"Pratese"}
    to = (TODAY + datetime.timedelta(days=10)).isoformat()
    assert titles(date_to=to) == {"Pratese", "Nord Ovest"}


def test_territory_officer_sees_own_territory_meetings_only(client, zona_officer):
    own = meeting("Pratese")
    other = meeting("Fiorentina", zona="firenze")
    asl_wide = meeting("ASL Centro", zona=None)
    asl_wide.asls.add(ASL.objects.get(slug="centro"))
    client.force_login(zona_officer)
    page = client.get(reverse("governance:meeting-list")).context["page"]
    assert {m.title for m in page.object_list} == {"Pratese", "ASL Centro"}
    assert client.get(other.get_absolute_url()).status_code == 404
    detail = client.get(own.get_absolute_url()).content.decode()
    assert "Verbale riservato" in detail
    assert "meeting-edit" not in detail and "Mark done" not in detail
    assert client.get(reverse("governance:meeting-edit", args=[own.pk])).status_code == 403


def test_others_see_no_meetings(client, prato_member, coop_member):
    item = meeting()
    for user in (prato_member, coop_member):
        client.force_login(user)
        assert client.get(reverse("governance:meeting-list")).status_code == 403
        assert client.get(item.get_absolute_url()).status_code == 403
    client.logout()
    assert client.get(item.get_absolute_url()).status_code == 302


def test_calendar_month_grid(client, analyst):
    start = timezone.make_aware(datetime.datetime(2025, 3, 12, 9, 30))
    Meeting.objects.create(type="prefettura", title="Tavolo in Prefettura", starts_at=start)
    client.force_login(analyst)
    response = client.get(reverse("governance:meeting-calendar"), {"mese": "2025-03"})
    html = response.content.decode()
    assert "Tavolo in Prefettura" in html
    assert "?mese=2025-02" in html and "?mese=2025-04" in html
    assert len(response.context["weeks"]) in {5, 6}
    april = client.get(reverse("governance:meeting-calendar"), {"mese": "2025-04"})
    assert "Tavolo in Prefettura" not in april.content.decode()
    assert client.get(reverse("governance:meeting-calendar"), {"mese": "junk"}).status_code == 200


def test_ical_feed_parses_and_excludes_minutes_and_other_territories(client, zona_officer):
    own = meeting("Conferenza pratese", agenda="Punto unico: SAI", minutes="SEGRETO")
    meeting("Fiorentina", zona="firenze")
    meeting("Passata", days=-30)
    client.force_login(zona_officer)
    first = client.get(reverse("governance:meeting-feed-settings")).content.decode()
    assert 'id="feed-url"' not in first  # reading the page made no address
    assert not CalendarFeedToken.objects.filter(user=zona_officer).exists()
    client.post(reverse("governance:meeting-feed-settings"))
    html = client.get(reverse("governance:meeting-feed-settings")).content.decode()
    token = CalendarFeedToken.objects.get(user=zona_officer).token
    assert token in html
    client.logout()
    url = reverse("governance:meeting-feed", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Conferenza zonale dei sindaci: Conferenza pratese"
    ]
    assert events[0]["dtstart"].dt == own.starts_at.replace(microsecond=0)
    assert b"SEGRETO" not in body
    assert "Punto unico: SAI" in str(events[0]["description"])
    assert (
        client.get(reverse("governance:meeting-feed", kwargs={"token": "nope"})).status_code == 404
    )


def test_feed_token_reset_invalidates_old_address(client, analyst):
    client.force_login(analyst)
    client.post(reverse("governance:meeting-feed-settings"))
    old = CalendarFeedToken.objects.get(user=analyst).token
    client.post(reverse("governance:meeting-feed-settings"))
    analyst.refresh_from_db()
    new = type(analyst).objects.get(pk=analyst.pk).calendar_feed_token.token
    assert new != old
    assert client.get(reverse("governance:meeting-feed", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("governance:meeting-feed", kwargs={"token": new})).status_code == 200


def test_xlsx_export_is_formula_safe_and_leaves_minutes_out(client, analyst):
    item = meeting('=HYPERLINK("http://evil")', minutes="Verbale riservato")
    FollowUpAction.objects.create(meeting=item, description="+cmd", owner_name="@owner")
    client.force_login(analyst)
    response = client.get(reverse("governance:meeting-export"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    meetings_sheet, actions_sheet = workbook.worksheets
    rows = list(meetings_sheet.values)
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'
    assert not any("Verbale riservato" in str(v) for row in rows for v in row)
    action_rows = list(actions_sheet.values)
    assert action_rows[1][2] == "'+cmd" and action_rows[1][3] == "'@owner"


def test_export_respects_territory_scope(client, zona_officer):
    meeting("Pratese")
    meeting("Fiorentina", zona="firenze")
    client.force_login(zona_officer)
    workbook = load_workbook(io.BytesIO(client.get(reverse("governance:meeting-export")).content))
    titles = [row[2] for row in list(workbook.worksheets[0].values)[1:]]
    assert titles == ["Pratese"]


def test_meetings_export_filters_like_the_list(client, analyst):
    meeting("Conferenza pratese")
    meeting("Giunta", type=Meeting.Type.GIUNTA_UNIONE)
    client.force_login(analyst)

    response = client.get(reverse("governance:meeting-export"), {"type": "giunta_unione"})

    assert response["Content-Disposition"] == (
        f'attachment; filename="incontri-{TODAY.isoformat()}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[2] for row in list(sheet.values)[1:]] == ["Giunta"]


def test_meetings_dataset_is_exported_only_by_whom_it_is_for(
    analyst, anci_coordinator, prato_member, zona_officer
):
    meeting("Pratese")
    meeting("Fiorentina", zona="firenze")
    with pytest.raises(PermissionDenied):  # another person's view of the meetings
        request_export(
            by=anci_coordinator, dataset="meetings", fmt="csv", params={"user": analyst.pk}
        )
    with pytest.raises(PermissionDenied):
        request_export(
            by=prato_member, dataset="meetings", fmt="csv", params={"user": prato_member.pk}
        )
    with pytest.raises(DatasetError):
        request_export(by=analyst, dataset="meetings", fmt="csv", params={})

    export = request_export(
        by=zona_officer, dataset="meetings", fmt="csv", params={"user": zona_officer.pk}
    )
    build_export.call(export.pk)

    export.refresh_from_db()
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["Pratese"]  # the officer's territory only


def test_attachments_served_only_to_readers(
    client, anci_coordinator, zona_officer, prato_member, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = meeting()
    client.force_login(anci_coordinator)
    upload = SimpleUploadedFile("verbale.pdf", b"%PDF-1.4 verbale", content_type="application/pdf")
    response = client.post(
        reverse("governance:meeting-attachment-add", args=[item.pk]),
        {"title": "Verbale firmato", "file": upload},
    )
    assert response.status_code == 302
    attachment = item.attachments.get()
    url = reverse("governance:meeting-attachment", args=[attachment.pk])
    client.force_login(zona_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 verbale"
    client.force_login(prato_member)
    assert client.get(url).status_code == 403


def test_meeting_links_pipeline_entries(client, analyst):
    entry = PipelineEntry.objects.create(comune_id="100005")
    item = meeting()
    item.pipeline_entries.add(entry)
    client.force_login(analyst)
    assert entry.get_absolute_url() in client.get(item.get_absolute_url()).content.decode()
    assert item.get_absolute_url() in client.get(entry.get_absolute_url()).content.decode()
