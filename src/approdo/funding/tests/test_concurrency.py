"""Applications under concurrency on PostgreSQL: 20 organisations submit their call
questionnaire while they open the call's page, and 20 callers turn the same old response into
an application at the same moment. One application per response, and no error."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approdo.core.tests import racing
from approdo.funding import actions
from approdo.funding.models import Call, Project
from approdo.organizations.tests.factories import make_organization, make_user
from approdo.surveys import actions as survey_actions
from approdo.surveys.models import SurveyResponse
from approdo.surveys.tests.conftest import upload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises every write anyway"
    ),
]
THREADS = 20
FORM = b"""| survey |
| | type | name | label | required |
| | text | project_title | Title | yes |
| settings |
| | form_id | form_title |
| | race_call | Domanda |
"""


def race(function) -> list:
    return racing.race(function, THREADS)


def test_concurrent_submissions_and_views_make_one_application_each():
    campaign = survey_actions.import_xlsform(
        upload(FORM), campaign_slug="race-call", opens_at=timezone.now() - datetime.timedelta(1)
    )
    call = Call.objects.create(
        slug="race-call", title="Bando", campaign=campaign, statistics_public=True
    )
    organizations = [
        make_organization(f"Cooperativa {i}", "cooperativa_sociale") for i in range(THREADS)
    ]
    campaign.organizations.add(*organizations)
    users = [
        make_user(f"socio{i}@race.example", organization=org, role="org_manager")
        for i, org in enumerate(organizations)
    ]
    earlier = make_organization("Associazione di prima", "aps")
    legacy = SurveyResponse.objects.create(  # sent before submissions made applications
        campaign=campaign,
        version=campaign.version,
        organization=earlier,
        instance_id=uuid.uuid4(),
        status=SurveyResponse.Status.SUBMITTED,
        answers={"project_title": "Vecchia domanda"},
        submitted_at=timezone.now(),
    )
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    page = reverse("funding:call-detail", kwargs={"slug": call.slug})

    def submit_view_and_sync(index):
        response, _created = survey_actions.submit_response(
            campaign,
            organization=organizations[index],
            instance_id=uuid.uuid4(),
            answers={"project_title": f"Progetto {index}"},
            by=users[index],
        )
        status = clients[index].get(page).status_code
        old = actions.create_application_from_response(legacy, call=call)
        return response.pk, status, old.pk

    results = race(submit_view_and_sync)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert {status for _pk, status, _old in results} == {200}
    assert len({old for _pk, _status, old in results}) == 1  # the old response: one project
    projects = Project.objects.filter(call=call)
    assert projects.count() == THREADS + 1
    sources = list(projects.values_list("source_response_id", flat=True))
    assert sorted(sources) == sorted([pk for pk, _s, _o in results] + [legacy.pk])
