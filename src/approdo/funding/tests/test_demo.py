from decimal import Decimal

from django.db.models import Sum

from approdo.funding.demo import create_demo_data, granted_share
from approdo.funding.models import Call, IndicatorValue, MonitoringReport, Project
from approdo.funding.statistics import call_statistics
from approdo.organizations.demo import create_demo_data as create_organizations


def test_demo_reproduces_the_published_figures_and_is_idempotent(db):
    create_organizations()
    assert create_demo_data() == "call coesione-sociale-2019: 47 applications, 40 funded"
    call = Call.objects.get(slug="coesione-sociale-2019")
    funded = call.projects.funded()
    counts = {
        code: funded.filter(actions=code).count()
        for code in [
            "orientamento_servizi",
            "supporto_abitare",
            "coesione_sociale",
            "pronto_intervento",
            "consulenza_legale",
        ]
    }
    assert counts == {
        "orientamento_servizi": 37,
        "supporto_abitare": 36,
        "coesione_sociale": 35,
        "pronto_intervento": 33,
        "consulenza_legale": 32,
    }
    sectors = [p.lead.sector for p in funded.select_related("lead")]
    assert sectors.count("public") == 18 and sectors.count("third_sector") == 22
    assert funded.filter(targets__parent="marginalita").distinct().count() == 26
    assert funded.filter(targets="diniego_protezione").count() == 32
    # every funded project's zone include those of its comuni
    for project in funded.prefetch_related("comuni__zona_links", "zone"):
        zone = {z.pk for z in project.zone.all()}
        assert project.comuni.exists() and zone
    assert any(r.late for r in MonitoringReport.objects.select_related("deadline"))
    before = (Project.objects.count(), IndicatorValue.objects.count())
    create_demo_data()
    assert (Project.objects.count(), IndicatorValue.objects.count()) == before


def test_demo_grants_no_more_than_the_budget_and_no_project_of_2019_is_still_ongoing(db):
    create_organizations()
    create_demo_data()
    call = Call.objects.get(slug="coesione-sociale-2019")
    granted = call.projects.funded().aggregate(total=Sum("granted_amount"))["total"]
    assert 0 < granted <= call.budget
    assert all(
        p.granted_amount <= p.requested_amount for p in call.projects.funded() if p.granted_amount
    )
    assert not call.projects.filter(progress=Project.Progress.ONGOING).exists()
    assert {p.progress_on() for p in call.projects.funded()} == {Project.Progress.COMPLETED}


def test_demo_statistics_publish_the_zone_with_enough_projects(db):
    """The public statistics of the demo call show the zone with five projects or more and
    hide only the smaller ones: the map is not blank."""
    create_organizations()
    create_demo_data()
    call = Call.objects.get(slug="coesione-sociale-2019")
    stats = call_statistics(call, public=True)
    exact = {z["code"]: z["projects"] for z in call_statistics(call, public=False)["zones"]}
    shown = {z["code"]: z["projects"] for z in stats["zones"]}
    assert shown == {code: (n if n >= 5 else None) for code, n in exact.items()}
    assert sum(1 for n in shown.values() if n is not None) >= 10


def test_granted_share_keeps_the_total_within_the_budget():
    amounts = [Decimal(60000)] * 40  # 2,400,000 requested: 90% would be 2,160,000
    share = granted_share(amounts, Decimal(2000000))
    assert share == Decimal("0.83")
    assert sum(a * share for a in amounts) <= Decimal(2000000)
    assert granted_share([Decimal(1000)], Decimal(2000000)) == Decimal("0.90")
