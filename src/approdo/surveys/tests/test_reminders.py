import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from approdo.surveys import actions, tasks
from approdo.surveys.models import (
    CampaignInvitation,
    ReminderSent,
    parse_reminder_days,
    validate_reminder_days,
)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _pages_in_english(client, settings):
    """Pages are asserted in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def invited(campaign, prato, coop, prato_member, coop_member):
    """The campaign closes in 5 days, reminders at 7 and 2 days; both organisations invited."""
    campaign.closes_at = timezone.now() + datetime.timedelta(days=5)
    campaign.reminder_days = "7,2"
    campaign.save()
    for organization in (prato, coop):
        CampaignInvitation.objects.create(
            campaign=campaign, organization=organization, sent_at=timezone.now()
        )
    return campaign


def test_reminder_days_are_parsed_and_checked():
    assert parse_reminder_days(" 2, 7,7 ") == [7, 2]
    assert parse_reminder_days("") == []
    for bad in ("seven", "0", "-1", "2;7", "400"):
        with pytest.raises(ValidationError):
            validate_reminder_days(bad)


def test_due_reminder_is_the_nearest_one_passed(invited):
    closes = invited.closes_at
    assert actions.due_reminder_days(invited, closes - datetime.timedelta(days=8)) is None
    assert actions.due_reminder_days(invited, closes - datetime.timedelta(days=5)) == 7
    assert actions.due_reminder_days(invited, closes - datetime.timedelta(days=1)) == 2
    assert actions.due_reminder_days(invited, closes + datetime.timedelta(minutes=1)) is None


def test_running_twice_sends_once_and_skips_those_who_submitted(
    invited, prato, coop_member, django_capture_on_commit_callbacks
):
    actions.submit_response(
        invited, organization=prato, instance_id=uuid.uuid4(), answers={"project": "A"}, by=None
    )

    tasks.send_reminders.enqueue(invited.pk)
    tasks.send_reminders.enqueue(invited.pk)

    assert [m.to for m in mail.outbox] == [[coop_member.email]]
    assert "closes in 7 days" in mail.outbox[0].subject
    assert ReminderSent.objects.get().days_before == 7


def test_a_draft_does_not_count_as_submitted(invited, prato, coop):
    actions.start_response(invited, organization=coop, by=None)
    assert set(actions.send_reminders(invited)) == {prato.pk, coop.pk}


def test_the_next_reminder_goes_out_when_its_day_comes(invited, coop_member, prato_member):
    actions.send_reminders(invited)
    later = invited.closes_at - datetime.timedelta(days=1)
    actions.send_reminders(invited, now=later)
    actions.send_reminders(invited, now=later)

    assert len(mail.outbox) == 4
    assert sorted(ReminderSent.objects.values_list("days_before", flat=True)) == [2, 2, 7, 7]


def test_organisations_not_invited_get_no_reminder(invited, other_coop, other_coop_member):
    invited.kinds = ["aps"]  # in the audience, but never invited
    invited.save()
    actions.send_reminders(invited)
    assert other_coop_member.email not in [m.to[0] for m in mail.outbox]


def test_unpublished_or_closed_campaigns_send_nothing(invited):
    invited.published_at = None
    invited.save()
    assert actions.send_reminders(invited) == []
    invited.published_at = timezone.now()
    invited.opens_at = timezone.now() - datetime.timedelta(days=10)
    invited.closes_at = timezone.now() - datetime.timedelta(days=1)
    invited.save()
    assert actions.send_reminders(invited) == []
    assert mail.outbox == []


def test_command_enqueues_what_is_due_and_is_idempotent(invited):
    call_command("send_survey_reminders")
    call_command("send_survey_reminders")
    assert len(mail.outbox) == 2
    assert ReminderSent.objects.count() == 2


def test_command_skips_campaigns_with_no_reminder_due(invited):
    invited.closes_at = timezone.now() + datetime.timedelta(days=30)
    invited.save()
    call_command("send_survey_reminders")
    assert mail.outbox == []
