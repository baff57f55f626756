"""SAI pages: projects created and edited by regional roles with history; coverage table,
map data and SVG, gaps and "what if" for everyone."""

import datetime

import pytest
from django.urls import reverse
from lxml import etree

from approdo.core.models import HistoryEntry
from approdo.governance import actions
from approdo.governance.models import SaiProject
from approdo.territory.models import Population

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(prato):
    return actions.create_sai_project(
        code="SAI-PO-1",
        holder=prato,
        type="ordinari",
        places=40,
        start_date=datetime.date(2024, 1, 1),
        hosting={"100005": None, "100006": 10},
    )


def form_data(**extra):
    data = {
        "code": "SAI-NEW",
        "type": "msna",
        "places": "12",
        "start_date": "2025-01-01",
        "end_date": "2027-12-31",
        "status": "active",
        "comuni": ["100005", "100003"],
        "own_places": "",
    }
    data.update(extra)
    return data


def test_coordinator_creates_a_project_with_history(client, anci_coordinator, prato, coop):
    client.force_login(anci_coordinator)
    url = reverse("governance:sai-create")
    response = client.post(url, form_data(holder=prato.pk, manager=coop.pk))
    project = SaiProject.objects.get(code="SAI-NEW")
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    assert project.places_by_comune() == {"100003": 6, "100005": 6}
    again = client.post(url, form_data(holder=prato.pk, manager=coop.pk))
    assert again.status_code == 200 and SaiProject.objects.count() == 1  # never duplicated
    entry = HistoryEntry.objects.for_object(project).get()
    assert entry.action == "created" and entry.actor == anci_coordinator
    page = client.get(project.get_absolute_url())
    assert b"Changes, newest first" in page.content or "Modifiche" in page.content.decode()


def test_form_errors_wrong_holder_and_places(client, regione_admin, coop, prato):
    client.force_login(regione_admin)
    response = client.post(
        reverse("governance:sai-create"),
        form_data(holder=coop.pk, places="0", end_date="2024-01-01", own_places="100005:50"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"holder", "places"} <= errors.keys()
    response = client.post(
        reverse("governance:sai-create"),
        form_data(holder=prato.pk, end_date="2024-01-01", own_places="100005:50;048017:1"),
    )
    errors = response.context["form"].errors
    assert "end_date" in errors or "__all__" in errors
    assert len(errors["own_places"]) == 2  # exceeds the places; Firenze is not hosting
    assert not SaiProject.objects.exists()


def test_edit_records_the_changes(client, anci_coordinator, project, prato):
    client.force_login(anci_coordinator)
    data = form_data(code="SAI-PO-1", holder=prato.pk, places="50", type="ordinari")
    data.update(start_date="2024-01-01", end_date="", comuni=["100005"])
    assert client.post(reverse("governance:sai-edit", args=[project.pk]), data).status_code == 302
    entry = HistoryEntry.objects.for_object(project).first()
    assert entry.action == "updated"
    assert entry.changes["places"] == ["40", "50"]
    assert entry.changes["comuni"] == ["100005;100006:10", "100005"]


def test_others_cannot_edit_and_do_not_see_history(client, prato_member, project):
    client.force_login(prato_member)
    assert client.get(reverse("governance:sai-edit", args=[project.pk])).status_code == 403
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200 and page.context["history"] is None


def test_coverage_page_table_and_not_available(client, project):
    Population.objects.filter(comune_id="100006").delete()
    response = client.get(reverse("governance:coverage"), {"level": "comune", "year": "2024"})
    rows = {row.key: row for row in response.context["rows"]}
    assert rows["100005"].places == 30 and rows["100006"].places == 10
    assert rows["100006"].per_1000 is None
    html = response.content.decode()
    assert "n.d." in html and rows["100006"].not_available in html
    assert "<caption>" in html and 'scope="row"' in html


def test_geojson_and_svg(client, project):
    from approdo.territory.models import Zona

    Zona.objects.filter(slug="pratese").update(
        geometry={
            "type": "Polygon",
            "coordinates": [[[11, 43.8], [11.2, 43.8], [11.1, 44], [11, 43.8]]],
        }
    )
    data = client.get(reverse("governance:coverage-geojson"), {"level": "zona"}).json()
    (feature,) = data["features"]
    assert feature["properties"]["class"] in {"c1", "c2", "c3", "c4"}
    response = client.get(reverse("governance:coverage-svg"), {"level": "zona"})
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = etree.fromstring(response.content)
    paths = svg.findall(".//{http://www.w3.org/2000/svg}path[@d]")
    assert any("Pratese" in (p.findtext("{http://www.w3.org/2000/svg}title") or "") for p in paths)
    assert len(svg.findall(".//{http://www.w3.org/2000/svg}pattern")) == 6  # one per class


def test_gaps_give_reasons_in_words(client, project):
    response = client.get(reverse("governance:coverage-gaps"), {"year": "2024"})
    html = response.content.decode()
    assert "Nessun comune della zona ospita posti SAI" in html
    assert "residenti in comuni senza posti SAI nella zona" in html
    assert "posti ogni 1.000 residenti contro" in html
    zone = response.context["zone"]
    assert zone[0].shortfall >= zone[-1].shortfall or zone[-1].shortfall is None


def test_what_if_changes_indicators_and_saves_nothing(client, project):
    params = {"places": "20", "type": "ordinari", "comuni": ["100003", "100005"], "year": "2024"}
    response = client.get(reverse("governance:coverage-what-if"), params)
    sections = {s["level"]: s["pairs"] for s in response.context["sections"]}
    (before, after) = sections["zona"][0]
    assert (before.places, after.places) == (40, 60)
    assert (before.comuni_hosting, after.comuni_hosting) == (2, 3)
    assert SaiProject.objects.count() == 1
    partial = client.get(reverse("governance:coverage-what-if"), params, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"<table" in partial.content
    invalid = client.get(reverse("governance:coverage-what-if"), {"places": "0"})
    assert invalid.context["sections"] is None and invalid.context["form"].errors


def test_api_coverage(client, project):
    body = client.get("/api/v1/governance/coverage", {"level": "provincia", "year": 2024}).json()
    prato = next(item for item in body["items"] if item["key"] == "PO")
    assert prato["places"] == 40 and prato["places_by_type"]["ordinari"] == 40
    assert prato["comuni_hosting"] == 2 and prato["projects"] == 1 and prato["holders"] == 1
    assert prato["population_years"] == [2021] and prato["places_per_1000"] > 0
    assert body["region"][0]["name"] == "Toscana"
    bad = client.get("/api/v1/governance/coverage", {"level": "nazione"})
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "level"
    schema = client.get("/api/v1/openapi.json").content.decode()
    assert "/api/v1/governance/coverage" in schema
