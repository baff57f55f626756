"""core.rows reads and writes what the ORM would, on both databases."""

import datetime
import uuid

import pytest
from django.db.models import Model

from approdo.core import rows
from approdo.core.history import record_history
from approdo.core.models import HistoryEntry
from approdo.organizations import permissions
from approdo.surveys.demo import FORM
from approdo.surveys.models import Campaign, QuestionnaireVersion, SurveyResponse


def values(obj: Model, *, skip=()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in type(obj)._meta.concrete_fields
        if f.name not in skip
    }


@pytest.fixture
def campaign(db):
    from django.utils import timezone

    from approdo.surveys import actions

    with FORM.open("rb") as file:
        return actions.import_xlsform(
            file,
            filename=FORM.name,
            campaign_slug="rows",
            title="Rows",
            opens_at=timezone.now() - datetime.timedelta(days=1),
            closes_at=timezone.now() + datetime.timedelta(days=1),
        )


def test_one_reads_what_the_orm_reads(campaign):
    columns = rows.Columns(Campaign, "c"), rows.Columns(QuestionnaireVersion, "v", defer=("xform",))
    found, version = rows.one(
        f"SELECT {columns[0].sql}, {columns[1].sql} FROM {rows.table(Campaign)} c "  # noqa: S608
        f"JOIN {rows.table(QuestionnaireVersion)} v ON v.id = c.version_id WHERE c.slug = %s",
        ["rows"],
        *columns,
    )
    assert values(found) == values(Campaign.objects.get(slug="rows"))
    assert values(version, skip=["xform"]) == values(
        QuestionnaireVersion.objects.get(pk=campaign.version_id), skip=["xform"]
    )
    assert "xform" in version.get_deferred_fields()
    assert not found._state.adding
    nothing = f"SELECT {columns[0].sql} FROM {rows.table(Campaign)} c WHERE c.id = -1"  # noqa: S608
    assert rows.one(nothing, [], columns[0]) is None


def test_insert_writes_what_save_writes(campaign, prato):
    response = SurveyResponse(
        campaign=campaign,
        version=campaign.version,
        organization=prato,
        instance_id=uuid.uuid4(),
        answers={"titolo": "Casa", "numeri": [1, 2.5], "nota": "àè"},
    )
    rows.insert(response)
    assert response.pk and not response._state.adding
    stored = SurveyResponse.objects.get(pk=response.pk)
    assert values(stored) == values(response)
    assert stored.created_at is not None  # auto_now_add applied


def test_history_entries_are_inserted(campaign, prato_member):
    entry = record_history(campaign, by=prato_member, action="edited", changes={"a": [1, 2]})
    stored = HistoryEntry.objects.get(pk=entry.pk)
    assert (stored.target, stored.actor, stored.changes) == (campaign, prato_member, {"a": [1, 2]})


def test_organization_of_member(prato, prato_member, coop):
    roles = {permissions.ORG_MEMBER, permissions.ORG_MANAGER}
    assert permissions.organization_of_member(prato_member, prato.pk, roles) == prato
    assert permissions.organization_of_member(prato_member, coop.pk, roles) is None
    assert permissions.organization_of_member(prato_member, prato.pk, {"coordinator"}) is None
