"""In Chromium, public pages with figures and generated sentences (the call report, its
statistics, the practice catalogue, the home page) speak the language the reader chose: no
Italian sentence of the catalogue in English, French or Arabic, right-to-left in Arabic, and
Italian dates in lowercase."""

import re

import pytest

from approdo.funding.tests.test_statistics import build_seed_call
from tests.test_translated_pages import foreign_texts

LANGUAGES = ["en", "fr", "ar"]
MONTHS = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto"]
MONTHS += ["settembre", "ottobre", "novembre", "dicembre"]


def _in_language(page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_italian_sentence(page, live_server, tuscany, language):
    call = build_seed_call(statistics_public=True)
    _in_language(page, live_server, language)
    paths = [
        "/",
        "/buone-pratiche/",
        f"/bandi/{call.slug}/statistiche/",
        f"/bandi/{call.slug}/rapporto/",
    ]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert foreign_texts(page.content().encode(), language) == [], path
    first_sentence = page.locator(".report-narrative p").first.inner_text()
    assert "bando" not in first_sentence and "domande" not in first_sentence


def test_italian_dates_have_lowercase_months_and_no_leading_zero(page, live_server, tuscany):
    call = build_seed_call(statistics_public=True)
    _in_language(page, live_server, "it")
    page.goto(f"/bandi/{call.slug}/statistiche/")
    lead = page.locator("p.lead").first.inner_text()
    assert re.search(rf"\b[1-9]\d? ({'|'.join(MONTHS)}) \d{{4}}\b", lead), lead
