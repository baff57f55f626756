"""Full-text search of the published practices, the same on SQLite and PostgreSQL.

Text is folded (lower case, no accents), split into words, stripped of Italian stop words and
stemmed with Snowball Italian here in Python, for the indexed text and for the query alike.
The databases only ever see these pre-stemmed ASCII words, so SQLite FTS5 and a PostgreSQL
tsvector (`simple` configuration) match exactly the same practices. Queries are built from
these safe words only: no user text reaches a MATCH or a tsquery expression.

The text table (migrations 0002 and 0003) is `practices_search`: title ranked above body, two
columns of an FTS5 table on SQLite, weights A and B of one tsvector on PostgreSQL. With the
facet rows (the `Facet` model, see facets.py) it is refreshed by `reindex(ids)` after every
write; only practices with a publication date have rows, and what the public gets is also
filtered on publication (`Practice.objects.published()`).
"""
# SQL here interpolates only placeholders ("%s, %s") and fixed column names; every value
# is a query parameter.
# ruff: noqa: S608, S611

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable

import Stemmer
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import translation

MAX_QUERY_TERMS = 10  # a 10,000-character query still makes a small, fast query
MAX_TERM_LENGTH = 40
TITLE_WEIGHT = 10.0  # bm25 column weights on SQLite (PostgreSQL: weight A 1.0, B 0.4)
BODY_WEIGHT = 1.0

_WORD = re.compile(r"[a-z0-9]+")

# Snowball's Italian stop words (the common ones) and elided articles ("dell'", "l'"), folded.
STOP_WORDS = frozenset(
    """a ad al alla alle allo agli ai anche avere c che chi ci col come con contro cui da dal
    dalla dalle dallo dagli dai degli dei del della delle dello di dove e ed era essere gli ha
    hanno ho i il in io la le lei li lo loro lui ma mi nei nel nella nelle nello negli noi non
    nostro o per perche piu puo quale quando quanto quello questa queste questi questo se sia
    si sono su sua sue sui sul sulla sulle sullo suo tra tu tua tuo un una uno vi voi
    l d dell nell all dall sull quell quest""".split()
)


@functools.cache
def _stemmer() -> Stemmer.Stemmer:
    # One per process, built from a constant: the same in every process and never stale (its
    # word cache is a pure function of the word). Its calls hold the GIL: threads take turns.
    return Stemmer.Stemmer("italian")


def fold(text: str) -> str:
    """Lower case without accents ("Città" -> "citta")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of `text` as the index reads them, in order: folded, stop words and
    over-long words dropped; not yet stemmed."""
    return [
        word
        for word in _WORD.findall(fold(text or ""))
        if word not in STOP_WORDS and len(word) <= MAX_TERM_LENGTH
    ]


def terms(text: str) -> list[str]:
    """The stemmed words of `text`, in order (stop words and over-long words dropped)."""
    return _stemmer().stemWords(words(text))


def query_terms(text: str) -> list[str]:
    """The distinct terms of a search, at most MAX_QUERY_TERMS: all of them must match."""
    return list(dict.fromkeys(terms((text or "")[:2000])))[:MAX_QUERY_TERMS]


# -- Queries -------------------------------------------------------------------------------


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def match_sql(words: list[str]) -> tuple[str, list]:
    """SQL selecting the ids of the indexed practices having every word."""
    if _is_postgres():
        return (
            "SELECT practice_id FROM practices_search WHERE document @@ to_tsquery('simple', %s)",
            [_tsquery(words)],
        )
    return (
        "SELECT rowid FROM practices_search WHERE practices_search MATCH %s",
        [_fts_query(words)],
    )


def _tsquery(words: list[str]) -> str:
    return " & ".join(words)


def _fts_query(words: list[str]) -> str:
    # Each word is [a-z0-9]+, quoted as an FTS5 string: never an operator or a column filter.
    return " ".join(f'"{word}"' for word in words)


def matching(queryset: QuerySet, words: list[str]) -> QuerySet:
    """`queryset` restricted to the practices whose index has every word."""
    if not words:
        return queryset
    sql, params = match_sql(words)
    return queryset.filter(pk__in=RawSQL(sql, params))


def found_sql(words: list[str], within: tuple[str, list]) -> tuple[str, list]:
    """SQL selecting `id` and `rank` of the practices of the subquery `within` whose index has
    every word: the word match of a search (facets.find). On PostgreSQL the rank is computed
    here, while the document is read for the match; on SQLite it is NULL (see relevance_sql)."""
    sql, params = within
    if _is_postgres():
        return (
            "SELECT practice_id AS id, ts_rank('{0.1, 0.2, 0.4, 1.0}', document, query) AS rank "
            "FROM practices_search, to_tsquery('simple', %s) query "
            "WHERE document @@ query AND practice_id IN (" + sql + ")",
            [_tsquery(words), *params],
        )
    # `+rowid`: given the ids, FTS5 would look each one up and count the word's matches
    # again; without, it reads the word's matches once and keeps the listed ones.
    return (
        "SELECT rowid AS id, NULL AS rank FROM practices_search "
        "WHERE practices_search MATCH %s AND +rowid IN (" + sql + ")",
        [_fts_query(words), *params],
    )


