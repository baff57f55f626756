"""Funding in Chromium: a reviewer declares no conflict of interest and scores an application
with the keyboard only; axe finds nothing on the workflow pages of calls, applications,
reviews, ranking and monitoring."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.e2e.conftest import run_axe
from tests.e2e.test_accessibility import sign_in
from tests.e2e.test_survey_respond import tab_to


def no_violations(page, path: str | None = None) -> None:
    if path is not None:
        response = page.goto(path)
        assert response.status < 400, f"{path} answered {response.status}"
    violations = run_axe(page)
    assert violations == [], f"{page.url}: {violations}"


def _world(prato, coop):
    from approdo.funding import actions
    from approdo.funding.models import (
        Call,
        EvaluationCriterion,
        Indicator,
        IndicatorValue,
        Project,
        ReportingDeadline,
    )

    call = Call.objects.create(
        slug="bando-e2e",
        title="Coesione sociale 2019",
        description="Bando di prova.",
        funding_source="Fondi regionali",
        budget=Decimal("100000"),
        opens_at=timezone.now() - datetime.timedelta(days=3),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    criteria = [
        EvaluationCriterion.objects.create(call=call, title="Qualità", max_score=10, weight=2),
        EvaluationCriterion.objects.create(call=call, title="Partenariato", max_score=5),
    ]
    application = Project.objects.create(call=call, code="E2E-1", title="Casa comune", lead=coop)
    funded = Project.objects.create(
        call=call, code="E2E-2", title="Sportello", lead=prato, status="funded"
    )
    actions.update_project(funded, by=None, fields={}, relations={"comuni": [], "zone": []})
    ReportingDeadline.objects.create(
        call=call, title="Semestre", due_date=datetime.date(2020, 1, 31)
    )
    actions.schedule_reports(call)
    indicator = Indicator.objects.create(call=call, code="persone", name="Persone", target=10)
    IndicatorValue.objects.create(
        project=funded,
        indicator=indicator,
        period=datetime.date(2020, 1, 31),
        planned=5,
        achieved=4,
    )
    return call, criteria, application, funded


@pytest.mark.django_db(transaction=True)
def test_reviewer_scores_an_application_by_keyboard(
    page, live_server, client, tuscany, prato, coop, anci_coordinator
):
    from approdo.funding import actions
    from approdo.funding.models import Score
    from approdo.organizations.tests.factories import make_user

    call, criteria, application, _funded = _world(prato, coop)
    reviewer = make_user("esperta@valutazioni.example")
    assignment = actions.assign_reviewer(application, reviewer, by=anci_coordinator)
    sign_in(page, live_server, client, reviewer)
    no_violations(page, "/bandi/valutazioni/")
    no_violations(page, f"/bandi/valutazioni/{assignment.pk}/")

    tab_to(page, "id_coi-declare")
    page.keyboard.press("Space")
    tab_to(page, "declare-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    no_violations(page)

    for criterion, score in zip(criteria, ["8", "4"], strict=True):
        tab_to(page, f"id_score_{criterion.pk}")
        page.keyboard.type(score)
        page.keyboard.press("Tab")
        page.keyboard.type(f"Commento su {criterion.title}")
    tab_to(page, "send-scores")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    assert {s.criterion_id: s.score for s in Score.objects.all()} == {
        criteria[0].pk: Decimal(8),
        criteria[1].pk: Decimal(4),
    }
    assert page.locator("text=Commento su Qualità").count() == 1
    no_violations(page)


@pytest.mark.django_db(transaction=True)
def test_workflow_pages_pass_axe(page, live_server, client, tuscany, prato, coop, anci_coordinator):
    call, _criteria, application, funded = _world(prato, coop)
    no_violations(page, "/bandi/")
    no_violations(page, f"/bandi/{call.slug}/")
    sign_in(page, live_server, client, anci_coordinator)
    for path in [
        "/bandi/",
        "/bandi/nuovo/",
        "/bandi/domande/",
        f"/bandi/{call.slug}/",
        f"/bandi/{call.slug}/modifica/",
        f"/bandi/{call.slug}/domande/",
        f"/bandi/{call.slug}/domande/importa/",
        f"/bandi/{call.slug}/domande/{application.pk}/",
        f"/bandi/{call.slug}/domande/{funded.pk}/",
        f"/bandi/{call.slug}/domande/{funded.pk}/modifica/",
        f"/bandi/{call.slug}/graduatoria/",
        f"/bandi/{call.slug}/monitoraggio/",
        f"/bandi/{call.slug}/monitoraggio/indicatori/carica/",
        f"/bandi/{call.slug}/configurazione/criteri/",
        f"/bandi/{call.slug}/configurazione/documenti/",
        f"/bandi/{call.slug}/configurazione/scadenze/",
        f"/bandi/{call.slug}/configurazione/indicatori/",
    ]:
        no_violations(page, path)
