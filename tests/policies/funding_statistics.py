"""Call statistics, the call report and its downloads, and the statistics API: anyone when the
call publishes its statistics; otherwise network staff only (anonymous visitors sign in, or get
401 from the API; other signed-in users 403)."""

from tests.policies.base import PUBLIC, expect, private

STAFF = {"regione_admin": 200, "anci_coordinator": 200, "analyst": 200}


def public_call(world):
    return {"slug": world["statistics_public_call"].slug}


def private_call(world):
    return {"slug": world["statistics_private_call"].slug}


POLICY = {
    "funding:statistics": (public_call, PUBLIC),
    "funding:statistics-geojson": (public_call, PUBLIC),
    "funding:report": (public_call, PUBLIC),
    "funding:report-pdf": (private_call, private(403, **STAFF)),
    "funding:report-docx": (private_call, private(403, **STAFF)),
    "funding:report-xlsx": (public_call, PUBLIC),
    "api:call-statistics": (private_call, expect(403, anonymous=401, **STAFF)),
}
PUBLIC_VIEWS = set(POLICY)


def extend_world(world):
    from approdo.funding.models import Call

    world["statistics_public_call"] = Call.objects.create(
        slug="policy-statistics-public", title="Bando pubblico", statistics_public=True
    )
    world["statistics_private_call"] = Call.objects.create(
        slug="policy-statistics-private", title="Bando riservato"
    )
