"""Export jobs: the requester and regional roles follow and download an export; nobody else
learns it exists. Requesting one is a POST."""

from tests.policies.base import private


def export(world):
    return {"pk": world["export"].pk}


POLICY = {
    "reports:export-create": (None, private(405)),
    "reports:export-detail": (
        export,
        private(404, regione_admin=200, anci_coordinator=200, analyst=200),
    ),
    # The export is still queued: no file to download yet, for anyone.
    "reports:export-download": (export, private(404)),
}


def extend_world(world):
    from approdo.reports.models import Export

    world["export"] = Export.objects.create(
        requested_by=world["cast"]["analyst"],
        dataset="survey_responses",
        fmt="csv",
        params={"campaign": "policy-api-campaign"},
    )
