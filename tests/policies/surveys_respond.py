"""Filling in questionnaires: members see their organisation's responses, regional roles and
analysts every response (read-only), territory officers their territory's submitted ones."""

import datetime
import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from tests.policies.base import private

GOOD_PRACTICE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "approdo"
    / "surveys"
    / "forms"
    / "buone_pratiche.md"
)


def extend_world(world: dict) -> None:
    from approdo.surveys import actions

    file = io.BytesIO(GOOD_PRACTICE.read_bytes())
    file.name = "buone_pratiche.md"
    campaign = actions.import_xlsform(
        file,
        campaign_slug="policy-buone-pratiche",
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    campaign.organizations.add(world["prato"])
    response = actions.start_response(
        campaign, organization=world["prato"], by=world["cast"]["prato_member"]
    )
    stored = default_storage.save(
        f"surveys/responses/{response.instance_id}/policy-relazione.pdf", ContentFile(b"%PDF-1.4")
    )
    response.answers = {"org_nome": "Comune di Prato", "allegato_1": stored}
    response.save(update_fields=["answers"])
    world["survey_campaign"] = campaign
    world["survey_draft"] = response
    world["survey_file"] = stored.rsplit("/", 1)[1]


def _draft(world: dict) -> dict:
    return {"instance_id": world["survey_draft"].instance_id}


MEMBERS_ONLY = private(404, prato_member=200)
# A draft: its organisation and the roles that read everything; not the territory officer.
# A draft and its files are private to the organisation's members: regional roles and
# analysts read responses once sent (as the review pages and the exports do).
DRAFT_READERS = MEMBERS_ONLY

POLICY = {
    "surveys:campaign-list-mine": (None, private()),
    "surveys:response-start": (lambda w: {"slug": w["survey_campaign"].slug}, private(405)),
    "surveys:response-edit": (_draft, MEMBERS_ONLY),
    "surveys:response-submit": (_draft, private(405)),
    "surveys:response-detail": (_draft, DRAFT_READERS),
    "surveys:response-receipt": (_draft, private(404)),  # no receipt for a draft
    "surveys:response-receipt-pdf": (_draft, private(404)),
    "surveys:response-file": (
        lambda w: {**_draft(w), "name": w["survey_file"]},
        DRAFT_READERS,
    ),
}
PUBLIC_VIEWS: set[str] = set()