def relevance_sql(words: list[str], source: str) -> tuple[str, list, str]:
    """SQL selecting `id` and `key` of the practices of `source` (a CTE of found_sql's rows),
    with the ORDER BY that puts the best match first (title above body), ties broken by id
    so that both databases give the same order."""
    if _is_postgres():
        return f"SELECT id, rank AS key FROM {source}", [], "key DESC, id"
    # bm25 is only known within a MATCH (a subquery joined or grouped cannot call it): the
    # words' matches are read again, and scored for the listed ids only.
    return (
        f"SELECT rowid AS id, bm25(practices_search, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS key "
        "FROM practices_search WHERE practices_search MATCH %s "
        f"AND +rowid IN (SELECT id FROM {source})",
        [_fts_query(words)],
        "key, id",
    )


def indexed_terms(practice_ids: Iterable[int]) -> dict[int, tuple[set[str], set[str]]]:
    """{practice id: (title terms, body terms)} as stored in the index."""
    ids = list(practice_ids)
    if not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        if _is_postgres():  # the tsvector holds them: weight A the title's, B the body's
            cursor.execute(
                "SELECT practice_id, tsvector_to_array(ts_filter(document, '{a}')), "
                "tsvector_to_array(ts_filter(document, '{b}')) FROM practices_search "
                f"WHERE practice_id IN ({placeholders})",
                ids,
            )
            return {pk: (set(title), set(body)) for pk, title, body in cursor}
        cursor.execute(
            f"SELECT rowid, title, body FROM practices_search WHERE rowid IN ({placeholders})",
            ids,
        )
        return {pk: (set(title.split()), set(body.split())) for pk, title, body in cursor}


# -- Index maintenance ----------------------------------------------------------------------


def document_of(practice) -> tuple[str, str]:
    """The pre-stemmed (title, body) of a practice: its texts, organisations, territory and
    the Italian labels of its actions and target groups."""
    with translation.override("it"):
        parts = [
            practice.summary,
            practice.description,
            practice.results,
            practice.evidence,
            practice.innovation,
            practice.transferability,
            practice.sustainability,
            practice.difficulties,
            practice.lead_organization.name,
            *(organization.name for organization in practice.partners.all()),
            *(comune.name for comune in practice.comuni.all()),
            *(zona.name for zona in practice.zone.all()),
            *(str(action) for action in practice.actions.all()),
            *(str(target) for target in practice.targets.all()),
            *(str(source) for source in practice.funding_sources or []),
        ]
    return " ".join(terms(practice.title)), " ".join(terms(" ".join(parts)))


def reindex(practice_ids: Iterable[int], *, today: datetime.date | None = None) -> None:
    """Refresh the index rows of these practices (after any write): published practices get
    their text and facet rows, the others lose theirs. A running practice's years go to
    `today` (by default the local date)."""
    from approdo.practices import facets
    from approdo.practices.models import Facet, Practice, territory_prefetches

    ids = list({int(pk) for pk in practice_ids})
    if not ids:
        return
    practices = list(
        Practice.objects.filter(pk__in=ids, published_at__isnull=False)
        .select_related("lead_organization")
        .prefetch_related("partners", *territory_prefetches(), "actions", "targets")
    )
    facet_rows = [
        Facet(practice_id=pk, facet=facet, value=value)
        for pk, facet, value in facets.rows_of(practices, today)
    ]
    with transaction.atomic():
        _delete(ids)
        _insert([(practice.pk, *document_of(practice)) for practice in practices])
        Facet.objects.bulk_create(facet_rows, batch_size=500)


def rebuild() -> int:
    """Reindex every practice (after a bulk load); returns how many are indexed."""
    from approdo.practices.models import Practice

    ids = list(Practice.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        reindex(ids[start : start + 500])
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM practices_search")
        return cursor.fetchone()[0]


def _delete(ids: list[int]) -> None:
    from approdo.practices.models import Facet

    placeholders = ", ".join(["%s"] * len(ids))
    id_column = "practice_id" if _is_postgres() else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM practices_search WHERE {id_column} IN ({placeholders})", ids)
    Facet.objects.filter(practice_id__in=ids).delete()


def _insert(documents: list[tuple[int, str, str]]) -> None:
    if not documents:
        return
    if _is_postgres():
        insert = (
            "INSERT INTO practices_search (practice_id, document) VALUES (%s, "
            "setweight(to_tsvector('simple', %s), 'A')"
            " || setweight(to_tsvector('simple', %s), 'B'))"
        )
    else:
        insert = "INSERT INTO practices_search (rowid, title, body) VALUES (%s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.executemany(insert, documents)


def refresh_running(today: datetime.date | None = None) -> int:
    """Reindex the published practices without an end date, whose year facet grows with the
    calendar (facets.years_of), their years counted to `today` (by default the local date);
    run nightly. Returns how many."""
    from approdo.practices.models import Practice

    running = Practice.objects.filter(published_at__isnull=False, end_date__isnull=True)
    ids = list(running.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        reindex(ids[start : start + 500], today=today)
    return len(ids)
