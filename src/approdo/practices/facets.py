"""Facets of the catalogue: what each published practice is filed under, the reader's
selection (from the URL), and the counts.

Every facet value of a published practice is one `Facet` row, written by search.reindex.
`find` is the one search of the catalogue, one statement: the words matched once through the
full-text index, each facet as an indexed subquery of the facet rows, the counts GROUP BYs over
those rows, the page ordered in SQL. `matching` states the same selection as a queryset (for
the downloads). Values of one facet combine with OR, facets combine with AND. A target group
counts a practice once when it has the group or any of its children.
"""
# SQL here interpolates only placeholders ("%s, %s"), fixed names and SQL made by search.py or
# the ORM; every value is a query parameter.
# ruff: noqa: S608

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
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


def values_of(
    practice, provinces_of_zona: dict[int, set[str]], today: datetime.date | None = None
) -> dict[str, set[str]]:
    """{facet: values} of one practice (prefetched comuni, zone, actions, targets), its years
    counted to `today` (by default the local date) when it is still running."""
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
        "year": {str(year) for year in years_of(practice, today)},
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


def rows_of(practices: list, today: datetime.date | None = None) -> list[tuple[int, str, str]]:
    """The `practices_facet` rows of these practices (years to `today`, see values_of)."""
    if not practices:
        return []
    provinces = zona_provinces()
    return [
        (practice.pk, facet, value)
        for practice in practices
        for facet, values in values_of(practice, provinces, today).items()
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


def matching(selection: Selection) -> QuerySet:
    """The published practices of the selection as a queryset: every word, and for each facet
    any of its chosen values. The practices `find` lists, for the downloads."""
    from approdo.practices.models import Facet, Practice

    queryset = search.matching(Practice.objects.published(), selection.words)
    for facet, values in selection.chosen.items():
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
    """The catalogue search, for the page, the API and the map: one page of ids in the
    selection's order (all of them with `limit` None), the total and, with `count`, the facet
    counts. A facet's counts apply every other facet of the selection (not its own), so each
    count says how many practices the reader would get by adding that value.

    One statement (see _find_sql): the words are matched once, and the total, the counts and
    the page are read from the ids they give."""
    sql, params = _find_sql(selection, limit=limit, offset=offset, count=count)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total, page = 0, []
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    for part, facet, value, number, position in rows:
        if part == "total":
            total = number
        elif part == "count":
            counts[facet][value] = number
        else:
            page.append((position, number))
    return Found([pk for _position, pk in sorted(page)], total, counts)


def _find_sql(selection: Selection, *, limit: int | None, offset: int, count: bool):
    """The statement of `find`, whose rows are (part, facet, value, number, position): part
    "total" (number: how many), "count" (number: practices with that facet value) or "page"
    (number: a practice id at that position).

    Without counts, or without chosen facets, the CTE `selected` holds the ids of the
    selection. With both, the CTE `candidates` holds the published practices having the words
    (matched there, once) and missing at most one chosen facet, with `lacks`: 0 for those of
    the selection, else the bit of the facet they miss. The counts are then one GROUP BY over
    facet rows: every row of the selection, and the rows of the missed facet of the others
    (so a facet's counts leave out its own chosen values, and only those)."""
    from approdo.practices.models import Practice

    query = Practice.objects.published().query
    published, params = query.get_compiler(connection=connection).compile(query.where)
    where = published
    base_params = list(params)
    chosen = {facet: _chosen_ids(facet, values) for facet, values in selection.chosen.items()}
    if not count:  # the selection only: the planner may start from the words or a facet
        for sql, params in chosen.values():
            where += f' AND "practices_practice"."id" IN ({sql})'
            base_params += params
        chosen = {}
    if selection.words:  # the base's rows are (id, rank)
        within = f'SELECT "practices_practice"."id" FROM "practices_practice" WHERE {where}'
        base, base_params = search.found_sql(selection.words, (within, base_params))
    else:
        base = (
            'SELECT "practices_practice"."id" AS id, NULL AS rank FROM "practices_practice" '
            f"WHERE {where}"
        )
    if chosen:
        ctes, counts = _candidates(base, base_params, chosen)
    else:
        # Kept (the words matched once), but for the published practices alone: an index
        # scan, read where it is used with the statistics of its table.
        hint = _KEPT if selection.words else _INLINE
        ctes = [(f"selected AS {hint[connection.vendor == 'postgresql']}({base})", base_params)]
        counts = (
            f"{COUNTS} FROM selected JOIN practices_facet ON practice_id = selected.id "
            "GROUP BY facet, value",
            [],
        )
    parts = [("SELECT 'total', NULL, NULL, COUNT(*), CAST(NULL AS bigint) FROM selected", [])]
    if count:
        parts.append(counts)
    if limit is None or limit > 0:
        parts.append(_page_sql(selection, limit=limit, offset=offset))
    sql = "WITH " + ", ".join(cte for cte, _params in ctes) + " "
    sql += " UNION ALL ".join(part for part, _params in parts)
    params = [param for _cte, cte_params in ctes for param in cte_params]
    params += [param for _part, part_params in parts for param in part_params]
    return sql, params


def _candidates(base: str, base_params: list, chosen: dict[str, tuple[str, list]]):
    """The CTEs `candidates` and `selected` (see _find_sql) of the practices of `base`, given
    the ids of each chosen facet, and the statement of the counts. (Each id is once in each:
    the statements join them, where `IN` would have the planner guess 200 distinct ids.)"""
    bits = {facet: 1 << number for number, facet in enumerate(chosen)}
    joins, lacks, misses, params = [], [], [], list(base_params)
    for number, (facet, (sql, facet_params)) in enumerate(chosen.items()):
        # One row per practice (two chosen values of the facet would give two), and a hash
        # join: each facet's ids are read once, from the index.
        joins.append(
            f"LEFT JOIN (SELECT DISTINCT practice_id FROM ({sql}) ids) chosen_{number} "
            f"ON chosen_{number}.practice_id = base.id"
        )
        missing = f"chosen_{number}.practice_id IS NULL"
        lacks.append(f"CASE WHEN {missing} THEN {bits[facet]} ELSE 0 END")
        misses.append(f"CASE WHEN {missing} THEN 1 ELSE 0 END")
        params += facet_params
    candidates = (
        f"SELECT base.id, base.rank, {' + '.join(lacks)} AS lacks, "
        f"{' + '.join(misses)} AS misses "
        f"FROM ({base}) base {' '.join(joins)}"
    )
    # Those missing two facets or more count nowhere. (`< 2`, see `selected` below.)
    candidates = f"SELECT id, rank, lacks FROM ({candidates}) scored WHERE misses < 2"
    postgres = connection.vendor == "postgresql"
    ctes = [
        (f"candidates AS {_KEPT[postgres]}({candidates})", params),
        # `< 1` and `> 0`, not `= 0` and `<> 0`: PostgreSQL has no statistics on a computed
        # column and guesses a third of the rows for a range but a two-hundredth for an
        # equality; with two hundred times too few rows it sorts the facet rows, on disk,
        # instead of hashing them, and probes row by row what it could hash.
        (f"selected AS {_INLINE[postgres]}(SELECT id, rank FROM candidates WHERE lacks < 1)", []),
    ]
    missed = " ".join(f"WHEN {bit} THEN %s" for bit in bits.values())
    counts = (
        f"{COUNTS} FROM (SELECT facet, value FROM selected "
        "JOIN practices_facet ON practice_id = selected.id UNION ALL "
        "SELECT facet, value FROM candidates JOIN practices_facet "
        f"ON practice_id = candidates.id AND facet = CASE lacks {missed} END "
        "WHERE lacks > 0) facet_rows GROUP BY facet, value",
        list(bits),
    )
    return ctes, counts


# PostgreSQL's hints for a CTE (SQLite keeps a CTE read twice and inlines one read once):
# computed once and kept, or read where it is used, with the statistics of its tables (the
# planner has none on the rows of a kept CTE). By `connection.vendor == "postgresql"`.
_KEPT = ("", "MATERIALIZED ")
_INLINE = ("", "NOT MATERIALIZED ")

# The columns of find's rows: (part, facet, value, number, position).
COUNTS = "SELECT 'count', facet, value, COUNT(*), CAST(NULL AS bigint)"


def _chosen_ids(facet: str, values: list[str]) -> tuple[str, list]:
    """SQL of the ids of the practices having one of these values of the facet, read from the
    (facet, value, practice) index alone."""
    marks = ", ".join(["%s"] * len(values))
    return (
        f"SELECT practice_id FROM practices_facet WHERE facet = %s AND value IN ({marks})",
        [facet, *values],
    )


def _page_sql(selection: Selection, *, limit: int | None, offset: int) -> tuple[str, list]:
    """The page's rows of `selected` in the selection's order, each with its position."""
    if selection.order == "relevance":
        source, params, order = search.relevance_sql(selection.words, "selected")
    else:
        column, order = (
            ("published_at", "key DESC, id DESC")
            if selection.order == "newest"
            else ("title", "key, id")
        )
        source = (
            f"SELECT selected.id AS id, {column} AS key FROM selected "
            "JOIN practices_practice ON practices_practice.id = selected.id"
        )
        params = []
    if limit is None:
        # SQLite needs a LIMIT before an OFFSET: -1 is none; PostgreSQL takes LIMIT ALL.
        window, window_params = "LIMIT ALL" if connection.vendor == "postgresql" else "LIMIT -1", []
    else:
        window, window_params = "LIMIT %s", [limit]
    return (
        f"SELECT 'page', NULL, NULL, id, ROW_NUMBER() OVER (ORDER BY {order}) FROM ("
        f"{source} ORDER BY {order} {window} OFFSET %s) page",
        [*params, *window_params, offset],
    )


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
