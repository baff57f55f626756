import pytest

from approdo.core.models import HistoryEntry
from approdo.organizations.demo import create_demo_data as create_organizations
from approdo.practices.demo import create_demo_data
from approdo.practices.models import Practice
from approdo.surveys.demo import create_demo_data as create_survey_demo


@pytest.mark.django_db
def test_demo_is_realistic_and_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    create_organizations()
    create_survey_demo()
    create_demo_data()
    total, history = Practice.objects.count(), HistoryEntry.objects.count()
    assert total == 31
    assert Practice.objects.published().count() >= 25
    assert Practice.objects.to_reconfirm().count() >= 5
    from_response = Practice.objects.get(source_response__isnull=False)
    assert from_response.lead_organization.name == "Comune di Prato"
    assert not from_response.published
    create_demo_data()
    assert (Practice.objects.count(), HistoryEntry.objects.count()) == (total, history)
