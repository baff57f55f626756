import datetime
import io

import pytest
from django.utils import timezone, translation

from approdo.surveys import actions

MINIMAL_FORM = """
| survey |
| | type | name | label | required | relevant | constraint |
| | text | project | Project | yes | | |
| | integer | people | People | | | . >= 0 |
| | text | note_text | Why none? | | ${people} = 0 | |
| settings |
| | form_id | form_title |
| | {form_id} | Test questionnaire |
"""


def md_form(rows: str, *, choices: str = "", form_id: str = "test_form") -> bytes:
    """A markdown XLSForm from survey rows (and optional choices rows)."""
    text = "| survey |\n" + rows.strip() + "\n"
    if choices:
        text += "| choices |\n" + choices.strip() + "\n"
    text += f"| settings |\n| | form_id | form_title |\n| | {form_id} | Test |\n"
    return text.encode()


def upload(content: bytes, name: str = "form.md") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in their English source text."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def campaign(db, prato, coop):
    """An open campaign for Prato and the cooperative (not for the other association)."""
    campaign = actions.import_xlsform(
        upload(MINIMAL_FORM.replace("{form_id}", "test_form").encode()),
        campaign_slug="test-campaign",
        title="Test campaign",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    campaign.organizations.add(prato, coop)
    return campaign
