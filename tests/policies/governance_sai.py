"""The SAI network: projects, coverage, maps, gaps and the "what if" tool are public data;
creating and editing projects is for coordinators and regional administrators."""

from tests.policies.base import PUBLIC, expect, regional_only


def project(world):
    return {"pk": world["sai_project"].pk}


POLICY = {
    "governance:sai-list": (None, PUBLIC),
    "governance:sai-detail": (project, PUBLIC),
    "governance:sai-create": (None, regional_only()),
    "governance:sai-edit": (project, regional_only()),
    "governance:coverage": (None, PUBLIC),
    "governance:coverage-geojson": (None, PUBLIC),
    "governance:coverage-svg": (None, PUBLIC),
    "governance:coverage-gaps": (None, PUBLIC),
    "governance:coverage-what-if": (None, PUBLIC),
    # Without the required `level` every caller gets the 422 problem (tested with it elsewhere).
    "api:governance-coverage": (None, expect(422)),
}

PUBLIC_VIEWS = {
    "governance:sai-list",
    "governance:sai-detail",
    "governance:coverage",
    "governance:coverage-geojson",
    "governance:coverage-svg",
    "governance:coverage-gaps",
    "governance:coverage-what-if",
    "api:governance-coverage",
}


def extend_world(world):
    from approdo.governance import actions

    world["sai_project"] = actions.create_sai_project(
        code="POLICY-SAI-1",
        holder=world["prato"],
        type="ordinari",
        places=10,
        start_date="2024-01-01",
        hosting={"100005": None},
    )
