"""The public catalogue: the page (with and without htmx), facets that combine, the practice
page, the downloads, feed and sitemap; unpublished practices never appear anywhere."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from approdo.practices import facets
from approdo.practices.models import Practice
from approdo.practices.tests.test_catalogue_fixtures import make_practice
from approdo.reports.actions import request_export
from approdo.reports.tasks import build_export

CATALOGUE = reverse("practices:catalogue")


@pytest.fixture
def catalogue_data(db, prato, coop, other_coop):
    make_practice(
        "Sportello casa",
        prato,
        code="C-1",
        summary="Orientamento all'abitare.",
        comuni=["100005"],
        actions=["supporto_abitare", "orientamento_servizi"],
        targets=["senza_dimora"],
        partners=[coop],
        funding=["FAMI"],
        contact_email="segreto@example.org",
        contact_name="Mario Segreto",
    )
    make_practice(
        "Lavoro e tirocini",
        coop,
        code="C-2",
        summary="Formazione al lavoro.",
        zone=["firenze", "fiorentina-nord-ovest"],
        actions=["formazione_lavoro", "orientamento_servizi"],
        targets=["disoccupati", "titolari_protezione"],
        status="ended",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2020, 6, 30),
        funding=["FSE+", "Fondi comunali"],
    )
    make_practice(
        "Bozza riservata sull'abitare",
        other_coop,
        code="C-DRAFT",
        summary="Non pubblicata.",
        zone=["pratese"],
        actions=["supporto_abitare"],
        published=False,
    )


def test_anonymous_sees_the_catalogue(client, catalogue_data):
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sportello casa" in page and "Lavoro e tirocini" in page
    assert "Bozza riservata" not in page
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_search_and_facets_in_the_url(client, catalogue_data):
    response = client.get(CATALOGUE, {"q": "abitativo", "zone": "pratese"})
    page = response.content.decode()
    assert "Sportello casa" in page and "Lavoro e tirocini" not in page
    assert 'value="abitativo"' in page


def test_htmx_gets_the_results_only(client, catalogue_data):
    response = client.get(
        CATALOGUE, {"action": "formazione_lavoro"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="catalogue-body"')
    assert "Lavoro e tirocini" in page and "Sportello casa" not in page
    assert "<html" not in page


def test_catalogue_query_count(client, catalogue_data, django_assert_max_num_queries):
    facets.labels()  # labels are kept a minute in the cache, not read per request
    with django_assert_max_num_queries(9):
        response = client.get(
            CATALOGUE, {"q": "lavoro", "action": "orientamento_servizi", "sector": "public"}
        )
    assert response.status_code == 200


def test_bad_parameters_never_fail(client, catalogue_data):
    for params in (
        {"page": "x"},
        {"page": "-3"},
        {"page": "99999"},
        {"zone": "nowhere"},
        {"sort": "'; DROP"},
        {"q": '" OR 1=1 --'},
        {"year": "abc"},
    ):
        assert client.get(CATALOGUE, params).status_code == 200


def test_pagination(client, db, prato):
    for number in range(23):
        make_practice(f"Pratica {number:02d}", prato, code=f"P-{number:02d}", zone=["pratese"])
    first = client.get(CATALOGUE, {"sort": "title"}).content.decode()
    second = client.get(CATALOGUE, {"sort": "title", "page": 2}).content.decode()
    assert "Pratica 00" in first and "Pratica 19" in first and "Pratica 20" not in first
    assert "Pratica 20" in second and "Pratica 22" in second and "Pratica 00" not in second


def test_practice_page_shows_everything_public(client, catalogue_data):
    response = client.get(reverse("practices:detail", kwargs={"code": "C-1"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cooperativa Sociale Il Ponte" in page  # the partner
    assert "Prato" in page
    assert "segreto@example.org" not in page and "Mario Segreto" not in page
    assert reverse("practices:contact", kwargs={"code": "C-1"}) in page
    assert reverse("practices:report-update", kwargs={"code": "C-1"}) in page


def test_translation_is_marked(client, catalogue_data):
    practice = Practice.objects.get(code="C-1")
    practice.translations.create(language="en", title="Housing desk", summary="Housing advice.")
    page = client.get(reverse("practices:detail", kwargs={"code": "C-1"})).content.decode()
    assert 'lang="en"' in page and "Housing advice." in page
    assert "translation-mark" in page


def test_unpublished_practice_is_404_for_the_public(client, prato_member, catalogue_data):
    url = reverse("practices:detail", kwargs={"code": "C-DRAFT"})
    assert client.get(url).status_code == 404
    client.force_login(prato_member)
    assert client.get(url).status_code == 404


def test_coordinator_previews_a_draft(client, anci_coordinator, catalogue_data):
    client.force_login(anci_coordinator)
    response = client.get(reverse("practices:detail", kwargs={"code": "C-DRAFT"}))
    assert response.status_code == 200
    assert (
        "not published" in response.content.decode()
        or "non è pubblicata" in response.content.decode()
    )


def test_unpublished_absent_from_every_public_output(client, catalogue_data):
    outputs = [
        client.get(CATALOGUE, {"q": "abitare"}),
        client.get(reverse("practices:catalogue-map")),
        client.get(reverse("api:practices"), {"q": "abitare"}),
        client.get(reverse("practices:feed")),
        client.get(reverse("practices:sitemap")),
        client.get(reverse("practices:export-csv")),
        client.get(reverse("practices:detail", kwargs={"code": "C-1"})),  # similar practices
    ]
    for response in outputs:
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"C-DRAFT" not in body and b"Bozza riservata" not in body
    workbook = load_workbook(io.BytesIO(client.get(reverse("practices:export-xlsx")).content))
    titles = [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == ["Lavoro e tirocini", "Sportello casa"]


def test_csv_download_follows_filters_and_is_formula_safe(client, db, prato):
    make_practice('=HYPERLINK("http://x")', prato, code="F-1", zone=["pratese"], summary="+1")
    make_practice("Altra", prato, code="F-2", zone=["firenze"])
    response = client.get(reverse("practices:export-csv"), {"zone": "pratese"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[1][1].startswith("'=") and rows[1][2] == "'+1"
    assert "contact" not in ",".join(rows[0]).lower()


def test_downloads_and_background_exports_give_the_same_rows(
    client, settings, catalogue_data, analyst
):
    """One export path: the catalogue's CSV and XLSX and an ODS built in the background all
    come from the "practices" dataset."""
    settings.APPRODO_SITE_URL = "https://approdo.example.org"
    query = {"action": "supporto_abitare", "sort": "title"}
    response = client.get(reverse("practices:export-csv"), query)
    stamp = f"{timezone.localdate():%Y%m%d}"
    assert response["Content-Disposition"] == f'attachment; filename="buone-pratiche-{stamp}.csv"'
    from_csv = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    response = client.get(reverse("practices:export-xlsx"), query)
    assert response["Content-Disposition"] == f'attachment; filename="buone-pratiche-{stamp}.xlsx"'
    from_xlsx = list(load_workbook(io.BytesIO(response.content)).active.values)
    export = request_export(by=analyst, dataset="practices", fmt="ods", params=query)
    build_export.call(export.pk)
    export.refresh_from_db()
    from_ods = CalamineWorkbook.from_filelike(export.file.open("rb")).get_sheet_by_index(0)

    codes = [[row[0] for row in rows] for rows in (from_csv, from_xlsx, from_ods.to_python())]
    assert codes[0] == codes[1] == codes[2]
    assert codes[0][1:] == ["C-1"]  # the published practice with the action
    assert from_csv[1][-1] == "https://approdo.example.org/buone-pratiche/scheda/C-1/"
    assert [len(rows[0]) for rows in (from_csv, from_xlsx)] == [19, 19]


def test_feed_and_sitemap_list_published_practices(client, catalogue_data):
    feed = client.get(reverse("practices:feed")).content.decode()
    assert "<feed" in feed and "Sportello casa" in feed
    sitemap = client.get(reverse("practices:sitemap")).content.decode()
    assert reverse("practices:detail", kwargs={"code": "C-2"}) in sitemap


def test_similar_practices_have_reasons(client, db, prato, coop):
    first = make_practice(
        "Accoglienza e casa",
        prato,
        code="S-1",
        zone=["pratese"],
        actions=["orientamento_servizi", "supporto_abitare"],
        targets=["senza_dimora"],
        summary="Accoglienza abitativa per persone senza dimora.",
    )
    make_practice(
        "Casa e accoglienza a Pistoia",
        coop,
        code="S-2",
        zone=["pistoiese"],
        actions=["orientamento_servizi"],
        targets=["senza_dimora"],
        summary="Accoglienza abitativa temporanea.",
    )
    make_practice(
        "Bozza simile",
        coop,
        code="S-3",
        zone=["pratese"],
        actions=["orientamento_servizi", "supporto_abitare"],
        published=False,
    )
    make_practice("Corso di cucina", coop, code="S-4", zone=["elba"], summary="Ricette.")
    from approdo.practices.similar import similar_to

    suggestions = similar_to(first)
    assert [s.practice.code for s in suggestions] == ["S-2"]
    reason = suggestions[0].reason
    assert "same actions" in reason or "stesse azioni" in reason
    assert "neighbouring zona" in reason or "zona confinante" in reason
