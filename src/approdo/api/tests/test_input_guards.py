"""No input reaches a view in a form it cannot handle: control characters in paths and
parameters, JSON nested without end, bodies larger than the site accepts."""

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from approdo.api.middleware import RequestGuardMiddleware
from approdo.api.tests.conftest import bearer
from approdo.core.text import clean_data, clean_text, depth, single_line

pytestmark = [pytest.mark.django_db, pytest.mark.urls("approdo.api.tests.urls")]

PROBLEM = "application/problem+json"


def test_clean_text_keeps_line_breaks_and_drops_what_no_store_can_hold():
    assert clean_text("a\x0bb\x0cc") == "a\nb\nc"  # Word's line and page breaks
    assert clean_text("a\x00b\x01c\ud800d\ufffe") == "abcd"
    assert clean_text("tab\tline\nreturn\r") == "tab\tline\nreturn\r"
    assert single_line("Casa\naperta\r\n a  Prato\x00") == "Casa aperta a Prato"
    assert clean_data({"k\x00": ["v\x01", {"x": "\ud800y"}], "n": 1}) == {
        "k": ["v", {"x": "y"}],
        "n": 1,
    }


def test_depth_counts_without_recursion():
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert depth(deep, 32) == 33
    assert depth({"a": [1, {"b": []}]}, 32) == 4
    assert depth("text", 32) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/governance/sai/?q=%00",
        "/governance/sai/?q=%01%0b%ud800",
        "/buone-pratiche/scarica.xlsx?year=%00",
        "/buone-pratiche/scarica.csv?q=%00&zone=%00",
        "/buone-pratiche/?q=%00&year=%00",
        "/api/v1/practices?q=%00&year=%00",
        "/api/v1/governance/coverage?level=comune&year=%00",
    ],
)
def test_control_characters_in_query_strings_never_fail(client, anci_coordinator, path):
    client.force_login(anci_coordinator)

    response = client.get(path)

    assert response.status_code < 500


def test_query_parameters_reach_views_cleaned():
    request = RequestFactory().get("/buone-pratiche/", {"q": "Casa\x00 aperta\x0b", "k\x01": "v"})
    seen = {}

    def view(request):
        seen.update(request.GET.lists())
        return HttpResponse()

    RequestGuardMiddleware(view)(request)

    assert seen == {"q": ["Casa aperta\n"], "k": ["v"]}


@pytest.mark.parametrize("content_type", ["urlencoded", "multipart"])
def test_form_fields_reach_views_cleaned(content_type):
    data = {"answer": "riga uno\x0briga due\x00"}
    factory = RequestFactory()
    if content_type == "multipart":
        request = factory.post("/segnalazioni/nuova/", data)
    else:
        request = factory.post(
            "/segnalazioni/nuova/",
            "answer=riga+uno%0Briga+due%00",
            content_type="application/x-www-form-urlencoded",
        )
    seen = {}

    def view(request):
        seen.update(request.POST.lists())
        return HttpResponse()

    RequestGuardMiddleware(view)(request)

    assert seen == {"answer": ["riga uno\nriga due"]}


def test_control_characters_in_a_path_are_not_found(client):
    response = client.get("/api/v1/territory/comuni/%00")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_a_page_path_with_nul_is_a_404_page(client):
    response = client.get("/buone-pratiche/%00/")

    assert response.status_code == 404


def test_deeply_nested_json_is_a_400_problem(client, coop_token):
    body = "[" * 5000 + "]" * 5000

    response = client.post(
        "/api/v1/test/echo", body, content_type="application/json", **bearer(coop_token[1])
    )

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "32" in response.json()["detail"]


def test_json_just_too_deep_is_refused_and_json_within_the_limit_is_read(client, coop_token):
    too_deep = {"name": "abc", "count": 1, "address": {"city": "Prato"}, "x": []}
    inner = too_deep["x"]
    for _ in range(40):
        inner.append([])
        inner = inner[0]
    response = client.post(
        "/api/v1/test/echo",
        json.dumps(too_deep),
        content_type="application/json",
        **bearer(coop_token[1]),
    )
    assert response.status_code == 400

    fine = {"name": "a\x00b", "count": 1, "address": {"city": "Pra\ud800to"}}
    response = client.post(
        "/api/v1/test/echo",
        json.dumps(fine),  # \u0000 and \ud800 escapes: valid JSON
        content_type="application/json",
        **bearer(coop_token[1]),
    )
    assert response.status_code == 201
    assert response.json()["name"] == "ab"
    assert response.json()["address"] == {"city": "Prato"}


def test_malformed_json_is_a_400_problem(client, coop_token):
    response = client.post(
        "/api/v1/test/echo", b"{\xff", content_type="application/json", **bearer(coop_token[1])
    )

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_api_body_is_a_413_problem(client, coop_token):
    body = json.dumps({"name": "x" * 2000, "count": 1, "address": {"city": "Prato"}})

    response = client.post(
        "/api/v1/test/echo", body, content_type="application/json", **bearer(coop_token[1])
    )

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 413


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_form_is_a_413_page(client, coop_member):
    client.force_login(coop_member)

    response = client.post(
        "/segnalazioni/nuova/",
        "message=" + "x" * 2000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert "text/html" in response["Content-Type"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_multipart_field_is_a_413_page(client, coop_member):
    client.force_login(coop_member)

    response = client.post("/segnalazioni/nuova/", {"message": "x" * 2000})

    assert response.status_code == 413
