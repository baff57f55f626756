"""The change history kept for every tracked object (who, when, what)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from approdo.core.models import HistoryEntry


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The current values of `fields`, as JSON-able text, to diff against later."""
    values = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        values[name] = None if value is None else str(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def save_tracked(obj: models.Model, fields: dict, tracked: list[str], *, by) -> dict:
    """Set `fields` on `obj`, save them (and `updated_at`) and record what changed among
    `tracked` as "updated"; return the changes. The old values are read from the database, so
    `obj` may already carry the new ones."""
    before = snapshot(type(obj).objects.get(pk=obj.pk), tracked)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, "updated_at"])
    changes = diff(before, snapshot(obj, tracked))
    if changes:
        record_history(obj, by=by, action="updated", changes=changes)
    return changes


def record_history(
    obj: models.Model,
    *,
    by=None,
    action: str,
    changes: dict | None = None,
    note: str = "",
) -> HistoryEntry:
    return HistoryEntry.objects.create(
        target=obj,
        object_repr=str(obj)[:300],
        action=action,
        changes=changes or {},
        note=note,
        actor=by if by is not None and by.is_authenticated else None,
    )


# Readable history -------------------------------------------------------------------------
# Entries store stable codes (the action, field names, choice values, primary keys); the
# history table shows them as sentences, verbose names, choice labels and object names.

ACTIONS = {
    "created": pgettext_lazy("history event", "Created"),
    "updated": pgettext_lazy("history event", "Updated"),
    "edited": pgettext_lazy("history event", "Edited"),
    "imported": pgettext_lazy("history event", "Imported"),
    "uploaded": pgettext_lazy("history event", "Questionnaire version uploaded"),
    "version_changed": pgettext_lazy("history event", "New questionnaire version"),
    "published": pgettext_lazy("history event", "Published"),
    "unpublished": pgettext_lazy("history event", "Unpublished"),
    "deadline_extended": pgettext_lazy("history event", "Deadline extended"),
    "deadline_added": pgettext_lazy("history event", "Reporting deadline added"),
    "deadline_removed": pgettext_lazy("history event", "Reporting deadline removed"),
    "criterion_added": pgettext_lazy("history event", "Evaluation criterion added"),
    "criterion_removed": pgettext_lazy("history event", "Evaluation criterion removed"),
    "indicator_added": pgettext_lazy("history event", "Indicator added"),
    "indicator_removed": pgettext_lazy("history event", "Indicator removed"),
    "invitations_sent": pgettext_lazy("history event", "Invitations sent"),
    "started": pgettext_lazy("history event", "Response started"),
    "draft_saved": pgettext_lazy("history event", "Draft saved"),
    "submitted": pgettext_lazy("history event", "Submitted"),
    "reopened": pgettext_lazy("history event", "Reopened for changes"),
    "commented": pgettext_lazy("history event", "Comment added"),
    "created_from_response": pgettext_lazy("history event", "Created from a survey response"),
    "translated": pgettext_lazy("history event", "Translations changed"),
    "assessed": pgettext_lazy("history event", "Criteria checklist scored"),
    "confirmed": pgettext_lazy("history event", "Information confirmed"),
    "reconfirmation_requested": pgettext_lazy("history event", "Re-confirmation requested"),
    "attachment_added": pgettext_lazy("history event", "Attachment added"),
    "attachment_removed": pgettext_lazy("history event", "Attachment removed"),
    "update_report_handled": pgettext_lazy("history event", "Update report handled"),
    "member_invited": pgettext_lazy("history event", "Person invited"),
    "invitation_accepted": pgettext_lazy("history event", "Invitation accepted"),
    "member_added": pgettext_lazy("history event", "Person added"),
    "member_changed": pgettext_lazy("history event", "Role changed"),
    "member_removed": pgettext_lazy("history event", "Person removed"),
    "change_requested": pgettext_lazy("history event", "Change requested"),
    "change_approved": pgettext_lazy("history event", "Change request approved"),
    "change_rejected": pgettext_lazy("history event", "Change request rejected"),
    "revoked": pgettext_lazy("history event", "Revoked"),
    "reviewer_assigned": pgettext_lazy("history event", "Reviewer assigned"),
    "reviewer_removed": pgettext_lazy("history event", "Reviewer removed"),
    "no_conflict_declared": pgettext_lazy("history event", "No conflict of interest declared"),
    "scores_sent": pgettext_lazy("history event", "Scores sent"),
    "report_started": pgettext_lazy("history event", "Report started"),
    "report_submitted": pgettext_lazy("history event", "Report sent"),
    "milestone_added": pgettext_lazy("history event", "Milestone added"),
    "indicator_values_uploaded": pgettext_lazy("history event", "Indicator values uploaded"),
    "action_done": pgettext_lazy("history event", "Follow-up action done"),
    "status": pgettext_lazy("history event", "Status changed"),
    "save": pgettext_lazy("history event", "Saved"),
}
STATUS_SENTENCE = pgettext_lazy("history event", "Status changed to “%(status)s”")
# Keys of `changes` that are not fields of the changed object: (model label, field name) of
# the field they describe, or a label of their own.
OTHER_FIELDS: dict[str, tuple[str, str] | Any] = {
    "role": ("organizations.Membership", "role"),
    "user": ("organizations.Membership", "user"),
    "email": _("e-mail address"),
    "organisations": _("organisations"),
    "questions": _("questions"),
    "attachments": _("attachments"),
    # "total=12; women=5": counts by category, read with the category's labels.
    "beneficiaries": ("practices.BeneficiaryCount", "category"),
}
LABELS = {"beneficiaries": _("beneficiaries")}  # for keys whose field above is not theirs
NOTES = {"demo": _("demo data"), "admin": _("changed in the administration")}


