"""What the OpenAPI document says about every operation: bearer tokens, problem+json errors and
the rate-limit headers (AgID ModI). `add_api_conventions` is a drf-spectacular postprocessing
hook, listed in SPECTACULAR_SETTINGS."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM = "application/problem+json"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {
        "description": "Requests allowed in any window of the set length.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "X-RateLimit-Remaining": {
        "description": "Requests left in the window ending now.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "X-RateLimit-Reset": {
        "description": "Seconds until the oldest request counted in the window stops "
        "counting, so that one more is allowed.",
        "schema": {"type": "integer", "minimum": 0},
    },
}
RETRY_AFTER = {
    "description": "Seconds to wait before sending another request.",
    "schema": {"type": "integer", "minimum": 0},
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference", "example": "about:blank"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "format": "uri-reference"},
    },
}
VALIDATION_PROBLEM_SCHEMA = {
    "allOf": [
        {"$ref": "#/components/schemas/Problem"},
        {
            "type": "object",
            "required": ["errors"],
            "properties": {
                "errors": {
                    "type": "array",
                    "description": "One entry per invalid field.",
                    "items": {
                        "type": "object",
                        "required": ["field", "detail", "pointer"],
                        "properties": {
                            "field": {"type": "string", "example": "address.city"},
                            "detail": {"type": "string"},
                            "pointer": {"type": "string", "example": "#/address/city"},
                        },
                    },
                },
            },
        },
    ]
}


def _header_refs() -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_HEADERS}


def _problem_response(description: str, schema: str = "Problem", **headers) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {**_header_refs(), **headers},
        "content": {PROBLEM: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _components() -> dict[str, dict[str, Any]]:
    return {
        "headers": {**RATE_LIMIT_HEADERS, "Retry-After": RETRY_AFTER},
        "schemas": {"Problem": PROBLEM_SCHEMA, "ValidationProblem": VALIDATION_PROBLEM_SCHEMA},
        "responses": {
            "Unauthorized": _problem_response(
                "No valid credentials.",
                **{"WWW-Authenticate": {"schema": {"type": "string"}}},
            ),
            "Forbidden": _problem_response("Not allowed for this user."),
            "BadRequest": _problem_response(
                "The body cannot be read: not JSON, or nested deeper than 32 levels."
            ),
            "NotFound": _problem_response("No such resource, or not visible to this user."),
            "ContentTooLarge": _problem_response(
                "The body is larger than the server accepts (DATA_UPLOAD_MAX_MEMORY_SIZE)."
            ),
            "UnprocessableContent": _problem_response(
                "The input is invalid: one entry per invalid field.", "ValidationProblem"
            ),
            "TooManyRequests": _problem_response(
                "Rate limit exceeded.",
                **{"Retry-After": {"$ref": "#/components/headers/Retry-After"}},
            ),
        },
    }


def _add_problem_responses(operation: dict[str, Any], *, throttled: bool = True) -> None:
    responses = operation.setdefault("responses", {})
    query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
    if "requestBody" in operation or query:
        responses.setdefault("422", {"$ref": "#/components/responses/UnprocessableContent"})
    if "requestBody" in operation:
        responses.setdefault("400", {"$ref": "#/components/responses/BadRequest"})
        responses.setdefault("413", {"$ref": "#/components/responses/ContentTooLarge"})
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        responses.setdefault("404", {"$ref": "#/components/responses/NotFound"})
    security = operation.get("security")
    if security and {} not in security:
        responses.setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
        responses.setdefault("403", {"$ref": "#/components/responses/Forbidden"})
    if throttled:
        responses.setdefault("429", {"$ref": "#/components/responses/TooManyRequests"})
    for code, response in responses.items():
        if "$ref" in response:  # referenced responses declare the headers themselves
            continue
        if throttled:
            response.setdefault("headers", {}).update(_header_refs())
        if code[0] in "45" and not response.get("content"):
            response["content"] = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def add_api_conventions(result: dict[str, Any], generator, request, public, **kwargs) -> dict:
    """Declare the rate-limit headers on every response of every operation whose view is
    throttled (all but the status endpoint), the problem responses every operation may give
    (401/403 when authenticated, 422 with input, 400 and 413 with a body, 404 with a path
    parameter, 429 when throttled), and the problem body of error responses declared without
    one."""
    components = result.setdefault("components", {})
    for section, entries in _components().items():
        components.setdefault(section, {}).update(entries)
    unthrottled = {
        (path, method.lower())
        for path, _regex, method, callback in generator.endpoints
        if not callback.cls.throttle_classes
    }
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method in METHODS:
                throttled = (path, method) not in unthrottled
                _add_problem_responses(operation, throttled=throttled)
    return result


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "approdo.api.authentication.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "apd_<prefix>_<secret>",
            "description": "A personal API token, created on the API tokens page.",
        }
