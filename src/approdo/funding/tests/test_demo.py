from approdo.funding.demo import create_demo_data
from approdo.funding.models import Call, IndicatorValue, MonitoringReport, Project
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
