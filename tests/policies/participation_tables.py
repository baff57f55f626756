"""Working tables: a published event's tables and the page to contribute before it are
public (the form itself needs a registration); recording statements and the groups of similar
contributions are for the table's rapporteur (prato_member) and the organisers (regional roles
and the organising organisation's members, coop_member); editing, creating tables and sharing
participants are for the organisers; hiding and showing again are POSTs."""

from tests.policies.base import PUBLIC, private


def table(world):
    return {"slug": world["tables_event"].slug, "number": world["tables_table"].number}


def event(world):
    return {"slug": world["tables_event"].slug}


def contribution(world):
    return {**table(world), "pk": world["tables_contribution"].pk}


ORGANISERS = {"regione_admin": 200, "anci_coordinator": 200, "coop_member": 200}
RECORDERS = {**ORGANISERS, "prato_member": 200}

POLICY = {
    "participation:table-detail": (table, PUBLIC),
    "participation:table-contribute": (table, PUBLIC),
    "participation:table-record": (table, private(403, **RECORDERS)),
    "participation:table-groups": (table, private(403, **RECORDERS)),
    "participation:table-edit": (table, private(403, **ORGANISERS)),
    "participation:table-create": (event, private(403, **ORGANISERS)),
    "participation:table-assign": (event, private(403, **ORGANISERS)),
    "participation:contribution-hide": (contribution, private(405)),
    "participation:contribution-unhide": (contribution, private(405)),
}

PUBLIC_VIEWS = {"participation:table-detail", "participation:table-contribute"}


def extend_world(world):
    from approdo.participation.models import Contribution
    from approdo.participation.tests.factories import make_event, make_registration, make_table

    event = make_event(slug="policy-tables-event", organizers=[world["coop"]])
    table = make_table(event, number=1, rapporteur=world["cast"]["prato_member"])
    make_registration(event, table=table, listed=True)
    world["tables_event"] = event
    world["tables_table"] = table
    world["tables_contribution"] = Contribution.objects.create(
        question=table.questions.first(), phase=Contribution.Phase.BEFORE, text="Contributo"
    )
