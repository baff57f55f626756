"""Survey campaigns through the API: invited organisations and staff see a campaign (others
404, anonymous 401); only staff export responses (invited members 403)."""

from tests.policies.base import expect

STAFF = {"regione_admin": 200, "anci_coordinator": 200, "analyst": 200}


def campaign(world):
    return {"slug": world["api_campaign"].slug}


POLICY = {
    "api:campaign-detail": (
        campaign,
        expect(200, anonymous=401, other_coop_member=404, zona_officer=404),
    ),
    # POST only: signed-in users get 405, anonymous callers 401 before that.
    "api:campaign-responses": (campaign, expect(405, anonymous=401)),
    "api:campaign-responses-csv": (
        campaign,
        expect(404, anonymous=401, prato_member=403, coop_member=403, **STAFF),
    ),
    "api:campaign-responses-xlsx": (
        campaign,
        expect(404, anonymous=401, prato_member=403, coop_member=403, **STAFF),
    ),
}
# API views answer 401 themselves (tokens or session), so they are marked public.
PUBLIC_VIEWS = {
    "api:campaign-detail",
    "api:campaign-responses",
    "api:campaign-responses-csv",
    "api:campaign-responses-xlsx",
}

FORM = b"""
| survey |
| | type | name | label |
| | text | project | Project |
| settings |
| | form_id | form_title |
| | policy_api_form | Policy form |
"""


def extend_world(world):
    import datetime

    from django.utils import timezone

    from approdo.surveys.models import Campaign, Questionnaire, QuestionnaireVersion
    from approdo.surveys.xlsform import convert_xlsform

    result = convert_xlsform(FORM, "form.md")
    questionnaire = Questionnaire.objects.create(slug="policy-api-form", title="Policy form")
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=1, schema=result.schema, xform=result.xform
    )
    campaign = Campaign.objects.create(
        slug="policy-api-campaign",
        title="Policy campaign",
        version=version,
        opens_at=timezone.now() - datetime.timedelta(days=1),
    )
    campaign.organizations.add(world["prato"], world["coop"])
    world["api_campaign"] = campaign
