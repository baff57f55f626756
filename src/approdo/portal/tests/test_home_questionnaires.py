"""An organisation member's home lists the questionnaires waiting for their organisations,
nearest deadline first, with the state of their response."""

import datetime
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from approdo.surveys import actions

FORM = b"""| survey |
| | type | name | label |
| | text | project | Project |
| settings |
| | form_id | form_title |
| | {form_id} | Test |
"""


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _campaign(slug: str, title: str, *, closes_in: int | None, organizations, opened=1):
    now = timezone.now()
    campaign = actions.import_xlsform(
        io.BytesIO(FORM.replace(b"{form_id}", slug.replace("-", "_").encode())),
        filename="f.md",
        campaign_slug=slug,
        title=title,
        opens_at=now - datetime.timedelta(days=opened),
        closes_at=now + datetime.timedelta(days=closes_in) if closes_in is not None else None,
    )
    campaign.organizations.add(*organizations)
    return campaign


def test_member_home_lists_waiting_questionnaires_with_deadline_and_state(
    client, prato_member, prato, coop
):
    later = _campaign("later", "Later survey", closes_in=40, organizations=[prato])
    sooner = _campaign("sooner", "Sooner survey", closes_in=5, organizations=[prato])
    sent = _campaign("sent", "Sent survey", closes_in=10, organizations=[prato])
    _campaign("no-deadline", "Open-ended survey", closes_in=None, organizations=[prato])
    _campaign("not-ours", "Cooperative survey", closes_in=3, organizations=[coop])
    _campaign("closed", "Closed survey", closes_in=-1, organizations=[prato], opened=9)
    draft = actions.start_response(later, organization=prato, by=prato_member)
    submitted, _ = actions.submit_response(
        sent, organization=prato, instance_id=uuid.uuid4(), answers={"project": "X"}, by=None
    )
    client.force_login(prato_member)

    page = client.get(reverse("portal:home"))

    rows = page.context["questionnaires"]
    assert [row.campaign.slug for row in rows] == ["sooner", "sent", "later", "no-deadline"]
    content = page.content.decode()
    assert content.index("Sooner survey") < content.index("Later survey")
    assert "Cooperative survey" not in content and "Closed survey" not in content
    assert reverse("surveys:response-edit", args=[draft.instance_id]) in content
    assert reverse("surveys:response-receipt", args=[submitted.instance_id]) in content
    assert "Not started" in content and "No deadline" in content
    assert reverse("surveys:response-start", args=[sooner.slug]) in content
    assert reverse("surveys:campaign-list-mine") in content
    deadline = timezone.localtime(sooner.closes_at)
    assert str(deadline.year) in content


def test_member_without_questionnaires_is_told_so(client, coop_member):
    client.force_login(coop_member)
    page = client.get(reverse("portal:home")).content.decode()
    assert "No questionnaire is waiting for your organisations" in page


def test_member_home_query_count_is_bounded(
    client, prato_member, prato, django_assert_max_num_queries
):
    for number in range(8):
        _campaign(f"survey-{number}", f"Survey {number}", closes_in=5, organizations=[prato])
    client.force_login(prato_member)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("portal:home")).status_code == 200
