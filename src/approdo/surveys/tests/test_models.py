import datetime
import uuid

import pytest
from django.utils import timezone

from approdo.surveys import actions
from approdo.surveys.models import InvalidTransition, SurveyResponse

Status = SurveyResponse.Status


@pytest.fixture
def responses(campaign, prato, coop):
    """A submitted response from Prato and a draft from the cooperative."""
    campaign.many_responses = True
    campaign.save()
    submitted, _ = actions.submit_response(
        campaign, organization=prato, instance_id=uuid.uuid4(), answers={"project": "P"}, by=None
    )
    prato_draft = actions.start_response(campaign, organization=prato, by=None)
    coop_draft = actions.start_response(campaign, organization=coop, by=None)
    return {"submitted": submitted, "prato_draft": prato_draft, "coop_draft": coop_draft}


def visible(user) -> set[int]:
    return set(SurveyResponse.objects.visible_to(user).values_list("pk", flat=True))


def test_regional_roles_and_analysts_see_every_sent_response_never_drafts(
    responses, regione_admin, anci_coordinator, analyst
):
    sent = {responses["submitted"].pk}

    assert visible(regione_admin) == sent
    assert visible(anci_coordinator) == sent
    assert visible(analyst) == sent


def test_members_see_their_organization_responses_drafts_included(
    responses, prato_member, coop_member
):
    assert visible(prato_member) == {responses["submitted"].pk, responses["prato_draft"].pk}
    assert visible(coop_member) == {responses["coop_draft"].pk}


def test_another_organization_never_sees_drafts_or_responses(responses, other_coop_member):
    assert visible(other_coop_member) == set()


def test_territory_viewer_sees_submitted_responses_of_organizations_in_the_zona(
    responses, zona_officer
):
    # Prato is seated in the zona pratese; the cooperative has no seat. Drafts stay private.
    assert visible(zona_officer) == {responses["submitted"].pk}


def test_anonymous_sees_nothing(responses):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_editable_by_members_only_while_draft_or_changes_requested(
    responses, prato_member, coop_member, regione_admin, other_coop_member
):
    def editable(user):
        return set(SurveyResponse.objects.editable_by(user).values_list("pk", flat=True))

    assert editable(prato_member) == {responses["prato_draft"].pk}
    assert editable(coop_member) == {responses["coop_draft"].pk}
    assert editable(other_coop_member) == set()
    assert editable(regione_admin) == set()
    submitted = responses["submitted"]
    submitted.move_to(Status.CHANGES_REQUESTED)
    submitted.save()
    assert submitted.pk in editable(prato_member)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.IN_REVIEW),
        (Status.SUBMITTED, Status.VALIDATED),
        (Status.SUBMITTED, Status.CHANGES_REQUESTED),
        (Status.SUBMITTED, Status.REJECTED),
        (Status.IN_REVIEW, Status.VALIDATED),
        (Status.IN_REVIEW, Status.CHANGES_REQUESTED),
        (Status.IN_REVIEW, Status.REJECTED),
        (Status.CHANGES_REQUESTED, Status.SUBMITTED),
    ],
)
def test_allowed_transitions(start, end):
    response = SurveyResponse(status=start)

    response.move_to(end)

    assert response.status == end


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (Status.DRAFT, Status.VALIDATED),
        (Status.DRAFT, Status.IN_REVIEW),
        (Status.VALIDATED, Status.SUBMITTED),
        (Status.REJECTED, Status.SUBMITTED),
        (Status.IN_REVIEW, Status.SUBMITTED),
        (Status.CHANGES_REQUESTED, Status.VALIDATED),
        (Status.SUBMITTED, Status.DRAFT),
    ],
)
def test_forbidden_transitions_raise(start, end):
    response = SurveyResponse(status=start)

    with pytest.raises(InvalidTransition):
        response.move_to(end)

    assert response.status == start


def test_moving_to_submitted_stamps_the_time():
    response = SurveyResponse(status=Status.DRAFT)
    moment = timezone.now()

    response.move_to(Status.SUBMITTED, now=moment)

    assert response.submitted_at == moment


def test_campaign_is_open_between_its_times(campaign):
    now = timezone.now()

    assert campaign.is_open(now)
    assert not campaign.is_open(campaign.opens_at - datetime.timedelta(seconds=1))
    assert not campaign.is_open(campaign.closes_at)
    assert type(campaign).objects.open_at(now).filter(pk=campaign.pk).exists()
    assert not type(campaign).objects.open_at(campaign.closes_at).exists()
