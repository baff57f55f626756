"""The facet index as bitmaps, held by each process.

A facet value's bitmap is a Python integer whose bit n is set when published practice n is
filed under that value. How many practices of a search have a value is then one AND and a
popcount: microseconds at 100,000 practices, where a join of the matching practices with
`practices_facet` costs time in proportion to their number times their values (most of a
second when a common word matches half the catalogue). The database still finds the words
(FTS5, GIN) and ranks the page.

The practices having a search word come from the database's full-text index (one query a
word) and are kept as a bitmap too, for the most recently searched words: a common word is
in half the catalogue, and reading its matches costs tens of milliseconds at 100,000
practices, where the bitmap answers in microseconds.

The bitmaps are derived from `practices_facet` and rebuilt when the stamp that
`search.reindex` writes in the same transaction differs from the one they were built for.
Each search reads the stamp first (one primary-key lookup), so no answer comes from an index
older than what the request's own connection sees. The stamp is random rather than a counter:
a write that is rolled back cannot leave behind a value that a later write repeats.
"""
# SQL here has fixed text only; values are query parameters.
# ruff: noqa: S608

import datetime
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from approdo.practices import search

_BIT = [1 << n for n in range(8)]
_POSITIONS = [tuple(n for n in range(8) if byte >> n & 1) for byte in range(256)]
_MISSING = 2**31 - 1  # the order position of a practice outside the index
SORT_SHARE = 16  # a selection under 1/16 of the catalogue is sorted; a larger one walks the order
WORDS_KEPT = 1000  # words whose matches each process keeps (12.5 kB each at 100,000 practices)


def bitmap_of(ids) -> int:
    """The bitmap with the bits of `ids` set."""
    ids = list(ids)
    if not ids:
        return 0
    data = bytearray(max(ids) // 8 + 1)
    for pk in ids:
        data[pk >> 3] |= _BIT[pk & 7]
    return int.from_bytes(data, "little")


def ids_of(bits: int) -> list[int]:
    """The ids whose bits are set, ascending."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    result: list[int] = []
    for index, byte in enumerate(data):
        if byte:
            base = index * 8
            result.extend(base + n for n in _POSITIONS[byte])
    return result


def most_shared(bitmaps: list[int], within: int, *, limit: int) -> list[int]:
    """Up to `limit` ids of `within` set in the most of `bitmaps`, most first, ties by id.

    The count of every id is kept in binary across a few integers (digit d of all counts in
    `digits[d]`) and each bitmap is added with its carries: a handful of operations on whole
    bitmaps, whatever the number of practices."""
    digits: list[int] = []
    for bits in bitmaps:
        carry = bits & within
        for position, digit in enumerate(digits):
            digits[position], carry = digit ^ carry, digit & carry
            if not carry:
                break
        if carry:
            digits.append(carry)
    found: list[int] = []
    for count in range(len(bitmaps), 0, -1):
        if count >> len(digits):
            continue  # more than any id has
        having = within
        for position, digit in enumerate(digits):
            having &= digit if count >> position & 1 else ~digit
        if having:
            found.extend(ids_of(having)[: limit - len(found)])
            if len(found) >= limit:
                break
    return found


@dataclass
class FacetIndex:
    stamp: str
    values: dict[str, dict[str, int]]  # {facet: {value: bitmap}}
    indexed: int  # every practice with a publication date
    scheduled: list[tuple[datetime.datetime, int]]  # (publication time, id) still in the future
    orders: dict[str, tuple[list[int], array]]  # {order: (ids in order, position by id)}
    words: OrderedDict[str, int] = field(default_factory=OrderedDict)  # recently searched

    def matching(self, words: list[str]) -> int:
        """The practices having every one of the (stemmed) `words`."""
        result = -1  # every bit set
        for word in words:
            result &= self.word(word)
        return result

    def word(self, word: str) -> int:
        """The indexed practices having `word` (stemmed), published or not yet."""
        with _lock:
            bits = self.words.get(word)
            if bits is not None:
                self.words.move_to_end(word)
        if bits is None:
            bits = bitmap_of(search.matching_ids([word]))
            with _lock:
                self.words[word] = bits
                if len(self.words) > WORDS_KEPT:
                    self.words.popitem(last=False)
        return bits

    def visible(self, now: datetime.datetime | None = None) -> int:
        """The practices the public may see now (a scheduled publication counts once due)."""
        now = now or timezone.now()
        hidden = [pk for when, pk in self.scheduled if when > now]
        return self.indexed & ~bitmap_of(hidden) if hidden else self.indexed

    def any_of(self, facet: str, values: list[str]) -> int:
        """The practices having at least one of `values`."""
        bits = 0
        found = self.values.get(facet, {})
        for value in values:
            bits |= found.get(value, 0)
        return bits

    def page(self, order: str, bits: int, *, limit: int, offset: int = 0) -> list[int]:
        """`limit` ids of `bits` from `offset`, in the order ("newest" or "title")."""
        ordered, position = self.orders[order]
        wanted = offset + limit
        count = bits.bit_count()
        if count * SORT_SHARE < len(ordered):  # few: sort them
            chosen = ids_of(bits)
            chosen.sort(key=lambda pk: position[pk] if pk < len(position) else _MISSING)
            return chosen[offset:wanted]
        data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
        size = len(data)
        found: list[int] = []
        for pk in ordered:  # many: walk the order until the page is full
            if pk >> 3 < size and data[pk >> 3] & _BIT[pk & 7]:
                found.append(pk)
                if len(found) == wanted:
                    break
        return found[offset:]


_lock = threading.RLock()
_current: FacetIndex | None = None


def current() -> FacetIndex:
    """The facet index as the database has it now for this connection."""
    global _current
    stamp = read_stamp()
    index = _current
    if index is None or index.stamp != stamp:
        with _lock:
            index = _current
            if index is None or index.stamp != stamp:
                index = build(stamp)
                _current = index
    return index


def read_stamp() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT stamp FROM practices_index_stamp WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else ""


def build(stamp: str) -> FacetIndex:
    """Read the facet rows of the practices that have a publication date, and their orders."""
    if connection.vendor == "postgresql":
        grouped = "string_agg(f.practice_id::text, ',')"
    else:
        grouped = "group_concat(f.practice_id, ',')"
    values: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.facet, f.value, {grouped} FROM practices_facet f "
            "JOIN practices_practice p ON p.id = f.practice_id AND p.published_at IS NOT NULL "
            "GROUP BY f.facet, f.value"
        )
        for facet, value, ids in cursor.fetchall():
            values.setdefault(facet, {})[value] = bitmap_of(map(int, ids.split(",")))
    indexed = 0
    for bits in values.get("status", {}).values():  # every indexed practice has one status
        indexed |= bits

    from approdo.practices.models import Practice

    published = Practice.objects.filter(published_at__isnull=False)
    scheduled = list(
        published.filter(published_at__gt=timezone.now()).values_list("published_at", "pk")
    )
    orders = {
        "newest": _order(published.order_by("-published_at", "-pk")),
        "title": _order(published.order_by("title", "pk")),
    }
    return FacetIndex(stamp, values, indexed, scheduled, orders)


def _order(queryset) -> tuple[list[int], array]:
    ids = list(queryset.values_list("pk", flat=True))
    position = array("l", [_MISSING]) * ((max(ids) + 1) if ids else 0)
    for rank, pk in enumerate(ids):
        position[pk] = rank
    return ids, position
