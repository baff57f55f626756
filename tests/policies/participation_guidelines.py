"""Guidelines for the zonal plans: published guidelines and their uptake are public (a zona's
page shows its form to its officer and regional roles only); writing, publishing and new
versions are for regional roles, and publishing and new versions are POSTs."""

from tests.policies.base import PUBLIC, private, regional_only


def guideline(world):
    return {"slug": world["guideline"].slug}


def draft(world):
    return {"slug": world["guideline_draft"].slug, "version": world["guideline_draft"].version}


POLICY = {
    "participation:guideline-list": (None, PUBLIC),
    "participation:guideline-create": (None, regional_only()),
    "participation:guideline-detail": (guideline, PUBLIC),
    "participation:guideline-edit": (draft, regional_only()),
    "participation:guideline-publish": (draft, private(405)),
    "participation:guideline-new-version": (guideline, private(405)),
    "participation:guideline-uptake": (guideline, PUBLIC),
    "participation:guideline-uptake-geojson": (guideline, PUBLIC),
    "participation:guideline-uptake-zona": (
        lambda w: {**guideline(w), "zona": "pratese"},
        PUBLIC,
    ),
}

PUBLIC_VIEWS = {
    "participation:guideline-list",
    "participation:guideline-detail",
    "participation:guideline-uptake",
    "participation:guideline-uptake-geojson",
    "participation:guideline-uptake-zona",
}


def extend_world(world):
    from django.utils import timezone

    from approdo.participation import guidelines
    from approdo.participation.models import Statement, SynthesisReport
    from approdo.participation.tests.factories import make_event, make_table

    admin = world["cast"]["regione_admin"]
    table = make_table(make_event(slug="policy-guidelines-event"), number=1, questions=0)
    report = SynthesisReport.objects.create(
        table=table, status=SynthesisReport.Status.PUBLISHED, published_at=timezone.now()
    )
    Statement.objects.create(
        report=report, kind=Statement.Kind.RECOMMENDATION, order=1, text="Raccomandazione"
    )
    published = guidelines.create_guideline(
        slug="policy-linee-guida", title="Linee guida", reports=[report], by=admin
    )
    world["guideline"] = guidelines.publish(published, by=admin)
    world["guideline_draft"] = guidelines.new_version(world["guideline"], by=admin)
