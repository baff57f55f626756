"""Requesting exports."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
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