@dataclass
class Detail:
    label: str
    old: str
    new: str


def _field(model: type[models.Model] | None, name: str):
    if model is not None:
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            pass
    other = OTHER_FIELDS.get(name)
    if isinstance(other, tuple):
        try:
            return django_apps.get_model(other[0])._meta.get_field(other[1])
        except (LookupError, FieldDoesNotExist):
            return None
    return None


def _label_of(model, name: str) -> str:
    if name in LABELS:
        return str(capfirst(LABELS[name]))
    field = _field(model, name)
    if field is not None and field.auto_created and not field.concrete:  # a reverse relation
        return str(capfirst(field.related_model._meta.verbose_name_plural))
    if field is not None and hasattr(field, "verbose_name"):
        return str(capfirst(field.verbose_name))
    other = OTHER_FIELDS.get(name)
    if other is not None and not isinstance(other, tuple):
        return str(capfirst(other))
    return capfirst(name.replace("_", " "))


def _text(field, value, names: dict) -> str:
    """`value` as stored (text, a number or a primary key) shown as a person reads it."""
    if value is None or value == "":
        return "–"
    if isinstance(value, list | dict):
        return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)
    if field is None:
        return formats.localize(value) if isinstance(value, int | float) else str(value)
    if field.is_relation and field.related_model is not None:
        return names.get((field.related_model, str(value)), str(value))
    if field.choices:
        labels = dict(field.flatchoices)
        if str(value) in labels:
            return str(labels[str(value)])
        parts = []  # "code=number; code=number"
        for part in str(value).split(";"):
            code, _equals, number = part.strip().partition("=")
            label = str(labels.get(code, code))
            parts.append(f"{label}: {formats.localize(int(number))}" if number.isdigit() else label)
        return "; ".join(parts)
    if isinstance(field, models.BooleanField):
        return gettext("yes") if str(value) in ("True", "true", "1") else gettext("no")
    if isinstance(field, models.DateTimeField | models.DateField):
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if isinstance(field, models.DateTimeField):
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        return formats.date_format(moment.date(), "SHORT_DATE_FORMAT")
    return formats.localize(value) if isinstance(value, int | float) else str(value)


def _related_names(wanted: dict) -> dict:
    """{(model, pk text): name} for the objects referred to by the entries' changes."""
    names = {}
    for model, keys in wanted.items():
        pks = []
        for key in keys:
            try:
                pks.append(model._meta.pk.to_python(key))
            except (ValidationError, TypeError, ValueError):
                continue
        for obj in model._default_manager.filter(pk__in=pks):
            names[(model, str(obj.pk))] = str(obj)
    return names


def _in_field_order(model, changes: dict) -> list:
    """The changes in the order of the model's fields, then by name: stored as JSON, their
    own order does not survive PostgreSQL's jsonb."""
    order = (
        {field.name: index for index, field in enumerate(model._meta.get_fields())} if model else {}
    )
    return sorted(changes.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def sentence(entry: HistoryEntry, model: type[models.Model] | None = None) -> str:
    """What happened, as a sentence of the active language (never an internal code)."""
    model = model or ContentType.objects.get_for_id(entry.content_type_id).model_class()
    known = ACTIONS.get(entry.action)
    if known is not None:
        return str(known)
    status = _field(model, "status")
    if status is not None and status.choices:
        label = dict(status.flatchoices).get(entry.action)
        if label is not None:
            return STATUS_SENTENCE % {"status": label}
    return str(ACTIONS["updated"])


def readable(entries: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    """The entries, each with `sentence` (what happened) and `details`: one Detail (field's
    verbose name, old and new value as labels and names) per change, for the history table."""
    entries = list(entries)
    wanted: dict = {}
    for entry in entries:
        entry.model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        for name, values in (entry.changes or {}).items():
            field = _field(entry.model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                pair = values if isinstance(values, list) else [None, values]
                keys = wanted.setdefault(field.related_model, set())
                keys.update(str(value) for value in pair if value not in (None, ""))
    names = _related_names(wanted)
    for entry in entries:
        entry.sentence = sentence(entry, entry.model)
        entry.details = []
        for name, values in _in_field_order(entry.model, entry.changes or {}):
            field = _field(entry.model, name)
            old, new = values if isinstance(values, list) and len(values) == 2 else (None, values)
            old_text, new_text = _text(field, old, names), _text(field, new, names)
            if old_text != new_text:  # an empty relation stored as "" or None is no change
                entry.details.append(Detail(_label_of(entry.model, name), old_text, new_text))
        entry.readable_note = str(NOTES[entry.note]) if entry.note in NOTES else entry.note
    return entries
