"""Requesting exports."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from approdo.reports.datasets import DatasetError, get_dataset
from approdo.reports.models import Export, Format
from approdo.reports.tasks import build_export


@transaction.atomic
def request_export(*, by, dataset: str, fmt: str, params: dict) -> Export:
    """Queue an export of a registered dataset for `by` and enqueue its build once the
    transaction commits. Raises DatasetError for an unknown dataset, format or bad
    parameters, PermissionDenied when `by` may not export it."""
    if fmt not in Format.values:
        raise DatasetError(gettext("Unknown format “%(fmt)s”.") % {"fmt": fmt})
    source = get_dataset(dataset)
    params = source.clean_params(params)
    if not source.can_export(by, params):
        raise PermissionDenied(gettext("You may not export these data."))
    export = Export.objects.create(requested_by=by, dataset=dataset, fmt=fmt, params=params)
    transaction.on_commit(lambda: build_export.enqueue(export.pk))
    return export


# Writers report progress every few thousand rows, seconds apart: ten silent minutes mean the
# worker building the file has died (restart, out of memory, killed container).
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3


@transaction.atomic
def recover_stale_exports(queryset=None, *, now=None) -> int:
    """Queue again the running exports whose worker stopped giving signs of life, or mark them
    failed with the reason after MAX_ATTEMPTS. Returns how many were recovered or failed."""
    now = now or timezone.now()
    stale = (queryset if queryset is not None else Export.objects.all()).filter(
        status=Export.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    count = 0
    for export in stale.select_for_update(skip_locked=True):
        count += 1
        _queue_again(export, now)
    return count


@transaction.atomic
def resume_interrupted_export(export_id: int) -> bool:
    """The worker building `export_id` lost its database connection and got it back: queue the
    export again (or fail it after MAX_ATTEMPTS) without waiting for it to look stale.
    Returns False when the export is finished or gone."""
    export = (
        Export.objects.select_for_update()
        .filter(pk=export_id, status__in=[Export.Status.QUEUED, Export.Status.RUNNING])
        .first()
    )
    if export is None:
        return False
    _queue_again(export, timezone.now())
    return True


def _queue_again(export: Export, now) -> None:
    if export.attempts >= MAX_ATTEMPTS:
        export.status = Export.Status.FAILED
        export.error = gettext(
            "The file could not be prepared: the process building it stopped %(n)s times."
        ) % {"n": export.attempts}
        export.finished_at = now
        export.save(update_fields=["status", "error", "finished_at"])
        return
    export.status = Export.Status.QUEUED
    export.progress = 0
    export.save(update_fields=["status", "progress"])
    transaction.on_commit(lambda pk=export.pk: build_export.enqueue(pk))
