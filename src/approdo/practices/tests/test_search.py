"""Search: Italian stemming and accent folding, ranking (title above body), safe input, and
the same ids on SQLite and PostgreSQL for a fixed data set (run the suite on both)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approdo.practices import facets, search
from approdo.practices.models import Practice
from approdo.practices.tests.test_catalogue_fixtures import make_practice


def find(q: str, **chosen) -> list[str]:
    """Codes of the practices a reader gets for `q`, in the page order (relevance)."""
    selection = facets.Selection(q=q, chosen={k: list(v) for k, v in chosen.items()})
    ids = facets.find(selection, limit=100, count=False).ids
    codes = dict(Practice.objects.filter(pk__in=ids).values_list("pk", "code"))
    return [codes[pk] for pk in ids]


def test_terms_fold_accents_and_stem():
    assert search.terms("Città dell'Accoglienza") == search.terms("citta accoglienza")
    assert search.terms("abitativo") == search.terms("abitare")
    assert search.terms("integrazione") == search.terms("integrazioni")
    assert search.terms("il la per") == []


def test_query_terms_are_safe_and_capped():
    words = search.query_terms('"casa" OR NOT lavoro* AND (x) -- ; DROP TABLE x; 😀 ' * 500)
    assert len(words) <= search.MAX_QUERY_TERMS
    assert all(word.isascii() and word.isalnum() for word in words)


@pytest.fixture
def dataset(db, prato, coop):
    """A fixed catalogue; its expected ids are asserted on both databases."""
    make_practice(
        "Sportello per l'abitare",
        prato,
        code="T-1",
        summary="Orientamento alla ricerca della casa per famiglie straniere.",
        zone=["pratese"],
    )
    make_practice(
        "Corsi di lingua italiana",
        coop,
        code="T-2",
        summary="Percorsi di integrazioni linguistiche e sostegno abitativo leggero.",
        zone=["firenze"],
    )
    make_practice(
        "Integrazione lavorativa dei giovani",
        coop,
        code="T-3",
        summary="Tirocini e formazione al lavoro nella città.",
        zone=["pisana"],
    )
    make_practice(
        "Mediazione culturale nei servizi",
        prato,
        code="T-4",
        summary="Mediatori nelle scuole e negli ospedali.",
        zone=["pratese"],
    )
    make_practice(
        "Bozza sull'abitare",
        prato,
        code="T-5",
        summary="Una bozza mai pubblicata sull'integrazione.",
        published=False,
    )


def test_abitativo_finds_abitare_title_first(dataset):
    # T-1 has the word in the title, T-2 only in the summary; the draft T-5 never appears.
    assert find("abitativo") == ["T-1", "T-2"]


def test_integrazione_finds_integrazioni(dataset):
    assert find("integrazione") == ["T-3", "T-2"]


def test_accents_and_case_do_not_matter(dataset):
    assert find("CITTÀ") == find("citta") == ["T-3"]


def test_every_word_must_match(dataset):
    assert find("integrazione lavoro") == ["T-3"]
    assert find("integrazione ospedali") == []


def test_words_combine_with_facets(dataset):
    assert find("abitare", zone=["pratese"]) == ["T-1"]
    assert find("", zone=["pratese"]) == ["T-4", "T-1"]  # no words: newest first


def test_unpublishing_removes_from_index(dataset):
    practice = Practice.objects.get(code="T-1")
    practice.published_at = None
    practice.save(update_fields=["published_at"])
    search.reindex([practice.pk])
    assert find("abitare") == ["T-2"]


def test_scheduled_publication_is_not_public_yet(dataset):
    import datetime

    from django.utils import timezone

    practice = Practice.objects.get(code="T-4")
    practice.published_at = timezone.now() + datetime.timedelta(days=1)
    practice.save(update_fields=["published_at"])
    search.reindex([practice.pk])
    assert find("mediazione") == []


def test_only_stop_words_lists_everything_published(dataset):
    assert sorted(find("il la per")) == ["T-1", "T-2", "T-3", "T-4"]


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=300) | st.sampled_from(['"', "'", "a OR b", "NOT", "*", "x' --", "😀"])
)
def test_any_input_gives_results_or_nothing(dataset, text):
    assert isinstance(find(text), list)


def test_very_long_input(dataset):
    # A word too long to be a word is dropped; the rest of the search still works.
    assert find("abitare " + "x" * 10000) == ["T-1", "T-2"]
    assert find("abitare " * 2000) == ["T-1", "T-2"]


def test_ranking_follows_the_words_and_pages(db, prato, coop):
    texts = [
        ("Casa e lavoro", "Lavoro lavoro, casa."),
        ("Sportello lavoro", "Orientamento al lavoro e alla formazione per giovani."),
        ("Casa accoglienza", "Una casa per chi cerca lavoro, con un lungo testo " * 5),
        ("Orti urbani", "Il lavoro negli orti, lavoro di gruppo, lavoro all'aperto."),
        ("Lavoro", ""),
    ]
    for number, (title, summary) in enumerate(texts):
        make_practice(title, prato if number % 2 else coop, code=f"R-{number}", summary=summary)
    for q in ["lavoro", "casa lavoro", "orti"]:
        everything = find(q)
        selection = facets.Selection(q=q)
        page = facets.find(selection, limit=2, offset=1, count=False).ids
        codes = dict(Practice.objects.values_list("pk", "code"))
        assert [codes[pk] for pk in page] == everything[1:3], q
    assert find("orti") == ["R-3"]
    assert set(find("casa lavoro")) == {"R-0", "R-2"}  # every word must match
