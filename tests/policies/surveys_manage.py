"""Survey campaign management and review: regional roles change, analysts read, the rest 403."""

import tempfile
from pathlib import Path

from django.test import override_settings

from tests.policies.base import private, regional_only

STAFF = private(403, regione_admin=200, anci_coordinator=200, analyst=200)
GOOD_PRACTICE_FORM = (
    Path(__file__).resolve().parents[2] / "src/approdo/surveys/forms/buone_pratiche.md"
)


def _campaign(w: dict) -> dict:
    return {"slug": w["manage_campaign"].slug}


def _response(w: dict) -> dict:
    return {"instance_id": w["manage_response"].instance_id}


POLICY = {
    "surveys:campaign-list": (None, STAFF),
    "surveys:campaign-create": (None, regional_only()),
    "surveys:campaign-detail": (_campaign, STAFF),
    "surveys:campaign-edit": (_campaign, regional_only()),
    "surveys:campaign-version-upload": (_campaign, regional_only()),
    "surveys:campaign-publish": (_campaign, private(405)),
    "surveys:campaign-invite": (_campaign, private(405)),
    "surveys:campaign-dashboard": (_campaign, STAFF),
    "surveys:campaign-dashboard-geojson": (_campaign, STAFF),
    "surveys:campaign-exports": (_campaign, STAFF),
    "surveys:review-queue": (None, STAFF),
    "surveys:review-bulk": (None, private(405)),
    "surveys:review-detail": (_response, STAFF),
    "surveys:review-transition": (_response, private(405)),
    "surveys:response-reopen": (_response, private(405)),
    "surveys:response-comment": (_response, private(405)),
}


def extend_world(world: dict) -> None:
    """A good-practice campaign for Prato, with a submitted response of Prato."""
    from django.utils import timezone

    from approdo.surveys.actions import import_xlsform
    from approdo.surveys.models import SurveyResponse

    with override_settings(MEDIA_ROOT=tempfile.mkdtemp()), GOOD_PRACTICE_FORM.open("rb") as file:
        campaign = import_xlsform(
            file, filename=GOOD_PRACTICE_FORM.name, campaign_slug="manage-policy", title="Policy"
        )
    campaign.organizations.add(world["prato"])
    world["manage_campaign"] = campaign
    world["manage_response"] = SurveyResponse.objects.create(
        campaign=campaign,
        version=campaign.version,
        organization=world["prato"],
        status=SurveyResponse.Status.SUBMITTED,
        answers={"titolo": "Progetto"},
        submitted_at=timezone.now(),
    )
