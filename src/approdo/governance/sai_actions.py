"""Every change to a SAI project: written with its hosting comuni and kept in history."""

from django.db import transaction

from approdo.core.history import diff, record_history, snapshot
from approdo.governance.forms_sai import hosting_text
from approdo.governance.models import SaiHosting, SaiProject

TRACKED = ["code", "holder", "manager", "type", "places", "start_date", "end_date", "status"]


def _state(project: SaiProject) -> dict:
    hosting = {h.comune_id: h.places for h in project.hostings.all()}
    return {**snapshot(project, TRACKED), "comuni": hosting_text(hosting)}


def _set_hosting(project: SaiProject, hosting: dict[str, int | None]) -> None:
    project.hostings.exclude(comune_id__in=hosting).delete()
    for code, places in hosting.items():
        SaiHosting.objects.update_or_create(
            project=project, comune_id=code, defaults={"places": places}
        )


@transaction.atomic
def create_project(*, fields: dict, hosting: dict[str, int | None], by=None) -> SaiProject:
    project = SaiProject.objects.create(**fields)
    _set_hosting(project, hosting)
    record_history(project, by=by, action="created", changes=diff({}, _state(project)))
    return project


@transaction.atomic
def update_project(
    project: SaiProject, *, fields: dict, hosting: dict[str, int | None], by=None
) -> dict:
    """Apply `fields` and `hosting`; return the changes (nothing recorded when none)."""
    before = _state(project)
    for name, value in fields.items():
        setattr(project, name, value)
    project.save()
    _set_hosting(project, hosting)
    changes = diff(before, _state(project))
    if changes:
        record_history(project, by=by, action="updated", changes=changes)
    return changes
