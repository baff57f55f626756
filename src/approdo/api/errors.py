"""Every API error as an RFC 9457 problem (`application/problem+json`).

`problem_exception_handler` is DRF's EXCEPTION_HANDLER (a throttled request gets a 429 with
Retry-After); the API middleware uses `problem_response` for the errors Django answers itself
(unknown URL, server error).
Invalid input is a 422 with one entry per invalid field in `errors`. `bad_request` is the
site's handler400: a problem under /api/, a page elsewhere, and 413 for a body too large.
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("Bad request"),
    401: _("Unauthorized"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    413: _("Content too large"),
    415: _("Unsupported media type"),
    422: _("Unprocessable content"),
    429: _("Too many requests"),
    500: _("Internal server error"),
    503: _("Service unavailable"),
}


class ContentTooLarge(exceptions.APIException):
    """The request body is larger than the site accepts: 413."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request is too large.")
    default_code = "content_too_large"


class Conflict(exceptions.APIException):
    """The request clashes with the current state (e.g. a closed campaign): 409."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


def problem(
    status_code: int, detail: str = "", *, request: HttpRequest | None = None, **extra: Any
) -> dict[str, Any]:
    """The body of a problem: `type`, `title`, `status`, `detail`, `instance`, then `extra`."""
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": str(detail),
    }
    if request is not None:
        body["instance"] = request.get_full_path()
    body.update(extra)
    return body


def problem_response(
    request: HttpRequest, status_code: int, detail: str = "", **extra: Any
) -> HttpResponse:
    """A plain Django response carrying a problem, for errors raised outside DRF."""
    body = problem(status_code, detail, request=request, **extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )


def flatten_errors(detail: Any, path: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """DRF's nested validation errors as [{field, detail, pointer}], one entry per field.

    Nested fields are joined with dots (`address.city`, `items.0.name`); errors about the whole
    object (DRF's `non_field_errors`) have the field "" and the pointer "#".
    """
    if isinstance(detail, dict):
        entries = []
        for key, value in detail.items():
            key = str(key)
            sub_path = path if key == api_settings.NON_FIELD_ERRORS_KEY else (*path, key)
            entries.extend(flatten_errors(value, sub_path))
        return _merge(entries)
    if isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        entries = []
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                entries.extend(flatten_errors(item, (*path, str(index))))
            elif item:
                entries.extend(flatten_errors([item], path))
        return _merge(entries)
    messages = detail if isinstance(detail, list) else [detail]
    text = " ".join(str(message) for message in messages if str(message))
    if not text:
        return []
    return [
        {
            "field": ".".join(path),
            "detail": text,
            "pointer": "#" + "".join(f"/{_escape_pointer(part)}" for part in path),
        }
    ]


def _escape_pointer(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _merge(entries: list[dict[str, str]]) -> list[dict[str, str]]:
    """One entry per field: join the messages of a field reported twice."""
    merged: dict[str, dict[str, str]] = {}
    for entry in entries:
        if entry["field"] in merged:
            merged[entry["field"]]["detail"] += " " + entry["detail"]
        else:
            merged[entry["field"]] = dict(entry)
    return list(merged.values())


def problem_exception_handler(exc: Exception, context: dict) -> Any:
    """DRF's exception handler, answering every error it knows as problem+json.

    Validation errors become 422 with `errors`; exceptions DRF does not know are left to
    Django (a 500, which the API middleware turns into a problem too).
    """
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    if isinstance(exc, exceptions.ValidationError):
        response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
        response.data = problem(
            response.status_code,
            gettext("The request contains invalid data."),
            request=request,
            errors=flatten_errors(exc.detail),
        )
    elif isinstance(exc, exceptions.Throttled):
        detail = gettext("Too many requests: try again in %(seconds)d seconds.") % {
            "seconds": exc.wait or 1
        }
        response.data = problem(response.status_code, detail, request=request)
    else:
        data = response.data
        detail = data.get("detail", "") if isinstance(data, dict) else " ".join(map(str, data))
        response.data = problem(response.status_code, detail, request=request)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def too_large_detail() -> str:
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return gettext("The request is larger than the %(size)s MB allowed.") % {
        "size": round(size / 1024 / 1024, 1)
    }


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: 413 when the body is too large, else 400; problem+json under /api/."""
    too_large = isinstance(exception, RequestDataTooBig)
    code = 413 if too_large else 400
    if too_large:
        detail = too_large_detail()
    else:
        detail = gettext("The request could not be understood.")
    if request.path_info.startswith("/api/"):
        return problem_response(request, code, detail)
    if not hasattr(request, "user"):  # failed before authentication: no page shell
        return HttpResponse(detail, status=code, content_type="text/plain; charset=utf-8")
    context = {"detail": detail, "breadcrumbs": [(str(TITLES[code]), None)], "title": TITLES[code]}
    return TemplateResponse(request, "400.html", context, status=code).render()
