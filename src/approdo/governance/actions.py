"""Every change with consequences to SAI projects, the activation pipeline and meetings.

Views, imports and commands check permission and input; these functions take plain values
(model instances, codes, dates, the fields of a valid form as keyword arguments), assume both,
enforce the domain rules and write the history.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from approdo.core.history import diff, record_history, save_tracked, snapshot
from approdo.governance.forms_sai import hosting_text
from approdo.governance.models import (
    FollowUpAction,
    Meeting,
    MeetingAttachment,
    PipelineEntry,
    SaiHosting,
    SaiProject,
)
from approdo.governance.pipeline import TransitionError, allowed_targets
from approdo.territory.models import ComuneZona, SocietaDellaSalute, UnioneComuni, Zona

SAI_FIELDS = ["code", "holder", "manager", "type", "places", "start_date", "end_date", "status"]
ENTRY_FIELDS = ["owner", "next_step", "next_step_due", "notes"]
MEETING_FIELDS = ["type", "title", "starts_at", "ends_at", "mode", "place", "participants"]
MEETING_FIELDS += ["agenda", "minutes", "decisions"]
MEETING_RELATIONS = ["asls", "zone", "provinces", "comuni", "organizations", "pipeline_entries"]
FOLLOW_UP_FIELDS = ["description", "owner", "owner_name", "due_date", "status"]

Status = PipelineEntry.Status


# --- SAI projects ----------------------------------------------------------------------------


def _sai_state(project: SaiProject) -> dict:
    hosting = {h.comune_id: h.places for h in project.hostings.all()}
    return {**snapshot(project, SAI_FIELDS), "comuni": hosting_text(hosting)}


def _set_hosting(project: SaiProject, hosting: dict[str, int | None]) -> None:
    project.hostings.exclude(comune_id__in=hosting).delete()
    for code, places in hosting.items():
        SaiHosting.objects.update_or_create(
            project=project, comune_id=code, defaults={"places": places}
        )


@transaction.atomic
def create_sai_project(*, by=None, hosting: dict[str, int | None], **fields) -> SaiProject:
    """A new SAI project (coordinators, regional administrators, `approdo import-sai`) with
    its hosting comuni: ISTAT code -> places, None where the places are shared evenly."""
    project = SaiProject.objects.create(**fields)
    _set_hosting(project, hosting)
    record_history(project, by=by, action="created", changes=diff({}, _sai_state(project)))
    return project


@transaction.atomic
def update_sai_project(
    project: SaiProject, *, by=None, hosting: dict[str, int | None], **fields
) -> dict:
    """Change a SAI project's fields and hosting comuni; return the changes, recorded in
    history unless there are none. The old values are read from the database, so `project`
    may already carry the new ones."""
    before = _sai_state(SaiProject.objects.get(pk=project.pk))
    for name, value in fields.items():
        setattr(project, name, value)
    project.save(update_fields=[*fields, "updated_at"])
    _set_hosting(project, hosting)
    changes = diff(before, _sai_state(project))
    if changes:
        record_history(project, by=by, action="updated", changes=changes)
    return changes


# --- Activation pipeline ---------------------------------------------------------------------


@transaction.atomic
def move_pipeline_entry(
    entry: PipelineEntry,
    status: str,
    *,
    by=None,
    note: str = "",
    day: datetime.date | None = None,
) -> PipelineEntry:
    """Move an entry to `status` (institution managers), date the new status (`day`, today by
    default) and record the move. Raises TransitionError when the entry's current status,
    read under a lock, does not allow it."""
    locked = PipelineEntry.objects.select_for_update().get(pk=entry.pk)
    old = locked.status
    if status not in allowed_targets(old):
        raise TransitionError(
            gettext("An entry cannot move from “%(old)s” to “%(new)s”.")
            % {"old": Status(old).label, "new": _status_label(status)}
        )
    day = day or timezone.localdate()
    locked.status = status
    locked.status_changed_at = timezone.now()
    # The first date a status is reached stays; returning to "contacted" updates it.
    if status not in locked.status_dates or status == Status.CONTACTED:
        locked.status_dates = {**locked.status_dates, status: day.isoformat()}
    locked.save(update_fields=["status", "status_changed_at", "status_dates", "updated_at"])
    record_history(locked, by=by, action="status", changes={"status": [old, status]}, note=note)
    for name in ("status", "status_changed_at", "status_dates"):
        setattr(entry, name, getattr(locked, name))
    return entry


def _status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


@transaction.atomic
def update_pipeline_entry(entry: PipelineEntry, *, by, **fields) -> dict:
    """Change who follows an entry and what comes next (owner, next_step, next_step_due,
    notes; institution managers); return the changes, recorded unless there are none."""
    return save_tracked(entry, fields, ENTRY_FIELDS, by=by)


@transaction.atomic
def start_survey_for_zona(zona: Zona, *, by=None) -> int:
    """Create a "not contacted" entry for every Comune, Unione and SdS of the zona that has none
    yet (institution managers); return how many were created. Running it twice creates
    nothing more."""
    today = timezone.localdate()
    comuni = ComuneZona.objects.valid_on().filter(zona=zona).values_list("comune_id", flat=True)
    comune_ids = set(comuni)
    unione_ids = set(
        UnioneComuni.objects.filter(members__in=comune_ids).values_list("pk", flat=True)
    )
    sds_ids = set(SocietaDellaSalute.objects.filter(zona=zona).values_list("pk", flat=True))
    existing = PipelineEntry.objects.filter(
        Q(comune_id__in=comune_ids) | Q(unione_id__in=unione_ids) | Q(sds_id__in=sds_ids)
    ).values_list("comune_id", "unione_id", "sds_id")
    have = {("comune", c) for c, _u, _s in existing if c}
    have |= {("unione", u) for _c, u, _s in existing if u}
    have |= {("sds", s) for _c, _u, s in existing if s}
    dates = {Status.NOT_CONTACTED: today.isoformat()}
    new = [
        PipelineEntry(**{field: pk}, status_dates=dates)
        for field, ids in (
            ("comune_id", comune_ids),
            ("unione_id", unione_ids),
            ("sds_id", sds_ids),
        )
        for pk in sorted(ids)
        if (field[:-3], pk) not in have
    ]
    created = PipelineEntry.objects.bulk_create(new)
    # bulk_create returns primary keys on PostgreSQL and SQLite 3.35+; history needs them.
    note = gettext("Survey started for the zona.")
    for entry in PipelineEntry.objects.filter(pk__in=[e.pk for e in created if e.pk]).with_bodies():
        record_history(entry, by=by, action="created", note=note)
    return len(created)


# --- Meetings with institutions --------------------------------------------------------------


def _meeting_state(meeting: Meeting) -> dict:
    relations = {
        name: ", ".join(str(obj) for obj in getattr(meeting, name).all())
        for name in MEETING_RELATIONS
    }
    return {**snapshot(meeting, MEETING_FIELDS), **relations}


def _apply_meeting(meeting: Meeting, fields: dict) -> None:
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(meeting, name, fields[name])
    if meeting.pk is None:
        meeting.save()
    else:
        meeting.save(update_fields=[*(n for n in MEETING_FIELDS if n in fields), "updated_at"])
    for name in MEETING_RELATIONS:
        if name in fields:
            getattr(meeting, name).set(fields[name])


def _stamp_completion(item: FollowUpAction) -> None:
    if item.status == FollowUpAction.Status.DONE and item.completed_at is None:
        item.completed_at = timezone.now()
    elif item.status != FollowUpAction.Status.DONE:
        item.completed_at = None


def _save_follow_ups(
    meeting: Meeting, follow_ups: Iterable[dict], removed: Iterable[FollowUpAction]
) -> str:
    """Save the follow-up actions (field values; `existing` the action changed, None for a
    new one) and remove those listed; return the history note, empty when nothing changed."""
    saved = 0
    for values in follow_ups:
        existing = values.get("existing")
        if existing is not None and existing.meeting_id != meeting.pk:
            raise ValueError(f"Follow-up action {existing.pk} is not of meeting {meeting.pk}.")
        item = existing or FollowUpAction(meeting=meeting)
        for name in FOLLOW_UP_FIELDS:
            if name in values:
                setattr(item, name, values[name])
        _stamp_completion(item)
        item.save()
        saved += 1
    _total, by_model = FollowUpAction.objects.filter(
        meeting=meeting, pk__in=[item.pk for item in removed]
    ).delete()
    deleted = by_model.get(FollowUpAction._meta.label, 0)
    if not saved and not deleted:
        return ""
    return gettext("Follow-up actions: %(saved)s saved, %(deleted)s removed.") % {
        "saved": saved,
        "deleted": deleted,
    }


def _meeting_changes(before: dict, meeting: Meeting) -> dict:
    changes = diff(before, _meeting_state(meeting))
    # Minutes are recorded as changed, never copied into the history.
    if "minutes" in changes:
        changes["minutes"] = ["…", "…"]
    return changes


@transaction.atomic
def create_meeting(*, by, follow_ups: Iterable[dict] = (), **fields) -> Meeting:
    """Record a meeting (institution managers): its fields and territories, bodies and
    pipeline entries (lists of objects), with its follow-up actions; one history entry."""
    meeting = Meeting(created_by=by if by is not None and by.is_authenticated else None)
    _apply_meeting(meeting, fields)
    note = _save_follow_ups(meeting, follow_ups, ())
    changes = _meeting_changes({}, meeting)
    record_history(meeting, by=by, action="created", changes=changes, note=note)
    return meeting


@transaction.atomic
def update_meeting(
    meeting: Meeting,
    *,
    by,
    follow_ups: Iterable[dict] = (),
    removed_follow_ups: Iterable[FollowUpAction] = (),
    **fields,
) -> Meeting:
    """Change a meeting and its follow-up actions (institution managers); one history entry
    with every change. The old values are read from the database."""
    before = _meeting_state(Meeting.objects.get(pk=meeting.pk))
    _apply_meeting(meeting, fields)
    note = _save_follow_ups(meeting, follow_ups, removed_follow_ups)
    changes = _meeting_changes(before, meeting)
    record_history(meeting, by=by, action="updated", changes=changes, note=note)
    return meeting


@transaction.atomic
def add_meeting_attachment(meeting: Meeting, *, by, title: str, file) -> MeetingAttachment:
    """Attach a document to the meeting (institution managers); recorded in its history."""
    attachment = MeetingAttachment.objects.create(
        meeting=meeting,
        title=title,
        file=file,
        uploaded_by=by if by is not None and by.is_authenticated else None,
    )
    record_history(meeting, by=by, action="attachment_added", note=title)
    return attachment


@transaction.atomic
def mark_follow_up_done(item: FollowUpAction, *, by) -> bool:
    """Mark an open follow-up action done (institution managers); False, and nothing
    recorded, when it was not open."""
    done = FollowUpAction.objects.filter(pk=item.pk, status=FollowUpAction.Status.OPEN).update(
        status=FollowUpAction.Status.DONE, completed_at=timezone.now()
    )
    if not done:
        return False
    item.refresh_from_db(fields=["status", "completed_at"])
    record_history(
        item.meeting,
        by=by,
        action="action_done",
        changes={"status": ["open", "done"]},
        note=item.description,
    )
    return True
