import datetime
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.surveys import actions
from approdo.surveys.expressions import evaluate_form
from approdo.surveys.models import Campaign, QuestionnaireVersion, SurveyResponse
from approdo.surveys.tests.conftest import MINIMAL_FORM, upload

SECOND_VERSION = MINIMAL_FORM.replace(
    "| | text | note_text | Why none? | | ${people} = 0 | |",
    "| | text | note_text | Why none? | | ${people} = 0 | |\n| | text | extra | Extra | | | |",
).replace("{form_id}", "test_form")


def test_import_creates_questionnaire_version_and_campaign(campaign, regione_admin):
    version = campaign.version

    assert campaign.slug == "test-campaign"
    assert campaign.title == "Test campaign"
    assert version.number == 1
    assert version.questionnaire.slug == "test_form"
    assert version.questionnaire.title == "Test questionnaire"
    assert version.question_count == 3
    assert version.source.read().startswith(b"\n| survey |")
    assert "<h:html" in version.xform
    assert HistoryEntry.objects.for_object(campaign).get().action == "created"


def test_second_upload_is_version_two_and_old_responses_keep_version_one(
    campaign, prato, prato_member
):
    old, _ = actions.submit_response(
        campaign,
        organization=prato,
        instance_id=uuid.uuid4(),
        answers={"project": "Casa"},
        by=prato_member,
    )

    updated = actions.import_xlsform(
        upload(SECOND_VERSION.encode()), campaign_slug="test-campaign", title="Renamed"
    )

    old.refresh_from_db()
    assert updated.pk == campaign.pk
    assert updated.version.number == 2
    assert updated.title == "Renamed"
    assert old.version.number == 1
    assert (
        QuestionnaireVersion.objects.filter(questionnaire=campaign.version.questionnaire).count()
        == 2
    )
    entry = HistoryEntry.objects.for_object(updated).first()
    assert entry.action == "version_changed"
    assert entry.changes["version"] == [1, 2]


def test_a_campaign_cannot_switch_to_another_questionnaire(campaign):
    other = MINIMAL_FORM.replace("{form_id}", "another_form").encode()

    with pytest.raises(actions.FormImportError):
        actions.import_xlsform(upload(other), campaign_slug="test-campaign")

    assert QuestionnaireVersion.objects.count() == 1


def test_closing_before_opening_is_refused(db):
    now = timezone.now()

    with pytest.raises(actions.FormImportError):
        actions.import_xlsform(
            upload(MINIMAL_FORM.replace("{form_id}", "f").encode()),
            campaign_slug="c",
            opens_at=now,
            closes_at=now - datetime.timedelta(days=1),
        )

    assert not Campaign.objects.exists()
    assert not QuestionnaireVersion.objects.exists()


def test_submit_stores_cleaned_answers_and_history(campaign, prato, prato_member):
    instance_id = uuid.uuid4()

    response, created = actions.submit_response(
        campaign,
        organization=prato,
        instance_id=instance_id,
        answers={"project": "Casa", "people": 3, "note_text": "not relevant"},
        by=prato_member,
    )

    assert created is True
    assert response.status == SurveyResponse.Status.SUBMITTED
    assert response.submitted_at is not None
    assert response.answers == {"project": "Casa", "people": 3}
    assert response.instance_id == instance_id
    assert response.version == campaign.version
    assert HistoryEntry.objects.for_object(response).get().action == "submitted"


def test_submitting_the_same_instance_twice_makes_one_response(campaign, prato, prato_member):
    instance_id = str(uuid.uuid4())
    answers = {"project": "Casa", "people": 3}

    first, first_created = actions.submit_response(
        campaign, organization=prato, instance_id=instance_id, answers=answers, by=prato_member
    )
    again, again_created = actions.submit_response(
        campaign, organization=prato, instance_id=instance_id, answers=answers, by=prato_member
    )

    assert (first_created, again_created) == (True, False)
    assert again.pk == first.pk
    assert SurveyResponse.objects.count() == 1
    assert HistoryEntry.objects.for_object(first).count() == 1


