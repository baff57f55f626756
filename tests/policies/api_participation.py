"""The participation API is open data: published events, their published synthesis reports and
the uptake of published guidelines are public (drafts answer 404 to the public)."""

from tests.policies.base import PUBLIC


def event(world):
    return {"slug": world["api_event"].slug}


POLICY = {
    "api:events": (None, PUBLIC),
    "api:event-detail": (event, PUBLIC),
    "api:event-report": (event, PUBLIC),
    "api:guideline-uptake": (lambda w: {"slug": w["api_guideline"].slug}, PUBLIC),
}
PUBLIC_VIEWS = set(POLICY)


def extend_world(world):
    from django.utils import timezone

    from approdo.participation import guidelines
    from approdo.participation.models import Statement, SynthesisReport
    from approdo.participation.tests.factories import make_event, make_table

    admin = world["cast"]["regione_admin"]
    event = make_event(slug="policy-api-event", organizers=[world["coop"]])
    report = SynthesisReport.objects.create(
        table=make_table(event, number=1, questions=1),
        status=SynthesisReport.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    Statement.objects.create(
        report=report, kind=Statement.Kind.RECOMMENDATION, order=1, text="Raccomandazione"
    )
    guideline = guidelines.create_guideline(
        slug="policy-api-linee-guida", title="Linee guida", reports=[report], by=admin
    )
    world["api_event"] = event
    world["api_guideline"] = guidelines.publish(guideline, by=admin)
