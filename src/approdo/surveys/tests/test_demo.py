import datetime

import pytest
from django.core.management import call_command

from approdo.core.models import HistoryEntry
from approdo.organizations.demo import create_demo_data as create_demo_organizations
from approdo.surveys.demo import create_demo_data
from approdo.surveys.models import Campaign, SurveyResponse


@pytest.fixture
def demo_orgs(db):
    create_demo_organizations()


def state(slug):
    return sorted(
        SurveyResponse.objects.filter(campaign__slug=slug).values_list(
            "instance_id", "status", "revision", "answers"
        ),
        key=str,
    )


def test_demo_opens_the_campaign_for_comuni_sds_and_third_sector(demo_orgs):
    campaign = create_demo_data(today=datetime.date(2026, 11, 23))
    assert campaign.slug == "buone-pratiche-2026"
    assert campaign.title == "Rilevazione delle buone pratiche 2026"
    assert campaign.opens_at == datetime.datetime(2026, 10, 31, 23, 0, tzinfo=datetime.UTC)
    assert campaign.closes_at == datetime.datetime(2026, 11, 30, 22, 59, tzinfo=datetime.UTC)
    kinds = set(campaign.organizations.values_list("kind", flat=True))
    assert {"comune", "sds", "cooperativa_sociale", "aps", "odv"} <= kinds
    assert not kinds & {"regione", "prefettura", "asl", "unione_comuni"}
    assert not campaign.organizations.filter(name="ANCI Toscana").exists()


def test_demo_has_a_response_in_every_state(demo_orgs):
    campaign = create_demo_data()
    statuses = set(campaign.responses.values_list("status", flat=True))
    assert statuses == set(SurveyResponse.Status.values)
    validated = campaign.responses.get(status="validated")
    assert len(validated.answers["partner"]) == 2
    assert validated.answers["numero_azioni"] == "3"
    actions = set(HistoryEntry.objects.for_object(validated).values_list("action", flat=True))
    assert {"submitted", "in_review", "validated"} <= actions


def test_running_the_demo_twice_changes_nothing(demo_orgs):
    campaign = create_demo_data()
    before = state(campaign.slug)
    history = HistoryEntry.objects.count()
    create_demo_data()
    assert state(campaign.slug) == before
    assert HistoryEntry.objects.count() == history
    assert Campaign.objects.get(slug=campaign.slug).version.number == 1


def test_demo_command_is_idempotent(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", boundaries="", stdout=open("/dev/null", "w"))
    counts = (SurveyResponse.objects.count(), Campaign.objects.count())
    call_command("demo", boundaries="", stdout=open("/dev/null", "w"))
    assert (SurveyResponse.objects.count(), Campaign.objects.count()) == counts
    assert counts == (6, 1)
