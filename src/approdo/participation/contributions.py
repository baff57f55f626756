"""Contributions to a working table's guiding questions.

Before the event a participant writes their own (`contribute_before`), identified by their
registration (a registration holding a place, with a confirmed address: the registration's
token is enough, no account is needed). From the start of the event the table's rapporteur
or an organiser records short statements (`record`). Organisers hide a contribution with a
reason (`hide`) and may show it again (`unhide`): a contribution is never deleted, because a
report may cite it and the history must stay whole.

A contribution may cite funded projects and published practices; the tags are
`Contribution.Tag` values.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approdo.core.history import record_history
from approdo.funding.models import Project
from approdo.participation import permissions
from approdo.participation.models import (
    Contribution,
    GuidingQuestion,
    Registration,
    WorkingTable,
)
from approdo.practices.models import Practice

TAGS = frozenset(Contribution.Tag.values)
MAX_REASON = Contribution._meta.get_field("hidden_reason").max_length


def citable_projects():
    return Project.objects.funded()


def citable_practices():
    return Practice.objects.published()


def _ids(values) -> list[int]:
    return sorted({int(getattr(value, "pk", value)) for value in values or ()})


def _citations(projects, practices) -> tuple[list[Project], list[Practice]]:
    """The cited projects and practices, refusing any that is not funded or not published."""
    project_ids, practice_ids = _ids(projects), _ids(practices)
    found_projects = list(citable_projects().filter(pk__in=project_ids))
    if len(found_projects) != len(project_ids):
        raise ValidationError({"projects": _("Only funded projects can be cited.")})
    found_practices = list(citable_practices().filter(pk__in=practice_ids))
    if len(found_practices) != len(practice_ids):
        raise ValidationError({"practices": _("Only published practices can be cited.")})
    return found_projects, found_practices


def _clean(text: str, tags) -> tuple[str, list[str]]:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the contribution.")})
    tags = list(dict.fromkeys(tags or ()))
    if any(tag not in TAGS for tag in tags):
        raise ValidationError({"tags": _("Choose the tags from the list.")})
    return text, [tag for tag in Contribution.Tag.values if tag in tags]


def _check_table(question: GuidingQuestion, table: WorkingTable | None) -> None:
    if table is not None and question.table_id != table.pk:
        raise ValidationError({"question": _("Choose a question of this table.")})


def _create(*, question, phase, text, tags, anonymous, projects, practices, **fields):
    text, tags = _clean(text, tags)
    projects, practices = _citations(projects, practices)
    contribution = Contribution.objects.create(
        question=question, phase=phase, text=text, tags=tags, anonymous=anonymous, **fields
    )
    contribution.projects.set(projects)
    contribution.practices.set(practices)
    return contribution


def can_contribute_before(registration: Registration, event, now=None) -> bool:
    """A registration holding a place, with its address confirmed, until the event starts."""
    now = now or timezone.now()
    return (
        registration.event_id == event.pk
        and registration.status == Registration.Status.REGISTERED
        and registration.confirmed_at is not None
        and event.status == event.Status.PUBLISHED
        and now < event.starts_at
    )


@transaction.atomic
def contribute_before(
    *,
    registration: Registration,
    question: GuidingQuestion,
    text: str,
    tags=(),
    anonymous: bool = False,
    projects=(),
    practices=(),
    table: WorkingTable | None = None,
    now=None,
) -> Contribution:
    """A participant's own contribution before the event; `table`, when given, is the table
    the participant is writing to, and the question must be one of its own."""
    _check_table(question, table)
    event = question.table.event
    if not can_contribute_before(registration, event, now):
        raise ValidationError(
            _("Contributions before the event come from confirmed participants, until it starts.")
        )
    contribution = _create(
        question=question,
        phase=Contribution.Phase.BEFORE,
        text=text,
        tags=tags,
        anonymous=anonymous,
        projects=projects,
        practices=practices,
        registration=registration,
        speaker=registration.name,
        speaker_organization=registration.organization_label,
        created_by=registration.user,
    )
    record_history(contribution, by=registration.user, action="created")
    return contribution


@transaction.atomic
def record(
    *,
    table: WorkingTable,
    question: GuidingQuestion,
    by,
    text: str,
    speaker: str = "",
    speaker_organization: str = "",
    anonymous: bool = False,
    tags=(),
    projects=(),
    practices=(),
    now=None,
) -> Contribution:
    """A statement made at the table, recorded by its rapporteur or an organiser once the
    event has started."""
    if not permissions.can_record_contributions(by, table):
        raise PermissionDenied
    _check_table(question, table)
    if (now or timezone.now()) < table.event.starts_at:
        raise ValidationError(_("Statements are recorded from the start of the event."))
    contribution = _create(
        question=question,
        phase=Contribution.Phase.DURING,
        text=text,
        tags=tags,
        anonymous=anonymous,
        projects=projects,
        practices=practices,
        speaker=(speaker or "").strip(),
        speaker_organization=(speaker_organization or "").strip(),
        created_by=by,
    )
    record_history(contribution, by=by, action="created")
    return contribution


@transaction.atomic
def hide(contribution: Contribution, *, by, reason: str, now=None) -> Contribution:
    """Hide a contribution from everybody but the organisers, for `reason` (required)."""
    event = contribution.question.table.event
    if not permissions.can_moderate(by, event):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the contribution is hidden.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("The reason is too long.")})
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.is_hidden:
        raise ValidationError(_("The contribution is already hidden."))
    contribution.hidden_at = now or timezone.now()
    contribution.hidden_reason = reason
    contribution.hidden_by = by
    contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    record_history(
        contribution,
        by=by,
        action="updated",
        changes={
            "hidden_at": [None, contribution.hidden_at.isoformat()],
            "hidden_reason": ["", reason],
        },
    )
    return contribution


@transaction.atomic
def unhide(contribution: Contribution, *, by) -> Contribution:
    event = contribution.question.table.event
    if not permissions.can_moderate(by, event):
        raise PermissionDenied
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if not contribution.is_hidden:
        raise ValidationError(_("The contribution is not hidden."))
    old_at, old_reason = contribution.hidden_at, contribution.hidden_reason
    contribution.hidden_at = None
    contribution.hidden_reason = ""
    contribution.hidden_by = None
    contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    record_history(
        contribution,
        by=by,
        action="updated",
        changes={"hidden_at": [old_at.isoformat(), None], "hidden_reason": [old_reason, ""]},
    )
    return contribution
