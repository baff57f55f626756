"""Facets of the catalogue: what each published practice is filed under, the reader's
selection (from the URL), and the counts.

Every facet value of a practice is one row of `practices_facet`, written by search.reindex
and read into bitmaps (bitmaps.py) for the searches; `filtered` states the same selection in
SQL for the downloads. Values of one facet combine with OR, facets combine with AND. A
facet's counts apply every other facet of the selection (not its own), so each count says how
many practices the reader would get by adding that value. A target group counts a practice
once when it has the group or any of its children.
"""
# SQL here interpolates only placeholders ("%s, %s") and fixed column names; every value
# is a query parameter.
# ruff: noqa: S608, S611

import datetime
import time
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approdo.practices import bitmaps, search

FACETS = {
    "asl": _("ASL"),
    "zone": _("Zona distretto"),
    "province": _("Province"),
    "action": _("Action"),
    "target": _("Target group"),
    "sector": _("Lead organisation"),
    "status": _("Status"),
    "year": _("Year"),
    "funding": _("Funding source"),
}
MAX_VALUES = 50  # values per facet in one request
MAX_VALUE_LENGTH = 150
MAX_YEARS = 40


# -- What a practice is filed under --------------------------------------------------------


def years_of(practice, today: datetime.date | None = None) -> list[int]:
    """Every calendar year the practice ran: start to end (or to today when still running)."""
    start, end = practice.start_date, practice.end_date
    if start is None:
        return [end.year] if end else []
    last = end.year if end else max(start.year, (today or timezone.localdate()).year)
    return list(range(start.year, last + 1))[:MAX_YEARS]


def values_of(practice, provinces_of_zona: dict[int, set[str]]) -> dict[str, set[str]]:
    """{facet: values} of one practice (prefetched comuni, zone, actions, targets)."""
    zone = list(practice.zone.all())
    comuni = list(practice.comuni.all())
    if comuni:
        provinces = {comune.province.sigla.lower() for comune in comuni}
    else:
        provinces = set().union(*(provinces_of_zona.get(zona.pk, set()) for zona in zone))
    targets = list(practice.targets.all())
    return {
        "asl": {zona.asl.slug for zona in zone},
        "zone": {zona.slug for zona in zone},
        "province": provinces,
        "action": {action.code for action in practice.actions.all()},
        # A child also files the practice under its group (taxonomy.loading.rolled_up).
        "target": {t.code for t in targets} | {t.parent_id for t in targets if t.parent_id},
        "sector": {practice.lead_organization.sector},
        "status": {practice.status},
        "year": {str(year) for year in years_of(practice)},
        "funding": {
            " ".join(str(source).split())[:MAX_VALUE_LENGTH]
            for source in practice.funding_sources or []
            if str(source).strip()
        },
    }


def zona_provinces() -> dict[int, set[str]]:
    """{zona id: siglas of the provinces of its comuni today}."""
    from approdo.territory.models import ComuneZona

    result: dict[int, set[str]] = {}
    links = ComuneZona.objects.valid_on().values_list("zona_id", "comune__province__sigla")
    for zona_id, sigla in links:
        result.setdefault(zona_id, set()).add(sigla.lower())
    return result


def rows_of(practices: list) -> list[tuple[int, str, str]]:
    """The `practices_facet` rows of these practices."""
    if not practices:
        return []
    provinces = zona_provinces()
    return [
        (practice.pk, facet, value)
        for practice in practices
        for facet, values in values_of(practice, provinces).items()
        for value in sorted(values)
    ]


