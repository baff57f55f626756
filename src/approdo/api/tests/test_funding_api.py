"""GET /api/v1/calls/{slug}/statistics: the DESIGN 4.3 contract, who may read it, suppression."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from approdo.api.tests.conftest import bearer
from approdo.funding.tests.test_statistics import assert_nothing_small, build_seed_call

pytestmark = pytest.mark.django_db


def url(call):
    return reverse("api:call-statistics", kwargs={"slug": call.slug})


@pytest.fixture
def public_call():
    return build_seed_call(statistics_public=True)


@pytest.fixture
def private_call():
    return build_seed_call()


def test_public_statistics_follow_the_contract(client, public_call):
    response = client.get(url(public_call))
    assert response.status_code == 200
    body = response.json()
    assert body["call"] == public_call.slug
    assert (body["applications"], body["funded"]) == (47, 40)
    assert body["lead_sector"] == {"public": 18, "third_sector": 22}
    for item in body["actions"]:
        assert set(item) >= {"code", "label", "projects", "percent"}
    assert body["actions"][0] == {
        "code": "orientamento_servizi",
        "label": "orientamento ai servizi",
        "projects": 37,
        "percent": 92.5,
        "denominator": 40,
    }
    targets = {item["code"]: item for item in body["targets"]}
    assert targets["marginalita"]["projects"] == 26
    assert {child["code"] for child in targets["marginalita"]["children"]} >= {"senza_dimora"}
    assert targets["diniego_protezione"]["percent"] == 80.0
    assert all(set(zone) >= {"name", "projects"} for zone in body["zones"])
    assert body["suppression"]["applied"] is True
    assert body["as_of"]
    assert_nothing_small(body)


def test_the_public_never_sees_a_suppressed_cell(client, public_call):
    body = client.get(url(public_call)).json()
    actions = {item["code"]: item for item in body["actions"]}
    assert actions["mediazione_culturale"]["projects"] is None
    assert actions["mediazione_culturale"]["percent"] is None
    assert body["suppression"]["hidden"] > 0


def test_staff_get_the_exact_figures_unless_they_ask_for_the_public_view(
    client, anci_coordinator, public_call
):
    client.force_login(anci_coordinator)
    exact = {item["code"]: item for item in client.get(url(public_call)).json()["actions"]}
    assert exact["mediazione_culturale"]["projects"] == 4
    shown = client.get(url(public_call), {"view": "public"}).json()
    assert {item["code"]: item for item in shown["actions"]}["mediazione_culturale"][
        "projects"
    ] is None


def test_private_statistics_answer_401_403_or_200_by_caller(
    client, private_call, coop_member, analyst, coop_token
):
    response = client.get(url(private_call))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    _token, plaintext = coop_token
    response = client.get(url(private_call), **bearer(plaintext))
    assert response.status_code == 403
    assert response.json()["status"] == 403
    client.force_login(analyst)
    assert client.get(url(private_call)).status_code == 200


def test_a_call_not_yet_open_is_not_found_for_non_staff(client, coop_member):
    call = build_seed_call(
        statistics_public=True, opens_at=timezone.now() + datetime.timedelta(days=3)
    )
    client.force_login(coop_member)
    response = client.get(url(call))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/calls/no-such-call/statistics").status_code == 404


def test_other_methods_are_refused(client, public_call, regione_admin):
    client.force_login(regione_admin)
    assert client.post(url(public_call)).status_code == 405


def test_the_endpoint_is_in_the_openapi_schema(client):
    schema = client.get(reverse("api:openapi")).json()
    operation = schema["paths"]["/api/v1/calls/{slug}/statistics"]["get"]
    assert operation["operationId"] == "call_statistics_retrieve"
    assert {"200", "401", "403", "404"} <= set(operation["responses"])
