"""Rate limiting and problem+json for everything under /api/.

Each client (the token's user, else the signed-in user, else the IP address) has
APPRODO_API_RATE_LIMIT requests per fixed window of APPRODO_API_RATE_WINDOW seconds. Every /api/
response carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset; over the limit
the answer is 429 with Retry-After. Counters live in the database (RateCounter), one upsert a
request, so every process sees the same count.

Errors that Django answers itself under /api/ (unknown URL, server error, a view that is not
marked public redirecting to the login page) become problems as well.

RequestGuardMiddleware keeps what no view can use away from every view, API and pages alike:
a path with control characters is not found (404), query and form parameters lose the
characters no database or XML can hold (core.text.clean_text), and a body larger than
DATA_UPLOAD_MAX_MEMORY_SIZE (other than a multipart upload, whose files the forms cap) is
refused before anything reads it (413, by the handler400 in api.errors).
"""

import logging
import math
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext

from approdo.api.authentication import token_for_request
from approdo.api.errors import problem_response
from approdo.api.models import RateCounter
from approdo.core.client import client_ip
from approdo.core.text import cleaned_query, has_unstorable

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Health checks poll these every few seconds: never counted, never refused.
UNTHROTTLED_PATHS = frozenset({"/api/v1/status"})


def client_key(request: HttpRequest) -> str:
    """Whom a request counts against: the token's user, the session's user or the address."""
    token = token_for_request(request)
    if token is not None:
        return f"user:{token.user_id}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def hit(key: str, *, limit: int, window: int) -> tuple[int, int]:
    """Count one request for `key` in the current window: (requests so far, seconds to reset)."""
    now = time.time()
    window_start = int(now // window) * window
    reset = max(1, math.ceil(window_start + window - now))
    # One atomic statement on both SQLite and PostgreSQL, safe when processes race.
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [key, window_start],
        )
        count = cursor.fetchone()[0]
        if count == 1:  # a new window for this client: its older windows are over
            cursor.execute(
                f"DELETE FROM {table} WHERE key = %s AND window_start < %s",  # noqa: S608
                [key, window_start],
            )
    return count, reset


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if request.path_info in UNTHROTTLED_PATHS:
            return self.as_problem(request, self.get_response(request))
        limit = settings.APPRODO_API_RATE_LIMIT
        window = settings.APPRODO_API_RATE_WINDOW
        try:
            count, reset = hit(client_key(request), limit=limit, window=window)
        except DatabaseError:  # counting failed: serve rather than fail every request
            logger.exception("API rate limit: a request could not be counted")
            count, reset = 0, window
        if count > limit:
            response = problem_response(
                request,
                429,
                gettext("Too many requests: try again in %(seconds)d seconds.")
                % {"seconds": reset},
            )
            response["Retry-After"] = str(reset)
        else:
            response = self.as_problem(request, self.get_response(request))
        response["X-RateLimit-Limit"] = str(limit)
        response["X-RateLimit-Remaining"] = str(max(0, limit - count))
        response["X-RateLimit-Reset"] = str(reset)
        return response

    def as_problem(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Django's own HTML answers under /api/, turned into problems."""
        content_type = response.get("Content-Type", "")
        if "json" in content_type or "javascript" in content_type:
            return response
        if response.status_code == 404:
            return problem_response(
                request, 404, gettext("There is no API resource at this address.")
            )
        if response.status_code >= 500 and not settings.DEBUG:
            return problem_response(
                request, response.status_code, gettext("The server could not answer the request.")
            )
        if response.status_code == 302 and self.is_login_redirect(response):
            problem = problem_response(
                request, 401, gettext("Authentication credentials were not provided.")
            )
            problem["WWW-Authenticate"] = 'Bearer realm="api"'
            return problem
        return response

    @staticmethod
    def is_login_redirect(response: HttpResponse) -> bool:
        return response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))


def body_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestGuardMiddleware:
    """Control characters out of paths and parameters, oversized bodies refused (see the
    module's docstring). After the authentication and rate-limit middleware, so the error
    pages know the user and API errors carry the rate-limit headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_unstorable(request.path_info):
            raise Http404
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            limit is not None
            and body_length(request) > limit
            and not request.content_type.startswith("multipart/")
        ):
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        request.GET = cleaned_query(request.GET)
        load = request._load_post_and_files

        def load_clean() -> None:  # the form data is parsed when a view first asks for it
            load()
            request._post = cleaned_query(request._post)

        request._load_post_and_files = load_clean
        return self.get_response(request)
