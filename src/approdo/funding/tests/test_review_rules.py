"""No dead ends in the evaluation: a closed evaluation is never re-scored, read-only roles are
never reviewers; and the call's statistics and report are reachable from its pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from approdo.funding import actions
from approdo.funding.models import Project, Score

pytestmark = pytest.mark.usefixtures("_pages_in_english")


@pytest.fixture
def assignment(prato_application, reviewer, anci_coordinator, criteria):
    assignment = actions.assign_reviewer(prato_application, reviewer, by=anci_coordinator)
    return actions.declare_no_conflict(assignment, by=reviewer)


def _close(project, status=Project.Status.EVALUATED):
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()


@pytest.mark.parametrize(
    "status", ["evaluated", "funded", "not_funded", "inadmissible", "withdrawn"]
)
def test_a_closed_evaluation_refuses_scores(assignment, reviewer, criteria, status):
    actions.save_scores(
        assignment, by=reviewer, scores={criteria[0].pk: (Decimal(3), "")}, submit=False
    )
    _close(assignment.project, status)
    with pytest.raises(actions.ReviewError, match="closed"):
        actions.save_scores(
            assignment, by=reviewer, scores={criteria[0].pk: (Decimal(9), "")}, submit=False
        )
    assert Score.objects.get().score == 3


def test_a_closed_evaluation_refuses_the_declaration(
    prato_application, reviewer, anci_coordinator, criteria
):
    assignment = actions.assign_reviewer(prato_application, reviewer, by=anci_coordinator)
    _close(prato_application)
    with pytest.raises(actions.ReviewError, match="closed"):
        actions.declare_no_conflict(assignment, by=reviewer)


def test_review_page_of_a_closed_evaluation_shows_no_form_and_refuses_posts(
    client, assignment, reviewer, criteria
):
    actions.save_scores(
        assignment, by=reviewer, scores={criteria[0].pk: (Decimal(3), "draft")}, submit=False
    )
    _close(assignment.project)
    client.force_login(reviewer)
    url = reverse("funding:review-detail", args=[assignment.pk])
    page = client.get(url)
    content = page.content.decode()
    assert page.status_code == 200
    assert "The evaluation of this application is closed" in content
    assert "Send the scores" not in content and "<form" not in content.split("<main")[-1]
    assert "draft" in content  # the draft scores stay readable
    data = {"step": "score", f"score_{criteria[0].pk}": "9", "send": "1"}
    assert client.post(url, data).status_code == 409
    assert Score.objects.get().score == 3
    assert "Evaluation closed" in client.get(reverse("funding:review-list")).content.decode()
    project_page = client.get(assignment.project.get_absolute_url()).content.decode()
    assert "See your review" in project_page and "Review this application" not in project_page


def test_open_evaluation_still_scores(client, assignment, reviewer, criteria):
    client.force_login(reviewer)
    url = reverse("funding:review-detail", args=[assignment.pk])
    assert "Send the scores" in client.get(url).content.decode()
    data = {"step": "score", f"score_{criteria[0].pk}": "7", f"score_{criteria[1].pk}": "4"}
    assert client.post(url, {**data, "save": "1"}).status_code == 302
    assert Score.objects.get(criterion=criteria[0]).score == 7


def test_closed_evaluation_offers_no_reviewer_assignment(
    client, prato_application, anci_coordinator, reviewer
):
    _close(prato_application, Project.Status.FUNDED)
    client.force_login(anci_coordinator)
    page = client.get(prato_application.get_absolute_url()).content.decode()
    assign = reverse("funding:project-assign", args=["test-call", prato_application.pk])
    assert assign not in page
    client.post(assign, {"email": reviewer.email})
    assert not prato_application.review_assignments.exists()
    with pytest.raises(actions.ReviewError):
        actions.assign_reviewer(prato_application, reviewer, by=anci_coordinator)


def test_read_only_roles_cannot_be_assigned_as_reviewers(
    client, prato_application, anci_coordinator, analyst, zona_officer, reviewer
):
    from approdo.funding.forms import AssignReviewerForm

    client.force_login(anci_coordinator)
    url = reverse("funding:project-assign", args=["test-call", prato_application.pk])
    for person in (analyst, zona_officer):
        form = AssignReviewerForm({"email": person.email})
        assert not form.is_valid() and "read-only role" in form.errors["email"][0]
        answer = client.post(url, {"email": person.email}, follow=True)
        assert "read-only role" in answer.content.decode()
        with pytest.raises(actions.ReviewError, match="read-only"):
            actions.assign_reviewer(prato_application, person, by=anci_coordinator)
    assert not prato_application.review_assignments.exists()
    # An external expert (no role) and a coordinator may review.
    assert AssignReviewerForm({"email": reviewer.email}).is_valid()
    assert AssignReviewerForm({"email": anci_coordinator.email}).is_valid()
    client.post(url, {"email": reviewer.email})
    assert prato_application.review_assignments.get().reviewer == reviewer


# Statistics and report reachable from the call's pages


def test_public_call_page_links_statistics_and_report_when_they_are_public(client, call):
    statistics = reverse("funding:statistics", args=[call.slug])
    report = reverse("funding:report", args=[call.slug])
    page = client.get(call.get_absolute_url()).content.decode()
    assert statistics not in page and report not in page
    call.statistics_public = True
    call.save()
    page = client.get(call.get_absolute_url()).content.decode()
    assert f'href="{statistics}"' in page and f'href="{report}"' in page
    assert client.get(statistics).status_code == 200


def test_staff_call_tabs_link_statistics_and_report(client, call, analyst):
    client.force_login(analyst)
    for name in ("funding:call-detail", "funding:call-applications", "funding:ranking"):
        page = client.get(reverse(name, args=[call.slug])).content.decode()
        nav = page.split('class="call-nav')[1].split("</nav>")[0]
        assert reverse("funding:statistics", args=[call.slug]) in nav
        assert reverse("funding:report", args=[call.slug]) in nav
