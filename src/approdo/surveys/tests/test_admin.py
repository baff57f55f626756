import uuid

import pytest
from django.urls import reverse

from approdo.organizations.tests.factories import make_user
from approdo.surveys import actions


@pytest.fixture
def superuser(db):
    user = make_user("root@regione.toscana.it", totp=True)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_version_shows_its_structure_read_only(client, superuser, campaign):
    client.force_login(superuser)
    url = reverse("admin:surveys_questionnaireversion_change", args=[campaign.version.pk])

    response = client.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "&quot;question_count&quot;: 3" in content
    assert 'name="schema"' not in content
    assert client.get(reverse("admin:surveys_questionnaireversion_add")).status_code == 403


def test_response_answers_are_shown_and_not_editable(client, superuser, campaign, prato):
    response, _ = actions.submit_response(
        campaign, organization=prato, instance_id=uuid.uuid4(), answers={"project": "Casa"}, by=None
    )
    client.force_login(superuser)

    page = client.get(reverse("admin:surveys_surveyresponse_change", args=[response.pk]))
    listing = client.get(reverse("admin:surveys_surveyresponse_changelist"))

    assert page.status_code == 200
    assert "&quot;project&quot;: &quot;Casa&quot;" in page.content.decode()
    assert 'name="answers"' not in page.content.decode()
    assert listing.status_code == 200
    assert client.get(reverse("admin:surveys_surveyresponse_add")).status_code == 403


def test_campaign_admin_lists_campaigns(client, superuser, campaign):
    client.force_login(superuser)

    response = client.get(reverse("admin:surveys_campaign_changelist"))

    assert response.status_code == 200
    assert "Test campaign" in response.content.decode()
