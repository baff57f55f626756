import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from approdo.territory.models import UnioneComuni

pytestmark = pytest.mark.django_db


def territory_queries(captured: CaptureQueriesContext) -> int:
    """Queries on territory tables (the API's rate-limit bookkeeping is not counted)."""
    return sum(1 for query in captured.captured_queries if "territory_" in query["sql"])


def test_zones_lists_all_28_with_figures_for_anonymous_clients(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("api:territory-zones"), secure=True)

    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 28
    assert sum(item["comuni_count"] for item in items) == 273
    assert sum(item["population"] for item in items) == 3_668_333
    assert sum(1 for item in items if item["sds"]) == 17
    pratese = next(item for item in items if item["slug"] == "pratese")
    assert pratese == {
        "slug": "pratese",
        "name": "Pratese",
        "asl": {"slug": "centro", "name": "Azienda USL Toscana centro"},
        "sds": "Società della Salute Area Pratese",
        "comuni_count": 7,
        "population": 256_047,
        "population_year": 2021,
    }
    assert next(item for item in items if item["slug"] == "elba")["sds"] is None
    assert territory_queries(captured) <= 2


def test_zones_answer_signed_in_users_too(client, coop_member):
    client.force_login(coop_member)

    assert client.get(reverse("api:territory-zones"), secure=True).status_code == 200


def test_zones_refuse_post(client):
    assert client.post(reverse("api:territory-zones"), secure=True).status_code == 405


def test_comune_detail_describes_province_zona_asl_sds_unioni_and_population(client):
    unione = UnioneComuni.objects.create(slug="val-di-bisenzio", name="Unione dei Comuni di prova")
    unione.members.add("100005")

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("api:territory-comune", args=["100005"]), secure=True)

    assert response.status_code == 200
    assert response.json() == {
        "istat_code": "100005",
        "name": "Prato",
        "province": {
            "istat_code": "100",
            "sigla": "PO",
            "name": "Prato",
            "prefettura": "Prefettura - UTG di Prato",
            "prefettura_seat": "Prato",
        },
        "zona": {"slug": "pratese", "name": "Pratese"},
        "asl": {"slug": "centro", "name": "Azienda USL Toscana centro"},
        "sds": "Società della Salute Area Pratese",
        "unioni": [{"slug": "val-di-bisenzio", "name": "Unione dei Comuni di prova"}],
        "population": [{"year": 2021, "total": 193_568}],
    }
    assert territory_queries(captured) <= 5


def test_comune_detail_of_an_unknown_code_is_404(client):
    response = client.get(reverse("api:territory-comune", args=["999999"]), secure=True)

    assert response.status_code == 404


def test_openapi_document_describes_the_territory_responses():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    zones = schema["paths"]["/api/v1/territory/zones"]["get"]
    comune = schema["paths"]["/api/v1/territory/comuni/{istat_code}"]["get"]
    assert zones["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ZoneList"
    }
    assert "404" in comune["responses"]
    properties = schema["components"]["schemas"]["Comune"]["properties"]
    assert {"province", "zona", "asl", "sds", "unioni", "population"} <= set(properties)
