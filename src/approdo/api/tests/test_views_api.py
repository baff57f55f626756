import re
from html.parser import HTMLParser

import pytest
from django.db import OperationalError
from drf_spectacular.validation import validate_schema

from approdo.api import views
from approdo.api.tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_status_answers_200_as_a_problem_object(client):
    response = client.get("/api/v1/status")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 200
    assert body["title"] == "OK"
    assert body["database"] == "ok"
    assert body["api_version"] == "1.0.0"
    assert body["version"]


def test_status_accepts_clients_asking_for_problem_json(client):
    response = client.get("/api/v1/status", HTTP_ACCEPT="application/problem+json")

    assert response.status_code == 200


def test_status_ignores_a_bad_token(client):
    assert client.get("/api/v1/status", **bearer("apd_bad_token")).status_code == 200


def test_status_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("could not connect")

    monkeypatch.setattr(views, "connection", DownConnection())

    response = client.get("/api/v1/status")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["health"] == "unavailable"
    assert int(response["Retry-After"]) > 0


def test_me_lists_the_memberships_with_roles(client, coop_token, coop_member, coop):
    response = client.get("/api/v1/me", **bearer(coop_token[1]))

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == coop_member.email
    assert body["memberships"] == [
        {
            "organization_id": coop.pk,
            "organization": coop.name,
            "organization_kind": "cooperativa_sociale",
            "role": "org_manager",
            "role_label": body["memberships"][0]["role_label"],
            "zona": None,
            "asl": None,
        }
    ]


def test_me_shows_the_scope_of_a_territory_officer(client, zona_officer):
    client.force_login(zona_officer)

    body = client.get("/api/v1/me").json()

    assert body["memberships"][0]["role"] == "territory_viewer"
    assert body["memberships"][0]["zona"] == "pratese"


def test_me_rejects_post(client, coop_token):
    assert client.post("/api/v1/me", **bearer(coop_token[1])).status_code == 405


@pytest.fixture
def openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_is_valid_openapi_3(openapi):
    validate_schema(openapi)
    assert openapi["openapi"].startswith("3.")
    assert re.fullmatch(r"\d+\.\d+\.\d+", openapi["info"]["version"])
    assert openapi["info"]["version"] == "1.0.0"


def test_openapi_document_lists_the_api_paths_in_kebab_case(openapi):
    assert "/api/v1/status" in openapi["paths"]
    assert "/api/v1/me" in openapi["paths"]
    for path in openapi["paths"]:
        assert path.startswith("/api/v1/")
        assert re.fullmatch(r"[a-z0-9/{}_.-]+", path), path
        assert not re.search(r"[A-Z]|_(?![^{]*})", path), path


def _resolve(document, item):
    while "$ref" in item:
        section, name = item["$ref"].split("/")[-2:]
        item = document["components"][section][name]
    return item


def test_every_operation_declares_the_rate_limit_headers_and_429(openapi):
    operations = [
        operation
        for path, path_item in openapi["paths"].items()
        for method, operation in path_item.items()
        if method in {"get", "post", "put", "patch", "delete"} and path != "/api/v1/status"
    ]
    assert operations
    for operation in operations:
        responses = operation["responses"]
        assert "429" in responses
        for response in responses.values():
            headers = _resolve(openapi, response)["headers"]
            assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
                headers
            )
    too_many = _resolve(openapi, openapi["paths"]["/api/v1/me"]["get"]["responses"]["429"])
    assert "Retry-After" in too_many["headers"]
    assert "application/problem+json" in too_many["content"]


def test_the_status_operation_declares_no_rate_limit(openapi):
    """Health checks poll /api/v1/status: it is never throttled, so it declares no 429."""
    assert "429" not in openapi["paths"]["/api/v1/status"]["get"]["responses"]


def test_authenticated_operations_declare_the_bearer_token_and_401(openapi):
    me = openapi["paths"]["/api/v1/me"]["get"]

    assert {"bearerAuth": []} in me["security"]
    assert "401" in me["responses"]
    assert openapi["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    validation = openapi["components"]["schemas"]["ValidationProblem"]
    assert validation["allOf"][0] == {"$ref": "#/components/schemas/Problem"}


class ScriptsAndStyles(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.inline = [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or tag == "style":
            self.inline.append(f"<{tag} style>")
        if any(name.startswith("on") for name in attrs):
            self.inline.append(f"<{tag} on...>")
        if tag == "script":
            self._in_script = True
            if not attrs.get("src"):
                self.inline.append("<script> without src")
            else:
                self.scripts.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append("script body")


def test_docs_page_has_no_inline_script_or_style(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    parser = ScriptsAndStyles()
    parser.feed(response.content.decode())
    assert parser.inline == []
    assert any("swagger-ui-bundle.js" in src for src in parser.scripts)
    assert any("/api/v1/docs/?script" in src for src in parser.scripts)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_docs_start_up_script_is_served_as_javascript(client):
    response = client.get("/api/v1/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/v1/openapi.json" in response.content.decode()
    assert "SwaggerUIBundle" in response.content.decode()


def test_docs_page_uses_the_site_shell(client):
    content = client.get("/api/v1/docs/").content.decode()

    assert content.count("<h1") == 1
    assert 'id="main-content"' in content
    assert 'id="swagger-ui"' in content
