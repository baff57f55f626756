"""Submissions racing on PostgreSQL: the same instance id never makes two responses."""

import uuid

import pytest
from django.db import connection

from approdo.core.tests import racing
from approdo.organizations.tests.factories import make_organization
from approdo.surveys import actions
from approdo.surveys.models import SurveyResponse
from approdo.surveys.tests.conftest import MINIMAL_FORM, upload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises every write anyway"
    ),
]
THREADS = 6


def race(function, threads: int = THREADS) -> list:
    return racing.race(function, threads)


@pytest.fixture
def open_campaign():
    organization = make_organization("Cooperativa Veloce", "cooperativa_sociale")
    campaign = actions.import_xlsform(
        upload(MINIMAL_FORM.replace("{form_id}", "race").encode()), campaign_slug="race"
    )
    campaign.organizations.add(organization)
    return campaign, organization


@pytest.mark.parametrize("many_responses", [False, True])
def test_same_instance_id_at_the_same_moment_makes_one_response(open_campaign, many_responses):
    campaign, organization = open_campaign
    campaign.many_responses = many_responses
    campaign.save()
    instance_id = uuid.uuid4()

    results = race(
        lambda _: actions.submit_response(
            campaign,
            organization=organization,
            instance_id=instance_id,
            answers={"project": "Casa"},
            by=None,
        )
    )

    assert all(isinstance(result, tuple) for result in results), results
    assert sorted(created for _, created in results) == [False] * (THREADS - 1) + [True]
    assert {response.pk for response, _ in results} == {SurveyResponse.objects.get().pk}


def test_one_response_campaign_takes_one_of_many_racing_instances(open_campaign):
    campaign, organization = open_campaign

    results = race(
        lambda index: actions.submit_response(
            campaign,
            organization=organization,
            instance_id=uuid.uuid4(),
            answers={"project": f"Casa {index}"},
            by=None,
        )
    )

    assert sum(isinstance(result, tuple) for result in results) == 1
    assert sum(isinstance(result, actions.AlreadyResponded) for result in results) == THREADS - 1
    assert SurveyResponse.objects.count() == 1


def test_identical_draft_saves_at_the_same_moment_all_succeed(open_campaign):
    """Many saves of the same answers from the same revision (a client resending, tabs): one
    makes the new revision, the others find that content stored and succeed, none is a
    stale-revision conflict. (40 at once: the test database allows 100 connections.)"""
    campaign, organization = open_campaign
    response = actions.start_response(campaign, organization=organization, by=None)
    answers = {"project": "Casa", "people": "3"}

    def save(_index):
        copy = SurveyResponse.objects.select_related("version").get(pk=response.pk)
        return actions.save_draft(copy, answers=answers, revision=response.revision, by=None)

    results = race(save, threads=40)

    assert all(isinstance(result, SurveyResponse) for result in results), [
        r for r in results if not isinstance(r, SurveyResponse)
    ][:3]
    stored = SurveyResponse.objects.get(pk=response.pk)
    assert stored.revision == response.revision + 1 and stored.answers == answers
    assert {result.revision for result in results} == {stored.revision}
