import datetime
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.surveys import actions
from approdo.surveys.models import InvalidTransition, ResponseComment, SurveyResponse

S = SurveyResponse.Status


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _pages_in_english(client, settings):
    """Pages are asserted in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def submit(campaign, organization, answers=None):
    response, _ = actions.submit_response(
        campaign,
        organization=organization,
        instance_id=uuid.uuid4(),
        answers=answers or {"project": "Casa", "people": 3},
        by=None,
    )
    return response


@pytest.fixture
def submitted(campaign, prato):
    return submit(campaign, prato)


def close(campaign):
    campaign.opens_at = timezone.now() - datetime.timedelta(days=20)
    campaign.closes_at = timezone.now() - datetime.timedelta(days=1)
    campaign.save()


# Scope


def test_only_regional_roles_review_and_never_drafts(
    campaign, submitted, coop, anci_coordinator, regione_admin, analyst, prato_member
):
    actions.start_response(campaign, organization=coop, by=None)
    for user in (anci_coordinator, regione_admin):
        assert list(SurveyResponse.objects.reviewable_by(user)) == [submitted]
    for user in (analyst, prato_member):
        assert not SurveyResponse.objects.reviewable_by(user).exists()


# Transitions (actions)


def test_review_path_to_validation_with_history_and_email(
    campaign, submitted, anci_coordinator, prato_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_review(submitted, by=anci_coordinator)
    assert mail.outbox == []  # taking into review is not notified
    with django_capture_on_commit_callbacks(execute=True):
        actions.validate_response(submitted, by=anci_coordinator)

    submitted.refresh_from_db()
    assert submitted.status == S.VALIDATED
    history = list(HistoryEntry.objects.for_object(submitted).values_list("action", flat=True))
    assert "in_review" in history and "validated" in history
    assert [m.to for m in mail.outbox] == [[prato_member.email]]
    assert "Validated" in mail.outbox[0].subject


def test_changes_requested_then_resubmitted_by_the_organisation(
    campaign, submitted, prato, anci_coordinator, prato_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.request_changes(submitted, by=anci_coordinator, note="Add the people count.")

    submitted.refresh_from_db()
    assert submitted.status == S.CHANGES_REQUESTED
    assert ResponseComment.objects.get(response=submitted).body == "Add the people count."
    assert "Add the people count." in mail.outbox[0].body

    again, created = actions.submit_response(
        campaign,
        organization=prato,
        instance_id=submitted.instance_id,
        answers={"project": "Casa", "people": 5},
        by=prato_member,
    )
    assert not created and again.status == S.SUBMITTED and again.answers["people"] == 5


def test_changes_requested_can_be_resubmitted_after_the_deadline(
    campaign, submitted, prato, anci_coordinator
):
    actions.request_changes(submitted, by=anci_coordinator, note="Fix")
    close(campaign)
    again, _ = actions.submit_response(
        campaign,
        organization=prato,
        instance_id=submitted.instance_id,
        answers={"project": "Fixed"},
        by=None,
    )
    assert again.status == S.SUBMITTED


def test_rejected_and_validated_responses_refuse_further_transitions(submitted, anci_coordinator):
    actions.reject_response(submitted, by=anci_coordinator, note="Out of scope")
    with pytest.raises(InvalidTransition):
        actions.validate_response(submitted, by=anci_coordinator)
    with pytest.raises(InvalidTransition):
        actions.request_changes(submitted, by=anci_coordinator, note="x")
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED


def test_drafts_cannot_be_reviewed(campaign, coop, anci_coordinator):
    draft = actions.start_response(campaign, organization=coop, by=None)
    with pytest.raises(InvalidTransition):
        actions.start_review(draft, by=anci_coordinator)


# Transitions (views)


def test_transition_form_changes_the_status(client, anci_coordinator, submitted):
    client.force_login(anci_coordinator)
    page = client.post(
        reverse("surveys:review-transition", args=[submitted.instance_id]),
        {"action": "start_review"},
    )
    assert page.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.IN_REVIEW


def test_request_changes_without_a_note_is_a_field_error(client, anci_coordinator, submitted):
    client.force_login(anci_coordinator)
    page = client.post(
        reverse("surveys:review-transition", args=[submitted.instance_id]),
        {"action": "request_changes", "note": " "},
    )
    assert page.status_code == 422
    assert page.context["review_form"].errors["note"]
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_refused_transition_is_shown_on_the_form(client, anci_coordinator, submitted):
    actions.validate_response(submitted, by=anci_coordinator)
    client.force_login(anci_coordinator)
    page = client.post(
        reverse("surveys:review-transition", args=[submitted.instance_id]),
        {"action": "reject", "note": "No"},
    )
    assert page.status_code == 422
    assert "cannot go from" in page.context["review_form"].errors["action"][0]


def test_analysts_and_organisations_cannot_review(
    client, analyst, prato_member, zona_officer, submitted
):
    url = reverse("surveys:review-transition", args=[submitted.instance_id])
    for user in (analyst, prato_member, zona_officer):
        client.force_login(user)
        assert client.post(url, {"action": "validate"}).status_code == 403
    assert client.get(url).status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_review_detail_shows_labels_comments_and_history(
    client, anci_coordinator, analyst, prato_member, submitted
):
    actions.request_changes(submitted, by=anci_coordinator, note="Please add a note.")
    url = reverse("surveys:review-detail", args=[submitted.instance_id])
    client.force_login(anci_coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert {"label": "Project", "value": "Casa", "depth": 0} in page.context["answers"]
    assert "Please add a note." in page.text
    assert "Changes requested" in page.text
    client.force_login(analyst)
    read_only = client.get(url)
    assert read_only.status_code == 200
    assert reverse("surveys:review-transition", args=[submitted.instance_id]) not in read_only.text
    client.force_login(prato_member)
    assert client.get(url).status_code == 403


def test_review_detail_hides_drafts(client, anci_coordinator, campaign, coop):
    draft = actions.start_response(campaign, organization=coop, by=None)
    client.force_login(anci_coordinator)
    assert client.get(reverse("surveys:review-detail", args=[draft.instance_id])).status_code == 404


# Queue


def test_queue_is_in_a_stable_order_with_filters_kept_in_the_url(
    client, anci_coordinator, campaign, prato, coop, django_assert_max_num_queries
):
    campaign.many_responses = True
    campaign.save()
    responses = [submit(campaign, prato) for _ in range(3)] + [submit(campaign, coop)]
    moment = timezone.now()
    SurveyResponse.objects.filter(pk__in=[r.pk for r in responses[:2]]).update(submitted_at=moment)
    SurveyResponse.objects.filter(pk=responses[2].pk).update(
        submitted_at=moment - datetime.timedelta(hours=1)
    )
    SurveyResponse.objects.filter(pk=responses[3].pk).update(
        submitted_at=moment + datetime.timedelta(hours=1)
    )
    client.force_login(anci_coordinator)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("surveys:review-queue"))

    assert page.status_code == 200
    order = [r.pk for r in page.context["page"]]
    assert order == [responses[2].pk, responses[0].pk, responses[1].pk, responses[3].pk]
    filtered = client.get(reverse("surveys:review-queue"), {"kind": "comune", "zona": "pratese"})
    assert {r.organization_id for r in filtered.context["page"]} == {prato.pk}
    assert 'value="{}"'.format("kind=comune&amp;zona=pratese") in filtered.text
    assert (
        not client.get(reverse("surveys:review-queue"), {"status": "validated"})
        .context["page"]
        .object_list
    )


def test_queue_paginates_keeping_the_filters(client, anci_coordinator, campaign, prato):
    campaign.many_responses = True
    campaign.save()
    for _ in range(26):
        submit(campaign, prato)
    client.force_login(anci_coordinator)
    page = client.get(reverse("surveys:review-queue"), {"kind": "comune"})
    assert len(page.context["page"]) == 25
    assert "?kind=comune&amp;page=2" in page.text


# Bulk


def test_bulk_reports_which_responses_changed_and_which_were_refused(
    client, anci_coordinator, campaign, prato, coop
):
    first = submit(campaign, prato)
    second = submit(campaign, coop)
    actions.reject_response(second, by=anci_coordinator, note="No")
    client.force_login(anci_coordinator)

    page = client.post(
        reverse("surveys:review-bulk"),
        {"responses": [first.instance_id, second.instance_id], "action": "validate"},
        follow=True,
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.VALIDATED, S.REJECTED)
    texts = [str(m) for m in page.context["messages"]]
    assert any("Changed: Comune di Prato" in t for t in texts)
    assert any("Refused for Cooperativa Sociale Il Ponte" in t for t in texts)


def test_bulk_requires_a_selection_and_regional_roles(client, anci_coordinator, analyst, submitted):
    client.force_login(anci_coordinator)
    client.post(reverse("surveys:review-bulk"), {"action": "validate"})
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    client.force_login(analyst)
    page = client.post(
        reverse("surveys:review-bulk"),
        {"responses": [submitted.instance_id], "action": "validate"},
    )
    assert page.status_code == 403


# Reopening


def test_reopened_response_is_edited_and_sent_after_the_deadline(
    client, anci_coordinator, campaign, submitted, prato, prato_member
):
    close(campaign)
    client.force_login(anci_coordinator)
    until = timezone.localtime() + datetime.timedelta(days=3)

    page = client.post(
        reverse("surveys:response-reopen", args=[submitted.instance_id]),
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "note": "Late data"},
    )

    assert page.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.CHANGES_REQUESTED and submitted.reopened_until
    assert submitted.closed_reason() == ""
    saved = actions.save_draft(
        submitted, answers={"project": "Late"}, revision=submitted.revision, by=prato_member
    )
    again, _ = actions.submit_response(
        campaign,
        organization=prato,
        instance_id=submitted.instance_id,
        answers={"project": "Late"},
        by=prato_member,
    )
    assert saved.answers == {"project": "Late"} and again.status == S.SUBMITTED


def test_a_draft_of_a_closed_campaign_cannot_be_saved_until_reopened(
    campaign, coop, anci_coordinator
):
    draft = actions.start_response(campaign, organization=coop, by=None)
    close(campaign)
    draft.refresh_from_db()
    with pytest.raises(actions.CampaignClosed):
        actions.save_draft(draft, answers={"project": "x"}, revision=draft.revision, by=None)

    actions.reopen_response(
        draft, by=anci_coordinator, until=timezone.now() + datetime.timedelta(days=1)
    )
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert actions.save_draft(draft, answers={"project": "x"}, revision=draft.revision, by=None)


def test_expired_reopening_closes_again(campaign, submitted, anci_coordinator):
    actions.reopen_response(
        submitted, by=anci_coordinator, until=timezone.now() + datetime.timedelta(hours=1)
    )
    close(campaign)
    submitted.refresh_from_db()
    later = timezone.now() + datetime.timedelta(hours=2)
    assert submitted.closed_reason(later).startswith("The campaign closed")


def test_validated_responses_cannot_be_reopened(client, anci_coordinator, submitted):
    actions.validate_response(submitted, by=anci_coordinator)
    client.force_login(anci_coordinator)
    until = timezone.localtime() + datetime.timedelta(days=3)
    page = client.post(
        reverse("surveys:response-reopen", args=[submitted.instance_id]),
        {"until": until.strftime("%Y-%m-%dT%H:%M")},
    )
    assert page.status_code == 422
    submitted.refresh_from_db()
    assert submitted.status == S.VALIDATED and submitted.reopened_until is None


def test_reopen_is_for_regional_roles_only(client, analyst, prato_member, submitted):
    url = reverse("surveys:response-reopen", args=[submitted.instance_id])
    for user in (analyst, prato_member):
        client.force_login(user)
        assert client.post(url, {"until": "2099-01-01T00:00"}).status_code == 403
