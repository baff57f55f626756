"""Coverage equals a brute-force computation over random networks, split and missing
population included; the "what if" answer equals the network with the project really added."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approdo.governance import actions
from approdo.governance.coverage import (
    ALL_LEVELS,
    Hypothesis,
    aggregate,
    coverage,
    load_network,
)
from approdo.governance.models import SaiProject, split_places
from approdo.organizations.models import Organization
from approdo.territory.models import Comune, ComuneZona, Population

pytestmark = pytest.mark.django_db

# A few zone of two provinces and ASL, so projects often share areas.
ZONE = ["pratese", "pistoiese", "val-di-nievole", "livornese", "elba"]
YEAR = 2024


def comuni_pool() -> list[str]:
    links = ComuneZona.objects.valid_on(datetime.date(YEAR, 12, 31)).filter(zona__slug__in=ZONE)
    return sorted(links.values_list("comune_id", flat=True))


# --- split_places --------------------------------------------------------------------------


@given(
    total=st.integers(min_value=1, max_value=500),
    given_places=st.dictionaries(
        st.from_regex(r"\A0[0-9]{5}\Z"),
        st.one_of(st.none(), st.integers(min_value=1, max_value=50)),
        min_size=1,
        max_size=8,
    ),
)
def test_split_adds_up_and_is_even(total, given_places):
    explicit = sum(v for v in given_places.values() if v is not None)
    shares = split_places(total, given_places)
    assert shares.keys() == given_places.keys()
    open_codes = sorted(code for code, v in given_places.items() if v is None)
    if open_codes and explicit <= total:
        assert sum(shares.values()) == total
        open_shares = [shares[code] for code in open_codes]
        assert max(open_shares) - min(open_shares) <= 1
        assert open_shares == sorted(open_shares, reverse=True)  # remainder to the first codes
    for code, places in given_places.items():
        if places is not None:
            assert shares[code] == places


# --- brute force -------------------------------------------------------------------------


def brute_shares(project: SaiProject) -> dict[str, int]:
    """Round robin, one place at a time: another way to reach the documented split."""
    hostings = {h.comune_id: h.places for h in project.hostings.all()}
    shares = {code: places for code, places in hostings.items() if places is not None}
    open_codes = sorted(code for code, places in hostings.items() if places is None)
    rest = max(project.places - sum(shares.values()), 0)
    for code in open_codes:
        shares[code] = 0
    for index in range(rest if open_codes else 0):
        shares[open_codes[index % len(open_codes)]] += 1
    return shares


def members(level: str, key: str, day: datetime.date) -> set[str]:
    comuni = Comune.objects.all()
    if level == "comune":
        return {key}
    if level == "provincia":
        return set(comuni.filter(province__sigla=key).values_list("pk", flat=True))
    if level == "regione":
        return set(comuni.filter(province__region_id=key).values_list("pk", flat=True))
    links = ComuneZona.objects.valid_on(day)
    links = links.filter(zona__slug=key) if level == "zona" else links.filter(zona__asl__slug=key)
    return set(links.values_list("comune_id", flat=True))


def brute_force(level: str, key: str, year: int) -> dict:
    day = datetime.date(year, 12, 31)
    area = members(level, key, day)
    places = 0
    by_type = {"ordinari": 0, "dm_ds": 0, "msna": 0}
    projects, holders, hosting = set(), set(), set()
    first = datetime.date(year, 1, 1)
    for project in SaiProject.objects.prefetch_related("hostings"):
        if project.status == "planned" or project.start_date > day:
            continue
        if project.end_date and project.end_date < first:
            continue
        for code, share in brute_shares(project).items():
            if code in area:
                places += share
                by_type[project.type] += share
                projects.add(project.pk)
                holders.add(project.holder_id)
                hosting.add(code)
    population, missing = 0, 0
    for code in area:
        latest = Population.objects.filter(comune_id=code, year__lte=year).order_by("-year")
        row = latest.first()
        if row is None:
            missing += 1
        else:
            population += row.total
    rate = None
    if not missing and population:
        rate = places * 1000 / population
    return {
        "places": places,
        "by_type": by_type,
        "projects": len(projects),
        "holders": len(holders),
        "comuni_hosting": len(hosting),
        "comuni_total": len(area),
        "population": None if missing else population,
        "rate": rate,
    }


def assert_matches(row, expected):
    assert row.places == expected["places"]
    assert row.places_by_type == expected["by_type"]
    assert row.projects == expected["projects"]
    assert row.holders == expected["holders"]
    assert row.comuni_hosting == expected["comuni_hosting"]
    assert row.comuni_total == expected["comuni_total"]
    assert row.population == expected["population"]
    if expected["rate"] is None:
        assert row.per_1000 is None
        assert row.not_available  # a reason in words, never a division
    else:
        assert row.per_1000 == pytest.approx(expected["rate"])


project_strategy = st.fixed_dictionaries(
    {
        "holder": st.integers(min_value=0, max_value=2),
        "type": st.sampled_from(["ordinari", "dm_ds", "msna"]),
        "places": st.integers(min_value=1, max_value=120),
        "comuni": st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=5),
        "explicit": st.lists(st.one_of(st.none(), st.integers(1, 15)), min_size=5, max_size=5),
        "status": st.sampled_from(["active", "active", "closed", "planned"]),
        "start": st.integers(min_value=2021, max_value=2026),
        "length": st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    }
)


def build_network(projects: list[dict], missing_population: list[int], pool: list[str]):
    holders = [
        Organization.objects.get_or_create(name=f"Comune di prova {i}", kind="comune")[0]
        for i in range(3)
    ]
    for index, spec in enumerate(projects):
        codes = sorted({pool[i % len(pool)] for i in spec["comuni"]})
        hosting = dict(zip(codes, spec["explicit"], strict=False))
        if sum(v for v in hosting.values() if v) > spec["places"]:
            hosting = dict.fromkeys(codes)
        start = datetime.date(spec["start"], 3, 1)
        end = (
            None if spec["length"] is None else datetime.date(spec["start"] + spec["length"], 6, 30)
        )
        actions.create_sai_project(
            code=f"T-{index}",
            holder=holders[spec["holder"]],
            type=spec["type"],
            places=spec["places"],
            start_date=start,
            end_date=end,
            status=spec["status"],
            hosting=hosting,
        )
    for i in missing_population:
        Population.objects.filter(comune_id=pool[i % len(pool)]).delete()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    projects=st.lists(project_strategy, max_size=6),
    missing_population=st.lists(st.integers(min_value=0, max_value=10_000), max_size=2),
    year=st.integers(min_value=2022, max_value=2026),
)
def test_coverage_equals_brute_force(projects, missing_population, year):
    pool = comuni_pool()
    with transaction.atomic():
        build_network(projects, missing_population, pool)
        network = load_network(year=year)
        for level in ALL_LEVELS:
            rows = {row.key: row for row in aggregate(network, level)}
            keys = {
                "comune": pool[:6] + pool[-3:],
                "zona": ZONE,
                "asl": ["centro", "nord-ovest"],
                "provincia": ["PO", "PT", "LI"],
                "regione": ["09"],
            }[level]
            for key in keys:
                assert_matches(rows[key], brute_force(level, key, year))
        transaction.set_rollback(True)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    projects=st.lists(project_strategy, max_size=4),
    places=st.integers(min_value=1, max_value=200),
    picks=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=4),
    kind=st.sampled_from(["ordinari", "dm_ds", "msna"]),
)
def test_what_if_equals_the_project_really_added(projects, places, picks, kind):
    pool = comuni_pool()
    with transaction.atomic():
        build_network(projects, [], pool)
        codes = tuple(sorted({pool[i % len(pool)] for i in picks}))
        network = load_network(year=YEAR)
        hypothetical = {
            level: aggregate(network, level, Hypothesis(places, codes, kind))
            for level in ALL_LEVELS
        }
        actions.create_sai_project(  # the hypothesis has no holder: holders are not compared
            code="REAL",
            holder=Organization.objects.get_or_create(name="Comune di prova 0", kind="comune")[0],
            type=kind,
            places=places,
            start_date=datetime.date(YEAR, 1, 1),
            hosting=dict.fromkeys(codes),
        )
        after = load_network(year=YEAR)
        for level in ALL_LEVELS:
            expected = aggregate(after, level)
            for guess, row in zip(hypothetical[level], expected, strict=True):
                assert (guess.key, guess.places, guess.places_by_type, guess.projects) == (
                    row.key,
                    row.places,
                    row.places_by_type,
                    row.projects,
                )
                assert (guess.comuni_hosting, guess.per_1000) == (row.comuni_hosting, row.per_1000)
        transaction.set_rollback(True)


# --- examples ------------------------------------------------------------------------------


def test_tuscan_demo_figures_match_the_2024_report():
    from approdo.governance.demo_sai import create_sai_demo

    create_sai_demo()
    assert create_sai_demo().endswith("(0 created).")  # idempotent
    region = coverage("regione", year=2024).rows[0]
    assert (region.projects, region.places, region.holders) == (42, 1887, 35)
    assert round(region.per_1000, 2) == 0.51  # 1,887 places for 3,668,333 residents (2021)
    assert region.population_years == (2021,)  # the nearest earlier year, said as such
    holders = Organization.objects.filter(sai_projects_held__is_demo=True).distinct()
    kinds = sorted(holders.values_list("kind", flat=True))
    assert kinds.count("comune") == 22 and kinds.count("unione_comuni") == 3
    assert kinds.count("sds") == 10
    assert not SaiProject.objects.filter(is_demo=False).exists()


def test_missing_population_is_not_available_with_the_reason():
    holder = Organization.objects.create(name="Comune di Vaiano", kind="comune")
    actions.create_sai_project(
        code="P-1",
        holder=holder,
        type="ordinari",
        places=12,
        start_date=datetime.date(2024, 1, 1),
        hosting={"100006": None, "100005": 2},
    )
    Population.objects.filter(comune_id="100006").delete()
    result = coverage("zona", year=2024)
    pratese = next(row for row in result.rows if row.key == "pratese")
    assert pratese.places == 12 and pratese.per_1000 is None and pratese.population is None
    assert "1" in pratese.not_available and "2024" in pratese.not_available
    comune = next(row for row in coverage("comune", year=2024).rows if row.key == "100006")
    assert comune.places == 10 and comune.per_1000 is None and comune.not_available
    # Before the first population year nothing is divided either.
    assert coverage("comune", year=2019).rows[0].per_1000 is None


def test_unknown_level_is_refused():
    with pytest.raises(ValueError):
        coverage("nazione")
