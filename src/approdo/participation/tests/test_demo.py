"""The participation demo: the seminar of 17 September 2021 as the seed describes it, with
its participants, contributions, reports, guideline and uptake, and an upcoming meeting with
a waiting list; loaded after the demos it uses, and idempotent."""

import pytest
from django.db.models import Count
from django.utils import timezone

from approdo.funding.demo import create_demo_data as create_call
from approdo.organizations.demo import create_demo_data as create_organisations
from approdo.participation import demo
from approdo.participation.models import (
    Contribution,
    Event,
    Guideline,
    GuidingQuestion,
    Registration,
    Statement,
    SynthesisReport,
    Uptake,
)
from approdo.practices.demo import create_demo_data as create_practices

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    models = [Event, Registration, GuidingQuestion, Contribution, Statement, Guideline, Uptake]
    return tuple(model.objects.count() for model in models)


def test_the_demo_makes_the_seminar_and_is_idempotent():
    create_organisations()
    create_practices()
    create_call()

    line = demo.create_demo_data()

    assert "\n" not in line and demo.SEMINAR in line
    seminar = Event.objects.get(slug=demo.SEMINAR)
    assert seminar.title.startswith("Seminario online di approfondimento su immigrazione")
    assert seminar.status == Event.Status.PUBLISHED and seminar.mode == Event.Mode.ONLINE
    assert timezone.localtime(seminar.starts_at).date().isoformat() == "2021-09-17"
    assert seminar.calls.filter(slug="coesione-sociale-2019").exists()
    assert seminar.projects.exists() and seminar.agenda.count() == len(demo.AGENDA)
    tables = list(seminar.tables.order_by("number"))
    assert [t.title for t in tables] == [
        "Governance multilivello e multistakeholder",
        "Coinvolgimento delle comunità, degli utenti e cittadinanza attiva",
        "Metodi e strumenti di monitoraggio, valutazione e reporting",
        "Accessibilità dei servizi: universalismo e specificità",
    ]
    # More than 60 participants, invented and marked, from the demo organisations.
    registered = seminar.registrations.holding_a_place()
    assert registered.filter(attended=True).count() > 60
    assert registered.exclude(attended=True).exists()
    assert not registered.filter(is_demo=False).exists()
    assert not registered.exclude(email__endswith="@example.org").exists()
    assert not registered.filter(organization__isnull=True).exists()
    # Every guiding question has contributions, before and during, some anonymous.
    questions = GuidingQuestion.objects.filter(table__event=seminar)
    assert not questions.annotate(n=Count("contributions")).filter(n=0).exists()
    contributions = Contribution.objects.filter(question__table__event=seminar)
    assert {c.phase for c in contributions} == {"before", "during"}
    assert contributions.filter(anonymous=True).exists()
    assert all(c.tags for c in contributions)
    # Written through the actions: participants before, the demo's organiser during.
    assert not contributions.filter(phase="before", registration__isnull=True).exists()
    during = contributions.filter(phase="during")
    assert not during.exclude(created_by__email=demo.RECORDER).exists()
    cited = contributions.filter(projects__isnull=False).distinct()
    assert cited.exists()
    assert not cited.exclude(projects__call__slug="coesione-sociale-2019").exists()
    # A published report per table, each statement citing contributions of its table.
    reports = SynthesisReport.objects.filter(table__event=seminar)
    assert reports.filter(status=SynthesisReport.Status.PUBLISHED).count() == 4
    assert {r.published_at.year for r in reports} == {2021}
    for statement in Statement.objects.filter(report__in=reports).prefetch_related("citations"):
        assert statement.citations.exists()
        assert {c.question.table_id for c in statement.citations.all()} == {
            statement.report.table_id
        }
    # The guideline from the recommendations, published, with uptake of several statuses.
    guideline = Guideline.objects.get(slug=demo.GUIDELINE)
    assert guideline.status == Guideline.Status.PUBLISHED
    recommendations = Statement.objects.filter(report__in=reports, kind="recommendation")
    items = guideline.sections.values_list("items__source", flat=True)
    assert set(items) == set(recommendations.values_list("pk", flat=True))
    uptakes = Uptake.objects.filter(item__section__guideline=guideline)
    assert uptakes.values("zona").distinct().count() >= 3
    assert len(set(uptakes.values_list("status", flat=True))) >= 3
    # The upcoming meeting: open, full, with a waiting list.
    upcoming = Event.objects.get(slug=demo.UPCOMING)
    assert upcoming.registration_is_open()
    assert upcoming.registrations.holding_a_place().count() == upcoming.capacity
    assert upcoming.registrations.waiting().count() == demo.UPCOMING_WAITING

    before = counts()
    assert demo.create_demo_data() == line
    assert counts() == before


def test_the_demo_people_are_all_different():
    names = demo.people(demo.PARTICIPANTS + demo.UPCOMING_CAPACITY + demo.UPCOMING_WAITING)
    assert len({email for _name, email in names}) == len(names)