def values_of_ids(ids: list[int], names: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """(practice id, facet, value) of these practices for the facets `names`, as indexed."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        # By practice only: with the facet names too, SQLite reads all their rows instead.
        cursor.execute(
            f"SELECT practice_id, facet, value FROM practices_facet WHERE practice_id IN ({marks})",
            ids,
        )
        return [row for row in cursor.fetchall() if row[1] in names]


# -- The reader's selection ----------------------------------------------------------------


@dataclass
class Selection:
    """A search: the text, the chosen values of each facet, the order and the page."""

    q: str = ""
    chosen: dict[str, list[str]] = field(default_factory=dict)
    sort: str = ""

    @classmethod
    def from_query(cls, data) -> "Selection":
        """From a QueryDict: `q`, each facet repeated or comma-separated, `sort`."""
        chosen = {}
        for name in FACETS:
            values = []
            for raw in data.getlist(name):
                values.extend(part.strip() for part in str(raw).split(","))
            values = [v[:MAX_VALUE_LENGTH] for v in dict.fromkeys(values) if v][:MAX_VALUES]
            if name == "funding":  # free text: keep the values as given (spaces normalised)
                values = [" ".join(v.split()) for v in values]
            else:
                values = [v.lower() for v in values]
            if values:
                chosen[name] = values
        sort = str(data.get("sort", ""))
        return cls(q=str(data.get("q", ""))[:2000], chosen=chosen, sort=sort)

    @property
    def words(self) -> list[str]:
        return search.query_terms(self.q)

    @property
    def order(self) -> str:
        """relevance (with words only), newest or title."""
        if self.sort in ("newest", "title"):
            return self.sort
        return "relevance" if self.words else "newest"

    def is_chosen(self, facet: str, value: str) -> bool:
        return value in self.chosen.get(facet, [])


def _facet_sql(facet: str, values: list[str]) -> tuple[str, list]:
    placeholders = ", ".join(["%s"] * len(values))
    return (
        f"SELECT practice_id FROM practices_facet WHERE facet = %s AND value IN ({placeholders})",
        [facet, *values],
    )


def filtered(selection: Selection, *, without: str | None = None, text: bool = True) -> QuerySet:
    """The published practices matching the selection (all facets but `without`; the words
    too unless `text` is False)."""
    from approdo.practices.models import Practice

    queryset = Practice.objects.published()
    if text:
        queryset = search.matching(queryset, selection.words)
    for facet, values in selection.chosen.items():
        if facet != without:
            queryset = queryset.filter(pk__in=RawSQL(*_facet_sql(facet, values)))
    return queryset


@dataclass
class Found:
    """What a search finds: one page of ids in order, how many in all, and the facet counts."""

    ids: list[int]
    total: int
    counts: dict[str, dict[str, int]]


def find(selection: Selection, *, limit: int, offset: int = 0, count: bool = True) -> Found:
    """The published practices of the selection: the database finds the words and ranks the
    page; the words' matches and the facets are intersected and counted on bitmaps (see
    bitmaps.py)."""
    index = bitmaps.current()
    matched = index.visible()
    words = selection.words
    if words:
        matched &= index.matching(words)
    chosen = {facet: index.any_of(facet, values) for facet, values in selection.chosen.items()}
    everything = matched
    for bits in chosen.values():
        everything &= bits
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    if count:
        for facet in FACETS:
            within = everything
            if facet in chosen:  # a facet's counts apply every other facet of the selection
                within = matched
                for other, bits in chosen.items():
                    if other != facet:
                        within &= bits
            for value, bits in index.values.get(facet, {}).items():
                if number := (bits & within).bit_count():
                    counts[facet][value] = number
    if limit <= 0:
        ids = []
    elif selection.order == "relevance":
        ids = search.rank(words, bitmaps.ids_of(everything), limit=limit, offset=offset)
    else:
        ids = index.page(selection.order, everything, limit=limit, offset=offset)
    return Found(ids, everything.bit_count(), counts)


def ordered_ids(selection: Selection, *, limit: int, offset: int = 0) -> list[int]:
    """One page of the ids matching the selection, in the selection's order."""
    return find(selection, limit=limit, offset=offset, count=False).ids


def counts(selection: Selection) -> dict[str, dict[str, int]]:
    """{facet: {value: number of practices}} for the selection (see the module docstring)."""
    return find(selection, limit=0).counts


# -- Labels --------------------------------------------------------------------------------

_LABELS: dict[str, tuple[float, dict]] = {}
LABELS_SECONDS = 60  # territory and taxonomy labels change rarely: re-read once a minute


def labels() -> dict[str, dict[str, str]]:
    """{facet: {value: label}} for the facets with a fixed list of values, in display order,
    in the active language. Targets list each group followed by its children."""
    from django.utils.translation import get_language

    key = get_language() or ""
    cached = _LABELS.get(key)
    if cached and time.monotonic() - cached[0] < LABELS_SECONDS:
        return cached[1]
    value = _read_labels()
    _LABELS[key] = (time.monotonic(), value)
    return value


def _read_labels() -> dict[str, dict[str, str]]:
    from approdo.organizations.models import Organization
    from approdo.practices.models import Practice
    from approdo.taxonomy.models import Action, TargetGroup
    from approdo.territory.models import ASL, Province, Zona

    targets = list(TargetGroup.objects.order_by("position", "code"))
    tree = []
    for group in (t for t in targets if t.parent_id is None):
        tree.append((group.code, str(group)))
        tree += [(t.code, str(t)) for t in targets if t.parent_id == group.code]
    return {
        "asl": dict(ASL.objects.order_by("name").values_list("slug", "name")),
        "zone": dict(Zona.objects.order_by("name").values_list("slug", "name")),
        "province": {
            sigla.lower(): name
            for sigla, name in Province.objects.order_by("name").values_list("sigla", "name")
        },
        "action": {action.code: str(action) for action in Action.objects.all()},
        "target": dict(tree),
        "target_parent": {t.code: t.parent_id for t in targets},
        "sector": {code: str(label) for code, label in Organization.Sector.choices},
        "status": {code: str(label) for code, label in Practice.Status.choices},
    }


def known_values(facet: str) -> set[str] | None:
    """The valid values of a facet, or None when any value is acceptable (year, funding)."""
    if facet in ("year", "funding"):
        return None
    return set(labels()[facet])
