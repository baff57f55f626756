from django.db import transaction
from django.utils import translation

from approdo.taxonomy import defaults
from approdo.taxonomy.models import Action, TargetGroup


@transaction.atomic
def load_taxonomies() -> dict[str, int]:
    """Create the default terms that are missing (idempotent; labels edited by admins stay).
    Stored labels are Italian; default terms are shown in the reader's language anyway."""
    with translation.override("it"):
        return _load()


def _load() -> dict[str, int]:
    for position, (code, label) in enumerate(defaults.ACTIONS.items()):
        Action.objects.get_or_create(
            code=code, defaults={"label": str(label), "position": position}
        )
    for position, (code, (label, parent)) in enumerate(defaults.TARGETS.items()):
        TargetGroup.objects.get_or_create(
            code=code,
            defaults={"label": str(label), "position": position, "parent_id": parent},
        )
    return {"actions": Action.objects.count(), "targets": TargetGroup.objects.count()}


def rolled_up(codes) -> set[str]:
    """The target codes plus the groups of any child among them: a project with
    `senza_dimora` also counts once in `marginalita`."""
    codes = set(codes)
    parents = TargetGroup.objects.filter(code__in=codes, parent__isnull=False).values_list(
        "parent_id", flat=True
    )
    return codes | set(parents)
