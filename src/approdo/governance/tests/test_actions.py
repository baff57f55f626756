"""governance.actions: SAI projects, pipeline moves and edits, meetings, their attachments and
follow-up actions change through plain values and leave one history entry each; the pages call
them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from approdo.core.models import HistoryEntry
from approdo.governance import actions
from approdo.governance.models import FollowUpAction, Meeting, PipelineEntry, SaiProject
from approdo.governance.pipeline import TransitionError
from approdo.territory.models import ASL, Zona

pytestmark = pytest.mark.django_db

S = PipelineEntry.Status


def history(obj) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.for_object(obj).order_by("pk"))


def make_meeting(**fields) -> Meeting:
    return actions.create_meeting(
        by=None,
        type=Meeting.Type.CONFERENZA_ZONALE,
        title=fields.pop("title", "Conferenza zonale"),
        starts_at=timezone.now(),
        **fields,
    )


def test_sai_project_saved_unchanged_records_nothing(regione_admin, prato):
    fields = {
        "code": "SAI-1",
        "holder": prato,
        "type": "ordinari",
        "places": 20,
        "start_date": datetime.date(2024, 1, 1),
    }
    project = actions.create_sai_project(by=regione_admin, hosting={"100005": None}, **fields)
    same = SaiProject.objects.get(pk=project.pk)

    assert actions.update_sai_project(same, by=regione_admin, hosting={"100005": None}) == {}
    changes = actions.update_sai_project(
        same, by=regione_admin, hosting={"100005": None}, places=25
    )

    assert changes == {"places": ["20", "25"]}
    assert [e.action for e in history(project)] == ["created", "updated"]


def test_a_stale_entry_is_moved_from_its_stored_status(anci_coordinator):
    entry = PipelineEntry.objects.create(comune_id="100005")
    stale = PipelineEntry.objects.get(pk=entry.pk)
    actions.move_pipeline_entry(entry, S.ACTIVE, by=anci_coordinator)

    # Read before the move, `stale` still says "not contacted"; the database says "active".
    with pytest.raises(TransitionError):
        actions.move_pipeline_entry(stale, S.CONTACTED, by=anci_coordinator)

    entry.refresh_from_db()
    assert entry.status == S.ACTIVE
    assert [e.changes["status"] for e in history(entry)] == [["not_contacted", "active"]]


def test_editing_an_entry_records_only_what_changed(client, anci_coordinator):
    entry = PipelineEntry.objects.create(comune_id="100005", next_step="Telefonare")
    client.force_login(anci_coordinator)
    url = reverse("governance:pipeline-edit", args=[entry.pk])
    data = {"owner": "", "next_step": "Telefonare", "next_step_due": "", "notes": "Sindaco"}

    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same again: nothing to record

    (entry_history,) = history(entry)
    assert entry_history.actor == anci_coordinator
    assert entry_history.changes == {"notes": ["", "Sindaco"]}


def test_meeting_edit_records_the_old_and_new_values(client, anci_coordinator):
    meeting = make_meeting(title="Conferenza", minutes="Riservato")
    meeting.zone.add(Zona.objects.get(slug="pratese"))
    kept = FollowUpAction.objects.create(meeting=meeting, description="Scrivere")
    dropped = FollowUpAction.objects.create(meeting=meeting, description="Telefonare")
    client.force_login(anci_coordinator)
    data = {
        "type": meeting.type,
        "title": "Conferenza (rinviata)",
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "mode": meeting.mode,
        "zone": [Zona.objects.get(slug="pratese").pk],
        "asls": [ASL.objects.first().pk],
        "minutes": "Ancora riservato",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "2",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
        "actions-0-id": kept.pk,
        "actions-0-description": "Scrivere",
        "actions-0-status": "done",
        "actions-1-id": dropped.pk,
        "actions-1-description": "Telefonare",
        "actions-1-status": "open",
        "actions-1-DELETE": "on",
        "actions-2-status": "open",
    }

    response = client.post(reverse("governance:meeting-edit", args=[meeting.pk]), data)

    assert response.status_code == 302
    latest = history(meeting)[-1]
    assert latest.action == "updated" and latest.actor == anci_coordinator
    assert latest.changes["title"] == ["Conferenza", "Conferenza (rinviata)"]
    assert latest.changes["asls"] == ["", str(ASL.objects.first())]
    assert latest.changes["minutes"] == ["…", "…"]  # minutes never copied into history
    with translation.override("it"):  # the page's language, in which the note was written
        note = gettext("Follow-up actions: %(saved)s saved, %(deleted)s removed.")
    assert latest.note == note % {"saved": 1, "deleted": 1}
    kept.refresh_from_db()
    assert kept.status == "done" and kept.completed_at is not None
    assert not FollowUpAction.objects.filter(pk=dropped.pk).exists()


def test_follow_up_actions_of_another_meeting_are_left_alone(anci_coordinator):
    meeting, other = make_meeting(), make_meeting(title="Altro incontro")
    foreign = FollowUpAction.objects.create(meeting=other, description="Non mia")

    actions.update_meeting(meeting, by=anci_coordinator, removed_follow_ups=[foreign])
    with pytest.raises(ValueError):
        actions.update_meeting(
            meeting, by=anci_coordinator, follow_ups=[{"existing": foreign, "status": "done"}]
        )

    foreign.refresh_from_db()
    assert foreign.status == "open"


def test_an_attachment_is_recorded_in_the_meetings_history(
    client, anci_coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = make_meeting()
    client.force_login(anci_coordinator)
    upload = SimpleUploadedFile("verbale.pdf", b"%PDF-1.4 verbale", content_type="application/pdf")

    client.post(
        reverse("governance:meeting-attachment-add", args=[meeting.pk]),
        {"title": "Verbale firmato", "file": upload},
    )

    assert meeting.attachments.get().uploaded_by == anci_coordinator
    latest = history(meeting)[-1]
    assert (latest.action, latest.note, latest.actor) == (
        "attachment_added",
        "Verbale firmato",
        anci_coordinator,
    )


def test_a_follow_up_action_is_marked_done_once(anci_coordinator):
    meeting = make_meeting()
    item = FollowUpAction.objects.create(meeting=meeting, description="Scrivere")

    assert actions.mark_follow_up_done(item, by=anci_coordinator) is True
    assert actions.mark_follow_up_done(item, by=anci_coordinator) is False

    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None
    assert [e.action for e in history(meeting)] == ["created", "action_done"]
