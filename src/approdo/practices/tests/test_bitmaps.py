"""The in-process facet index: bitmaps, orders, and staying in step with the database."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from approdo.practices import bitmaps, facets, search
from approdo.practices.models import Practice
from approdo.practices.tests.test_catalogue_fixtures import make_practice


@given(st.sets(st.integers(min_value=0, max_value=5000)))
def test_bitmap_round_trip(ids):
    bits = bitmaps.bitmap_of(ids)
    assert bits.bit_count() == len(ids)
    assert bitmaps.ids_of(bits) == sorted(ids)


@given(
    st.lists(st.sets(st.integers(min_value=0, max_value=300)), max_size=12),
    st.sets(st.integers(min_value=0, max_value=300)),
    st.integers(min_value=1, max_value=40),
)
def test_most_shared_equals_counting(sets, within, limit):
    counts = {pk: sum(pk in ids for ids in sets) for pk in within}
    expected = sorted((pk for pk, n in counts.items() if n), key=lambda pk: (-counts[pk], pk))
    found = bitmaps.most_shared(
        [bitmaps.bitmap_of(ids) for ids in sets], bitmaps.bitmap_of(within), limit=limit
    )
    assert found == expected[:limit]


def codes(ids: list[int]) -> list[str]:
    found = dict(Practice.objects.filter(pk__in=ids).values_list("pk", "code"))
    return [found[pk] for pk in ids]


def search_codes(q: str = "", sort: str = "", **chosen) -> list[str]:
    selection = facets.Selection(q=q, chosen={k: list(v) for k, v in chosen.items()}, sort=sort)
    return codes(facets.find(selection, limit=50).ids)


@pytest.fixture
def catalogue(db, prato, coop):
    for number, title in enumerate(["Orti in città", "Casa comune", "Banca del tempo"]):
        make_practice(title, prato if number % 2 else coop, code=f"B-{number}", zone=["pratese"])


@pytest.mark.parametrize("share", [1, 10**6], ids=["walked", "sorted"])
def test_orders(catalogue, monkeypatch, share):
    monkeypatch.setattr(bitmaps, "SORT_SHARE", share)
    assert search_codes(sort="title") == ["B-2", "B-1", "B-0"]
    assert search_codes(sort="newest") == ["B-2", "B-1", "B-0"]  # the last made is the newest
    index = bitmaps.current()
    assert codes(index.page("title", index.visible(), limit=1, offset=1)) == ["B-1"]
    assert codes(index.page("newest", index.visible(), limit=5, offset=2)) == ["B-0"]


def test_a_write_is_seen_by_the_next_search(catalogue, prato):
    assert search_codes("orti") == ["B-0"]
    make_practice("Orti sul tetto", prato, code="B-9", zone=["firenze"])
    assert sorted(search_codes("orti")) == ["B-0", "B-9"]
    assert search_codes("orti", zone=["firenze"]) == ["B-9"]


def test_a_changed_text_is_searched_anew(catalogue):
    assert search_codes("tempo") == ["B-2"]
    practice = Practice.objects.get(code="B-2")
    practice.title = "Banca delle ore"
    practice.save(update_fields=["title"])
    search.reindex([practice.pk])
    assert search_codes("tempo") == []
    assert search_codes("ore") == ["B-2"]


def test_a_rolled_back_write_leaves_no_trace(catalogue, prato):
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        make_practice("Orti di prova", prato, code="B-8", zone=["pratese"])
        assert "B-8" in search_codes("orti")
        raise Undo
    assert search_codes("orti") == ["B-0"]
    assert facets.counts(facets.Selection())["zone"] == {"pratese": 3}


def test_a_deleted_practice_leaves_the_index(catalogue):
    Practice.objects.filter(code="B-0").delete()
    assert search_codes("orti") == []
    assert facets.counts(facets.Selection())["zone"] == {"pratese": 2}


def test_scheduled_publication_shows_when_due(catalogue):
    practice = Practice.objects.get(code="B-1")
    practice.published_at = timezone.now() + datetime.timedelta(hours=2)
    practice.save(update_fields=["published_at"])
    search.reindex([practice.pk])
    index = bitmaps.current()
    assert codes(bitmaps.ids_of(index.visible())) == ["B-0", "B-2"]
    later = timezone.now() + datetime.timedelta(hours=3)
    assert codes(bitmaps.ids_of(index.visible(later))) == ["B-0", "B-1", "B-2"]
