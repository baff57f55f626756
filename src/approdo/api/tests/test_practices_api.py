"""GET /api/v1/practices: public, published only, the catalogue's search and filters,
{"items": [...]} with limit/offset, problem+json for bad parameters."""

import pytest
from django.urls import reverse

from approdo.practices.tests.test_catalogue_fixtures import make_practice

pytestmark = pytest.mark.django_db
URL = reverse("api:practices")


@pytest.fixture
def practices(db, prato, coop):
    make_practice(
        "Sportello per l'abitare",
        prato,
        code="A-1",
        zone=["pratese"],
        actions=["supporto_abitare"],
        targets=["senza_dimora"],
        contact_email="segreto@example.org",
    )
    make_practice(
        "Lavoro per i giovani",
        coop,
        code="A-2",
        zone=["firenze"],
        actions=["formazione_lavoro"],
        targets=["disoccupati"],
    )
    make_practice("Bozza abitare", coop, code="A-3", zone=["pratese"], published=False)


def test_anonymous_lists_published_practices(client, practices):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {item["code"] for item in body["items"]} == {"A-1", "A-2"}
    assert "segreto" not in response.content.decode()


def test_search_and_filters(client, practices):
    assert [i["code"] for i in client.get(URL, {"q": "abitativo"}).json()["items"]] == ["A-1"]
    assert [i["code"] for i in client.get(URL, {"zone": "firenze"}).json()["items"]] == ["A-2"]
    assert client.get(URL, {"target": "marginalita"}).json()["count"] == 2  # group of both
    assert client.get(URL, {"sector": "public", "action": "supporto_abitare"}).json()["count"] == 1
    assert client.get(URL, {"sector": "third_sector", "zone": "pratese"}).json()["count"] == 0


def test_item_shape(client, practices):
    item = client.get(URL, {"zone": "pratese"}).json()["items"][0]
    assert item["zone"] == [{"slug": "pratese", "name": "Pratese"}]
    assert item["actions"] == ["supporto_abitare"] and item["targets"] == ["senza_dimora"]
    assert item["lead_organization"] == {"name": "Comune di Prato", "sector": "public"}
    assert item["url"].endswith(reverse("practices:detail", kwargs={"code": "A-1"}))


def test_pagination(client, practices):
    body = client.get(URL, {"limit": 1, "offset": 1, "sort": "title"}).json()
    assert body["count"] == 2 and body["limit"] == 1 and body["offset"] == 1
    assert [item["code"] for item in body["items"]] == ["A-1"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"zone": "atlantide"}, "zone"),
        ({"action": "x"}, "action"),
        ({"sector": "private"}, "sector"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"year": "20x4"}, "year"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_bad_parameters_are_problems(client, practices, params, field):
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_any_query_text_is_fine(client, practices):
    for q in ['"', "a OR", "' ; DROP TABLE x --", "😀" * 50, "x" * 10000]:
        assert client.get(URL, {"q": q}).status_code == 200
