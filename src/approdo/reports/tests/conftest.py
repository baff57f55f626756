import datetime
import uuid

import pytest
from django.utils import timezone, translation

from approdo.surveys import actions
from approdo.surveys.tests.conftest import MINIMAL_FORM, upload

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_tasks_and_tmp_media(settings, tmp_path):
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(db, prato, coop):
    campaign = actions.import_xlsform(
        upload(MINIMAL_FORM.replace("{form_id}", "reports_form").encode()),
        campaign_slug="reports-test",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    campaign.organizations.add(prato, coop)
    for organization in (prato, coop):
        actions.submit_response(
            campaign,
            organization=organization,
            instance_id=uuid.uuid4(),
            answers={"project": f"Progetto {organization.name}", "people": "3"},
            by=None,
        )
    return campaign