def test_submission_goes_through_save(campaign, prato, prato_member, monkeypatch):
    """A save() override (and the save signals) see every row a submission writes."""
    saved = []
    for model in (SurveyResponse, HistoryEntry):

        def save(self, *args, _save=model.save, **kwargs):
            saved.append(type(self))
            return _save(self, *args, **kwargs)

        monkeypatch.setattr(model, "save", save)

    actions.submit_response(
        campaign,
        organization=prato,
        instance_id=uuid.uuid4(),
        answers={"project": "Casa"},
        by=prato_member,
    )

    assert saved == [SurveyResponse, HistoryEntry]


def test_answers_are_evaluated_once_when_accepted_and_when_refused(campaign, prato, monkeypatch):
    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return evaluate_form(*args, **kwargs)

    monkeypatch.setattr(actions, "evaluate_form", counting)
    new = {"organization": prato, "by": None}

    actions.submit_response(campaign, instance_id=uuid.uuid4(), answers={"project": "Casa"}, **new)
    assert len(calls) == 1
    with pytest.raises(actions.AnswersInvalid):
        actions.submit_response(campaign, instance_id=uuid.uuid4(), answers={"people": -1}, **new)
    assert len(calls) == 2


def test_each_submission_emails_its_receipt_once(
    campaign, prato, coop, prato_member, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    instance_id = uuid.uuid4()

    with django_capture_on_commit_callbacks(execute=True):
        for _resend in range(2):
            actions.submit_response(
                campaign,
                organization=prato,
                instance_id=instance_id,
                answers={"project": "Casa"},
                by=prato_member,
            )
        actions.submit_response(  # by nobody (an import): no receipt
            campaign,
            organization=coop,
            instance_id=uuid.uuid4(),
            answers={"project": "B"},
            by=None,
        )

    (message,) = mail.outbox
    assert message.to == [prato_member.email]
    assert message.subject.endswith("Receipt: Test campaign")
    assert str(instance_id) in message.body


def test_same_instance_with_different_answers_is_a_conflict(campaign, prato, prato_member):
    instance_id = uuid.uuid4()
    actions.submit_response(
        campaign, organization=prato, instance_id=instance_id, answers={"project": "A"}, by=None
    )

    with pytest.raises(actions.SubmissionConflict):
        actions.submit_response(
            campaign,
            organization=prato,
            instance_id=instance_id,
            answers={"project": "B"},
            by=prato_member,
        )

    assert SurveyResponse.objects.get().answers == {"project": "A"}


def test_same_instance_from_another_organization_is_a_conflict(campaign, prato, coop):
    instance_id = uuid.uuid4()
    actions.submit_response(
        campaign, organization=prato, instance_id=instance_id, answers={"project": "A"}, by=None
    )

    with pytest.raises(actions.SubmissionConflict):
        actions.submit_response(
            campaign, organization=coop, instance_id=instance_id, answers={"project": "A"}, by=None
        )


def test_invalid_answers_carry_one_message_per_field(campaign, prato):
    with pytest.raises(actions.AnswersInvalid) as error:
        actions.submit_response(
            campaign,
            organization=prato,
            instance_id=uuid.uuid4(),
            answers={"people": -4},
            by=None,
        )

    assert error.value.errors == {
        "/data/project": "This field is required.",
        "/data/people": "This answer is not accepted.",
    }
    assert not SurveyResponse.objects.exists()


def test_closed_campaign_refuses_with_the_reason(campaign, prato):
    campaign.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    campaign.opens_at = campaign.closes_at - datetime.timedelta(days=10)
    campaign.save()

    with pytest.raises(actions.CampaignClosed) as error:
        actions.submit_response(
            campaign,
            organization=prato,
            instance_id=uuid.uuid4(),
            answers={"project": "A"},
            by=None,
        )

    assert error.value.messages[0].startswith("The campaign closed on ")
    assert not SurveyResponse.objects.exists()


def test_campaign_not_yet_open_refuses(campaign, prato):
    campaign.opens_at = timezone.now() + datetime.timedelta(days=1)
    campaign.save()

    with pytest.raises(actions.CampaignClosed) as error:
        actions.start_response(campaign, organization=prato, by=None)

    assert error.value.messages[0].startswith("The campaign opens on ")


def test_resending_a_submitted_response_after_closing_is_still_idempotent(campaign, prato):
    instance_id = uuid.uuid4()
    actions.submit_response(
        campaign, organization=prato, instance_id=instance_id, answers={"project": "A"}, by=None
    )
    campaign.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    campaign.opens_at = campaign.closes_at - datetime.timedelta(days=1)
    campaign.save()

    response, created = actions.submit_response(
        campaign, organization=prato, instance_id=instance_id, answers={"project": "A"}, by=None
    )

    assert created is False
    assert response.answers == {"project": "A"}


def test_organization_outside_the_audience_is_refused(campaign, other_coop):
    with pytest.raises(actions.OutsideAudience):
        actions.submit_response(
            campaign,
            organization=other_coop,
            instance_id=uuid.uuid4(),
            answers={"project": "A"},
            by=None,
        )

    assert not SurveyResponse.objects.exists()


def test_audience_by_kind_and_open_to_all(campaign, other_coop):
    assert not campaign.includes(other_coop)
    campaign.kinds = ["aps"]
    assert campaign.includes(other_coop)
    campaign.kinds = []
    campaign.open_to_all = True
    assert campaign.includes(other_coop)


def test_one_response_per_organization_unless_many_are_allowed(campaign, prato):
    actions.submit_response(
        campaign, organization=prato, instance_id=uuid.uuid4(), answers={"project": "A"}, by=None
    )

    with pytest.raises(actions.AlreadyResponded):
        actions.submit_response(
            campaign,
            organization=prato,
            instance_id=uuid.uuid4(),
            answers={"project": "B"},
            by=None,
        )

    campaign.many_responses = True
    campaign.save()
    actions.submit_response(
        campaign, organization=prato, instance_id=uuid.uuid4(), answers={"project": "B"}, by=None
    )
    assert SurveyResponse.objects.filter(organization=prato).count() == 2


def test_draft_is_saved_and_then_submitted_with_its_instance_id(campaign, prato, prato_member):
    draft = actions.start_response(campaign, organization=prato, by=prato_member)
    assert draft.status == SurveyResponse.Status.DRAFT
    assert draft.revision == 1

    draft = actions.save_draft(draft, answers={"project": "Half"}, revision=1, by=prato_member)
    assert draft.revision == 2
    assert draft.answers == {"project": "Half"}

    response, created = actions.submit_response(
        campaign,
        organization=prato,
        instance_id=draft.instance_id,
        answers={"project": "Whole"},
        by=prato_member,
    )

    assert created is False
    assert response.pk == draft.pk
    assert response.status == SurveyResponse.Status.SUBMITTED
    assert response.answers == {"project": "Whole"}
    actions_done = [e.action for e in HistoryEntry.objects.for_object(response).order_by("pk")]
    assert actions_done == ["started", "draft_saved", "submitted"]


def test_stale_revision_is_detected_and_nothing_is_overwritten(campaign, prato, prato_member):
    draft = actions.start_response(campaign, organization=prato, by=prato_member)
    first_tab = SurveyResponse.objects.get(pk=draft.pk)
    second_tab = SurveyResponse.objects.get(pk=draft.pk)
    actions.save_draft(first_tab, answers={"project": "first"}, revision=1, by=prato_member)

    with pytest.raises(actions.StaleRevision) as error:
        actions.save_draft(second_tab, answers={"project": "second"}, revision=1, by=prato_member)

    assert error.value.current == 2
    draft.refresh_from_db()
    assert draft.answers == {"project": "first"}
    assert draft.revision == 2


def test_submitted_response_is_no_longer_a_draft(campaign, prato, prato_member):
    response, _ = actions.submit_response(
        campaign, organization=prato, instance_id=uuid.uuid4(), answers={"project": "A"}, by=None
    )

    with pytest.raises(actions.SurveyError):
        actions.save_draft(response, answers={}, revision=response.revision, by=prato_member)


def test_changes_requested_response_is_resubmitted(campaign, prato, prato_member):
    response, _ = actions.submit_response(
        campaign, organization=prato, instance_id=uuid.uuid4(), answers={"project": "A"}, by=None
    )
    response.move_to(SurveyResponse.Status.CHANGES_REQUESTED)
    response.save()

    again, created = actions.submit_response(
        campaign,
        organization=prato,
        instance_id=response.instance_id,
        answers={"project": "A, fixed"},
        by=prato_member,
    )

    assert created is False
    assert again.status == SurveyResponse.Status.SUBMITTED
    assert again.answers == {"project": "A, fixed"}
