import datetime
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from approdo.core.models import HistoryEntry
from approdo.surveys import actions
from approdo.surveys.models import (
    Campaign,
    CampaignInvitation,
    Questionnaire,
    ResponseComment,
    SurveyResponse,
)
from approdo.surveys.tests.conftest import MINIMAL_FORM, md_form

GOOD_FORM = MINIMAL_FORM.replace("{form_id}", "new_form").encode()
BAD_FORM = md_form(
    "| | type | name | label |\n| | text | ok | OK |\n| | barcode | code | Code |",
    form_id="bad_form",
)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _pages_in_english(client, settings):
    """Pages are asserted in their English source text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def create_data(**extra) -> dict:
    data = {
        "xlsform": SimpleUploadedFile("form.md", GOOD_FORM),
        "slug": "new-campaign",
        "title": "New campaign",
        "description": "About projects",
        "opens_at": "2026-01-10T09:00",
        "closes_at": f"{timezone.localdate().year + 1}-11-30T23:59",  # always ahead
        "kinds": ["comune"],
        "reminder_days": "7,2",
    }
    data.update(extra)
    return data


def submit(campaign, organization):
    response, _ = actions.submit_response(
        campaign,
        organization=organization,
        instance_id=uuid.uuid4(),
        answers={"project": "Casa"},
        by=None,
    )
    return response


# Campaign list


def test_coordinator_sees_every_campaign_with_counts_by_status(
    client, anci_coordinator, campaign, prato, django_assert_max_num_queries
):
    submit(campaign, prato)
    client.force_login(anci_coordinator)

    with django_assert_max_num_queries(8):
        page = client.get(reverse("surveys:campaign-list"))

    assert page.status_code == 200
    rows = dict(page.context["rows"])
    assert rows[campaign][SurveyResponse.Status.values.index("submitted")] == 1
    assert "Test campaign" in page.text and "Open" in page.text


def test_analyst_reads_the_list_without_the_create_button(client, analyst, campaign):
    client.force_login(analyst)
    page = client.get(reverse("surveys:campaign-list"))
    assert page.status_code == 200
    assert reverse("surveys:campaign-create") not in page.text


def test_organisations_get_403_on_management_pages(client, prato_member, campaign):
    client.force_login(prato_member)
    for url in (
        reverse("surveys:campaign-list"),
        reverse("surveys:campaign-detail", args=[campaign.slug]),
        reverse("surveys:campaign-dashboard", args=[campaign.slug]),
        reverse("surveys:review-queue"),
    ):
        assert client.get(url).status_code == 403


def test_campaign_list_refuses_post(client, anci_coordinator):
    client.force_login(anci_coordinator)
    assert client.post(reverse("surveys:campaign-list")).status_code == 405


# Creation, preview and publication


def test_coordinator_creates_an_unpublished_campaign_from_an_xlsform(client, anci_coordinator):
    client.force_login(anci_coordinator)

    page = client.post(reverse("surveys:campaign-create"), create_data())

    campaign = Campaign.objects.get(slug="new-campaign")
    assert page.status_code == 302
    assert page["Location"] == reverse("surveys:campaign-detail", args=["new-campaign"])
    assert campaign.published_at is None
    assert campaign.description == "About projects"
    assert campaign.kinds == ["comune"]
    local_close = timezone.localtime(campaign.closes_at)
    assert (local_close.hour, local_close.minute) == (23, 59)  # Europe/Rome
    assert not Campaign.objects.published().filter(pk=campaign.pk).exists()


def test_unpublished_campaign_is_previewed_and_refuses_answers(
    client, anci_coordinator, prato, prato_member
):
    client.force_login(anci_coordinator)
    client.post(reverse("surveys:campaign-create"), create_data(opens_at="2020-01-01T00:00"))
    campaign = Campaign.objects.get(slug="new-campaign")

    preview = client.get(reverse("surveys:campaign-detail", args=[campaign.slug]))

    assert "not published" in preview.text
    assert "Project" in preview.text and "/data/people" in preview.text
    assert not Campaign.objects.open_at().filter(pk=campaign.pk).exists()
    with pytest.raises(actions.CampaignClosed, match="not published"):
        actions.start_response(campaign, organization=prato, by=prato_member)


def test_publishing_makes_the_campaign_visible(client, anci_coordinator, prato, prato_member):
    client.force_login(anci_coordinator)
    client.post(reverse("surveys:campaign-create"), create_data(opens_at="2020-01-01T00:00"))
    campaign = Campaign.objects.get(slug="new-campaign")

    page = client.post(reverse("surveys:campaign-publish", args=[campaign.slug]))

    campaign.refresh_from_db()
    assert page.status_code == 302
    assert campaign.published_at is not None
    assert Campaign.objects.open_at().filter(pk=campaign.pk).exists()
    assert actions.start_response(campaign, organization=prato, by=prato_member).pk
    actions_done = HistoryEntry.objects.for_object(campaign).values_list("action", flat=True)
    assert "published" in actions_done


def test_publish_refuses_get(client, anci_coordinator, campaign):
    client.force_login(anci_coordinator)
    assert client.get(reverse("surveys:campaign-publish", args=[campaign.slug])).status_code == 405


def test_xlsform_errors_are_shown_with_sheet_and_row_and_nothing_is_created(
    client, anci_coordinator
):
    client.force_login(anci_coordinator)

    page = client.post(
        reverse("surveys:campaign-create"),
        create_data(xlsform=SimpleUploadedFile("bad.md", BAD_FORM)),
    )

    assert page.status_code == 200
    errors = " ".join(page.context["form"].errors["xlsform"])
    assert "barcode" in errors
    assert "row" in errors and "survey" in errors
    assert not Campaign.objects.exists()
    assert not Questionnaire.objects.exists()


def test_oversized_upload_is_refused(client, anci_coordinator, settings):
    settings.APPRODO_XLSFORM_MAX_BYTES = 100
    client.force_login(anci_coordinator)

    page = client.post(reverse("surveys:campaign-create"), create_data())

    assert "larger than" in " ".join(page.context["form"].errors["xlsform"])
    assert not Campaign.objects.exists()


def test_reserved_or_taken_codes_are_refused(client, anci_coordinator, campaign):
    client.force_login(anci_coordinator)
    for slug in ("nuova", campaign.slug):
        page = client.post(reverse("surveys:campaign-create"), create_data(slug=slug))
        assert page.context["form"].errors["slug"]
    assert Campaign.objects.count() == 1


def test_analyst_cannot_create_or_publish(client, analyst, campaign):
    client.force_login(analyst)
    assert client.get(reverse("surveys:campaign-create")).status_code == 403
    assert client.post(reverse("surveys:campaign-create"), create_data()).status_code == 403
    assert client.post(reverse("surveys:campaign-publish", args=[campaign.slug])).status_code == 403


# Editing, deadline, versions


def test_extending_the_deadline_is_recorded_in_the_history(client, anci_coordinator, campaign):
    client.force_login(anci_coordinator)
    new_close = timezone.localtime(campaign.closes_at + datetime.timedelta(days=10))

    page = client.post(
        reverse("surveys:campaign-edit", args=[campaign.slug]),
        {
            "title": "Renamed",
            "opens_at": timezone.localtime(campaign.opens_at).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": new_close.strftime("%Y-%m-%dT%H:%M"),
            "organizations": [o.pk for o in campaign.organizations.all()],
            "reminder_days": "3",
        },
    )

    assert page.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Renamed"
    assert timezone.localtime(campaign.closes_at).date() == new_close.date()
    entry = HistoryEntry.objects.for_object(campaign).first()
    assert entry.action == "deadline_extended"
    assert {"title", "closes_at", "reminder_days"} <= entry.changes.keys()


def test_edit_refuses_a_deadline_before_the_opening(client, anci_coordinator, campaign):
    client.force_login(anci_coordinator)
    page = client.post(
        reverse("surveys:campaign-edit", args=[campaign.slug]),
        {"title": "X", "opens_at": "2026-05-01T00:00", "closes_at": "2026-04-01T00:00"},
    )
    assert page.status_code == 200
    assert page.context["form"].errors["closes_at"]


def test_analyst_cannot_edit(client, analyst, campaign):
    client.force_login(analyst)
    assert client.post(reverse("surveys:campaign-edit", args=[campaign.slug])).status_code == 403


def test_a_new_version_is_uploaded_and_bad_files_are_refused(client, anci_coordinator, campaign):
    client.force_login(anci_coordinator)
    url = reverse("surveys:campaign-version-upload", args=[campaign.slug])
    changed = MINIMAL_FORM.replace("{form_id}", "test_form").replace("People", "Persons")

    bad = client.post(url, {"xlsform": SimpleUploadedFile("bad.md", BAD_FORM)})
    assert bad.status_code == 200 and bad.context["form"].errors["xlsform"]
    good = client.post(url, {"xlsform": SimpleUploadedFile("v2.md", changed.encode())})

    assert good.status_code == 302
    campaign.refresh_from_db()
    assert campaign.version.number == 2


# Audience


def test_audience_by_kind_and_territory(campaign, prato, coop, other_coop):
    from approdo.territory.models import Zona

    campaign.organizations.clear()
    campaign.kinds = ["comune", "aps"]
    campaign.save()
    assert set(campaign.audience()) == {prato, other_coop}

    campaign.zone.set([Zona.objects.get(slug="pratese")])
    assert set(campaign.audience()) == {prato}  # the association has no seat in the zona
    assert campaign.includes(prato)
    assert not campaign.includes(other_coop)

    campaign.open_to_all = True
    assert campaign.includes(coop)


# Invitations


def test_invitations_are_sent_once_per_organisation_unless_resent(
    client,
    anci_coordinator,
    campaign,
    prato_member,
    coop_member,
    django_capture_on_commit_callbacks,
):
    client.force_login(anci_coordinator)
    url = reverse("surveys:campaign-invite", args=[campaign.slug])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([prato_member.email, coop_member.email])
    assert "/questionari/" in mail.outbox[0].body
    assert CampaignInvitation.objects.filter(campaign=campaign).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(mail.outbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"resend": "on"})
    assert len(mail.outbox) == 4
    assert set(CampaignInvitation.objects.values_list("sent_count", flat=True)) == {2}


def test_unpublished_campaigns_send_no_invitations(client, anci_coordinator, campaign):
    campaign.published_at = None
    campaign.save()
    client.force_login(anci_coordinator)
    client.post(reverse("surveys:campaign-invite", args=[campaign.slug]))
    assert not CampaignInvitation.objects.exists()
    assert mail.outbox == []


def test_analyst_cannot_invite(client, analyst, campaign):
    client.force_login(analyst)
    assert client.post(reverse("surveys:campaign-invite", args=[campaign.slug])).status_code == 403


# Dashboard


def test_dashboard_figures(client, analyst, campaign, prato, coop):
    submit(campaign, prato)
    actions.start_response(campaign, organization=coop, by=None)  # a draft does not count
    client.force_login(analyst)

    page = client.get(reverse("surveys:campaign-dashboard", args=[campaign.slug]))

    figures = page.context["figures"]
    assert figures["invited"] == 2 and figures["responded"] == 1
    assert figures["rate"] == 50
    assert dict((s, n) for s, _label, n in figures["statuses"])["draft"] == 1
    pratese = next(row for row in figures["zone"] if row["slug"] == "pratese")
    assert (pratese["invited"], pratese["responded"], pratese["rate"]) == (1, 1, 100)
    unplaced = next(row for row in figures["zone"] if row["slug"] == "")
    assert (unplaced["invited"], unplaced["responded"]) == (1, 0)
    assert [count for _day, count in figures["per_day"]] == [1]
    assert 'role="img"' in page.text and "<caption>" in page.text
    assert "(50.0%)" in page.text


def test_dashboard_counts_invited_organisations_once_invited(campaign, prato, anci_coordinator):
    from approdo.surveys.models import campaign_figures

    CampaignInvitation.objects.create(campaign=campaign, organization=prato, sent_at=timezone.now())
    submit(campaign, prato)
    figures = campaign_figures(campaign)
    assert figures["base_is_invited"] and figures["invited"] == 1 and figures["rate"] == 100


# Comments


def test_organisation_member_comments_on_its_own_response(client, prato_member, campaign, prato):
    response = submit(campaign, prato)
    client.force_login(prato_member)

    page = client.post(
        reverse("surveys:response-comment", args=[response.instance_id]), {"body": "Done."}
    )

    assert page.status_code == 302
    comment = ResponseComment.objects.get(response=response)
    assert (comment.author, comment.from_reviewer, comment.body) == (prato_member, False, "Done.")


def test_reviewer_comment_is_marked_and_goes_back_to_the_review_page(
    client, anci_coordinator, campaign, prato
):
    response = submit(campaign, prato)
    client.force_login(anci_coordinator)
    page = client.post(
        reverse("surveys:response-comment", args=[response.instance_id]), {"body": "Check."}
    )
    assert page["Location"] == reverse("surveys:review-detail", args=[response.instance_id])
    assert ResponseComment.objects.get().from_reviewer


def test_other_organisations_cannot_comment(
    client, other_coop_member, zona_officer, analyst, campaign, prato
):
    response = submit(campaign, prato)
    url = reverse("surveys:response-comment", args=[response.instance_id])
    for user, status in ((other_coop_member, 404), (zona_officer, 403), (analyst, 403)):
        client.force_login(user)
        assert client.post(url, {"body": "x"}).status_code == status
    assert not ResponseComment.objects.exists()
    assert client.get(url).status_code == 405


def test_comments_are_immutable(campaign, prato, prato_member):
    response = submit(campaign, prato)
    comment = actions.add_comment(response, by=prato_member, body="First", from_reviewer=False)
    comment.body = "Changed"
    with pytest.raises(ValueError):
        comment.save()
    with pytest.raises(ValueError):
        comment.delete()
    assert ResponseComment.objects.get().body == "First"


def test_dashboard_map_colours_zone_by_response_rate(client, analyst, campaign, prato):
    from approdo.territory.models import Zona

    square = {
        "type": "Polygon",
        "coordinates": [[[11, 43.8], [11.2, 43.8], [11.2, 44], [11, 43.8]]],
    }
    Zona.objects.filter(slug="pratese").update(geometry=square)
    submit(campaign, prato)
    client.force_login(analyst)

    page = client.get(reverse("surveys:campaign-dashboard", args=[campaign.slug]))
    data = client.get(reverse("surveys:campaign-dashboard-geojson", args=[campaign.slug])).json()

    assert page.context["has_map"] and "data-rate-geojson-url" in page.text
    [feature] = data["features"]
    assert feature["properties"]["rate"] == 100
    assert feature["properties"]["label"] == "Pratese: 1 of 1 responded (100.0%)"
    assert feature["geometry"] == square


def test_reviewers_cannot_comment_on_drafts(client, anci_coordinator, campaign, coop):
    draft = actions.start_response(campaign, organization=coop, by=None)
    client.force_login(anci_coordinator)
    url = reverse("surveys:response-comment", args=[draft.instance_id])
    assert client.post(url, {"body": "x"}).status_code == 404
    assert not ResponseComment.objects.exists()


def test_campaign_history_shows_the_publication_first(client, anci_coordinator, campaign):
    campaign.published_at = None
    campaign.save()
    actions.publish_campaign(campaign, by=anci_coordinator)
    client.force_login(anci_coordinator)
    page = client.get(reverse("surveys:campaign-detail", args=[campaign.slug]))
    assert [entry.action for entry in page.context["history"]][:1] == ["published"]


def test_dashboard_numbers_follow_the_language(client, analyst, campaign, prato, settings):
    submit(campaign, prato)
    client.force_login(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    page = client.get(reverse("surveys:campaign-dashboard", args=[campaign.slug]))
    assert "50,0" in page.text and "50.0" not in page.text
