"""The export screen of a campaign: choose format, codes or labels and language, start a
background export, follow the jobs and download the files; and what invitations say."""

import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from approdo.reports.models import Export
from approdo.surveys import actions
from approdo.surveys.tests.conftest import md_form, upload

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WORKER = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
LABELLED_FORM = md_form(
    "| | type | name | label::Italiano (it) | label::English (en) |\n"
    "| | select_one yn | ok | Va bene? | All right? |",
    choices="| | list_name | name | label::Italiano (it) | label::English (en) |\n"
    "| | yn | si | Sì | Yes |\n| | yn | no | No | No |",
    form_id="labelled",
)


@pytest.fixture(autouse=True)
def _pages_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def labelled(db, prato, settings):
    settings.TASKS = IMMEDIATE
    campaign = actions.import_xlsform(
        upload(LABELLED_FORM), campaign_slug="labelled", title="Labelled"
    )
    campaign.organizations.add(prato)
    actions.submit_response(
        campaign, organization=prato, instance_id=uuid.uuid4(), answers={"ok": "si"}, by=None
    )
    return campaign


def _url(campaign) -> str:
    return reverse("surveys:campaign-exports", args=[campaign.slug])


def test_dashboard_and_campaign_page_link_to_the_export_screen(client, anci_coordinator, labelled):
    client.force_login(anci_coordinator)
    for name in ("surveys:campaign-dashboard", "surveys:campaign-detail"):
        page = client.get(reverse(name, args=[labelled.slug])).content.decode()
        assert f'href="{_url(labelled)}"' in page


def test_screen_offers_formats_label_choice_and_the_form_languages(
    client, anci_coordinator, labelled
):
    client.force_login(anci_coordinator)
    page = client.get(_url(labelled))
    assert page.status_code == 200
    form = page.context["form"]
    assert [value for value, _label in form.fields["fmt"].choices] == ["csv", "xlsx", "ods"]
    assert [value for value, _label in form.fields["labels"].choices] == ["codes", "labels"]
    assert [v for v, _label in form.fields["language"].choices] == [
        "",
        "English (en)",
        "Italiano (it)",
    ]
    assert "No exports of this campaign yet." in page.content.decode()


def test_coordinator_exports_labels_in_a_language_and_downloads_the_file(
    client, anci_coordinator, labelled, django_capture_on_commit_callbacks
):
    client.force_login(anci_coordinator)
    data = {"fmt": "csv", "labels": "labels", "language": "English (en)"}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(_url(labelled), data)
    assert answer.status_code == 302 and answer["Location"] == _url(labelled)
    export = Export.objects.get()
    assert export.dataset == "survey_responses" and export.fmt == "csv"
    assert export.params["campaign"] == "labelled"
    assert (export.params["labels"], export.params["language"]) == ("labels", "English (en)")
    assert export.status == Export.Status.DONE and export.row_count == 1
    page = client.get(_url(labelled)).content.decode()
    download = reverse("reports:export-download", args=[export.pk])
    assert f'href="{download}"' in page and "Ready: 1 row" in page
    assert 'hx-trigger="every 3s"' not in page  # nothing left to wait for
    content = b"".join(client.get(download).streaming_content).decode("utf-8-sig")
    assert "All right?" in content and "Yes" in content and "Sì" not in content


def test_queued_export_says_so_and_the_list_polls_until_done(
    client, anci_coordinator, labelled, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = WORKER
    client.force_login(anci_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(_url(labelled), {"fmt": "xlsx", "labels": "codes"}, follow=True)
    text = " ".join(str(m) for m in get_messages(answer.wsgi_request)) + answer.content.decode()
    assert "background worker" in text
    assert Export.objects.get().status == Export.Status.QUEUED
    page = client.get(_url(labelled)).content.decode()
    assert 'hx-trigger="every 3s"' in page and "Queued" in page
    fragment = client.get(_url(labelled), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="export-jobs"')
    assert "<h1>" not in fragment.content.decode()


def test_bad_choice_is_refused_with_the_form(client, anci_coordinator, labelled):
    client.force_login(anci_coordinator)
    answer = client.post(_url(labelled), {"fmt": "pdf", "labels": "codes"})
    assert answer.status_code == 422
    assert not Export.objects.exists()


def test_analyst_exports_and_sees_only_this_campaigns_jobs_they_may_see(
    client, analyst, anci_coordinator, labelled, campaign, django_capture_on_commit_callbacks
):
    Export.objects.create(
        requested_by=anci_coordinator,
        dataset="survey_responses",
        fmt="csv",
        params={"campaign": "labelled"},
    )
    Export.objects.create(
        requested_by=analyst,
        dataset="survey_responses",
        fmt="csv",
        params={"campaign": campaign.slug},
    )
    client.force_login(analyst)
    assert client.get(_url(labelled)).context["exports"] == []
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_url(labelled), {"fmt": "ods", "labels": "codes"}).status_code == 302
    shown = client.get(_url(labelled)).context["exports"]
    assert [(e.requested_by, e.fmt) for e in shown] == [(analyst, "ods")]


def test_organisation_members_get_403(client, prato_member, labelled):
    client.force_login(prato_member)
    assert client.get(_url(labelled)).status_code == 403
    assert client.post(_url(labelled), {"fmt": "csv", "labels": "codes"}).status_code == 403
    assert not Export.objects.exists()


def test_unknown_campaign_is_404_and_other_methods_405(client, anci_coordinator, labelled):
    client.force_login(anci_coordinator)
    assert client.get(reverse("surveys:campaign-exports", args=["nessuna"])).status_code == 404
    assert client.put(_url(labelled)).status_code == 405


def test_job_list_query_count(client, anci_coordinator, labelled, django_assert_max_num_queries):
    for fmt in ["csv", "xlsx", "ods"] * 5:
        Export.objects.create(
            requested_by=anci_coordinator,
            dataset="survey_responses",
            fmt=fmt,
            params={"campaign": "labelled"},
        )
    client.force_login(anci_coordinator)
    with django_assert_max_num_queries(10):
        assert client.get(_url(labelled)).status_code == 200


# What the invitation message says about the e-mails


def _invite_message(client, campaign, capture) -> str:
    with capture(execute=True):
        answer = client.post(reverse("surveys:campaign-invite", args=[campaign.slug]), follow=True)
    return " ".join(str(message) for message in get_messages(answer.wsgi_request)) or (
        answer.content.decode()
    )


def test_invitations_say_they_were_sent_when_tasks_run_at_once(
    client, anci_coordinator, campaign, prato_member, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    client.force_login(anci_coordinator)
    text = _invite_message(client, campaign, django_capture_on_commit_callbacks)
    assert "Invitation e-mails sent to 2 organisations." in text
    text = _invite_message(client, campaign, django_capture_on_commit_callbacks)
    assert "already invited: no e-mail was sent" in text


def test_invitations_say_they_are_queued_for_the_worker(
    client, anci_coordinator, campaign, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    settings.TASKS = WORKER
    client.force_login(anci_coordinator)
    text = _invite_message(client, campaign, django_capture_on_commit_callbacks)
    assert "Invitations to 2 organisations queued: the background worker sends" in text
    assert mail.outbox == []
