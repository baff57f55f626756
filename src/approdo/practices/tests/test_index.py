"""The search index stays in step with the practices: orders, writes, rollbacks, deletions,
scheduled publication, the running years and the lead organisation's sector."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from approdo.practices import facets, search
from approdo.practices.models import Practice
from approdo.practices.tests.test_catalogue_fixtures import make_practice

NEW_YEARS_EVE = datetime.date(2029, 12, 31)
ENDED = datetime.date(2025, 6, 30)


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


def test_orders(catalogue):
    assert search_codes(sort="title") == ["B-2", "B-1", "B-0"]
    assert search_codes(sort="newest") == ["B-2", "B-1", "B-0"]  # the last made is the newest
    everything = facets.Selection(sort="title")
    assert codes(facets.find(everything, limit=1, offset=1).ids) == ["B-1"]
    newest = facets.Selection(sort="newest")
    assert codes(facets.find(newest, limit=5, offset=2).ids) == ["B-0"]
    assert codes(facets.find(newest, limit=None).ids) == ["B-2", "B-1", "B-0"]


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
    assert facets.find(facets.Selection(), limit=0).counts["zone"] == {"pratese": 3}


def test_a_deleted_practice_leaves_the_index(catalogue):
    Practice.objects.filter(code="B-0").delete()
    assert search_codes("orti") == []
    assert facets.find(facets.Selection(), limit=0).counts["zone"] == {"pratese": 2}


def test_scheduled_publication_shows_when_due(catalogue):
    practice = Practice.objects.get(code="B-1")
    practice.published_at = timezone.now() + datetime.timedelta(hours=2)
    practice.save(update_fields=["published_at"])
    search.reindex([practice.pk])
    assert search_codes() == ["B-2", "B-0"]
    Practice.objects.filter(pk=practice.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert search_codes() == ["B-1", "B-2", "B-0"]  # due now, and the newest: no reindex needed


def test_running_practices_count_the_new_year(db, prato):
    practice = make_practice("Corso di lingua", prato, start_date=datetime.date(2023, 9, 1))
    make_practice("Corso finito", prato, start_date=datetime.date(2023, 9, 1), end_date=ENDED)
    search.reindex(Practice.objects.values_list("pk", flat=True), today=NEW_YEARS_EVE)
    years = facets.find(facets.Selection(), limit=0).counts["year"]
    assert years == {str(year): 2 for year in range(2023, 2026)} | {
        str(year): 1 for year in range(2026, 2030)
    }
    assert search.refresh_running(today=NEW_YEARS_EVE + datetime.timedelta(days=1)) == 1
    years = facets.find(facets.Selection(), limit=0).counts["year"]
    assert years["2030"] == 1
    assert facets.find(facets.Selection(chosen={"year": ["2030"]}), limit=5).ids == [practice.pk]


def test_a_lead_organisation_changing_sector_is_reindexed(catalogue, coop):
    assert facets.find(facets.Selection(), limit=0).counts["sector"] == {
        "public": 1,
        "third_sector": 2,
    }
    coop.kind = "comune"
    coop.save()
    assert facets.find(facets.Selection(), limit=0).counts["sector"] == {"public": 3}
    sector = facets.Selection(chosen={"sector": ["third_sector"]})
    assert facets.find(sector, limit=10).ids == []
