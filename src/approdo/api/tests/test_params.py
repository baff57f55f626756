"""The API enforces what its OpenAPI document declares of each query parameter (bounds,
enums, patterns, booleans): a value out of the declaration is a 422 problem naming it."""

import pytest
from django.test import Client

from approdo.api.actions import create_token
from approdo.api.tests.conftest import bearer
from approdo.api.tests.test_surveys_api import FORM
from approdo.funding.tests.factories import make_call
from approdo.surveys import actions as survey_actions
from approdo.surveys.tests.conftest import upload

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=", "limit"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=1.5", "limit"),
        ("limit=1_0", "limit"),
        ("offset=-1", "offset"),
        ("offset=10000001", "offset"),
        ("year=20", "year"),
        ("year=2020,", "year"),
        ("status=ONGOING", "status"),
        ("status=", "status"),
        ("sector=public,other", "sector"),
        ("sort=", "sort"),
        ("sort=oldest", "sort"),
        ("zone=atlantide", "zone"),
    ],
)
def test_practice_list_parameters_are_enforced(client, query, field):
    response = client.get(f"/api/v1/practices?{query}")

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert [entry["field"] for entry in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    "query", ["limit=500&offset=0", "year=2020,2021", "status=ongoing,ended", "sort=title"]
)
def test_practice_list_parameters_within_the_declaration_are_accepted(client, query):
    assert client.get(f"/api/v1/practices?{query}").status_code == 200


@pytest.mark.parametrize(
    "query", ["level=zona&year=1989", "level=zona&year=2101", "level=zona&year=2020.0", "year=2020"]
)
def test_coverage_parameters_are_enforced(client, query):
    response = client.get(f"/api/v1/governance/coverage?{query}")

    assert response.status_code == 422


def test_call_statistics_view_is_an_enum(client):
    make_call("bando-pubblico", statistics_public=True)

    assert client.get("/api/v1/calls/bando-pubblico/statistics?view=public").status_code == 200
    response = client.get("/api/v1/calls/bando-pubblico/statistics?view=exact")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "view"


@pytest.mark.parametrize(
    "query, field",
    [
        ("format=pdf", "format"),
        ("format=", "format"),
        ("drafts=1", "drafts"),
        ("labels=x", "labels"),
    ],
)
def test_export_parameters_are_enforced(query, field, anci_coordinator, prato, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    survey_actions.import_xlsform(upload(FORM), campaign_slug="api-campaign", title="API")
    _token, plaintext = create_token(anci_coordinator, name="t")

    response = Client().get(
        f"/api/v1/campaigns/api-campaign/responses.csv?{query}", **bearer(plaintext)
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
