"""The change history kept for every tracked object (who, when, what)."""

from typing import Any

from django.db import models

from approdo.core import rows
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


def record_history(
    obj: models.Model,
    *,
    by=None,
    action: str,
    changes: dict | None = None,
    note: str = "",
) -> HistoryEntry:
    entry = HistoryEntry(
        target=obj,
        object_repr=str(obj)[:300],
        action=action,
        changes=changes or {},
        note=note,
        actor=by if by is not None and by.is_authenticated else None,
    )
    return rows.insert(entry)  # written on every change of every record
