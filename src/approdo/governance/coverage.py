"""Coverage of the SAI network by comune, zona distretto, ASL, province and region.

The network is read with a handful of queries (`load_network`) and every figure is then
computed in Python (`aggregate`), so that the "what if" tool can compare a network with and
without a hypothetical project from one read of the database.

Rules (the README repeats them):
- A project counts in a year when it is not merely planned and its period touches that year
  (or the given day); territories are those of the comuni hosting its places.
- Places are split among hosting comuni as `split_places` says: a comune's own figure when
  given, otherwise an even share of the rest, remainder one place each in ISTAT code order.
- Comuni belong to the zona linked to them on the reference day (31 December of the year, or
  today for the current year); the ASL is the zona's; the province is the comune's own.
- Places per 1,000 residents use, for each comune, the population of the year or else the
  nearest earlier year; an area lacking the population of any of its comuni, or with no
  residents, gets no figure but a reason, never a division by a missing number.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from approdo.governance.models import SaiHosting, SaiProject, split_places
from approdo.territory.models import ASL, Comune, ComuneZona, Population, Province, Region, Zona

LEVELS = ("comune", "zona", "asl", "provincia")
ALL_LEVELS = (*LEVELS, "regione")
TYPES = tuple(SaiProject.Type.values)


@dataclass(frozen=True)
class Hypothesis:
    """A project that does not exist, for the "what if" tool."""

    places: int
    comuni: tuple[str, ...]
    type: str = SaiProject.Type.ORDINARI


@dataclass
class ComuneInfo:
    name: str
    province: str
    zona: int | None
    population: int | None
    population_year: int | None


@dataclass
class ProjectInfo:
    pk: int | None
    type: str
    holder: int | None
    shares: dict[str, int]


@dataclass
class Network:
    """Everything coverage needs, read once: comuni with their areas and population, and the
    projects in force with their places per comune."""

    year: int
    day: datetime.date
    comuni: dict[str, ComuneInfo]
    zone: dict[int, tuple[str, str, int]]  # id -> slug, name, ASL id
    asls: dict[int, tuple[str, str, str]]  # id -> slug, name, region code
    provinces: dict[str, tuple[str, str, str]]  # ISTAT code -> sigla, name, region code
    regions: dict[str, str]  # code -> name
    projects: list[ProjectInfo]

    def area_of(self, code: str, level: str) -> str | int | None:
        """The id of the area of `level` comune `code` lies in (None: in no area)."""
        comune = self.comuni[code]
        if level == "comune":
            return code
        if level == "provincia":
            return comune.province
        if level == "regione":
            return self.provinces[comune.province][2]
        if comune.zona is None:
            return None
        return comune.zona if level == "zona" else self.zone[comune.zona][2]

    def describe(self, level: str, area) -> tuple[str, str, str]:
        """(key used in URLs and the API, name, region code) of an area."""
        if level == "comune":
            comune = self.comuni[area]
            return area, comune.name, self.provinces[comune.province][2]
        if level == "zona":
            slug, name, asl_id = self.zone[area]
            return slug, name, self.asls[asl_id][2]
        if level == "asl":
            return self.asls[area]
        if level == "provincia":
            return self.provinces[area]
        return area, self.regions[area], area


@dataclass
class CoverageRow:
    level: str
    key: str
    name: str
    region: str
    comuni_total: int = 0
    comuni_hosting: int = 0
    projects: int = 0
    holders: int = 0
    places: int = 0
    places_by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))
    population: int | None = None
    population_years: tuple[int, ...] = ()
    per_1000: float | None = None
    not_available: str = ""  # why `per_1000` is missing

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "projects": self.projects,
            "holders": self.holders,
            "places": self.places,
            "places_by_type": dict(self.places_by_type),
            "comuni_hosting": self.comuni_hosting,
            "comuni_total": self.comuni_total,
            "population": self.population,
            "population_years": list(self.population_years),
            "places_per_1000": None if self.per_1000 is None else round(self.per_1000, 2),
            "not_available": self.not_available or None,
        }


@dataclass
class Coverage:
    level: str
    year: int
    day: datetime.date
    rows: list[CoverageRow]
    regions: dict[str, CoverageRow]  # the reference figure of each region, by code

    def region_of(self, row: CoverageRow) -> CoverageRow:
        return self.regions[row.region]


def period_of(year: int | None, on: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """First and last day counted: one day, a whole year, or today."""
    if on is not None:
        return on, on
    if year is None:
        today = timezone.localdate()
        return today, today
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def load_network(*, year: int | None = None, on: datetime.date | None = None) -> Network:
    first, last = period_of(year, on)
    day = min(last, max(first, timezone.localdate()))
    year = first.year
    # The latest year up to `year` for each comune, then those rows: two plain queries,
    # much cheaper than a correlated subquery per row at national scale.
    latest = dict(
        Population.objects.filter(year__lte=year)
        .values("comune")
        .annotate(latest=Max("year"))
        .values_list("comune", "latest")
        .order_by()
    )
    populations = {
        code: (total, pop_year)
        for code, pop_year, total in Population.objects.filter(
            year__in=set(latest.values())
        ).values_list("comune_id", "year", "total")
        if latest.get(code) == pop_year
    }
    zona_of = dict(
        ComuneZona.objects.valid_on(day).order_by("valid_from").values_list("comune_id", "zona_id")
    )
    comuni = {}
    for code, name, province in Comune.objects.values_list("istat_code", "name", "province_id"):
        total, pop_year = populations.get(code, (None, None))
        comuni[code] = ComuneInfo(name, province, zona_of.get(code), total, pop_year)

    hostings = defaultdict(dict)
    for project_id, comune_id, places in (
        SaiHosting.objects.filter(project__in=SaiProject.objects.in_force_during(first, last))
        .values_list("project_id", "comune_id", "places")
        .order_by()
    ):
        hostings[project_id][comune_id] = places
    projects = [
        ProjectInfo(pk, kind, holder, split_places(places, hostings[pk]))
        for pk, kind, holder, places in SaiProject.objects.in_force_during(first, last)
        .values_list("pk", "type", "holder_id", "places")
        .order_by()
        if hostings[pk]
    ]
    return Network(
        year=year,
        day=day,
        comuni=comuni,
        zone={
            pk: (slug, name, asl)
            for pk, slug, name, asl in Zona.objects.values_list("pk", "slug", "name", "asl_id")
        },
        asls={
            pk: (slug, name, region)
            for pk, slug, name, region in ASL.objects.values_list("pk", "slug", "name", "region_id")
        },
        provinces={
            pk: (sigla, name, region)
            for pk, sigla, name, region in Province.objects.values_list(
                "istat_code", "sigla", "name", "region_id"
            )
        },
        regions=dict(Region.objects.values_list("code", "name")),
        projects=projects,
    )


def restricted(network: Network, regions: set[str]) -> Network:
    """The same network with only the comuni (and places) of `regions`: every area of those
    regions keeps exactly its figures, and the "what if" tool has far less to add up."""
    comuni = {
        code: info
        for code, info in network.comuni.items()
        if network.provinces[info.province][2] in regions
    }
    projects = []
    for project in network.projects:
        shares = {code: places for code, places in project.shares.items() if code in comuni}
        if shares:
            projects.append(ProjectInfo(project.pk, project.type, project.holder, shares))
    return replace(network, comuni=comuni, projects=projects)


def with_hypothesis(network: Network, extra: Hypothesis | None) -> list[ProjectInfo]:
    if extra is None or not extra.comuni:
        return network.projects
    hypothetical = ProjectInfo(
        None, extra.type, None, split_places(extra.places, dict.fromkeys(extra.comuni))
    )
    return [*network.projects, hypothetical]


def aggregate(network: Network, level: str, extra: Hypothesis | None = None) -> list[CoverageRow]:
    """One row per area of `level` (every area, hosting places or not), in name order."""
    if level not in ALL_LEVELS:
        raise ValueError(f"Unknown level {level!r}")
    rows: dict = {}
    missing: dict = defaultdict(int)
    for code, comune in network.comuni.items():
        area = network.area_of(code, level)
        if area is None:
            continue
        row = rows.get(area)
        if row is None:
            row = rows[area] = CoverageRow(level, *network.describe(level, area), population=0)
        row.comuni_total += 1
        if comune.population is None:
            missing[area] += 1
        else:
            row.population += comune.population
            if comune.population_year not in row.population_years:
                years = {*row.population_years, comune.population_year}
                row.population_years = tuple(sorted(years))

    project_sets: dict = defaultdict(set)
    holder_sets: dict = defaultdict(set)
    hosting_sets: dict = defaultdict(set)
    for index, project in enumerate(with_hypothesis(network, extra)):
        for code, places in project.shares.items():
            area = network.area_of(code, level)
            if area is None:
                continue
            row = rows[area]
            row.places += places
            row.places_by_type[project.type] += places
            project_sets[area].add(index)
            hosting_sets[area].add(code)
            if project.holder is not None:
                holder_sets[area].add(project.holder)

    for area, row in rows.items():
        row.projects = len(project_sets[area])
        row.holders = len(holder_sets[area])
        row.comuni_hosting = len(hosting_sets[area])
        if missing[area]:
            row.population = None
            row.not_available = population_missing(missing[area], row.comuni_total, network.year)
        elif not row.population:
            row.not_available = gettext("no residents recorded")
        else:
            row.per_1000 = row.places * 1000 / row.population
    return sorted(rows.values(), key=lambda row: (row.name, row.key))


def population_missing(missing: int, total: int, year: int) -> str:
    if total == 1:
        return gettext("no resident population for %(year)s or earlier") % {"year": year}
    return ngettext(
        "no resident population for %(year)s or earlier in %(missing)s comune of %(total)s",
        "no resident population for %(year)s or earlier in %(missing)s comuni of %(total)s",
        missing,
    ) % {"year": year, "missing": missing, "total": total}


def coverage_of(network: Network, level: str, extra: Hypothesis | None = None) -> Coverage:
    regions = {row.key: row for row in aggregate(network, "regione", extra)}
    rows = list(regions.values()) if level == "regione" else aggregate(network, level, extra)
    return Coverage(level, network.year, network.day, rows, regions)


def coverage(
    level: str,
    *,
    year: int | None = None,
    on: datetime.date | None = None,
    extra: Hypothesis | None = None,
) -> Coverage:
    """SAI coverage of every area of `level` (comune, zona, asl, provincia or regione) in
    `year` (or on day `on`; default today), optionally with a hypothetical project `extra`."""
    if level not in ALL_LEVELS:
        raise ValueError(f"Unknown level {level!r}")
    return coverage_of(load_network(year=year, on=on), level, extra)
