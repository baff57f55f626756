import json

import pytest
from django.test import Client

from approdo.api.errors import flatten_errors
from approdo.api.tests.conftest import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.urls("approdo.api.tests.urls")]

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, path: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["instance"] == path
    return body


def post_json(client, path, data, **extra):
    return client.post(path, json.dumps(data), content_type="application/json", **extra)


VALID = {"name": "abc", "count": 1, "address": {"city": "Prato"}, "tags": ["a"]}


def test_valid_input_is_accepted(client, coop_token):
    response = post_json(client, "/api/v1/test/echo", VALID, **bearer(coop_token[1]))

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"


def test_invalid_input_gets_422_with_one_entry_per_field(client, coop_token):
    data = {"name": "too long", "count": -1, "address": {}, "tags": ["ok", "long"]}

    response = post_json(client, "/api/v1/test/echo", data, **bearer(coop_token[1]))

    body = assert_problem(response, 422, "/api/v1/test/echo")
    errors = {entry["field"]: entry for entry in body["errors"]}
    assert sorted(errors) == ["address.city", "count", "name", "tags.1"]
    assert errors["address.city"]["pointer"] == "#/address/city"
    assert errors["tags.1"]["pointer"] == "#/tags/1"
    assert errors["name"]["pointer"] == "#/name"
    assert all(entry["detail"] for entry in body["errors"])


def test_error_about_the_whole_object_has_an_empty_field(client, coop_token):
    data = {**VALID, "name": "clash"}

    response = post_json(client, "/api/v1/test/echo", data, **bearer(coop_token[1]))

    body = assert_problem(response, 422, "/api/v1/test/echo")
    assert body["errors"] == [
        {"field": "", "detail": "This combination is not allowed.", "pointer": "#"}
    ]


def test_malformed_json_is_a_400_problem(client, coop_token):
    response = client.post(
        "/api/v1/test/echo",
        "{not json",
        content_type="application/json",
        **bearer(coop_token[1]),
    )

    assert_problem(response, 400, "/api/v1/test/echo")


def test_missing_credentials_is_a_401_problem(client):
    response = post_json(client, "/api/v1/test/echo", VALID)

    assert_problem(response, 401, "/api/v1/test/echo")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_permission_denied_is_a_403_problem(client, coop_token):
    response = client.get("/api/v1/test/forbidden", **bearer(coop_token[1]))

    assert_problem(response, 403, "/api/v1/test/forbidden")


def test_not_found_in_a_view_is_a_404_problem(client, coop_token):
    response = client.get("/api/v1/test/missing", **bearer(coop_token[1]))

    body = assert_problem(response, 404, "/api/v1/test/missing")
    assert body["detail"] == "No such thing."


@pytest.mark.parametrize("path", ["/api/v1/no-such-endpoint", "/api/v2/status", "/api/"])
def test_unknown_address_under_api_is_a_404_problem(client, path):
    assert_problem(client.get(path), 404, path)


def test_wrong_method_is_a_405_problem(client):
    response = client.post("/api/v1/status")

    body = assert_problem(response, 405, "/api/v1/status")
    assert "POST" in body["detail"]
    assert "GET" in response["Allow"]


def test_conflict_is_a_409_problem(client, coop_token):
    response = client.post("/api/v1/test/conflict", **bearer(coop_token[1]))

    body = assert_problem(response, 409, "/api/v1/test/conflict")
    assert body["detail"] == "The campaign is closed."


def test_server_error_under_api_is_a_500_problem(coop_token):
    client = Client(raise_request_exception=False)

    response = client.get("/api/v1/test/crash", **bearer(coop_token[1]))

    body = assert_problem(response, 500, "/api/v1/test/crash")
    assert "boom" not in body["detail"]


def test_page_that_requires_a_session_answers_401_instead_of_redirecting(client):
    response = client.get("/api/v1/test/private")

    assert_problem(response, 401, "/api/v1/test/private")


def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_flatten_errors_joins_the_messages_of_a_field():
    errors = flatten_errors({"name": ["Too long.", "Not unique."]})

    assert errors == [{"field": "name", "detail": "Too long. Not unique.", "pointer": "#/name"}]


def test_flatten_errors_walks_lists_of_objects():
    detail = {"items": [{}, {"code": ["Unknown code."]}], "non_field_errors": ["Bad."]}

    assert flatten_errors(detail) == [
        {"field": "items.1.code", "detail": "Unknown code.", "pointer": "#/items/1/code"},
        {"field": "", "detail": "Bad.", "pointer": "#"},
    ]


def test_flatten_errors_escapes_json_pointer_characters():
    errors = flatten_errors({"a/b~c": ["Bad."]})

    assert errors[0]["pointer"] == "#/a~1b~0c"
