"""Synthesis reports: a published report, its PDF and its Word document are public; a draft is
edited by its table's rapporteur (coop_member) and the organisers (regional roles and the
organising organisation's members, prato_member), and nobody else learns it exists (404).
Deleting and moving statements, changing the status and commenting are POSTs."""

from tests.policies.base import PUBLIC, private


def published(world):
    return {"slug": world["reports_event"].slug, "number": world["reports_published"].number}


def draft(world):
    return {"slug": world["reports_event"].slug, "number": world["reports_draft"].number}


def statement(world):
    return {**draft(world), "pk": world["reports_statement"].pk}


WRITERS = {"regione_admin": 200, "anci_coordinator": 200, "prato_member": 200, "coop_member": 200}

POLICY = {
    "participation:report-detail": (published, PUBLIC),
    "participation:report-pdf": (published, PUBLIC),
    "participation:report-docx": (published, PUBLIC),
    "participation:report-edit": (draft, private(404, **WRITERS)),
    "participation:report-statement-delete": (statement, private(405)),
    "participation:report-statement-move": (statement, private(405)),
    "participation:report-transition": (draft, private(405)),
    "participation:report-comment": (draft, private(405)),
}

PUBLIC_VIEWS = {
    "participation:report-detail",
    "participation:report-pdf",
    "participation:report-docx",
}


def extend_world(world):
    from approdo.participation import synthesis
    from approdo.participation.models import Contribution
    from approdo.participation.tests.factories import make_event, make_table

    organiser = world["cast"]["prato_member"]
    rapporteur = world["cast"]["coop_member"]
    event = make_event(slug="policy-reports-event", organizers=[world["prato"]])
    done = make_table(event, number=1, rapporteur=rapporteur)
    said = Contribution.objects.create(
        question=done.questions.first(), phase=Contribution.Phase.DURING, text="Contributo"
    )
    report = synthesis.report_for(done)
    synthesis.save_statement(report, by=rapporteur, kind="finding", text="A", citations=[said])
    synthesis.submit_for_review(report, by=rapporteur)
    synthesis.publish(report, by=organiser)
    pending = make_table(event, number=2, rapporteur=rapporteur)
    world["reports_event"] = event
    world["reports_published"] = done
    world["reports_draft"] = pending
    world["reports_statement"] = synthesis.save_statement(
        synthesis.report_for(pending), by=rapporteur, kind="finding", text="B", citations=[]
    )
