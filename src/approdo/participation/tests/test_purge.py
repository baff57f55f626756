"""Anonymising registrations after the retention period: personal data go, the counts and
organisations stay; idempotent; --dry-run changes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from approdo.participation import figures
from approdo.participation import registration as reg
from approdo.participation.models import Registration
from approdo.participation.tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_and_recent(prato, regione_admin, settings):
    settings.APPRODO_REGISTRATION_RETENTION_DAYS = 180
    now = timezone.now()
    old = make_event(starts_at=now - datetime.timedelta(days=200))
    recent = make_event(starts_at=now - datetime.timedelta(days=30))
    old_rows = [
        make_registration(
            old,
            organization=prato,
            accessibility_needs="Sedia a rotelle",
            user=regione_admin,
            listed=True,
            attended=True,
        ),
        make_registration(old, organization_name="Comitato libero"),
    ]
    recent_row = make_registration(recent, accessibility_needs="Interprete LIS")
    return old, old_rows, recent_row


def test_purge_anonymises_old_personal_data_and_keeps_counts(old_and_recent, prato):
    old, old_rows, recent_row = old_and_recent
    before = figures.participation(old)

    assert reg.purge() == 2

    for row in Registration.objects.filter(event=old):
        assert (row.name, row.email, row.accessibility_needs, row.organization_name) == (
            "",
            "",
            "",
            "",
        )
        assert row.user is None and row.listed is False and row.anonymised_at is not None
    kept = Registration.objects.get(pk=old_rows[0].pk)
    assert kept.organization == prato and kept.attended
    after = figures.participation(old)
    assert (after.participants, after.by_kind) == (before.participants, before.by_kind)
    recent_row.refresh_from_db()
    assert recent_row.accessibility_needs == "Interprete LIS"
    assert reg.purge() == 0  # idempotent


def test_anonymised_token_pages_are_gone(old_and_recent, client):
    _old, old_rows, _recent = old_and_recent
    reg.purge()
    assert client.get(f"/partecipazione/iscrizioni/{old_rows[0].token}/").status_code == 404


def test_command_dry_run_changes_nothing(old_and_recent):
    out = io.StringIO()
    call_command("purge_registrations", "--dry-run", stdout=out)
    assert "2 registration(s) would be anonymised" in out.getvalue()
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 0

    call_command("purge_registrations", stdout=out)
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 2
