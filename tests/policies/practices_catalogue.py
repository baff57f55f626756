"""The public catalogue of good practices: every page, download, feed and map layer is open
to anyone. A draft's page is a 404 except for coordinators, administrators and analysts, who
may preview it."""

from tests.policies.base import PUBLIC, expect

PREVIEW = expect(404, regione_admin=200, anci_coordinator=200, analyst=200)


def _published(w: dict) -> dict:
    return {"code": w["catalogue_published"].code}


def _draft(w: dict) -> dict:
    return {"code": w["catalogue_draft"].code}


POLICY = {
    "practices:catalogue": (None, PUBLIC),
    "practices:catalogue-map": (None, PUBLIC),
    "practices:export-csv": (None, PUBLIC),
    "practices:export-xlsx": (None, PUBLIC),
    "practices:feed": (None, PUBLIC),
    "practices:sitemap": (None, PUBLIC),
    "practices:detail": (_published, PUBLIC),
    "practices:detail-geojson": (_draft, PREVIEW),
}

PUBLIC_VIEWS = set(POLICY)


def extend_world(world: dict) -> None:
    """A published practice and a draft of the catalogue, indexed."""
    import datetime

    from django.utils import timezone

    from approdo.practices import search
    from approdo.practices.models import Practice

    published = Practice.objects.create(
        code="CAT-POLICY-1",
        title="Pratica pubblicata del catalogo",
        lead_organization=world["coop"],
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    draft = Practice.objects.create(
        code="CAT-POLICY-2", title="Bozza del catalogo", lead_organization=world["coop"]
    )
    search.reindex([published.pk, draft.pk])
    world["catalogue_published"] = published
    world["catalogue_draft"] = draft
