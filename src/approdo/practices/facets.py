"""Facets of the catalogue: what each published practice is filed under, the reader's
selection (from the URL), and the counts.

Every facet value of a published practice is one `Facet` row, written by search.reindex.
`find` is the one search of the catalogue: `matching` states the selection as a queryset
(words through the full-text index, each facet as an indexed subquery), the counts are one
GROUP BY over the facet rows. Values of one facet combine with OR, facets combine with AND. A
target group counts a practice once when it has the group or any of its children.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approdo.practices import search

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
    from approdo.practices.models import Facet

    if not ids:
        return []
    rows = Facet.objects.filter(practice_id__in=ids, facet__in=names)
    return list(rows.values_list("practice_id", "facet", "value"))


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


def matching(selection: Selection, *, without: str | None = None) -> QuerySet:
    """The published practices of the selection: every word, and for each facet (but
    `without`) any of its chosen values. What every public path lists, counts and downloads."""
    from approdo.practices.models import Facet, Practice

    queryset = search.matching(Practice.objects.published(), selection.words)
    for facet, values in selection.chosen.items():
        if facet != without:
            rows = Facet.objects.filter(facet=facet, value__in=values)
            queryset = queryset.filter(pk__in=rows.values("practice_id"))
    return queryset


@dataclass
class Found:
    """What a search finds: one page of ids in order, how many in all, and the facet counts."""

    ids: list[int]
    total: int
    counts: dict[str, dict[str, int]]


def find(selection: Selection, *, limit: int | None, offset: int = 0, count: bool = True) -> Found:
    """The catalogue search, for the page, the API, the map and the downloads: one page of
    ids in the selection's order (all of them with `limit` None), the total and, with `count`,
    the facet counts. A facet's counts apply every other facet of the selection (not its own),
    so each count says how many practices the reader would get by adding that value."""
    everything = matching(selection)
    total = everything.count()
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    if count:
        for facet, value, number in _count_rows(selection, everything):
            counts[facet][value] = number
    if (limit is not None and limit <= 0) or offset >= total:
        ids = []
    elif selection.order == "relevance":
        ids = search.ranked(selection.words, everything, limit=limit, offset=offset)
    else:
        order = ("-published_at", "-pk") if selection.order == "newest" else ("title", "pk")
        page = everything.order_by(*order).values_list("pk", flat=True)
        ids = list(page[offset : None if limit is None else offset + limit])
    return Found(ids, total, counts)


def _count_rows(selection: Selection, everything: QuerySet) -> list[tuple[str, str, int]]:
    """(facet, value, practices) in one statement: the facets nobody chose counted over
    `everything`, each chosen facet over the selection without its own values."""
    from approdo.practices.models import Facet

    def grouped(rows):
        return (
            rows.values("facet", "value")
            .annotate(n=Count("pk"))
            .values_list("facet", "value", "n")
            .order_by()
        )

    free = [name for name in FACETS if name not in selection.chosen]
    parts = [grouped(Facet.objects.filter(facet__in=free, practice__in=everything.values("pk")))]
    for facet in selection.chosen:
        within = matching(selection, without=facet).values("pk")
        parts.append(grouped(Facet.objects.filter(facet=facet, practice__in=within)))
    first, *others = parts
    return list(first.union(*others, all=True)) if others else list(first)


# -- Labels --------------------------------------------------------------------------------

LABELS_SECONDS = 60  # territory and taxonomy labels change rarely: re-read once a minute


def labels() -> dict[str, dict[str, str]]:
    """{facet: {value: label}} for the facets with a fixed list of values, in display order,
    in the active language. Targets list each group followed by its children."""
    from django.utils.translation import get_language

    key = f"practices:facet-labels:{get_language() or ''}"
    return cache.get_or_set(key, _read_labels, LABELS_SECONDS)


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
